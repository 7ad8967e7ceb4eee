import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../templates/index.js';
import { boxToImage, detectorOutputs, readDetections } from './detector.js';

describe('detectorOutputs', () => {
  it('finds the YOLO heads of the templates with their class counts, and nothing in a classifier', () => {
    expect(detectorOutputs(buildTemplate('yolov8n')!)).toEqual([{ output: 'output0', format: 'v8', classes: 80 }]);
    expect(detectorOutputs(buildTemplate('yolov5s')!)).toEqual([{ output: 'output0', format: 'v5', classes: 80 }]);
    expect(detectorOutputs(buildTemplate('lenet5')!)).toEqual([]);
  });
  it('finds the YOLO postprocess appended to a head, with the head’s class count', () => {
    const doc = buildTemplate('yolov8n')!;
    const head = doc.outputs[0]!.from;
    doc.nodes.push({ id: 'post', type: 'YoloPostprocess', name: 'post', params: {} });
    doc.edges.push({ id: 'to-post', from: head, to: { node: 'post', port: 'input' } });
    doc.outputs = [{ name: 'detections', from: { node: 'post', port: 'detections' } }];
    expect(detectorOutputs(doc)).toEqual([{ output: 'detections', format: 'rows', classes: 80 }]);
  });
});

describe('readDetections of a fixed-size detections output', () => {
  it('keeps rows scoring above conf, best first, and leaves out the zero padding', () => {
    const rows = [1, 2, 3, 4, 0.5, 1, 5, 6, 7, 8, 0.9, 0, 0, 0, 0, 0, 0, 0];
    expect(readDetections(rows, [1, 3, 6], 'rows', { conf: 0.25, iou: 0.45 })).toEqual([
      { class: 0, score: 0.9, box: [5, 6, 7, 8] },
      { class: 1, score: 0.5, box: [1, 2, 3, 4] },
    ]);
    expect(() => readDetections(rows, [1, 3, 7], 'rows', { conf: 0.25, iou: 0.45 })).toThrow(
      'a detections output must be [1, maxDetections, 6] (x1, y1, x2, y2, score, class); got [1, 3, 7]',
    );
  });
});

describe('boxToImage', () => {
  it('undoes letterbox padding, a stretch and a centre crop', () => {
    const input = { width: 32, height: 32 };
    // 64×32 letterboxed: scale 0.5, 8 rows of padding on top.
    expect(boxToImage([4, 12, 20, 24], { ...input, resize: 'letterbox' }, 64, 32)).toEqual([8, 8, 40, 32]);
    expect(boxToImage([4, 12, 20, 24], { ...input, resize: 'stretch' }, 64, 32)).toEqual([8, 12, 40, 24]);
    // Centre crop of 64×32: scaled by 1 (cover), 16 columns cut on the left.
    expect(boxToImage([4, 12, 20, 24], { ...input, resize: 'center-crop' }, 64, 32)).toEqual([20, 12, 36, 24]);
  });
});
describe('boxToImage, more cases', () => {
  it('undoes a letterbox: 320×240 in 320×320 has 40 rows of padding above', () => {
    expect(boxToImage([10, 50, 30, 90], { resize: 'letterbox', width: 320, height: 320 }, 320, 240)).toEqual([10, 10, 30, 50]);
  });
  it('undoes a stretch by the two scales and clips to the image', () => {
    expect(boxToImage([-5, 10, 32, 64], { resize: 'stretch', width: 32, height: 64 }, 64, 32)).toEqual([0, 5, 64, 32]);
  });
  it('undoes a centre crop: 200×100 scaled to 100×50 then cropped to 50×50 from x = 25', () => {
    expect(boxToImage([0, 0, 50, 50], { resize: 'center-crop', width: 50, height: 50 }, 200, 100)).toEqual([50, 0, 150, 100]);
  });
});
