/**
 * The YOLO templates' custom settings, and the shapes detector's project (fixtures/detector), whose
 * network is yolov8 with the settings bench/train_shapes_detector.py trains.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProject, serializeProject } from '../network/project-file.js';
import { inferShapes } from '../shapes/infer.js';
import { bindWeights } from '../weights/binding.js';
import { decodeSafetensors } from '../weights/safetensors-decoder.js';
import { memorySource } from '../weights/tensor-file.js';
import { buildTemplate } from './index.js';
import { yolov5, yolov8 } from './yolo.js';
import { yolov8StateDict } from './yolo-state-dicts.js';

const DETECTOR = new URL('../../fixtures/detector/', import.meta.url);
/** bench/train_shapes_detector.py's model: yolov8(width 0.125, depth 0.33, max channels 1024), 3 classes, 320×320. */
const SHAPES_SETTINGS = { scale: { width: 0.125, depth: 0.33, maxChannels: 1024 }, nc: 3, inputSize: 320, name: 'shapes' } as const;
/** Its widths: make_divisible(c · 0.125, 8) of 64, 128, 256, 512, 1024. */
const SHAPES_STATE_DICT = yolov8StateDict([8, 16, 32, 64, 128], 3);

const outputDims = (doc: ReturnType<typeof yolov8>) => {
  const shapes = inferShapes(doc);
  expect(shapes.diagnostics).toEqual([]);
  const out = doc.outputs[0]!;
  return shapes.nodes[out.from.node]?.outputs[out.from.port]?.dims;
};

describe('YOLO templates with custom settings', () => {
  it('builds the registered templates unchanged from their scale letters', () => {
    expect(yolov8('n')).toEqual(buildTemplate('yolov8n'));
    expect(yolov8({ scale: 'n' })).toEqual(buildTemplate('yolov8n'));
    expect(yolov5({ scale: 's', nc: 80, inputSize: 640 })).toEqual(buildTemplate('yolov5s'));
  });

  it('takes the class count and the input size: output0 has 4 + nc rows over the anchors of the three strides', () => {
    const doc = yolov8({ scale: 'n', nc: 3, inputSize: 320 });
    expect(doc.inputs[0]!.dims).toEqual([1, 3, 320, 320]);
    // 40² + 20² + 10² anchors.
    expect(outputDims(doc)).toEqual([1, 7, 2100]);
    expect(outputDims(yolov5({ scale: 's', nc: 2, inputSize: 256 }))).toEqual([1, 3 * (32 * 32 + 16 * 16 + 8 * 8), 7]);
  });

  it('refuses settings no model has, naming the setting', () => {
    expect(() => yolov8({ scale: 'n', inputSize: 300 })).toThrow("yolov8's input size must be a multiple of 32 (the P5 stride), at least 32; got 300.");
    expect(() => yolov8({ scale: 'n', nc: 0 })).toThrow("yolov8's class count nc must be a positive integer; got 0.");
    expect(() => yolov5({ scale: { depth: 0.33, width: -1 } })).toThrow("yolov5's width must be a positive number; got -1.");
    expect(() => yolov8({ scale: 'q' as 'n' })).toThrow("yolov8 has no scale 'q'; the scales are n, s, m, l, x.");
  });
});

describe('the shapes detector project (fixtures/detector/shapes.trtstudio)', () => {
  const text = readFileSync(new URL('shapes.trtstudio', DETECTOR), 'utf8');

  it('is the yolov8 template with the training script’s settings, naming shapes.safetensors', () => {
    expect(text).toBe(serializeProject(yolov8(SHAPES_SETTINGS), 'shapes.safetensors'));
    const loaded = parseProject(text, 'shapes.trtstudio');
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(outputDims(loaded.value)).toEqual([1, 7, 2100]);
  });

  it("binds every tensor of the training script's state_dict with its PyTorch shape", () => {
    const loaded = parseProject(text, 'shapes.trtstudio');
    if (!loaded.ok) throw new Error('the project does not load');
    const tensors = SHAPES_STATE_DICT.map(([name, shape]) => ({ name, count: shape.reduce((a, b) => a * b, 1) }));
    const { report } = bindWeights(loaded.value, tensors);
    const withShapes = SHAPES_STATE_DICT.filter(([t]) => !t.endsWith('num_batches_tracked'));
    expect(report.shapes).toEqual(Object.fromEntries(withShapes.map(([t, shape]) => [t, shape])));
    expect(report.slots.every((s) => s.status === 'bound' || s.status === 'unbound-optional')).toBe(true);
    // The class branch cv3 is max(32, min(3, 100)) = 32 wide; its last conv gives the 3 classes.
    expect(report.shapes['model.22.cv3.0.2.weight']).toEqual([3, 32, 1, 1]);
  });

  it.skipIf(!existsSync(new URL('shapes.safetensors', DETECTOR)))(
    'binds the trained shapes.safetensors: the same names and shapes as that state_dict',
    async () => {
      const bytes = new Uint8Array(readFileSync(new URL('shapes.safetensors', DETECTOR)));
      const written = await decodeSafetensors(memorySource(bytes), { fileName: 'shapes.safetensors' });
      expect(written.map((t) => [t.name, t.shape])).toEqual(SHAPES_STATE_DICT.map(([name, shape]) => [name, shape]));
    },
  );

  it.skipIf(!existsSync(new URL('shapes.json', DETECTOR)))('was trained with these settings (shapes.json)', () => {
    const facts = JSON.parse(readFileSync(new URL('shapes.json', DETECTOR), 'utf8')) as { classes: string[]; model: Record<string, unknown> };
    expect(facts.model).toEqual({ width: 0.125, depth: 0.33, maxChannels: 1024, nc: 3, input: [1, 3, 320, 320] });
    expect(readFileSync(new URL('shapes.names', DETECTOR), 'utf8').split('\n').filter(Boolean)).toEqual(facts.classes);
  });
});
