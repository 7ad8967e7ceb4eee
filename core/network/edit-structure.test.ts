// Tests of the editor's structural operations (insert on wire, bypass, fragments, composite expansion).
import { describe, expect, it } from 'vitest';
import { addInput, addNode, bypassNode, connect, copyFragment, expandComposite, insertOnEdge, pasteFragment } from './edit.js';
import { emptyDocument, type NetworkDocument } from './types.js';
import { inferShapes } from '../shapes/infer.js';
import { buildTemplate } from '../templates/index.js';

function unwrap<T>(r: { ok: true; value: T } | { ok: false; diagnostics: { message: string }[] }): T {
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value;
}

/** data [1,3,32,32] → conv (16 maps, 3×3) → relu. */
function chain(): { doc: NetworkDocument; input: string; conv: string; relu: string } {
  const a = unwrap(addInput(emptyDocument(), { dims: [1, 3, 32, 32], position: { x: 0, y: 0 } }));
  const b = unwrap(addNode(a.doc, { type: 'addConvolutionNd', params: { nbOutputMaps: 16 }, position: { x: 200, y: 0 } }));
  const c = unwrap(addNode(b.doc, { type: 'addActivation', position: { x: 400, y: 0 } }));
  let doc = unwrap(connect(c.doc, { node: a.nodeId, port: 'output' }, { node: b.nodeId, port: 'input' })).doc;
  doc = unwrap(connect(doc, { node: b.nodeId, port: 'output' }, { node: c.nodeId, port: 'input' })).doc;
  return { doc, input: a.nodeId, conv: b.nodeId, relu: c.nodeId };
}

describe('insertOnEdge', () => {
  it('splits a wire around the new layer', () => {
    const { doc, conv, relu } = chain();
    const wire = doc.edges.find((e) => e.from.node === conv)!;
    const { doc: next, nodeId } = unwrap(insertOnEdge(doc, wire.id, { type: 'addPoolingNd' }));
    expect(next.edges.some((e) => e.id === wire.id)).toBe(false);
    expect(next.edges.filter((e) => e.to.node === nodeId).map((e) => e.from.node)).toEqual([conv]);
    expect(next.edges.filter((e) => e.to.node === relu).map((e) => e.from.node)).toEqual([nodeId]);
    expect(inferShapes(next).nodes[relu]!.outputs.output!.dims).toEqual([1, 16, 15, 15]);
  });
  it('refuses an unknown wire', () => {
    const r = insertOnEdge(chain().doc, 'e999', { type: 'addActivation' });
    expect(r.ok ? '' : r.diagnostics[0]!.message).toBe("There is no wire 'e999'.");
  });
});

describe('bypassNode', () => {
  it('wires the feed straight to the consumers', () => {
    const { doc, input, conv, relu } = chain();
    const next = unwrap(bypassNode(doc, conv));
    expect(next.nodes.map((n) => n.id)).toEqual([relu]);
    expect(next.edges.map((e) => [e.from.node, e.to.node])).toEqual([[input, relu]]);
  });
  it('refuses a layer whose input has no wire', () => {
    const a = unwrap(addNode(emptyDocument(), { type: 'addActivation' }));
    const r = bypassNode(a.doc, a.nodeId);
    expect(r.ok ? '' : r.diagnostics[0]!.message).toBe("Layer 'activation' cannot be bypassed: its input 'input' has no wire.");
  });
});

describe('copyFragment / pasteFragment', () => {
  it('pastes copies with fresh ids, unique names and inner wires', () => {
    const { doc, conv, relu } = chain();
    const text = JSON.stringify(copyFragment(doc, [conv, relu]));
    const { doc: next, idMap } = unwrap(pasteFragment(doc, text));
    expect(next.nodes.map((n) => n.name)).toEqual(['convolution', 'activation', 'convolution_2', 'activation_2']);
    expect(next.edges).toHaveLength(3);
    expect(next.edges.at(-1)!.from.node).toBe(idMap[conv]);
    expect(next.ui.positions[idMap[relu]!]).toEqual({ x: 440, y: 40 });
  });
  it('pastes into another project', () => {
    const { doc, conv } = chain();
    const next = unwrap(pasteFragment(emptyDocument(), JSON.stringify(copyFragment(doc, [conv])))).doc;
    expect(next.nodes.map((n) => [n.type, n.params.nbOutputMaps])).toEqual([['addConvolutionNd', 16]]);
  });
  it('refuses text that is not a fragment', () => {
    const r = pasteFragment(emptyDocument(), 'hello');
    expect(r.ok ? '' : r.diagnostics[0]!.message).toBe("The clipboard does not hold a TRT Studio fragment: 'hello' is not JSON.");
    const r2 = pasteFragment(emptyDocument(), '{"a":1}');
    expect(r2.ok ? '' : r2.diagnostics[0]!.code).toBe('edit.paste.format');
  });
});

describe('expandComposite', () => {
  it('refuses a primitive', () => {
    const { doc, conv } = chain();
    const r = expandComposite(doc, conv);
    expect(r.ok ? '' : r.diagnostics[0]!.message).toBe("Layer 'convolution' is a TensorRT primitive (addConvolutionNd); only composite layers expand.");
  });
  it('refuses a composite with folded weights', () => {
    const a = unwrap(addNode(emptyDocument(), { type: 'BatchNorm2d' }));
    const r = expandComposite(a.doc, a.nodeId);
    expect(r.ok ? '' : r.diagnostics[0]!.code).toBe('edit.expand.derived');
  });
  it('refuses a detector head, whose anchor grid is fixed values, and says why', () => {
    const doc = buildTemplate('yolov8n')!;
    const head = doc.nodes.find((n) => n.name === 'model.22')!;
    const r = expandComposite(doc, head.id);
    expect(r.ok ? '' : r.diagnostics[0]!.message).toBe(
      "Layer 'model.22' (YoloV8Detect) cannot be expanded in place: it holds fixed values (an anchor grid, strides) that follow from its inputs and no .wts tensor carries.",
    );
  });
  it('expands a composite into its parts with the same output shape', () => {
    const { doc, input } = chain();
    const added = unwrap(addNode(doc, { type: 'ConvBnAct', name: 'stem' }));
    let next = unwrap(connect(added.doc, { node: input, port: 'output' }, { node: added.nodeId, port: 'input' })).doc;
    const tail = unwrap(addNode(next, { type: 'addActivation', name: 'after' }));
    next = unwrap(connect(tail.doc, { node: added.nodeId, port: 'output' }, { node: tail.nodeId, port: 'input' })).doc;
    const before = inferShapes(next).nodes[added.nodeId]!.outputs.output!.dims;
    const expanded = unwrap(expandComposite(next, added.nodeId));
    expect(expanded.doc.nodes.some((n) => n.id === added.nodeId)).toBe(false);
    expect(expanded.nodeIds.length).toBeGreaterThan(1);
    expect(expanded.doc.nodes.filter((n) => expanded.nodeIds.includes(n.id)).every((n) => n.name.startsWith('stem.'))).toBe(true);
    const shapes = inferShapes(expanded.doc);
    expect(shapes.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(shapes.nodes[tail.nodeId]!.outputs.output!.dims).toEqual(before);
  });
});
