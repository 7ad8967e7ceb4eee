/**
 * The YOLO templates run end to end on ONNX Runtime with the fixtures' formula weights
 * (`model.22.dfl.conv.weight` fixed at 0…15 as in ultralytics): template → auto-binding by name →
 * lowering → ONNX → ONNX Runtime, the decoded head included.
 *
 * Parity with PyTorch needs fixtures/yolo-parity.json and fixtures/yolo/<model>.output0.f32, which
 * bench/yolo_reference.py writes on a machine with PyTorch (`python3 bench/yolo_reference.py fixtures`).
 * Until a model is in that file its parity test is listed as a todo, so the report shows it pending.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { YOLO_SOURCE_STATE_DICTS } from '../../../core/templates/yolo-state-dicts.js';
import { formulaTensor, type StateDictEntry } from '../../../core/weights/formula.js';
import { runTemplate } from './template-run.testing.js';

const FIXTURES = new URL('../../../fixtures/', import.meta.url);
const REFERENCE_FILE = new URL('yolo-parity.json', FIXTURES);
const MODELS = JSON.parse(readFileSync(new URL('models.json', FIXTURES), 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>;

/** What bench/yolo_reference.py writes for each model; output0 itself is in fixtures/yolo/<model>.output0.f32 (float32, little-endian). */
interface YoloReference {
  input_shape: number[];
  output_dims: number[];
  /** Present when the .f32 keeps only every n-th value of output0 (files stay under 4 MB). */
  sample_stride?: number;
  state_dict: StateDictEntry[];
}
const REFERENCES: Record<string, YoloReference> = existsSync(REFERENCE_FILE)
  ? (JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as { models: Record<string, YoloReference> }).models
  : {};

const INPUT_SHAPE = [1, 3, 640, 640];
const OUTPUT_DIMS: Record<string, number[]> = { yolov8n: [1, 84, 8400], yolov8s: [1, 84, 8400], yolov5s: [1, 25200, 85] };

function stateDict(name: string): StateDictEntry[] {
  const entries = MODELS[name]?.state_dict ?? YOLO_SOURCE_STATE_DICTS[name];
  if (!entries) throw new Error(`No state_dict is listed for '${name}'.`);
  return entries;
}

/** The formula weights, with the DFL kernel fixed at 0…15 as ultralytics fixes it. */
function formulaValues(name: string, shape: number[], dtype: string): Float32Array {
  return name.endsWith('.dfl.conv.weight') ? Float32Array.from({ length: 16 }, (_, i) => i) : formulaTensor(name, shape, dtype);
}

async function formulaOutput(template: string): Promise<{ dims: number[]; data: Float32Array }> {
  const tensors = new Map(stateDict(template).map(([name, shape, dtype]) => [name, formulaValues(name, shape, dtype)]));
  return runTemplate(template, tensors, INPUT_SHAPE, 'output0');
}

const outputs = new Map<string, Promise<{ dims: number[]; data: Float32Array }>>();
function outputOf(template: string) {
  if (!outputs.has(template)) outputs.set(template, formulaOutput(template));
  return outputs.get(template)!;
}

describe('yolov8n on ONNX Runtime with formula weights', () => {
  test('output0 is [1, 84, 8400]: finite boxes inside a plausible pixel range, class scores in [0, 1]', { timeout: 300_000 }, async () => {
    const { dims, data } = await outputOf('yolov8n');
    expect(dims).toEqual([1, 84, 8400]);
    expect(data.every(Number.isFinite)).toBe(true);
    const row = (r: number) => data.subarray(r * 8400, (r + 1) * 8400);
    // DFL distances lie in 0…15 cells, so a centre is within 15 strides (of 32 px at most) of its anchor.
    for (const r of [0, 1]) for (const v of row(r)) expect(v > -15 * 32 && v < 640 + 15 * 32).toBe(true);
    // Widths and heights are two distances of 0…15 cells: 0…30 strides.
    for (const r of [2, 3]) for (const v of row(r)) expect(v >= 0 && v <= 30 * 32).toBe(true);
    const scores = data.subarray(4 * 8400);
    expect(scores.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Not a constant: a lost branch would flatten the map.
    expect(new Set(scores).size).toBeGreaterThan(1000);
    // The first anchor is the top-left cell of P3 (centre 4, 4 at stride 8): its box centre is near it.
    expect(Math.abs(row(0)[0]! - 4)).toBeLessThanOrEqual(15 * 8);
  });
});

describe('YOLO templates match PyTorch (fixtures/yolo-parity.json)', () => {
  for (const template of ['yolov8n', 'yolov8s', 'yolov5s']) {
    const reference = REFERENCES[template];
    if (!reference) {
      test.todo(`${template}: pending — no PyTorch reference in fixtures/yolo-parity.json (run bench/yolo_reference.py with PyTorch)`);
      continue;
    }
    test(`${template} reproduces PyTorch's output0 within 1e-4 of its largest value`, { timeout: 300_000 }, async () => {
      expect(reference.input_shape).toEqual(INPUT_SHAPE);
      expect(reference.output_dims).toEqual(OUTPUT_DIMS[template]);
      // The weights the formula gives here are the ones PyTorch had: same names, shapes and dtypes.
      expect(stateDict(template)).toEqual(reference.state_dict);
      const bytes = readFileSync(new URL(`yolo/${template}.output0.f32`, FIXTURES));
      const expected = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      const { dims, data } = await outputOf(template);
      expect(dims).toEqual(reference.output_dims);
      // A reference over 4 MB keeps every `sample_stride`-th value (yolov5s: 1 in 3, 2.9 MB), compared in place.
      const stride = reference.sample_stride ?? 1;
      expect(expected.length).toBe(Math.ceil(data.length / stride));
      let largest = 0;
      let worst = 0;
      for (let i = 0; i < expected.length; i++) {
        largest = Math.max(largest, Math.abs(expected[i]!));
        worst = Math.max(worst, Math.abs(expected[i]! - data[i * stride]!));
      }
      expect(worst).toBeLessThanOrEqual(1e-4 * largest);
    });
  }
});
