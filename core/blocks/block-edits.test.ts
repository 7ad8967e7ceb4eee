import { describe, expect, test } from 'vitest';
import { getLayerSpec } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { lowerToProgram } from '../lower/lower.js';
import { validateDocument } from '../network/project-file.js';
import { emptyDocument, type NetworkDocument, type Params } from '../network/types.js';
import { inferShapes } from '../shapes/infer.js';
import { copyFragment, duplicate, expandComposite, pasteFragment } from '../network/edit.js';
import { addBlocks, collapseToBlock, commonPrefix, makeBlock, replaceBlock, setRepeat } from './block-edits.js';
import { parseBlockLibrary, serializeBlockLibrary } from './library.js';

function layer(id: string, type: string, name: string, params: Params = {}) {
  return { id, type, name, params: completeParams(getLayerSpec(type)!.params, params) };
}

/** input [1, 3, 8, 8] → layer1.0.conv → layer1.0.bn → layer1.0.relu → head (ReLU) → output, weights bound by name. */
function network(): NetworkDocument {
  const doc = emptyDocument('net');
  doc.inputs.push({ id: 'in', name: 'input', dtype: 'FLOAT', dims: [1, 3, 8, 8] });
  doc.nodes.push(
    layer('c', 'addConvolutionNd', 'layer1.0.conv', { nbOutputMaps: 4, kernelSize: [3, 3], prePadding: [1, 1], postPadding: [1, 1] }),
    layer('b', 'BatchNorm2d', 'layer1.0.bn'),
    layer('r', 'addActivation', 'layer1.0.relu', { type: 'RELU' }),
    layer('h', 'addActivation', 'head', { type: 'SIGMOID' }),
  );
  const chain = ['in', 'c', 'b', 'r', 'h'];
  chain.slice(1).forEach((id, i) => doc.edges.push({ id: `e${i}`, from: { node: chain[i]!, port: 'output' }, to: { node: id, port: 'input' } }));
  doc.outputs.push({ name: 'out', from: { node: 'h', port: 'output' } });
  doc.bindings = {
    c: { kernel: 'layer1.0.conv.weight' },
    b: { weight: 'layer1.0.bn.weight', bias: 'layer1.0.bn.bias', running_mean: 'layer1.0.bn.running_mean', running_var: 'layer1.0.bn.running_var' },
  };
  doc.ui.positions = { in: { x: 0, y: 0 }, c: { x: 200, y: 10 }, b: { x: 400, y: 0 }, r: { x: 600, y: 0 }, h: { x: 800, y: 0 } };
  return doc;
}

const TENSORS: Record<string, number> = {
  'layer1.0.conv.weight': 4 * 3 * 9,
  'layer1.0.bn.weight': 4,
  'layer1.0.bn.bias': 4,
  'layer1.0.bn.running_mean': 4,
  'layer1.0.bn.running_var': 4,
};
const lookup = (name: string) => (TENSORS[name] ? Float32Array.from({ length: TENSORS[name] }, (_, i) => i / 7 + name.length) : undefined);

describe('make block', () => {
  test('the common prefix names the instance, inner names become relative, and the program stays the same', () => {
    const before = network();
    const made = makeBlock(before, ['c', 'b', 'r'], 'Stem');
    if (!made.ok) throw new Error(made.diagnostics[0]!.message);
    const { doc, nodeId } = made.value;
    expect(doc.nodes.map((n) => [n.name, n.type])).toEqual([
      ['layer1.0', 'block:Stem'],
      ['head', 'addActivation'],
    ]);
    expect(doc.blocks![0]!.nodes.map((n) => n.name)).toEqual(['conv', 'bn', 'relu']);
    expect(doc.blocks![0]!.inputs).toEqual([{ id: 'in1', name: 'input' }]);
    expect(doc.blocks![0]!.outputs).toEqual([{ name: 'output', from: { node: 'r', port: 'output' } }]);
    expect(doc.bindings[nodeId]).toEqual({
      'conv.weight': 'layer1.0.conv.weight',
      'bn.weight': 'layer1.0.bn.weight',
      'bn.bias': 'layer1.0.bn.bias',
      'bn.running_mean': 'layer1.0.bn.running_mean',
      'bn.running_var': 'layer1.0.bn.running_var',
    });
    expect(doc.ui.positions[nodeId]).toEqual({ x: 200, y: 0 });
    expect(validateDocument(doc).ok).toBe(true);
    const a = lowerToProgram(before, lookup);
    const b = lowerToProgram(doc, lookup);
    if (!a.ok || !b.ok) throw new Error('lowering failed');
    const strip = (p: typeof a.value.program) => p.ops.map(({ nodeId: _id, ...op }) => op);
    expect(strip(b.value.program)).toEqual(strip(a.value.program));
  });

  test('refuses a selection with a gap, and one without outputs', () => {
    const gap = makeBlock(network(), ['c', 'r'], 'Gap');
    expect(!gap.ok && gap.diagnostics[0]!.message).toBe(
      "The selection has a gap: 'layer1.0.bn' is fed by the selection and feeds it again; add it to the selection or leave out what follows it.",
    );
    const doc = network();
    doc.outputs = [];
    const none = makeBlock(doc, ['h'], 'Head');
    expect(!none.ok && none.diagnostics[0]!.message).toBe('Nothing outside the selection reads it; a block needs at least one output.');
  });

  test('the common prefix keeps one part of every name', () => {
    expect(commonPrefix(['layer3.0.conv1', 'layer3.0.bn1', 'layer3.0.downsample.0'])).toBe('layer3.0');
    expect(commonPrefix(['features.1', 'features.2'])).toBe('features');
    expect(commonPrefix(['a.b', 'a'])).toBe('');
    expect(commonPrefix(['conv', 'bn'])).toBe('');
  });
});

describe('repeat and definition edits', () => {
  test('a repeat renames the copies by index and editing the definition changes every copy', () => {
    const made = makeBlock(network(), ['c', 'b', 'r'], 'Stem');
    if (!made.ok) throw new Error(made.diagnostics[0]!.message);
    // The first copy reads 3 channels and gives 4; the others would need 4 in: a 1×1 projection makes them fit.
    const def = structuredClone(made.value.doc.blocks![0]!);
    def.params = [{ name: 'out', kind: 'int', default: 3, min: 1 }];
    def.nodes[0]!.exprs = { nbOutputMaps: 'out' };
    const edited = replaceBlock(made.value.doc, def);
    if (!edited.ok) throw new Error(edited.diagnostics[0]!.message);
    const repeated = setRepeat(edited.value, made.value.nodeId, { count: 3 });
    if (!repeated.ok) throw new Error(repeated.diagnostics[0]!.message);
    const shapes = inferShapes(repeated.value);
    expect(shapes.diagnostics).toEqual([]);
    expect(shapes.nodes[made.value.nodeId]!.weights.map((s) => s.name).filter((n) => n.endsWith('conv.weight'))).toEqual([
      '0.conv.weight',
      '1.conv.weight',
      '2.conv.weight',
    ]);
    const wider = structuredClone(def);
    wider.nodes[0]!.params.kernelSize = [1, 1];
    wider.nodes[0]!.params.prePadding = [0, 0];
    wider.nodes[0]!.params.postPadding = [0, 0];
    const again = replaceBlock(repeated.value, wider);
    if (!again.ok) throw new Error(again.diagnostics[0]!.message);
    expect(inferShapes(again.value).nodes[made.value.nodeId]!.weights.find((s) => s.name === '2.conv.weight')!.count).toBe(3 * 3);
    const bad = setRepeat(again.value, 'h', { count: 2 });
    expect(!bad.ok && bad.diagnostics[0]!.message).toBe(
      "Layer 'head' cannot repeat: addActivation is a TensorRT primitive; only blocks and composites repeat.",
    );
  });
});

describe('copies of an instance', () => {
  test('duplicate and paste keep the repeat; a bad pasted repeat is refused', () => {
    const made = makeBlock(network(), ['c', 'b', 'r'], 'Stem');
    if (!made.ok) throw new Error(made.diagnostics[0]!.message);
    const refused = setRepeat(made.value.doc, made.value.nodeId, { count: 2, first: { x: 1 } });
    expect(!refused.ok && refused.diagnostics[0]!.message).toBe("The first copy of 'layer1.0', parameter 'x': Stem has no parameter 'x'.");
    const doc = setRepeat(made.value.doc, made.value.nodeId, { count: 2 });
    if (!doc.ok) throw new Error(doc.diagnostics[0]!.message);
    const dup = duplicate(doc.value, [made.value.nodeId]);
    if (!dup.ok) throw new Error(dup.diagnostics[0]!.message);
    expect(dup.value.doc.nodes.at(-1)!.repeat).toEqual({ count: 2 });
    const text = JSON.stringify(copyFragment(doc.value, [made.value.nodeId]));
    const pasted = pasteFragment(doc.value, text);
    expect(pasted.ok && pasted.value.doc.nodes.at(-1)!.repeat).toEqual({ count: 2 });
    const bad = pasteFragment(doc.value, text.replace('"count":2', '"count":-1'));
    expect(!bad.ok && bad.diagnostics[0]!.message).toBe(
      `Pasted layer 'layer1.0': Node 'layer1.0' "repeat" "count" must be an integer from 1 to 1000; found -1.`,
    );
  });
});

describe('expand and collapse', () => {
  test('collapsing expanded layers gives the instance back, with its parameters and weights', () => {
    const made = makeBlock(network(), ['c', 'b', 'r'], 'Stem');
    if (!made.ok) throw new Error(made.diagnostics[0]!.message);
    const def = structuredClone(made.value.doc.blocks![0]!);
    def.params = [{ name: 'out', kind: 'int', default: 8, min: 1 }];
    def.inputs[0]!.name = 'x';
    def.nodes[0]!.exprs = { nbOutputMaps: 'out' };
    const edited = replaceBlock(made.value.doc, def);
    if (!edited.ok) throw new Error(edited.diagnostics[0]!.message);
    const withParam = edited.value.nodes.map((n) => (n.id === made.value.nodeId ? { ...n, params: { out: 4 } } : n));
    const before = {
      ...edited.value,
      nodes: withParam,
      edges: edited.value.edges.map((e) => (e.to.node === made.value.nodeId ? { ...e, to: { ...e.to, port: 'x' } } : e)),
    };
    expect(inferShapes(before).diagnostics).toEqual([]);
    const expanded = expandComposite(before, made.value.nodeId);
    if (!expanded.ok) throw new Error(expanded.diagnostics[0]!.message);
    expect(expanded.value.doc.nodes.map((n) => n.name)).toEqual(['layer1.0.conv', 'layer1.0.bn', 'layer1.0.relu', 'head']);
    const collapsed = collapseToBlock(expanded.value.doc, expanded.value.nodeIds, 'Stem');
    if (!collapsed.ok) throw new Error(collapsed.diagnostics[0]!.message);
    const instance = collapsed.value.doc.nodes.find((n) => n.id === collapsed.value.nodeId)!;
    expect([instance.name, instance.type, instance.params]).toEqual(['layer1.0', 'block:Stem', { out: 4 }]);
    expect(collapsed.value.doc.blocks).toEqual(before.blocks);
    expect(collapsed.value.doc.bindings[instance.id]).toEqual(before.bindings[made.value.nodeId]);
    const a = lowerToProgram(before, lookup);
    const b = lowerToProgram(collapsed.value.doc, lookup);
    if (!a.ok || !b.ok) throw new Error('lowering failed');
    expect(b.value.program.ops.map(({ nodeId: _n, ...op }) => op)).toEqual(a.value.program.ops.map(({ nodeId: _n, ...op }) => op));

    // A layer edited after expanding no longer is the block.
    const conv = expanded.value.doc.nodes[0]!;
    const changed = {
      ...expanded.value.doc,
      nodes: expanded.value.doc.nodes.map((n) => (n.id === conv.id ? { ...n, params: { ...n.params, nbGroups: 2 } } : n)),
    };
    const refused = collapseToBlock(changed, expanded.value.nodeIds, 'Stem');
    expect(!refused.ok && refused.diagnostics[0]!.message).toBe("The selection is not the block Stem: 'conv' has nbGroups 2, the block gives 1.");
  });
});

describe('block library', () => {
  test('a library saved from one project loads into another; a bad file is named in the message', () => {
    const made = makeBlock(network(), ['c', 'b', 'r'], 'Stem');
    if (!made.ok) throw new Error(made.diagnostics[0]!.message);
    const text = serializeBlockLibrary(made.value.doc.blocks!);
    const loaded = parseBlockLibrary(text, 'mine.trtblocks');
    if (!loaded.ok) throw new Error(loaded.diagnostics[0]!.message);
    const added = addBlocks(emptyDocument('other'), loaded.value, 'mine.trtblocks');
    expect(added.ok && added.value.added).toEqual(['Stem']);
    expect(added.ok && added.value.doc.blocks).toEqual(made.value.doc.blocks);

    const broken = JSON.parse(text) as { blocks: { nodes: { type: string }[] }[] };
    broken.blocks[0]!.nodes[0]!.type = 'addConvolution';
    const refused = parseBlockLibrary(JSON.stringify(broken), 'mine.trtblocks');
    expect(!refused.ok && refused.diagnostics.map((d) => d.message)).toEqual([
      "mine.trtblocks: Block 'Stem' layer 'conv' has the unknown type 'addConvolution'.",
    ]);
    const notLibrary = parseBlockLibrary('{"format": "trtstudio"}', 'net.trtstudio');
    expect(!notLibrary.ok && notLibrary.diagnostics[0]!.message).toBe(
      'net.trtstudio is not a block library: expected a JSON object with "format": "trtblocks".',
    );
    const clash = structuredClone(made.value.doc.blocks![0]!);
    clash.nodes[2]!.params.type = 'TANH';
    const clashing = addBlocks(made.value.doc, [clash], 'other.trtblocks');
    expect(!clashing.ok && clashing.diagnostics[0]!.message).toBe(
      "other.trtblocks defines the block 'Stem' differently from this project's; rename one of them first.",
    );
  });
});
