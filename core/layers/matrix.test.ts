import { describe, expect, it } from 'vitest';
import { einsumShape } from './matrix.js';
import { outDims, runLayer, tensor } from './testing.js';
import { LayerError } from './types.js';

const mm = (op0: string, op1: string, a: number[], b: number[]) => outDims('addMatrixMultiply', { op0, op1 }, { input0: tensor(a), input1: tensor(b) });

describe('addMatrixMultiply', () => {
  it('multiplies matrices with broadcast batch dims', () => {
    expect(mm('NONE', 'NONE', [2, 3, 4], [2, 4, 5])).toEqual([2, 3, 5]);
    expect(mm('NONE', 'NONE', [1, 3, 4], [6, 4, 5])).toEqual([6, 3, 5]);
  });
  it('transposes the last two dims', () => {
    expect(mm('NONE', 'TRANSPOSE', [1, 512], [1000, 512])).toEqual([1, 1000]);
    expect(mm('TRANSPOSE', 'NONE', [7, 4, 3], [7, 4, 5])).toEqual([7, 3, 5]);
    expect(mm('TRANSPOSE', 'TRANSPOSE', [4, 3], [5, 4])).toEqual([3, 5]);
  });
  it('drops the dimension of a VECTOR operand', () => {
    expect(mm('NONE', 'VECTOR', [3, 4], [4])).toEqual([3]);
    expect(mm('VECTOR', 'NONE', [4], [4, 5])).toEqual([5]);
    expect(mm('VECTOR', 'VECTOR', [2, 4], [2, 4])).toEqual([2]);
  });
  it('rejects invalid combinations with exact messages', () => {
    expect(mm('NONE', 'NONE', [3, 4], [5, 6])).toBe('error: inner dimensions differ: op0(input0) [3, 4] has 4 columns but op1(input1) [5, 6] has 5 rows');
    expect(mm('NONE', 'NONE', [4], [4, 5])).toBe('error: input0 must have at least two dimensions; got [4] (use VECTOR for a vector)');
    expect(mm('NONE', 'NONE', [2, 3, 4], [4, 5])).toBe(
      'error: the batch dimensions of input0 and input1 must have the same rank; got [2] (rank 1) and [] (rank 0)',
    );
  });
});

describe('Linear', () => {
  it('flattens, multiplies by Wᵀ and adds the bias', () => {
    const run = runLayer('Linear', { inFeatures: 512, outFeatures: 1000, bias: true }, { input: tensor([1, 512, 1, 1]) });
    expect(run.outputs.output!.dims).toEqual([1, 1000]);
    expect(run.weights.map((w) => [w.name, w.shape])).toEqual([
      ['weight', [1000, 512]],
      ['bias', [1000]],
    ]);
  });
  it('reports features that do not match the input', () => {
    expect(runLayer('Linear', { inFeatures: 500, outFeatures: 10 }, { input: tensor([1, 512, 1, 1]) }).error?.message).toBe(
      'inFeatures is 500 but the input [1, 512, 1, 1] has 512 features per sample',
    );
  });
});

describe('addEinsum', () => {
  const shape = (eq: string, ...dims: number[][]) => {
    try {
      return einsumShape(eq, dims);
    } catch (e) {
      if (e instanceof LayerError) return `error: ${e.message}`;
      throw e;
    }
  };
  it('infers explicit and implicit outputs', () => {
    expect(shape('ij,jk->ik', [2, 3], [3, 4])).toEqual([2, 4]);
    expect(shape('ij,jk', [2, 3], [3, 4])).toEqual([2, 4]);
    expect(shape('ba', [2, 3])).toEqual([3, 2]);
    expect(shape('ij->ji', [2, 3])).toEqual([3, 2]);
    expect(shape('ij->', [2, 3])).toEqual([]);
    expect(shape('bhqd, bhkd -> bhqk', [2, 8, 10, 64], [2, 8, 12, 64])).toEqual([2, 8, 10, 12]);
  });
  it('takes diagonals, broadcasts size-1 labels and ellipses', () => {
    expect(shape('ii->i', [3, 3])).toEqual([3]);
    expect(shape('ii', [3, 3])).toEqual([]);
    expect(shape('bij,bjk->bik', [1, 2, 3], [5, 3, 4])).toEqual([5, 2, 4]);
    expect(shape('...ij,...jk->...ik', [7, 2, 3], [3, 4])).toEqual([7, 2, 4]);
    expect(shape('...ij,jk', [6, 7, 2, 3], [3, 4])).toEqual([6, 7, 2, 4]);
  });
  it('rejects invalid equations with exact messages', () => {
    expect(shape('ij,jk->ik', [2, 3])).toBe("error: equation 'ij,jk->ik' has 2 input terms but 1 input is connected");
    expect(shape('ijk->i', [2, 3])).toBe("error: input term 0 'ijk' names 3 dimensions but input 0 [2, 3] has rank 2");
    expect(shape('ij,jk->ik', [2, 3], [4, 5])).toBe("error: label 'j' has sizes 3 and 4, which neither match nor broadcast");
    expect(shape('iJ->i', [2, 3])).toBe("error: input term 0 'iJ' has the character 'J'; subscripts are lower-case letters a–z and '...'");
    expect(shape('ij->iz', [2, 3])).toBe("error: the output term 'iz' has the label 'z', which no input term has");
    expect(shape('ij->ii', [2, 3])).toBe("error: the output term 'ii' repeats 'i'");
    expect(shape('...i->i', [4, 5, 3])).toBe("error: the inputs have ellipsis dimensions [4, 5] but the output term 'i' has no '...'");
    expect(shape('ij->i->j', [2, 3])).toBe("error: equation 'ij->i->j' has more than one '->'");
  });
  it('runs as a catalog entry over variadic inputs', () => {
    const run = runLayer('addEinsum', { equation: 'nc,kc->nk' }, { 'inputs.1': tensor([10, 64]), 'inputs.0': tensor([2, 64]) });
    expect(run.outputs.output).toEqual({ dims: [2, 10], dtype: 'FLOAT' });
    expect(runLayer('addEinsum', { equation: 'i,i' }, { 'inputs.0': tensor([3]), 'inputs.1': tensor([3], 'HALF') }).error).toEqual({
      message: 'input 1 is HALF but input 0 is FLOAT',
      field: 'inputs.1',
    });
  });
});
