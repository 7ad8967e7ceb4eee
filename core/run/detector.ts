/**
 * Detector outputs, one rule for the run panel and the CLI: which network outputs hold detections,
 * how to read one image's detections from them, and how to map boxes from the network input back
 * to the test image's pixels through the preprocessing that made the input.
 */
import type { Preprocessing } from '../api/job-schemas.js';
import type { NetworkDocument } from '../network/types.js';
import { COCO_CLASSES } from './coco.js';
import { decodeYolo, type Detection, type YoloFormat } from './detection.js';
import { boxToOriginal, type Box } from './letterbox.js';

/** Columns of one row of the YOLO postprocess's `detections` output: x1, y1, x2, y2, score, class. */
export const DETECTION_ROW = 6;

/**
 * How an output holds detections: `v8` and `v5` are the raw decoded heads (host NMS follows);
 * `rows` is the YOLO postprocess's fixed-size [1, maxDetections, 6] output, NMS already done in the network.
 */
export type DetectorFormat = YoloFormat | 'rows';

export interface DetectorOutput {
  /** The network output's name (`output0`). */
  output: string;
  format: DetectorFormat;
  /** The class count the head was built for; unknown for a postprocess not fed straight by a head. */
  classes?: number;
}

const HEAD_FORMATS: Record<string, { format: DetectorFormat; port: string }> = {
  YoloV8Detect: { format: 'v8', port: 'output' },
  YoloV5Detect: { format: 'v5', port: 'output' },
  YoloPostprocess: { format: 'rows', port: 'detections' },
};

/** The outputs of a document that come straight from a YOLO head or a YOLO postprocess, in output order. */
export function detectorOutputs(doc: NetworkDocument): DetectorOutput[] {
  const found: DetectorOutput[] = [];
  for (const out of doc.outputs) {
    const node = doc.nodes.find((n) => n.id === out.from.node);
    const head = node && HEAD_FORMATS[node.type];
    if (!node || !head || head.port !== out.from.port) continue;
    // A postprocess's classes are those of the head that feeds it.
    const feeding = head.format === 'rows' ? doc.edges.find((e) => e.to.node === node.id && e.to.port === 'input') : undefined;
    const source = feeding ? doc.nodes.find((n) => n.id === feeding.from.node) : node;
    const nc = source?.params['nc'];
    found.push({ output: out.name, format: head.format, ...(typeof nc === 'number' ? { classes: nc } : {}) });
  }
  return found;
}

export interface DetectionThresholds {
  /** Keep detections whose score is greater than this (ultralytics' conf). */
  conf: number;
  /** NMS IoU threshold, for heads without NMS in the network. */
  iou: number;
  maxDetections?: number;
}

/**
 * One image's detections in network-input pixels, highest score first. `data` is that image's slice of
 * the output and `dims` its dims with batch 1. Rows of a `rows` output whose score is not above `conf`
 * (the zero padding among them) are left out.
 */
export function readDetections(data: ArrayLike<number>, dims: readonly number[], format: DetectorFormat, t: DetectionThresholds): Detection[] {
  if (format !== 'rows') return decodeYolo(data, dims, { format, conf: t.conf, iou: t.iou, ...(t.maxDetections ? { maxDetections: t.maxDetections } : {}) });
  if (dims.at(-1) !== DETECTION_ROW) throw new Error(`a detections output must be [1, maxDetections, ${DETECTION_ROW}]; got [${dims.join(', ')}]`);
  const found: Detection[] = [];
  for (let at = 0; at + DETECTION_ROW <= data.length; at += DETECTION_ROW) {
    const score = data[at + 4]!;
    if (score > t.conf) found.push({ class: data[at + 5]!, score, box: [data[at]!, data[at + 1]!, data[at + 2]!, data[at + 3]!] });
  }
  // TensorRT lists kept boxes by score, ONNX Runtime class by class; a stable sort gives both the same order.
  return found.sort((a, b) => b.score - a.score).slice(0, t.maxDetections ?? found.length);
}

/**
 * A box in network-input pixels mapped to the pixels of the width × height image the input was made from:
 * `letterbox` undoes the padding and scale (ultralytics' scale_boxes), `stretch` scales each axis, and
 * `center-crop` undoes the cover scale and the centred crop. Clipped to the image.
 */
export function boxToImage(box: readonly number[], p: Pick<Preprocessing, 'width' | 'height' | 'resize'>, width: number, height: number): Box {
  if (p.resize === 'letterbox') return boxToOriginal(box, width, height, p.width, p.height);
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  let [sx, sy, left, top] = [p.width / width, p.height / height, 0, 0];
  if (p.resize === 'center-crop') {
    sx = sy = Math.max(sx, sy);
    left = (width * sx - p.width) / 2;
    top = (height * sy - p.height) / 2;
  }
  return [clip((box[0]! + left) / sx, width), clip((box[1]! + top) / sy, height), clip((box[2]! + left) / sx, width), clip((box[3]! + top) / sy, height)];
}

/** A detection as the CLI prints it and the run panel lists it: class index and name, score, corners in image pixels. */
export interface NamedDetection {
  class: number;
  name: string;
  score: number;
  box: Box;
}

/** The class's name, or `class N` when the names list is shorter. */
export function className(names: readonly string[], index: number): string {
  return names[index] ?? `class ${index}`;
}

/** Detections of one image in its own pixels, with class names. */
export function detectionsInImage(
  detections: readonly Detection[],
  p: Pick<Preprocessing, 'width' | 'height' | 'resize'>,
  image: { width: number; height: number },
  names: readonly string[] = COCO_CLASSES,
): NamedDetection[] {
  return detections.map((d) => ({ class: d.class, name: className(names, d.class), score: d.score, box: boxToImage(d.box, p, image.width, image.height) }));
}
