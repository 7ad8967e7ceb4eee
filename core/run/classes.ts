/**
 * Reading network outputs as classes, one rule for the app and the CLI: an output holds class
 * scores when its dims are [N, K] or [N, K, 1, 1] with K > 1; logits go through a softmax,
 * probabilities are used as they are; ImageNet's names apply to 1,000 classes.
 */

/** Classes of the ImageNet-1k label file the host ships. */
export const IMAGENET_CLASSES = 1000;

export interface TopClass {
  index: number;
  label?: string;
  probability: number;
}

/** Class scores per sample: K for dims [N, K] or [N, K, 1, 1] with K > 1, else undefined. */
export function classCount(dims: readonly number[]): number | undefined {
  if (dims.length < 2 || dims[1]! < 2 || dims.slice(2).some((d) => d !== 1)) return undefined;
  return dims[1];
}

/** Whether values already are probabilities (a softmax output): in [0, 1] and summing to 1. */
export function isProbabilities(values: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}

/** Softmax in float64 with the max subtracted, as PyTorch computes it. */
export function softmax(values: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += out[i] = Math.exp(values[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** The k most probable classes of one sample's scores. */
export function topK(scores: ArrayLike<number>, k: number, labels?: readonly string[]): TopClass[] {
  const probabilities = isProbabilities(scores) ? Float64Array.from(scores as ArrayLike<number>) : softmax(scores);
  const order = [...probabilities.keys()].sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  return order.slice(0, k).map((index) => {
    const label = labels?.[index];
    return { index, ...(label !== undefined ? { label } : {}), probability: probabilities[index]! };
  });
}

/**
 * The top classes of every sample of a class output (see classCount), or undefined for any other
 * output; `labels` name the classes when given.
 */
export function topPerSample(dims: readonly number[], data: Float32Array, k: number, labels?: readonly string[]): TopClass[][] | undefined {
  const classes = classCount(dims);
  if (classes === undefined) return undefined;
  const samples = Math.floor(data.length / classes);
  return Array.from({ length: samples }, (_, i) => topK(data.subarray(i * classes, (i + 1) * classes), Math.min(k, classes), labels));
}
