// Activation and unary importers: ONNX activations as addActivation (the formulas TensorRT has), as our composites (HardSwish, SiLU) or composed from primitives (Mish).
import { importFail, type NodeContext, type OpImporter } from '../context.js';
import { importSiLU } from './patterns.js';

/** FLT_MAX: Clip without an upper bound (JSON has no Infinity). */
const FLOAT_MAX = 3.4028234663852886e38;

function activation(ctx: NodeContext, type: string, alpha = 0, beta = 0): void {
  ctx.output(0, ctx.layer1('addActivation', type.toLowerCase(), { type, alpha, beta }, { input: ctx.tensor(ctx.input(0)) }));
}

/** `type` with alpha and beta from ONNX attributes, with ONNX's defaults. */
function simple(type: string, alphaAttr?: [string, number], betaAttr?: [string, number]): OpImporter {
  return (ctx) => activation(ctx, type, alphaAttr ? ctx.float(alphaAttr[0], alphaAttr[1]) : 0, betaAttr ? ctx.float(betaAttr[0], betaAttr[1]) : 0);
}

function unary(operation: string): OpImporter {
  return (ctx) => ctx.output(0, ctx.layer1('addUnary', operation.toLowerCase(), { operation }, { input: ctx.tensor(ctx.input(0)) }));
}

/** A scalar bound of Clip: an attribute before opset 11, an optional constant input after. */
function clipBound(ctx: NodeContext, index: number, attr: string, fallback: number): number {
  if (ctx.opset < 11) return ctx.float(attr, fallback);
  const c = ctx.optionalConstant(index, attr);
  if (!c) return fallback;
  if (c.data.length !== 1) importFail(`its ${attr} must be a single value; got ${c.data.length}`);
  return c.data[0]!;
}

export const ACTIVATION_IMPORTERS: Record<string, OpImporter> = {
  Relu: simple('RELU'),
  // Mul(x, Sigmoid(x)) is SiLU; any other Sigmoid is the activation.
  Sigmoid: (ctx) => {
    if (!importSiLU(ctx)) activation(ctx, 'SIGMOID');
  },
  Tanh: simple('TANH'),
  LeakyRelu: simple('LEAKY_RELU', ['alpha', 0.01]),
  Elu: simple('ELU', ['alpha', 1]),
  Selu: simple('SELU', ['alpha', 1.67326319217681884765625], ['gamma', 1.05070102214813232421875]),
  Softsign: simple('SOFTSIGN'),
  Softplus: (ctx) => activation(ctx, 'SOFTPLUS', 1, 1),
  HardSigmoid: simple('HARD_SIGMOID', ['alpha', 0.2], ['beta', 0.5]),
  ThresholdedRelu: simple('THRESHOLDED_RELU', ['alpha', 1]),
  Clip: (ctx) => activation(ctx, 'CLIP', clipBound(ctx, 1, 'min', -FLOAT_MAX), clipBound(ctx, 2, 'max', FLOAT_MAX)),
  Gelu: (ctx) => activation(ctx, ctx.string('approximate', 'none') === 'tanh' ? 'GELU_TANH' : 'GELU_ERF'),
  PRelu: (ctx) => {
    const x = ctx.tensor(ctx.input(0));
    const slope = ctx.tensor(ctx.withRank(ctx.input(1), x.info.dims.length, 'slope'), 'slope');
    ctx.output(0, ctx.layer1('addParametricReLU', 'prelu', {}, { input: x, slope }));
  },
  // The Hardswish composite: x · HardSigmoid(x) with α = 1/6, β = 0.5, as onnx-tensorrt composes it.
  HardSwish: (ctx) => ctx.output(0, ctx.layer1('Hardswish', 'hardswish', {}, { input: ctx.tensor(ctx.input(0)) })),
  // x · tanh(softplus(x)).
  Mish: (ctx) => {
    const x = ctx.tensor(ctx.input(0));
    const softplus = ctx.layer1('addActivation', 'softplus', { type: 'SOFTPLUS', alpha: 1, beta: 1 }, { input: x });
    const tanh = ctx.layer1('addActivation', 'tanh', { type: 'TANH', alpha: 0, beta: 0 }, { input: softplus });
    ctx.output(0, ctx.layer1('addElementWise', 'mul', { operation: 'PROD' }, { input1: x, input2: tanh }));
  },
  Exp: unary('EXP'),
  Log: unary('LOG'),
  Sqrt: unary('SQRT'),
  Reciprocal: unary('RECIP'),
  Abs: unary('ABS'),
  Neg: unary('NEG'),
  Sin: unary('SIN'),
  Cos: unary('COS'),
  Tan: unary('TAN'),
  Sinh: unary('SINH'),
  Cosh: unary('COSH'),
  Asin: unary('ASIN'),
  Acos: unary('ACOS'),
  Atan: unary('ATAN'),
  Asinh: unary('ASINH'),
  Acosh: unary('ACOSH'),
  Atanh: unary('ATANH'),
  Ceil: unary('CEIL'),
  Floor: unary('FLOOR'),
  Erf: unary('ERF'),
  Not: unary('NOT'),
  Sign: unary('SIGN'),
  Round: unary('ROUND'),
  IsNaN: unary('ISNAN'),
};
