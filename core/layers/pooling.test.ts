import { describe, expect, it } from 'vitest';
import type { Params } from '../network/types.js';
import { outDims, runLayer, tensor } from './testing.js';

const pool = (over: Params): Params => ({ type: 'MAX', windowSize: [3, 3], stride: [2, 2], prePadding: [0, 0], postPadding: [0, 0], ...over });

describe('addPoolingNd', () => {
  it("gives resnet18 maxpool's [1, 64, 56, 56] (3×3 /2 pad 1)", () => {
    expect(outDims('addPoolingNd', pool({ prePadding: [1, 1], postPadding: [1, 1] }), { input: tensor([1, 64, 112, 112]) })).toEqual([1, 64, 56, 56]);
  });
  it('follows every padding mode', () => {
    const input = { input: tensor([1, 2, 8, 7]) };
    expect(outDims('addPoolingNd', pool({}), input)).toEqual([1, 2, 3, 3]);
    expect(outDims('addPoolingNd', pool({ paddingMode: 'EXPLICIT_ROUND_UP' }), input)).toEqual([1, 2, 4, 3]);
    expect(outDims('addPoolingNd', pool({ paddingMode: 'SAME_UPPER' }), input)).toEqual([1, 2, 4, 4]);
    expect(outDims('addPoolingNd', pool({ paddingMode: 'SAME_LOWER' }), input)).toEqual([1, 2, 4, 4]);
  });
  it('pools 3-D inputs, averages and blends', () => {
    expect(
      outDims('addPoolingNd', pool({ type: 'AVERAGE', windowSize: [2, 2, 2], stride: [2, 2, 2], prePadding: [0, 0, 0], postPadding: [0, 0, 0] }), {
        input: tensor([1, 4, 8, 8, 8]),
      }),
    ).toEqual([1, 4, 4, 4, 4]);
    expect(
      outDims('addPoolingNd', pool({ type: 'MAX_AVERAGE_BLEND', blendFactor: 0.5, windowSize: [7, 7], stride: [1, 1] }), { input: tensor([1, 512, 7, 7]) }),
    ).toEqual([1, 512, 1, 1]);
  });
  it('ignores explicit padding in the SAME modes', () => {
    expect(outDims('addPoolingNd', pool({ windowSize: [2, 2], prePadding: [3, 3], paddingMode: 'SAME_UPPER' }), { input: tensor([1, 1, 9, 9]) })).toEqual([
      1, 1, 5, 5,
    ]);
  });
  it('rejects invalid combinations with exact messages', () => {
    const err = (params: Params, dims: number[]) => runLayer('addPoolingNd', pool(params), { input: tensor(dims) }).error;
    expect(err({ prePadding: [3, 3] }, [1, 1, 8, 8])).toEqual({ message: 'padding [3, 3]/[0, 0] must be smaller than the window [3, 3]', field: 'prePadding' });
    expect(err({ windowSize: [5, 5] }, [1, 1, 4, 4])).toEqual({
      message: 'the window [5, 5] is larger than the padded input [1, 1, 4, 4]',
      field: 'windowSize',
    });
    expect(err({ stride: [2, 2, 2] }, [1, 1, 4, 4])).toEqual({ message: 'stride has 3 values but the input has 2 spatial dimensions', field: 'stride' });
  });
});
