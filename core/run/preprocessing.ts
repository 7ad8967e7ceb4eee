/**
 * The preprocessing presets of test images, one table for the host, the run panel and the CLI:
 * value = (pixel · scale − mean[c]) / std[c], laid out NCHW.
 */
import type { Preprocessing } from '../api/job-schemas.js';

export type PresetName = 'imagenet' | 'mnist' | 'letterbox';

/** The preset names, in the order the run panel and the CLI offer them. */
export const PRESET_NAMES: readonly PresetName[] = ['imagenet', 'mnist', 'letterbox'];

export const PREPROCESSING_PRESETS: Readonly<Record<PresetName, Preprocessing>> = {
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
  // MNIST-style digits: grayscale, x/255, then (x − 0.5) / 0.5 as the LeNet-5 fixture was trained.
  mnist: { preset: 'mnist', width: 32, height: 32, channels: 1, colorOrder: 'RGB', resize: 'stretch', scale: 1 / 255, mean: [0.5], std: [0.5] },
  // Ultralytics' YOLO input: aspect kept, padded with 114 to the input size (letterbox.ts), RGB, x/255, no mean or std.
  letterbox: {
    preset: 'letterbox',
    width: 640,
    height: 640,
    channels: 3,
    colorOrder: 'RGB',
    resize: 'letterbox',
    scale: 1 / 255,
    mean: [0, 0, 0],
    std: [1, 1, 1],
  },
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

/**
 * A named preset (or the one the channels suggest) sized to an input of dims [N, 1 or 3, H, W];
 * a string says why images cannot feed the input.
 */
export function presetSizedFor(dims: readonly number[], preset: PresetName | undefined): Preprocessing | string {
  if (dims.length !== 4 || (dims[1] !== 1 && dims[1] !== 3) || dims[2]! < 1 || dims[3]! < 1)
    return `images need an input of dims [N, 1 or 3, H, W], but it is [${dims.join(', ')}]`;
  const channels = dims[1] as 1 | 3;
  const base = PREPROCESSING_PRESETS[preset ?? (channels === 1 ? 'mnist' : 'imagenet')];
  return { ...base, channels, height: dims[2]!, width: dims[3]! };
}
