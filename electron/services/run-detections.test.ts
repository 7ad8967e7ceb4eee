/**
 * A detector run through the host's one entrance: a small yolov8 (3 classes, 64×64 input) with formula
 * weights, built on ONNX Runtime and run on a 32×32 image letterboxed into it. The candidates the run result
 * carries give the same detections as decoding the whole output (saved as .npy), at any threshold above
 * the floor, and a head that is not there is said in a warning.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildResult, RunResult } from '../../core/api/job-schemas.js';
import type { BindResult, WeightSet } from '../../core/api/weight-schemas.js';
import { CANDIDATE_FLOOR, selectDetections } from '../../core/run/detection-candidates.js';
import { decodeYolo } from '../../core/run/detection.js';
import { PREPROCESSING_PRESETS } from '../../core/run/preprocessing.js';
import { yolov8 } from '../../core/templates/yolo.js';
import { yolov8StateDict } from '../../core/templates/yolo-state-dicts.js';
import { formulaTensor } from '../../core/weights/formula.js';
import { encodeWtsBytes } from '../../core/weights/wts-encoder.js';
import { createHostServices, type HostServices } from './host-services.js';
import { hostCalls, succeeded } from './host-calls.testing.js';
import { memoryLog } from './log.js';
import { readNpy } from './npy.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const IMAGE = join(FIXTURES, 'digits', 'digit_00_label2.png');
const LETTERBOX = { ...PREPROCESSING_PRESETS.letterbox, width: 64, height: 64 };

let dir: string;
let host: HostServices;
let engineId: string;

const { value, job } = hostCalls(() => host);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-run-detections-'));
  host = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config'), log: memoryLog(), roots: [dir, FIXTURES] });
  const tensors = yolov8StateDict([16, 32, 64, 128, 256], 3).map(([name, shape, dtype]) => ({
    name,
    values: name.endsWith('.dfl.conv.weight') ? Float32Array.from({ length: 16 }, (_, i) => i) : formulaTensor(name, shape, dtype),
  }));
  await writeFile(join(dir, 'tiny.wts'), encodeWtsBytes(tensors));
  const set = succeeded<WeightSet>(await job('weights.import', { path: join(dir, 'tiny.wts') }));
  const template = yolov8({ scale: 'n', nc: 3, inputSize: 64, name: 'tiny' });
  const bound = await value<BindResult>('weights.bind', { setId: set.id, document: template });
  engineId = succeeded<BuildResult>(
    await job('build.start', { document: { ...template, bindings: bound.bindings }, weightSetId: set.id, options: { backend: 'onnxruntime' } }),
  ).engineId;
}, 120_000);
afterAll(async () => {
  await host.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('a run with a detector head', () => {
  it('carries each image’s candidates above the floor, and they select what decoding the whole output selects', async () => {
    const detector = { output: 'output0', format: 'v8', box: 'cxcywh' };
    const finished = await job('run.start', { engineIds: [engineId], images: [{ path: IMAGE, preprocessing: LETTERBOX }], detector, outputNpyDir: dir });
    expect(finished.diagnostics).toEqual([]);
    const image = succeeded<RunResult>(finished).images[0]!;
    const c = image.detections!;
    expect([c.output, c.image, c.input, c.floor, c.dropped]).toEqual([
      'output0',
      { width: 32, height: 32 },
      { width: 64, height: 64, resize: 'letterbox' },
      CANDIDATE_FLOOR,
      0,
    ]);
    expect(c.scores.length).toBeGreaterThan(0);
    expect(c.scores.every((s, i) => s > CANDIDATE_FLOOR && (i === 0 || s <= c.scores[i - 1]!))).toBe(true);
    const whole = readNpy(await readFile(image.outputs[0]!.npyPath!), 'output0.npy');
    if (!whole.ok) throw new Error('the saved output does not read');
    expect(whole.value.shape).toEqual([1, 7, 84]);
    const counts: number[] = [];
    for (const [conf, iou] of [
      [CANDIDATE_FLOOR, 0.7],
      [0.25, 0.45],
      [0.5, 0.2],
    ] as const) {
      const direct = decodeYolo(whole.value.data as Float32Array, whole.value.shape, { format: 'v8', conf, iou });
      expect(selectDetections(c, { conf, iou })).toEqual(direct);
      counts.push(direct.length);
    }
    // Higher thresholds keep fewer boxes: the comparison is not between empty lists.
    expect([c.scores.length, ...counts]).toEqual([84, 18, 7, 4]);
  });

  it('says in a warning when the chosen output is not there, and runs without detections', async () => {
    const images = [{ path: IMAGE, preprocessing: LETTERBOX }];
    const missing = await job('run.start', { engineIds: [engineId], images, detector: { output: 'boxes', format: 'v8', box: 'xyxy' } });
    expect(succeeded<RunResult>(missing).images[0]!.detections).toBeUndefined();
    expect(missing.diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      ['warning', 'run.detector', "The network has no output 'boxes' to read detections from; its outputs are 'output0'."],
    ]);
  });
});
