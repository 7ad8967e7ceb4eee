/**
 * The PyTorch-named activations, poolings and reshaping ops, run on ONNX Runtime (lowered and
 * translated as every network is) against values computed here from PyTorch's own definitions:
 * the formulas of torch.nn's docs and the loops of ATen's pooling kernels.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { getLayerSpec, outputPortNames } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { lowerToProgram } from '../lower/lower.js';
import { emptyDocument, type Params } from '../network/types.js';
import { translateProgram } from './translate.js';

/** A small deterministic generator, so a failure reproduces. */
function values(count: number, seed: number, low = -5, high = 5): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return low + ((high - low) * s) / 2 ** 32;
  });
}

/** Run one layer of `type` on `data` (dims `dims`) through lowering, the ONNX translation and ONNX Runtime; outputs by port. */
async function runLayer(type: string, params: Params, dims: number[], data: Float32Array): Promise<Record<string, { dims: number[]; data: Float32Array }>> {
  const spec = getLayerSpec(type)!;
  const doc = emptyDocument(type);
  doc.inputs.push({ id: 'in', name: 'input', dtype: 'FLOAT', dims });
  doc.nodes.push({ id: 'layer', type, name: 'layer', params: completeParams(spec.params, params) });
  doc.edges.push({ id: 'e0', from: { node: 'in', port: 'output' }, to: { node: 'layer', port: 'input' } });
  const ports = outputPortNames(spec, params);
  for (const port of ports) doc.outputs.push({ name: port.replace('.', '_'), from: { node: 'layer', port } });
  const lowered = lowerToProgram(doc, () => undefined);
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const onnx = translateProgram(lowered.value.program, lowered.value.weights);
  if (!onnx.ok) throw new Error(onnx.diagnostics.map((d) => d.message).join('\n'));
  const session = await ort.InferenceSession.create(onnx.value.bytes);
  const out = await session.run({ input: new ort.Tensor('float32', data, dims) });
  return Object.fromEntries(
    ports.map((port) => [port, { dims: [...out[port.replace('.', '_')]!.dims], data: out[port.replace('.', '_')]!.data as Float32Array }]),
  );
}

/** The largest difference relative to the largest expected magnitude. */
function relativeError(actual: Float32Array, expected: readonly number[]): number {
  const largest = Math.max(1e-6, ...expected.map(Math.abs));
  return Math.max(...expected.map((e, i) => Math.abs(actual[i]! - e))) / largest;
}

/** erf by its Maclaurin series, exact to double precision for |z| ≤ 4 (the inputs here stay within 5/√2). */
function erf(z: number): number {
  let term = z;
  let sum = z;
  for (let n = 1; n < 80; n++) {
    term *= (-z * z) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const relu6 = (x: number) => Math.min(Math.max(x, 0), 6);
/** torch.nn's definitions, from its documentation. */
const TORCH_ACTIVATIONS: [label: string, type: string, params: Params, f: (x: number) => number][] = [
  ['SiLU', 'SiLU', {}, (x) => x / (1 + Math.exp(-x))],
  ['Hardswish', 'Hardswish', {}, (x) => (x * relu6(x + 3)) / 6],
  ['Mish', 'Mish', {}, (x) => x * Math.tanh(Math.log1p(Math.exp(x)))],
  ['Hardsigmoid (the search preset)', 'addActivation', { type: 'HARD_SIGMOID', alpha: 1 / 6, beta: 0.5 }, (x) => relu6(x + 3) / 6],
  ['GELU (the search preset)', 'addActivation', { type: 'GELU_ERF' }, (x) => 0.5 * x * (1 + erf(x / Math.SQRT2))],
  [
    "GELU approximate='tanh' (the search preset)",
    'addActivation',
    { type: 'GELU_TANH' },
    (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  ],
];

describe('activations match their PyTorch definitions on ONNX Runtime', () => {
  for (const [label, type, params, f] of TORCH_ACTIVATIONS)
    it(label, async () => {
      const x = values(2 * 3 * 4 * 5, 7);
      const { output } = await runLayer(type, params, [2, 3, 4, 5], x);
      expect(output!.dims).toEqual([2, 3, 4, 5]);
      expect(relativeError(output!.data, Array.from(x, f))).toBeLessThan(1e-5);
    });

  it('the search presets are the ones tested here', () => {
    const presets = Object.fromEntries((getLayerSpec('addActivation')!.aliases ?? []).map((a) => [a.label, a.params]));
    expect(presets.Hardsigmoid).toEqual({ type: 'HARD_SIGMOID', alpha: 1 / 6, beta: 0.5 });
    expect(presets.GELU).toEqual({ type: 'GELU_ERF' });
    expect(presets['GELU (tanh)']).toEqual({ type: 'GELU_TANH' });
  });
});

/** PyTorch's pooling output size (aten/src/ATen/native/Pool.h, pooling_output_shape), dilation 1. */
function torchOutputSize(size: number, k: number, s: number, p: number, ceil: boolean): number {
  let out = Math.floor((size + 2 * p - k + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

interface Pool {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  ceil: boolean;
  countIncludePad: boolean;
}

/** ATen's max_pool2d and avg_pool2d forward loops on one [N, C, H, W] tensor. */
function torchPool(type: 'max' | 'avg', x: Float32Array, [n, c, h, w]: number[], o: Pool): { dims: number[]; data: number[] } {
  const [kh, kw] = o.kernel;
  const [sh, sw] = o.stride;
  const [ph, pw] = o.padding;
  const oh = torchOutputSize(h!, kh, sh, ph, o.ceil);
  const ow = torchOutputSize(w!, kw, sw, pw, o.ceil);
  const out: number[] = [];
  for (let plane = 0; plane < n! * c!; plane++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let h0 = i * sh - ph;
        let w0 = j * sw - pw;
        if (type === 'max') {
          const h1 = Math.min(h0 + kh, h!);
          const w1 = Math.min(w0 + kw, w!);
          h0 = Math.max(h0, 0);
          w0 = Math.max(w0, 0);
          let best = -Infinity;
          for (let y = h0; y < h1; y++) for (let z = w0; z < w1; z++) best = Math.max(best, x[plane * h! * w! + y * w! + z]!);
          out.push(best);
        } else {
          let h1 = Math.min(h0 + kh, h! + ph);
          let w1 = Math.min(w0 + kw, w! + pw);
          const poolSize = (h1 - h0) * (w1 - w0);
          h0 = Math.max(h0, 0);
          w0 = Math.max(w0, 0);
          h1 = Math.min(h1, h!);
          w1 = Math.min(w1, w!);
          let sum = 0;
          for (let y = h0; y < h1; y++) for (let z = w0; z < w1; z++) sum += x[plane * h! * w! + y * w! + z]!;
          out.push(sum / (o.countIncludePad ? poolSize : (h1 - h0) * (w1 - w0)));
        }
      }
  return { dims: [n!, c!, oh, ow], data: out };
}

/** [H, W, kernel, stride, padding, ceil_mode]: round-up overhangs with and without padding, and the size 5 / kernel 2 / stride 2 / padding 1 case. */
const POOL_CASES: [h: number, w: number, k: number, s: number, p: number, ceil: boolean][] = [
  [5, 5, 2, 2, 1, true],
  [5, 5, 2, 2, 1, false],
  [8, 8, 3, 2, 1, true],
  [8, 7, 3, 2, 1, true],
  [6, 6, 3, 2, 0, true],
  [7, 9, 3, 2, 1, true],
  [13, 13, 3, 2, 0, true],
  [10, 10, 3, 3, 1, true],
  [9, 9, 4, 3, 2, true],
  [6, 6, 2, 4, 1, true],
  [112, 112, 3, 2, 1, false],
];

describe("MaxPool2d and AvgPool2d reproduce PyTorch's ceil_mode and count_include_pad", () => {
  for (const [h, w, k, s, p, ceil] of POOL_CASES) {
    const pool: Pool = { kernel: [k, k], stride: [s, s], padding: [p, p], ceil, countIncludePad: true };
    const params = { kernelSize: [k, k], stride: [s, s], padding: [p, p], ceilMode: ceil };
    for (const [type, variant] of [
      ['max', {}],
      ['avg', { countIncludePad: true }],
      ['avg', { countIncludePad: false }],
    ] as const) {
      const o = { ...pool, countIncludePad: 'countIncludePad' in variant ? variant.countIncludePad : true };
      it(`${type} ${h}×${w} kernel ${k} stride ${s} padding ${p}${ceil ? ' ceil_mode' : ''}${'countIncludePad' in variant ? ` count_include_pad=${String(variant.countIncludePad)}` : ''}`, async () => {
        const dims = [1, 2, h, w];
        const x = values(2 * h * w, h * 100 + k * 10 + s);
        const expected = torchPool(type, x, dims, o);
        const { output } = await runLayer(type === 'max' ? 'MaxPool2d' : 'AvgPool2d', { ...params, ...variant }, dims, x);
        expect(output!.dims).toEqual(expected.dims);
        expect(relativeError(output!.data, expected.data)).toBeLessThan(1e-5);
      });
    }
  }
});

/** ATen's adaptive_avg_pool2d: output (i, j) averages rows ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1 and the same for columns. */
function torchAdaptiveAvg(x: Float32Array, [n, c, h, w]: number[], [oh, ow]: [number, number]): number[] {
  const out: number[] = [];
  for (let plane = 0; plane < n! * c!; plane++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const [h0, h1] = [Math.floor((i * h!) / oh), Math.ceil(((i + 1) * h!) / oh)];
        const [w0, w1] = [Math.floor((j * w!) / ow), Math.ceil(((j + 1) * w!) / ow)];
        let sum = 0;
        for (let y = h0; y < h1; y++) for (let z = w0; z < w1; z++) sum += x[plane * h! * w! + y * w! + z]!;
        out.push(sum / ((h1 - h0) * (w1 - w0)));
      }
  return out;
}

describe("AdaptiveAvgPool2d reproduces PyTorch's windows", () => {
  const cases: [h: number, w: number, oh: number, ow: number][] = [
    [8, 8, 4, 4],
    [10, 10, 7, 7],
    [7, 7, 7, 7],
    [9, 6, 4, 3],
    [5, 11, 3, 1],
    [6, 6, 1, 1],
    [3, 4, 5, 6],
  ];
  for (const [h, w, oh, ow] of cases)
    it(`${h}×${w} → ${oh}×${ow}`, async () => {
      const dims = [1, 3, h, w];
      const x = values(3 * h * w, h * 31 + w);
      const { output } = await runLayer('AdaptiveAvgPool2d', { outputSize: [oh, ow] }, dims, x);
      expect(output!.dims).toEqual([1, 3, oh, ow]);
      expect(relativeError(output!.data, torchAdaptiveAvg(x, dims, [oh, ow]))).toBeLessThan(1e-5);
    });
});

describe('Split, Chunk, Flatten and ChannelShuffle move the values as PyTorch does', () => {
  const dims = [2, 6, 3, 2];
  const x = Float32Array.from({ length: 72 }, (_, i) => i);
  /** x[n][c][h][w] in row-major order. */
  const at = (n: number, c: number, h: number, w: number) => ((n * 6 + c) * 3 + h) * 2 + w;

  it('Split by sizes [1, 3, 2] along dim 1 gives channels 0, 1…3 and 4…5', async () => {
    const out = await runLayer('Split', { sizes: [1, 3, 2], dim: 1 }, dims, x);
    expect(Object.keys(out)).toEqual(['output.0', 'output.1', 'output.2']);
    expect(out['output.1']!.dims).toEqual([2, 3, 3, 2]);
    expect(Array.from(out['output.1']!.data.slice(0, 7))).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(Array.from(out['output.2']!.data.slice(0, 3))).toEqual([at(0, 4, 0, 0), at(0, 4, 0, 1), at(0, 4, 1, 0)]);
  });

  it('Chunk 2 along dim 2 of extent 3 gives 2 rows then 1, as torch.chunk does', async () => {
    const out = await runLayer('Chunk', { chunks: 2, dim: 2 }, dims, x);
    expect(out['output.0']!.dims).toEqual([2, 6, 2, 2]);
    expect(out['output.1']!.dims).toEqual([2, 6, 1, 2]);
    expect(Array.from(out['output.1']!.data.slice(0, 4))).toEqual([at(0, 0, 2, 0), at(0, 0, 2, 1), at(0, 1, 2, 0), at(0, 1, 2, 1)]);
  });

  it('Flatten(1, 2) merges channels and rows and keeps the order', async () => {
    const { output } = await runLayer('Flatten', { startDim: 1, endDim: 2 }, dims, x);
    expect(output!.dims).toEqual([2, 18, 2]);
    expect(Array.from(output!.data)).toEqual(Array.from(x));
  });

  it("ChannelShuffle(3) orders the channels 0, 2, 4, 1, 3, 5 as torchvision's channel_shuffle", async () => {
    const { output } = await runLayer('ChannelShuffle', { groups: 3 }, dims, x);
    expect(output!.dims).toEqual(dims);
    const firstOfEachChannel = Array.from({ length: 6 }, (_, c) => output!.data[at(0, c, 0, 0)]!);
    expect(firstOfEachChannel).toEqual([0, 2, 4, 1, 3, 5].map((c) => at(0, c, 0, 0)));
  });
});
