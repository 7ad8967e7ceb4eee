import { describe, expect, it } from 'vitest';
import { getLayerSpec } from './catalog.js';
import { outDims, tensor } from './testing.js';
import type { CompositeSpec } from './types.js';

/** PyTorch's output size, written out from aten/src/ATen/native/Pool.h (pooling_output_shape, dilation 1). */
function pytorchSize(size: number, k: number, s: number, p: number, ceil: boolean): number {
  let out = Math.floor((size + 2 * p - k + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

describe("MaxPool2d and AvgPool2d output sizes follow PyTorch's formula", () => {
  it('for every size 1…12, kernel 1…4, stride 1…4, padding up to half the kernel, ceil_mode on and off', () => {
    const mismatches: string[] = [];
    for (const type of ['MaxPool2d', 'AvgPool2d'])
      for (let size = 1; size <= 12; size++)
        for (let k = 1; k <= 4; k++)
          for (let s = 1; s <= 4; s++)
            for (let p = 0; 2 * p <= k; p++)
              for (const ceil of [false, true]) {
                const expected = pytorchSize(size, k, s, p, ceil);
                if (expected < 1) continue;
                const got = outDims(type, { kernelSize: [k, k], stride: [s, s], padding: [p, p], ceilMode: ceil }, { input: tensor([1, 2, size, size + 1]) });
                const want = [1, 2, expected, pytorchSize(size + 1, k, s, p, ceil)];
                if (JSON.stringify(got) !== JSON.stringify(want))
                  mismatches.push(`${type} size ${size} k ${k} s ${s} p ${p} ceil ${ceil}: ${JSON.stringify(got)}`);
              }
    expect(mismatches).toEqual([]);
  });

  it("gives 3 for size 5, kernel 2, stride 2, padding 1, ceil_mode, where TensorRT's EXPLICIT_ROUND_UP gives 4", () => {
    const params = { kernelSize: [2, 2], stride: [2, 2], padding: [1, 1], ceilMode: true };
    expect(outDims('MaxPool2d', params, { input: tensor([1, 1, 5, 5]) })).toEqual([1, 1, 3, 3]);
    const roundUp = { type: 'MAX', windowSize: [2, 2], stride: [2, 2], prePadding: [1, 1], postPadding: [1, 1], paddingMode: 'EXPLICIT_ROUND_UP' };
    expect(outDims('addPoolingNd', roundUp, { input: tensor([1, 1, 5, 5]) })).toEqual([1, 1, 4, 4]);
    // The expansion ends the last window where PyTorch does: post-padding 0 with rounding down.
    const expansion = (getLayerSpec('MaxPool2d') as CompositeSpec).expand({ ...params, countIncludePad: true }, { input: tensor([1, 1, 5, 5]) });
    expect(expansion.nodes.map((n) => n.params)).toMatchObject([{ prePadding: [1, 1], postPadding: [0, 0], paddingMode: 'EXPLICIT_ROUND_DOWN' }]);
  });

  it('pads with real zeros where a ceil-mode average counts its padding but not the overhang', () => {
    const params = { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true, countIncludePad: true };
    const expansion = (getLayerSpec('AvgPool2d') as CompositeSpec).expand(params, { input: tensor([1, 1, 8, 8]) });
    expect(expansion.nodes.map((n) => [n.type, n.params])).toEqual([
      ['addPaddingNd', { prePadding: [1, 1], postPadding: [1, 1] }],
      [
        'addPoolingNd',
        {
          type: 'AVERAGE',
          windowSize: [3, 3],
          stride: [2, 2],
          prePadding: [0, 0],
          postPadding: [1, 1],
          paddingMode: 'EXPLICIT_ROUND_DOWN',
          averageCountExcludesPadding: true,
        },
      ],
    ]);
  });

  it("defaults the stride to the kernel and refuses what PyTorch refuses, in PyTorch's words", () => {
    expect(outDims('AvgPool2d', { kernelSize: [3, 3] }, { input: tensor([1, 1, 9, 9]) })).toEqual([1, 1, 3, 3]);
    expect(outDims('MaxPool2d', { kernelSize: [2, 2], padding: [2, 2] }, { input: tensor([1, 1, 9, 9]) })).toBe(
      'error: padding [2, 2] must be at most half the kernel [2, 2], as PyTorch requires',
    );
    expect(outDims('MaxPool2d', { kernelSize: [3, 3], ceilMode: true }, { input: tensor([1, 1, -1, 9]) })).toBe(
      'error: ceilMode needs the spatial dims known at build time; got [1, 1, ?, 9]',
    );
    expect(outDims('MaxPool2d', { kernelSize: [3, 3] }, { input: tensor([1, 1, -1, 9]) })).toEqual([1, 1, -1, 3]);
  });
});

describe('average pooling defaults', () => {
  it("keep TensorRT's own default on addPoolingNd and PyTorch's count_include_pad=True where the layer is made the PyTorch way", () => {
    const pooling = getLayerSpec('addPoolingNd')!;
    expect(pooling.params.find((p) => p.name === 'averageCountExcludesPadding')!.default).toBe(true);
    expect(pooling.aliases!.find((a) => a.names.includes('avgpool'))!.params).toEqual({ type: 'AVERAGE', averageCountExcludesPadding: false });
    expect(getLayerSpec('AvgPool2d')!.params.find((p) => p.name === 'countIncludePad')!.default).toBe(true);
  });
});

describe('AdaptiveAvgPool2d', () => {
  const layers = (outputSize: number[], dims: number[]) =>
    (getLayerSpec('AdaptiveAvgPool2d') as CompositeSpec).expand({ outputSize }, { input: tensor(dims) }).nodes.map((n) => n.type);

  it('is one pooling when the sizes divide evenly, a mean for 1 × 1, and slices and means otherwise', () => {
    expect(layers([7, 7], [1, 8, 14, 14])).toEqual(['addPoolingNd']);
    expect(layers([1, 1], [-1, 8, -1, -1])).toEqual(['addReduce']);
    expect(layers([3, 7], [1, 8, 10, 14])).toEqual([
      'addSlice',
      'addReduce',
      'addSlice',
      'addReduce',
      'addSlice',
      'addReduce',
      'addConcatenation',
      'addPoolingNd',
    ]);
    expect(outDims('AdaptiveAvgPool2d', { outputSize: [3, 7] }, { input: tensor([1, 8, 10, 14]) })).toEqual([1, 8, 3, 7]);
    expect(outDims('AdaptiveAvgPool2d', { outputSize: [2, 2] }, { input: tensor([1, 8, -1, 14]) })).toBe(
      'error: the input [1, 8, ?, 14] has a dynamic H or W; an output other than 1 × 1 needs them known at build time',
    );
  });
});
