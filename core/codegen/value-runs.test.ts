import { describe, expect, it } from 'vitest';
import { expandValueRuns, valueRuns } from './value-runs.js';

describe('valueRuns', () => {
  it('spells a YOLOv8 anchor grid row by row and a stride table in one run per level', () => {
    const xs: number[] = [];
    const strides: number[] = [];
    for (const [size, stride] of [
      [8, 8],
      [4, 16],
    ] as const)
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          xs.push(x + 0.5);
          strides.push(stride);
        }
    const grid = valueRuns(xs)!;
    expect(grid.period).toBe(1);
    expect(grid.runs.slice(0, 2)).toEqual([
      { start: 0.5, step: 1, count: 8 },
      { start: 0.5, step: 1, count: 8 },
    ]);
    expect(grid.runs).toHaveLength(12);
    expect(expandValueRuns(xs.length, grid)).toEqual(xs);
    expect(valueRuns(strides)).toEqual({
      period: 1,
      runs: [
        { start: 8, step: 0, count: 64 },
        { start: 16, step: 0, count: 16 },
      ],
    });
  });

  it('takes interleaved pairs as two sequences (a YOLOv5 grid of x, y)', () => {
    const grid: number[] = [];
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) grid.push((x - 0.5) * 8, (y - 0.5) * 8);
    const runs = valueRuns(grid)!;
    expect(runs.period).toBe(2);
    expect(runs.runs).toHaveLength(16);
    expect(expandValueRuns(grid.length, runs)).toEqual(grid);
  });

  it('leaves short or irregular values as literals', () => {
    expect(valueRuns([0.5])).toBeUndefined();
    expect(valueRuns(Array.from({ length: 100 }, (_, i) => Math.sin(i)))).toBeUndefined();
  });
});
