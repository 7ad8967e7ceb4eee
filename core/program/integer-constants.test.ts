import { describe, expect, test } from 'vitest';
import { getLayerSpec } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { lowerToProgram } from '../lower/lower.js';
import { emptyDocument, type DataType } from '../network/types.js';
import { integerConstantWeights } from './integer-constants.js';
import type { ProgramOp, TrtProgram } from './types.js';

const op = (layerName: string, kind: string, params: ProgramOp['params'], inputs: Record<string, string>, weights: Record<string, string> = {}): ProgramOp => ({
  op: kind,
  layerName,
  nodeId: layerName,
  params,
  inputs,
  outputs: { output: layerName },
  outputInfo: { output: { dims: [1], dtype: 'FLOAT' } },
  weights,
});
const constant = (name: string, weight: string) => op(name, 'addConstant', { dimensions: [1] }, {}, { weights: weight });
const cast = (name: string, input: string, toType: DataType) => op(name, 'addCast', { toType }, { input });

function program(ops: ProgramOp[], outputs: string[]): TrtProgram {
  return {
    formatVersion: 1,
    name: 'p',
    inputs: [{ name: 'x', dtype: 'FLOAT', dims: [1], nodeId: 'x' }],
    ops,
    outputs: outputs.map((name) => ({ name, tensor: name })),
    weights: [...new Set(ops.flatMap((o) => Object.values(o.weights)))].map((id) => ({ id, recipe: { kind: 'values', values: [300] }, count: 1, shape: [1] })),
  };
}

describe('integerConstantWeights', () => {
  test('a constant read only by integer or BOOL casts is one; one also read as a real number, or an output, is not', () => {
    const p = program(
      [
        constant('rows', 'w_rows'),
        cast('rows_int', 'rows', 'INT32'),
        cast('rows_long', 'rows', 'INT64'),
        constant('flag', 'w_flag'),
        cast('flag_bool', 'flag', 'BOOL'),
        constant('scale', 'w_scale'),
        cast('scale_int', 'scale', 'INT32'),
        op('scaled', 'addElementWise', { operation: 'PROD' }, { input1: 'x', input2: 'scale' }),
        constant('half', 'w_half'),
        cast('half_cast', 'half', 'HALF'),
        constant('out', 'w_out'),
        constant('unread', 'w_unread'),
      ],
      ['rows_int', 'rows_long', 'flag_bool', 'scaled', 'half_cast', 'out'],
    );
    expect([...integerConstantWeights(p)].sort()).toEqual(['w_flag', 'w_rows']);
  });

  test('a weight shared by an integer constant and a real one follows the precision', () => {
    const p = program(
      [constant('a', 'w'), cast('a_int', 'a', 'INT32'), constant('b', 'w'), op('sum', 'addElementWise', { operation: 'SUM' }, { input1: 'x', input2: 'b' })],
      ['a_int', 'sum'],
    );
    expect(integerConstantWeights(p)).toEqual(new Set());
  });

  test('the YOLO postprocess: its index tables and row cap, not its half factor or zero row', () => {
    const doc = emptyDocument('postprocess');
    doc.inputs.push({ id: 'head', name: 'head', dtype: 'FLOAT', dims: [1, 6, 10] });
    doc.nodes.push({ id: 'post', type: 'YoloPostprocess', name: 'post', params: completeParams(getLayerSpec('YoloPostprocess')!.params, {}) });
    doc.edges.push({ id: 'e0', from: { node: 'head', port: 'output' }, to: { node: 'post', port: 'input' } });
    doc.outputs.push({ name: 'detections', from: { node: 'post', port: 'detections' } }, { name: 'count', from: { node: 'post', port: 'count' } });
    const lowered = lowerToProgram(doc, () => undefined);
    if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
    const { program: p } = lowered.value;
    const integer = integerConstantWeights(p);
    const constants = p.ops.filter((o) => o.op === 'addConstant');
    expect(constants.filter((o) => integer.has(o.weights['weights']!)).map((o) => o.layerName)).toEqual([
      'post.box_column.values',
      'post.box_class_columns.values',
      'post.class_column.values',
      'post.row_indices.values',
      'post.zero.values',
      'post.max_detections.values',
    ]);
    expect(constants.filter((o) => !integer.has(o.weights['weights']!)).map((o) => o.layerName)).toEqual(['post.half', 'post.zero_row']);
  });
});
