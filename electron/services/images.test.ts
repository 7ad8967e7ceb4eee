import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import type { Preprocessing } from '../../core/api/job-schemas.js';
import { softmax, topK } from '../../core/run/classes.js';
import { PREPROCESSING_PRESETS } from '../../core/run/preprocessing.js';
import { decodeBmp, decodeImage, imagesToBatch, imageToTensor, loadImagenetLabels, summarizeTensor, type DecodedImage } from './images.js';
import { bmpHeader, pngHeader } from './image-headers.testing.js';

/** A 3×2 RGB image with distinct pixels. */
const PIXELS = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 200, 100, 0]);
const RAW = { raw: { width: 3, height: 2, channels: 3 as const } };

/** A 24-bit bottom-up BMP of PIXELS, written the way Paint and PIL write them. */
function bmp24(): Uint8Array {
  const rowBytes = 12;
  const out = new Uint8Array(54 + rowBytes * 2);
  const view = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  view.setUint32(2, out.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, 3, true);
  view.setInt32(22, 2, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  for (let y = 0; y < 2; y++)
    for (let x = 0; x < 3; x++) {
      const source = (y * 3 + x) * 3;
      const at = 54 + (1 - y) * rowBytes + x * 3;
      out.set([PIXELS[source + 2]!, PIXELS[source + 1]!, PIXELS[source]!], at);
    }
  return out;
}

/** An 8-bit palette BMP, top-down (negative height), 2×2 with a 2-colour palette. */
function bmp8(): Uint8Array {
  const paletteBytes = 2 * 4;
  const offset = 54 + paletteBytes;
  const out = new Uint8Array(offset + 4 * 2);
  const view = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  view.setUint32(10, offset, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, 2, true);
  view.setInt32(22, -2, true);
  view.setUint16(28, 8, true);
  view.setUint32(46, 2, true);
  out.set([30, 20, 10, 0, 0, 0, 255, 0], 54);
  out.set([0, 1, 0, 0, 1, 1, 0, 0], offset);
  return out;
}

const custom = (p: Partial<Preprocessing>): Preprocessing => ({ ...PREPROCESSING_PRESETS.imagenet, preset: 'custom', ...p });

describe('decoding', () => {
  test('PNG and lossless WebP decode to the exact pixels', async () => {
    for (const bytes of [await sharp(PIXELS, RAW).png().toBuffer(), await sharp(PIXELS, RAW).webp({ lossless: true }).toBuffer()]) {
      const image = await decodeImage(bytes, 'x');
      if (!image.ok) throw new Error(image.diagnostics[0]!.message);
      expect(image.value).toEqual({ width: 3, height: 2, channels: 3, data: PIXELS });
    }
  });

  test('JPEG and GIF decode to RGB of the right size', async () => {
    for (const bytes of [await sharp(PIXELS, RAW).jpeg().toBuffer(), await sharp(PIXELS, RAW).gif().toBuffer()]) {
      const image = await decodeImage(bytes, 'x');
      if (!image.ok) throw new Error(image.diagnostics[0]!.message);
      expect([image.value.width, image.value.height, image.value.channels, image.value.data.length]).toEqual([3, 2, 3, 18]);
    }
  });

  test('a grayscale PNG stays one channel', async () => {
    // Without toColourspace('b-w') sharp writes one-channel raw pixels as an RGB PNG (colour type 2).
    const gray = await sharp(Uint8Array.from([0, 64, 128, 255]), { raw: { width: 2, height: 2, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect(gray[25]).toBe(0); // IHDR colour type 0: grayscale
    const image = await decodeImage(gray, 'gray.png');
    if (!image.ok) throw new Error(image.diagnostics[0]!.message);
    expect(image.value).toEqual({ width: 2, height: 2, channels: 1, data: Uint8Array.from([0, 64, 128, 255]) });
  });

  test('BMP: 24-bit bottom-up and 8-bit palette top-down', async () => {
    const rgb = await decodeImage(bmp24(), 'photo.bmp');
    if (!rgb.ok) throw new Error(rgb.diagnostics[0]!.message);
    expect(rgb.value.data).toEqual(PIXELS);
    const palette = decodeBmp(bmp8(), 'palette.bmp');
    if (!palette.ok) throw new Error(palette.diagnostics[0]!.message);
    // Palette entries are RGBQUADs (blue, green, red, reserved): [30, 20, 10, 0] is RGB (10, 20, 30), [0, 0, 255, 0] is red.
    // Negative height: the first row in the file is the top row.
    expect(Array.from(palette.value.data)).toEqual([10, 20, 30, 255, 0, 0, 255, 0, 0, 255, 0, 0]);
  });

  test('an 8-bit BMP with a gray palette (as PIL writes mode "L") stays one channel', () => {
    const bytes = bmp8();
    bytes.set([0, 0, 0, 0, 200, 200, 200, 0], 54);
    const gray = decodeBmp(bytes, 'gray.bmp');
    if (!gray.ok) throw new Error(gray.diagnostics[0]!.message);
    expect(gray.value).toEqual({ width: 2, height: 2, channels: 1, data: Uint8Array.from([0, 200, 200, 200]) });
  });

  test('a broken file is a Diagnostic that names it', async () => {
    const result = await decodeImage(Uint8Array.from([1, 2, 3, 4]), 'notes.txt');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.diagnostics[0]!.message).toMatch(/^notes\.txt cannot be decoded as an image: .*Supported formats are JPEG, PNG, WebP, BMP and GIF\.$/);
    const bmp = bmp24().slice(0, 60);
    const truncated = decodeBmp(bmp, 'cut.bmp');
    expect(truncated.ok).toBe(false);
    if (!truncated.ok)
      expect(truncated.diagnostics[0]!.message).toBe('cut.bmp is not a BMP this reader supports: the pixel data is truncated (60 bytes for 3×2 at 24 bits).');
  });
});

describe('hostile images', () => {
  const refusal = async (bytes: Uint8Array, name: string) => {
    const result = await decodeImage(bytes, name);
    if (result.ok) throw new Error(`${name} decoded`);
    return result.diagnostics.map((d) => [d.code, d.message]);
  };

  test('an image declaring more than 40 megapixels is refused from its header, quoting the declared size', async () => {
    expect(await refusal(bmpHeader(50000, 50000), 'huge.bmp')).toEqual([
      ['image.tooLarge', 'huge.bmp declares 50000×50000 pixels (2500000000); test images are limited to 40000000 pixels (40 megapixels). Scale it down first.'],
    ]);
    expect(await refusal(pngHeader(8000, 6000), 'photo.png')).toEqual([
      ['image.tooLarge', 'photo.png declares 8000×6000 pixels (48000000); test images are limited to 40000000 pixels (40 megapixels). Scale it down first.'],
    ]);
  });

  test('a PNG cut short or damaged in its pixel data is refused, not decoded half grey', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 30 } } })
      .png()
      .toBuffer();
    expect((await decodeImage(png, 'whole.png')).ok).toBe(true);
    expect(await refusal(png.subarray(0, png.length >> 1), 'half.png')).toEqual([
      ['image.truncated', 'half.png is damaged or cut short, so it was not used: the PNG ends before its IEND chunk. Save or download it again.'],
    ]);
    // The compressed data overwritten in the middle, its chunks intact: the decoder's own error.
    const damaged = Buffer.from(png);
    damaged.fill(0, damaged.length >> 2, damaged.length >> 1);
    expect(await refusal(damaged, 'damaged.png')).toEqual([
      ['image.truncated', 'damaged.png is damaged or cut short, so it was not used: vipspng: libpng read error. Save or download it again.'],
    ]);
    expect(await refusal(png.subarray(0, png.length - 12), 'no-end.png')).toEqual([
      ['image.truncated', 'no-end.png is damaged or cut short, so it was not used: the PNG ends before its IEND chunk. Save or download it again.'],
    ]);
  });

  test('decoding a 50000×50000 header keeps the process under 500 MB of peak memory', () => {
    // A separate process, so that its peak resident size (maxRSS) measures only this decode.
    const script = [
      "import { decodeImage } from './electron/services/images.ts';",
      "import { bmpHeader, pngHeader } from './electron/services/image-headers.testing.ts';",
      "const bmp = await decodeImage(bmpHeader(50000, 50000), 'huge.bmp');",
      "const png = await decodeImage(pngHeader(50000, 50000), 'huge.png');",
      'console.log(JSON.stringify({ codes: [bmp, png].map((r) => (r.ok ? "decoded" : r.diagnostics[0].code)), maxRssBytes: process.resourceUsage().maxRSS * 1024 }));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    const { codes, maxRssBytes } = JSON.parse(out.trim().split('\n').at(-1)!) as { codes: string[]; maxRssBytes: number };
    expect(codes).toEqual(['image.tooLarge', 'image.tooLarge']);
    expect(maxRssBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(maxRssBytes).toBeLessThan(500 * 2 ** 20);
  });
});

describe('preprocessing', () => {
  const image: DecodedImage = { width: 3, height: 2, channels: 3, data: PIXELS };

  test('scale, mean/std per channel, NCHW planes, RGB or BGR', async () => {
    const p = custom({ width: 3, height: 2, mean: [0.5, 0.25, 0], std: [0.5, 0.25, 1] });
    const rgb = await imageToTensor(image, p);
    expect(rgb.length).toBe(18);
    // Pixel (0,0) is pure red: R plane first.
    expect(rgb[0]).toBeCloseTo((1 - 0.5) / 0.5, 6);
    expect(rgb[6]).toBeCloseTo((0 - 0.25) / 0.25, 6);
    expect(rgb[12]).toBeCloseTo(0, 6);
    const bgr = await imageToTensor(image, { ...p, colorOrder: 'BGR' });
    // The first plane is now blue (0 at pixel 0), normalised with the first mean/std.
    expect(bgr[0]).toBeCloseTo((0 - 0.5) / 0.5, 6);
    expect(bgr[12]).toBeCloseTo(1, 6);
  });

  test('grayscale uses PIL luma and the MNIST preset gives (x/255 − 0.5)/0.5', async () => {
    const tensor = await imageToTensor(image, { ...PREPROCESSING_PRESETS.mnist, width: 3, height: 2 });
    // PIL: L = (19595 R + 38470 G + 7471 B + 32768) >> 16; pure red → 76.
    expect(tensor[0]).toBeCloseTo((76 / 255 - 0.5) / 0.5, 6);
    expect(tensor.length).toBe(6);
  });

  test('center-crop keeps the middle of the longer side; stretch resizes both', async () => {
    const wide: DecodedImage = { width: 4, height: 2, channels: 1, data: Uint8Array.from([0, 100, 200, 250, 0, 100, 200, 250]) };
    const crop = await imageToTensor(wide, custom({ width: 2, height: 2, channels: 1, resize: 'center-crop', scale: 1, mean: [0], std: [1] }));
    expect(Array.from(crop)).toEqual([100, 200, 100, 200]);
    const stretch = await imageToTensor(wide, custom({ width: 2, height: 2, channels: 1, resize: 'stretch', scale: 1, mean: [0], std: [1] }));
    expect(stretch.length).toBe(4);
    expect(stretch[0]).toBeLessThan(stretch[1]!);
  });

  test('the letterbox preset keeps the aspect ratio, pads with 114 and divides by 255', async () => {
    const wide: DecodedImage = { width: 2, height: 1, channels: 1, data: Uint8Array.from([0, 102]) };
    const tensor = await imageToTensor(wide, { ...PREPROCESSING_PRESETS.letterbox, width: 4, height: 4 });
    // Resized to 4×2 (0, 25.5, 76.5, 102 rounded), one grey row above and below; gray copied to R, G and B.
    const plane = [114, 114, 114, 114, 0, 26, 77, 102, 0, 26, 77, 102, 114, 114, 114, 114].map((v) => v / 255);
    expect(Array.from(tensor)).toEqual(Array.from(Float32Array.from([...plane, ...plane, ...plane])));
  });

  test('several images make one batch', async () => {
    const p = custom({ width: 3, height: 2 });
    const batch = await imagesToBatch([image, image], p);
    expect(batch.dims).toEqual([2, 3, 2, 3]);
    expect(Array.from(batch.data.subarray(18))).toEqual(Array.from(batch.data.subarray(0, 18)));
  });
});

describe('outputs', () => {
  test('top-k applies a softmax to logits and keeps probabilities as they are', () => {
    const top = topK([1, 3, 2], 2, ['a', 'b', 'c']);
    const p = softmax([1, 3, 2]);
    expect(top).toEqual([
      { index: 1, label: 'b', probability: p[1] },
      { index: 2, label: 'c', probability: p[2] },
    ]);
    expect(topK([0.1, 0.7, 0.2], 1)).toEqual([{ index: 1, probability: 0.7 }]);
  });

  test('tensor summaries', () => {
    expect(summarizeTensor('logits', [1, 4], Float32Array.from([1, 2, 3, 4]), 2)).toEqual({
      name: 'logits',
      dims: [1, 4],
      min: 1,
      max: 4,
      mean: 2.5,
      std: Math.sqrt(1.25),
      first: [1, 2],
    });
  });

  test('the ImageNet-1k class names', async () => {
    const labels = await loadImagenetLabels();
    expect(labels.length).toBe(1000);
    expect(labels[0]).toBe('tench, Tinca tinca');
    expect(labels[1]).toBe('goldfish, Carassius auratus');
    expect(labels[281]).toBe('tabby, tabby cat');
    expect(labels[954]).toBe('banana');
  });
});
