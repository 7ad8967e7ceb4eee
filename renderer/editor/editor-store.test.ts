import { describe, expect, it } from 'vitest';
import { addInput, addNode, connect, group, setGroupCollapsed, setParam } from '../../core/network/edit.js';
import { emptyDocument, type NetworkDocument } from '../../core/network/types.js';
import { createEditorStore } from './editor-store.js';
import { copySelectionText, deleteSelection, groupSelection, pasteText } from './commands.js';

function must<T>(r: { ok: true; value: T } | { ok: false; diagnostics: { message: string }[] }): T {
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value;
}

/** data [1,3,224,224] → conv (64 maps 7×7 /2 pad 3) → relu, with positions. */
function network(): { doc: NetworkDocument; input: string; conv: string; relu: string } {
  const a = must(addInput(emptyDocument('net'), { dims: [1, 3, 224, 224], position: { x: 0, y: 0 } }));
  const b = must(
    addNode(a.doc, {
      type: 'addConvolutionNd',
      params: { kernelSize: [7, 7], stride: [2, 2], prePadding: [3, 3], postPadding: [3, 3] },
      position: { x: 250, y: 0 },
    }),
  );
  const c = must(addNode(b.doc, { type: 'addActivation', position: { x: 500, y: 0 } }));
  let doc = must(connect(c.doc, { node: a.nodeId, port: 'output' }, { node: b.nodeId, port: 'input' })).doc;
  doc = must(connect(doc, { node: b.nodeId, port: 'output' }, { node: c.nodeId, port: 'input' })).doc;
  return { doc, input: a.nodeId, conv: b.nodeId, relu: c.nodeId };
}

describe('editor store', () => {
  it('re-infers shapes on each edit and undoes one gesture per step', () => {
    const { doc, conv } = network();
    const store = createEditorStore(doc);
    expect(store.getState().shapes.nodes[conv]!.outputs.output!.dims).toEqual([1, 64, 112, 112]);
    store.getState().apply((d) => setParam(d, conv, 'nbOutputMaps', 32));
    store.getState().apply((d) => setParam(d, conv, 'stride', [1, 1]));
    expect(store.getState().shapes.nodes[conv]!.outputs.output!.dims).toEqual([1, 32, 224, 224]);
    store.getState().undo();
    expect(store.getState().shapes.nodes[conv]!.outputs.output!.dims).toEqual([1, 32, 112, 112]);
    store.getState().undo();
    expect(store.getState().doc).toBe(doc);
    store.getState().redo();
    expect(store.getState().doc.nodes[0]!.params.nbOutputMaps).toBe(32);
    expect(store.getState().future).toHaveLength(1);
  });

  it('refuses an invalid edit with a notice and leaves the document alone', () => {
    const { doc, conv } = network();
    const store = createEditorStore(doc);
    store.getState().apply((d) => setParam(d, conv, 'nbOutputMaps', 0));
    expect(store.getState().doc).toBe(doc);
    expect(store.getState().past).toHaveLength(0);
    expect(store.getState().notices.map((n) => n.message)).toEqual(["Layer 'convolution' parameter 'nbOutputMaps': 0 is below the minimum 1."]);
  });

  it('keeps React Flow objects of unchanged nodes and wires identical across an edit', () => {
    const { doc, conv, relu, input } = network();
    const store = createEditorStore(doc);
    const before = new Map(store.getState().flowNodes.map((n) => [n.id, n]));
    const edgesBefore = store.getState().flowEdges;
    store.getState().apply((d) => setParam(d, conv, 'nbOutputMaps', 16));
    const after = new Map(store.getState().flowNodes.map((n) => [n.id, n]));
    expect(after.get(input)).toBe(before.get(input));
    expect(after.get(relu)).toBe(before.get(relu));
    // A parameter edit leaves even the edited layer's object alone; its component reads the layer from nodeById.
    expect(after.get(conv)).toBe(before.get(conv));
    expect(store.getState().nodeById.get(conv)!.params.nbOutputMaps).toBe(16);
    expect(store.getState().flowEdges).toBe(edgesBefore);
  });

  it('keeps the size React Flow measured when an edit or a move makes new node objects', () => {
    const { doc, conv, relu } = network();
    const store = createEditorStore(doc);
    store.getState().onNodesChange([
      { type: 'dimensions', id: conv, dimensions: { width: 190, height: 86 } },
      { type: 'dimensions', id: relu, dimensions: { width: 190, height: 74 } },
    ]);
    // A selection makes a new object for the layer; so does a move; both keep `measured`.
    store.getState().select([conv]);
    store.getState().apply((d) => setParam(d, relu, 'type', 'SIGMOID'));
    store.getState().onNodesChange([{ type: 'position', id: relu, position: { x: 600, y: 20 }, dragging: false }]);
    const byId = new Map(store.getState().flowNodes.map((n) => [n.id, n]));
    expect(byId.get(conv)!.selected).toBe(true);
    expect(byId.get(conv)!.measured).toEqual({ width: 190, height: 86 });
    expect(byId.get(relu)!.position).toEqual({ x: 600, y: 20 });
    expect(byId.get(relu)!.measured).toEqual({ width: 190, height: 74 });
  });

  it('commits a drag as one undo step when it ends', () => {
    const { doc, conv } = network();
    const store = createEditorStore(doc);
    store.getState().onNodesChange([{ type: 'position', id: conv, position: { x: 260, y: 10 }, dragging: true }]);
    store.getState().onNodesChange([{ type: 'position', id: conv, position: { x: 300, y: 40 }, dragging: true }]);
    expect(store.getState().doc).toBe(doc);
    store.getState().onNodesChange([{ type: 'position', id: conv, position: { x: 300, y: 40 }, dragging: false }]);
    expect(store.getState().doc.ui.positions[conv]).toEqual({ x: 300, y: 40 });
    expect(store.getState().past).toHaveLength(1);
  });

  it('copies the selection as a fragment and pastes it as one step', () => {
    const { doc, conv, relu } = network();
    const store = createEditorStore(doc);
    store.getState().select([conv, relu]);
    const text = copySelectionText(store)!;
    pasteText(store, text);
    const names = store.getState().doc.nodes.map((n) => n.name);
    expect(names).toEqual(['convolution', 'activation', 'convolution_2', 'activation_2']);
    expect(store.getState().doc.edges).toHaveLength(3);
    expect(store.getState().past).toHaveLength(1);
    expect(store.getState().selected).toHaveLength(2);
  });

  it('deletes the selection with its wires in one step', () => {
    const { doc, conv } = network();
    const store = createEditorStore(doc);
    store.getState().select([conv]);
    deleteSelection(store);
    expect(store.getState().doc.edges).toHaveLength(0);
    expect(store.getState().shapes.diagnostics.map((d) => d.code)).toEqual(['shape.input.unconnected']);
    expect(store.getState().nodeProblems[store.getState().doc.nodes[0]!.id]!.severity).toBe('error');
    store.getState().undo();
    expect(store.getState().doc).toBe(doc);
  });

  it('draws a collapsed group as one node with the outside wires rerouted to it', () => {
    const { doc, input, conv, relu } = network();
    const grouped = must(group(doc, [conv, relu], 'stem'));
    const collapsed = must(setGroupCollapsed(grouped.doc, grouped.groupId, true));
    const store = createEditorStore(collapsed);
    const visible = store
      .getState()
      .flowNodes.filter((n) => !n.hidden)
      .map((n) => n.id);
    expect(visible.sort()).toEqual([grouped.groupId, input].sort());
    const wires = store.getState().flowEdges.map((e) => [e.source, e.target, e.hidden === true]);
    expect(wires).toEqual([
      [input, grouped.groupId, false],
      [grouped.groupId, grouped.groupId, true],
    ]);
  });

  it('groups the selection under a default name', () => {
    const { doc, conv, relu } = network();
    const store = createEditorStore(doc);
    store.getState().select([conv, relu]);
    groupSelection(store);
    expect(store.getState().doc.ui.groups.map((g) => [g.name, g.nodeIds])).toEqual([['block1', [conv, relu]]]);
    expect(store.getState().flowNodes.filter((n) => n.type === 'groupFrame')).toHaveLength(1);
  });
});
