/**
 * `images.preview`: the test image as the network will see it. The preview is made from the very
 * tensor a run feeds the network (images.ts `imageToTensor`), with the normalisation undone, so what
 * the user sees is what the backend gets (size, crop, grayscale), shown in display colours.
 */
import sharp from 'sharp';
import type { ImagePreview, Preprocessing } from '../../core/api/job-schemas.js';
import { error, fail, ok, type Result } from '../../core/diagnostics.js';
import { imageToTensor, loadImage } from './images.js';
import type { ServiceModule } from './service-types.js';

/** Preview images larger than this many pixels are refused (a 16384×16384 preview would be a 1 GB PNG). */
export const MAX_PREVIEW_PIXELS = 4096 * 4096;

/** 8-bit interleaved pixels back from an NCHW sample: pixel = (value · std + mean) / scale, in RGB order for display. */
export function tensorToPixels(tensor: Float32Array, p: Preprocessing): Uint8Array {
  const plane = p.width * p.height;
  const out = new Uint8Array(plane * p.channels);
  for (let c = 0; c < p.channels; c++) {
    const mean = p.mean[c] ?? p.mean[0] ?? 0;
    const std = p.std[c] ?? p.std[0] ?? 1;
    // A BGR tensor holds blue first: put it back in the RGB slot for display.
    const target = p.channels === 3 && p.colorOrder === 'BGR' ? 2 - c : c;
    for (let i = 0; i < plane; i++) {
      const pixel = p.scale !== 0 ? (tensor[c * plane + i]! * std + mean) / p.scale : 0;
      out[i * p.channels + target] = Math.max(0, Math.min(255, Math.round(pixel)));
    }
  }
  return out;
}

/** Decode, preprocess and encode as a PNG data URL; `width`/`height` are the original image's size. */
export async function previewImage(path: string, p: Preprocessing): Promise<Result<ImagePreview>> {
  if (p.width * p.height > MAX_PREVIEW_PIXELS)
    return fail(
      error('image.preview.size', `A preview of ${p.width}×${p.height} pixels is too large; previews are limited to ${MAX_PREVIEW_PIXELS} pixels.`, {
        detail: path,
      }),
    );
  const image = await loadImage(path);
  if (!image.ok) return image;
  const tensor = await imageToTensor(image.value, p);
  const pixels = tensorToPixels(tensor, p);
  const png = await sharp(pixels, { raw: { width: p.width, height: p.height, channels: p.channels } })
    .toColourspace(p.channels === 1 ? 'b-w' : 'srgb')
    .png()
    .toBuffer();
  return ok({ path, width: image.value.width, height: image.value.height, previewDataUrl: `data:image/png;base64,${png.toString('base64')}` });
}

export const imagesModule: ServiceModule = {
  name: 'images',
  handlers: (ctx) => ({
    'images.preview': async ({ path, preprocessing }) => {
      const checked = await ctx.files.check(path, 'read');
      if (!checked.ok) return checked;
      const preview = await previewImage(checked.value, preprocessing);
      // Answer with the path as the caller named it, so the UI can match the preview to its list entry.
      return preview.ok ? ok({ ...preview.value, path }) : preview;
    },
  }),
};
