/** Per-tensor statistics shown in the weights panel and by `trt-studio weights inspect`; computed once per import. */

export const HISTOGRAM_BINS = 32;

export interface TensorStatistics {
  /** Over the finite values; 0 when there are none. */
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation of the finite values. */
  std: number;
  nanCount: number;
  infCount: number;
  /** Counts of finite values in 32 equal bins from min to max (the last bin includes max). */
  histogram: number[];
}

/** One pass for the moments and range, one for the histogram; float64 accumulation keeps the mean exact enough for 100M values. */
export function tensorStatistics(values: Float32Array): TensorStatistics {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nanCount = 0;
  let infCount = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) nanCount++;
    else if (v === Infinity || v === -Infinity) infCount++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
  }
  const finite = values.length - nanCount - infCount;
  const histogram = new Array<number>(HISTOGRAM_BINS).fill(0);
  if (finite === 0) return { min: 0, max: 0, mean: 0, std: 0, nanCount, infCount, histogram };
  const mean = sum / finite;
  let squares = 0;
  const width = max - min;
  const scale = width > 0 ? HISTOGRAM_BINS / width : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) continue; // NaN and ±Infinity
    const d = v - mean;
    squares += d * d;
    const bin = Math.floor((v - min) * scale);
    histogram[bin >= HISTOGRAM_BINS ? HISTOGRAM_BINS - 1 : bin]!++;
  }
  return { min, max, mean, std: Math.sqrt(squares / finite), nanCount, infCount, histogram };
}
