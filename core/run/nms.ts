/**
 * Non-maximum suppression on the host, with torchvision's `batched_nms` semantics: boxes of different
 * classes never suppress each other; within a class, boxes are visited by score, highest first, and a box
 * whose IoU with an already kept box is greater than the threshold (strictly) is dropped. The result lists
 * the kept indices by score, highest first; equal scores keep their input order (torchvision sorts stably).
 * IoU is computed in float64 here and in float32 by torchvision, so an IoU within float32 rounding of the
 * threshold can be decided differently.
 */

/** IoU of two corner boxes [x1, y1, x2, y2], computed as torchvision's kernel does (no +1 on widths). */
export function boxIou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const areaA = (a[2]! - a[0]!) * (a[3]! - a[1]!);
  const areaB = (b[2]! - b[0]!) * (b[3]! - b[1]!);
  const w = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const h = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = w * h;
  // Two empty boxes give 0 / 0 = NaN, which is not greater than any threshold: neither suppresses the other, as in torchvision.
  return inter / (areaA + areaB - inter);
}

/** Indices 0 … n−1 by score, highest first, equal scores in index order. */
function byScore(scores: ArrayLike<number>, indices: readonly number[]): number[] {
  return [...indices].sort((i, j) => scores[j]! - scores[i]! || i - j);
}

/**
 * torchvision.ops.batched_nms(boxes, scores, classes, iouThreshold): the indices kept, by score (highest
 * first, ties in index order). `boxes` holds one [x1, y1, x2, y2] per score.
 */
export function batchedNms(boxes: readonly ArrayLike<number>[], scores: ArrayLike<number>, classes: ArrayLike<number>, iouThreshold: number): number[] {
  if (boxes.length !== scores.length || classes.length !== scores.length)
    throw new Error(`batchedNms needs one box and one class per score; got ${boxes.length} boxes, ${scores.length} scores and ${classes.length} classes.`);
  const kept: number[] = [];
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < scores.length; i++) {
    const members = byClass.get(classes[i]!);
    if (members) members.push(i);
    else byClass.set(classes[i]!, [i]);
  }
  for (const members of byClass.values()) {
    const keptHere: number[] = [];
    for (const i of byScore(scores, members)) if (keptHere.every((k) => !(boxIou(boxes[k]!, boxes[i]!) > iouThreshold))) keptHere.push(i);
    kept.push(...keptHere);
  }
  return byScore(scores, kept);
}
