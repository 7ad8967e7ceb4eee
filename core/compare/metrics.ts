/**
 * How one layer's output agrees with its reference: the largest absolute error, that error relative
 * to the reference's largest absolute value, the cosine similarity, and pass or fail against a
 * tolerance (pass iff maxAbsError ≤ tolerance × max|reference|). Also the two tensors summarised for
 * the side-by-side view: statistics, histograms over one shared range, and the worst elements.
 */
import type { CompareTensors } from '../api/compare-schemas.js';
import { formatShape } from '../weights/tensor-file.js';

export interface LayerAgreement {
  maxAbsError: number;
  /** maxAbsError / max|reference|; maxAbsError itself when the reference is all zeros. */
  relError: number;
  cosine: number;
  pass: boolean;
  /** Why the numbers alone do not tell (shapes differ, NaN or infinite values), in plain words. */
  note?: string;
}

/** Bins of the side-by-side histograms. */
export const SUMMARY_BINS = 32;
/** Elements listed with their indices, largest error first. */
export const WORST_COUNT = 20;

/** The dims without their 1s: `[1, 1000, 1, 1]` and `[1, 1000]` hold the same values in the same order. */
function squeezed(dims: readonly number[]): string {
  return dims.filter((d) => d !== 1).join(',');
}

/** How the note of a row whose tensors cannot be compared element by element begins (its numbers are then 0). */
export const SHAPES_DIFFER = 'The shapes differ';

/** Why two tensors cannot be compared element by element, or undefined when they can. */
export function shapeMismatch(actualDims: readonly number[], referenceDims: readonly number[]): string | undefined {
  if (squeezed(actualDims) === squeezed(referenceDims)) return undefined;
  return `${SHAPES_DIFFER}: the network gives ${formatShape(actualDims)}, the reference holds ${formatShape(referenceDims)}.`;
}

function countNonFinite(values: Float32Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) n++;
  return n;
}

/** Compare a layer's output with its reference; a shape mismatch or a non-finite value fails with a note. */
export function layerAgreement(
  actual: Float32Array,
  actualDims: readonly number[],
  reference: Float32Array,
  referenceDims: readonly number[],
  tolerance: number,
): LayerAgreement {
  const mismatch = shapeMismatch(actualDims, referenceDims);
  if (mismatch !== undefined || actual.length !== reference.length)
    return {
      maxAbsError: 0,
      relError: 0,
      cosine: 0,
      pass: false,
      note: mismatch ?? `${SHAPES_DIFFER}: the network gives ${actual.length} values, the reference holds ${reference.length}.`,
    };
  let maxAbs = 0;
  let maxRef = 0;
  let dot = 0;
  let na = 0;
  let nr = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const r = reference[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(r)) continue;
    const e = Math.abs(a - r);
    if (e > maxAbs) maxAbs = e;
    if (Math.abs(r) > maxRef) maxRef = Math.abs(r);
    dot += a * r;
    na += a * a;
    nr += r * r;
  }
  const cosine = na > 0 && nr > 0 ? dot / Math.sqrt(na * nr) : na === nr ? 1 : 0;
  const relError = maxRef > 0 ? maxAbs / maxRef : maxAbs;
  const notes: string[] = [];
  const badActual = countNonFinite(actual);
  const badReference = countNonFinite(reference);
  if (badActual > 0) notes.push(`The network gives ${badActual} NaN or infinite value(s).`);
  if (badReference > 0) notes.push(`The reference holds ${badReference} NaN or infinite value(s).`);
  if (maxRef === 0 && badReference === 0) notes.push('The reference is all zeros, so the error is absolute.');
  const pass = badActual === 0 && badReference === 0 && maxAbs <= tolerance * maxRef;
  return { maxAbsError: maxAbs, relError, cosine, pass, ...(notes.length > 0 ? { note: notes.join(' ') } : {}) };
}

type Summary = CompareTensors['actual'];

/** Statistics of the finite values and a histogram over [lo, hi] (the range both tensors share). */
function summarize(values: Float32Array, dims: readonly number[], lo: number, hi: number): Summary {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    finite++;
  }
  const mean = finite > 0 ? sum / finite : 0;
  let squares = 0;
  const counts = new Array<number>(SUMMARY_BINS).fill(0);
  const scale = hi > lo ? SUMMARY_BINS / (hi - lo) : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    squares += (v - mean) * (v - mean);
    const bin = Math.floor((v - lo) * scale);
    counts[Math.min(SUMMARY_BINS - 1, Math.max(0, bin))]!++;
  }
  const edges = Array.from({ length: SUMMARY_BINS + 1 }, (_, k) => lo + ((hi - lo) * k) / SUMMARY_BINS);
  return {
    dims: [...dims],
    min: finite > 0 ? min : 0,
    max: finite > 0 ? max : 0,
    mean,
    std: finite > 0 ? Math.sqrt(squares / finite) : 0,
    histogram: { edges, counts },
  };
}

/** The index of flat element `flat` in a C-order array of `dims`. */
export function unflatten(flat: number, dims: readonly number[]): number[] {
  const index = new Array<number>(dims.length).fill(0);
  for (let k = dims.length - 1; k >= 0; k--) {
    const d = dims[k]!;
    index[k] = d > 0 ? flat % d : 0;
    flat = d > 0 ? Math.floor(flat / d) : 0;
  }
  return index;
}

/** The elements with the largest absolute errors, largest first (NaN counts as the largest error). */
function worstElements(actual: Float32Array, reference: Float32Array, dims: readonly number[]): CompareTensors['worst'] {
  const n = Math.min(actual.length, reference.length);
  // A small sorted list beats sorting millions of errors.
  const top: { i: number; e: number }[] = [];
  for (let i = 0; i < n; i++) {
    const raw = Math.abs(actual[i]! - reference[i]!);
    const e = Number.isNaN(raw) ? Infinity : raw;
    if (top.length === WORST_COUNT && e <= top[WORST_COUNT - 1]!.e) continue;
    let at = top.length;
    while (at > 0 && top[at - 1]!.e < e) at--;
    top.splice(at, 0, { i, e });
    if (top.length > WORST_COUNT) top.pop();
  }
  // JSON has no NaN or Infinity: a non-finite value is shown as the largest float.
  const shown = (v: number) => (Number.isFinite(v) ? v : Number.isNaN(v) ? Number.MAX_VALUE : Math.sign(v) * Number.MAX_VALUE);
  return top.map(({ i }) => ({
    index: unflatten(i, dims),
    actual: shown(actual[i]!),
    reference: shown(reference[i]!),
    absError: shown(Math.abs(actual[i]! - reference[i]!)),
  }));
}

/** Both tensors of a compared layer for the side-by-side view; indices follow the network's dims. */
export function compareTensors(
  layer: string,
  actual: Float32Array,
  actualDims: readonly number[],
  reference: Float32Array,
  referenceDims: readonly number[],
): CompareTensors {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of [actual, reference])
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (lo > hi) lo = hi = 0;
  const comparable = shapeMismatch(actualDims, referenceDims) === undefined && actual.length === reference.length;
  return {
    layer,
    actual: summarize(actual, actualDims, lo, hi),
    reference: summarize(reference, referenceDims, lo, hi),
    worst: comparable ? worstElements(actual, reference, actualDims) : [],
  };
}
