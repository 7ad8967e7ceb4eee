/**
 * Detections from the raw output of ultralytics' YOLO heads, as ultralytics' non_max_suppression reads them
 * (one label per box, the best class; class-aware NMS):
 * - v8 `[1, 4 + C, A]`: per anchor cx, cy, w, h in input pixels, then C class scores (already sigmoid);
 *   a box's score is its best class score.
 * - v5 `[1, A, 5 + C]`: per anchor cx, cy, w, h, objectness, then C class probabilities; a box's score is
 *   objectness × its best class probability.
 * Boxes scoring above `conf` go through batched NMS (IoU > `iou` suppressed), at most `maxDetections` kept.
 */
import { batchedNms } from './nms.js';

export type YoloFormat = 'v8' | 'v5';

export interface Detection {
  /** The class index (0-based). */
  class: number;
  score: number;
  /** Corners [x1, y1, x2, y2], in the pixels of the network input. */
  box: [number, number, number, number];
}

export interface DetectionOptions {
  format: YoloFormat;
  /** Keep boxes whose score is greater than this (ultralytics' conf, 0.25 by default there). */
  conf: number;
  /** NMS IoU threshold (ultralytics' iou, 0.7 for v8 and 0.45 for v5 by default there). */
  iou: number;
  /** At most this many detections per image (ultralytics' max_det, 300). */
  maxDetections?: number;
}

/** The anchor and class counts the output dims imply for a format, or a message saying what was expected. */
export function yoloLayout(format: YoloFormat, dims: readonly number[]): { anchors: number; classes: number } | string {
  const expected = format === 'v8' ? '[1, 4 + classes, anchors] (v8: e.g. [1, 84, 8400])' : '[1, anchors, 5 + classes] (v5: e.g. [1, 25200, 85])';
  if (dims.length !== 3 || dims[0] !== 1) return `a YOLO ${format} output must be ${expected}; got [${dims.join(', ')}]`;
  if (format === 'v8') return dims[1]! > 4 ? { anchors: dims[2]!, classes: dims[1]! - 4 } : `a YOLO v8 output must be ${expected}; got [${dims.join(', ')}]`;
  return dims[2]! > 5 ? { anchors: dims[1]!, classes: dims[2]! - 5 } : `a YOLO v5 output must be ${expected}; got [${dims.join(', ')}]`;
}

/** Decode one image's YOLO output into detections, highest score first. Throws on dims that do not fit the format. */
export function decodeYolo(data: ArrayLike<number>, dims: readonly number[], options: DetectionOptions): Detection[] {
  const layout = yoloLayout(options.format, dims);
  if (typeof layout === 'string') throw new Error(layout);
  const { anchors, classes } = layout;
  if (data.length !== dims.reduce((a, b) => a * b, 1))
    throw new Error(`the output holds ${data.length} values; dims [${dims.join(', ')}] need ${dims.reduce((a, b) => a * b, 1)}`);
  const v8 = options.format === 'v8';
  // v8 is channel-major (value k of anchor a at k·A + a); v5 is anchor-major (at a·(5 + C) + k).
  const at = v8 ? (a: number, k: number) => data[k * anchors + a]! : (a: number, k: number) => data[a * (classes + 5) + k]!;
  const firstClass = v8 ? 4 : 5;
  const candidates: Detection[] = [];
  for (let a = 0; a < anchors; a++) {
    const objectness = v8 ? 1 : at(a, 4);
    if (!v8 && !(objectness > options.conf)) continue; // v5 drops low objectness first, as ultralytics does.
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      const s = at(a, firstClass + c) * objectness;
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    if (!(bestScore > options.conf)) continue;
    const [cx, cy, w, h] = [at(a, 0), at(a, 1), at(a, 2), at(a, 3)];
    candidates.push({ class: best, score: bestScore, box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2] });
  }
  const keep = batchedNms(
    candidates.map((d) => d.box),
    candidates.map((d) => d.score),
    candidates.map((d) => d.class),
    options.iou,
  );
  return keep.slice(0, options.maxDetections ?? 300).map((i) => candidates[i]!);
}
