/**
 * The decoded YOLO heads on ONNX Runtime against a plain-loop reference written here from
 * ultralytics' Detect (v8: DFL, dist2bbox, strides; v5: sigmoid, grid, anchors), on small feature
 * maps with formula weights: an independent check of the head's arithmetic without PyTorch.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { lowerToProgram } from '../../../core/lower/lower.js';
import { emptyDocument, type NetworkDocument } from '../../../core/network/types.js';
import { inferShapes } from '../../../core/shapes/infer.js';
import { autoBindWeights } from '../../../core/weights/binding.js';
import { formulaTensor } from '../../../core/weights/formula.js';
import type { BackendSession } from '../backend.js';
import { onnxRuntimeBackend } from './backend.js';

const LEVELS = [
  { name: 'p3', dims: [1, 16, 4, 4], stride: 8 },
  { name: 'p4', dims: [1, 32, 2, 2], stride: 16 },
  { name: 'p5', dims: [1, 64, 1, 1], stride: 32 },
];
const NC = 3;

function headDocument(type: string): NetworkDocument {
  const doc = emptyDocument(type);
  doc.nodes.push({ id: 'head', type, name: 'head', params: { nc: NC, strides: [8, 16, 32] } });
  for (const l of LEVELS) {
    doc.inputs.push({ id: l.name, name: l.name, dtype: 'FLOAT', dims: l.dims });
    doc.edges.push({ id: `e_${l.name}`, from: { node: l.name, port: 'output' }, to: { node: 'head', port: l.name } });
  }
  doc.outputs.push({ name: 'output0', from: { node: 'head', port: 'output' } });
  return doc;
}

const sessions: BackendSession[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.dispose()));
});

/** Runs the head with formula weights (DFL kernel 0…15); returns its output and the weights by slot name. */
async function runHead(type: string) {
  const doc = headDocument(type);
  const report = inferShapes(doc);
  expect(report.diagnostics).toEqual([]);
  const weights = new Map(
    report.nodes.head!.weights.map((w) => {
      const name = `head.${w.torchSuffix}`;
      return [name, name.endsWith('dfl.conv.weight') ? Float32Array.from({ length: 16 }, (_, i) => i) : formulaTensor(name, w.shape!)];
    }),
  );
  const bound = autoBindWeights(
    doc,
    [...weights].map(([name, v]) => ({ name, count: v.length })),
  );
  const lowered = lowerToProgram(bound, (name) => weights.get(name));
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const built = await onnxRuntimeBackend.build(lowered.value);
  if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join('\n'));
  sessions.push(built.value);
  const inputs = LEVELS.map((l) => ({ name: l.name, dtype: 'FLOAT' as const, dims: l.dims, data: formulaTensor(l.name, l.dims) }));
  const result = await built.value.run(inputs);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  const w = (suffix: string) => weights.get(`head.${suffix}`)!;
  return { output: result.value[0]!, w, inputs: inputs.map((i) => i.data) };
}

/** [C, H, W] feature map, row-major. */
interface Map3 {
  c: number;
  h: number;
  w: number;
  data: Float64Array;
}

function conv(x: Map3, weight: Float32Array, out: number, k: number, bias?: Float32Array): Map3 {
  const pad = Math.floor(k / 2);
  const y: Map3 = { c: out, h: x.h, w: x.w, data: new Float64Array(out * x.h * x.w) };
  for (let o = 0; o < out; o++)
    for (let i = 0; i < x.h; i++)
      for (let j = 0; j < x.w; j++) {
        let sum = bias ? bias[o]! : 0;
        for (let c = 0; c < x.c; c++)
          for (let a = 0; a < k; a++)
            for (let b = 0; b < k; b++) {
              const yi = i + a - pad;
              const xj = j + b - pad;
              if (yi < 0 || yi >= x.h || xj < 0 || xj >= x.w) continue;
              sum += weight[((o * x.c + c) * k + a) * k + b]! * x.data[(c * x.h + yi) * x.w + xj]!;
            }
        y.data[(o * x.h + i) * x.w + j] = sum;
      }
  return y;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Ultralytics' Conv: conv, BatchNorm (ε 1e-3), SiLU. */
function yoloConv(x: Map3, w: (s: string) => Float32Array, prefix: string, out: number): Map3 {
  const y = conv(x, w(`${prefix}.conv.weight`), out, 3);
  const [g, b, m, v] = ['weight', 'bias', 'running_mean', 'running_var'].map((s) => w(`${prefix}.bn.${s}`));
  const hw = y.h * y.w;
  for (let i = 0; i < y.data.length; i++) {
    const c = Math.floor(i / hw);
    const t = ((y.data[i]! - m![c]!) / Math.sqrt(v![c]! + 1e-3)) * g![c]! + b![c]!;
    y.data[i] = t * sigmoid(t);
  }
  return y;
}

const featureMaps = (inputs: Float32Array[]): Map3[] =>
  LEVELS.map((l, i) => ({ c: l.dims[1]!, h: l.dims[2]!, w: l.dims[3]!, data: Float64Array.from(inputs[i]!) }));

function expectClose(actual: Float32Array, expected: number[]) {
  expect(actual.length).toBe(expected.length);
  const largest = Math.max(...expected.map(Math.abs));
  const worst = Math.max(...expected.map((v, i) => Math.abs(v - actual[i]!)));
  expect(worst).toBeLessThanOrEqual(1e-5 * largest);
}

describe('decoded YOLO heads against a plain-loop reference', () => {
  test('YoloV8Detect: DFL expectation, dist2bbox to pixel cx, cy, w, h, sigmoid scores', { timeout: 120_000 }, async () => {
    const { output, w, inputs } = await runHead('YoloV8Detect');
    const anchors = LEVELS.reduce((s, l) => s + l.dims[2]! * l.dims[3]!, 0);
    expect(output.dims).toEqual([1, 4 + NC, anchors]);
    const c2 = Math.max(16, 16 / 4, 64);
    const c3 = Math.max(16, Math.min(NC, 100));
    const rows = Array.from({ length: 4 + NC }, () => [] as number[]);
    featureMaps(inputs).forEach((x, i) => {
      const s = LEVELS[i]!.stride;
      const box = conv(yoloConv(yoloConv(x, w, `cv2.${i}.0`, c2), w, `cv2.${i}.1`, c2), w(`cv2.${i}.2.weight`), 64, 1, w(`cv2.${i}.2.bias`));
      const cls = conv(yoloConv(yoloConv(x, w, `cv3.${i}.0`, c3), w, `cv3.${i}.1`, c3), w(`cv3.${i}.2.weight`), NC, 1, w(`cv3.${i}.2.bias`));
      const hw = x.h * x.w;
      for (let p = 0; p < hw; p++) {
        const dist = [0, 1, 2, 3].map((side) => {
          const logits = Array.from({ length: 16 }, (_, k) => box.data[(side * 16 + k) * hw + p]!);
          const top = Math.max(...logits);
          const e = logits.map((v) => Math.exp(v - top));
          const total = e.reduce((a, b) => a + b, 0);
          return e.reduce((sum, v, k) => sum + (v / total) * w('dfl.conv.weight')[k]!, 0);
        });
        const ax = (p % x.w) + 0.5;
        const ay = Math.floor(p / x.w) + 0.5;
        const [x1, y1, x2, y2] = [ax - dist[0]!, ay - dist[1]!, ax + dist[2]!, ay + dist[3]!];
        rows[0]!.push(((x1 + x2) / 2) * s);
        rows[1]!.push(((y1 + y2) / 2) * s);
        rows[2]!.push((x2 - x1) * s);
        rows[3]!.push((y2 - y1) * s);
        for (let c = 0; c < NC; c++) rows[4 + c]!.push(sigmoid(cls.data[c * hw + p]!));
      }
    });
    expectClose(output.data as Float32Array, rows.flat());
  });

  test('YoloV5Detect: (2σ + grid − 0.5)·stride, (2σ)²·anchor·stride, σ scores, rows by anchor, y, x', { timeout: 120_000 }, async () => {
    const { output, w, inputs } = await runHead('YoloV5Detect');
    const no = NC + 5;
    const expected: number[] = [];
    featureMaps(inputs).forEach((x, i) => {
      const s = LEVELS[i]!.stride;
      const y = conv(x, w(`m.${i}.weight`), 3 * no, 1, w(`m.${i}.bias`));
      for (let a = 0; a < 3; a++)
        for (let gy = 0; gy < x.h; gy++)
          for (let gx = 0; gx < x.w; gx++)
            for (let o = 0; o < no; o++) {
              const v = sigmoid(y.data[((a * no + o) * x.h + gy) * x.w + gx]!);
              if (o < 2) expected.push((v * 2 + (o === 0 ? gx : gy) - 0.5) * s);
              else if (o < 4) expected.push((v * 2) ** 2 * w('anchors')[(i * 3 + a) * 2 + (o - 2)]! * s);
              else expected.push(v);
            }
    });
    expect(output.dims).toEqual([1, 3 * (16 + 4 + 1), no]);
    expectClose(output.data as Float32Array, expected);
  });
});
