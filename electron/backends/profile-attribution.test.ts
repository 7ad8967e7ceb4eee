/**
 * Profile attribution against real runtime names: ONNX Runtime's kernels as its profiler recorded
 * them for the templates (fixtures/profiles/onnxruntime-kernels.json), and TensorRT's engine layer names.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lowerToProgram } from '../../core/lower/lower.js';
import { translateProgram, type OnnxTranslation } from '../../core/onnx/translate.js';
import type { TrtProgram } from '../../core/program/types.js';
import { buildTemplate } from '../../core/templates/index.js';
import { TORCHVISION_SOURCE_STATE_DICTS } from '../../core/templates/torchvision-state-dicts.js';
import { autoBindWeights } from '../../core/weights/binding.js';
import { formulaTensor, type StateDictEntry } from '../../core/weights/formula.js';
import type { LayerTime } from './backend.js';
import { attributeEngineLayers, attributeOrtKernels, layersOfEngineLayer, type KernelTime } from './profile-attribution.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const MODELS = JSON.parse(readFileSync(new URL('models.json', FIXTURES), 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>;
const RECORDED = JSON.parse(readFileSync(new URL('profiles/onnxruntime-kernels.json', FIXTURES), 'utf8')) as {
  models: Record<string, [name: string, opName: string, provider: string, microseconds: number][]>;
};

/** The template with formula weights, lowered and translated as the onnxruntime backend does. */
function translated(template: string): { program: TrtProgram; translation: OnnxTranslation } {
  const entries = MODELS[template]?.state_dict ?? TORCHVISION_SOURCE_STATE_DICTS[template]!;
  const tensors = new Map(entries.map(([name, shape, dtype]) => [name, formulaTensor(name, shape, dtype)]));
  const doc = autoBindWeights(
    buildTemplate(template)!,
    [...tensors].map(([name, values]) => ({ name, count: values.length })),
  );
  const lowered = lowerToProgram(doc, (name) => tensors.get(name));
  if (!lowered.ok) throw new Error(lowered.diagnostics[0]!.message);
  const translation = translateProgram(lowered.value.program, lowered.value.weights);
  if (!translation.ok) throw new Error(translation.diagnostics[0]!.message);
  return { program: lowered.value.program, translation: translation.value };
}

function recordedKernels(template: string): KernelTime[] {
  return RECORDED.models[template]!.map(([name, opName, , microseconds]) => ({ name, opName, totalMs: microseconds / 1000 }));
}

function profileOf(template: string): { program: TrtProgram; rows: LayerTime[]; kernels: KernelTime[] } {
  const { program, translation } = translated(template);
  const kernels = recordedKernels(template);
  return { program, kernels, rows: attributeOrtKernels(program, translation, kernels, 1) };
}

const recordedMs = (kernels: KernelTime[], name: string) => kernels.find((k) => k.name === name)!.totalMs;

describe('ONNX Runtime kernels mapped to the layers they ran', () => {
  it('googlenet: every convolution is one row with its BatchNorm and ReLU, carrying the kernel’s time', { timeout: 60_000 }, () => {
    const { program, rows, kernels } = profileOf('googlenet');
    const convolutions = program.ops.filter((op) => op.op === 'addConvolutionNd');
    expect(convolutions).toHaveLength(57);
    for (const conv of convolutions) {
      const block = conv.layerName.replace(/\.conv$/, '');
      const covering = rows.filter((r) => (r.fusedFrom ?? [r.layerName]).includes(conv.layerName));
      expect(covering.map((r) => r.fusedFrom)).toEqual([[`${block}.conv`, `${block}.bn.scale`, `${block}.relu`]]);
      expect(covering[0]!.layerName).toBe(`${block}.conv + ${block}.bn.scale + ${block}.relu`);
      expect(covering[0]!.meanMs).toBe(recordedMs(kernels, `${block}.relu:output_nchwc`));
    }
    // No BatchNorm or ReLU stands alone, so none is charged with a convolution's time.
    expect(rows.filter((r) => !r.fusedFrom && /\.(bn\.scale|relu)$/.test(r.layerName))).toEqual([]);
    const conv1 = rows.find((r) => r.layerName === 'conv1.conv + conv1.bn.scale + conv1.relu')!;
    expect(conv1).toEqual({
      layerName: 'conv1.conv + conv1.bn.scale + conv1.relu',
      nodeId: program.ops.find((op) => op.layerName === 'conv1.conv')!.nodeId,
      meanMs: 1.354,
      share: expect.closeTo(1.354 / kernels.reduce((sum, k) => sum + k.totalMs, 0), 12) as unknown as number,
      fusedFrom: ['conv1.conv', 'conv1.bn.scale', 'conv1.relu'],
    });
    expect(rows.find((r) => r.layerName === 'fc.matmul + fc.add')?.meanMs).toBe(recordedMs(kernels, 'fc.matmul/MatMul/MatMulAddFusion'));
    expect(rows.find((r) => r.layerName === 'ReorderOutput')).toEqual({
      layerName: 'ReorderOutput',
      meanMs: 0.018,
      share: expect.any(Number) as unknown as number,
      internal: 'ONNX Runtime converting a tensor back from its blocked NCHWc layout to plain NCHW; the network has no such layer',
    });
    expect(rows).toHaveLength(83);
    expect(rows.reduce((sum, r) => sum + r.share, 0)).toBeCloseTo(1, 12);
  });

  it('resnet18: a residual Add and ReLU ran in the second convolution’s kernel; separate canvas nodes of one kernel are all named', { timeout: 60_000 }, () => {
    const { program, rows } = profileOf('resnet18');
    const names = rows.map((r) => r.layerName);
    expect(names).toContain('layer1.0.conv2 + layer1.0.bn2.scale + layer1.0.add + layer1.0.relu_out');
    expect(names).toContain('layer2.0.downsample.0 + layer2.0.downsample.1.scale');
    expect(names).toContain('avgpool');
    const stem = rows.find((r) => r.layerName === 'conv1 + bn1.scale + relu')!;
    const nodeOf = (layer: string) => program.ops.find((op) => op.layerName === layer)!.nodeId;
    expect(stem.nodeIds).toEqual([nodeOf('conv1'), nodeOf('bn1.scale'), nodeOf('relu')]);
    expect(new Set(stem.nodeIds).size).toBe(3);
    // Every layer that computes something is in some row.
    const covered = new Set(rows.flatMap((r) => r.fusedFrom ?? (r.internal ? [] : [r.layerName])));
    expect(program.ops.filter((op) => op.op !== 'addConstant' && !covered.has(op.layerName)).map((op) => op.layerName)).toEqual([]);
  });

  it('mobilenet_v3_small: a hardswish ran in the convolution before it; layout reorders are one explained row each', { timeout: 60_000 }, () => {
    const { rows, kernels } = profileOf('mobilenet_v3_small');
    expect(rows.map((r) => r.layerName)).toContain('features.4.block.0.0 + features.4.block.0.1.scale + features.4.block.0.2 + features.4.block.0.2.mul');
    const reorders = kernels.filter((k) => k.opName === 'ReorderInput');
    const row = rows.find((r) => r.layerName.startsWith('ReorderInput'))!;
    expect(row.layerName).toBe(`ReorderInput ×${reorders.length}`);
    expect(row.meanMs).toBeCloseTo(
      reorders.reduce((sum, k) => sum + k.totalMs, 0),
      12,
    );
    expect(row.internal).toBe(
      'ONNX Runtime converting a tensor into its blocked NCHWc layout for the convolutions and poolings after it; the network has no such layer',
    );
    expect(row.nodeId).toBeUndefined();
  });

  it('a kernel that matches no node is ONNX Runtime’s own, named by its type', () => {
    const { program, translation } = translated('lenet5');
    const rows = attributeOrtKernels(
      program,
      translation,
      [
        { name: 'Transpose_token_7', opName: 'Transpose', totalMs: 1 },
        { name: 'Memcpy', opName: 'MemcpyToHost', totalMs: 1 },
        { name: 'SomethingNew', opName: 'Foo', totalMs: 2 },
      ],
      2,
    );
    expect(rows).toEqual([
      {
        layerName: 'SomethingNew',
        meanMs: 1,
        share: 0.5,
        internal: "ONNX Runtime's own Foo 'SomethingNew', added by its graph optimizations; it matches no layer of the network",
      },
      {
        layerName: 'Transpose',
        meanMs: 0.5,
        share: 0.25,
        internal: "A Transpose ONNX Runtime's layout optimizer inserted to change a tensor's memory layout; the network has no such layer",
      },
      {
        layerName: 'MemcpyToHost',
        meanMs: 0.5,
        share: 0.25,
        internal: 'ONNX Runtime copying a tensor between host and device memory; the network has no such layer',
      },
    ]);
  });
});

describe('TensorRT engine layers mapped to the layers they ran', () => {
  const PROGRAM = {
    formatVersion: 1,
    name: 'net',
    inputs: [],
    outputs: [],
    weights: [],
    ops: ['conv1', 'bn1', 'relu', 'layer1.0.conv1', 'layer1.0.conv', 'fc.flatten', 'fc.matmul', 'softmax'].map((layerName, i) => ({
      layerName,
      nodeId: i < 3 ? `n${i + 1}` : i < 5 ? 'n4' : 'n5',
    })),
  } as unknown as TrtProgram;

  it('reads fused names, pointwise fusions and Myelin regions', () => {
    expect(layersOfEngineLayer('conv1 + bn1 + relu', PROGRAM)).toEqual(['conv1', 'bn1', 'relu']);
    expect(layersOfEngineLayer('PWN(bn1, relu)', PROGRAM)).toEqual(['bn1', 'relu']);
    expect(layersOfEngineLayer('layer1.0.conv || layer1.0.conv1', PROGRAM)).toEqual(['layer1.0.conv1', 'layer1.0.conv']);
    expect(layersOfEngineLayer('{ForeignNode[fc.flatten...softmax]}', PROGRAM)).toEqual(['fc.flatten', 'fc.matmul', 'softmax']);
    expect(layersOfEngineLayer('Reformatting CopyNode for Input Tensor 0 to conv1', PROGRAM)).toEqual([]);
  });

  it('keeps TensorRT’s names, lists every node a kernel covers and explains reformatting', () => {
    const rows = attributeEngineLayers(
      PROGRAM,
      [
        { name: 'conv1 + bn1 + relu', totalMs: 6 },
        { name: 'Reformatting CopyNode for Input Tensor 0 to layer1.0.conv1', totalMs: 1 },
        { name: '{ForeignNode[fc.flatten...softmax]}', totalMs: 2 },
        { name: 'fc.matmul_copy', totalMs: 0.5 },
        { name: '__myl_MovTra_0x4d2', totalMs: 0.5 },
      ],
      2,
    );
    expect(rows).toEqual([
      { layerName: 'conv1 + bn1 + relu', nodeId: 'n1', nodeIds: ['n1', 'n2', 'n3'], meanMs: 3, share: 0.6, fusedFrom: ['conv1', 'bn1', 'relu'] },
      { layerName: '{ForeignNode[fc.flatten...softmax]}', nodeId: 'n5', meanMs: 1, share: 0.2, fusedFrom: ['fc.flatten', 'fc.matmul', 'softmax'] },
      {
        layerName: 'Reformatting CopyNode for Input Tensor 0 to layer1.0.conv1',
        meanMs: 0.5,
        share: 0.1,
        internal: 'TensorRT converting an input of layer1.0.conv1 to another memory layout or precision; the network has no such layer',
      },
      { layerName: 'fc.matmul_copy', nodeId: 'n5', meanMs: 0.25, share: 0.05 },
      {
        layerName: '__myl_MovTra_0x4d2',
        meanMs: 0.25,
        share: 0.05,
        internal: "Work inside TensorRT's Myelin compiler (memory moves and scheduling between its fused kernels); it is no layer of the network",
      },
    ]);
  });
});
