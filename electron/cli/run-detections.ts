/**
 * What `trt-studio run` adds for a detector (an output from a YOLO head or the YOLO postprocess):
 * `--conf`, `--iou` and `--names` read into thresholds and class names, each image's detections in its
 * own pixels, their text lines, and `--annotate DIR` writing each image with its boxes drawn as PNG.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Preprocessing } from '../../core/api/job-schemas.js';
import { error, type Diagnostic } from '../../core/diagnostics.js';
import { drawDetections, toRgba } from '../../core/run/annotate.js';
import { COCO_CLASSES } from '../../core/run/coco.js';
import { detectionsInImage, namedDetections, parseClassNames, readDetections, type DetectorOutput, type NamedDetection } from '../../core/run/detector.js';
import { fileErrorReason } from '../services/file-errors.js';
import { loadImage, type DecodedImage } from '../services/images.js';
import { encodePng } from '../services/png.js';

/** The command-line options of detection, as `run` declares them. */
export const DETECTION_OPTIONS = {
  conf: { type: 'string' },
  iou: { type: 'string' },
  names: { type: 'string' },
  annotate: { type: 'string' },
} as const;

/** ultralytics' predict defaults for conf; 0.45 is YOLOv5's (and tensorrtx's) NMS IoU. */
export const DEFAULT_CONF = 0.25;
export const DEFAULT_IOU = 0.45;

export interface DetectionSettings {
  conf: number;
  iou: number;
  /** The `--names` file, or undefined for COCO's 80 names. */
  namesPath?: string;
  annotateDir?: string;
}

/** The detection options from parsed values, or a usage message naming the bad one. */
export function detectionSettings(v: Record<string, unknown>): DetectionSettings | string {
  const threshold = (name: 'conf' | 'iou', fallback: number): number | string => {
    const raw = v[name];
    if (raw === undefined) return fallback;
    const x = Number(raw);
    return typeof raw === 'string' && raw.trim() !== '' && x >= 0 && x <= 1 ? x : `--${name} must be a number from 0 to 1; got '${String(raw)}'.`;
  };
  const conf = threshold('conf', DEFAULT_CONF);
  if (typeof conf === 'string') return conf;
  const iou = threshold('iou', DEFAULT_IOU);
  if (typeof iou === 'string') return iou;
  return {
    conf,
    iou,
    ...(typeof v['names'] === 'string' ? { namesPath: v['names'] } : {}),
    ...(typeof v['annotate'] === 'string' ? { annotateDir: v['annotate'] } : {}),
  };
}

/** The class names of `--names` (one a line, blank lines skipped, as the run panel reads them), or COCO's; a file with fewer names than the head's classes is refused. */
export async function loadClassNames(
  settings: DetectionSettings,
  detectors: readonly DetectorOutput[],
): Promise<{ ok: true; names: readonly string[] } | { ok: false; diagnostics: Diagnostic[] }> {
  if (settings.namesPath === undefined) return { ok: true, names: COCO_CLASSES };
  let names: string[];
  try {
    names = parseClassNames(await readFile(settings.namesPath, 'utf8'));
  } catch (e) {
    return { ok: false, diagnostics: [error('names.read', `Cannot read the class names file ${settings.namesPath}: ${fileErrorReason(e)}.`)] };
  }
  const classes = Math.max(0, ...detectors.map((d) => d.classes ?? 0));
  if (names.length < classes)
    return {
      ok: false,
      diagnostics: [error('names.count', `${settings.namesPath} names ${names.length} classes; the detector has ${classes}. Give one class name per line.`)],
    };
  return { ok: true, names };
}

/** The test images at their own size (for mapping boxes back and for drawing), decoded once more after the run. */
export async function loadOriginals(paths: readonly string[]): Promise<{ ok: true; images: DecodedImage[] } | { ok: false; diagnostics: Diagnostic[] }> {
  const images: DecodedImage[] = [];
  for (const path of paths) {
    const image = await loadImage(path);
    if (!image.ok) return { ok: false, diagnostics: image.diagnostics };
    images.push(image.value);
  }
  return { ok: true, images };
}

/**
 * One sample's detections from its slice of a detector output: in the image's pixels when the sample is an
 * image (`original`, preprocessed by `p`), else in network-input pixels.
 */
export function sampleDetections(
  data: ArrayLike<number>,
  dims: readonly number[],
  detector: DetectorOutput,
  settings: DetectionSettings,
  names: readonly string[],
  original?: { image: { width: number; height: number }; preprocessing: Preprocessing },
): NamedDetection[] {
  const found = readDetections(data, dims, detector.format, { conf: settings.conf, iou: settings.iou });
  if (original) return detectionsInImage(found, original.preprocessing, original.image, names);
  return namedDetections(found, names);
}

/** Text lines of one image's detections: `  person 0.8765 [x1, y1, x2, y2]`. */
export function detectionLines(source: string, output: string, detections: readonly NamedDetection[]): string[] {
  const px = (v: number) => v.toFixed(1);
  return [
    `${source}: ${output}, ${detections.length} detection${detections.length === 1 ? '' : 's'}`,
    ...detections.map((d) => `  ${d.name} ${d.score.toFixed(4)} [${d.box.map(px).join(', ')}]`),
  ];
}

/** The file an annotated image is written to: its name with `.png`, numbered when two images share a name. */
function annotatedName(path: string, taken: Set<string>): string {
  const stem = basename(path, extname(path));
  let name = `${stem}.png`;
  for (let n = 2; taken.has(name); n++) name = `${stem}-${n}.png`;
  taken.add(name);
  return name;
}

/** Write each image with its detections drawn into `dir`; the paths written, in image order. */
export async function writeAnnotated(
  dir: string,
  images: readonly { path: string; image: DecodedImage; detections: readonly NamedDetection[] }[],
): Promise<{ ok: true; paths: string[] } | { ok: false; diagnostics: Diagnostic[] }> {
  const taken = new Set<string>();
  const paths: string[] = [];
  try {
    await mkdir(dir, { recursive: true });
    for (const { path, image, detections } of images) {
      const out = join(dir, annotatedName(path, taken));
      await writeFile(out, encodePng(drawDetections(toRgba(image), detections)));
      paths.push(out);
    }
  } catch (e) {
    return { ok: false, diagnostics: [error('run.annotate.write', `Cannot write the annotated images to ${dir}: ${fileErrorReason(e)}.`)] };
  }
  return { ok: true, paths };
}
