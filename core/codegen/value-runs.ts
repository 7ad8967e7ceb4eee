/**
 * Fixed values (anchor grids, strides) spelled compactly in generated code: as arithmetic runs
 * `start + step·i` instead of one literal per value. A YOLOv8 head's 25,200 grid values become a few
 * hundred runs. Values interleaved by pairs (a YOLOv5 grid's x, y) are taken as two sequences,
 * position 0, 2, 4, … then 1, 3, 5, …. Runs are used only when they reproduce every value exactly
 * in double arithmetic (as the generated C++ and Python compute them) and are much shorter.
 */

/** One run: `count` values start, start + step, start + 2·step, … */
export interface ValueRun {
  start: number;
  step: number;
  count: number;
}

/** The values as runs over `period` interleaved sequences, phase after phase. */
export interface ValueRuns {
  period: number;
  runs: ValueRun[];
}

/** Fewer values than this stay literals: the helper call would not be shorter. */
const MIN_VALUES = 64;

function runsOf(values: readonly number[]): ValueRun[] {
  const runs: ValueRun[] = [];
  let i = 0;
  while (i < values.length) {
    const start = values[i]!;
    const step = i + 1 < values.length ? values[i + 1]! - start : 0;
    let count = 1;
    // Every value must be exactly start + step·k, so the generated code recomputes it bit for bit.
    while (i + count < values.length && start + step * count === values[i + count]) count++;
    runs.push({ start, step, count });
    i += count;
  }
  return runs;
}

/** The runs that spell `values`, or undefined when they would not be shorter than the literals (three numbers a run). */
export function valueRuns(values: readonly number[]): ValueRuns | undefined {
  if (values.length < MIN_VALUES) return undefined;
  let best: ValueRuns | undefined;
  for (const period of [1, 2]) {
    if (values.length % period !== 0) continue;
    const phases = Array.from({ length: period }, (_, phase) => values.filter((_, i) => i % period === phase));
    const runs = phases.flatMap(runsOf);
    if (!best || runs.length < best.runs.length) best = { period, runs };
  }
  return best && best.runs.length * 3 <= values.length ? best : undefined;
}

/** The values runs spell, computed as the generated code computes them (for tests). */
export function expandValueRuns(total: number, r: ValueRuns): number[] {
  const sequence = r.runs.flatMap((run) => Array.from({ length: run.count }, (_, i) => run.start + run.step * i));
  const perPhase = total / r.period;
  return Array.from({ length: total }, (_, i) => sequence[(i % r.period) * perPhase + Math.floor(i / r.period)]!);
}
