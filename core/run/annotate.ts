/**
 * Detections drawn on an image, as the run panel shows them and `trt-studio run --annotate` saves them:
 * each box outlined in its class's colour (ultralytics' palette) with a filled label `name 0.87` above
 * it (inside it when the box touches the top edge). Plain RGBA rasterising, no image library.
 */
import type { NamedDetection } from './detector.js';
import { glyph, GLYPH_HEIGHT, GLYPH_WIDTH } from './label-font.js';
import { pythonRound } from './letterbox.js';

/** 8-bit RGBA pixels, top row first. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type Rgb = readonly [number, number, number];

/** Ultralytics' 20 class colours (ultralytics.utils.plotting.Colors), class i takes colour i mod 20. */
// prettier-ignore
const PALETTE = [
  'FF3838', 'FF9D97', 'FF701F', 'FFB21D', 'CFD231', '48F90A', '92CC17', '3DDB86', '1A9334', '00D4BB',
  '2C99A8', '00C2FF', '344593', '6473FF', '0018EC', '8438FF', '520085', 'CB38FF', 'FF95C8', 'FF37C7',
].map((hex): Rgb => [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)]);

/** The colour boxes of a class are drawn in. */
export function classColor(index: number): Rgb {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

/** A grayscale, RGB or RGBA image (channels interleaved) as a new RGBA image. */
export function toRgba(image: { width: number; height: number; channels: number; data: Uint8Array }): RgbaImage {
  const { width, height, channels, data } = image;
  const out = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const [r, g, b] = channels >= 3 ? [data[s]!, data[s + 1]!, data[s + 2]!] : [data[s]!, data[s]!, data[s]!];
    out.set([r, g, b, channels === 4 ? data[s + 3]! : 255], i * 4);
  }
  return { width, height, data: out };
}

/** Fill the pixels x0 ≤ x < x1, y0 ≤ y < y1 (clipped to the image). */
export function fillRect(image: RgbaImage, x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
  const [left, right] = [Math.max(0, x0), Math.min(image.width, x1)];
  for (let y = Math.max(0, y0); y < Math.min(image.height, y1); y++)
    for (let x = left; x < right; x++) image.data.set([color[0], color[1], color[2], 255], (y * image.width + x) * 4);
}

/** Text in the label font at (x, y) (its top-left corner), each font pixel `scale` image pixels wide. */
export function drawText(image: RgbaImage, x: number, y: number, text: string, scale: number, color: Rgb): void {
  [...text].forEach((char, i) => {
    const left = x + i * (GLYPH_WIDTH + 1) * scale;
    glyph(char).forEach((row, gy) =>
      row.forEach((inked, gx) => {
        if (inked) fillRect(image, left + gx * scale, y + gy * scale, left + (gx + 1) * scale, y + (gy + 1) * scale, color);
      }),
    );
  });
}

/** The width and height of text drawn at a scale. */
export function textSize(text: string, scale: number): { width: number; height: number } {
  return { width: Math.max(0, text.length * (GLYPH_WIDTH + 1) - 1) * scale, height: GLYPH_HEIGHT * scale };
}

/** Box outlines as ultralytics draws them on an RGB image: max(round(sum(image.shape) / 2 · 0.003), 2) pixels, the shape being (height, width, 3). */
export function lineWidthFor(width: number, height: number): number {
  return Math.max(pythonRound(((height + width + 3) / 2) * 0.003), 2);
}

/** A box's label: its class name and score with two decimals. */
export function labelText(d: Pick<NamedDetection, 'name' | 'score'>): string {
  return `${d.name} ${d.score.toFixed(2)}`;
}

/**
 * The image with the detections drawn, lowest score first so the best boxes end on top. A box's outline
 * lies inside its corners: the pixels from round(x1) to round(x2) − 1 across, `lineWidth` thick. The label
 * sits on the box's top edge, outside the box when there is room above it.
 */
export function drawDetections(image: RgbaImage, detections: readonly NamedDetection[], lineWidth = lineWidthFor(image.width, image.height)): RgbaImage {
  const out: RgbaImage = { width: image.width, height: image.height, data: image.data.slice() };
  const scale = Math.max(1, Math.floor(lineWidth / 2));
  const pad = scale;
  for (const d of [...detections].sort((a, b) => a.score - b.score)) {
    const color = classColor(d.class);
    const [x1, y1, x2, y2] = d.box.map(Math.round) as [number, number, number, number];
    const t = Math.max(1, Math.min(lineWidth, Math.ceil((x2 - x1) / 2), Math.ceil((y2 - y1) / 2)));
    fillRect(out, x1, y1, x2, y1 + t, color);
    fillRect(out, x1, y2 - t, x2, y2, color);
    fillRect(out, x1, y1, x1 + t, y2, color);
    fillRect(out, x2 - t, y1, x2, y2, color);
    const text = labelText(d);
    const size = textSize(text, scale);
    const labelHeight = size.height + 2 * pad;
    const top = y1 - labelHeight >= 0 ? y1 - labelHeight : y1;
    fillRect(out, x1, top, x1 + size.width + 2 * pad, top + labelHeight, color);
    // White text on dark colours, black on light ones (ITU-R 601 luma).
    const light = color[0] * 0.299 + color[1] * 0.587 + color[2] * 0.114 > 150;
    drawText(out, x1 + pad, top + pad, text, scale, light ? [0, 0, 0] : [255, 255, 255]);
  }
  return out;
}
