import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lowerToProgram } from '../lower/lower.js';
import { emptyDocument, type NetworkDocument, type Params } from '../network/types.js';
import { inferShapes } from '../shapes/infer.js';
import { getLayerSpec } from './catalog.js';
import { runLayer, tensor } from './testing.js';
import type { CompositeSpec } from './types.js';

/** yolov8n's state_dict as `[name, shape]`, without num_batches_tracked (a counter, not a weight). */
const YOLOV8N: [string, number[]][] = (
  JSON.parse(readFileSync(new URL('../../fixtures/models.json', import.meta.url), 'utf8')) as { yolov8n: { state_dict: [string, number[], string][] } }
).yolov8n.state_dict
  .filter(([name]) => !name.endsWith('.num_batches_tracked'))
  .map(([name, shape]) => [name, shape]);

const entries = (prefix: string) => YOLOV8N.filter(([name]) => name.startsWith(prefix));

/** One block named `name` on an input of `dims`. */
function blockDocument(name: string, type: string, params: Params, dims: number[]): NetworkDocument {
  const doc = emptyDocument(name);
  doc.inputs.push({ id: 'in', name: 'images', dtype: 'FLOAT', dims });
  doc.nodes.push({ id: 'block', type, name, params });
  doc.edges.push({ id: 'e0', from: { node: 'in', port: 'output' }, to: { node: 'block', port: 'input' } });
  doc.outputs.push({ name: 'out', from: { node: 'block', port: 'output' } });
  return doc;
}

/** The block's slots as auto-mapping sees them, `<node name>.<torchSuffix>` with shapes, and its output dims. */
function slotsAndOutput(doc: NetworkDocument): { slots: [string, number[] | undefined][]; output: number[] | undefined } {
  const report = inferShapes(doc);
  expect(report.diagnostics).toEqual([]);
  const node = doc.nodes[0]!;
  const shapes = report.nodes[node.id]!;
  return { slots: shapes.weights.map((w) => [`${node.name}.${w.torchSuffix}`, w.shape]), output: shapes.outputs.output?.dims };
}

describe("ultralytics' blocks bind yolov8n's state_dict by name", () => {
  it('model.0, a YoloConv 3→16 k3 s2, has the slots and shapes of model.0.*', () => {
    const { slots, output } = slotsAndOutput(blockDocument('model.0', 'YoloConv', { outChannels: 16, kernelSize: 3, stride: 2 }, [1, 3, 640, 640]));
    expect(slots).toEqual(entries('model.0.'));
    expect(output).toEqual([1, 16, 320, 320]);
  });

  it('model.2, a C2f 32→32 with one shortcut bottleneck, has exactly the slots and shapes of model.2.*', () => {
    const { slots, output } = slotsAndOutput(blockDocument('model.2', 'C2f', { c2: 32, n: 1, shortcut: true }, [1, 32, 160, 160]));
    expect(entries('model.2.').length).toBe(20);
    expect(slots).toEqual(entries('model.2.'));
    expect(output).toEqual([1, 32, 160, 160]);
  });

  it('model.4, a C2f with two bottlenecks, has m.0 and m.1 and cv2 over (2 + 2)·32 channels', () => {
    const { slots } = slotsAndOutput(blockDocument('model.4', 'C2f', { c2: 64, n: 2, shortcut: true }, [1, 64, 80, 80]));
    expect(slots).toEqual(entries('model.4.'));
    expect(slots.find(([name]) => name === 'model.4.cv2.conv.weight')![1]).toEqual([64, 128, 1, 1]);
  });

  it('model.9, an SPPF 256→256 k5, has exactly the slots and shapes of model.9.*', () => {
    const { slots, output } = slotsAndOutput(blockDocument('model.9', 'SPPF', { c1: 256, c2: 256, k: 5 }, [1, 256, 20, 20]));
    expect(slots).toEqual(entries('model.9.'));
    expect(output).toEqual([1, 256, 20, 20]);
  });

  it("a C3 (yolov5s' model.2, 64→64, n 1) has ultralytics' names: cv1, cv2, cv3, then m.0's 1×1 cv1 and 3×3 cv2", () => {
    const bn = (prefix: string, c: number): [string, number[]][] => ['weight', 'bias', 'running_mean', 'running_var'].map((s) => [`${prefix}.bn.${s}`, [c]]);
    const { slots, output } = slotsAndOutput(blockDocument('model.2', 'C3', { c2: 64, n: 1 }, [1, 64, 160, 160]));
    expect(slots).toEqual([
      ['model.2.cv1.conv.weight', [32, 64, 1, 1]],
      ...bn('model.2.cv1', 32),
      ['model.2.cv2.conv.weight', [32, 64, 1, 1]],
      ...bn('model.2.cv2', 32),
      ['model.2.cv3.conv.weight', [64, 64, 1, 1]],
      ...bn('model.2.cv3', 64),
      ['model.2.m.0.cv1.conv.weight', [32, 32, 1, 1]],
      ...bn('model.2.m.0.cv1', 32),
      ['model.2.m.0.cv2.conv.weight', [32, 32, 3, 3]],
      ...bn('model.2.m.0.cv2', 32),
    ]);
    expect(output).toEqual([1, 64, 160, 160]);
  });
});

describe('the YOLO blocks expand as ultralytics computes', () => {
  const types = (type: string, params: Params) => (getLayerSpec(type) as CompositeSpec).expand(params, {}).nodes.map((n) => `${n.name}:${n.type}`);

  it('adds the shortcut only when asked and c1 = c2', () => {
    const base = { k1: 3, k2: 3, e: 0.5, groups: 1 };
    expect(types('YoloBottleneck', { ...base, c1: 64, c2: 64, shortcut: true })).toEqual(['cv1:YoloConv', 'cv2:YoloConv', 'add:addElementWise']);
    expect(types('YoloBottleneck', { ...base, c1: 32, c2: 64, shortcut: true })).toEqual(['cv1:YoloConv', 'cv2:YoloConv']);
    expect(types('YoloBottleneck', { ...base, c1: 64, c2: 64, shortcut: false })).toEqual(['cv1:YoloConv', 'cv2:YoloConv']);
  });

  it('YoloConv is a bias-free conv with autopad, BatchNorm ε 1e-3 and SiLU', () => {
    const expansion = (getLayerSpec('YoloConv') as CompositeSpec).expand(
      { outChannels: 8, kernelSize: 3, stride: 2, padding: -1, groups: 1, dilation: 1, activation: 'SILU', eps: 1e-3 },
      {},
    );
    expect(expansion.nodes.map((n) => [n.name, n.type])).toEqual([
      ['conv', 'addConvolutionNd'],
      ['bn', 'BatchNorm2d'],
      ['act', 'addActivation'],
      ['act.mul', 'addElementWise'],
    ]);
    expect(expansion.nodes[0]!.params).toMatchObject({ prePadding: [1, 1], postPadding: [1, 1], stride: [2, 2] });
    expect(expansion.nodes[1]!.params).toEqual({ eps: 1e-3 });
    expect(expansion.nodes[2]!.params).toMatchObject({ type: 'SIGMOID' });
  });

  it('C2f chunks cv1 in two and concatenates both pieces and every bottleneck output', () => {
    const run = runLayer('C2f', { c2: 64, n: 3 }, { input: tensor([1, 32, 40, 40]) });
    expect(run.error).toBeUndefined();
    expect(run.weights.find((w) => w.name === 'cv2.conv.weight')!.shape).toEqual([64, (2 + 3) * 32, 1, 1]);
  });

  it('C2f reports an input whose dims are not static in words', () => {
    expect(runLayer('C2f', { c2: 64 }, { input: tensor([-1, 32, 40, 40]) }).error?.message).toBe(
      "in 'chunk' (Chunk): the input [?, 64, 40, 40] has a dynamic dimension; the slices of a split need every dimension known at build time",
    );
  });

  it('lowers model.2 to named TensorRT layers with BatchNorm folded into each conv', () => {
    const doc = blockDocument('model.2', 'C2f', { c2: 32, n: 1, shortcut: true }, [1, 32, 160, 160]);
    doc.bindings.block = Object.fromEntries(entries('model.2.').map(([name]) => [name.slice('model.2.'.length), name]));
    const shapes = new Map(entries('model.2.'));
    const lowered = lowerToProgram(doc, (name) => (shapes.has(name) ? new Float32Array(shapes.get(name)!.reduce((a, b) => a * b, 1)).fill(0.5) : undefined));
    expect(lowered.ok && lowered.value.program.ops.map((op) => op.layerName)).toEqual([
      'model.2.cv1.conv',
      'model.2.cv1.bn.scale',
      'model.2.cv1.act',
      'model.2.cv1.act.mul',
      'model.2.chunk.0',
      'model.2.chunk.1',
      'model.2.m.0.cv1.conv',
      'model.2.m.0.cv1.bn.scale',
      'model.2.m.0.cv1.act',
      'model.2.m.0.cv1.act.mul',
      'model.2.m.0.cv2.conv',
      'model.2.m.0.cv2.bn.scale',
      'model.2.m.0.cv2.act',
      'model.2.m.0.cv2.act.mul',
      'model.2.m.0.add',
      'model.2.cat',
      'model.2.cv2.conv',
      'model.2.cv2.bn.scale',
      'model.2.cv2.act',
      'model.2.cv2.act.mul',
    ]);
  });
});
