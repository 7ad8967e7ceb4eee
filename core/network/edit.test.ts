import { describe, expect, it } from 'vitest';
import { addInput, addNode, connect, disconnect, duplicate, group, markOutput, removeNodes, rename, setParam, ungroup, updateInput } from './edit.js';
import { emptyDocument, type NetworkDocument } from './types.js';

function must<T>(r: { ok: true; value: T } | { ok: false; diagnostics: { message: string }[] }): T {
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value;
}

/** data → conv → relu, built through the edit operations themselves. */
function chain(): { doc: NetworkDocument; input: string; conv: string; relu: string } {
  let doc = emptyDocument();
  const i = must(addInput(doc, { dims: [1, 3, 8, 8] }));
  const c = must(addNode(i.doc, { type: 'addConvolutionNd', params: { nbOutputMaps: 4 } }));
  const r = must(addNode(c.doc, { type: 'addActivation' }));
  doc = must(connect(r.doc, { node: i.nodeId, port: 'output' }, { node: c.nodeId, port: 'input' })).doc;
  doc = must(connect(doc, { node: c.nodeId, port: 'output' }, { node: r.nodeId, port: 'input' })).doc;
  return { doc, input: i.nodeId, conv: c.nodeId, relu: r.nodeId };
}

describe('edit operations', () => {
  it('build a network without mutating any earlier document', () => {
    const before = emptyDocument();
    const frozen = JSON.stringify(before);
    const { doc } = chain();
    expect(JSON.stringify(before)).toBe(frozen);
    expect(doc.inputs.map((i) => i.name)).toEqual(['data']);
    expect(doc.nodes.map((n) => [n.name, n.type])).toEqual([
      ['convolution', 'addConvolutionNd'],
      ['activation', 'addActivation'],
    ]);
    expect(doc.nodes[0]!.params.kernelSize).toEqual([3, 3]);
    expect(doc.edges).toHaveLength(2);
  });

  it('refuse a second wire into one input, naming the port', () => {
    const { doc, input, relu } = chain();
    const r = connect(doc, { node: input, port: 'output' }, { node: relu, port: 'input' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics![0]!.message).toBe(
      "Cannot connect data.output to activation.input: the input 'input' of 'activation' already has a wire; an input takes one wire.",
    );
  });

  it('refuse a wire that closes a cycle', () => {
    const chained = chain();
    const { conv, relu } = chained;
    let { doc } = chained;
    doc = must(disconnect(doc, [doc.edges[0]!.id]));
    const r = connect(doc, { node: relu, port: 'output' }, { node: conv, port: 'input' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics![0]!.message).toBe(
      "Cannot connect activation.output to convolution.input: it would make a cycle through 'activation' and 'convolution'.",
    );
  });

  it('validate parameters against the catalog schema', () => {
    const { doc, conv } = chain();
    const bad = setParam(doc, conv, 'kernelSize', [3, 0]);
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics![0]).toMatchObject({
      code: 'edit.param.invalid',
      nodeId: conv,
      field: 'kernelSize',
      message: "Layer 'convolution' parameter 'kernelSize': [3,0] has a value below the minimum 1.",
    });
    const good = must(setParam(doc, conv, 'kernelSize', [7, 7]));
    expect(good.nodes.find((n) => n.id === conv)!.params.kernelSize).toEqual([7, 7]);
    expect(doc.nodes.find((n) => n.id === conv)!.params.kernelSize).toEqual([3, 3]);
  });

  it('refuse a new layer with a parameter its type does not have, and change nothing', () => {
    const { doc } = chain();
    const r = addNode(doc, { type: 'addConvolutionNd', params: { nbOutputMap: 8 } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics![0]).toMatchObject({ code: 'edit.param.unknown', field: 'nbOutputMap', message: "addConvolutionNd has no parameter 'nbOutputMap'." });
  });

  it('keep names unique on rename and duplicate', () => {
    const { doc, conv, relu } = chain();
    expect(rename(doc, relu, 'convolution').diagnostics![0]!.message).toBe("A layer named 'convolution' already exists; layer names must be unique.");
    const dup = must(duplicate(doc, [conv, relu]));
    expect(dup.doc.nodes.map((n) => n.name)).toEqual(['convolution', 'activation', 'convolution_2', 'activation_2']);
    // Only the wire between the copied nodes is copied, not the one from the input.
    expect(dup.doc.edges).toHaveLength(3);
    expect(dup.doc.edges[2]!.from.node).toBe(dup.idMap[conv]);
  });

  it('remove a node with everything that refers to it', () => {
    const chained = chain();
    const { conv, relu } = chained;
    let { doc } = chained;
    doc = must(markOutput(doc, { node: relu, port: 'output' }, 'prob'));
    doc = must(group(doc, [conv, relu], 'stem')).doc;
    doc = { ...doc, bindings: { [conv]: { kernel: 'conv1.weight' } } };
    const after = must(removeNodes(doc, [relu]));
    expect(after.nodes.map((n) => n.id)).toEqual([conv]);
    expect(after.edges).toHaveLength(1);
    expect(after.outputs).toEqual([]);
    expect(after.ui.groups[0]!.nodeIds).toEqual([conv]);
    const ungrouped = must(ungroup(after, after.ui.groups[0]!.id));
    expect(ungrouped.ui.groups).toEqual([]);
  });

  it('check input dims and profiles', () => {
    const { doc, input } = chain();
    expect(updateInput(doc, input, { dims: [1, 0, 8, 8] }).diagnostics![0]!.message).toBe(
      "Input 'data' dims [1,0,8,8]: each dimension is a positive integer, or −1 for a dynamic one.",
    );
    const dynamic = must(updateInput(doc, input, { dims: [-1, 3, 8, 8], profile: { min: [1, 3, 8, 8], opt: [4, 3, 8, 8], max: [8, 3, 8, 8] } }));
    expect(dynamic.inputs[0]!.dims).toEqual([-1, 3, 8, 8]);
  });

  it('keeps an imported input’s ONNX dim names while the rank stays, and drops them when it changes', () => {
    const { doc, input } = chain();
    const named: NetworkDocument = { ...doc, inputs: doc.inputs.map((i) => ({ ...i, dims: [-1, 3, 8, 8], dimNames: ['batch', '', '', ''] })) };
    expect(must(updateInput(named, input, { dims: [-1, 3, 16, 16] })).inputs[0]!.dimNames).toEqual(['batch', '', '', '']);
    const rank3 = must(updateInput(named, input, { dims: [3, 8, 8] })).inputs[0]!;
    expect([rank3.dims, 'dimNames' in rank3]).toEqual([[3, 8, 8], false]);
  });
});
