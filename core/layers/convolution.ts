/** Convolution family: `addConvolutionNd` and `addDeconvolutionNd` (2-D and 3-D, NCHW / NCDHW). */
import { formatDims, mapDim, volume } from '../shapes/dims.js';
import { intParam, intsParam, enumParam } from './params.js';
import { fail, type EnumParam, type IntsParam, type LayerContext, type ParamSpec, type PrimitiveSpec, type TensorInfo } from './types.js';

const PADDING_MODES = ['EXPLICIT_ROUND_DOWN', 'EXPLICIT_ROUND_UP', 'SAME_UPPER', 'SAME_LOWER'] as const;

export const paddingModeParam: EnumParam = {
  name: 'paddingMode',
  kind: 'enum',
  enumType: 'PaddingMode',
  values: PADDING_MODES,
  default: 'EXPLICIT_ROUND_DOWN',
  doc: 'How output size is rounded; the SAME modes pad automatically and take precedence over explicit padding.',
};

function spatialParam(name: string, def: number[], min: number, doc: string): IntsParam {
  return { name, kind: 'ints', default: def, minLength: 2, maxLength: 3, min, doc };
}

const convolutionParams: ParamSpec[] = [
  { name: 'nbOutputMaps', kind: 'int', default: 64, min: 1, doc: 'Number of output feature maps (output channels K).' },
  spatialParam('kernelSize', [3, 3], 1, 'Kernel size per spatial dimension (R, S), or (Q, R, S) for 3-D.'),
  spatialParam('stride', [1, 1], 1, 'Stride per spatial dimension (setStrideNd).'),
  spatialParam('prePadding', [0, 0], 0, 'Padding before each spatial dimension (setPrePadding).'),
  spatialParam('postPadding', [0, 0], 0, 'Padding after each spatial dimension (setPostPadding).'),
  paddingModeParam,
  spatialParam('dilation', [1, 1], 1, 'Dilation per spatial dimension (setDilationNd).'),
  { name: 'nbGroups', kind: 'int', default: 1, min: 1, doc: 'Number of groups; input and output channels must both divide by it.' },
];

/** Every spatial list parameter must have one value per spatial dimension of the input. */
export function checkSpatialRank(ctx: LayerContext, input: TensorInfo, names: readonly string[]): number {
  const rank = input.dims.length;
  if (rank !== 4 && rank !== 5) fail(`input must be 4-D (NCHW) or 5-D (NCDHW); got ${formatDims(input.dims)}`, 'input');
  const spatial = rank - 2;
  for (const name of names) {
    const value = intsParam(ctx.params, name);
    if (value.length !== spatial) fail(`${name} has ${value.length} values but the input has ${spatial} spatial dimensions`, name);
  }
  return spatial;
}

/**
 * Output size of a convolution or pooling window along one dimension (TensorRT's PaddingMode rules):
 * EXPLICIT_ROUND_DOWN floor((I + pre + post - DK) / S) + 1; EXPLICIT_ROUND_UP ceil(...) + 1;
 * SAME_UPPER and SAME_LOWER ceil(I / S). DK is the dilated kernel 1 + D·(F − 1).
 */
export function windowOutputSize(size: number, kernel: number, stride: number, pre: number, post: number, dilation: number, mode: string): number {
  return mapDim(size, (i) => {
    if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER') return Math.ceil(i / stride);
    const dk = 1 + dilation * (kernel - 1);
    const span = i + pre + post - dk;
    if (span < 0) return 0;
    return (mode === 'EXPLICIT_ROUND_UP' ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  });
}

/** Output size of a deconvolution along one dimension: (I − 1)·S + DK − (pre + post); SAME modes give min(I·S, (I − 1)·S + DK) (NvInfer.h PaddingMode). */
export function deconvolutionOutputSize(size: number, kernel: number, stride: number, pre: number, post: number, dilation: number, mode: string): number {
  return mapDim(size, (i) => {
    const dk = 1 + dilation * (kernel - 1);
    if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER') return Math.min(i * stride, (i - 1) * stride + dk);
    return (i - 1) * stride + dk - (pre + post);
  });
}

function convolutionShape(ctx: LayerContext, deconvolution: boolean): TensorInfo[] {
  const input = ctx.inputs.input!;
  checkSpatialRank(ctx, input, ['kernelSize', 'stride', 'prePadding', 'postPadding', 'dilation']);
  const [n, c] = input.dims as [number, number];
  const k = intParam(ctx.params, 'nbOutputMaps');
  const groups = intParam(ctx.params, 'nbGroups');
  if (c < 0) fail(`the channel dimension must be known at build time; got ${formatDims(input.dims)}`, 'input');
  if (c % groups !== 0) fail(`input channels ${c} are not divisible by nbGroups ${groups}`, 'nbGroups');
  if (k % groups !== 0) fail(`nbOutputMaps ${k} is not divisible by nbGroups ${groups}`, 'nbGroups');
  const kernel = intsParam(ctx.params, 'kernelSize');
  const stride = intsParam(ctx.params, 'stride');
  const pre = intsParam(ctx.params, 'prePadding');
  const post = intsParam(ctx.params, 'postPadding');
  const dilation = intsParam(ctx.params, 'dilation');
  const mode = enumParam(ctx.params, 'paddingMode');
  const size = deconvolution ? deconvolutionOutputSize : windowOutputSize;
  const spatial = input.dims.slice(2).map((d, i) => size(d, kernel[i]!, stride[i]!, pre[i]!, post[i]!, dilation[i]!, mode));
  spatial.forEach((d, i) => {
    if (d === 0 || d < -1)
      fail(
        `the output would be empty along spatial dimension ${i} (input ${formatDims(input.dims)}, kernel ${formatDims(kernel)}, padding ${formatDims(pre)}/${formatDims(post)})`,
        'kernelSize',
      );
  });
  return [{ dims: [n, k, ...spatial], dtype: input.dtype }];
}

function kernelSummary(kernel: number[], stride: number[]): string {
  const k = kernel.join('×');
  return stride.every((s) => s === 1) ? k : `${k} /${stride.length > 0 && stride.every((s) => s === stride[0]) ? stride[0] : stride.join('×')}`;
}

export const addConvolutionNd: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addConvolutionNd',
  category: 'Convolution',
  label: 'Convolution',
  aliases: [{ names: ['conv', 'conv2d', 'conv3d', 'nn.conv2d'] }],
  doc: 'N-D convolution (2-D or 3-D) with kernel weights in GKCRS order, like PyTorch Conv2d.',
  params: convolutionParams,
  inputs: [{ name: 'input', doc: 'NCHW or NCDHW tensor; C must be static.' }],
  outputs: [{ name: 'output', doc: 'N × nbOutputMaps × output spatial dims.' }],
  infer: (ctx) => convolutionShape(ctx, false),
  weights: (ctx) => {
    const c = ctx.inputs.input?.dims[1];
    const k = intParam(ctx.params, 'nbOutputMaps');
    const groups = intParam(ctx.params, 'nbGroups');
    const kernel = intsParam(ctx.params, 'kernelSize');
    const known = c !== undefined && c >= 0;
    const shape = known ? [k, c / groups, ...kernel] : undefined;
    return [
      { name: 'kernel', doc: 'Kernel weights [K, C/groups, R, S].', torchSuffix: 'weight', count: shape && volume(shape), shape },
      { name: 'bias', doc: 'One bias per output map; leave unbound for none.', torchSuffix: 'bias', count: k, shape: [k], optional: true },
    ];
  },
  summary: (p) => `${kernelSummary(p.kernelSize as number[], p.stride as number[])} ${String(p.nbOutputMaps)}`,
};

export const addDeconvolutionNd: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addDeconvolutionNd',
  category: 'Convolution',
  label: 'Deconvolution',
  aliases: [{ names: ['convtranspose', 'convtranspose2d', 'conv_transpose2d', 'deconv', 'transposed convolution'] }],
  doc: 'N-D transposed convolution; kernel weights in CKRS order, like PyTorch ConvTranspose2d [in, out/groups, kH, kW].',
  params: convolutionParams,
  inputs: [{ name: 'input', doc: 'NCHW or NCDHW tensor; C must be static.' }],
  outputs: [{ name: 'output', doc: 'N × nbOutputMaps × (I − 1)·S + DK − padding.' }],
  infer: (ctx) => convolutionShape(ctx, true),
  weights: (ctx) => {
    const c = ctx.inputs.input?.dims[1];
    const k = intParam(ctx.params, 'nbOutputMaps');
    const groups = intParam(ctx.params, 'nbGroups');
    const kernel = intsParam(ctx.params, 'kernelSize');
    const known = c !== undefined && c >= 0;
    const shape = known ? [c, k / groups, ...kernel] : undefined;
    return [
      { name: 'kernel', doc: 'Kernel weights [C, K/groups, R, S].', torchSuffix: 'weight', count: shape && volume(shape), shape },
      { name: 'bias', doc: 'One bias per output map; leave unbound for none.', torchSuffix: 'bias', count: k, shape: [k], optional: true },
    ];
  },
  summary: (p) => `${kernelSummary(p.kernelSize as number[], p.stride as number[])} ${String(p.nbOutputMaps)}ᵀ`,
};

export const convolutionLayers = [addConvolutionNd, addDeconvolutionNd];
