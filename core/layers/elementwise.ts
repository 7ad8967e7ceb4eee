/** Elementwise binary operations: `addElementWise` with all 14 `ElementWiseOperation` values. */
import { broadcastDims } from '../shapes/dims.js';
import { fail, type PrimitiveSpec } from './types.js';

const ELEMENTWISE_OPERATIONS = ['SUM', 'PROD', 'MAX', 'MIN', 'SUB', 'DIV', 'POW', 'FLOOR_DIV', 'AND', 'OR', 'XOR', 'EQUAL', 'GREATER', 'LESS'] as const;

const LOGICAL = new Set(['AND', 'OR', 'XOR']);
const COMPARISON = new Set(['EQUAL', 'GREATER', 'LESS']);

const SYMBOLS: Record<string, string> = { SUM: '+', PROD: '×', SUB: '−', DIV: '÷', POW: '^', FLOOR_DIV: '//' };

export const addElementWise: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addElementWise',
  category: 'Elementwise',
  label: 'ElementWise',
  aliases: [
    { names: ['add', 'sum', 'plus', '+'], label: 'Add', params: { operation: 'SUM' } },
    { names: ['sub', 'subtract', 'minus', '-'], label: 'Sub', params: { operation: 'SUB' } },
    { names: ['mul', 'multiply', 'prod', '*'], label: 'Mul', params: { operation: 'PROD' } },
    { names: ['div', 'divide', '/'], label: 'Div', params: { operation: 'DIV' } },
    { names: ['pow', 'power'], label: 'Pow', params: { operation: 'POW' } },
    { names: ['maximum'], label: 'Max (elementwise)', params: { operation: 'MAX' } },
    { names: ['minimum'], label: 'Min (elementwise)', params: { operation: 'MIN' } },
    { names: ['binary', 'elementwise'] },
  ],
  doc: 'Binary elementwise operation; both inputs have the same rank and broadcast along size-1 dims.',
  params: [
    {
      name: 'operation',
      kind: 'enum',
      enumType: 'ElementWiseOperation',
      values: ELEMENTWISE_OPERATIONS,
      default: 'SUM',
      doc: 'SUM, PROD, MAX, MIN, SUB, DIV, POW, FLOOR_DIV; AND, OR, XOR on Bool; EQUAL, GREATER, LESS give Bool.',
    },
  ],
  inputs: [
    { name: 'input1', doc: 'First operand.' },
    { name: 'input2', doc: 'Second operand, same rank.' },
  ],
  outputs: [{ name: 'output', doc: 'Broadcast shape; Bool for comparisons.' }],
  infer: (ctx) => {
    const a = ctx.inputs.input1!;
    const b = ctx.inputs.input2!;
    const op = String(ctx.params.operation);
    if (a.dtype !== b.dtype) fail(`inputs must have the same data type; got ${a.dtype} and ${b.dtype}`, 'input2');
    if (LOGICAL.has(op) && a.dtype !== 'BOOL') fail(`${op} takes Bool inputs; got ${a.dtype}`, 'operation');
    if (!LOGICAL.has(op) && a.dtype === 'BOOL') fail(`${op} does not take Bool inputs`, 'operation');
    const dims = broadcastDims(a.dims, b.dims);
    return [{ dims, dtype: COMPARISON.has(op) ? 'BOOL' : a.dtype }];
  },
  summary: (p) => SYMBOLS[String(p.operation)] ?? String(p.operation),
};

export const addSelect: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addSelect',
  category: 'Elementwise',
  label: 'Select',
  aliases: [{ names: ['where', 'ifelse'] }],
  doc: 'condition ? thenInput : elseInput, elementwise; all three have the same rank and broadcast along size-1 dims.',
  params: [],
  inputs: [
    { name: 'condition', doc: 'BOOL tensor.' },
    { name: 'thenInput', doc: 'Values where the condition is true.' },
    { name: 'elseInput', doc: 'Values where it is false; the type of thenInput.' },
  ],
  outputs: [{ name: 'output', doc: 'The broadcast shape, the type of thenInput.' }],
  infer: (ctx) => {
    const condition = ctx.inputs.condition!;
    const a = ctx.inputs.thenInput!;
    const b = ctx.inputs.elseInput!;
    if (condition.dtype !== 'BOOL') fail(`condition must be BOOL; got ${condition.dtype}`, 'condition');
    if (a.dtype !== b.dtype) fail(`thenInput is ${a.dtype} but elseInput is ${b.dtype}`, 'elseInput');
    const dims = broadcastDims(broadcastDims(condition.dims, a.dims, 'condition and thenInput'), b.dims, 'condition, thenInput and elseInput');
    return [{ dims, dtype: a.dtype }];
  },
};

export const elementwiseLayers = [addElementWise, addSelect];
