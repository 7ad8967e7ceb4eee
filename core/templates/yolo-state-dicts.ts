/**
 * yolov8s's and yolov5s's state_dict names and shapes, written out from ultralytics' module
 * constructors (ultralytics/nn/modules: Conv, Bottleneck, C2f, C3, SPPF, Detect; yolov5 v6/v7
 * models/common.py and models/yolo.py) with the channel widths of yolov8s.yaml (width 0.5, depth
 * 0.33, max channels 1024) and yolov5s.yaml (width 0.5, depth 0.33). Independent of the templates:
 * each entry follows the order in which the constructors register their modules.
 */
import type { StateDictEntry } from '../weights/formula.js';

type Entry = [string, number[]];

const conv = (p: string, c1: number, c2: number, k: number): Entry[] => [
  [`${p}.conv.weight`, [c2, c1, k, k]],
  [`${p}.bn.weight`, [c2]],
  [`${p}.bn.bias`, [c2]],
  [`${p}.bn.running_mean`, [c2]],
  [`${p}.bn.running_var`, [c2]],
  [`${p}.bn.num_batches_tracked`, []],
];

/** Bottleneck(c1, c2, shortcut, g, k, e): cv1 c1→c_ (k[0]), cv2 c_→c2 (k[1]). */
const bottleneck = (p: string, c: number, k1: number, k2: number): Entry[] => [...conv(`${p}.cv1`, c, c, k1), ...conv(`${p}.cv2`, c, c, k2)];

/** C2f(c1, c2, n): cv1 c1→2c, cv2 (2+n)c→c2, m = n Bottleneck(c, c, k=(3,3), e=1.0), c = c2/2. */
function c2f(p: string, c1: number, c2: number, n: number): Entry[] {
  const c = c2 / 2;
  const m = Array.from({ length: n }, (_, i) => bottleneck(`${p}.m.${i}`, c, 3, 3)).flat();
  return [...conv(`${p}.cv1`, c1, 2 * c, 1), ...conv(`${p}.cv2`, (2 + n) * c, c2, 1), ...m];
}

/** C3(c1, c2, n): cv1, cv2 c1→c_, cv3 2c_→c2, m = n Bottleneck(c_, c_, k=(1,3), e=1.0), c_ = c2/2. */
function c3(p: string, c1: number, c2: number, n: number): Entry[] {
  const c = c2 / 2;
  const m = Array.from({ length: n }, (_, i) => bottleneck(`${p}.m.${i}`, c, 1, 3)).flat();
  return [...conv(`${p}.cv1`, c1, c, 1), ...conv(`${p}.cv2`, c1, c, 1), ...conv(`${p}.cv3`, 2 * c, c2, 1), ...m];
}

/** SPPF(c1, c2): cv1 c1→c1/2, cv2 4·c1/2→c2 (the max pool has no weights). */
const sppf = (p: string, c1: number, c2: number): Entry[] => [...conv(`${p}.cv1`, c1, c1 / 2, 1), ...conv(`${p}.cv2`, 2 * c1, c2, 1)];

/** Detect(nc, ch) of YOLOv8: c2 = max(16, ch[0]/4, 64), c3 = max(ch[0], min(nc, 100)). */
function detectV8(p: string, nc: number, ch: number[]): Entry[] {
  const c2 = Math.max(16, ch[0]! / 4, 64);
  const c3 = Math.max(ch[0]!, Math.min(nc, 100));
  const branch = (name: string, c: number, out: number): Entry[] =>
    ch.flatMap((x, i) => [
      ...conv(`${p}.${name}.${i}.0`, x, c, 3),
      ...conv(`${p}.${name}.${i}.1`, c, c, 3),
      [`${p}.${name}.${i}.2.weight`, [out, c, 1, 1]],
      [`${p}.${name}.${i}.2.bias`, [out]],
    ]);
  return [...branch('cv2', c2, 64), ...branch('cv3', c3, nc), [`${p}.dfl.conv.weight`, [1, 16, 1, 1]]];
}

/** Detect(nc, anchors, ch) of YOLOv5: the anchors buffer [nl, na, 2], then m.i = Conv2d(ch[i], na·(nc+5), 1). */
const detectV5 = (p: string, nc: number, ch: number[]): Entry[] => [
  [`${p}.anchors`, [3, 3, 2]],
  ...ch.flatMap((x, i): Entry[] => [
    [`${p}.m.${i}.weight`, [3 * (nc + 5), x, 1, 1]],
    [`${p}.m.${i}.bias`, [3 * (nc + 5)]],
  ]),
];

const withDtype = (entries: Entry[]): StateDictEntry[] => entries.map(([name, shape]) => [name, shape, shape.length === 0 ? 'int64' : 'float32']);

/**
 * YOLOv8 with the widths [c1 … c5] of its five stages (yolov8s: 32, 64, 128, 256, 512) and `nc` classes;
 * at depth 0.33 the C2f repeats are 1, 2, 2, 1 in the backbone and 1 in the head.
 */
export function yolov8StateDict([a, b, c, d, e]: [number, number, number, number, number], nc = 80): StateDictEntry[] {
  return withDtype([
    ...conv('model.0', 3, a, 3),
    ...conv('model.1', a, b, 3),
    ...c2f('model.2', b, b, 1),
    ...conv('model.3', b, c, 3),
    ...c2f('model.4', c, c, 2),
    ...conv('model.5', c, d, 3),
    ...c2f('model.6', d, d, 2),
    ...conv('model.7', d, e, 3),
    ...c2f('model.8', e, e, 1),
    ...sppf('model.9', e, e),
    ...c2f('model.12', e + d, d, 1),
    ...c2f('model.15', d + c, c, 1),
    ...conv('model.16', c, c, 3),
    ...c2f('model.18', c + d, d, 1),
    ...conv('model.19', d, d, 3),
    ...c2f('model.21', d + e, e, 1),
    ...detectV8('model.22', nc, [c, d, e]),
  ]);
}

/** yolov8n (16 … 256) written out the same way: checked against PyTorch's list in fixtures/models.json. */
export const YOLOV8N_FROM_SOURCE = yolov8StateDict([16, 32, 64, 128, 256]);
const YOLOV8S = yolov8StateDict([32, 64, 128, 256, 512]);

/** yolov5s v6/v7: model.0 is a 6×6 stride-2 Conv; C3 repeats 1, 2, 3, 1 in the backbone and 1 in the head. */
const YOLOV5S = withDtype([
  ...conv('model.0', 3, 32, 6),
  ...conv('model.1', 32, 64, 3),
  ...c3('model.2', 64, 64, 1),
  ...conv('model.3', 64, 128, 3),
  ...c3('model.4', 128, 128, 2),
  ...conv('model.5', 128, 256, 3),
  ...c3('model.6', 256, 256, 3),
  ...conv('model.7', 256, 512, 3),
  ...c3('model.8', 512, 512, 1),
  ...sppf('model.9', 512, 512),
  ...conv('model.10', 512, 256, 1),
  ...c3('model.13', 256 + 256, 256, 1),
  ...conv('model.14', 256, 128, 1),
  ...c3('model.17', 128 + 128, 128, 1),
  ...conv('model.18', 128, 128, 3),
  ...c3('model.20', 128 + 128, 256, 1),
  ...conv('model.21', 256, 256, 3),
  ...c3('model.23', 256 + 256, 512, 1),
  ...detectV5('model.24', 80, [128, 256, 512]),
]);

export const YOLO_SOURCE_STATE_DICTS: Record<string, StateDictEntry[]> = { yolov8s: YOLOV8S, yolov5s: YOLOV5S };
