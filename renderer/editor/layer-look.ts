/**
 * How layers look and travel in every part of the UI: one accent colour per catalog category (the
 * palette, the node header, the minimap, the exported picture) and the drag type a palette entry carries.
 */
import type { LayerCategory } from '../../core/layers/types.js';

/** One accent colour per catalog category, shared by the palette and the node header. */
export const CATEGORY_COLORS: Record<LayerCategory, string> = {
  'Input / Output': '#4fb477',
  Convolution: '#4c8dff',
  Pooling: '#36b3c9',
  Activation: '#f0a541',
  Normalization: '#b07cff',
  Elementwise: '#e66f8a',
  'Linear algebra': '#5d9cec',
  Shape: '#8ea3b8',
  Reduction: '#d98b5f',
  Resampling: '#4fc1a6',
  Indexing: '#a0a86a',
  Constant: '#9a8f80',
  Type: '#7f8fa6',
  Blocks: '#e0c341',
};

/** The drag payload a palette entry carries (its layer type), dropped on the canvas. */
export const LAYER_DRAG_TYPE = 'application/x-trtstudio-layer';

/** Preset parameters a palette entry carries with its type (a search alias such as `relu`), as JSON. */
export const LAYER_PARAMS_DRAG_TYPE = 'application/x-trtstudio-layer-params';
