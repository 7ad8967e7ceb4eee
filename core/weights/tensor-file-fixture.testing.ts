/**
 * What fixtures/weights/dtypes.safetensors, dtypes.npz and dtypes-compressed.npz hold (written by
 * safetensors 0.8 and numpy 2.4 from the same arrays, see fixtures/README.md), as float32: the
 * integers and booleans converted, float64 rounded.
 */
export const DTYPES_FIXTURE: Record<string, { shape: number[]; values: number[] }> = {
  'conv.weight': { shape: [2, 1, 2, 2], values: [0.5, -1.25, 3, Math.fround(1e-3), -0, 2 ** -20, 7, -8.5] },
  half: { shape: [3], values: [1, -2.5, 65504] },
  double: { shape: [2], values: [Math.fround(0.1), Math.fround(1 / 3)] },
  'bn.num_batches_tracked': { shape: [], values: [12345] },
  'big.int64': { shape: [2], values: [2 ** 40, -3] },
  int32: { shape: [2, 2], values: [-7, 0, 2 ** 31, -(2 ** 31)] },
  int8: { shape: [3], values: [-128, 0, 127] },
  uint8: { shape: [3], values: [0, 200, 255] },
  mask: { shape: [4], values: [1, 0, 0, 1] },
};
