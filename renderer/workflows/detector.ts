/**
 * The run panel's detector settings: which output is a detector head (recognised from the layer that
 * feeds it, or chosen by the user), how many classes it has and what they are called.
 */
import type { DetectorHead } from '../../core/api/job-schemas.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { COCO_CLASSES } from '../../core/run/coco.js';

export interface DetectorChoice {
  head: DetectorHead;
  /** The class count the head was built for (its `nc`). */
  classes: number;
}

/** Layers whose output the panel reads as detections: the format of that output and the port it leaves by. */
const HEAD_LAYERS: Record<string, { format: DetectorHead['format']; port: string; box: DetectorHead['box'] }> = {
  YoloV8Detect: { format: 'v8', port: 'output', box: 'cxcywh' },
  YoloV5Detect: { format: 'v5', port: 'output', box: 'cxcywh' },
  // The YOLO postprocess: NMS inside the network, corners out.
  YoloPostprocess: { format: 'rows', port: 'detections', box: 'xyxy' },
};

/**
 * The first network output that comes straight from a YOLO head (read as ultralytics decodes it) or a YOLO
 * postprocess; a postprocess's classes are those of the head that feeds it.
 */
export function detectorInDocument(doc: Pick<NetworkDocument, 'nodes' | 'outputs' | 'edges'>): DetectorChoice | undefined {
  for (const out of doc.outputs) {
    const node = doc.nodes.find((n) => n.id === out.from.node);
    const layer = node && HEAD_LAYERS[node.type];
    if (!node || !layer || layer.port !== out.from.port) continue;
    const feeding = layer.format === 'rows' ? doc.edges.find((e) => e.to.node === node.id) : undefined;
    const head = feeding ? doc.nodes.find((n) => n.id === feeding.from.node) : node;
    const nc = head?.params['nc'];
    return { head: { output: out.name, format: layer.format, box: layer.box }, classes: typeof nc === 'number' ? nc : COCO_CLASSES.length };
  }
  return undefined;
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

/** The class's name, or `class N` when the names list is shorter. */
export function className(names: readonly string[], index: number): string {
  return names[index] ?? `class ${index}`;
}
