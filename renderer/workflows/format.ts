/** How the workflow panels write sizes, speeds, times and numbers. */

/** `1.5 MB`, `812 KB`, `64 B` (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `12.3 MB/s`. */
export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** `0.042 ms`, `4.20 ms`, `12.5 ms`, `3.2 s`. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** A statistic in a table cell: 4 significant digits, exponent for very small or large values. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(2);
  return Number(value.toPrecision(4)).toString();
}

/** `87.3%`, `99.97%`, `> 99.99%`, `100%`. */
export function formatPercent(fraction: number): string {
  if (fraction === 0 || fraction === 1) return `${fraction * 100}%`;
  // Near-certain classes keep two decimals, so 99.99% is not shown as 100%; closer still is "> 99.99%".
  if (fraction > 0.99995 && fraction < 1) return '> 99.99%';
  return `${(fraction * 100).toFixed(fraction > 0.999 && fraction < 1 ? 2 : 1)}%`;
}

/** `[1, 10]`. */
export function formatDimsList(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

/**
 * The first sentence of a backend's reason for being missing, without a repeated "TensorRT is not
 * available:" (the full text, with its possible solutions, goes in a tooltip).
 */
export function shortReason(detail: string): string {
  const first = detail.split('\n')[0]!.replace(/^TensorRT is not available:\s*/i, '');
  const end = first.search(/\.(\s|$)/);
  return end >= 0 ? first.slice(0, end) : first;
}
