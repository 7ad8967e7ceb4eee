/** Type and copy layers: `addIdentity` and `addCast`. */
import { enumParam } from './params.js';
import type { DataType, PrimitiveSpec } from './types.js';

/** Cast targets; FP8, INT4 and FP4 need Quantize/Dequantize layers instead, and E8M0 is a scale type. */
const CAST_TYPES = ['FLOAT', 'HALF', 'BF16', 'INT8', 'INT32', 'INT64', 'UINT8', 'BOOL'] as const;

export const addIdentity: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addIdentity',
  category: 'Type',
  label: 'Identity',
  aliases: [{ names: ['identity', 'dropout', 'noop', 'copy'] }],
  doc: 'A copy of the input (strongly typed networks: same type; useful as a named tap or layout change).',
  params: [],
  inputs: [{ name: 'input', doc: 'Any tensor.' }],
  outputs: [{ name: 'output', doc: 'The same tensor.' }],
  infer: (ctx) => [{ dims: [...ctx.inputs.input!.dims], dtype: ctx.inputs.input!.dtype }],
};

export const addCast: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addCast',
  category: 'Type',
  label: 'Cast',
  aliases: [{ names: ['cast', 'to', 'astype'] }],
  doc: 'Converts the input to another data type; values round to nearest, BOOL is x ≠ 0.',
  params: [{ name: 'toType', kind: 'enum', enumType: 'DataType', values: CAST_TYPES, default: 'HALF', doc: 'The output data type.' }],
  inputs: [{ name: 'input', doc: 'Any tensor.' }],
  outputs: [{ name: 'output', doc: 'Same shape, type toType.' }],
  infer: (ctx) => [{ dims: [...ctx.inputs.input!.dims], dtype: enumParam(ctx.params, 'toType') as DataType }],
  summary: (p) => `→ ${String(p.toType)}`,
};

export const typeLayers = [addIdentity, addCast];
