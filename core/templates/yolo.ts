/**
 * Ultralytics' YOLOv8 (yolov8.yaml) and YOLOv5 v6/v7 (yolov5s.yaml) detectors, built from the YOLO
 * blocks with ultralytics' module names `model.<i>`, so a `.wts` that tensorrtx's gen_wts.py wrote
 * from the real checkpoint binds without renaming. Input `data` [1, 3, 640, 640]; output `output0`
 * is ultralytics' decoded head: [1, 84, 8400] for v8, [1, 25200, 85] for v5. Each builder also takes
 * custom settings (multiples, class count, input size) for a model trained with other ones.
 */
import type { NetworkDocument, PortRef } from '../network/types.js';
import { templateBuilder, type TemplateBuilder } from './builder.js';

/** depth_multiple, width_multiple and max_channels of each scale, as in ultralytics' yaml files. */
export const YOLOV8_SCALES = {
  n: { depth: 0.33, width: 0.25, maxChannels: 1024 },
  s: { depth: 0.33, width: 0.5, maxChannels: 1024 },
  m: { depth: 0.67, width: 0.75, maxChannels: 768 },
  l: { depth: 1.0, width: 1.0, maxChannels: 512 },
  x: { depth: 1.0, width: 1.25, maxChannels: 512 },
} as const;

export const YOLOV5_SCALES = {
  n: { depth: 0.33, width: 0.25 },
  s: { depth: 0.33, width: 0.5 },
  m: { depth: 0.67, width: 0.75 },
  l: { depth: 1.0, width: 1.0 },
  x: { depth: 1.33, width: 1.25 },
} as const;

/** Ultralytics' parse_model: channels are make_divisible(min(c, max) · width, 8), repeats max(round(n · depth), 1). */
const widthOf = (c: number, width: number, maxChannels = Infinity) => Math.ceil((Math.min(c, maxChannels) * width) / 8) * 8;
const depthOf = (n: number, depth: number) => (n > 1 ? Math.max(Math.round(n * depth), 1) : n);

/** A scale letter, or custom settings: the multiples (or a scale letter), the class count and the square input size. */
export type YoloSettings<Scale extends string, Multiples> =
  | Scale
  | {
      /** The multiples of a scale letter, or given as numbers (yaml's depth_multiple, width_multiple, max_channels). */
      scale: Scale | Multiples;
      /** Number of classes (default 80, COCO's). */
      nc?: number;
      /** The input's height and width, a multiple of 32 (default 640). */
      inputSize?: number;
      /** The network's name (default `yolov8<letter>`, or `yolov8` for custom multiples). */
      name?: string;
    };

type YoloV8Multiples = { depth: number; width: number; maxChannels: number };
type YoloV5Multiples = { depth: number; width: number };
export type YoloV8Settings = YoloSettings<keyof typeof YOLOV8_SCALES, YoloV8Multiples>;
export type YoloV5Settings = YoloSettings<keyof typeof YOLOV5_SCALES, YoloV5Multiples>;

/** The settings resolved, checked as a template's parameters: a bad value throws a message naming it. */
function resolveSettings<Scale extends string, Multiples extends { depth: number; width: number }>(
  family: 'yolov8' | 'yolov5',
  scales: Record<Scale, Multiples>,
  settings: YoloSettings<Scale, Multiples>,
): { multiples: Multiples; nc: number; image: number[]; name: string } {
  const given = typeof settings === 'string' ? { scale: settings } : settings;
  const letter = typeof given.scale === 'string' ? given.scale : undefined;
  const multiples = letter !== undefined ? scales[letter] : (given.scale as Multiples);
  if (!multiples) throw new Error(`${family} has no scale '${String(letter)}'; the scales are ${Object.keys(scales).join(', ')}.`);
  for (const [key, value] of Object.entries(multiples))
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value)))
      throw new Error(`${family}'s ${key} must be a positive number; got ${String(value)}.`);
  const nc = given.nc ?? 80;
  if (!Number.isInteger(nc) || nc < 1) throw new Error(`${family}'s class count nc must be a positive integer; got ${nc}.`);
  const size = given.inputSize ?? 640;
  if (!Number.isInteger(size) || size < 32 || size % 32 !== 0)
    throw new Error(`${family}'s input size must be a multiple of 32 (the P5 stride), at least 32; got ${size}.`);
  return { multiples, nc, image: [1, 3, size, size], name: given.name ?? `${family}${letter ?? ''}` };
}

function yoloBuilder(name: string) {
  const b = templateBuilder(name);
  const conv = (i: number, from: PortRef, c: number, k: number, s: number, p?: number) =>
    b.chain('YoloConv', `model.${i}`, { outChannels: c, kernelSize: k, stride: s, ...(p === undefined ? {} : { padding: p }) }, from);
  const upsample = (i: number, from: PortRef) =>
    b.chain('addResize', `model.${i}`, { resizeMode: 'NEAREST', scales: [1, 1, 2, 2], coordinateTransformation: 'ASYMMETRIC', nearestRounding: 'FLOOR' }, from);
  const concat = (i: number, parts: PortRef[]) =>
    b.layer('addConcatenation', `model.${i}`, { axis: 1 }, Object.fromEntries(parts.map((p, j) => [`inputs.${j}`, p])));
  return { b, conv, upsample, concat };
}

function finishDetector(b: TemplateBuilder, head: PortRef): NetworkDocument {
  b.output('output0', head);
  return b.finish();
}

/** YOLOv8 at one scale (n, s, m, l, x) with 80 classes at 640×640, or with custom settings. */
export function yolov8(settings: YoloV8Settings): NetworkDocument {
  const { multiples, nc, image, name } = resolveSettings<keyof typeof YOLOV8_SCALES, YoloV8Multiples>('yolov8', YOLOV8_SCALES, settings);
  const { depth, width, maxChannels } = multiples;
  const ch = (c: number) => widthOf(c, width, maxChannels);
  const n = (k: number) => depthOf(k, depth);
  const { b, conv, upsample, concat } = yoloBuilder(name);
  const c2f = (i: number, from: PortRef, c: number, k: number, shortcut: boolean) => b.chain('C2f', `model.${i}`, { c2: ch(c), n: n(k), shortcut }, from);
  // Backbone
  let x = conv(0, b.input('data', image), ch(64), 3, 2);
  x = conv(1, x, ch(128), 3, 2);
  x = c2f(2, x, 128, 3, true);
  x = conv(3, x, ch(256), 3, 2);
  const p3 = c2f(4, x, 256, 6, true);
  x = conv(5, p3, ch(512), 3, 2);
  const p4 = c2f(6, x, 512, 6, true);
  x = conv(7, p4, ch(1024), 3, 2);
  x = c2f(8, x, 1024, 3, true);
  const p5 = b.chain('SPPF', 'model.9', { c1: ch(1024), c2: ch(1024), k: 5 }, x);
  // Head (FPN + PAN)
  const h12 = c2f(12, concat(11, [upsample(10, p5), p4]), 512, 3, false);
  const out15 = c2f(15, concat(14, [upsample(13, h12), p3]), 256, 3, false);
  const out18 = c2f(18, concat(17, [conv(16, out15, ch(256), 3, 2), h12]), 512, 3, false);
  const out21 = c2f(21, concat(20, [conv(19, out18, ch(512), 3, 2), p5]), 1024, 3, false);
  return finishDetector(b, b.layer('YoloV8Detect', 'model.22', { nc }, { p3: out15, p4: out18, p5: out21 }));
}

/** YOLOv5 v6/v7 at one scale (n, s, m, l, x) with 80 classes at 640×640, or with custom settings. */
export function yolov5(settings: YoloV5Settings): NetworkDocument {
  const { multiples, nc, image, name } = resolveSettings<keyof typeof YOLOV5_SCALES, YoloV5Multiples>('yolov5', YOLOV5_SCALES, settings);
  const { depth, width } = multiples;
  const ch = (c: number) => widthOf(c, width);
  const n = (k: number) => depthOf(k, depth);
  const { b, conv, upsample, concat } = yoloBuilder(name);
  const c3 = (i: number, from: PortRef, c: number, k: number, shortcut: boolean) => b.chain('C3', `model.${i}`, { c2: ch(c), n: n(k), shortcut }, from);
  // Backbone
  let x = conv(0, b.input('data', image), ch(64), 6, 2, 2);
  x = conv(1, x, ch(128), 3, 2);
  x = c3(2, x, 128, 3, true);
  x = conv(3, x, ch(256), 3, 2);
  const p3 = c3(4, x, 256, 6, true);
  x = conv(5, p3, ch(512), 3, 2);
  const p4 = c3(6, x, 512, 9, true);
  x = conv(7, p4, ch(1024), 3, 2);
  x = c3(8, x, 1024, 3, true);
  x = b.chain('SPPF', 'model.9', { c1: ch(1024), c2: ch(1024), k: 5 }, x);
  // Head (FPN + PAN)
  const h10 = conv(10, x, ch(512), 1, 1);
  x = c3(13, concat(12, [upsample(11, h10), p4]), 512, 3, false);
  const h14 = conv(14, x, ch(256), 1, 1);
  const out17 = c3(17, concat(16, [upsample(15, h14), p3]), 256, 3, false);
  const out20 = c3(20, concat(19, [conv(18, out17, ch(256), 3, 2), h14]), 512, 3, false);
  const out23 = c3(23, concat(22, [conv(21, out20, ch(512), 3, 2), h10]), 1024, 3, false);
  return finishDetector(b, b.layer('YoloV5Detect', 'model.24', { nc }, { p3: out17, p4: out20, p5: out23 }));
}
