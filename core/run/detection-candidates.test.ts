import { describe, expect, it } from 'vitest';
import { selectDetections, yoloCandidates } from './detection-candidates.js';
import { decodeYolo } from './detection.js';
import { readDetections } from './detector.js';

// Three anchors, two classes, channel-major (v8): rows cx, cy, w, h, class 0, class 1.
const V8 = [
  [5, 6, 50],
  [5, 6, 50],
  [10, 10, 20],
  [10, 10, 10],
  [0.9, 0.8, 0.1],
  [0.1, 0.2, 0.3],
].flat();
const HEAD = { output: 'output0', format: 'v8', box: 'cxcywh' } as const;

describe('yoloCandidates', () => {
  it('keeps each anchor’s best class above the floor, highest first, boxes as corners', () => {
    expect(yoloCandidates(V8, [1, 6, 3], HEAD, 0.25)).toEqual({
      floor: 0.25,
      classes: [0, 0, 1],
      scores: [0.9, 0.8, 0.3],
      boxes: [0, 0, 10, 10, 1, 1, 11, 11, 40, 45, 60, 55],
      dropped: 0,
    });
  });

  it('reads corner boxes as they are, and drops the lowest scores beyond the limit, counting them', () => {
    const c = yoloCandidates(V8, [1, 6, 3], { ...HEAD, box: 'xyxy' }, 0.05, 2);
    expect([c.scores, c.boxes, c.dropped]).toEqual([[0.9, 0.8], [5, 5, 10, 10, 6, 6, 10, 10], 1]);
  });

  it('scores v5 boxes as objectness × class probability', () => {
    // Two anchors, one class: cx, cy, w, h, objectness, class.
    const c = yoloCandidates([10, 10, 4, 4, 0.5, 0.9, 20, 20, 4, 4, 0.04, 1], [1, 2, 6], { ...HEAD, format: 'v5' }, 0.05);
    expect([c.classes, c.scores, c.boxes]).toEqual([[0], [0.45], [8, 8, 12, 12]]);
  });

  it('reads a detections output (NMS in the network) row by row: corners, score, class; zero rows left out', () => {
    const rows = [10, 10, 20, 20, 0.4, 2, 0, 0, 30, 30, 0.9, 1, 0, 0, 0, 0, 0, 0];
    expect(yoloCandidates(rows, [1, 3, 6], { ...HEAD, format: 'rows', box: 'xyxy' })).toEqual({
      floor: 0.05,
      classes: [1, 2],
      scores: [0.9, 0.4],
      boxes: [0, 0, 30, 30, 10, 10, 20, 20],
      dropped: 0,
    });
    expect(() => yoloCandidates(rows, [1, 18], { ...HEAD, format: 'rows' })).toThrow(
      'a detections output must be [1, maxDetections, 6] (x1, y1, x2, y2, score, class); got [1, 18]',
    );
  });

  it('refuses dims that do not fit the format, saying what was expected', () => {
    expect(() => yoloCandidates([1, 2], [1, 2], HEAD)).toThrow('a YOLO v8 output must be [1, 4 + classes, anchors] (v8: e.g. [1, 84, 8400]); got [1, 2]');
  });
});

describe('selectDetections', () => {
  const c = yoloCandidates(V8, [1, 6, 3], HEAD, 0.05);
  it('thresholds the score and suppresses overlaps within a class, live', () => {
    // Anchor 1 overlaps anchor 0 with IoU 81/119 ≈ 0.68.
    expect(selectDetections(c, { conf: 0.25, iou: 0.45 })).toEqual([
      { class: 0, score: 0.9, box: [0, 0, 10, 10] },
      { class: 1, score: 0.3, box: [40, 45, 60, 55] },
    ]);
    expect(selectDetections(c, { conf: 0.25, iou: 0.7 })).toHaveLength(3);
    expect(selectDetections(c, { conf: 0.85, iou: 0.7 })).toHaveLength(1);
  });
});

describe('readDetections (the CLI) over the same candidates and selection', () => {
  it('picks what decodeYolo picks from a raw head: best class above conf, class-aware NMS, highest first', () => {
    for (const iou of [0.45, 0.7]) {
      const t = { conf: 0.25, iou };
      expect(readDetections(V8, [1, 6, 3], 'v8', t)).toEqual(decodeYolo(V8, [1, 6, 3], { format: 'v8', ...t }));
      expect(readDetections(V8, [1, 6, 3], 'v8', t)).toEqual(selectDetections(yoloCandidates(V8, [1, 6, 3], HEAD), t));
    }
    expect(readDetections(V8, [1, 6, 3], 'v8', { conf: 0.25, iou: 0.45 })).toHaveLength(2);
  });
});
