import { describe, expect, it } from 'vitest';
import { decodeYolo, yoloLayout } from './detection.js';

describe('decodeYolo, v8 [1, 4 + C, A]', () => {
  // Three anchors, two classes, channel-major: rows cx, cy, w, h, class 0, class 1.
  const rows = [
    [5, 6, 50],
    [5, 6, 50],
    [10, 10, 20],
    [10, 10, 10],
    [0.9, 0.8, 0.1],
    [0.1, 0.2, 0.3],
  ];
  const data = rows.flat();

  it('takes the best class, converts to corners and suppresses the overlapping box of the same class', () => {
    // Anchor 1 ([1, 1, 11, 11]) overlaps anchor 0 with IoU 81/119 > 0.45.
    expect(decodeYolo(data, [1, 6, 3], { format: 'v8', conf: 0.25, iou: 0.45 })).toEqual([
      { class: 0, score: 0.9, box: [0, 0, 10, 10] },
      { class: 1, score: 0.3, box: [40, 45, 60, 55] },
    ]);
  });
  it('keeps both boxes when the IoU threshold is above their overlap, and drops scores not above conf', () => {
    expect(decodeYolo(data, [1, 6, 3], { format: 'v8', conf: 0.3, iou: 0.7 }).map((d) => d.score)).toEqual([0.9, 0.8]);
  });
  it('keeps at most maxDetections', () => {
    expect(decodeYolo(data, [1, 6, 3], { format: 'v8', conf: 0.25, iou: 0.7, maxDetections: 1 })).toHaveLength(1);
  });
});

describe('decodeYolo, v5 [1, A, 5 + C]', () => {
  // Anchor-major: cx, cy, w, h, objectness, class 0, class 1.
  const data = [5, 5, 10, 10, 0.5, 0.9, 0.1, 50, 50, 20, 10, 0.9, 0.2, 0.6, 80, 80, 4, 4, 0.2, 1, 1];

  it('scores objectness × class probability and drops anchors whose objectness is not above conf', () => {
    expect(decodeYolo(data, [1, 3, 7], { format: 'v5', conf: 0.25, iou: 0.45 })).toEqual([
      { class: 1, score: 0.9 * 0.6, box: [40, 45, 60, 55] },
      { class: 0, score: 0.5 * 0.9, box: [0, 0, 10, 10] },
    ]);
  });
});

describe('yoloLayout', () => {
  it('reads the anchors and classes of the ultralytics heads', () => {
    expect(yoloLayout('v8', [1, 84, 8400])).toEqual({ anchors: 8400, classes: 80 });
    expect(yoloLayout('v5', [1, 25200, 85])).toEqual({ anchors: 25200, classes: 80 });
  });
  it('says what it expected for other dims', () => {
    expect(yoloLayout('v8', [1, 8400, 84, 1])).toBe('a YOLO v8 output must be [1, 4 + classes, anchors] (v8: e.g. [1, 84, 8400]); got [1, 8400, 84, 1]');
    expect(() => decodeYolo([1, 2], [1, 6, 3], { format: 'v8', conf: 0.25, iou: 0.45 })).toThrow('the output holds 2 values; dims [1, 6, 3] need 18');
  });
});
