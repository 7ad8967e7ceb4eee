import { describe, expect, it } from 'vitest';
import { outDims, runLayer, tensor } from './testing.js';

describe('addElementWise', () => {
  it('broadcasts equal-rank inputs along size-1 dims', () => {
    expect(outDims('addElementWise', { operation: 'SUM' }, { input1: tensor([1, 3, 1, 5]), input2: tensor([2, 1, 4, 5]) })).toEqual([2, 3, 4, 5]);
    expect(outDims('addElementWise', { operation: 'PROD' }, { input1: tensor([1, 64, 56, 56]), input2: tensor([1, 64, 1, 1]) })).toEqual([1, 64, 56, 56]);
    expect(outDims('addElementWise', { operation: 'SUB' }, { input1: tensor([-1, 3]), input2: tensor([1, 3]) })).toEqual([-1, 3]);
  });
  it('gives BOOL for comparisons and takes BOOL for logic', () => {
    expect(runLayer('addElementWise', { operation: 'GREATER' }, { input1: tensor([2, 2]), input2: tensor([2, 2]) }).outputs.output!.dtype).toBe('BOOL');
    expect(runLayer('addElementWise', { operation: 'XOR' }, { input1: tensor([2], 'BOOL'), input2: tensor([2], 'BOOL') }).outputs.output!.dtype).toBe('BOOL');
    expect(runLayer('addElementWise', { operation: 'MAX' }, { input1: tensor([2], 'INT32'), input2: tensor([2], 'INT32') }).outputs.output!.dtype).toBe(
      'INT32',
    );
  });
  it('rejects invalid combinations with exact messages', () => {
    const err = (op: string, a: number[], b: number[], ta = 'FLOAT', tb = 'FLOAT') =>
      runLayer('addElementWise', { operation: op }, { input1: tensor(a, ta as 'FLOAT'), input2: tensor(b, tb as 'FLOAT') }).error?.message;
    expect(err('SUM', [1, 3, 4], [3, 4])).toBe('inputs must have the same rank; got [1, 3, 4] (rank 3) and [3, 4] (rank 2)');
    expect(err('SUM', [2, 3], [3, 3])).toBe('inputs [2, 3] and [3, 3] cannot be broadcast: dimension 0 is 2 and 3');
    expect(err('AND', [2], [2])).toBe('AND takes Bool inputs; got FLOAT');
    expect(err('SUM', [2], [2], 'BOOL', 'BOOL')).toBe('SUM does not take Bool inputs');
    expect(err('SUM', [2], [2], 'FLOAT', 'HALF')).toBe('inputs must have the same data type; got FLOAT and HALF');
  });
});

describe('addSelect', () => {
  it('broadcasts condition, then and else together', () => {
    const run = runLayer('addSelect', {}, { condition: tensor([1, 1, 4], 'BOOL'), thenInput: tensor([2, 1, 4], 'HALF'), elseInput: tensor([1, 3, 1], 'HALF') });
    expect(run.outputs.output).toEqual({ dims: [2, 3, 4], dtype: 'HALF' });
  });
  it('rejects invalid combinations with exact messages', () => {
    const err = (c: number[], ct: string, a: number[], b: number[], bt = 'FLOAT') =>
      runLayer('addSelect', {}, { condition: tensor(c, ct as 'BOOL'), thenInput: tensor(a), elseInput: tensor(b, bt as 'FLOAT') }).error?.message;
    expect(err([2], 'FLOAT', [2], [2])).toBe('condition must be BOOL; got FLOAT');
    expect(err([2], 'BOOL', [2], [2], 'INT32')).toBe('thenInput is FLOAT but elseInput is INT32');
    expect(err([2, 1], 'BOOL', [2, 3], [4, 3])).toBe('condition, thenInput and elseInput [2, 3] and [4, 3] cannot be broadcast: dimension 0 is 2 and 4');
  });
});

describe('addUnary', () => {
  it('keeps shape and type; ISINF and ISNAN give BOOL', () => {
    expect(runLayer('addUnary', { operation: 'SQRT' }, { input: tensor([2, 3], 'HALF') }).outputs.output).toEqual({ dims: [2, 3], dtype: 'HALF' });
    expect(runLayer('addUnary', { operation: 'ISNAN' }, { input: tensor([2, 3]) }).outputs.output).toEqual({ dims: [2, 3], dtype: 'BOOL' });
    expect(runLayer('addUnary', { operation: 'ISINF' }, { input: tensor([4]) }).outputs.output!.dtype).toBe('BOOL');
    expect(runLayer('addUnary', { operation: 'NOT' }, { input: tensor([4], 'BOOL') }).outputs.output!.dtype).toBe('BOOL');
    expect(runLayer('addUnary', { operation: 'ABS' }, { input: tensor([4], 'INT32') }).outputs.output!.dtype).toBe('INT32');
  });
  it('rejects invalid types with exact messages', () => {
    expect(runLayer('addUnary', { operation: 'NOT' }, { input: tensor([4]) }).error).toEqual({
      message: 'NOT takes a BOOL input; got FLOAT',
      field: 'operation',
    });
    expect(runLayer('addUnary', { operation: 'EXP' }, { input: tensor([4], 'BOOL') }).error?.message).toBe('EXP does not take a BOOL input; only NOT does');
    expect(runLayer('addUnary', { operation: 'LOG' }, { input: tensor([4], 'INT64') }).error?.message).toBe('LOG needs a FLOAT, HALF or BF16 input; got INT64');
  });
});

describe('addActivation and addParametricReLU', () => {
  it('keep the input shape; the slope broadcasts', () => {
    expect(outDims('addActivation', { type: 'GELU_TANH' }, { input: tensor([1, 8, 3]) })).toEqual([1, 8, 3]);
    expect(outDims('addParametricReLU', {}, { input: tensor([1, 8, 4, 4]), slope: tensor([1, 8, 1, 1]) })).toEqual([1, 8, 4, 4]);
    expect(runLayer('addParametricReLU', {}, { input: tensor([1, 8, 4, 4]), slope: tensor([8]) }).error?.message).toBe(
      'input and slope must have the same rank; got [1, 8, 4, 4] (rank 4) and [8] (rank 1)',
    );
  });
});
