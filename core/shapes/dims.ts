/** Dimension arithmetic shared by the layer catalog. `-1` is a dynamic dimension and stays dynamic. */
import { fail } from '../layers/types.js';

const DYNAMIC = -1;

export function volume(dims: readonly number[]): number {
  let v = 1;
  for (const d of dims) v *= d;
  return v;
}

export function formatDims(dims: readonly number[]): string {
  return `[${dims.map((d) => (d < 0 ? '?' : String(d))).join(', ')}]`;
}

/** Dims as a person types them: numbers separated by commas, spaces or ×; the caller checks the values (NaN for a word). */
export function parseDimsText(text: string): number[] {
  return text
    .split(/[\s,×x]+/)
    .filter(Boolean)
    .map(Number);
}

/**
 * An input's dims with the ONNX names of its dynamic dimensions in their place:
 * `[batch, 3, 224, 224]`; a dynamic dimension without a name shows as `?`.
 */
export function formatInputDims(dims: readonly number[], dimNames?: readonly string[]): string {
  return `[${dims.map((d, axis) => (d < 0 ? dimNames?.[axis] || '?' : String(d))).join(', ')}]`;
}

/** Apply `f` to a dimension unless it is dynamic. */
export function mapDim(d: number, f: (d: number) => number): number {
  return d < 0 ? DYNAMIC : f(d);
}

/** Normalise a possibly negative axis against a rank, or fail naming the parameter. */
export function normaliseAxis(axis: number, rank: number, field: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(`axis ${axis} is out of range for a tensor of rank ${rank}`, field);
  return a;
}

/**
 * TensorRT broadcasting (elementwise, select, matrix-multiply batch dims): ranks must be equal and
 * each pair of dims equal or one of them 1.
 */
export function broadcastDims(a: readonly number[], b: readonly number[], what = 'inputs'): number[] {
  if (a.length !== b.length) fail(`${what} must have the same rank; got ${formatDims(a)} (rank ${a.length}) and ${formatDims(b)} (rank ${b.length})`);
  return a.map((x, i) => {
    const y = b[i]!;
    if (x === y) return x;
    if (x === 1) return y;
    if (y === 1) return x;
    if (x < 0 || y < 0) return x < 0 ? y : x;
    return fail(`${what} ${formatDims(a)} and ${formatDims(b)} cannot be broadcast: dimension ${i} is ${x} and ${y}`);
  });
}

/** Normalise a list of axes against a rank; duplicates (after normalising) fail naming the parameter. */
export function normaliseAxes(axes: readonly number[], rank: number, field: string): number[] {
  const out = axes.map((a) => normaliseAxis(a, rank, field));
  const seen = new Set<number>();
  for (const [i, a] of out.entries()) {
    if (seen.has(a)) fail(`${field} ${formatList(axes)} names axis ${axes[i]!} twice`, field);
    seen.add(a);
  }
  return out;
}

/** The `uint32` bitmask TensorRT's setAxes/setReduceAxes take, from normalised axis indices. */
export function axesMask(axes: readonly number[]): number {
  let mask = 0;
  for (const a of axes) mask |= 1 << a;
  return mask >>> 0;
}

/** A parameter list as written, negatives kept (formatDims would show −1 as a dynamic `?`). */
export function formatList(values: readonly number[]): string {
  return `[${values.join(', ')}]`;
}
