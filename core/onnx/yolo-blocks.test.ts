/**
 * Ultralytics' Conv, C2f, C3 and SPPF with random weights, run on ONNX Runtime (lowered and
 * translated as every network is, BatchNorm folded) against their forward() written here in plain
 * loops from ultralytics' definitions: Conv = SiLU(BN(conv(x))), BN with ε 1e-3.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { getLayerSpec } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { lowerToProgram } from '../lower/lower.js';
import { emptyDocument, type Params } from '../network/types.js';
import { inferShapes } from '../shapes/infer.js';
import { translateProgram } from './translate.js';

/** One image, [C, H, W]. */
interface Image {
  c: number;
  h: number;
  w: number;
  data: Float64Array;
}

function random(seed: number): (low: number, high: number) => number {
  let s = seed >>> 0;
  return (low, high) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return low + ((high - low) * s) / 2 ** 32;
  };
}

/** ultralytics' Conv: SiLU(BatchNorm2d(Conv2d(x, bias=False))), padding k // 2, ε 1e-3. */
function yoloConv(x: Image, weights: Map<string, Float32Array>, name: string, outC: number, k: number, stride = 1): Image {
  const w = weights.get(`${name}.conv.weight`)!;
  const [gamma, beta, mean, variance] = ['weight', 'bias', 'running_mean', 'running_var'].map((s) => weights.get(`${name}.bn.${s}`)!);
  const pad = Math.floor(k / 2);
  const h = Math.floor((x.h + 2 * pad - k) / stride) + 1;
  const wd = Math.floor((x.w + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(outC * h * wd);
  for (let o = 0; o < outC; o++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < wd; j++) {
        let sum = 0;
        for (let c = 0; c < x.c; c++)
          for (let u = 0; u < k; u++)
            for (let v = 0; v < k; v++) {
              const y = i * stride - pad + u;
              const z = j * stride - pad + v;
              if (y >= 0 && y < x.h && z >= 0 && z < x.w) sum += x.data[(c * x.h + y) * x.w + z]! * w[((o * x.c + c) * k + u) * k + v]!;
            }
        const bn = ((sum - mean![o]!) / Math.sqrt(variance![o]! + 1e-3)) * gamma![o]! + beta![o]!;
        out[(o * h + i) * wd + j] = bn / (1 + Math.exp(-bn));
      }
  return { c: outC, h, w: wd, data: out };
}

const cat = (parts: Image[]): Image => ({ ...parts[0]!, c: parts.reduce((n, p) => n + p.c, 0), data: Float64Array.from(parts.flatMap((p) => [...p.data])) });
const add = (a: Image, b: Image): Image => ({ ...a, data: a.data.map((v, i) => v + b.data[i]!) });
const channels = (x: Image, from: number, count: number): Image => ({ ...x, c: count, data: x.data.slice(from * x.h * x.w, (from + count) * x.h * x.w) });

function bottleneck(x: Image, weights: Map<string, Float32Array>, name: string, c: number, k1: number, shortcut: boolean): Image {
  const y = yoloConv(yoloConv(x, weights, `${name}.cv1`, c, k1), weights, `${name}.cv2`, c, 3);
  return shortcut ? add(x, y) : y;
}

function c2f(x: Image, weights: Map<string, Float32Array>, name: string, c2: number, n: number, shortcut: boolean): Image {
  const c = c2 / 2;
  const y = yoloConv(x, weights, `${name}.cv1`, 2 * c, 1);
  const pieces = [channels(y, 0, c), channels(y, c, c)];
  for (let i = 0; i < n; i++) pieces.push(bottleneck(pieces.at(-1)!, weights, `${name}.m.${i}`, c, 3, shortcut));
  return yoloConv(cat(pieces), weights, `${name}.cv2`, c2, 1);
}

function c3(x: Image, weights: Map<string, Float32Array>, name: string, c2: number, n: number): Image {
  const c = c2 / 2;
  let y = yoloConv(x, weights, `${name}.cv1`, c, 1);
  for (let i = 0; i < n; i++) y = bottleneck(y, weights, `${name}.m.${i}`, c, 1, true);
  return yoloConv(cat([y, yoloConv(x, weights, `${name}.cv2`, c, 1)]), weights, `${name}.cv3`, c2, 1);
}

/** MaxPool2d(k, stride 1, padding k // 2). */
function maxPool(x: Image, k: number): Image {
  const p = Math.floor(k / 2);
  const out = new Float64Array(x.data.length);
  for (let c = 0; c < x.c; c++)
    for (let i = 0; i < x.h; i++)
      for (let j = 0; j < x.w; j++) {
        let best = -Infinity;
        for (let y = Math.max(0, i - p); y < Math.min(x.h, i - p + k); y++)
          for (let z = Math.max(0, j - p); z < Math.min(x.w, j - p + k); z++) best = Math.max(best, x.data[(c * x.h + y) * x.w + z]!);
        out[(c * x.h + i) * x.w + j] = best;
      }
  return { ...x, data: out };
}

function sppf(x: Image, weights: Map<string, Float32Array>, name: string, c2: number, k: number): Image {
  const pieces = [yoloConv(x, weights, `${name}.cv1`, x.c / 2, 1)];
  for (let i = 0; i < 3; i++) pieces.push(maxPool(pieces.at(-1)!, k));
  return yoloConv(cat(pieces), weights, `${name}.cv2`, c2, 1);
}

/** Random weights for every slot of the block named `name` (positive running variances), bound by name. */
async function runBlock(
  type: string,
  params: Params,
  x: Image,
  seed: number,
): Promise<{ actual: Float32Array; dims: number[]; weights: Map<string, Float32Array> }> {
  const spec = getLayerSpec(type)!;
  const doc = emptyDocument(type);
  doc.inputs.push({ id: 'in', name: 'images', dtype: 'FLOAT', dims: [1, x.c, x.h, x.w] });
  doc.nodes.push({ id: 'block', type, name: 'model.3', params: completeParams(spec.params, params) });
  doc.edges.push({ id: 'e0', from: { node: 'in', port: 'output' }, to: { node: 'block', port: 'input' } });
  doc.outputs.push({ name: 'out', from: { node: 'block', port: 'output' } });
  const next = random(seed);
  const weights = new Map<string, Float32Array>();
  for (const slot of inferShapes(doc).nodes.block!.weights) {
    const [low, high] = slot.name.endsWith('running_var') ? [0.5, 1.5] : [-0.5, 0.5];
    weights.set(
      `model.3.${slot.torchSuffix}`,
      Float32Array.from({ length: slot.count! }, () => next(low, high)),
    );
  }
  doc.bindings.block = Object.fromEntries([...weights.keys()].map((name) => [name.slice('model.3.'.length), name]));
  const lowered = lowerToProgram(doc, (name) => weights.get(name));
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const onnx = translateProgram(lowered.value.program, lowered.value.weights);
  if (!onnx.ok) throw new Error(onnx.diagnostics.map((d) => d.message).join('\n'));
  const session = await ort.InferenceSession.create(onnx.value.bytes);
  const out = (await session.run({ images: new ort.Tensor('float32', Float32Array.from(x.data), [1, x.c, x.h, x.w]) })).out!;
  return { actual: out.data as Float32Array, dims: [...out.dims], weights };
}

function image(c: number, h: number, w: number, seed: number): Image {
  const next = random(seed);
  return { c, h, w, data: Float64Array.from({ length: c * h * w }, () => next(-2, 2)) };
}

function expectClose(actual: Float32Array, expected: Image): void {
  const largest = Math.max(...expected.data.map(Math.abs));
  const worst = Math.max(...Array.from(expected.data, (e, i) => Math.abs(actual[i]! - e)));
  expect(worst / largest).toBeLessThan(1e-5);
}

describe("the YOLO blocks compute ultralytics' forward() on ONNX Runtime", () => {
  it('YoloConv 3×3 stride 2', async () => {
    const x = image(3, 9, 8, 1);
    const { actual, dims, weights } = await runBlock('YoloConv', { outChannels: 5, kernelSize: 3, stride: 2 }, x, 11);
    expect(dims).toEqual([1, 5, 5, 4]);
    expectClose(actual, yoloConv(x, weights, 'model.3', 5, 3, 2));
  });

  it('C2f with two shortcut bottlenecks', async () => {
    const x = image(6, 7, 6, 2);
    const { actual, dims, weights } = await runBlock('C2f', { c2: 8, n: 2, shortcut: true }, x, 12);
    expect(dims).toEqual([1, 8, 7, 6]);
    expectClose(actual, c2f(x, weights, 'model.3', 8, 2, true));
  });

  it('C2f without shortcut', async () => {
    const x = image(4, 5, 5, 3);
    const { actual, weights } = await runBlock('C2f', { c2: 4, n: 1, shortcut: false }, x, 13);
    expectClose(actual, c2f(x, weights, 'model.3', 4, 1, false));
  });

  it('C3 with two bottlenecks', async () => {
    const x = image(6, 6, 5, 4);
    const { actual, dims, weights } = await runBlock('C3', { c2: 8, n: 2 }, x, 14);
    expect(dims).toEqual([1, 8, 6, 5]);
    expectClose(actual, c3(x, weights, 'model.3', 8, 2));
  });

  it('SPPF k 5', async () => {
    const x = image(8, 7, 9, 5);
    const { actual, dims, weights } = await runBlock('SPPF', { c1: 8, c2: 6, k: 5 }, x, 15);
    expect(dims).toEqual([1, 6, 7, 9]);
    expectClose(actual, sppf(x, weights, 'model.3', 6, 5));
  });
});
