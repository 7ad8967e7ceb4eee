import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { batchedNms, boxIou } from './nms.js';

interface NmsCase {
  name: string;
  boxes: number[][];
  scores: number[];
  classes: number[];
  iouThreshold: number;
  keep: number[];
}

const HERE = new URL('.', import.meta.url);
const load = (file: string) => JSON.parse(readFileSync(new URL(file, HERE), 'utf8')) as { cases: NmsCase[] };

describe('boxIou', () => {
  it('is intersection over union without the +1 on widths', () => {
    expect(boxIou([0, 0, 10, 10], [1, 1, 11, 11])).toBe(81 / 119);
    expect(boxIou([0, 0, 3, 1], [1, 0, 4, 1])).toBe(0.5);
    expect(boxIou([0, 0, 1, 1], [2, 2, 3, 3])).toBe(0);
  });
});

describe('batchedNms, derived from torchvision.ops.batched_nms', () => {
  for (const c of load('nms-cases.json').cases)
    it(c.name, () => {
      expect(batchedNms(c.boxes, c.scores, c.classes, c.iouThreshold)).toEqual(c.keep);
    });

  it('says when boxes, scores and classes differ in number', () => {
    expect(() => batchedNms([[0, 0, 1, 1]], [0.5, 0.4], [0, 0], 0.5)).toThrow(
      'batchedNms needs one box and one class per score; got 1 boxes, 2 scores and 2 classes.',
    );
  });
});

// Written by bench/nms_reference.py on a machine with torchvision: the cases above plus random ones, with torchvision's answers.
const TORCHVISION = new URL('nms-torchvision.json', HERE);
describe.skipIf(!existsSync(TORCHVISION))('batchedNms against torchvision output', () => {
  it('keeps the same indices in the same order on every case', () => {
    const { cases } = load('nms-torchvision.json');
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(batchedNms(c.boxes, c.scores, c.classes, c.iouThreshold), c.name).toEqual(c.keep);
  });
});
