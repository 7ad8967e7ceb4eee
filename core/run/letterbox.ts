/**
 * Ultralytics' letterbox: scale the image to fit the network input keeping its aspect ratio, resize
 * bilinearly, pad the rest with grey 114 split evenly between the two sides; and the inverse that maps
 * boxes found in the padded input back to original-image pixels.
 */

/** The grey that fills the padding (ultralytics' LetterBox and tensorrtx's preprocess both use 114). */
export const LETTERBOX_PAD_VALUE = 114;

/** Python's built-in round: halves go to the even neighbour (round(2.5) = 2, round(3.5) = 4). */
export function pythonRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Where the resized image sits inside the padded input. */
export interface LetterboxGeometry {
  /** The scale from original to input pixels: min(targetHeight / height, targetWidth / width). */
  scale: number;
  /** The resized image's size before padding. */
  resizedWidth: number;
  resizedHeight: number;
  /** Padding on each side, in input pixels. */
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * The geometry as ultralytics' LetterBox computes it (auto off, scale-up allowed, centred):
 * new size = (round(w·r), round(h·r)); half the leftover on each side, left/top = round(d − 0.1) and
 * right/bottom = round(d + 0.1), so an odd leftover puts the extra pixel on the right or bottom.
 */
export function letterboxGeometry(width: number, height: number, targetWidth: number, targetHeight: number): LetterboxGeometry {
  const scale = Math.min(targetHeight / height, targetWidth / width);
  const resizedWidth = pythonRound(width * scale);
  const resizedHeight = pythonRound(height * scale);
  const dw = (targetWidth - resizedWidth) / 2;
  const dh = (targetHeight - resizedHeight) / 2;
  return {
    scale,
    resizedWidth,
    resizedHeight,
    left: pythonRound(dw - 0.1),
    right: pythonRound(dw + 0.1),
    top: pythonRound(dh - 0.1),
    bottom: pythonRound(dh + 0.1),
  };
}

/** An 8-bit image, channels interleaved (HWC). */
export interface PixelImage {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/**
 * Bilinear resize with OpenCV's INTER_LINEAR geometry: pixel centres aligned (source x = (x + 0.5)·sx − 0.5,
 * clamped to the edge), two taps per axis, no anti-aliasing when shrinking. OpenCV computes 8-bit images in
 * 11-bit fixed point; this computes in floating point and rounds once, so a value can differ from
 * cv2.resize's by 1 (of 255) where the fixed-point weights round the other way: about one value in nine
 * on the random images of letterbox-cv2.json, never by more than 1. (OpenCV also switches to INTER_AREA
 * when shrinking by exactly 2 on both axes; this does not.)
 */
export function resizeBilinear(image: PixelImage, width: number, height: number): PixelImage {
  const { channels } = image;
  const out = new Uint8Array(width * height * channels);
  const taps = (size: number, sourceSize: number) => {
    const scale = sourceSize / size;
    const lo = new Int32Array(size);
    const hi = new Int32Array(size);
    const frac = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      let s = (i + 0.5) * scale - 0.5;
      if (s < 0) s = 0;
      const f = Math.floor(s);
      lo[i] = Math.min(f, sourceSize - 1);
      hi[i] = Math.min(f + 1, sourceSize - 1);
      frac[i] = f >= sourceSize - 1 ? 0 : s - f;
    }
    return { lo, hi, frac };
  };
  const xs = taps(width, image.width);
  const ys = taps(height, image.height);
  const src = image.data;
  const rowStride = image.width * channels;
  for (let y = 0; y < height; y++) {
    const r0 = ys.lo[y]! * rowStride;
    const r1 = ys.hi[y]! * rowStride;
    const fy = ys.frac[y]!;
    for (let x = 0; x < width; x++) {
      const c0 = xs.lo[x]! * channels;
      const c1 = xs.hi[x]! * channels;
      const fx = xs.frac[x]!;
      for (let c = 0; c < channels; c++) {
        const top = src[r0 + c0 + c]! * (1 - fx) + src[r0 + c1 + c]! * fx;
        const bottom = src[r1 + c0 + c]! * (1 - fx) + src[r1 + c1 + c]! * fx;
        out[(y * width + x) * channels + c] = Math.min(255, Math.max(0, Math.round(top * (1 - fy) + bottom * fy)));
      }
    }
  }
  return { width, height, channels, data: out };
}

/** The letterboxed image of the target size: resized (unless already that size) and padded with 114. */
export function letterboxImage(image: PixelImage, targetWidth: number, targetHeight: number): PixelImage {
  const g = letterboxGeometry(image.width, image.height, targetWidth, targetHeight);
  const resized = g.resizedWidth === image.width && g.resizedHeight === image.height ? image : resizeBilinear(image, g.resizedWidth, g.resizedHeight);
  const { channels } = image;
  const out = new Uint8Array(targetWidth * targetHeight * channels).fill(LETTERBOX_PAD_VALUE);
  for (let y = 0; y < g.resizedHeight; y++) {
    const row = resized.data.subarray(y * g.resizedWidth * channels, (y + 1) * g.resizedWidth * channels);
    out.set(row, ((y + g.top) * targetWidth + g.left) * channels);
  }
  return { width: targetWidth, height: targetHeight, channels, data: out };
}

/** A box as corners [x1, y1, x2, y2]. */
export type Box = [number, number, number, number];

/**
 * A box found in the letterboxed input, in original-image pixels: subtract the left/top padding the
 * letterbox added, divide by the scale, clip to [0, width] × [0, height]. Ultralytics' scale_boxes
 * recomputes the padding from the unrounded size (round((target − size·gain) / 2 − 0.1)), which can be one
 * input pixel off the padding LetterBox actually added (300×200 into 640: 107 against 106); this uses the
 * padding that was added.
 */
export function boxToOriginal(box: readonly number[], width: number, height: number, targetWidth: number, targetHeight: number): Box {
  const g = letterboxGeometry(width, height, targetWidth, targetHeight);
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return [
    clip((box[0]! - g.left) / g.scale, width),
    clip((box[1]! - g.top) / g.scale, height),
    clip((box[2]! - g.left) / g.scale, width),
    clip((box[3]! - g.top) / g.scale, height),
  ];
}
