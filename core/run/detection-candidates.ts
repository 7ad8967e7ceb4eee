/**
 * Detections that can be re-thresholded without running the network again. The host decodes a
 * detector's raw output once per image into candidates, the boxes whose score is above a low floor
 * (a YOLOv8n output holds 705,600 values; its candidates are a few hundred numbers), and the run
 * panel picks the detections from them for any score threshold above the floor and any IoU
 * threshold: score > conf, then class-aware NMS. The CLI reads its detections through the same two
 * steps with the floor at its --conf (detector.ts readDetections), so the two cannot pick differently.
 */
import type { DetectorHead } from '../api/job-schemas.js';
import type { Detection } from './detection.js';
import { yoloLayout } from './detection.js';
import type { Box } from './letterbox.js';
import { batchedNms } from './nms.js';

/** How a head writes a box: centre and size (ultralytics' decoded heads) or corners. */
export type BoxFormat = DetectorHead['box'];

/**
 * How an output holds boxes: `v8` [1, 4 + C, anchors], box then class scores; `v5` [1, anchors, 5 + C], box,
 * objectness, class probabilities; `rows` [1, N, 6] of box, score, class, NMS done in the network (the YOLO
 * postprocess), zero rows after the last.
 */
export type DetectorFormat = DetectorHead['format'];

/** Columns of a `rows` output: x1, y1, x2, y2, score, class. */
export const DETECTION_ROW = 6;

/** One image's candidates; box i is boxes[4i … 4i + 3], corners in network-input pixels. */
export interface DetectionCandidates {
  /** Every box scoring above this is here (up to `limit`). */
  floor: number;
  classes: number[];
  scores: number[];
  boxes: number[];
  /** How many more boxes scored above the floor than were kept (the lowest-scoring ones go). */
  dropped: number;
}

/** The score floor of the candidates the host keeps: thresholds below it cannot be shown. */
export const CANDIDATE_FLOOR = 0.05;
/** At most this many candidates per image, the highest scores. */
export const MAX_CANDIDATES = 4000;

/**
 * The boxes of one image's raw YOLO output whose score is above `floor`, highest first, at most `limit`:
 * each anchor's best class (v5: objectness × class probability). Throws when the dims do not fit the format.
 */
export function yoloCandidates(
  data: ArrayLike<number>,
  dims: readonly number[],
  head: DetectorHead,
  floor = CANDIDATE_FLOOR,
  limit = MAX_CANDIDATES,
): DetectionCandidates {
  if (head.format === 'rows') return rowCandidates(data, dims, head.box, floor, limit);
  const layout = yoloLayout(head.format, dims);
  if (typeof layout === 'string') throw new Error(layout);
  const { anchors, classes } = layout;
  const volume = dims.reduce((a, b) => a * b, 1);
  if (data.length !== volume) throw new Error(`the output holds ${data.length} values; dims [${dims.join(', ')}] need ${volume}`);
  const v8 = head.format === 'v8';
  const at = v8 ? (a: number, k: number) => data[k * anchors + a]! : (a: number, k: number) => data[a * (classes + 5) + k]!;
  const firstClass = v8 ? 4 : 5;
  const found: { anchor: number; cls: number; score: number }[] = [];
  for (let a = 0; a < anchors; a++) {
    const objectness = v8 ? 1 : at(a, 4);
    if (!v8 && !(objectness > floor)) continue;
    let cls = 0;
    let score = -Infinity;
    for (let c = 0; c < classes; c++) {
      const s = at(a, firstClass + c) * objectness;
      if (s > score) [cls, score] = [c, s];
    }
    if (score > floor) found.push({ anchor: a, cls, score });
  }
  // Highest first; equal scores in anchor order, so the NMS that follows sees decodeYolo's order.
  found.sort((x, y) => y.score - x.score || x.anchor - y.anchor);
  const kept = found.slice(0, limit);
  const boxes: number[] = [];
  for (const { anchor } of kept) {
    const [p, q, r, s] = [at(anchor, 0), at(anchor, 1), at(anchor, 2), at(anchor, 3)];
    if (head.box === 'xyxy') boxes.push(p, q, r, s);
    else boxes.push(p - r / 2, q - s / 2, p + r / 2, q + s / 2);
  }
  return { floor, classes: kept.map((k) => k.cls), scores: kept.map((k) => k.score), boxes, dropped: found.length - kept.length };
}

/** The rows of a detections output scoring above `floor`: they are the network's detections, NMS already done. */
function rowCandidates(data: ArrayLike<number>, dims: readonly number[], box: BoxFormat, floor: number, limit: number): DetectionCandidates {
  if (dims.length !== 3 || dims[0] !== 1 || dims[2] !== DETECTION_ROW)
    throw new Error(`a detections output must be [1, maxDetections, ${DETECTION_ROW}] (x1, y1, x2, y2, score, class); got [${dims.join(', ')}]`);
  const rows: number[] = [];
  for (let r = 0; r < dims[1]!; r++) if (data[r * DETECTION_ROW + 4]! > floor) rows.push(r);
  // Highest first; the engine lists them so already, ONNX Runtime class by class.
  rows.sort((a, b) => data[b * DETECTION_ROW + 4]! - data[a * DETECTION_ROW + 4]! || a - b);
  const kept = rows.slice(0, limit);
  const boxes: number[] = [];
  for (const r of kept) {
    const [p, q, s, t] = [0, 1, 2, 3].map((k) => data[r * DETECTION_ROW + k]!) as [number, number, number, number];
    if (box === 'xyxy') boxes.push(p, q, s, t);
    else boxes.push(p - s / 2, q - t / 2, p + s / 2, q + t / 2);
  }
  return {
    floor,
    classes: kept.map((r) => Math.round(data[r * DETECTION_ROW + 5]!)),
    scores: kept.map((r) => data[r * DETECTION_ROW + 4]!),
    boxes,
    dropped: rows.length - kept.length,
  };
}

export interface Thresholds {
  /** Keep boxes scoring above this. */
  conf: number;
  /** NMS: a box overlapping a kept box of its class by more than this IoU is dropped. */
  iou: number;
  /** At most this many detections (ultralytics' max_det, 300). */
  maxDetections?: number;
}

/** The detections among the candidates for these thresholds, highest score first; boxes in network-input pixels. */
export function selectDetections(c: DetectionCandidates, t: Thresholds): Detection[] {
  const picked: number[] = [];
  for (let i = 0; i < c.scores.length; i++) if (c.scores[i]! > t.conf) picked.push(i);
  const box = (i: number): Box => [c.boxes[4 * i]!, c.boxes[4 * i + 1]!, c.boxes[4 * i + 2]!, c.boxes[4 * i + 3]!];
  const boxes = picked.map(box);
  const keep = batchedNms(
    boxes,
    picked.map((i) => c.scores[i]!),
    picked.map((i) => c.classes[i]!),
    t.iou,
  );
  return keep.slice(0, t.maxDetections ?? 300).map((k) => ({ class: c.classes[picked[k]!]!, score: c.scores[picked[k]!]!, box: boxes[k]! }));
}
