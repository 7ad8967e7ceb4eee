import { describe, expect, test } from 'vitest';
import { getLayerSpec } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { emptyDocument, type NetworkDocument, type Params } from '../network/types.js';
import { buildTemplate } from '../templates/index.js';
import { autoBindWeights } from '../weights/binding.js';
import { formulaTensor, type StateDictEntry } from '../weights/formula.js';
import { lowerToProgram } from './lower.js';

function node(id: string, type: string, name: string, params: Params = {}) {
  return { id, type, name, params: completeParams(getLayerSpec(type)!.params, params) };
}

/** input [1, 3, 4, 4] → conv (3→2, 1×1) → BatchNorm2d → output `out`. */
function convBn(): NetworkDocument {
  const doc = emptyDocument('conv-bn');
  doc.inputs.push({ id: 'in', name: 'input', dtype: 'FLOAT', dims: [1, 3, 4, 4] });
  doc.nodes.push(node('c', 'addConvolutionNd', 'conv', { nbOutputMaps: 2, kernelSize: [1, 1] }), node('b', 'BatchNorm2d', 'bn', { eps: 0.5 }));
  doc.edges.push({ id: 'e1', from: { node: 'in', port: 'output' }, to: { node: 'c', port: 'input' } });
  doc.edges.push({ id: 'e2', from: { node: 'c', port: 'output' }, to: { node: 'b', port: 'input' } });
  doc.outputs.push({ name: 'out', from: { node: 'b', port: 'output' } });
  doc.bindings = {
    c: { kernel: 'conv.weight' },
    b: { weight: 'bn.weight', bias: 'bn.bias', running_mean: 'bn.running_mean', running_var: 'bn.running_var' },
  };
  return doc;
}

const TENSORS: Record<string, number[]> = {
  'conv.weight': [1, 2, 3, 4, 5, 6],
  'bn.weight': [2, 3],
  'bn.bias': [0.5, -1],
  'bn.running_mean': [1, 2],
  'bn.running_var': [3.5, 1.5],
};
const lookup = (name: string) => (TENSORS[name] ? Float32Array.from(TENSORS[name]) : undefined);

describe('lowerToProgram', () => {
  test('expands BatchNorm2d into a CHANNEL scale with folded weights and traceable names', () => {
    const result = lowerToProgram(convBn(), lookup);
    if (!result.ok) throw new Error(result.diagnostics[0]!.message);
    const { program, weights } = result.value;
    expect(program.ops.map((op) => [op.op, op.layerName, op.nodeId])).toEqual([
      ['addConvolutionNd', 'conv', 'c'],
      ['addScale', 'bn.scale', 'b'],
    ]);
    const scale = program.ops[1]!;
    expect(scale.inputs).toEqual({ input: 'conv:output' });
    expect(scale.outputs).toEqual({ output: 'out' });
    expect(program.outputs).toEqual([{ name: 'out', tensor: 'out' }]);
    const scaleWeight = program.weights.find((w) => w.id === scale.weights.scale)!;
    expect(scaleWeight.recipe).toEqual({ kind: 'batchNormScale', gamma: 'bn.weight', var: 'bn.running_var', eps: 0.5 });
    // gamma / sqrt(var + eps) = 2 / 2, 3 / sqrt(2); shift = beta − mean·scale.
    expect(Array.from(weights.get(scale.weights.scale!)!)).toEqual([1, Math.fround(3 / Math.SQRT2)]);
    expect(Array.from(weights.get(scale.weights.shift!)!)).toEqual([-0.5, Math.fround(-1 - (2 * 3) / Math.SQRT2)]);
    expect(scale.params).toEqual({ mode: 'CHANNEL', channelAxis: 1 });
  });

  test('the program is plain JSON and lowering is deterministic', () => {
    const a = lowerToProgram(convBn(), lookup);
    const b = lowerToProgram(convBn(), lookup);
    if (!a.ok || !b.ok) throw new Error('lowering failed');
    expect(JSON.parse(JSON.stringify(a.value.program))).toEqual(a.value.program);
    expect(JSON.stringify(a.value.program)).toBe(JSON.stringify(b.value.program));
  });

  test('a missing, mis-sized or unknown weight is a Diagnostic on its node', () => {
    const doc = convBn();
    doc.bindings = { ...doc.bindings, c: {} };
    const missing = lowerToProgram(doc, lookup);
    expect(missing.ok).toBe(false);
    if (!missing.ok)
      expect(missing.diagnostics).toEqual([
        {
          severity: 'error',
          code: 'lower.weights.missing',
          message: "Layer 'conv' needs its 'kernel' weights bound to a .wts tensor (6 values).",
          nodeId: 'c',
          field: 'kernel',
        },
      ]);

    const short = lowerToProgram(convBn(), (name) => (name === 'bn.running_var' ? new Float32Array(3) : lookup(name)));
    expect(short.ok).toBe(false);
    if (!short.ok)
      expect(short.diagnostics.map((d) => d.message)).toEqual([
        "Layer 'bn' expects 2 values in its 'running_var' weights (shape [2]), but the .wts tensor 'bn.running_var' has 3.",
      ]);

    const unknownDoc = convBn();
    unknownDoc.bindings.c = { kernel: 'features.0.weight' };
    const unknown = lowerToProgram(unknownDoc, lookup);
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.diagnostics.map((d) => [d.code, d.nodeId])).toEqual([['lower.weights.unknown', 'c']]);
  });

  test('shape errors stop lowering and are returned as they are', () => {
    const doc = convBn();
    doc.edges = doc.edges.filter((e) => e.id !== 'e2');
    const result = lowerToProgram(doc, lookup);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics.map((d) => d.code)).toEqual(['shape.input.unconnected']);
  });

  test('resnet18 lowers nested composites to primitives named after PyTorch modules', () => {
    const entries: StateDictEntry[] = [];
    const doc0 = buildTemplate('resnet18')!;
    // Without weights every slot is reported missing; then bind every slot by its torchvision name, with formula values.
    const probe = lowerToProgram(doc0, () => undefined);
    expect(probe.ok).toBe(false);
    if (!probe.ok) for (const d of probe.diagnostics) expect(d.code).toBe('lower.weights.missing');
    for (const [name, shape] of RESNET18_SHAPES) entries.push([name, shape, 'float32']);
    const tensors = new Map(entries.map(([name, shape]) => [name, formulaTensor(name, shape)]));
    const doc = autoBindWeights(
      doc0,
      entries.map(([name, shape]) => ({ name, count: shape.reduce((a, b) => a * b, 1) })),
    );
    const result = lowerToProgram(doc, (name) => tensors.get(name));
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    const { program } = result.value;
    const names = program.ops.map((op) => op.layerName);
    expect(names).toContain('layer1.0.bn1.scale');
    expect(names).toContain('layer2.0.downsample.1.scale');
    expect(new Set(program.ops.map((op) => getLayerSpec(op.op)!.kind))).toEqual(new Set(['primitive']));
    const block = doc.nodes.find((n) => n.name === 'layer1.0')!;
    expect(program.ops.filter((op) => op.layerName.startsWith('layer1.0.')).every((op) => op.nodeId === block.id)).toBe(true);
    expect(program.outputs).toEqual([{ name: 'logits', tensor: 'logits' }]);
    expect(new Set(names).size).toBe(names.length);
  });
});

/** The resnet18 state_dict entries the template binds (BatchNorm's num_batches_tracked left out). */
const RESNET18_SHAPES: [string, number[]][] = (() => {
  const list: [string, number[]][] = [['conv1.weight', [64, 3, 7, 7]]];
  const bn = (prefix: string, c: number) => ['weight', 'bias', 'running_mean', 'running_var'].forEach((leaf) => list.push([`${prefix}.${leaf}`, [c]]));
  bn('bn1', 64);
  const widths = [64, 128, 256, 512];
  widths.forEach((c, stage) => {
    for (let block = 0; block < 2; block++) {
      const prefix = `layer${stage + 1}.${block}`;
      const inC = block === 0 && stage > 0 ? widths[stage - 1]! : c;
      list.push([`${prefix}.conv1.weight`, [c, inC, 3, 3]]);
      bn(`${prefix}.bn1`, c);
      list.push([`${prefix}.conv2.weight`, [c, c, 3, 3]]);
      bn(`${prefix}.bn2`, c);
      if (block === 0 && stage > 0) {
        list.push([`${prefix}.downsample.0.weight`, [c, inC, 1, 1]]);
        bn(`${prefix}.downsample.1`, c);
      }
    }
  });
  list.push(['fc.weight', [1000, 512]], ['fc.bias', [1000]]);
  return list;
})();
