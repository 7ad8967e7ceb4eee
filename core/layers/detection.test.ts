import { describe, expect, it } from 'vitest';
import { runLayer, tensor } from './testing.js';

describe('addNMS', () => {
  it('gives [kept, 3] indices whose row count is known only at run time, and an INT32 scalar count', () => {
    const run = runLayer('addNMS', {}, { boxes: tensor([1, 8400, 4]), scores: tensor([1, 8400, 80]) });
    expect(run.outputs).toEqual({ selectedIndices: { dims: [-1, 3], dtype: 'INT32' }, numOutputBoxes: { dims: [], dtype: 'INT32' } });
    expect(runLayer('addNMS', { indicesType: 'INT64' }, { boxes: tensor([2, 10, 4]), scores: tensor([2, 10, 3]) }).outputs.selectedIndices).toEqual({
      dims: [-1, 3],
      dtype: 'INT64',
    });
  });
  it('says what is wrong with boxes and scores that do not fit', () => {
    expect(runLayer('addNMS', {}, { boxes: tensor([1, 84, 8400]), scores: tensor([1, 8400, 80]) }).error).toEqual({
      message: 'boxes must be [batch, boxes, 4], got [1, 84, 8400]',
      field: 'boxes',
    });
    expect(runLayer('addNMS', {}, { boxes: tensor([1, 8400, 4]), scores: tensor([1, 8000, 80]) }).error).toEqual({
      message: 'boxes [1, 8400, 4] and scores [1, 8000, 80] differ in the box count',
      field: 'scores',
    });
    expect(runLayer('addNMS', {}, { boxes: tensor([1, 10, 4], 'INT32'), scores: tensor([1, 10, 2]) }).error?.message).toBe(
      'addNMS takes FLOAT or HALF boxes, not INT32',
    );
  });
});
