import { describe, expect, test } from 'vitest';
import { getLayerSpec } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { lowerToProgram } from '../lower/lower.js';
import { expandComposite } from '../network/edit.js';
import { parseProject, serializeProject, validateDocument } from '../network/project-file.js';
import { emptyDocument, type BlockDefinition, type NetworkDocument, type NetworkNode, type Params } from '../network/types.js';
import { inferShapes } from '../shapes/infer.js';
import { autoBindWeights, torchTensorName } from '../weights/binding.js';
import { blockType } from './compile.js';
import { evaluateExpression, parseExpressionList } from './expression.js';

function calc(text: string, scope: Params = {}) {
  return parseExpressionList(text).map((e) => evaluateExpression(e, scope));
}

describe('block expressions', () => {
  test('follow Python arithmetic with parameter names, min and max', () => {
    expect(calc('out * 4', { out: 16 })).toEqual([64]);
    expect(calc('(a + 1) * -2 - 3', { a: 2 })).toEqual([-9]);
    expect(calc('7 // 2, -7 // 2, 7 % 3, -7 % 3, 7 / 2')).toEqual([3, -4, 1, 2, 3.5]);
    expect(calc('max(8, min(c // 4, 32))', { c: 200 })).toEqual([32]);
    expect(calc('s, s', { s: 2 })).toEqual([2, 2]);
    expect(calc('act', { act: 'RELU' })).toEqual(['RELU']);
    expect(calc('bias * 3', { bias: true })).toEqual([3]);
  });

  test('say what is wrong without evaluating anything else', () => {
    expect(() => calc('out * 4x', { out: 1 })).toThrow("'out * 4x' has 'x' at character 8 where an operator was expected");
    expect(() => calc('out ** 2', { out: 1 })).toThrow("'out ** 2' has '*' at character 6 where a number, a name or ( was expected");
    expect(() => calc('outt + 1', { out: 1 })).toThrow("there is no parameter 'outt'; the block has out");
    expect(() => calc('process.exit(1)')).toThrow("'process.exit(1)' has an unexpected '.' at character 8");
    expect(() => calc('pow(2, 3)')).toThrow("'pow(2, 3)' calls 'pow'; only min(...) and max(...) are available");
    expect(() => calc('4 // (k - 2)', { k: 2 })).toThrow('it divides by zero');
    expect(() => calc('(1 + 2')).toThrow("'(1 + 2' ends where ')' was expected");
  });
});

function node(id: string, type: string, name: string, params: Params = {}, spec = getLayerSpec(type)): NetworkNode {
  return { id, type, name, params: spec ? completeParams(spec.params, params) : params };
}

/** conv 3×3 (out channels `out`, stride `stride`) → BatchNorm2d → ReLU: weights conv.weight and bn.*. */
function convUnit(): BlockDefinition {
  return {
    name: 'ConvUnit',
    params: [
      { name: 'out', kind: 'int', default: 8, min: 1 },
      { name: 'stride', kind: 'int', default: 1, min: 1 },
    ],
    inputs: [{ id: 'x', name: 'input' }],
    nodes: [
      {
        ...node('c', 'addConvolutionNd', 'conv', { kernelSize: [3, 3], prePadding: [1, 1], postPadding: [1, 1] }),
        exprs: { nbOutputMaps: 'out', stride: 'stride, stride' },
      },
      node('b', 'BatchNorm2d', 'bn'),
      node('r', 'addActivation', 'relu', { type: 'RELU' }),
    ],
    edges: [
      { id: 'e1', from: { node: 'x', port: 'output' }, to: { node: 'c', port: 'input' } },
      { id: 'e2', from: { node: 'c', port: 'output' }, to: { node: 'b', port: 'input' } },
      { id: 'e3', from: { node: 'b', port: 'output' }, to: { node: 'r', port: 'input' } },
    ],
    outputs: [{ name: 'output', from: { node: 'r', port: 'output' } }],
  };
}

/** Two ConvUnits in sequence, the second with `out * 2` channels: a block inside a block. */
function pair(): BlockDefinition {
  const unit = blockType('ConvUnit');
  return {
    name: 'Pair',
    params: [{ name: 'width', kind: 'int', default: 4, min: 1 }],
    lets: [{ name: 'wide', expr: 'width * 2' }],
    inputs: [{ id: 'x', name: 'input' }],
    nodes: [
      { id: 'u1', type: unit, name: 'first', params: {}, exprs: { out: 'width' } },
      { id: 'u2', type: unit, name: 'second', params: { stride: 2 }, exprs: { out: 'wide' } },
    ],
    edges: [
      { id: 'e1', from: { node: 'x', port: 'output' }, to: { node: 'u1', port: 'input' } },
      { id: 'e2', from: { node: 'u1', port: 'output' }, to: { node: 'u2', port: 'input' } },
    ],
    outputs: [{ name: 'output', from: { node: 'u2', port: 'output' } }],
  };
}

/** input [1, 3, 8, 8] → the given nodes in a chain → output `out`. */
function chain(nodes: NetworkNode[], blocks: BlockDefinition[]): NetworkDocument {
  const doc: NetworkDocument = { ...emptyDocument('blocks'), blocks };
  doc.inputs.push({ id: 'in', name: 'input', dtype: 'FLOAT', dims: [1, 3, 8, 8] });
  let from = 'in';
  for (const n of nodes) {
    doc.nodes.push(n);
    doc.edges.push({ id: `w_${n.id}`, from: { node: from, port: 'output' }, to: { node: n.id, port: 'input' } });
    from = n.id;
  }
  doc.outputs.push({ name: 'out', from: { node: from, port: 'output' } });
  return doc;
}

/** Every slot of `doc` auto-bound to a tensor of its PyTorch name, with values that differ per tensor. */
function bindAll(doc: NetworkDocument) {
  const shapes = inferShapes(doc);
  const tensors = new Map<string, Float32Array>();
  for (const n of doc.nodes)
    for (const slot of shapes.nodes[n.id]?.weights ?? [])
      if (!slot.optional)
        tensors.set(
          torchTensorName(n.name, slot),
          Float32Array.from({ length: slot.count! }, (_, i) => (tensors.size + 1) * 0.5 + i),
        );
  const bound = autoBindWeights(
    doc,
    [...tensors].map(([name, data]) => ({ name, count: data.length })),
    shapes,
  );
  return { doc: bound, lookup: (name: string) => tensors.get(name), names: [...tensors.keys()] };
}

describe('user-defined blocks', () => {
  test('an instance lowers to its inner layers named after it, and two instances bind two sets of weights by name', () => {
    const unit = blockType('ConvUnit');
    const doc = chain([node('a', unit, 'layer1', { out: 4 }, undefined), node('b', unit, 'layer2', { out: 6, stride: 2 }, undefined)], [convUnit()]);
    const shapes = inferShapes(doc);
    expect(shapes.diagnostics).toEqual([]);
    expect(shapes.nodes.b!.outputs.output!.dims).toEqual([1, 6, 4, 4]);
    expect(shapes.nodes.a!.weights.map((s) => [s.name, s.count])).toEqual([
      ['conv.weight', 4 * 3 * 9],
      ['conv.bias', 4],
      ['bn.weight', 4],
      ['bn.bias', 4],
      ['bn.running_mean', 4],
      ['bn.running_var', 4],
    ]);
    const { doc: bound, lookup, names } = bindAll(doc);
    expect(names).toEqual([
      'layer1.conv.weight',
      'layer1.bn.weight',
      'layer1.bn.bias',
      'layer1.bn.running_mean',
      'layer1.bn.running_var',
      'layer2.conv.weight',
      'layer2.bn.weight',
      'layer2.bn.bias',
      'layer2.bn.running_mean',
      'layer2.bn.running_var',
    ]);
    const lowered = lowerToProgram(bound, lookup);
    if (!lowered.ok) throw new Error(lowered.diagnostics[0]!.message);
    const ops = lowered.value.program.ops;
    expect(ops.map((op) => op.layerName)).toEqual(['layer1.conv', 'layer1.bn.scale', 'layer1.relu', 'layer2.conv', 'layer2.bn.scale', 'layer2.relu']);
    const kernels = ops.filter((op) => op.op === 'addConvolutionNd').map((op) => lowered.value.program.weights.find((w) => w.id === op.weights.kernel)!.recipe);
    expect(kernels).toEqual([
      { kind: 'tensor', tensor: 'layer1.conv.weight' },
      { kind: 'tensor', tensor: 'layer2.conv.weight' },
    ]);
    expect(ops[3]!.params.stride).toEqual([2, 2]);
  });

  test('editing the definition changes every instance', () => {
    const unit = blockType('ConvUnit');
    const doc = chain([node('a', unit, 'layer1', { out: 4 }, undefined), node('b', unit, 'layer2', { out: 6 }, undefined)], [convUnit()]);
    // Both instances read the network input, so each reports its own problem below.
    doc.edges = doc.edges.map((e) => (e.to.node === 'b' ? { ...e, from: { node: 'in', port: 'output' } } : e));
    expect(inferShapes(doc).nodes.b!.outputs.output!.dims).toEqual([1, 6, 8, 8]);
    const def = convUnit();
    def.nodes[0]!.exprs = { nbOutputMaps: 'out * 2', stride: 'stride * 2, stride * 2' };
    const edited = { ...doc, blocks: [def] };
    const shapes = inferShapes(edited);
    expect(shapes.nodes.a!.outputs.output!.dims).toEqual([1, 8, 4, 4]);
    expect(shapes.nodes.b!.outputs.output!.dims).toEqual([1, 12, 4, 4]);
    // A definition that breaks reports on every instance, named by the instance.
    const broken = convUnit();
    broken.nodes[0]!.exprs = { nbOutputMaps: 'out - 10', stride: 'stride, stride' };
    expect(inferShapes({ ...doc, blocks: [broken] }).diagnostics.map((d) => [d.nodeId, d.message])).toEqual([
      ['a', "Layer 'layer1' (block:ConvUnit): inner layer 'conv' parameter 'nbOutputMaps' = 'out - 10' gives -6: -6 is below the minimum 1."],
      ['b', "Layer 'layer2' (block:ConvUnit): inner layer 'conv' parameter 'nbOutputMaps' = 'out - 10' gives -4: -4 is below the minimum 1."],
    ]);
  });

  test('blocks nest: names and weights compose through both levels', () => {
    const doc = chain([node('p', blockType('Pair'), 'stage', { width: 4 }, undefined)], [convUnit(), pair()]);
    const shapes = inferShapes(doc);
    expect(shapes.diagnostics).toEqual([]);
    expect(shapes.nodes.p!.outputs.output!.dims).toEqual([1, 8, 4, 4]);
    const { doc: bound, lookup, names } = bindAll(doc);
    expect(names.slice(0, 2)).toEqual(['stage.first.conv.weight', 'stage.first.bn.weight']);
    expect(names).toContain('stage.second.bn.running_var');
    const lowered = lowerToProgram(bound, lookup);
    if (!lowered.ok) throw new Error(lowered.diagnostics[0]!.message);
    expect(lowered.value.program.ops.map((op) => op.layerName)).toEqual([
      'stage.first.conv',
      'stage.first.bn.scale',
      'stage.first.relu',
      'stage.second.conv',
      'stage.second.bn.scale',
      'stage.second.relu',
    ]);
  });

  test('a repeat with a first-copy override lowers to the same program as the hand-written chain', () => {
    const unit = blockType('ConvUnit');
    const repeated = chain([{ ...node('r', unit, 'layer1', { out: 6, stride: 1 }, undefined), repeat: { count: 3, first: { stride: 2 } } }], [convUnit()]);
    const by = chain(
      [
        node('a', unit, 'layer1.0', { out: 6, stride: 2 }, undefined),
        node('b', unit, 'layer1.1', { out: 6 }, undefined),
        node('c', unit, 'layer1.2', { out: 6 }, undefined),
      ],
      [convUnit()],
    );
    const one = bindAll(repeated);
    const other = bindAll(by);
    expect(one.names).toEqual(other.names);
    expect(one.names[0]).toBe('layer1.0.conv.weight');
    const a = lowerToProgram(one.doc, one.lookup);
    const b = lowerToProgram(other.doc, other.lookup);
    if (!a.ok || !b.ok) throw new Error('lowering failed');
    const strip = (ops: typeof a.value.program.ops) => ops.map(({ nodeId: _node, ...op }) => op);
    expect(strip(a.value.program.ops)).toEqual(strip(b.value.program.ops));
    expect(a.value.program.weights).toEqual(b.value.program.weights);
    expect(a.value.program.ops.map((op) => op.layerName).slice(0, 4)).toEqual(['layer1.0.conv', 'layer1.0.bn.scale', 'layer1.0.relu', 'layer1.1.conv']);
  });

  test('a first copy of another block (a stage opening with a downsample) lowers like the hand-written chain', () => {
    const unit = blockType('ConvUnit');
    // The other copies: ConvUnit without its BatchNorm, so the first copy's layers differ from theirs.
    const plain: BlockDefinition = { ...convUnit(), name: 'Plain', nodes: convUnit().nodes.filter((n) => n.id !== 'b') };
    plain.edges = [plain.edges[0]!, { id: 'e2', from: { node: 'c', port: 'output' }, to: { node: 'r', port: 'input' } }];
    const repeated = chain(
      [{ ...node('s', blockType('Plain'), 'stage', { out: 6, stride: 1 }, undefined), repeat: { count: 3, firstType: unit, first: { out: 6, stride: 2 } } }],
      [convUnit(), plain],
    );
    const by = chain(
      [
        node('a', unit, 'stage.0', { out: 6, stride: 2 }, undefined),
        node('b', blockType('Plain'), 'stage.1', { out: 6, stride: 1 }, undefined),
        node('c', blockType('Plain'), 'stage.2', { out: 6, stride: 1 }, undefined),
      ],
      [convUnit(), plain],
    );
    expect(validateDocument(repeated).ok).toBe(true);
    const one = bindAll(repeated);
    const other = bindAll(by);
    expect(one.names).toEqual(other.names);
    expect(one.names.filter((n) => n.includes('.bn.'))).toEqual(['stage.0.bn.weight', 'stage.0.bn.bias', 'stage.0.bn.running_mean', 'stage.0.bn.running_var']);
    const a = lowerToProgram(one.doc, one.lookup);
    const b = lowerToProgram(other.doc, other.lookup);
    if (!a.ok || !b.ok) throw new Error('lowering failed');
    expect(a.value.program.ops.map(({ nodeId: _n, ...op }) => op)).toEqual(b.value.program.ops.map(({ nodeId: _n, ...op }) => op));
    const unknown = validateDocument(
      chain([{ ...node('s', blockType('Plain'), 'stage', {}, undefined), repeat: { count: 2, firstType: 'block:Down' } }], [plain]),
    );
    expect(!unknown.ok && unknown.diagnostics.map((d) => d.message)).toEqual([
      `Node 'stage' "repeat" "firstType" "block:Down" is neither a layer type nor one of the project's blocks.`,
    ]);
  });

  test('a repeated built-in composite numbers its copies from start', () => {
    const doc = chain(
      [{ ...node('r', 'BasicBlock', 'layer2', { inplanes: 8, planes: 8 }), repeat: { count: 2, start: 1, first: { inplanes: 3, stride: 2 } } }],
      [],
    );
    const shapes = inferShapes(doc);
    expect(shapes.diagnostics).toEqual([]);
    expect(shapes.nodes.r!.outputs.output!.dims).toEqual([1, 8, 4, 4]);
    expect(shapes.nodes.r!.weights.map((s) => s.name)).toContain('1.downsample.0.weight');
    expect(shapes.nodes.r!.weights.map((s) => s.name)).not.toContain('2.downsample.0.weight');
  });

  test('expanding an instance gives plain layers that keep the weights bound', () => {
    const unit = blockType('ConvUnit');
    const { doc } = bindAll(chain([node('a', unit, 'layer1', { out: 4 }, undefined)], [convUnit()]));
    const expanded = expandComposite(doc, 'a');
    if (!expanded.ok) throw new Error(expanded.diagnostics[0]!.message);
    const nodes = expanded.value.doc.nodes;
    expect(nodes.map((n) => [n.name, n.type])).toEqual([
      ['layer1.conv', 'addConvolutionNd'],
      ['layer1.bn', 'BatchNorm2d'],
      ['layer1.relu', 'addActivation'],
    ]);
    expect(nodes[0]!.params.nbOutputMaps).toBe(4);
    expect(expanded.value.doc.bindings[nodes[0]!.id]).toEqual({ kernel: 'layer1.conv.weight' });
    expect(expanded.value.doc.bindings[nodes[1]!.id]).toEqual({
      weight: 'layer1.bn.weight',
      bias: 'layer1.bn.bias',
      running_mean: 'layer1.bn.running_mean',
      running_var: 'layer1.bn.running_var',
    });
  });
});

describe('blocks in the project file', () => {
  test('round-trip through save and load; files without blocks load unchanged', () => {
    const unit = blockType('ConvUnit');
    const doc = chain([{ ...node('r', unit, 'layer1', { out: 6, stride: 1 }, undefined), repeat: { count: 2, first: { stride: 2 } } }], [convUnit(), pair()]);
    const loaded = parseProject(serializeProject(doc), 'net.trtstudio');
    if (!loaded.ok) throw new Error(loaded.diagnostics[0]!.message);
    expect(loaded.value).toEqual(doc);
    const plain = chain([node('c', 'addActivation', 'relu')], []);
    delete plain.blocks;
    const again = parseProject(serializeProject(plain), 'plain.trtstudio');
    expect(again.ok && again.value).toEqual(plain);
  });

  test('refuses a block that contains itself, naming the chain', () => {
    const a = pair();
    const b: BlockDefinition = { ...convUnit(), name: 'Loop', nodes: [{ id: 'p', type: blockType('Pair'), name: 'inner', params: {} }], edges: [] };
    b.edges.push({ id: 'e', from: { node: 'x', port: 'output' }, to: { node: 'p', port: 'input' } });
    b.outputs = [{ name: 'output', from: { node: 'p', port: 'output' } }];
    a.nodes[1]!.type = blockType('Loop');
    const result = validateDocument(chain([], [a, b]), 'loop.trtstudio');
    expect(!result.ok && result.diagnostics.map((d) => d.message)).toEqual([
      "Block 'Pair' layer 'first' has the unknown type 'block:ConvUnit': the project defines no block 'ConvUnit'.",
      "Block 'Pair' contains itself: Pair → Loop → Pair.",
      "Block 'Loop' contains itself: Loop → Pair → Loop.",
    ]);
  });

  test('refuses bad expressions, parameters and repeats with the block, layer and field named', () => {
    const def = convUnit();
    def.nodes[0]!.exprs = { nbOutputMaps: 'outs * 2', stride: 'stride,' };
    def.nodes[1]!.params = { eps: 'small' };
    const doc = chain([{ ...node('r', blockType('ConvUnit'), 'layer1', {}, undefined), repeat: { count: 0 } }], [def]);
    const result = validateDocument(doc, 'bad.trtstudio');
    expect(!result.ok && result.diagnostics.map((d) => d.message)).toEqual([
      "Block 'ConvUnit' layer 'conv' parameter 'nbOutputMaps': 'outs * 2' reads 'outs', which the block does not define (it has out, stride).",
      "Block 'ConvUnit' layer 'conv' parameter 'stride': 'stride,' ends where a number, a name or ( was expected.",
    ]);
    const second = validateDocument(
      chain([{ ...node('r', blockType('ConvUnit'), 'layer1', {}, undefined), repeat: { count: 0 } }], [convUnit()]),
      'bad.trtstudio',
    );
    expect(!second.ok && second.diagnostics.map((d) => d.message)).toEqual([`Node 'layer1' "repeat" "count" must be an integer from 1 to 1000; found 0.`]);
    const third = convUnit();
    third.nodes[1]!.params = { eps: 'small' };
    const bad = validateDocument(chain([], [third]), 'bad.trtstudio');
    expect(!bad.ok && bad.diagnostics.map((d) => d.message)).toEqual([
      "Block 'ConvUnit' layer 'bn' (BatchNorm2d) parameter 'eps': expected a number, got \"small\".",
    ]);
  });
});
