/**
 * Test images: decoding (JPEG, PNG, WebP and GIF's first frame with sharp; BMP, which sharp cannot
 * read, with a small reader here), preprocessing into an NCHW float tensor as the project's
 * settings say (presets: core/run/preprocessing.ts), and tensor summaries of outputs (classes:
 * core/run/classes.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp, { type Metadata } from 'sharp';
import type { Preprocessing } from '../../core/api/job-schemas.js';
import { error, type Result } from '../../core/diagnostics.js';
import { letterboxImage } from '../../core/run/letterbox.js';
import { fileErrorReason } from './file-errors.js';

/** Decoded 8-bit pixels, interleaved, top row first. */
export interface DecodedImage {
  width: number;
  height: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: 1 | 3;
  data: Uint8Array;
}

/**
 * The most pixels a test image may declare: 40 megapixels (a 24 MP camera photo fits). The header's
 * size is checked before any pixel buffer exists, so a file declaring 50000×50000 costs nothing.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

function fail<T>(code: string, message: string, fileName: string): Result<T> {
  return { ok: false, diagnostics: [error(code, message, { detail: fileName })] };
}

/** The refusal of an image whose header declares more than MAX_IMAGE_PIXELS. */
function tooManyPixels<T>(fileName: string, width: number, height: number): Result<T> {
  return fail(
    'image.tooLarge',
    `${fileName} declares ${width}×${height} pixels (${width * height}); test images are limited to ${MAX_IMAGE_PIXELS} pixels (40 megapixels). Scale it down first.`,
    fileName,
  );
}

/** A PNG ends with its IEND chunk; without it the file was cut short (libpng decodes such a file without complaint). */
function pngIsCut(bytes: Uint8Array): boolean {
  const isPng = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (!isPng) return false;
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(Math.max(0, bytes.length - 4096));
  // IEND's length, type and CRC never change: 00000000 49454e44 ae426082 (trailing bytes after it are tolerated).
  return tail.indexOf(Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82])) < 0;
}

/**
 * Decode an uncompressed BMP (1, 4, 8-bit palette; 16, 24, 32-bit; BI_RGB or BI_BITFIELDS), the
 * variants image editors and Python's PIL write.
 */
export function decodeBmp(bytes: Uint8Array, fileName: string): Result<DecodedImage> {
  const bad = (why: string) => fail<DecodedImage>('image.bmp', `${fileName} is not a BMP this reader supports: ${why}.`, fileName);
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return bad('it does not start with "BM"');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) return bad(`its info header is ${headerSize} bytes (OS/2 BMPs of 12 bytes are not supported)`);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bits = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  const bottomUp = rawHeight > 0;
  if (width <= 0 || height === 0 || width > 65535 || height > 65535) return bad(`its size ${width}×${rawHeight} is invalid`);
  if (width * height > MAX_IMAGE_PIXELS) return tooManyPixels(fileName, width, height);
  if (compression !== 0 && compression !== 3) return bad(`compression method ${compression} (RLE or embedded JPEG/PNG) is not supported`);
  if (![1, 4, 8, 16, 24, 32].includes(bits)) return bad(`${bits} bits per pixel is not supported`);
  let masks = bits === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  if (compression === 3) {
    if (bits !== 16 && bits !== 32) return bad('BI_BITFIELDS needs 16 or 32 bits per pixel');
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
  }
  const palette: number[][] = [];
  if (bits <= 8) {
    const colours = view.getUint32(46, true) || 1 << bits;
    const start = 14 + headerSize;
    for (let i = 0; i < colours; i++) {
      const at = start + i * 4;
      if (at + 3 > bytes.length) return bad('its palette is truncated');
      palette.push([bytes[at + 2]!, bytes[at + 1]!, bytes[at]!]);
    }
  }
  const rowBytes = Math.ceil((width * bits) / 32) * 4;
  if (pixelOffset + rowBytes * height > bytes.length) return bad(`the pixel data is truncated (${bytes.length} bytes for ${width}×${height} at ${bits} bits)`);
  const channel = (value: number, mask: number): number => {
    if (mask === 0) return 0;
    const shift = 31 - Math.clz32(mask & -mask);
    const max = mask >>> shift;
    return Math.round((((value & mask) >>> shift) * 255) / max);
  };
  // A palette of grays only (what PIL writes for mode "L") is a grayscale image: one channel.
  if (bits <= 8 && palette.every(([r, g, b]) => r === g && g === b)) {
    const gray = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      const row = pixelOffset + (bottomUp ? height - 1 - y : y) * rowBytes;
      for (let x = 0; x < width; x++) {
        const bitOffset = x * bits;
        const index = (bytes[row + (bitOffset >> 3)]! >> (8 - bits - (bitOffset & 7))) & ((1 << bits) - 1);
        gray[y * width + x] = palette[index]?.[0] ?? 0;
      }
    }
    return { ok: true, value: { width, height, channels: 1, data: gray } };
  }
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (bottomUp ? height - 1 - y : y) * rowBytes;
    for (let x = 0; x < width; x++) {
      let rgb: number[];
      if (bits <= 8) {
        const bitOffset = x * bits;
        const byte = bytes[row + (bitOffset >> 3)]!;
        const index = (byte >> (8 - bits - (bitOffset & 7))) & ((1 << bits) - 1);
        rgb = palette[index] ?? [0, 0, 0];
      } else if (bits === 24) {
        const at = row + x * 3;
        rgb = [bytes[at + 2]!, bytes[at + 1]!, bytes[at]!];
      } else {
        const value = bits === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        rgb = masks.map((m) => channel(value, m >>> 0));
      }
      data.set(rgb, (y * width + x) * 3);
    }
  }
  return { ok: true, value: { width, height, channels: 3, data } };
}

/**
 * Decode an image file's bytes: BMP here, everything else (JPEG, PNG, WebP, GIF, TIFF) with sharp.
 * The declared size is read from the header first and refused above MAX_IMAGE_PIXELS; damaged or
 * truncated pixel data is refused (sharp's failOn 'error', plus a PNG's missing IEND), never decoded
 * as a partly grey image that would then be classified.
 */
export async function decodeImage(bytes: Uint8Array, fileName: string): Promise<Result<DecodedImage>> {
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return decodeBmp(bytes, fileName);
  let meta: Metadata;
  try {
    // The header only; no pixel buffer yet. No pixel limit here so the refusal can quote the declared size.
    meta = await sharp(bytes, { pages: 1, limitInputPixels: false }).metadata();
  } catch (e) {
    return fail(
      'image.decode',
      `${fileName} cannot be decoded as an image: ${(e as Error).message}. Supported formats are JPEG, PNG, WebP, BMP and GIF.`,
      fileName,
    );
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width * height > MAX_IMAGE_PIXELS) return tooManyPixels(fileName, width, height);
  const truncated = (why: string) =>
    fail<DecodedImage>('image.truncated', `${fileName} is damaged or cut short, so it was not used: ${why}. Save or download it again.`, fileName);
  if (pngIsCut(bytes)) return truncated('the PNG ends before its IEND chunk');
  try {
    // pages: 1 takes a GIF's (or WebP animation's) first frame.
    const image = sharp(bytes, { pages: 1, failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS });
    const gray = meta.channels !== undefined && meta.channels <= 2;
    const pipeline = gray ? image.removeAlpha().toColourspace('b-w') : image.removeAlpha().toColourspace('srgb');
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    const channels = info.channels === 1 ? 1 : 3;
    if (info.channels !== channels) return fail('image.decode', `${fileName} decoded to ${info.channels} channels; expected 1 or 3.`, fileName);
    return { ok: true, value: { width: info.width, height: info.height, channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) } };
  } catch (e) {
    // The header was readable, so a failure here is in the pixel data.
    return truncated((e as Error).message.trim());
  }
}

/** Read and decode an image file. */
export async function loadImage(path: string): Promise<Result<DecodedImage>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    return fail('image.read', `Cannot read the image ${path}: ${fileErrorReason(e)}.`, path);
  }
  return decodeImage(bytes, path);
}

/** PIL's `convert('L')` (ITU-R 601-2 luma, integer arithmetic), so grayscale matches PyTorch pipelines. */
function toGray(image: DecodedImage): DecodedImage {
  if (image.channels === 1) return image;
  const out = new Uint8Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) {
    const r = image.data[i * 3]!;
    const g = image.data[i * 3 + 1]!;
    const b = image.data[i * 3 + 2]!;
    out[i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
  }
  return { width: image.width, height: image.height, channels: 1, data: out };
}

function toRgb(image: DecodedImage): DecodedImage {
  if (image.channels === 3) return image;
  const out = new Uint8Array(image.width * image.height * 3);
  for (let i = 0; i < image.data.length; i++) out.fill(image.data[i]!, i * 3, i * 3 + 3);
  return { width: image.width, height: image.height, channels: 3, data: out };
}

/**
 * Resize to the target: `stretch` fills it exactly; `center-crop` scales the shorter side to fit, then crops the centre;
 * `letterbox` fits the longer side and pads with 114.
 */
export async function resizeImage(image: DecodedImage, width: number, height: number, mode: Preprocessing['resize']): Promise<DecodedImage> {
  if (image.width === width && image.height === height) return image;
  // Letterbox resizes with OpenCV's bilinear geometry in core, so boxes map back exactly as ultralytics maps them.
  if (mode === 'letterbox') return { ...letterboxImage(image, width, height), channels: image.channels };
  const resized = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } }).resize(width, height, {
    fit: mode === 'stretch' ? 'fill' : 'cover',
    position: 'centre',
    kernel: 'linear',
  });
  // sharp writes one-channel raw input back out as sRGB (three equal channels) unless told to keep it grayscale.
  const { data, info } = await (image.channels === 1 ? resized.toColourspace('b-w') : resized).raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== image.channels) throw new Error(`Resizing a ${image.channels}-channel image gave ${info.channels} channels.`);
  return { width: info.width, height: info.height, channels: image.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** The image as one NCHW sample [channels, height, width]: value = (pixel · scale − mean[c]) / std[c]. */
export async function imageToTensor(image: DecodedImage, p: Preprocessing): Promise<Float32Array> {
  const converted = p.channels === 1 ? toGray(image) : toRgb(image);
  const sized = await resizeImage(converted, p.width, p.height, p.resize);
  const plane = p.width * p.height;
  const out = new Float32Array(p.channels * plane);
  for (let c = 0; c < p.channels; c++) {
    // BGR networks (Caffe, OpenCV) read the channels in reverse order.
    const source = p.channels === 3 && p.colorOrder === 'BGR' ? 2 - c : c;
    const mean = p.mean[c] ?? p.mean[0] ?? 0;
    const std = p.std[c] ?? p.std[0] ?? 1;
    for (let i = 0; i < plane; i++) out[c * plane + i] = (sized.data[i * p.channels + source]! * p.scale - mean) / std;
  }
  return out;
}

/** Several images as one batch [N, C, H, W]. */
export async function imagesToBatch(images: readonly DecodedImage[], p: Preprocessing): Promise<{ dims: number[]; data: Float32Array }> {
  const samples = await Promise.all(images.map((image) => imageToTensor(image, p)));
  const size = p.channels * p.height * p.width;
  const data = new Float32Array(samples.length * size);
  samples.forEach((s, i) => data.set(s, i * size));
  return { dims: [samples.length, p.channels, p.height, p.width], data };
}

export interface TensorSummary {
  name: string;
  dims: number[];
  min: number;
  max: number;
  mean: number;
  std: number;
  /** The first values, at most `firstCount`. */
  first: number[];
}

export function summarizeTensor(name: string, dims: readonly number[], data: ArrayLike<number | bigint>, firstCount = 10): TensorSummary {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]!);
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    squares += v * v;
  }
  const n = Math.max(1, data.length);
  const mean = sum / n;
  const first: number[] = [];
  for (let i = 0; i < Math.min(firstCount, data.length); i++) first.push(Number(data[i]!));
  return { name, dims: [...dims], min, max, mean, std: Math.sqrt(Math.max(0, squares / n - mean * mean)), first };
}

/** Class names, one per line (blank lines at the end ignored). */
export function parseLabels(text: string): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.map((l) => l.trim());
}

/** The ImageNet-1k class names shipped in assets/ (index 0 `tench` … 999 `toilet tissue`). */
export async function loadImagenetLabels(): Promise<string[]> {
  // From the source (electron/services/) or from the bundle (dist/).
  const candidates = ['../../assets/imagenet_classes.txt', '../assets/imagenet_classes.txt'].map((p) => new URL(p, import.meta.url));
  const found = candidates.find((url) => existsSync(fileURLToPath(url)));
  if (!found) throw new Error('assets/imagenet_classes.txt is missing from this installation.');
  return parseLabels(await readFile(found, 'utf8'));
}
