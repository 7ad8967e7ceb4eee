import { describe, expect, it } from 'vitest';
import { compareTensors, layerAgreement, unflatten, WORST_COUNT } from './metrics.js';

const f = (...values: number[]) => Float32Array.from(values);

describe('layerAgreement', () => {
  it('max abs error, error relative to the largest |reference|, cosine, and pass within tolerance × max|reference|', () => {
    const a = layerAgreement(f(1, -2, 4.5), [3], f(1, -2, 4), [3], 0.2);
    expect(a.maxAbsError).toBeCloseTo(0.5, 6);
    expect(a.relError).toBeCloseTo(0.125, 6);
    expect(a.cosine).toBeCloseTo((1 + 4 + 18) / Math.sqrt((1 + 4 + 20.25) * (1 + 4 + 16)), 6);
    expect(a.pass).toBe(true);
    expect(a.note).toBeUndefined();
    // 0.5 > 0.1 × 4
    expect(layerAgreement(f(1, -2, 4.5), [3], f(1, -2, 4), [3], 0.1).pass).toBe(false);
  });

  it('passes at exactly the tolerance and uses the largest absolute value, negative ones included', () => {
    const a = layerAgreement(f(0, -7.5), [2], f(0, -8), [2], 0.0625);
    expect(a.maxAbsError).toBe(0.5);
    expect(a.relError).toBe(0.0625);
    expect(a.pass).toBe(true);
  });

  it('compares dims that differ only in 1s ([1, 4, 1, 1] against [1, 4]) element by element', () => {
    expect(layerAgreement(f(1, 2, 3, 4), [1, 4, 1, 1], f(1, 2, 3, 4), [1, 4], 1e-4)).toEqual({ maxAbsError: 0, relError: 0, cosine: 1, pass: true });
  });

  it('a shape mismatch is a failing row with a note, not an error', () => {
    expect(layerAgreement(f(1, 2, 3, 4), [1, 2, 2], f(1, 2, 3, 4, 5, 6), [1, 2, 3], 1e-4)).toEqual({
      maxAbsError: 0,
      relError: 0,
      cosine: 0,
      pass: false,
      note: 'The shapes differ: the network gives [1, 2, 2], the reference holds [1, 2, 3].',
    });
  });

  it('NaN or infinite values fail with a note that counts them; the finite ones still give the numbers', () => {
    const a = layerAgreement(f(1, NaN, 3), [3], f(1, 2, Infinity), [3], 0.5);
    expect(a.pass).toBe(false);
    expect(a.maxAbsError).toBe(0);
    expect(a.note).toBe('The network gives 1 NaN or infinite value(s). The reference holds 1 NaN or infinite value(s).');
  });

  it('an all-zero reference: relative error is the absolute one, and only an exact match passes', () => {
    expect(layerAgreement(f(0, 0), [2], f(0, 0), [2], 1e-4)).toEqual({
      maxAbsError: 0,
      relError: 0,
      cosine: 1,
      pass: true,
      note: 'The reference is all zeros, so the error is absolute.',
    });
    const off = layerAgreement(f(0, 0.25), [2], f(0, 0), [2], 1e-4);
    expect([off.relError, off.cosine, off.pass]).toEqual([0.25, 0, false]);
  });
});

describe('compareTensors', () => {
  it('statistics and histograms over one shared range, and the worst elements with their indices, largest first', () => {
    const reference = Float32Array.from({ length: 24 }, (_, i) => i);
    const actual = Float32Array.from(reference);
    actual[5] = 5.5; // [0, 1, 2]
    actual[23] = 20; // [1, 2, 3]
    const t = compareTensors('conv1', actual, [2, 3, 4], reference, [2, 3, 4]);
    expect(t.layer).toBe('conv1');
    expect(t.worst.slice(0, 2)).toEqual([
      { index: [1, 2, 3], actual: 20, reference: 23, absError: 3 },
      { index: [0, 1, 1], actual: 5.5, reference: 5, absError: 0.5 },
    ]);
    expect(t.worst).toHaveLength(WORST_COUNT);
    expect(t.worst.slice(2).every((w) => w.absError === 0)).toBe(true);
    expect(t.reference).toMatchObject({ dims: [2, 3, 4], min: 0, max: 23, mean: 11.5 });
    expect(t.reference.std).toBeCloseTo(Math.sqrt((24 * 24 - 1) / 12), 6);
    expect(t.actual.max).toBe(22);
    expect(t.actual.histogram.edges).toEqual(t.reference.histogram.edges);
    expect(t.reference.histogram.edges[0]).toBe(0);
    expect(t.reference.histogram.edges.at(-1)).toBe(23);
    expect(t.reference.histogram.counts.reduce((a, b) => a + b, 0)).toBe(24);
  });

  it('no worst elements when the shapes differ', () => {
    expect(compareTensors('fc', f(1, 2), [2], f(1, 2, 3), [3]).worst).toEqual([]);
  });

  it('a NaN counts as the largest error and is shown as the largest float (JSON has no NaN)', () => {
    const t = compareTensors('x', f(1, NaN), [2], f(1, 2), [2]);
    expect(t.worst[0]).toEqual({ index: [1], actual: Number.MAX_VALUE, reference: 2, absError: Number.MAX_VALUE });
  });
});

describe('unflatten', () => {
  it('gives C-order indices', () => {
    expect(unflatten(0, [2, 3, 4])).toEqual([0, 0, 0]);
    expect(unflatten(23, [2, 3, 4])).toEqual([1, 2, 3]);
    expect(unflatten(13, [2, 3, 4])).toEqual([1, 0, 1]);
  });
});
