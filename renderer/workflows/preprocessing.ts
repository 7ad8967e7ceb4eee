/**
 * The run panel's preprocessing presets, as the host applies them (electron/services/images.ts keeps
 * the same table): value = (pixel · scale − mean[c]) / std[c].
 */
import type { Preprocessing } from '../../core/api/job-schemas.js';

export const PREPROCESSING_PRESETS: Record<'imagenet' | 'mnist', Preprocessing> = {
  imagenet: {
    preset: 'imagenet',
    width: 224,
    height: 224,
    channels: 3,
    colorOrder: 'RGB',
    resize: 'center-crop',
    scale: 1 / 255,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  },
  mnist: { preset: 'mnist', width: 32, height: 32, channels: 1, colorOrder: 'RGB', resize: 'stretch', scale: 1 / 255, mean: [0.5], std: [0.5] },
};

/**
 * The preset that fits a network input: one channel means digits (MNIST style), otherwise ImageNet;
 * the size follows the input's last two dims when they are fixed.
 */
export function presetForInput(dims: readonly number[] | undefined): Preprocessing {
  const channels = dims && dims.length === 4 ? dims[1] : undefined;
  const base = channels === 1 ? PREPROCESSING_PRESETS.mnist : PREPROCESSING_PRESETS.imagenet;
  const h = dims?.[dims.length - 2];
  const w = dims?.[dims.length - 1];
  if (dims && dims.length === 4 && h !== undefined && w !== undefined && h > 0 && w > 0 && (h !== base.height || w !== base.width))
    return { ...base, height: h, width: w };
  return base;
}

/** Parse `0.485, 0.456, 0.406` into one number per channel, or say what is wrong. */
export function parseChannelList(text: string, channels: number, what: string): { ok: true; value: number[] } | { ok: false; message: string } {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const values = parts.map(Number);
  if (values.length !== channels || values.some((v) => !Number.isFinite(v)))
    return { ok: false, message: `${what} needs ${channels} number${channels === 1 ? '' : 's'} (one per channel), got "${text}".` };
  if (what === 'std' && values.some((v) => v === 0)) return { ok: false, message: `std must not contain 0 (it divides), got "${text}".` };
  return { ok: true, value: values };
}
