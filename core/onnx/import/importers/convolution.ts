// Window and normalization importers: Conv, ConvTranspose, the pools, BatchNormalization and the other normalizations.
import { volume } from '../../../shapes/dims.js';
import { dimsOf, importFail, type GraphTensor, type NodeContext, type OpImporter } from '../context.js';
import { binary } from './math.js';
import { importConvBnAct } from './patterns.js';

interface Window {
  kernel: number[];
  stride: number[];
  dilation: number[];
  pre: number[];
  post: number[];
  paddingMode: string;
}

/** ONNX's window attributes in TensorRT's terms (auto_pad SAME_* are TensorRT's SAME_* modes, ceil_mode is EXPLICIT_ROUND_UP). */
function windowOf(ctx: NodeContext, kernel: number[]): Window {
  const n = kernel.length;
  if (n !== 2 && n !== 3) importFail(`it has ${n} spatial dimensions; 2-D and 3-D windows can be imported`);
  const stride = ctx.ints('strides') ?? kernel.map(() => 1);
  const dilation = ctx.ints('dilations') ?? kernel.map(() => 1);
  const pads = ctx.ints('pads') ?? new Array<number>(2 * n).fill(0);
  const autoPad = ctx.string('auto_pad', 'NOTSET');
  const ceil = ctx.int('ceil_mode', 0) === 1;
  let paddingMode = ceil ? 'EXPLICIT_ROUND_UP' : 'EXPLICIT_ROUND_DOWN';
  let pre = pads.slice(0, n);
  let post = pads.slice(n);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') paddingMode = autoPad;
  else if (autoPad === 'VALID') {
    pre = kernel.map(() => 0);
    post = kernel.map(() => 0);
  } else if (autoPad !== 'NOTSET') importFail(`its auto_pad is '${autoPad}'; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID`);
  return { kernel, stride, dilation, pre, post, paddingMode };
}

function convolution(ctx: NodeContext, transposed: boolean): void {
  const x = ctx.tensor(ctx.input(0));
  const w = ctx.constant(1, 'weights');
  const b = ctx.optionalConstant(2, 'bias');
  const group = ctx.int('group', 1);
  const kernel = ctx.ints('kernel_shape') ?? w.dims.slice(2);
  const window = windowOf(ctx, kernel);
  const outputMaps = transposed ? w.dims[1]! * group : w.dims[0]!;
  if (transposed) {
    const outputPadding = ctx.ints('output_padding') ?? [];
    if (ctx.ints('output_shape')) importFail('its output_shape attribute is not imported; give pads and output_padding instead');
    outputPadding.forEach((p, i) => {
      // TensorRT's deconvolution has no output padding: it is the end padding given back.
      if (p > window.post[i]!) importFail(`its output_padding ${p} on spatial axis ${i} exceeds the end padding ${window.post[i]!}`);
      window.post[i] = window.post[i]! - p;
    });
  }
  const weights: Record<string, string> = { kernel: ctx.weightName(w, 'weight') };
  if (b) weights.bias = ctx.weightName(b, 'bias');
  const { kernel: kernelSize, stride, dilation, pre: prePadding, post: postPadding, paddingMode } = window;
  ctx.output(
    0,
    ctx.layer1(
      transposed ? 'addDeconvolutionNd' : 'addConvolutionNd',
      'conv',
      { nbOutputMaps: outputMaps, kernelSize, stride, dilation, prePadding, postPadding, paddingMode, nbGroups: group },
      { input: x },
      weights,
    ),
  );
}

function pooling(ctx: NodeContext, type: 'MAX' | 'AVERAGE'): void {
  if (ctx.node.outputs[1]) importFail('its Indices output is used, which TensorRT pooling does not produce');
  const x = ctx.tensor(ctx.input(0));
  const window = windowOf(ctx, ctx.ints('kernel_shape') ?? importFail('it has no kernel_shape'));
  if (window.dilation.some((d) => d !== 1)) importFail(`its dilations [${window.dilation.join(', ')}] are not 1; TensorRT pooling has no dilation`);
  const { kernel: windowSize, stride, pre: prePadding } = window;
  let { post: postPadding, paddingMode } = window;
  const averageCountExcludesPadding = ctx.int('count_include_pad', 0) === 0;
  if (paddingMode === 'EXPLICIT_ROUND_UP')
    ({ postPadding, paddingMode } = ceilModeWindow(x.info.dims.slice(2), window, type === 'MAX' || averageCountExcludesPadding));
  ctx.output(
    0,
    ctx.layer1('addPoolingNd', 'pool', { type, windowSize, stride, prePadding, postPadding, paddingMode, averageCountExcludesPadding }, { input: x }),
  );
}

/**
 * ceil_mode drops a last window that would start in the end padding (PyTorch's rule, which ONNX
 * Runtime follows); TensorRT's EXPLICIT_ROUND_UP keeps it. Where they differ, the same output comes
 * from EXPLICIT_ROUND_DOWN with the end padding that reaches the last kept window, which is exact
 * when padding never counts (max, or an average that excludes it). `alwaysExplicit` asks for that form
 * even where the two agree (LpPool: its sum must not depend on how TensorRT counts a window past the padding).
 */
function ceilModeWindow(spatial: number[], w: Window, paddingIgnored: boolean, alwaysExplicit = false): { postPadding: number[]; paddingMode: string } {
  let differs = false;
  const post = spatial.map((size, i) => {
    const [k, s, pre, end] = [w.kernel[i]!, w.stride[i]!, w.pre[i]!, w.post[i]!];
    if (size < 0) return end;
    let out = Math.ceil((size + pre + end - k) / s) + 1;
    if ((out - 1) * s >= size + pre) {
      out -= 1;
      differs = true;
    }
    return Math.max(end, (out - 1) * s + k - size - pre);
  });
  if (!differs && !alwaysExplicit) return { postPadding: w.post, paddingMode: 'EXPLICIT_ROUND_UP' };
  if (!paddingIgnored)
    importFail('its ceil_mode drops a last window that starts in the padding while count_include_pad is 1, which TensorRT pooling cannot reproduce');
  if (spatial.some((d) => d < 0)) importFail('its ceil_mode output size depends on a dynamic spatial dimension');
  return { postPadding: post, paddingMode: 'EXPLICIT_ROUND_DOWN' };
}

/**
 * LpPool: (Σ |x|^p)^(1/p) over each window, for p = 1 and 2, from primitives: |x| or x·x, an average
 * pool that counts the padding (padding adds 0 to the sum) scaled back by the window's size, and for
 * p = 2 a square root. Under ceil_mode the end padding is made explicit to reach the last window, as
 * for the other pools (padding still adds nothing).
 */
function lpPool(ctx: NodeContext): void {
  const p = ctx.int('p', 2);
  if (p !== 1 && p !== 2) importFail(`its p is ${p}; LpPool is imported for p = 1 and 2`);
  const x = ctx.tensor(ctx.input(0));
  const window = windowOf(ctx, ctx.ints('kernel_shape') ?? importFail('it has no kernel_shape'));
  if (window.dilation.some((d) => d !== 1)) importFail(`its dilations [${window.dilation.join(', ')}] are not 1; TensorRT pooling has no dilation`);
  const { kernel: windowSize, stride, pre: prePadding } = window;
  let { post: postPadding, paddingMode } = window;
  if (paddingMode === 'EXPLICIT_ROUND_UP') ({ postPadding, paddingMode } = ceilModeWindow(x.info.dims.slice(2), window, true, true));
  const powered = p === 1 ? ctx.layer1('addUnary', 'abs', { operation: 'ABS' }, { input: x }) : binary(ctx, 'PROD', x, x, 'square');
  const averaged = ctx.layer1(
    'addPoolingNd',
    'pool',
    { type: 'AVERAGE', windowSize, stride, prePadding, postPadding, paddingMode, averageCountExcludesPadding: false },
    { input: powered },
  );
  const size = { kind: 'constant' as const, tensor: { dtype: 'FLOAT' as const, dims: [], data: Float32Array.of(volume(windowSize)) } };
  const summed = binary(ctx, 'PROD', averaged, size, 'sum');
  ctx.output(0, p === 1 ? summed : ctx.layer1('addUnary', 'sqrt', { operation: 'SQRT' }, { input: summed }));
}

/** Global pooling is a reduction over every spatial axis, kept as size 1 (onnx-tensorrt does the same). */
function globalPool(operation: string): OpImporter {
  return (ctx) => {
    const x = ctx.tensor(ctx.input(0));
    const axes = x.info.dims.slice(2).map((_, i) => i + 2);
    ctx.output(0, ctx.layer1('addReduce', 'reduce', { operation, axes, keepDimensions: true }, { input: x }));
  };
}

/** Per-channel values [C] as [1, C, 1, …] for a tensor of `rank`. */
function channelDims(c: number, rank: number): number[] {
  return [1, c, ...new Array<number>(rank - 2).fill(1)];
}

/** Normalization over `axes` with scale and bias given per channel or per normalised element. */
function normalization(ctx: NodeContext, x: GraphTensor, axes: number[], epsilon: number, scaleDims: number[], withBias: boolean): void {
  const scale = ctx.constant(1, 'scale');
  const bias = withBias ? ctx.optionalConstant(2, 'bias') : undefined;
  const scaleTensor = ctx.tensor({ kind: 'constant', tensor: { ...scale, dims: scaleDims } }, 'scale');
  const biasValues = bias ?? { dtype: 'FLOAT' as const, dims: scaleDims, data: new Float32Array(volume(scaleDims)) };
  const biasTensor = ctx.tensor({ kind: 'constant', tensor: { ...biasValues, dims: scaleDims } }, 'bias');
  ctx.output(0, ctx.layer1('addNormalizationV2', 'norm', { axes, epsilon, nbGroups: 1 }, { input: x, scale: scaleTensor, bias: biasTensor }));
}

export const CONVOLUTION_IMPORTERS: Record<string, OpImporter> = {
  Conv: (ctx) => {
    if (!importConvBnAct(ctx)) convolution(ctx, false);
  },
  ConvTranspose: (ctx) => convolution(ctx, true),
  MaxPool: (ctx) => pooling(ctx, 'MAX'),
  AveragePool: (ctx) => pooling(ctx, 'AVERAGE'),
  LpPool: lpPool,
  GlobalAveragePool: globalPool('AVG'),
  GlobalMaxPool: globalPool('MAX'),
  BatchNormalization: (ctx) => {
    if (ctx.int('training_mode', 0) === 1 || ctx.node.outputs.slice(1).some(Boolean))
      importFail('it is in training mode; only inference BatchNormalization is imported');
    let x = ctx.tensor(ctx.input(0));
    const rank = x.info.dims.length;
    if (rank < 3) importFail(`its input has rank ${rank}; BatchNormalization needs [N, C, …]`);
    const slots = ['weight', 'bias', 'running_mean', 'running_var'];
    const weights = Object.fromEntries(slots.map((slot, i) => [slot, ctx.weightName(ctx.constant(i + 1, slot), slot)]));
    // BatchNorm1d on [N, C, L]: TensorRT's scale needs 4 dims, so it runs on [N, C, L, 1].
    if (rank === 3) x = ctx.layer1('addUnsqueeze', 'unsqueeze', { axes: [3] }, { input: x });
    let y = ctx.layer1('BatchNorm2d', 'bn', { eps: ctx.float('epsilon', 1e-5) }, { input: x }, weights);
    if (rank === 3) y = ctx.layer1('addSqueeze', 'squeeze', { axes: [3] }, { input: y });
    ctx.output(0, y);
  },
  InstanceNormalization: (ctx) => {
    const x = ctx.tensor(ctx.input(0));
    const rank = x.info.dims.length;
    const c = dimsOf(ctx.input(1))[0]!;
    normalization(
      ctx,
      x,
      x.info.dims.slice(2).map((_, i) => i + 2),
      ctx.float('epsilon', 1e-5),
      channelDims(c, rank),
      true,
    );
  },
  LayerNormalization: (ctx) => {
    if (ctx.node.outputs.slice(1).some(Boolean)) importFail('its Mean or InvStdDev output is used, which TensorRT normalization does not produce');
    const x = ctx.tensor(ctx.input(0));
    const rank = x.info.dims.length;
    const axis = ctx.int('axis', -1);
    const first = axis < 0 ? axis + rank : axis;
    const normalised = x.info.dims.slice(first);
    if (normalised.some((d) => d < 0)) importFail('it normalises over dynamic dimensions');
    const axes = normalised.map((_, i) => first + i);
    normalization(ctx, x, axes, ctx.float('epsilon', 1e-5), [...new Array<number>(first).fill(1), ...normalised], true);
  },
  LRN: (ctx) => {
    const x = ctx.tensor(ctx.input(0));
    const window = ctx.int('size', 0);
    ctx.output(
      0,
      ctx.layer1('addLRN', 'lrn', { window, alpha: ctx.float('alpha', 1e-4), beta: ctx.float('beta', 0.75), k: ctx.float('bias', 1) }, { input: x }),
    );
  },
};
