import { describe, expect, it } from 'vitest';
import { NetworkDocumentSchema } from '../../core/api/schemas.js';
import { addInput, moveNodes } from '../../core/network/edit.js';
import { parseProject, serializeProject } from '../../core/network/project-file.js';
import { emptyDocument, type NetworkDocument } from '../../core/network/types.js';
import { createEditorStore } from '../editor/editor-store.js';
import { addLayerAt } from '../editor/commands.js';

function withInput(): { doc: NetworkDocument; input: string } {
  const r = addInput(emptyDocument('lenet'), { dims: [1, 1, 32, 32], position: { x: 0, y: 0 } });
  if (!r.ok) throw new Error(r.diagnostics[0]!.message);
  return { doc: r.value.doc, input: r.value.nodeId };
}

describe('a wire made from the wire-drop menu', () => {
  it('makes a document that the contract accepts and a saved file reopens', () => {
    const { doc, input } = withInput();
    const store = createEditorStore(doc);
    // What the canvas hands the menu when a wire is dragged from the input's output onto empty canvas.
    const pending = { node: input, port: 'output', side: 'source' as const };
    addLayerAt(store, 'addConvolutionNd', { x: 300, y: 0 }, { screen: { x: 10, y: 10 }, flow: { x: 300, y: 0 }, pending });
    const after = store.getState().doc;
    expect(after.nodes.map((n) => n.type)).toEqual(['addConvolutionNd']);
    expect(after.edges).toEqual([{ id: after.edges[0]!.id, from: { node: input, port: 'output' }, to: { node: after.nodes[0]!.id, port: 'input' } }]);
    expect(NetworkDocumentSchema.safeParse(after).success).toBe(true);
    const reopened = parseProject(serializeProject(after), 'lenet.trtstudio');
    expect(reopened.ok).toBe(true);
  });

  it('wires a dragged target end too (the new layer feeds the input it was dragged from)', () => {
    const { doc, input } = withInput();
    const store = createEditorStore(doc);
    addLayerAt(
      store,
      'addActivation',
      { x: 300, y: 0 },
      { screen: { x: 0, y: 0 }, flow: { x: 300, y: 0 }, pending: { node: input, port: 'output', side: 'source' } },
    );
    const relu = store.getState().doc.nodes[0]!.id;
    addLayerAt(
      store,
      'addActivation',
      { x: 600, y: 0 },
      { screen: { x: 0, y: 0 }, flow: { x: 600, y: 0 }, pending: { node: relu, port: 'output', side: 'source' } },
    );
    expect(NetworkDocumentSchema.safeParse(store.getState().doc).success).toBe(true);
  });
});

describe('the editor store at the edit boundary', () => {
  it('refuses an edit whose document has a key the project format does not know, and says where', () => {
    const { doc, input } = withInput();
    const store = createEditorStore(doc);
    const stray = store.getState().apply((d) => {
      const moved = moveNodes(d, { [input]: { x: 5, y: 5 } });
      if (!moved.ok) return moved;
      return { ok: true, value: { ...moved.value, ui: { ...moved.value.ui, viewport: { ...moved.value.ui.viewport, side: 'source' } } } as NetworkDocument };
    });
    expect(stray).toBeUndefined();
    expect(store.getState().doc).toBe(doc);
    expect(store.getState().notices.at(-1)?.message).toBe(
      'The edit was not applied: ui.viewport has an unknown key "side". This is a bug in TRT Studio; the network is unchanged.',
    );
  });
});
