import { describe, expect, it } from 'vitest';
import type { Params } from '../network/types.js';
import { outDims, tensor } from './testing.js';

const resize = (params: Params, dims: number[]) => outDims('addResize', params, { input: tensor(dims) });

describe('addResize', () => {
  it('scales with out = floor(in·scale)', () => {
    expect(resize({ scales: [1, 1, 2, 2] }, [1, 3, 5, 5])).toEqual([1, 3, 10, 10]);
    expect(resize({ scales: [1, 1, 1.5, 0.5] }, [1, 3, 5, 5])).toEqual([1, 3, 7, 2]);
    expect(resize({ resizeMode: 'LINEAR', scales: [1, 2, 2, 2] }, [1, 3, 4, 4])).toEqual([1, 6, 8, 8]);
    expect(resize({ scales: [1, 1, 2, 2] }, [-1, 3, -1, 4])).toEqual([-1, 3, -1, 8]);
  });
  it('resizes to fixed output dims', () => {
    expect(resize({ resizeMode: 'CUBIC', scales: [], outputDimensions: [1, 3, 224, 224], excludeOutside: true }, [1, 3, 100, 80])).toEqual([1, 3, 224, 224]);
  });
  it('rejects invalid combinations with exact messages', () => {
    expect(resize({ scales: [1, 2], outputDimensions: [1, 4] }, [1, 2])).toBe('error: set either scales or outputDimensions, not both');
    expect(resize({ scales: [], outputDimensions: [] }, [1, 2])).toBe('error: set scales or outputDimensions; both are empty');
    expect(resize({ scales: [2, 2] }, [1, 3, 4])).toBe('error: scales [2, 2] has 2 values but the input [1, 3, 4] has rank 3');
    expect(resize({ scales: [1, 0, 2] }, [1, 3, 4])).toBe('error: scales [1, 0, 2] must all be positive');
    expect(resize({ resizeMode: 'LINEAR', scales: [2, 1, 2, 2] }, [1, 3, 4, 4])).toBe(
      'error: LINEAR resizes only the innermost 3 dimensions, but scales changes dimension 0 of [1, 3, 4, 4]',
    );
    expect(resize({ resizeMode: 'CUBIC', scales: [], outputDimensions: [1, 6, 8, 8] }, [1, 3, 4, 4])).toBe(
      'error: CUBIC resizes only the innermost 2 dimensions, but outputDimensions changes dimension 1 of [1, 3, 4, 4]',
    );
    expect(resize({ excludeOutside: true }, [1, 3, 4, 4])).toBe('error: excludeOutside applies only to CUBIC, not NEAREST');
    expect(resize({ scales: [1, 1, 0.1, 1] }, [1, 3, 4, 4])).toBe('error: the output would be empty along dimension 2: [1, 3, 4, 4] → [1, 3, 0, 4]');
  });
});
