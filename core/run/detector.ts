/**
 * Detector outputs, one rule for the run panel and the CLI: which network outputs hold detections,
 * how to read one image's detections from them (through the same candidates and selection as the
 * panel, detection-candidates.ts), how to map boxes from the network input back to the test image's
 * pixels through the preprocessing that made the input, and what the classes are called.
 */
import type { DetectorHead, Preprocessing } from '../api/job-schemas.js';
import type { NetworkDocument } from '../network/types.js';
import { COCO_CLASSES } from './coco.js';
import { selectDetections, yoloCandidates, type BoxFormat, type DetectorFormat, type Thresholds } from './detection-candidates.js';
import type { Detection } from './detection.js';
import { boxToOriginal, type Box } from './letterbox.js';

export interface DetectorOutput {
  /** The network output's name (`output0`). */
  output: string;
  format: DetectorFormat;
  /** The class count the head was built for; unknown for a postprocess not fed straight by a head. */
  classes?: number;
}

/** Layers whose output is read as detections: the format of that output, the port it leaves by and how it writes boxes. */
const HEAD_LAYERS: Record<string, { format: DetectorFormat; port: string; box: BoxFormat }> = {
  YoloV8Detect: { format: 'v8', port: 'output', box: 'cxcywh' },
  YoloV5Detect: { format: 'v5', port: 'output', box: 'cxcywh' },
  // The YOLO postprocess: NMS inside the network, corners out.
  YoloPostprocess: { format: 'rows', port: 'detections', box: 'xyxy' },
};

/** How the recognised layers of a format write boxes: centre and size from a head, corners from the postprocess. */
export function boxFormatOf(format: DetectorFormat): BoxFormat {
  return format === 'rows' ? 'xyxy' : 'cxcywh';
}

/** The outputs of a document that come straight from a YOLO head or a YOLO postprocess, in output order. */
export function detectorOutputs(doc: Pick<NetworkDocument, 'nodes' | 'outputs' | 'edges'>): DetectorOutput[] {
  const found: DetectorOutput[] = [];
  for (const out of doc.outputs) {
    const node = doc.nodes.find((n) => n.id === out.from.node);
    const layer = node && HEAD_LAYERS[node.type];
    if (!node || !layer || layer.port !== out.from.port) continue;
    // A postprocess's classes are those of the head that feeds it.
    const feeding = layer.format === 'rows' ? doc.edges.find((e) => e.to.node === node.id && e.to.port === 'input') : undefined;
    const source = feeding ? doc.nodes.find((n) => n.id === feeding.from.node) : node;
    const nc = source?.params['nc'];
    found.push({ output: out.name, format: layer.format, ...(typeof nc === 'number' ? { classes: nc } : {}) });
  }
  return found;
}

/** The run panel's detector: which output to read and how, and the class count the head was built for. */
export interface DetectorChoice {
  head: DetectorHead;
  /** The class count the head was built for (its `nc`). */
  classes: number;
}

/** The first detector output of a document as the panel reads it; a head of unknown class count is taken as COCO's 80. */
export function detectorInDocument(doc: Pick<NetworkDocument, 'nodes' | 'outputs' | 'edges'>): DetectorChoice | undefined {
  const found = detectorOutputs(doc)[0];
  if (!found) return undefined;
  return { head: { output: found.output, format: found.format, box: boxFormatOf(found.format) }, classes: found.classes ?? COCO_CLASSES.length };
}

/**
 * One image's detections in network-input pixels, highest score first, picked as the run panel picks them
 * (selectDetections over the boxes scoring above `conf`). `data` is that image's slice of the output and
 * `dims` its dims with batch 1.
 */
export function readDetections(data: ArrayLike<number>, dims: readonly number[], format: DetectorFormat, t: Thresholds): Detection[] {
  const head = { output: '', format, box: boxFormatOf(format) };
  return selectDetections(yoloCandidates(data, dims, head, t.conf, Infinity), t);
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

/** Detections with class names, their boxes left as they are. */
export function namedDetections(detections: readonly Detection[], names: readonly string[]): NamedDetection[] {
  return detections.map((d) => ({ class: d.class, name: className(names, d.class), score: d.score, box: d.box }));
}

/** Detections of one image in its own pixels, with class names. */
export function detectionsInImage(
  detections: readonly Detection[],
  p: Pick<Preprocessing, 'width' | 'height' | 'resize'>,
  image: { width: number; height: number },
  names: readonly string[] = COCO_CLASSES,
): NamedDetection[] {
  return namedDetections(detections, names).map((d) => ({ ...d, box: boxToImage(d.box, p, image.width, image.height) }));
}

/** Class names from a names file's text: one per line (darknet's `.names`, ultralytics' list), blank lines skipped. */
export function parseClassNames(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * The names the panel shows: the user's when given, else COCO's for an 80-class head; a sentence when the
 * user's list does not have one name per class.
 */
export function classNamesFor(classes: number, given: readonly string[] | undefined): { names: readonly string[]; problem?: string } {
  if (given && given.length > 0)
    return given.length === classes
      ? { names: given }
      : { names: given, problem: `The names list has ${given.length} names but the head has ${classes} classes; classes without a name show as "class N".` };
  return { names: classes === COCO_CLASSES.length ? COCO_CLASSES : [] };
}
