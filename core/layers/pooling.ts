/** Pooling: `addPoolingNd` (MAX, AVERAGE, MAX_AVERAGE_BLEND), 2-D and 3-D. */
import { formatDims, volume } from '../shapes/dims.js';
import { checkSpatialRank, paddingModeParam, windowOutputSize } from './convolution.js';
import { enumParam, intsParam } from './params.js';
import { fail, type PrimitiveSpec } from './types.js';

export const addPoolingNd: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addPoolingNd',
  category: 'Pooling',
  label: 'Pooling',
  aliases: [
    { names: ['maxpool'], label: 'MaxPool', params: { type: 'MAX' } },
    // Created the PyTorch way, an average counts the padding (count_include_pad=True); the parameter's own default stays TensorRT's.
    { names: ['avgpool', 'averagepool'], label: 'AvgPool', params: { type: 'AVERAGE', averageCountExcludesPadding: false } },
    { names: ['pool', 'pooling'] },
  ],
  doc: 'Max, average or blended pooling over a window. Padding is −inf for max and 0 for average.',
  params: [
    {
      name: 'type',
      kind: 'enum',
      enumType: 'PoolingType',
      values: ['MAX', 'AVERAGE', 'MAX_AVERAGE_BLEND'],
      default: 'MAX',
      doc: 'MAX, AVERAGE, or MAX_AVERAGE_BLEND = (1 − blendFactor)·max + blendFactor·average.',
    },
    { name: 'windowSize', kind: 'ints', default: [2, 2], minLength: 2, maxLength: 3, min: 1, doc: 'Window size per spatial dimension.' },
    {
      name: 'stride',
      kind: 'ints',
      default: [2, 2],
      minLength: 2,
      maxLength: 3,
      min: 1,
      doc: 'Stride per spatial dimension. TensorRT defaults it to 1 (PyTorch to the window size); set it explicitly.',
    },
    { name: 'prePadding', kind: 'ints', default: [0, 0], minLength: 2, maxLength: 3, min: 0, doc: 'Padding before each spatial dimension.' },
    { name: 'postPadding', kind: 'ints', default: [0, 0], minLength: 2, maxLength: 3, min: 0, doc: 'Padding after each spatial dimension.' },
    paddingModeParam,
    {
      name: 'averageCountExcludesPadding',
      kind: 'bool',
      default: true,
      doc: "Average divides by the non-padding elements only (PyTorch count_include_pad=False). TensorRT's default is true; PyTorch's AvgPool2d counts padding (false here).",
    },
    { name: 'blendFactor', kind: 'float', default: 0, min: 0, max: 1, doc: 'Weight of the average in MAX_AVERAGE_BLEND.' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW or NCDHW tensor.' }],
  outputs: [{ name: 'output', doc: 'Pooled tensor.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    checkSpatialRank(ctx, input, ['windowSize', 'stride', 'prePadding', 'postPadding']);
    const window = intsParam(ctx.params, 'windowSize');
    const stride = intsParam(ctx.params, 'stride');
    const pre = intsParam(ctx.params, 'prePadding');
    const post = intsParam(ctx.params, 'postPadding');
    const mode = enumParam(ctx.params, 'paddingMode');
    // The SAME modes pad automatically and ignore the explicit padding, so only EXPLICIT_* checks it.
    const explicit = mode === 'EXPLICIT_ROUND_DOWN' || mode === 'EXPLICIT_ROUND_UP';
    window.forEach((w, i) => {
      if (explicit && (pre[i]! >= w || post[i]! >= w))
        fail(`padding ${formatDims(pre)}/${formatDims(post)} must be smaller than the window ${formatDims(window)}`, 'prePadding');
    });
    const spatial = input.dims.slice(2).map((d, i) => windowOutputSize(d, window[i]!, stride[i]!, pre[i]!, post[i]!, 1, mode));
    if (spatial.some((d) => d === 0)) fail(`the window ${formatDims(window)} is larger than the padded input ${formatDims(input.dims)}`, 'windowSize');
    return [{ dims: [...input.dims.slice(0, 2), ...spatial], dtype: input.dtype }];
  },
  summary: (p) => {
    const w = p.windowSize as number[];
    const s = p.stride as number[];
    const type = p.type === 'MAX' ? 'max' : p.type === 'AVERAGE' ? 'avg' : 'blend';
    return `${type} ${w.join('×')}${volume(s) === 1 ? '' : ` /${s.join('×')}`}`;
  },
};

export const poolingLayers = [addPoolingNd];
