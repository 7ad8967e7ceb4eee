/** Unary elementwise math: `addUnary` with all 25 `UnaryOperation` values. */
import { enumParam } from './params.js';
import { fail, type DataType, type PrimitiveSpec } from './types.js';

/** TensorRT's UnaryOperation names in enum order (kEXP = 0 … kISNAN = 24). */
const UNARY_OPERATIONS = [
  'EXP',
  'LOG',
  'SQRT',
  'RECIP',
  'ABS',
  'NEG',
  'SIN',
  'COS',
  'TAN',
  'SINH',
  'COSH',
  'ASIN',
  'ACOS',
  'ATAN',
  'ASINH',
  'ACOSH',
  'ATANH',
  'CEIL',
  'FLOOR',
  'ERF',
  'NOT',
  'SIGN',
  'ROUND',
  'ISINF',
  'ISNAN',
] as const;

const FLOATING: ReadonlySet<DataType> = new Set<DataType>(['FLOAT', 'HALF', 'BF16']);
/** Operations TensorRT also runs on integer tensors; the rest need a floating-point input. */
const INTEGER_OK = new Set(['ABS', 'NEG', 'SIGN']);

export const addUnary: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addUnary',
  category: 'Elementwise',
  label: 'Unary',
  aliases: [
    { names: ['exp'], label: 'Exp', params: { operation: 'EXP' } },
    { names: ['log'], label: 'Log', params: { operation: 'LOG' } },
    { names: ['sqrt'], label: 'Sqrt', params: { operation: 'SQRT' } },
    { names: ['abs'], label: 'Abs', params: { operation: 'ABS' } },
    { names: ['neg', 'negate'], label: 'Neg', params: { operation: 'NEG' } },
    { names: ['reciprocal', 'recip'], label: 'Reciprocal', params: { operation: 'RECIP' } },
    { names: ['floor'], label: 'Floor', params: { operation: 'FLOOR' } },
    { names: ['ceil'], label: 'Ceil', params: { operation: 'CEIL' } },
    { names: ['erf'], label: 'Erf', params: { operation: 'ERF' } },
    { names: ['round'], label: 'Round', params: { operation: 'ROUND' } },
    { names: ['math'] },
  ],
  doc: 'Elementwise unary function; NOT takes Bool, ISINF and ISNAN give Bool, the rest keep the input type.',
  params: [
    {
      name: 'operation',
      kind: 'enum',
      enumType: 'UnaryOperation',
      values: UNARY_OPERATIONS,
      default: 'EXP',
      doc: 'The function: EXP … ERF, NOT (Bool), SIGN, ROUND (half to even), ISINF and ISNAN (Bool output).',
    },
  ],
  inputs: [{ name: 'input', doc: 'Any tensor.' }],
  outputs: [{ name: 'output', doc: 'Same shape as the input.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    const op = enumParam(ctx.params, 'operation');
    if (op === 'NOT') {
      if (input.dtype !== 'BOOL') fail(`NOT takes a BOOL input; got ${input.dtype}`, 'operation');
      return [{ ...input }];
    }
    if (input.dtype === 'BOOL') fail(`${op} does not take a BOOL input; only NOT does`, 'operation');
    const integer = !FLOATING.has(input.dtype);
    if (integer && !INTEGER_OK.has(op)) fail(`${op} needs a FLOAT, HALF or BF16 input; got ${input.dtype}`, 'operation');
    return [{ dims: [...input.dims], dtype: op === 'ISINF' || op === 'ISNAN' ? 'BOOL' : input.dtype }];
  },
  summary: (p) => String(p.operation).toLowerCase(),
};

export const unaryLayers = [addUnary];
