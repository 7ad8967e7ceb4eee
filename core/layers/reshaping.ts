/**
 * PyTorch's tensor reshaping ops as composites of TensorRT primitives: torch.split by sizes and
 * torch.chunk by count (one addSlice per output), flatten(start_dim, end_dim) and nn.ChannelShuffle
 * (addShuffle). Their expansions read the input's dims, so those dims must be known at build time
 * where a slice size or a reshape needs them.
 */
import { formatDims, formatList, normaliseAxis, volume } from '../shapes/dims.js';
import { draftExpansion } from './blocks.js';
import { intParam, intsParam } from './params.js';
import { fail, type CompositeSpec, type Expansion, type TensorInfo } from './types.js';

/** The connected input, or a failure that says the expansion needs it. */
function connectedInput(inputs: Record<string, TensorInfo> | undefined, what: string): TensorInfo {
  const input = inputs?.input;
  if (!input) fail(`${what} needs its input connected: its layers take their sizes from the input tensor`, 'input');
  return input;
}

/** One addSlice per size along `axis`, named `0`, `1`, … like the tuple torch.split returns. */
function splitExpansion(input: TensorInfo, axis: number, sizes: readonly number[]): Expansion {
  if (input.dims.some((d) => d < 0))
    fail(`the input ${formatDims(input.dims)} has a dynamic dimension; the slices of a split need every dimension known at build time`, 'input');
  const d = draftExpansion();
  let offset = 0;
  sizes.forEach((size, i) => {
    const start = input.dims.map((_, j) => (j === axis ? offset : 0));
    const extent = input.dims.map((dim, j) => (j === axis ? size : dim));
    d.expansion.outputs[`output.${i}`] = d.add(
      `slice${i}`,
      'addSlice',
      String(i),
      { start, size: extent, stride: input.dims.map(() => 1) },
      { input: { input: 'input' } },
    );
    offset += size;
  });
  return d.expansion;
}

export const Split: CompositeSpec = {
  kind: 'composite',
  type: 'Split',
  category: 'Shape',
  label: 'Split',
  aliases: [{ names: ['split', 'torch.split', 'tensor_split'] }],
  doc: 'torch.split(x, sizes, dim): consecutive pieces of the given sizes along dim, one output each (one addSlice per output).',
  params: [
    {
      name: 'sizes',
      kind: 'ints',
      default: [1, 1],
      minLength: 1,
      maxLength: 64,
      min: 1,
      doc: 'Size of each piece along dim; they must add up to that dimension.',
    },
    { name: 'dim', kind: 'int', default: 1, doc: 'The axis to split (negative counts from the end).' },
  ],
  inputs: [{ name: 'input', doc: 'A tensor with static dims.' }],
  outputs: [{ name: 'output', doc: 'One output per size, output.0 first.', variadic: true, count: (p) => (p.sizes as number[]).length }],
  expand: (params, inputs) => {
    const input = connectedInput(inputs, 'Split');
    const axis = normaliseAxis(intParam(params, 'dim'), input.dims.length, 'dim');
    const sizes = intsParam(params, 'sizes');
    const total = sizes.reduce((a, b) => a + b, 0);
    if (input.dims[axis]! >= 0 && total !== input.dims[axis])
      fail(`sizes ${formatList(sizes)} add up to ${total}, but dimension ${axis} of the input ${formatDims(input.dims)} is ${input.dims[axis]!}`, 'sizes');
    return splitExpansion(input, axis, sizes);
  },
  summary: (p) => `${formatList(p.sizes as number[])} dim ${String(p.dim)}`,
};

/** torch.chunk's piece sizes: ⌈n / chunks⌉ each, the last one smaller; fewer pieces than asked when they run out. */
export function chunkSizes(extent: number, chunks: number): number[] {
  const size = Math.ceil(extent / chunks);
  const count = Math.ceil(extent / size);
  return Array.from({ length: count }, (_, i) => Math.min(size, extent - i * size));
}

export const Chunk: CompositeSpec = {
  kind: 'composite',
  type: 'Chunk',
  category: 'Shape',
  label: 'Chunk',
  aliases: [{ names: ['chunk', 'torch.chunk'] }],
  doc: 'torch.chunk(x, chunks, dim): chunks pieces of ⌈size/chunks⌉ along dim, the last one smaller, one output each.',
  params: [
    { name: 'chunks', kind: 'int', default: 2, min: 1, max: 64, doc: 'How many pieces (outputs); torch.chunk must give exactly this many for the input.' },
    { name: 'dim', kind: 'int', default: 1, doc: 'The axis to split (negative counts from the end).' },
  ],
  inputs: [{ name: 'input', doc: 'A tensor with static dims.' }],
  outputs: [{ name: 'output', doc: 'One output per chunk, output.0 first.', variadic: true, count: (p) => p.chunks as number }],
  expand: (params, inputs) => {
    const input = connectedInput(inputs, 'Chunk');
    const axis = normaliseAxis(intParam(params, 'dim'), input.dims.length, 'dim');
    const chunks = intParam(params, 'chunks');
    const extent = input.dims[axis]!;
    if (extent < 0) fail(`dimension ${axis} of the input ${formatDims(input.dims)} is dynamic; chunking needs it known at build time`, 'dim');
    if (extent === 0) fail(`dimension ${axis} of the input ${formatDims(input.dims)} is empty`, 'dim');
    const sizes = chunkSizes(extent, chunks);
    if (sizes.length !== chunks)
      fail(
        `torch.chunk gives ${sizes.length} chunks of ${formatList(sizes)} here, not ${chunks}: dimension ${axis} has ${extent} elements; set chunks to ${sizes.length} or use Split`,
        'chunks',
      );
    return splitExpansion(input, axis, sizes);
  },
  summary: (p) => `${String(p.chunks)} × dim ${String(p.dim)}`,
};

export const Flatten: CompositeSpec = {
  kind: 'composite',
  type: 'Flatten',
  category: 'Shape',
  label: 'Flatten',
  aliases: [{ names: ['flatten', 'nn.flatten', 'torch.flatten'] }],
  doc: 'torch.flatten(x, start_dim, end_dim): merges dims start_dim…end_dim into one (an addShuffle reshape).',
  params: [
    { name: 'startDim', kind: 'int', default: 1, doc: 'First dim to merge (start_dim; negative counts from the end). nn.Flatten defaults to 1.' },
    { name: 'endDim', kind: 'int', default: -1, doc: 'Last dim to merge (end_dim; negative counts from the end).' },
  ],
  inputs: [{ name: 'input', doc: 'Any tensor of rank ≥ 1.' }],
  outputs: [{ name: 'output', doc: 'The input with dims start_dim…end_dim merged.' }],
  expand: (params, inputs) => {
    const input = connectedInput(inputs, 'Flatten');
    const dims = input.dims;
    const start = normaliseAxis(intParam(params, 'startDim'), dims.length, 'startDim');
    const end = normaliseAxis(intParam(params, 'endDim'), dims.length, 'endDim');
    if (start > end) fail(`startDim ${start} comes after endDim ${end}; flatten needs start_dim ≤ end_dim`, 'startDim');
    const merged = dims.slice(start, end + 1);
    // Leading dims are copied with 0 (their index is the same in the output); the rest must be written out.
    const target = [...dims.slice(0, start).map(() => 0), merged.every((d) => d >= 0) ? volume(merged) : -1, ...dims.slice(end + 1)];
    if (target.filter((d) => d < 0).length > 1)
      fail(`the input ${formatDims(dims)} has more than one dynamic dimension from startDim on; the reshape can infer only one`, 'input');
    const d = draftExpansion();
    d.expansion.outputs.output = d.add('reshape', 'addShuffle', 'reshape', { reshapeDimensions: target }, { input: { input: 'input' } });
    return d.expansion;
  },
  summary: (p) => `dims ${String(p.startDim)}…${String(p.endDim)}`,
};

export const ChannelShuffle: CompositeSpec = {
  kind: 'composite',
  type: 'ChannelShuffle',
  category: 'Shape',
  label: 'ChannelShuffle',
  aliases: [{ names: ['channelshuffle', 'channel_shuffle', 'nn.channelshuffle', 'shufflenet'] }],
  doc: "nn.ChannelShuffle(groups), as torchvision's channel_shuffle: view [N, g, C/g, H, W], swap dims 1 and 2, view [N, C, H, W].",
  params: [{ name: 'groups', kind: 'int', default: 2, min: 1, doc: 'Number of groups; the channels must divide by it.' }],
  inputs: [{ name: 'input', doc: 'NCHW tensor; C static, at most one of H and W dynamic.' }],
  outputs: [{ name: 'output', doc: 'Same shape as the input, channels interleaved across groups.' }],
  expand: (params, inputs) => {
    const input = connectedInput(inputs, 'ChannelShuffle');
    const groups = intParam(params, 'groups');
    if (input.dims.length !== 4) fail(`the input must be NCHW (rank 4); got ${formatDims(input.dims)}`, 'input');
    const [, c, h, w] = input.dims as [number, number, number, number];
    if (c < 0) fail(`the channel dimension must be known at build time; got ${formatDims(input.dims)}`, 'input');
    if (c % groups !== 0) fail(`${c} channels do not divide into ${groups} groups`, 'groups');
    if (h < 0 && w < 0) fail(`H and W of ${formatDims(input.dims)} are both dynamic; the reshape can infer only one`, 'input');
    const d = draftExpansion();
    const split = d.add(
      'split_groups',
      'addShuffle',
      'split_groups',
      { reshapeDimensions: [0, groups, c / groups, h, w], secondTranspose: [0, 2, 1, 3, 4] },
      { input: { input: 'input' } },
    );
    d.expansion.outputs.output = d.add('merge_groups', 'addShuffle', 'merge_groups', { reshapeDimensions: [0, c, h, w] }, { input: split });
    return d.expansion;
  },
  summary: (p) => `groups ${String(p.groups)}`,
};

export const reshapingLayers = [Split, Chunk, Flatten, ChannelShuffle];
