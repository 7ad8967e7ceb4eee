import { describe, expect, it } from 'vitest';
import { tensorStatistics } from './statistics.js';

describe('tensorStatistics', () => {
  it('computes range, moments and a 32-bin histogram of the finite values, counting NaN and Inf apart', () => {
    const values = new Float32Array([0, 1, 2, 3, NaN, Infinity, -Infinity, 4]);
    const s = tensorStatistics(values);
    expect({ min: s.min, max: s.max, mean: s.mean, nanCount: s.nanCount, infCount: s.infCount }).toEqual({ min: 0, max: 4, mean: 2, nanCount: 1, infCount: 2 });
    expect(s.std).toBeCloseTo(Math.sqrt(2), 12);
    expect(s.histogram).toHaveLength(32);
    expect(s.histogram.reduce((a, b) => a + b, 0)).toBe(5);
    expect([s.histogram[0], s.histogram[8], s.histogram[16], s.histogram[24], s.histogram[31]]).toEqual([1, 1, 1, 1, 1]);
  });

  it('puts a constant tensor in the first bin and gives an empty one zeros', () => {
    expect(tensorStatistics(new Float32Array([5, 5, 5])).histogram[0]).toBe(3);
    expect(tensorStatistics(new Float32Array([NaN]))).toMatchObject({ min: 0, max: 0, mean: 0, std: 0, nanCount: 1 });
  });
});
