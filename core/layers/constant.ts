/** `addConstant`: a tensor whose values are weights, e.g. a `.wts` tensor used as an operand. */
import { volume } from '../shapes/dims.js';
import { intsParam } from './params.js';
import type { PrimitiveSpec } from './types.js';

export const addConstant: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addConstant',
  category: 'Constant',
  label: 'Constant',
  aliases: [{ names: ['parameter', 'tensor', 'initializer'] }],
  doc: 'A constant tensor of the given dims whose values come from a bound weight tensor (FLOAT).',
  params: [{ name: 'dimensions', kind: 'ints', default: [1], maxLength: 8, min: 1, doc: 'Dims of the constant; the weights hold their product of values.' }],
  inputs: [],
  outputs: [{ name: 'output', doc: 'The constant tensor.' }],
  infer: (ctx) => [{ dims: [...intsParam(ctx.params, 'dimensions')], dtype: 'FLOAT' }],
  weights: (ctx) => {
    const dims = intsParam(ctx.params, 'dimensions');
    // Auto-mapping binds a Constant named `fc.weight` to the `.wts` tensor of exactly that name.
    return [{ name: 'weights', doc: 'The values, row-major.', torchSuffix: '', count: volume(dims), shape: [...dims] }];
  },
  summary: (p) => `[${(p.dimensions as number[]).join('×')}]`,
};

export const constantLayers = [addConstant];
