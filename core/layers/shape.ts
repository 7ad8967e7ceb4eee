/** Shape manipulation: `addShuffle` (transpose, reshape, transpose) and `addConcatenation`. */
import { formatDims, formatList, normaliseAxes, normaliseAxis, volume } from '../shapes/dims.js';
import { boolParam, intParam, intsParam } from './params.js';
import { fail, type PrimitiveSpec, type TensorInfo } from './types.js';

/** Apply a permutation with numpy/ONNX semantics: output dim i = input dim perm[i]. */
function permute(dims: readonly number[], perm: readonly number[], field: string): number[] {
  if (perm.length === 0) return [...dims];
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== dims.length || sorted.some((p, i) => p !== i))
    fail(`${formatList(perm)} is not a permutation of the ${dims.length} dimensions of ${formatDims(dims)}`, field);
  return perm.map((p) => dims[p]!);
}

/** Reshape with TensorRT's placeholders: 0 copies the input dim (when zeroIsPlaceholder), −1 is inferred. */
function reshapeDims(input: readonly number[], target: readonly number[], zeroIsPlaceholder: boolean): number[] {
  const out = target.map((t, i) => {
    if (t === 0 && zeroIsPlaceholder) {
      if (i >= input.length)
        fail(`reshape value 0 at position ${i} copies an input dimension that does not exist in ${formatDims(input)}`, 'reshapeDimensions');
      return input[i]!;
    }
    if (t < -1) fail(`reshape value ${t} is invalid; use −1 to infer a dimension`, 'reshapeDimensions');
    return t;
  });
  const inferred = target.map((t, i) => (t === -1 ? i : -1)).filter((i) => i >= 0);
  if (inferred.length > 1) fail(`reshapeDimensions ${formatList(target)} has more than one −1`, 'reshapeDimensions');
  const inputKnown = input.every((d) => d >= 0);
  const known = out.filter((_, i) => !inferred.includes(i));
  if (inferred.length === 1) {
    if (inputKnown && known.every((d) => d >= 0)) {
      const rest = volume(known);
      const total = volume(input);
      if (rest === 0 || total % rest !== 0) fail(`cannot reshape ${formatDims(input)} (${total} elements) to ${formatList(target)}`, 'reshapeDimensions');
      out[inferred[0]!] = total / rest;
    } else {
      out[inferred[0]!] = -1;
    }
  } else if (inputKnown && out.every((d) => d >= 0) && volume(out) !== volume(input)) {
    fail(`cannot reshape ${formatDims(input)} (${volume(input)} elements) to ${formatDims(out)} (${volume(out)} elements)`, 'reshapeDimensions');
  }
  return out;
}

export const addShuffle: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addShuffle',
  category: 'Shape',
  label: 'Shuffle',
  aliases: [{ names: ['reshape', 'view', 'permute', 'transpose'] }],
  doc: 'First transpose, then reshape (0 copies a dim, −1 infers one), then second transpose.',
  params: [
    {
      name: 'firstTranspose',
      kind: 'ints',
      default: [],
      maxLength: 8,
      min: 0,
      doc: 'Permutation before the reshape (output dim i = input dim p[i]); empty for none.',
    },
    {
      name: 'reshapeDimensions',
      kind: 'ints',
      default: [],
      maxLength: 8,
      min: -1,
      doc: 'New dims; 0 copies the input dim, −1 is inferred; empty for no reshape.',
    },
    { name: 'secondTranspose', kind: 'ints', default: [], maxLength: 8, min: 0, doc: 'Permutation after the reshape; empty for none.' },
    { name: 'zeroIsPlaceholder', kind: 'bool', default: true, doc: 'Whether 0 in reshapeDimensions copies the input dim (true) or means a zero-size dim.' },
  ],
  inputs: [{ name: 'input', doc: 'Any tensor.' }],
  outputs: [{ name: 'output', doc: 'The shuffled tensor.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    let dims = permute(input.dims, intsParam(ctx.params, 'firstTranspose'), 'firstTranspose');
    const target = intsParam(ctx.params, 'reshapeDimensions');
    if (target.length > 0) dims = reshapeDims(dims, target, boolParam(ctx.params, 'zeroIsPlaceholder'));
    dims = permute(dims, intsParam(ctx.params, 'secondTranspose'), 'secondTranspose');
    return [{ dims, dtype: input.dtype }];
  },
  summary: (p) => {
    const parts: string[] = [];
    if ((p.firstTranspose as number[]).length) parts.push(`T(${(p.firstTranspose as number[]).join(',')})`);
    if ((p.reshapeDimensions as number[]).length) parts.push(`[${(p.reshapeDimensions as number[]).join(',')}]`);
    if ((p.secondTranspose as number[]).length) parts.push(`T(${(p.secondTranspose as number[]).join(',')})`);
    return parts.join(' ') || 'identity';
  },
};

export const addConcatenation: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addConcatenation',
  category: 'Shape',
  label: 'Concatenation',
  aliases: [{ names: ['concat', 'cat', 'torch.cat', 'stack'] }],
  doc: 'Joins tensors of equal rank along one axis; all other dims must match.',
  params: [{ name: 'axis', kind: 'int', default: 1, doc: 'The axis to concatenate along (negative counts from the end).' }],
  inputs: [{ name: 'inputs', doc: 'One or more tensors of equal rank and type.', variadic: true, minCount: 1 }],
  outputs: [{ name: 'output', doc: 'The joined tensor.' }],
  infer: (ctx) => {
    const tensors: TensorInfo[] = Object.keys(ctx.inputs)
      .filter((k) => k.startsWith('inputs.'))
      .sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)))
      .map((k) => ctx.inputs[k]!);
    const first = tensors[0]!;
    const rank = first.dims.length;
    const axis = normaliseAxis(intParam(ctx.params, 'axis'), rank, 'axis');
    const dims = [...first.dims];
    for (const [i, t] of tensors.entries()) {
      if (i === 0) continue;
      if (t.dims.length !== rank) fail(`input ${i} ${formatDims(t.dims)} has rank ${t.dims.length}, but input 0 has rank ${rank}`, `inputs.${i}`);
      if (t.dtype !== first.dtype) fail(`input ${i} is ${t.dtype} but input 0 is ${first.dtype}`, `inputs.${i}`);
      t.dims.forEach((d, j) => {
        if (j !== axis && d >= 0 && dims[j]! >= 0 && d !== dims[j])
          fail(
            `input ${i} ${formatDims(t.dims)} differs from input 0 ${formatDims(first.dims)} in dimension ${j}, which is not the concatenation axis ${axis}`,
            `inputs.${i}`,
          );
      });
      dims[axis] = dims[axis]! < 0 || t.dims[axis]! < 0 ? -1 : dims[axis]! + t.dims[axis]!;
    }
    return [{ dims, dtype: first.dtype }];
  },
  summary: (p) => `axis ${String(p.axis)}`,
};

export const addPaddingNd: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addPaddingNd',
  category: 'Shape',
  label: 'Padding',
  aliases: [{ names: ['pad', 'zeropad', 'nn.zeropad2d'] }],
  doc: 'Zero-pads (or, with negative values, crops) the last two dimensions.',
  params: [
    { name: 'prePadding', kind: 'ints', default: [1, 1], minLength: 2, maxLength: 2, doc: 'Padding before the last two dims (negative crops).' },
    { name: 'postPadding', kind: 'ints', default: [1, 1], minLength: 2, maxLength: 2, doc: 'Padding after the last two dims (negative crops).' },
  ],
  inputs: [{ name: 'input', doc: 'A tensor of rank ≥ 4 (NCHW).' }],
  outputs: [{ name: 'output', doc: 'The last two dims grown by pre + post.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    const rank = input.dims.length;
    if (rank < 4) fail(`addPaddingNd needs an input of rank ≥ 4; got ${formatDims(input.dims)}`, 'input');
    const pre = intsParam(ctx.params, 'prePadding');
    const post = intsParam(ctx.params, 'postPadding');
    const dims = [...input.dims];
    for (let i = 0; i < 2; i++) {
      const axis = rank - 2 + i;
      const d = input.dims[axis]!;
      if (d < 0) continue;
      const out = d + pre[i]! + post[i]!;
      if (out <= 0) fail(`padding ${formatList(pre)}/${formatList(post)} crops dimension ${axis} (${d}) to ${out}`, 'prePadding');
      dims[axis] = out;
    }
    return [{ dims, dtype: input.dtype }];
  },
  summary: (p) => `pad ${formatList(p.prePadding as number[])}/${formatList(p.postPadding as number[])}`,
};

export const addShape: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addShape',
  category: 'Shape',
  label: 'Shape',
  aliases: [{ names: ['size', 'shape'] }],
  doc: "The input's dims as a 1-D INT64 shape tensor.",
  params: [],
  inputs: [{ name: 'input', doc: 'Any tensor.' }],
  outputs: [{ name: 'output', doc: '[rank], INT64.' }],
  infer: (ctx) => [{ dims: [ctx.inputs.input!.dims.length], dtype: 'INT64' }],
};

/** The axes tensor addSqueeze/addUnsqueeze take is a build-time constant; here it is a parameter that lowering turns into an INT64 constant. */
export const addSqueeze: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addSqueeze',
  category: 'Shape',
  label: 'Squeeze',
  aliases: [{ names: ['squeeze'] }],
  doc: 'Removes the given size-1 axes.',
  params: [{ name: 'axes', kind: 'ints', default: [0], minLength: 1, maxLength: 8, doc: 'Axes to remove, each of size 1 (negative counts from the end).' }],
  inputs: [{ name: 'input', doc: 'Any tensor.' }],
  outputs: [{ name: 'output', doc: 'The input without those axes.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    const axes = new Set(normaliseAxes(intsParam(ctx.params, 'axes'), input.dims.length, 'axes'));
    for (const a of axes)
      if (input.dims[a]! > 1 || input.dims[a] === 0)
        fail(`axis ${a} of ${formatDims(input.dims)} has size ${input.dims[a]!}; only size-1 axes can be squeezed`, 'axes');
    return [{ dims: input.dims.filter((_, i) => !axes.has(i)), dtype: input.dtype }];
  },
  summary: (p) => `axes ${formatList(p.axes as number[])}`,
};

export const addUnsqueeze: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addUnsqueeze',
  category: 'Shape',
  label: 'Unsqueeze',
  aliases: [{ names: ['unsqueeze', 'expand_dims'] }],
  doc: 'Inserts size-1 axes at the given positions of the output.',
  params: [
    {
      name: 'axes',
      kind: 'ints',
      default: [0],
      minLength: 1,
      maxLength: 8,
      doc: 'Output positions of the new axes (negative counts from the end of the output).',
    },
  ],
  inputs: [{ name: 'input', doc: 'Any tensor.' }],
  outputs: [{ name: 'output', doc: 'The input with size-1 axes inserted.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    const list = intsParam(ctx.params, 'axes');
    const rank = input.dims.length + list.length;
    if (rank > 8) fail(`the output would have rank ${rank}; TensorRT allows at most 8`, 'axes');
    const axes = new Set(normaliseAxes(list, rank, 'axes'));
    const rest = [...input.dims];
    const dims = Array.from({ length: rank }, (_, i) => (axes.has(i) ? 1 : rest.shift()!));
    return [{ dims, dtype: input.dtype }];
  },
  summary: (p) => `axes ${formatList(p.axes as number[])}`,
};

export const shapeLayers = [addShuffle, addConcatenation, addPaddingNd, addShape, addSqueeze, addUnsqueeze];
