import { utf8Encode } from '../text-codec.js';

/**
 * The parity fixtures' weight formula: every value is a pure function of the tensor's name and the
 * element's flat index, so tests and benchmarks regenerate any model's `.wts` exactly (the fixtures
 * give the SHA-256 of each file) without downloading weights.
 */

/** One `state_dict` entry as the fixtures list it: `[name, shape, dtype]`. */
export type StateDictEntry = [name: string, shape: number[], dtype: string];

/** FNV-1a 32-bit hash of a string's UTF-8 bytes. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of utf8Encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The formula's uniform value u in [-1, 1) for element `index` of a tensor whose name hashes to `seed`. */
export function formulaUniform(seed: number, index: number): number {
  let x = (seed ^ Math.imul(index, 0x9e3779b1)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return ((x >>> 8) / 16777216) * 2 - 1;
}

/** Element count of a shape; a scalar (`[]`) holds one element. */
export function shapeVolume(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The values of one tensor, as float32, following the formula's per-leaf rules. */
export function formulaTensor(name: string, shape: readonly number[], dtype = 'float32'): Float32Array {
  const count = shapeVolume(shape);
  const values = new Float32Array(count);
  // Integer tensors (num_batches_tracked) are 0.
  if (!dtype.startsWith('float')) return values;
  const seed = fnv1a32(name);
  const leaf = name.slice(name.lastIndexOf('.') + 1);
  let scale = 0.1;
  let offset = 0;
  if (leaf === 'running_var') {
    // 1 + 0.25 (u + 1) = 1.25 + 0.25 u
    scale = 0.25;
    offset = 1.25;
  } else if (leaf === 'running_mean') scale = 0.1;
  else if (leaf === 'weight' && shape.length === 1) {
    scale = 0.1;
    offset = 1;
  } else if (leaf === 'bias') scale = 0.05;
  else if (shape.length >= 2) scale = Math.sqrt(6 / shapeVolume(shape.slice(1)));
  for (let i = 0; i < count; i++) {
    const u = formulaUniform(seed, i);
    values[i] = leaf === 'running_var' ? 1 + 0.25 * (u + 1) : offset + scale * u;
  }
  return values;
}

/** The input tensor of a parity run: the formula's u for the name `input`, NCHW. */
export function formulaInput(shape: readonly number[]): Float32Array {
  const count = shapeVolume(shape);
  const values = new Float32Array(count);
  const seed = fnv1a32('input');
  for (let i = 0; i < count; i++) values[i] = formulaUniform(seed, i);
  return values;
}
