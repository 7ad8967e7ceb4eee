import { describe, expect, it } from 'vitest';
import { addInput, addNode, connect } from '../../core/network/edit.js';
import { emptyDocument } from '../../core/network/types.js';
import { addLayerAt } from './commands.js';
import { createEditorStore } from './editor-store.js';
import { NODE_HEIGHT, NODE_WIDTH } from './flow-model.js';
import { NEW_NODE_MARGIN } from './view-geometry.js';

function must<T>(r: { ok: true; value: T } | { ok: false; diagnostics: { message: string }[] }): T {
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value;
}

/** An input of `dims` with a wire dragged from its output onto empty canvas. */
function dropFrom(dims: number[]) {
  const { doc, nodeId } = must(addInput(emptyDocument('net'), { dims, position: { x: 0, y: 0 } }));
  const store = createEditorStore(doc);
  const menu = { screen: { x: 0, y: 0 }, flow: { x: 300, y: 0 }, pending: { node: nodeId, port: 'output', side: 'source' as const } };
  return { store, menu, input: nodeId };
}

describe('a layer chosen from the wire-drop menu', () => {
  it("takes Linear's inFeatures from the incoming tensor and is wired without errors", () => {
    const { store, menu, input } = dropFrom([1, 16, 5, 5]);
    addLayerAt(store, 'Linear', menu.flow, menu);
    const s = store.getState();
    expect(s.doc.nodes.map((n) => [n.type, n.params.inFeatures, n.params.outFeatures])).toEqual([['Linear', 400, 1000]]);
    expect(s.doc.edges.map((e) => [e.from, e.to])).toEqual([
      [
        { node: input, port: 'output' },
        { node: s.doc.nodes[0]!.id, port: 'input' },
      ],
    ]);
    expect(s.shapes.diagnostics).toEqual([]);
    expect(s.shapes.nodes[s.doc.nodes[0]!.id]!.outputs.output!.dims).toEqual([1, 1000]);
    expect(s.selected).toEqual([s.doc.nodes[0]!.id]);
  });

  it("takes a block's inplanes from the channels of the incoming tensor", () => {
    const { store, menu } = dropFrom([1, 1024, 14, 14]);
    addLayerAt(store, 'Bottleneck', menu.flow, menu);
    const node = store.getState().doc.nodes[0]!;
    expect(node.params.inplanes).toBe(1024);
    expect(store.getState().shapes.nodes[node.id]!.weights.find((w) => w.name === 'conv1.weight')!.shape).toEqual([64, 1024, 1, 1]);
  });

  it('creates a preset with its parameters (relu is an Activation of type RELU)', () => {
    const { store, menu } = dropFrom([1, 6, 28, 28]);
    addLayerAt(store, 'addActivation', menu.flow, menu, { type: 'RELU' });
    addLayerAt(store, 'addPoolingNd', { x: 600, y: 0 }, { ...menu, flow: { x: 600, y: 0 } }, { type: 'AVERAGE' });
    expect(store.getState().doc.nodes.map((n) => [n.type, n.params.type])).toEqual([
      ['addActivation', 'RELU'],
      ['addPoolingNd', 'AVERAGE'],
    ]);
  });

  it("fills the inFeatures of a Linear inserted onto a wire from that wire's tensor", () => {
    const start = must(addInput(emptyDocument('net'), { dims: [1, 8, 2, 2], position: { x: 0, y: 0 } }));
    const input = start.nodeId;
    const relu = must(addNode(start.doc, { type: 'addActivation', position: { x: 600, y: 0 } }));
    const doc = must(connect(relu.doc, { node: input, port: 'output' }, { node: relu.nodeId, port: 'input' })).doc;
    const store = createEditorStore(doc);
    addLayerAt(store, 'Linear', { x: 300, y: 0 }, { screen: { x: 0, y: 0 }, flow: { x: 300, y: 0 }, edge: doc.edges[0]!.id });
    expect(store.getState().doc.nodes.find((n) => n.type === 'Linear')!.params.inFeatures).toBe(32);
    expect(store.getState().shapes.diagnostics).toEqual([]);
  });

  it('lands clear of the node it was dragged from when the wire is dropped on top of it', () => {
    const { store, menu, input } = dropFrom([1, 16, 5, 5]);
    // Dropped 40 right of and 10 below the input's corner: the input (190 x 74) covers that spot.
    addLayerAt(store, 'addActivation', { x: 40, y: 10 }, { ...menu, flow: { x: 40, y: 10 } });
    const s = store.getState();
    const added = s.doc.nodes[0]!.id;
    const [a, b] = [s.doc.ui.positions[input]!, s.doc.ui.positions[added]!];
    // Apart by a node's size and the margin on one axis at least, and no further than needed on the grid.
    const apartX = Math.abs(b.x - a.x) >= NODE_WIDTH + NEW_NODE_MARGIN;
    const apartY = Math.abs(b.y - a.y) >= NODE_HEIGHT + NEW_NODE_MARGIN;
    expect(apartX || apartY).toBe(true);
    expect(b).toEqual({ x: 40, y: 110 });
    expect(s.doc.edges).toHaveLength(1);
  });

  it('lands where it was asked when that spot is free', () => {
    const { store, menu } = dropFrom([1, 16, 5, 5]);
    addLayerAt(store, 'addActivation', { x: 300, y: 0 }, menu);
    expect(store.getState().doc.ui.positions[store.getState().doc.nodes[0]!.id]).toEqual({ x: 300, y: 0 });
  });

  it('steps around a pile of nodes to the nearest free spot, for a search add with no wire', () => {
    let doc = emptyDocument('net');
    for (const y of [0, 100, 200]) doc = must(addNode(doc, { type: 'addActivation', position: { x: 0, y } })).doc;
    const store = createEditorStore(doc);
    addLayerAt(store, 'addActivation', { x: 10, y: 100 }, { screen: { x: 0, y: 0 }, flow: { x: 10, y: 100 } });
    const s = store.getState();
    const placed = s.doc.ui.positions[s.doc.nodes[3]!.id]!;
    // 74 high plus 20 above the pile's top (y 0) is y -100, 200 away; the first column clear to the right (x 230) is further.
    expect(placed).toEqual({ x: 10, y: -100 });
  });
});
