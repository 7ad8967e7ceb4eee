/**
 * Pooling as PyTorch defines it, composed from addPoolingNd: MaxPool2d and AvgPool2d with
 * ceil_mode and count_include_pad, and AdaptiveAvgPool2d to any output size.
 *
 * TensorRT's EXPLICIT_ROUND_UP is not PyTorch's ceil_mode: PyTorch drops a last window that would
 * start in the right padding (size 5, kernel 2, stride 2, padding 1: PyTorch 3, ROUND_UP 4). So the
 * expansion computes PyTorch's output size and gives EXPLICIT_ROUND_DOWN the post-padding that ends
 * the last window exactly there. Where a ceil-mode average window hangs past the declared padding,
 * PyTorch counts the declared padding but not the overhang; the declared padding then becomes real
 * zeros (addPaddingNd) and the pooling excludes only the overhang.
 */
import { formatDims, formatList } from '../shapes/dims.js';
import { draftExpansion, type ExpansionDraft } from './blocks.js';
import { windowOutputSize } from './convolution.js';
import { boolParam, intsParam } from './params.js';
import { fail, type CompositeSpec, type ExpansionPort, type IntsParam, type ParamSpec, type TensorInfo } from './types.js';

/** PyTorch's pooling_output_shape (aten/src/ATen/native/Pool.h) for dilation 1. */
export function torchPoolOutputSize(size: number, kernel: number, stride: number, padding: number, ceilMode: boolean): number {
  const numerator = size + 2 * padding - kernel + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(numerator / stride) + 1;
  // A last window that would start in the right padding is dropped.
  if (ceilMode && (out - 1) * stride >= size + padding) out--;
  return out;
}

const pair = (name: string, def: number[], min: number, doc: string, minLength = 2): IntsParam => ({
  name,
  kind: 'ints',
  default: def,
  minLength,
  maxLength: 2,
  min,
  doc,
});

const poolParams = (type: 'MAX' | 'AVERAGE'): ParamSpec[] => [
  pair('kernelSize', [2, 2], 1, 'Window size (kH, kW), kernel_size.'),
  pair('stride', [], 1, 'Stride (sH, sW); empty is the kernel size, as PyTorch defaults it.', 0),
  pair('padding', [0, 0], 0, 'Implicit padding on both sides (pH, pW), at most half the kernel.'),
  {
    name: 'ceilMode',
    kind: 'bool',
    default: false,
    doc: "ceil_mode: round the output size up, but never start a window in the right padding (PyTorch's rule).",
  },
  ...(type === 'AVERAGE'
    ? [
        {
          name: 'countIncludePad',
          kind: 'bool',
          default: true,
          doc: 'count_include_pad: divide by the window including the zero padding (PyTorch default True).',
        } as const,
      ]
    : []),
];

/** The addPoolingNd padding (and, for an average that counts padding past an overhang, an explicit zero pad) that gives PyTorch's result. */
function torchPoolExpansion(type: 'MAX' | 'AVERAGE', params: Record<string, unknown>, inputs: Record<string, TensorInfo> | undefined) {
  const input = inputs?.input;
  if (!input) fail(`${type === 'MAX' ? 'MaxPool2d' : 'AvgPool2d'} needs its input connected: its padding follows from the input size`, 'input');
  if (input.dims.length !== 4) fail(`the input must be NCHW (rank 4); got ${formatDims(input.dims)}`, 'input');
  const p = params as Parameters<typeof intsParam>[0];
  const kernel = intsParam(p, 'kernelSize');
  const strideParam = intsParam(p, 'stride');
  const stride = strideParam.length === 0 ? kernel : strideParam;
  const padding = intsParam(p, 'padding');
  const ceilMode = boolParam(p, 'ceilMode');
  const countPad = type === 'AVERAGE' && boolParam(p, 'countIncludePad');
  if (stride.length !== 2) fail(`stride ${formatList(stride)} needs 2 values (or none for the kernel size)`, 'stride');
  if (padding.some((pad, i) => pad * 2 > kernel[i]!))
    fail(`padding ${formatList(padding)} must be at most half the kernel ${formatList(kernel)}, as PyTorch requires`, 'padding');
  const post = input.dims.slice(2).map((size, i) => {
    const [k, s, pad] = [kernel[i]!, stride[i]!, padding[i]!];
    if (size < 0) {
      if (ceilMode) fail(`ceilMode needs the spatial dims known at build time; got ${formatDims(input.dims)}`, 'ceilMode');
      return pad;
    }
    const out = torchPoolOutputSize(size, k, s, pad, ceilMode);
    if (out < 1) fail(`the kernel ${formatList(kernel)} is larger than the padded input ${formatDims(input.dims)}`, 'kernelSize');
    // The post-padding that ends the last window exactly: with ROUND_DOWN, (out − 1)·s + k = pre + size + post.
    const exact = Math.max(0, (out - 1) * s + k - size - pad);
    if (windowOutputSize(size, k, s, pad, exact, 1, 'EXPLICIT_ROUND_DOWN') !== out)
      fail(
        `no TensorRT padding reproduces PyTorch's output size ${out} along spatial dim ${i} (size ${size}, kernel ${k}, stride ${s}, padding ${pad})`,
        'padding',
      );
    return exact;
  });
  const d = draftExpansion();
  const pool = (input: ExpansionPort, pre: number[], postPad: number[], excludes: boolean) =>
    d.add(
      'pool',
      'addPoolingNd',
      'pool',
      {
        type,
        windowSize: [...kernel],
        stride: [...stride],
        prePadding: pre,
        postPadding: postPad,
        paddingMode: 'EXPLICIT_ROUND_DOWN',
        averageCountExcludesPadding: excludes,
      },
      { input },
    );
  const overhang = post.some((q, i) => q > padding[i]!);
  if (countPad && overhang) {
    // Real zeros for the declared padding (counted), pooling padding for the overhang (not counted).
    const zeroPost = post.map((q, i) => Math.min(q, padding[i]!));
    let x: ExpansionPort = { input: 'input' };
    if (padding.some((v) => v > 0) || zeroPost.some((v) => v > 0))
      x = d.add('pad', 'addPaddingNd', 'pad', { prePadding: [...padding], postPadding: zeroPost }, { input: x });
    d.expansion.outputs.output = pool(
      x,
      [0, 0],
      post.map((q, i) => q - zeroPost[i]!),
      true,
    );
  } else {
    d.expansion.outputs.output = pool({ input: 'input' }, [...padding], post, !countPad);
  }
  return d.expansion;
}

function poolSummary(p: Record<string, unknown>): string {
  const k = p.kernelSize as number[];
  const s = (p.stride as number[]).length ? (p.stride as number[]) : k;
  const pad = p.padding as number[];
  return `${k.join('×')} /${s.join('×')}${pad.some((v) => v > 0) ? ` pad ${pad.join('×')}` : ''}${p.ceilMode ? ' ceil' : ''}`;
}

export const MaxPool2d: CompositeSpec = {
  kind: 'composite',
  type: 'MaxPool2d',
  category: 'Pooling',
  label: 'MaxPool2d (PyTorch)',
  aliases: [{ names: ['maxpool2d', 'nn.maxpool2d', 'max_pool2d', 'ceil_mode'] }],
  doc: "PyTorch's nn.MaxPool2d with ceil_mode, as an addPoolingNd whose padding reproduces PyTorch's output size exactly.",
  params: poolParams('MAX'),
  inputs: [{ name: 'input', doc: 'NCHW tensor.' }],
  outputs: [{ name: 'output', doc: "N × C × PyTorch's pooled H × W." }],
  expand: (params, inputs) => torchPoolExpansion('MAX', params, inputs),
  summary: (p) => `max ${poolSummary(p)}`,
};

export const AvgPool2d: CompositeSpec = {
  kind: 'composite',
  type: 'AvgPool2d',
  category: 'Pooling',
  label: 'AvgPool2d (PyTorch)',
  aliases: [{ names: ['avgpool2d', 'nn.avgpool2d', 'avg_pool2d', 'count_include_pad'] }],
  doc: "PyTorch's nn.AvgPool2d with ceil_mode and count_include_pad (default True), as an addPoolingNd (and a zero pad where needed).",
  params: poolParams('AVERAGE'),
  inputs: [{ name: 'input', doc: 'NCHW tensor.' }],
  outputs: [{ name: 'output', doc: "N × C × PyTorch's pooled H × W." }],
  expand: (params, inputs) => torchPoolExpansion('AVERAGE', params, inputs),
  summary: (p) => `avg ${poolSummary(p)}`,
};

/** PyTorch's adaptive pooling window for output index i of n over size s: [⌊i·s/n⌋, ⌈(i+1)·s/n⌉). */
export function adaptiveWindow(i: number, size: number, out: number): [start: number, end: number] {
  return [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
}

/**
 * Average along one spatial axis to `out` entries with PyTorch's adaptive windows: a strided pooling
 * when the size divides evenly, otherwise one slice and mean per output entry, concatenated. An
 * average over a rectangle is the average of its row averages, so the two axes are done in turn.
 */
function adaptiveAxis(d: ExpansionDraft, x: ExpansionPort, dims: number[], axis: 2 | 3, out: number): ExpansionPort {
  const size = dims[axis]!;
  const tag = axis === 2 ? 'rows' : 'cols';
  if (size === out) return x;
  if (size % out === 0) {
    const k = size / out;
    const window = axis === 2 ? [k, 1] : [1, k];
    return d.add(tag, 'addPoolingNd', tag, { type: 'AVERAGE', windowSize: window, stride: window, prePadding: [0, 0], postPadding: [0, 0] }, { input: x });
  }
  if (dims.some((v) => v < 0))
    fail(`the input ${formatDims(dims)} has a dynamic dimension; uneven adaptive windows need every dimension known at build time`, 'input');
  const wires: Record<string, ExpansionPort> = {};
  for (let i = 0; i < out; i++) {
    const [start, end] = adaptiveWindow(i, size, out);
    const slice = d.add(
      `${tag}${i}`,
      'addSlice',
      `${tag}.${i}`,
      { start: dims.map((_, j) => (j === axis ? start : 0)), size: dims.map((v, j) => (j === axis ? end - start : v)), stride: dims.map(() => 1) },
      { input: x },
    );
    wires[`inputs.${i}`] = d.add(
      `${tag}${i}_mean`,
      'addReduce',
      `${tag}.${i}.mean`,
      { operation: 'AVG', axes: [axis], keepDimensions: true },
      { input: slice },
    );
  }
  return d.add(`${tag}_cat`, 'addConcatenation', `${tag}.cat`, { axis }, wires);
}

export const AdaptiveAvgPool2d: CompositeSpec = {
  kind: 'composite',
  type: 'AdaptiveAvgPool2d',
  category: 'Pooling',
  label: 'AdaptiveAvgPool2d',
  aliases: [{ names: ['adaptiveavgpool', 'adaptiveavgpool2d', 'nn.adaptiveavgpool2d', 'adaptive_avg_pool2d', 'adaptive average pool'] }],
  doc: "PyTorch's nn.AdaptiveAvgPool2d to any output size with its exact windows: one pooling when the sizes divide evenly, else slices and means.",
  params: [pair('outputSize', [1, 1], 1, 'Output (H, W).')],
  inputs: [{ name: 'input', doc: 'NCHW tensor; H and W static unless the output is 1 × 1.' }],
  outputs: [{ name: 'output', doc: 'N × C × outputSize.' }],
  expand: (params, inputs) => {
    const input = inputs?.input;
    if (!input) fail('AdaptiveAvgPool2d needs its input connected: its windows follow from the input size', 'input');
    if (input.dims.length !== 4) fail(`the input must be NCHW (rank 4); got ${formatDims(input.dims)}`, 'input');
    const [oh, ow] = intsParam(params, 'outputSize') as [number, number];
    const [, , h, w] = input.dims as [number, number, number, number];
    const d = draftExpansion();
    const x: ExpansionPort = { input: 'input' };
    if (oh === 1 && ow === 1) {
      // Global average pooling: any H and W, dynamic ones too.
      d.expansion.outputs.output = d.add('mean', 'addReduce', 'mean', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, { input: x });
      return d.expansion;
    }
    if (h < 0 || w < 0) fail(`the input ${formatDims(input.dims)} has a dynamic H or W; an output other than 1 × 1 needs them known at build time`, 'input');
    if (h % oh === 0 && w % ow === 0) {
      const window = [h / oh, w / ow];
      d.expansion.outputs.output = d.add(
        'pool',
        'addPoolingNd',
        'pool',
        { type: 'AVERAGE', windowSize: window, stride: window, prePadding: [0, 0], postPadding: [0, 0] },
        { input: x },
      );
      return d.expansion;
    }
    const rows = adaptiveAxis(d, x, [...input.dims], 2, oh);
    d.expansion.outputs.output = adaptiveAxis(d, rows, [input.dims[0]!, input.dims[1]!, oh, w], 3, ow);
    return d.expansion;
  },
  summary: (p) => `→ ${(p.outputSize as number[]).join('×')}`,
};

export const pytorchPoolingLayers = [MaxPool2d, AvgPool2d, AdaptiveAvgPool2d];
