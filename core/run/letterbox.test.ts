import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boxToOriginal, letterboxGeometry, letterboxImage, pythonRound, resizeBilinear } from './letterbox.js';
import { PREPROCESSING_PRESETS, presetSizedFor } from './preprocessing.js';

const gray = (width: number, height: number, values: number[]) => ({ width, height, channels: 1, data: Uint8Array.from(values) });

describe('pythonRound', () => {
  it('rounds halves to the even neighbour as Python 3 does', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, 2.4, 2.6, -0.1].map(pythonRound)).toEqual([0, 2, 2, 4, 0, 2, 3, 0]);
  });
});

describe('letterboxGeometry', () => {
  it('fits a 1280×720 frame into 640×640 with 140 rows of grey above and below', () => {
    expect(letterboxGeometry(1280, 720, 640, 640)).toEqual({ scale: 0.5, resizedWidth: 640, resizedHeight: 360, left: 0, right: 0, top: 140, bottom: 140 });
  });
  it('puts the odd pixel of padding at the bottom (round(d − 0.1), round(d + 0.1))', () => {
    expect(letterboxGeometry(4, 1, 4, 4)).toEqual({ scale: 1, resizedWidth: 4, resizedHeight: 1, left: 0, right: 0, top: 1, bottom: 2 });
  });
  it('rounds the resized size as Python does (2.5 → 2)', () => {
    expect(letterboxGeometry(5, 10, 8, 5)).toEqual({ scale: 0.5, resizedWidth: 2, resizedHeight: 5, left: 3, right: 3, top: 0, bottom: 0 });
  });
});

describe('resizeBilinear (OpenCV INTER_LINEAR geometry)', () => {
  it('enlarges with aligned pixel centres and clamps at the edges', () => {
    expect([...resizeBilinear(gray(2, 1, [0, 100]), 4, 1).data]).toEqual([0, 25, 75, 100]);
  });
  it('shrinks with two taps, no averaging over the whole footprint', () => {
    expect([...resizeBilinear(gray(4, 1, [0, 100, 200, 40]), 2, 1).data]).toEqual([50, 120]);
  });
  it('keeps channels interleaved', () => {
    const rgb = { width: 2, height: 1, channels: 3, data: Uint8Array.from([0, 10, 200, 100, 30, 0]) };
    expect([...resizeBilinear(rgb, 4, 1).data]).toEqual([0, 10, 200, 25, 15, 150, 75, 25, 50, 100, 30, 0]);
  });
});

describe('letterboxImage', () => {
  it('resizes a 2×1 image to 4×2 and pads one grey row above and below', () => {
    const out = letterboxImage(gray(2, 1, [0, 100]), 4, 4);
    expect([...out.data]).toEqual([114, 114, 114, 114, 0, 25, 75, 100, 0, 25, 75, 100, 114, 114, 114, 114]);
  });
  it('pads without resizing when the image already fits one side', () => {
    expect([...letterboxImage(gray(1, 2, [7, 9]), 3, 2).data]).toEqual([114, 7, 114, 114, 9, 114]);
  });
});

describe('boxToOriginal', () => {
  it('removes the padding, undoes the scale and clips to the image', () => {
    expect(boxToOriginal([100, 150, 300, 520], 1280, 720, 640, 640)).toEqual([200, 20, 600, 720]);
    expect(boxToOriginal([-10, 130, 700, 200], 1280, 720, 640, 640)).toEqual([0, 0, 1280, 120]);
  });
  it('is the inverse of the geometry for a box inside the image', () => {
    // 300×200 into 640: gain 640/300, resized 640×427 (round(426.67)), padding top = round(106.5 − 0.1) = 106.
    const gain = 640 / 300;
    const box = boxToOriginal([10 * gain, 106 + 20 * gain, 110 * gain, 106 + 120 * gain], 300, 200, 640, 640);
    box.forEach((v, i) => expect(v).toBeCloseTo([10, 20, 110, 120][i]!, 9));
  });
});

describe('the letterbox preset', () => {
  it('is RGB, x/255, no mean or std, resized by letterbox, and takes the input size', () => {
    expect(PREPROCESSING_PRESETS.letterbox).toMatchObject({ resize: 'letterbox', colorOrder: 'RGB', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] });
    expect(presetSizedFor([1, 3, 320, 320], 'letterbox')).toMatchObject({ preset: 'letterbox', width: 320, height: 320, resize: 'letterbox' });
  });
});

interface Cv2Case {
  width: number;
  height: number;
  channels: number;
  data: number[];
  resized: { width: number; height: number; data: number[] }[];
  letterbox: { width: number; height: number; data: number[] };
}

// cv2.resize(INTER_LINEAR) and ultralytics' LetterBox on random images, written by bench/letterbox_reference.py (OpenCV 5.0).
describe('against OpenCV', () => {
  const { cases } = JSON.parse(readFileSync(new URL('letterbox-cv2.json', import.meta.url), 'utf8')) as { cases: Cv2Case[] };
  it('resizes and letterboxes to within 1 of 255 of cv2, the geometry and padding exactly', () => {
    let values = 0;
    let differing = 0;
    for (const c of cases) {
      const image = { width: c.width, height: c.height, channels: c.channels, data: Uint8Array.from(c.data) };
      const outputs = [
        ...c.resized.map((r) => ({ expected: r, actual: resizeBilinear(image, r.width, r.height) })),
        { expected: c.letterbox, actual: letterboxImage(image, c.letterbox.width, c.letterbox.height) },
      ];
      for (const { expected, actual } of outputs) {
        expect(actual.data.length).toBe(expected.data.length);
        expected.data.forEach((v, i) => {
          expect(Math.abs(actual.data[i]! - v)).toBeLessThanOrEqual(1);
          if (actual.data[i] !== v) differing++;
        });
        values += expected.data.length;
      }
    }
    // OpenCV's 11-bit fixed-point weights round the other way on about one value in nine.
    expect(differing / values).toBeLessThan(0.15);
  });
});
