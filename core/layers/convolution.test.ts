import { describe, expect, it } from 'vitest';
import type { Params } from '../network/types.js';
import { deconvolutionOutputSize, windowOutputSize } from './convolution.js';
import { outDims, runLayer, tensor } from './testing.js';

const conv = (over: Params): Params => ({
  nbOutputMaps: 8,
  kernelSize: [3, 3],
  stride: [1, 1],
  prePadding: [0, 0],
  postPadding: [0, 0],
  paddingMode: 'EXPLICIT_ROUND_DOWN',
  dilation: [1, 1],
  nbGroups: 1,
  ...over,
});

describe('windowOutputSize (TensorRT PaddingMode formulas)', () => {
  it('EXPLICIT_ROUND_DOWN is floor((I + pre + post − DK) / S) + 1', () => {
    expect(windowOutputSize(224, 7, 2, 3, 3, 1, 'EXPLICIT_ROUND_DOWN')).toBe(112);
    expect(windowOutputSize(6, 3, 2, 0, 0, 1, 'EXPLICIT_ROUND_DOWN')).toBe(2);
  });
  it('EXPLICIT_ROUND_UP is ceil((I + pre + post − DK) / S) + 1', () => {
    expect(windowOutputSize(6, 3, 2, 0, 0, 1, 'EXPLICIT_ROUND_UP')).toBe(3);
    expect(windowOutputSize(7, 3, 2, 0, 0, 1, 'EXPLICIT_ROUND_UP')).toBe(3);
  });
  it('SAME_UPPER and SAME_LOWER are ceil(I / S) whatever the kernel and explicit padding', () => {
    for (const mode of ['SAME_UPPER', 'SAME_LOWER']) {
      expect(windowOutputSize(7, 3, 2, 0, 0, 1, mode)).toBe(4);
      expect(windowOutputSize(224, 7, 2, 9, 9, 3, mode)).toBe(112);
      expect(windowOutputSize(5, 3, 1, 0, 0, 1, mode)).toBe(5);
    }
  });
  it('dilation uses DK = 1 + D·(F − 1)', () => {
    expect(windowOutputSize(10, 3, 1, 0, 0, 2, 'EXPLICIT_ROUND_DOWN')).toBe(6);
    expect(windowOutputSize(10, 3, 1, 2, 2, 2, 'EXPLICIT_ROUND_DOWN')).toBe(10);
  });
  it('keeps a dynamic dimension dynamic', () => {
    expect(windowOutputSize(-1, 3, 2, 1, 1, 1, 'EXPLICIT_ROUND_DOWN')).toBe(-1);
  });
  it('deconvolution is (I − 1)·S + DK − (pre + post), SAME modes min(I·S, (I − 1)·S + DK)', () => {
    expect(deconvolutionOutputSize(4, 4, 2, 1, 1, 1, 'EXPLICIT_ROUND_DOWN')).toBe(8);
    expect(deconvolutionOutputSize(7, 3, 2, 0, 0, 1, 'EXPLICIT_ROUND_DOWN')).toBe(15);
    expect(deconvolutionOutputSize(5, 3, 1, 0, 0, 2, 'EXPLICIT_ROUND_DOWN')).toBe(9);
    expect(deconvolutionOutputSize(7, 3, 2, 0, 0, 1, 'SAME_UPPER')).toBe(14);
    // A kernel smaller than the stride cannot reach I·S: (7 − 1)·2 + 1 = 13.
    expect(deconvolutionOutputSize(7, 1, 2, 0, 0, 1, 'SAME_LOWER')).toBe(13);
  });
});

describe('addConvolutionNd', () => {
  it("gives resnet18 conv1's [1, 64, 112, 112] and GKCRS kernel weights", () => {
    const run = runLayer('addConvolutionNd', conv({ nbOutputMaps: 64, kernelSize: [7, 7], stride: [2, 2], prePadding: [3, 3], postPadding: [3, 3] }), {
      input: tensor([1, 3, 224, 224]),
    });
    expect(run.outputs.output!.dims).toEqual([1, 64, 112, 112]);
    expect(run.weights.map((w) => [w.name, w.torchSuffix, w.count, w.shape, w.optional ?? false])).toEqual([
      ['kernel', 'weight', 64 * 3 * 49, [64, 3, 7, 7], false],
      ['bias', 'bias', 64, [64], true],
    ]);
  });
  it('applies asymmetric padding and every padding mode', () => {
    const input = { input: tensor([1, 3, 7, 8]) };
    expect(outDims('addConvolutionNd', conv({ stride: [2, 2], prePadding: [1, 0], postPadding: [0, 0] }), input)).toEqual([1, 8, 3, 3]);
    expect(outDims('addConvolutionNd', conv({ stride: [2, 2], paddingMode: 'EXPLICIT_ROUND_UP' }), input)).toEqual([1, 8, 3, 4]);
    expect(outDims('addConvolutionNd', conv({ stride: [2, 2], paddingMode: 'SAME_UPPER' }), input)).toEqual([1, 8, 4, 4]);
    expect(outDims('addConvolutionNd', conv({ stride: [2, 2], paddingMode: 'SAME_LOWER' }), input)).toEqual([1, 8, 4, 4]);
  });
  it('divides weights by groups (depthwise)', () => {
    const run = runLayer('addConvolutionNd', conv({ nbOutputMaps: 32, nbGroups: 32, prePadding: [1, 1], postPadding: [1, 1] }), {
      input: tensor([1, 32, 10, 10]),
    });
    expect(run.outputs.output!.dims).toEqual([1, 32, 10, 10]);
    expect(run.weights[0]!.shape).toEqual([32, 1, 3, 3]);
  });
  it('convolves 3-D (NCDHW) inputs', () => {
    const run = runLayer(
      'addConvolutionNd',
      conv({ kernelSize: [3, 3, 3], stride: [1, 2, 2], prePadding: [0, 1, 1], postPadding: [0, 1, 1], dilation: [1, 1, 1] }),
      {
        input: tensor([2, 4, 8, 16, 16]),
      },
    );
    expect(run.outputs.output!.dims).toEqual([2, 8, 6, 8, 8]);
    expect(run.weights[0]!.shape).toEqual([8, 4, 3, 3, 3]);
  });
  it('keeps a dynamic batch and spatial size dynamic', () => {
    expect(outDims('addConvolutionNd', conv({}), { input: tensor([-1, 3, -1, 10]) })).toEqual([-1, 8, -1, 8]);
  });
  it('rejects invalid combinations with exact messages', () => {
    const err = (params: Params, dims: number[]) => runLayer('addConvolutionNd', conv(params), { input: tensor(dims) }).error;
    expect(err({ nbGroups: 2 }, [1, 3, 8, 8])).toEqual({ message: 'input channels 3 are not divisible by nbGroups 2', field: 'nbGroups' });
    expect(err({ nbGroups: 3, nbOutputMaps: 8 }, [1, 3, 8, 8])).toEqual({ message: 'nbOutputMaps 8 is not divisible by nbGroups 3', field: 'nbGroups' });
    expect(err({}, [1, 3, 8])).toEqual({ message: 'input must be 4-D (NCHW) or 5-D (NCDHW); got [1, 3, 8]', field: 'input' });
    expect(err({}, [1, 3, 8, 8, 8])).toEqual({ message: 'kernelSize has 2 values but the input has 3 spatial dimensions', field: 'kernelSize' });
    expect(err({}, [1, -1, 8, 8])).toEqual({ message: 'the channel dimension must be known at build time; got [1, ?, 8, 8]', field: 'input' });
    expect(err({ kernelSize: [5, 5] }, [1, 3, 4, 4])).toEqual({
      message: 'the output would be empty along spatial dimension 0 (input [1, 3, 4, 4], kernel [5, 5], padding [0, 0]/[0, 0])',
      field: 'kernelSize',
    });
  });
});

describe('addDeconvolutionNd', () => {
  it('upsamples ×2 with kernel 4, stride 2, padding 1 and CKRS weights', () => {
    const run = runLayer(
      'addDeconvolutionNd',
      conv({ nbOutputMaps: 16, kernelSize: [4, 4], stride: [2, 2], prePadding: [1, 1], postPadding: [1, 1], nbGroups: 2 }),
      {
        input: tensor([1, 8, 14, 14]),
      },
    );
    expect(run.outputs.output!.dims).toEqual([1, 16, 28, 28]);
    expect(run.weights[0]!.shape).toEqual([8, 8, 4, 4]);
  });
  it('gives I·S in the SAME modes and works in 3-D', () => {
    expect(outDims('addDeconvolutionNd', conv({ stride: [2, 2], paddingMode: 'SAME_LOWER' }), { input: tensor([1, 3, 5, 6]) })).toEqual([1, 8, 10, 12]);
    expect(
      outDims('addDeconvolutionNd', conv({ kernelSize: [2, 2, 2], stride: [2, 2, 2], prePadding: [0, 0, 0], postPadding: [0, 0, 0], dilation: [1, 1, 1] }), {
        input: tensor([1, 3, 4, 5, 6]),
      }),
    ).toEqual([1, 8, 8, 10, 12]);
  });
});
