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

/** Head layers whose output the panel reads as detections, and the format of that output. */
const HEAD_LAYERS: Record<string, DetectorHead['format']> = { YoloV8Detect: 'v8', YoloV5Detect: 'v5' };

/** The first network output that comes straight from a YOLO head, read as ultralytics decodes it (centre and size). */
export function detectorInDocument(doc: Pick<NetworkDocument, 'nodes' | 'outputs'>): DetectorChoice | undefined {
  for (const out of doc.outputs) {
    const node = doc.nodes.find((n) => n.id === out.from.node);
    const format = node && HEAD_LAYERS[node.type];
    if (!node || !format) continue;
    const nc = node.params['nc'];
    return { head: { output: out.name, format, box: 'cxcywh' }, classes: typeof nc === 'number' ? nc : COCO_CLASSES.length };
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
