import { describe, expect, it } from 'vitest';
import type { Params } from '../network/types.js';
import { outDims, runLayer, tensor } from './testing.js';

const norm = (params: Params, input: number[], scale: number[]) =>
  outDims('addNormalizationV2', params, { input: tensor(input), scale: tensor(scale), bias: tensor(scale) });

describe('addScale, addSoftMax, BatchNorm2d', () => {
  it('count CHANNEL and ELEMENTWISE weights from the channel axis', () => {
    expect(runLayer('addScale', { mode: 'CHANNEL' }, { input: tensor([1, 64, 8, 8]) }).weights.map((w) => w.count)).toEqual([64, 64, 64]);
    expect(runLayer('addScale', { mode: 'ELEMENTWISE' }, { input: tensor([1, 4, 2, 2]) }).weights[0]!.shape).toEqual([4, 2, 2]);
    expect(runLayer('addScale', { mode: 'UNIFORM' }, { input: tensor([1, 4, 2]) }).error?.message).toBe(
      'addScale needs an input of at least 4 dims; got [1, 4, 2]',
    );
    expect(outDims('addSoftMax', { axes: [-1] }, { input: tensor([1, 1000]) })).toEqual([1, 1000]);
    expect(runLayer('BatchNorm2d', {}, { input: tensor([1, 64, 8, 8]) }).weights.map((w) => [w.name, w.count])).toEqual([
      ['weight', 64],
      ['bias', 64],
      ['running_mean', 64],
      ['running_var', 64],
    ]);
  });
});

describe('addLRN', () => {
  it('keeps the shape and needs an odd window', () => {
    expect(outDims('addLRN', { window: 5 }, { input: tensor([1, 96, 55, 55]) })).toEqual([1, 96, 55, 55]);
    expect(runLayer('addLRN', { window: 4 }, { input: tensor([1, 96, 55, 55]) }).error).toEqual({ message: 'window 4 must be odd', field: 'window' });
    expect(outDims('addLRN', {}, { input: tensor([96, 55]) })).toBe('error: addLRN needs an input of rank ≥ 3; got [96, 55]');
  });
});

describe('addNormalizationV2', () => {
  it('handles instance, group and layer normalization', () => {
    expect(norm({ axes: [2, 3] }, [1, 8, 4, 4], [1, 8, 1, 1])).toEqual([1, 8, 4, 4]);
    expect(norm({ axes: [2, 3], nbGroups: 4 }, [1, 8, 4, 4], [1, 8, 1, 1])).toEqual([1, 8, 4, 4]);
    expect(norm({ axes: [-1] }, [2, 5, 16], [1, 1, 16])).toEqual([2, 5, 16]);
  });
  it('rejects invalid combinations with exact messages', () => {
    expect(norm({ axes: [2, 3], nbGroups: 3 }, [1, 8, 4, 4], [1, 8, 1, 1])).toBe('error: input channels 8 are not divisible by nbGroups 3');
    expect(norm({ axes: [3], nbGroups: 2 }, [1, 8, 4, 4], [1, 8, 1, 1])).toBe(
      'error: group normalization normalises over the spatial axes [2, 3]; got axes [3]',
    );
    expect(norm({ axes: [-1] }, [2, 5, 16], [16])).toBe("error: scale [16] must have the input's rank 3");
    expect(norm({ axes: [-1] }, [2, 5, 16], [1, 1, 8])).toBe('error: scale [1, 1, 8] does not broadcast to the input [2, 5, 16] in dimension 2');
  });
});
