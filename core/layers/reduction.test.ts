import { describe, expect, it } from 'vitest';
import { axesMask } from '../shapes/dims.js';
import { outDims, runLayer, tensor } from './testing.js';

describe('addReduce', () => {
  it('keeps or drops the reduced axes', () => {
    expect(outDims('addReduce', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, { input: tensor([1, 512, 7, 7]) })).toEqual([1, 512, 1, 1]);
    expect(outDims('addReduce', { operation: 'AVG', axes: [2, 3], keepDimensions: false }, { input: tensor([1, 512, 7, 7]) })).toEqual([1, 512]);
    expect(outDims('addReduce', { operation: 'SUM', axes: [-1], keepDimensions: false }, { input: tensor([4, 5, 6]) })).toEqual([4, 5]);
    expect(outDims('addReduce', { operation: 'MAX', axes: [0, 1, 2], keepDimensions: false }, { input: tensor([4, 5, 6]) })).toEqual([]);
  });
  it('rejects invalid axes with exact messages', () => {
    expect(runLayer('addReduce', { axes: [2, -2] }, { input: tensor([1, 3, 4, 4]) }).error).toEqual({
      message: 'axes [2, -2] names axis -2 twice',
      field: 'axes',
    });
    expect(runLayer('addReduce', { axes: [4] }, { input: tensor([1, 3, 4, 4]) }).error).toEqual({
      message: 'axis 4 is out of range for a tensor of rank 4',
      field: 'axes',
    });
    expect(runLayer('addReduce', {}, { input: tensor([1, 3, 4, 4], 'BOOL') }).error?.message).toBe('addReduce does not take a BOOL input');
  });
  it('turns axes into the bitmask TensorRT takes', () => {
    expect(axesMask([2, 3])).toBe(12);
    expect(axesMask([0])).toBe(1);
  });
});

describe('addTopK', () => {
  it('gives values and indices with k along the axis', () => {
    const run = runLayer('addTopK', { operation: 'MAX', k: 5, axes: [-1] }, { input: tensor([2, 1000]) });
    expect(run.outputs.values).toEqual({ dims: [2, 5], dtype: 'FLOAT' });
    expect(run.outputs.indices).toEqual({ dims: [2, 5], dtype: 'INT32' });
    expect(runLayer('addTopK', { k: 1, axes: [1], indicesType: 'INT64' }, { input: tensor([2, 10, 3]) }).outputs.indices).toEqual({
      dims: [2, 1, 3],
      dtype: 'INT64',
    });
  });
  it('rejects invalid combinations with exact messages', () => {
    expect(runLayer('addTopK', { k: 11, axes: [1] }, { input: tensor([2, 10]) }).error).toEqual({
      message: 'k 11 is larger than dimension 1 (10) of [2, 10]',
      field: 'k',
    });
    expect(runLayer('addTopK', { k: 1, axes: [0] }, { input: tensor([2, 3, 4, 5, 6]) }).error?.message).toBe(
      'axis 0 of a rank-5 tensor is not among the last four dimensions',
    );
  });
});
