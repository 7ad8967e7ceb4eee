/** Reductions: `addReduce` and `addTopK`. Axes are index lists here; lowering turns them into TensorRT's bitmask. */
import { formatDims, formatList, normaliseAxes } from '../shapes/dims.js';
import { boolParam, enumParam, intParam, intsParam } from './params.js';
import { fail, type PrimitiveSpec } from './types.js';

/** ReduceOperation without kNONE, which TensorRT 10.16 added for DistCollective only. */
const REDUCE_OPERATIONS = ['SUM', 'PROD', 'MAX', 'MIN', 'AVG'] as const;

/** TopK's k limit (ITopKLayer::setK). */
const TOPK_MAX_K = 3840;

export const addReduce: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addReduce',
  category: 'Reduction',
  label: 'Reduce',
  aliases: [
    { names: ['mean', 'reducemean', 'globalaveragepool'], label: 'Mean (Reduce AVG)', params: { operation: 'AVG' } },
    { names: ['reducesum'], label: 'Sum (Reduce SUM)', params: { operation: 'SUM' } },
    { names: ['reducemax', 'amax', 'globalmaxpool'], label: 'Max (Reduce MAX)', params: { operation: 'MAX' } },
  ],
  doc: 'Sum, product, max, min or mean over a set of axes, keeping them as size 1 or dropping them.',
  params: [
    { name: 'operation', kind: 'enum', enumType: 'ReduceOperation', values: REDUCE_OPERATIONS, default: 'AVG', doc: 'SUM, PROD, MAX, MIN or AVG (mean).' },
    {
      name: 'axes',
      kind: 'ints',
      default: [2, 3],
      minLength: 1,
      maxLength: 8,
      doc: 'Axes to reduce (negative counts from the end); [2, 3] on NCHW is global pooling.',
    },
    { name: 'keepDimensions', kind: 'bool', default: true, doc: 'Keep reduced axes as size 1 (true) or remove them (false).' },
  ],
  inputs: [{ name: 'input', doc: 'Any tensor of rank ≥ 1.' }],
  outputs: [{ name: 'output', doc: 'The input dims with the reduced axes set to 1 or removed.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    if (input.dtype === 'BOOL') fail('addReduce does not take a BOOL input', 'input');
    const axes = new Set(normaliseAxes(intsParam(ctx.params, 'axes'), input.dims.length, 'axes'));
    const keep = boolParam(ctx.params, 'keepDimensions');
    const dims = keep ? input.dims.map((d, i) => (axes.has(i) ? 1 : d)) : input.dims.filter((_, i) => !axes.has(i));
    return [{ dims, dtype: input.dtype }];
  },
  summary: (p) => `${String(p.operation).toLowerCase()} ${formatList(p.axes as number[])}`,
};

export const addTopK: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addTopK',
  category: 'Reduction',
  label: 'TopK',
  aliases: [{ names: ['topk', 'argmax', 'argmin', 'sort'] }],
  doc: 'The k largest (MAX) or smallest (MIN) values along one axis, and their indices.',
  params: [
    {
      name: 'operation',
      kind: 'enum',
      enumType: 'TopKOperation',
      values: ['MAX', 'MIN'],
      default: 'MAX',
      doc: 'MAX takes the largest values, MIN the smallest.',
    },
    { name: 'k', kind: 'int', default: 1, min: 1, max: TOPK_MAX_K, doc: 'How many values to keep (1 to 3840).' },
    {
      name: 'axes',
      kind: 'ints',
      default: [-1],
      minLength: 1,
      maxLength: 1,
      doc: 'The one axis to search along (negative counts from the end); one of the last four.',
    },
    {
      name: 'indicesType',
      kind: 'enum',
      enumType: 'DataType',
      values: ['INT32', 'INT64'],
      default: 'INT32',
      doc: 'Data type of the indices output.',
    },
  ],
  inputs: [{ name: 'input', doc: 'A tensor of rank ≥ 1.' }],
  outputs: [
    { name: 'values', doc: 'The selected values; the axis has size k.' },
    { name: 'indices', doc: 'Their positions along the axis; same shape.' },
  ],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    const rank = input.dims.length;
    if (input.dtype === 'BOOL') fail('addTopK does not take a BOOL input', 'input');
    const [axis] = normaliseAxes(intsParam(ctx.params, 'axes'), rank, 'axes') as [number];
    if (axis < rank - 4) fail(`axis ${axis} of a rank-${rank} tensor is not among the last four dimensions`, 'axes');
    const k = intParam(ctx.params, 'k');
    const size = input.dims[axis]!;
    if (size >= 0 && k > size) fail(`k ${k} is larger than dimension ${axis} (${size}) of ${formatDims(input.dims)}`, 'k');
    const dims = input.dims.map((d, i) => (i === axis ? k : d));
    return [
      { dims, dtype: input.dtype },
      { dims: [...dims], dtype: enumParam(ctx.params, 'indicesType') === 'INT64' ? 'INT64' : 'INT32' },
    ];
  },
  summary: (p) => `${String(p.operation).toLowerCase()} k=${String(p.k)}`,
};

export const reductionLayers = [addReduce, addTopK];
