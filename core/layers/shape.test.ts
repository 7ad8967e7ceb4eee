import { describe, expect, it } from 'vitest';
import type { Params } from '../network/types.js';
import { outDims, runLayer, tensor } from './testing.js';

const shuffle = (params: Params, dims: number[]) => outDims('addShuffle', params, { input: tensor(dims) });

describe('addShuffle', () => {
  it('reshapes with 0 (copy) and −1 (infer) placeholders', () => {
    expect(shuffle({ reshapeDimensions: [0, -1] }, [1, 512, 1, 1])).toEqual([1, 512]);
    expect(shuffle({ reshapeDimensions: [0, 0, -1] }, [2, 3, 4, 5])).toEqual([2, 3, 20]);
    expect(shuffle({ reshapeDimensions: [-1, 6] }, [-1, 2, 3])).toEqual([-1, 6]);
    expect(shuffle({ reshapeDimensions: [0, 0], zeroIsPlaceholder: false }, [0, 4])).toEqual([0, 0]);
  });
  it('applies the first transpose before and the second after the reshape', () => {
    expect(shuffle({ firstTranspose: [0, 2, 3, 1] }, [1, 3, 4, 5])).toEqual([1, 4, 5, 3]);
    expect(shuffle({ firstTranspose: [0, 2, 3, 1], reshapeDimensions: [0, -1, 3] }, [1, 3, 4, 5])).toEqual([1, 20, 3]);
    expect(shuffle({ reshapeDimensions: [2, 3, 4], secondTranspose: [2, 0, 1] }, [6, 4])).toEqual([4, 2, 3]);
  });
  it('rejects invalid combinations with exact messages', () => {
    expect(shuffle({ reshapeDimensions: [-1, -1] }, [2, 3])).toBe('error: reshapeDimensions [-1, -1] has more than one −1');
    expect(shuffle({ reshapeDimensions: [4, 2] }, [2, 3])).toBe('error: cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)');
    expect(shuffle({ reshapeDimensions: [-1, 4] }, [2, 3])).toBe('error: cannot reshape [2, 3] (6 elements) to [-1, 4]');
    expect(shuffle({ firstTranspose: [0, 0, 1] }, [2, 3, 4])).toBe('error: [0, 0, 1] is not a permutation of the 3 dimensions of [2, 3, 4]');
    expect(shuffle({ reshapeDimensions: [0, 0, 0] }, [2, 3])).toBe(
      'error: reshape value 0 at position 2 copies an input dimension that does not exist in [2, 3]',
    );
  });
});

describe('addConcatenation', () => {
  it('adds sizes along the axis', () => {
    expect(
      outDims('addConcatenation', { axis: 1 }, { 'inputs.0': tensor([1, 2, 4, 4]), 'inputs.1': tensor([1, 3, 4, 4]), 'inputs.2': tensor([1, 1, 4, 4]) }),
    ).toEqual([1, 6, 4, 4]);
    expect(outDims('addConcatenation', { axis: -1 }, { 'inputs.0': tensor([2, 3]), 'inputs.1': tensor([2, -1]) })).toEqual([2, -1]);
  });
  it('rejects mismatched inputs with exact messages', () => {
    expect(runLayer('addConcatenation', { axis: 1 }, { 'inputs.0': tensor([1, 2, 4, 4]), 'inputs.1': tensor([1, 3, 5, 4]) }).error).toEqual({
      message: 'input 1 [1, 3, 5, 4] differs from input 0 [1, 2, 4, 4] in dimension 2, which is not the concatenation axis 1',
      field: 'inputs.1',
    });
    expect(runLayer('addConcatenation', { axis: 4 }, { 'inputs.0': tensor([1, 2, 4, 4]) }).error).toEqual({
      message: 'axis 4 is out of range for a tensor of rank 4',
      field: 'axis',
    });
  });
});

describe('addPaddingNd', () => {
  it('pads or crops the last two dims', () => {
    expect(outDims('addPaddingNd', { prePadding: [1, 2], postPadding: [3, -1] }, { input: tensor([1, 3, 4, 4]) })).toEqual([1, 3, 8, 5]);
    expect(outDims('addPaddingNd', { prePadding: [1, 1], postPadding: [1, 1] }, { input: tensor([2, 1, 3, -1, 4]) })).toEqual([2, 1, 3, -1, 6]);
  });
  it('rejects invalid combinations with exact messages', () => {
    expect(outDims('addPaddingNd', { prePadding: [-2, 0], postPadding: [-2, 0] }, { input: tensor([1, 3, 4, 4]) })).toBe(
      'error: padding [-2, 0]/[-2, 0] crops dimension 2 (4) to 0',
    );
    expect(outDims('addPaddingNd', {}, { input: tensor([3, 4, 4]) })).toBe('error: addPaddingNd needs an input of rank ≥ 4; got [3, 4, 4]');
  });
});

describe('addShape, addSqueeze, addUnsqueeze', () => {
  it('gives a 1-D INT64 shape tensor', () => {
    expect(runLayer('addShape', {}, { input: tensor([1, 3, 224, 224]) }).outputs.output).toEqual({ dims: [4], dtype: 'INT64' });
  });
  it('squeezes size-1 axes', () => {
    expect(outDims('addSqueeze', { axes: [0, 2] }, { input: tensor([1, 3, 1, 5]) })).toEqual([3, 5]);
    expect(outDims('addSqueeze', { axes: [-1] }, { input: tensor([4, -1]) })).toEqual([4]);
    expect(outDims('addSqueeze', { axes: [1] }, { input: tensor([1, 3, 1, 5]) })).toBe(
      'error: axis 1 of [1, 3, 1, 5] has size 3; only size-1 axes can be squeezed',
    );
    expect(outDims('addSqueeze', { axes: [0, -4] }, { input: tensor([1, 3, 1, 5]) })).toBe('error: axes [0, -4] names axis -4 twice');
  });
  it('unsqueezes at output positions', () => {
    expect(outDims('addUnsqueeze', { axes: [0, -1] }, { input: tensor([3, 5]) })).toEqual([1, 3, 5, 1]);
    expect(outDims('addUnsqueeze', { axes: [1] }, { input: tensor([3, 5]) })).toEqual([3, 1, 5]);
    expect(outDims('addUnsqueeze', { axes: [3] }, { input: tensor([3]) })).toBe('error: axis 3 is out of range for a tensor of rank 2');
  });
});

describe('addIdentity and addCast', () => {
  it('copy the shape; Cast changes the type', () => {
    expect(runLayer('addIdentity', {}, { input: tensor([2, 3], 'HALF') }).outputs.output).toEqual({ dims: [2, 3], dtype: 'HALF' });
    expect(runLayer('addCast', { toType: 'INT32' }, { input: tensor([2, 3]) }).outputs.output).toEqual({ dims: [2, 3], dtype: 'INT32' });
  });
});
