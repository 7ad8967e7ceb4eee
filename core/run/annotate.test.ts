import { describe, expect, it } from 'vitest';
import { classColor, drawDetections, drawText, labelText, lineWidthFor, textSize, toRgba, type RgbaImage } from './annotate.js';

const GREY = [90, 90, 90];

function grey(width: number, height: number): RgbaImage {
  return toRgba({ width, height, channels: 1, data: new Uint8Array(width * height).fill(90) });
}

const rgb = (image: RgbaImage, x: number, y: number) => [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3)];

describe('drawDetections', () => {
  const image = grey(100, 80);
  const drawn = drawDetections(image, [{ class: 2, name: 'car', score: 0.875, box: [20.4, 40.6, 70.2, 75] }], 3);
  const color = [...classColor(2)];

  it('outlines the box inside its rounded corners, lineWidth thick, and leaves the rest of the image as it was', () => {
    // Corners round to (20, 41) and (70, 75): columns 20–22 and 67–69, rows 41–43 and 72–74.
    for (const [x, y] of [
      [20, 60],
      [22, 60],
      [67, 60],
      [69, 60],
      [45, 72],
      [45, 74],
      [50, 43],
    ] as const)
      expect(rgb(drawn, x, y)).toEqual(color);
    for (const [x, y] of [
      [19, 60],
      [23, 60],
      [66, 60],
      [70, 60],
      [45, 71],
      [45, 75],
      [45, 60],
      [50, 44],
    ] as const)
      expect(rgb(drawn, x, y)).toEqual(GREY);
    expect(rgb(image, 20, 60)).toEqual(GREY); // the input is not drawn on
  });

  it('puts the label, filled in the class colour with white text, on the box above its top edge', () => {
    const text = labelText({ name: 'car', score: 0.875 });
    expect(text).toBe('car 0.88');
    // Scale 1 (lineWidth 3): 8 characters of 6 pixels less the last gap, 1 pixel of padding: 49 × 9 above row 41.
    expect(textSize(text, 1)).toEqual({ width: 47, height: 7 });
    expect(rgb(drawn, 20, 32)).toEqual(color);
    expect(rgb(drawn, 68, 40)).toEqual(color);
    expect(rgb(drawn, 69, 40)).toEqual(GREY);
    expect(rgb(drawn, 20, 31)).toEqual(GREY);
    // 'c' inks its top row at glyph column 1..3, row 2: image (20 + 1 + 1, 32 + 1 + 2).
    expect(rgb(drawn, 22, 35)).toEqual([255, 255, 255]);
    expect(rgb(drawn, 21, 35)).toEqual(color);
  });

  it('puts the label inside the box when the box touches the top, and draws the best box last', () => {
    const both = drawDetections(
      grey(40, 40),
      [
        { class: 0, name: 'a', score: 0.9, box: [0, 0, 20, 20] },
        { class: 1, name: 'b', score: 0.3, box: [0, 0, 30, 30] },
      ],
      2,
    );
    expect(rgb(both, 0, 25)).toEqual([...classColor(1)]);
    // The top-left corner is both boxes' and both labels'; the 0.9 box is drawn over the 0.3 one.
    expect(rgb(both, 0, 0)).toEqual([...classColor(0)]);
    expect(rgb(both, 1, 10)).toEqual([...classColor(0)]);
  });
});

describe('the label font and line width', () => {
  it('draws a digit pixel for pixel and follows ultralytics line width', () => {
    const image = grey(6, 8);
    drawText(image, 0, 0, '1', 1, [0, 0, 0]);
    const rows = Array.from({ length: 7 }, (_, y) => Array.from({ length: 5 }, (_, x) => (rgb(image, x, y)[0] === 0 ? '#' : ' ')).join(''));
    expect(rows).toEqual(['  #  ', ' ##  ', '  #  ', '  #  ', '  #  ', '  #  ', ' ### ']);
    expect([lineWidthFor(640, 480), lineWidthFor(1920, 1080), lineWidthFor(64, 32), lineWidthFor(1000, 1000)]).toEqual([2, 5, 2, 3]);
  });
});
