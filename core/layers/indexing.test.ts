import { describe, expect, it } from 'vitest';
import type { Params } from '../network/types.js';
import { outDims, runLayer, tensor } from './testing.js';

const gather = (params: Params, data: number[], indices: number[], indexType = 'INT32') =>
  outDims('addGatherV2', params, { data: tensor(data), indices: tensor(indices, indexType as 'INT32') });

describe('addSlice', () => {
  it('outputs size; STRICT_BOUNDS reads stay inside', () => {
    expect(outDims('addSlice', { start: [0, 0, 2, 2], size: [1, 3, 4, 4], stride: [1, 1, 1, 1] }, { input: tensor([1, 3, 8, 8]) })).toEqual([1, 3, 4, 4]);
    expect(outDims('addSlice', { start: [0, 7], size: [2, 4], stride: [1, -2] }, { input: tensor([2, 8]) })).toEqual([2, 4]);
    expect(outDims('addSlice', { start: [0, 0], size: [2, 16], stride: [1, 1], mode: 'WRAP' }, { input: tensor([2, 8]) })).toEqual([2, 16]);
    expect(outDims('addSlice', { start: [0, -2], size: [2, 12], stride: [1, 1], mode: 'FILL' }, { input: tensor([2, 8]), fillValue: tensor([]) })).toEqual([
      2, 12,
    ]);
  });
  it('rejects invalid combinations with exact messages', () => {
    expect(runLayer('addSlice', { start: [0, 6], size: [2, 2], stride: [1, 2] }, { input: tensor([2, 8]) }).error).toEqual({
      message: 'dimension 1 reads indices 6 to 8 of an extent of 8; STRICT_BOUNDS needs them within 0 to 7 (use CLAMP, WRAP, FILL or REFLECT to read outside)',
      field: 'start',
    });
    expect(outDims('addSlice', { start: [0], size: [2, 2], stride: [1, 1] }, { input: tensor([2, 8]) })).toBe(
      'error: start [0] has 1 values but the input [2, 8] has rank 2',
    );
    expect(outDims('addSlice', { start: [0, 0], size: [1, 1], stride: [1, 1] }, { input: tensor([2, 8]), fillValue: tensor([]) })).toBe(
      'error: a fillValue input is used only in FILL mode, not STRICT_BOUNDS',
    );
  });
});

describe('addGatherV2', () => {
  it('DEFAULT replaces the axis with the indices dims', () => {
    expect(gather({ mode: 'DEFAULT', axis: 1 }, [5, 4, 3], [2, 6])).toEqual([5, 2, 6, 3]);
    expect(gather({ mode: 'DEFAULT', axis: 0 }, [1000, 64], [])).toEqual([64]);
    expect(gather({ mode: 'DEFAULT', axis: -1 }, [5, 4], [7], 'INT64')).toEqual([5, 7]);
  });
  it('DEFAULT with one elementwise dim broadcasts it', () => {
    expect(gather({ mode: 'DEFAULT', axis: 1, nbElementWiseDims: 1 }, [5, 4, 3], [5, 2])).toEqual([5, 2, 3]);
    expect(gather({ mode: 'DEFAULT', axis: 1, nbElementWiseDims: 1 }, [5, 4, 3], [1, 2])).toEqual([5, 2, 3]);
  });
  it('ELEMENT gives the indices shape', () => {
    expect(gather({ mode: 'ELEMENT', axis: 1 }, [3, 4], [3, 2])).toEqual([3, 2]);
  });
  it('ND gives indices[:-1] + data[nbElementWiseDims + k:]', () => {
    expect(gather({ mode: 'ND' }, [2, 3, 4], [5, 2])).toEqual([5, 4]);
    expect(gather({ mode: 'ND' }, [2, 3, 4], [5, 3])).toEqual([5]);
    expect(gather({ mode: 'ND', nbElementWiseDims: 1 }, [2, 3, 4], [2, 1])).toEqual([2, 4]);
  });
  it('rejects invalid combinations with exact messages', () => {
    expect(gather({ mode: 'DEFAULT' }, [5, 4], [2], 'FLOAT')).toBe('error: indices must be INT32 or INT64; got FLOAT');
    expect(gather({ mode: 'DEFAULT', nbElementWiseDims: 2, axis: 2 }, [5, 4, 3], [5, 4])).toBe('error: DEFAULT mode allows nbElementWiseDims 0 or 1; got 2');
    expect(gather({ mode: 'DEFAULT', nbElementWiseDims: 1, axis: 0 }, [5, 4], [5, 4])).toBe(
      'error: axis 0 must not be an elementwise dimension (nbElementWiseDims 1)',
    );
    expect(gather({ mode: 'ELEMENT', axis: 0 }, [3, 4], [3])).toBe("error: ELEMENT mode needs indices of the data's rank 2; got [3]");
    expect(gather({ mode: 'ND' }, [2, 3], [5, 3])).toBe("error: the indices' last dimension 3 is larger than the data rank 2 minus nbElementWiseDims 0");
    expect(gather({ mode: 'ND', nbElementWiseDims: 1 }, [2, 3, 4], [3, 1])).toBe(
      'error: the first 1 dims of data [2, 3, 4] and indices [3, 1] must be equal in ND mode',
    );
  });
});
