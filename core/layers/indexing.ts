/** Indexing: `addSlice` (with SampleMode) and `addGatherV2` (DEFAULT, ELEMENT, ND). */
import { broadcastDims, formatDims, formatList, normaliseAxis } from '../shapes/dims.js';
import { enumParam, intParam, intsParam } from './params.js';
import { fail, type PrimitiveSpec, type TensorInfo } from './types.js';

/** SampleMode names (kSTRICT_BOUNDS = 0 … kREFLECT = 4); the kDEFAULT alias was removed in TensorRT 10. */
const SAMPLE_MODES = ['STRICT_BOUNDS', 'WRAP', 'CLAMP', 'FILL', 'REFLECT'] as const;

const GATHER_MODES = ['DEFAULT', 'ELEMENT', 'ND'] as const;

const INDEX_TYPES = new Set(['INT32', 'INT64']);

export const addSlice: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addSlice',
  category: 'Indexing',
  label: 'Slice',
  aliases: [{ names: ['narrow', 'crop', 'stridedslice'] }],
  doc: 'Output element i is input[start + i·stride] per dim; out-of-range reads follow the sample mode.',
  params: [
    { name: 'start', kind: 'ints', default: [0, 0, 0, 0], minLength: 1, maxLength: 8, doc: 'First input index per dimension.' },
    { name: 'size', kind: 'ints', default: [1, 1, 1, 1], minLength: 1, maxLength: 8, min: 0, doc: 'Output dims, one per input dimension.' },
    { name: 'stride', kind: 'ints', default: [1, 1, 1, 1], minLength: 1, maxLength: 8, doc: 'Step per dimension; 0 repeats, negative walks backwards.' },
    {
      name: 'mode',
      kind: 'enum',
      enumType: 'SampleMode',
      values: SAMPLE_MODES,
      default: 'STRICT_BOUNDS',
      doc: 'Out-of-range reads: STRICT_BOUNDS forbids them, WRAP, CLAMP, FILL (the fill value or 0), REFLECT.',
    },
  ],
  inputs: [
    { name: 'input', doc: 'Any tensor.' },
    { name: 'fillValue', doc: 'FILL mode only: a 0-D tensor of the input type (default 0).', optional: true },
  ],
  outputs: [{ name: 'output', doc: 'A tensor of dims `size`.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    const rank = input.dims.length;
    const start = intsParam(ctx.params, 'start');
    const size = intsParam(ctx.params, 'size');
    const stride = intsParam(ctx.params, 'stride');
    const mode = enumParam(ctx.params, 'mode');
    for (const [name, list] of [
      ['start', start],
      ['size', size],
      ['stride', stride],
    ] as const)
      if (list.length !== rank) fail(`${name} ${formatList(list)} has ${list.length} values but the input ${formatDims(input.dims)} has rank ${rank}`, name);
    const fill = ctx.inputs.fillValue;
    if (fill) {
      if (mode !== 'FILL') fail(`a fillValue input is used only in FILL mode, not ${mode}`, 'fillValue');
      if (fill.dims.length !== 0) fail(`fillValue must be a 0-D tensor; got ${formatDims(fill.dims)}`, 'fillValue');
      if (fill.dtype !== input.dtype) fail(`fillValue is ${fill.dtype} but the input is ${input.dtype}`, 'fillValue');
    }
    if (mode === 'STRICT_BOUNDS') {
      input.dims.forEach((d, i) => {
        if (d < 0 || size[i] === 0) return;
        const last = start[i]! + (size[i]! - 1) * stride[i]!;
        if (start[i]! < 0 || start[i]! >= d || last < 0 || last >= d)
          fail(
            `dimension ${i} reads indices ${start[i]!} to ${last} of an extent of ${d}; STRICT_BOUNDS needs them within 0 to ${d - 1} (use CLAMP, WRAP, FILL or REFLECT to read outside)`,
            'start',
          );
      });
    }
    return [{ dims: [...size], dtype: input.dtype }];
  },
  summary: (p) => `${formatList(p.start as number[])} +${formatList(p.size as number[])}`,
};

function gatherDefault(data: TensorInfo, indices: TensorInfo, axis: number, elementWise: number): number[] {
  if (elementWise > 1) fail(`DEFAULT mode allows nbElementWiseDims 0 or 1; got ${elementWise}`, 'nbElementWiseDims');
  if (axis < elementWise) fail(`axis ${axis} must not be an elementwise dimension (nbElementWiseDims ${elementWise})`, 'axis');
  if (elementWise === 1 && indices.dims.length < 1) fail('with nbElementWiseDims 1 the indices need rank ≥ 1', 'indices');
  const lead = elementWise === 1 ? broadcastDims(data.dims.slice(0, 1), indices.dims.slice(0, 1), 'the elementwise dimension of data and indices') : [];
  return [...lead, ...data.dims.slice(elementWise, axis), ...indices.dims.slice(elementWise), ...data.dims.slice(axis + 1)];
}

function gatherNd(data: TensorInfo, indices: TensorInfo, elementWise: number): number[] {
  const r = data.dims.length;
  const q = indices.dims.length;
  if (q < 1) fail('ND mode needs indices of rank ≥ 1', 'indices');
  if (elementWise >= r) fail(`ND mode needs nbElementWiseDims between 0 and ${r - 1} for data of rank ${r}; got ${elementWise}`, 'nbElementWiseDims');
  if (elementWise >= q) fail(`nbElementWiseDims ${elementWise} must be smaller than the indices rank ${q}`, 'nbElementWiseDims');
  for (let i = 0; i < elementWise; i++) {
    const a = data.dims[i]!;
    const b = indices.dims[i]!;
    if (a >= 0 && b >= 0 && a !== b)
      fail(`the first ${elementWise} dims of data ${formatDims(data.dims)} and indices ${formatDims(indices.dims)} must be equal in ND mode`, 'indices');
  }
  const k = indices.dims[q - 1]!;
  if (k < 0) fail(`the last dimension of the indices must be known at build time in ND mode; got ${formatDims(indices.dims)}`, 'indices');
  if (k > r - elementWise) fail(`the indices' last dimension ${k} is larger than the data rank ${r} minus nbElementWiseDims ${elementWise}`, 'indices');
  return [...indices.dims.slice(0, q - 1), ...data.dims.slice(elementWise + k)];
}

/**
 * Named after addGatherV2 because that call takes the mode, the parameter that decides everything
 * else; addGather(data, indices, axis) is the same IGatherLayer in DEFAULT mode.
 */
export const addGatherV2: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addGatherV2',
  category: 'Indexing',
  label: 'Gather',
  aliases: [{ names: ['index_select', 'take', 'embedding'] }],
  doc: 'Gather data by indices: DEFAULT like ONNX Gather, ELEMENT like GatherElements, ND like GatherND.',
  params: [
    {
      name: 'mode',
      kind: 'enum',
      enumType: 'GatherMode',
      values: GATHER_MODES,
      default: 'DEFAULT',
      doc: 'DEFAULT (Gather), ELEMENT (GatherElements) or ND (GatherND).',
    },
    { name: 'axis', kind: 'int', default: 0, doc: 'The data axis to index (DEFAULT and ELEMENT; negative counts from the end).' },
    {
      name: 'nbElementWiseDims',
      kind: 'int',
      default: 0,
      min: 0,
      max: 7,
      doc: 'Leading dims of data and indices taken elementwise (batch dims): 0 or 1 for DEFAULT, 0 for ELEMENT.',
    },
  ],
  inputs: [
    { name: 'data', doc: 'The tensor to gather from, rank ≥ 1.' },
    { name: 'indices', doc: 'INT32 or INT64 indices; out-of-range reads give 0.' },
  ],
  outputs: [{ name: 'output', doc: 'Gathered values, the type of data.' }],
  infer: (ctx) => {
    const data = ctx.inputs.data!;
    const indices = ctx.inputs.indices!;
    const mode = enumParam(ctx.params, 'mode');
    const elementWise = intParam(ctx.params, 'nbElementWiseDims');
    if (data.dims.length < 1) fail('data must have rank ≥ 1', 'data');
    if (!INDEX_TYPES.has(indices.dtype)) fail(`indices must be INT32 or INT64; got ${indices.dtype}`, 'indices');
    let dims: number[];
    if (mode === 'ND') dims = gatherNd(data, indices, elementWise);
    else {
      const axis = normaliseAxis(intParam(ctx.params, 'axis'), data.dims.length, 'axis');
      if (mode === 'DEFAULT') dims = gatherDefault(data, indices, axis, elementWise);
      else {
        if (elementWise !== 0) fail(`ELEMENT mode needs nbElementWiseDims 0; got ${elementWise}`, 'nbElementWiseDims');
        if (indices.dims.length !== data.dims.length)
          fail(`ELEMENT mode needs indices of the data's rank ${data.dims.length}; got ${formatDims(indices.dims)}`, 'indices');
        dims = [...indices.dims];
      }
    }
    return [{ dims, dtype: data.dtype }];
  },
  summary: (p) => (p.mode === 'ND' ? 'ND' : `${String(p.mode)} axis ${String(p.axis)}`),
};

export const indexingLayers = [addSlice, addGatherV2];
