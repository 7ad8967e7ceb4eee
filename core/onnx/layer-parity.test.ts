/**
 * Layer parity: each case of layer-cases.json (inputs, weights and PyTorch's outputs, made by
 * bench/onnx_reference.py) is built as a one-layer document, lowered, translated to ONNX and run in
 * ONNX Runtime; the outputs must match PyTorch's to 1e-5 of the largest output magnitude.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { getLayerSpec, outputPortNames } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { lowerToProgram } from '../lower/lower.js';
import { emptyDocument, type NetworkDocument, type Params } from '../network/types.js';
import { translateProgram } from './translate.js';

interface Tensor {
  shape: number[];
  values: number[];
}
interface LayerCase {
  name: string;
  inputs: Record<string, Tensor>;
  constants: Record<string, Tensor>;
  outputs: Record<string, Tensor>;
}

const CASES: LayerCase[] = (JSON.parse(readFileSync(new URL('./layer-cases.json', import.meta.url), 'utf8')) as { cases: LayerCase[] }).cases;

/** How a case is built: the layer, its parameters, and which constants feed a second input port or weight slots. */
interface CaseLayer {
  type: string;
  params: Params;
  /** Constant `b` (or `slope`) wired, through an addConstant, into this input port. */
  constantPort?: string;
  /** More constants wired through addConstant: port → [constant name, dims]. */
  wires?: Record<string, [string, number[]]>;
  /** Weight slot → constant name. */
  slots?: Record<string, string>;
  /** Bind every constant to the weight slot of its own name (a block's state_dict, `cv1.conv.weight`, …). */
  slotsNamedAsConstants?: boolean;
}

const conv = (extra: Params): CaseLayer => ({
  type: 'addConvolutionNd',
  params: { nbOutputMaps: 4, kernelSize: [4, 4], stride: [2, 2], ...extra },
  slots: { kernel: 'kernel', bias: 'bias' },
});
const pool = (extra: Params): CaseLayer => ({ type: 'addPoolingNd', params: { windowSize: [3, 3], stride: [2, 2], ...extra } });
const elementwise = (operation: string): CaseLayer => ({ type: 'addElementWise', params: { operation }, constantPort: 'input2' });

const LAYERS: Record<string, CaseLayer> = {
  conv_same_upper: conv({ paddingMode: 'SAME_UPPER' }),
  conv_same_lower: conv({ paddingMode: 'SAME_LOWER' }),
  conv_round_up: { ...conv({ kernelSize: [3, 3], paddingMode: 'EXPLICIT_ROUND_UP' }), slots: { kernel: 'kernel' } },
  conv_grouped_dilated: conv({ nbOutputMaps: 6, kernelSize: [3, 3], stride: [1, 1], prePadding: [2, 2], postPadding: [2, 2], dilation: [2, 2], nbGroups: 2 }),
  deconv_grouped: {
    type: 'addDeconvolutionNd',
    params: { nbOutputMaps: 6, kernelSize: [3, 3], stride: [2, 2], prePadding: [1, 1], postPadding: [1, 1], nbGroups: 2 },
    slots: { kernel: 'kernel', bias: 'bias' },
  },
  deconv_asymmetric: {
    type: 'addDeconvolutionNd',
    params: { nbOutputMaps: 2, kernelSize: [4, 4], stride: [2, 2], prePadding: [1, 1], postPadding: [2, 2] },
    slots: { kernel: 'kernel' },
  },
  maxpool_round_up: pool({ type: 'MAX', paddingMode: 'EXPLICIT_ROUND_UP' }),
  avgpool_round_up_exclude: pool({ type: 'AVERAGE', prePadding: [1, 1], postPadding: [1, 1], paddingMode: 'EXPLICIT_ROUND_UP' }),
  avgpool_include_pad: pool({ type: 'AVERAGE', prePadding: [1, 1], postPadding: [1, 1], averageCountExcludesPadding: false }),
  avgpool_round_up_include: pool({
    type: 'AVERAGE',
    prePadding: [1, 1],
    postPadding: [1, 1],
    paddingMode: 'EXPLICIT_ROUND_UP',
    averageCountExcludesPadding: false,
  }),
  maxpool_same_upper: pool({ type: 'MAX', paddingMode: 'SAME_UPPER' }),
  avgpool_same_lower: pool({ type: 'AVERAGE', paddingMode: 'SAME_LOWER' }),
  pool_blend: pool({ type: 'MAX_AVERAGE_BLEND', windowSize: [2, 2], blendFactor: 0.25 }),
  matmul_transpose_both: { type: 'addMatrixMultiply', params: { op0: 'TRANSPOSE', op1: 'TRANSPOSE' }, constantPort: 'input1' },
  matmul_vector_matrix: { type: 'addMatrixMultiply', params: { op0: 'VECTOR', op1: 'NONE' }, constantPort: 'input1' },
  matmul_matrix_vector: { type: 'addMatrixMultiply', params: { op0: 'NONE', op1: 'VECTOR' }, constantPort: 'input1' },
  matmul_vector_vector: { type: 'addMatrixMultiply', params: { op0: 'VECTOR', op1: 'VECTOR' }, constantPort: 'input1' },
  shuffle_transpose_reshape_transpose: {
    type: 'addShuffle',
    params: { firstTranspose: [0, 2, 3, 1], reshapeDimensions: [0, -1, 2], secondTranspose: [0, 2, 1] },
  },
  shuffle_zero_placeholder: { type: 'addShuffle', params: { reshapeDimensions: [0, 0, -1] } },
  softmax_axis2: { type: 'addSoftMax', params: { axes: [2] } },
  softmax_axis3: { type: 'addSoftMax', params: { axes: [3] } },
  scale_channel_power: { type: 'addScale', params: { mode: 'CHANNEL' }, slots: { scale: 'scale', shift: 'shift', power: 'power' } },
  scale_uniform: { type: 'addScale', params: { mode: 'UNIFORM' }, slots: { scale: 'scale', shift: 'shift' } },
  scale_elementwise: { type: 'addScale', params: { mode: 'ELEMENTWISE' }, slots: { scale: 'scale' } },
  elementwise_sub_broadcast: elementwise('SUB'),
  elementwise_floor_div: elementwise('FLOOR_DIV'),
  elementwise_pow: elementwise('POW'),
  elementwise_max: elementwise('MAX'),
  prelu: { type: 'addParametricReLU', params: {}, constantPort: 'slope' },
  concat_axis1: { type: 'addConcatenation', params: { axis: 1 }, constantPort: 'inputs.1' },
  reduce_avg_hw_keep: { type: 'addReduce', params: { operation: 'AVG', axes: [2, 3], keepDimensions: true } },
  reduce_max_c_drop: { type: 'addReduce', params: { operation: 'MAX', axes: [1], keepDimensions: false } },
  reduce_sum_w: { type: 'addReduce', params: { operation: 'SUM', axes: [-1], keepDimensions: true } },
  topk_max3_last: { type: 'addTopK', params: { operation: 'MAX', k: 3, axes: [-1] } },
  topk_min2_axis1: { type: 'addTopK', params: { operation: 'MIN', k: 2, axes: [1] } },
  resize_nearest_x2: {
    type: 'addResize',
    params: { resizeMode: 'NEAREST', coordinateTransformation: 'ASYMMETRIC', nearestRounding: 'FLOOR', scales: [1, 1, 2, 2] },
  },
  resize_linear_half_pixel: {
    type: 'addResize',
    params: { resizeMode: 'LINEAR', coordinateTransformation: 'HALF_PIXEL', scales: [], outputDimensions: [1, 2, 7, 9] },
  },
  resize_linear_align_corners: {
    type: 'addResize',
    params: { resizeMode: 'LINEAR', coordinateTransformation: 'ALIGN_CORNERS', scales: [], outputDimensions: [1, 2, 7, 9] },
  },
  resize_cubic_half_pixel: {
    type: 'addResize',
    params: { resizeMode: 'CUBIC', coordinateTransformation: 'HALF_PIXEL', cubicCoeff: -0.75, scales: [], outputDimensions: [1, 2, 8, 10] },
  },
  slice_strided: { type: 'addSlice', params: { start: [0, 1, 0, 1], size: [1, 1, 2, 2], stride: [1, 1, 2, 2] } },
  group_norm_2: { type: 'addNormalizationV2', params: { axes: [2, 3], nbGroups: 2 }, wires: { scale: ['scale', [1, 4, 1, 1]], bias: ['bias', [1, 4, 1, 1]] } },
  instance_norm: { type: 'addNormalizationV2', params: { axes: [2, 3], nbGroups: 1 }, wires: { scale: ['scale', [1, 4, 1, 1]], bias: ['bias', [1, 4, 1, 1]] } },
  layer_norm_last: { type: 'addNormalizationV2', params: { axes: [-1], nbGroups: 1 }, wires: { scale: ['scale', [1, 1, 6]], bias: ['bias', [1, 1, 6]] } },
  lrn_5: { type: 'addLRN', params: { window: 3, alpha: 1e-2, beta: 0.75, k: 2 } },
  torch_silu: { type: 'SiLU', params: {} },
  torch_hardswish: { type: 'Hardswish', params: {} },
  torch_hardsigmoid: { type: 'addActivation', params: { type: 'HARD_SIGMOID', alpha: 1 / 6, beta: 0.5 } },
  torch_mish: { type: 'Mish', params: {} },
  torch_maxpool2d_ceil_pad: { type: 'MaxPool2d', params: { kernelSize: [2, 2], stride: [2, 2], padding: [1, 1], ceilMode: true } },
  torch_avgpool2d_ceil_include_pad: {
    type: 'AvgPool2d',
    params: { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true, countIncludePad: true },
  },
  torch_adaptive_avgpool_7x4: { type: 'AdaptiveAvgPool2d', params: { outputSize: [7, 4] } },
  torch_split_1_3_2: { type: 'Split', params: { sizes: [1, 3, 2], dim: 1 } },
  torch_chunk_2_dim2: { type: 'Chunk', params: { chunks: 2, dim: 2 } },
  torch_flatten_1_2: { type: 'Flatten', params: { startDim: 1, endDim: 2 } },
  torch_channel_shuffle_3: { type: 'ChannelShuffle', params: { groups: 3 } },
  yolo_conv_k3_s2: { type: 'YoloConv', params: { outChannels: 5, kernelSize: 3, stride: 2 }, slotsNamedAsConstants: true },
  yolo_c2f_n2_shortcut: { type: 'C2f', params: { c2: 8, n: 2, shortcut: true }, slotsNamedAsConstants: true },
  yolo_c3_n2: { type: 'C3', params: { c2: 8, n: 2 }, slotsNamedAsConstants: true },
  yolo_sppf_k5: { type: 'SPPF', params: { c1: 8, c2: 6, k: 5 }, slotsNamedAsConstants: true },
};

function unaryLayer(c: LayerCase): CaseLayer | undefined {
  return c.name.startsWith('unary_') ? { type: 'addUnary', params: { operation: c.name.slice('unary_'.length) } } : undefined;
}

function activationLayer(c: LayerCase): CaseLayer | undefined {
  if (!c.name.startsWith('activation_')) return undefined;
  return {
    type: 'addActivation',
    params: { type: c.name.slice('activation_'.length), alpha: c.constants.alpha!.values[0]!, beta: c.constants.beta!.values[0]! },
  };
}

/** A one-layer document for a case, with its weights by tensor name. */
export function caseDocument(c: LayerCase, layer: CaseLayer): NetworkDocument {
  const doc = emptyDocument(c.name);
  const input = c.inputs.input!;
  doc.inputs.push({ id: 'in', name: 'input', dtype: 'FLOAT', dims: input.shape });
  const spec = getLayerSpec(layer.type)!;
  doc.nodes.push({ id: 'layer', type: layer.type, name: 'layer', params: completeParams(spec.params, layer.params) });
  const firstPort =
    layer.type === 'addMatrixMultiply' ? 'input0' : layer.type === 'addElementWise' ? 'input1' : layer.type === 'addConcatenation' ? 'inputs.0' : 'input';
  doc.edges.push({ id: 'e0', from: { node: 'in', port: 'output' }, to: { node: 'layer', port: firstPort } });
  if (layer.constantPort) {
    const name = c.constants.b ? 'b' : 'slope';
    const constantSpec = getLayerSpec('addConstant')!;
    doc.nodes.unshift({ id: 'const', type: 'addConstant', name, params: completeParams(constantSpec.params, { dimensions: c.constants[name]!.shape }) });
    doc.edges.push({ id: 'e1', from: { node: 'const', port: 'output' }, to: { node: 'layer', port: layer.constantPort } });
    doc.bindings.const = { weights: name };
  }
  for (const [port, [name, dims]] of Object.entries(layer.wires ?? {})) {
    const constantSpec = getLayerSpec('addConstant')!;
    doc.nodes.unshift({ id: `const_${name}`, type: 'addConstant', name, params: completeParams(constantSpec.params, { dimensions: dims }) });
    doc.edges.push({ id: `e_${name}`, from: { node: `const_${name}`, port: 'output' }, to: { node: 'layer', port } });
    doc.bindings[`const_${name}`] = { weights: name };
  }
  if (layer.slots) doc.bindings.layer = { ...layer.slots };
  if (layer.slotsNamedAsConstants) doc.bindings.layer = Object.fromEntries(Object.keys(c.constants).map((name) => [name, name]));
  const ports = outputPortNames(spec, layer.params);
  for (const port of ports.length > 1 ? Object.keys(c.outputs) : ['output']) doc.outputs.push({ name: port, from: { node: 'layer', port } });
  return doc;
}

/** Lower, translate and run a document with ORT on the case's input. */
export async function runCase(doc: NetworkDocument, c: LayerCase): Promise<Record<string, ort.Tensor>> {
  const lowered = lowerToProgram(doc, (name) => (c.constants[name] ? Float32Array.from(c.constants[name].values) : undefined));
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const onnx = translateProgram(lowered.value.program, lowered.value.weights);
  if (!onnx.ok) throw new Error(onnx.diagnostics.map((d) => d.message).join('\n'));
  const session = await ort.InferenceSession.create(onnx.value.bytes);
  const input = c.inputs.input!;
  return session.run({ input: new ort.Tensor('float32', Float32Array.from(input.values), input.shape) });
}

describe('ONNX translation matches PyTorch layer by layer', () => {
  for (const c of CASES) {
    const layer = LAYERS[c.name] ?? activationLayer(c) ?? unaryLayer(c);
    if (!layer) continue;
    test(c.name, async () => {
      const outputs = await runCase(caseDocument(c, layer), c);
      for (const [name, expected] of Object.entries(c.outputs)) {
        const actual = outputs[name]!;
        expect(actual.dims).toEqual(expected.shape);
        const values = Array.from(actual.data as Float32Array | BigInt64Array, Number);
        const largest = Math.max(1e-6, ...expected.values.map(Math.abs));
        const worst = Math.max(...values.map((v, i) => Math.abs(v - expected.values[i]!)));
        expect(worst / largest).toBeLessThan(1e-5);
      }
    });
  }

  test('every case of layer-cases.json is built and run', () => {
    const unbuilt = CASES.filter((c) => !(LAYERS[c.name] ?? activationLayer(c) ?? unaryLayer(c))).map((c) => c.name);
    expect(unbuilt).toEqual([]);
  });

  test('every activation type has a parity case', () => {
    const covered = CASES.filter((c) => c.name.startsWith('activation_')).length;
    expect(covered).toBe(14);
  });
});
