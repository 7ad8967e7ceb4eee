// Activation translators, composing the formulas ONNX opset 18 lacks (GELU, alpha/beta-scaled SOFTPLUS and SCALED_TANH).
import { attr, num, str, type TranslateContext } from './context.js';

/** y = a·f(b·x), skipping the multiplications by exactly 1. */
function scaledUnary(ctx: TranslateContext, opType: string, a: number, b: number): void {
  let x = ctx.input('input');
  if (b !== 1) {
    const scaled = ctx.temp('scaled_input');
    ctx.node('Mul', [x, ctx.floats('beta', [b], [])], [scaled]);
    x = scaled;
  }
  if (a === 1) {
    ctx.node(opType, [x], [ctx.output('output')]);
    return;
  }
  const inner = ctx.temp(opType.toLowerCase());
  ctx.node(opType, [x], [inner]);
  ctx.node('Mul', [inner, ctx.floats('alpha', [a], [])], [ctx.output('output')]);
}

export function activation(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const type = str(p, 'type');
  const alpha = num(p, 'alpha');
  const beta = num(p, 'beta');
  const x = ctx.input('input');
  const y = ctx.output('output');
  switch (type) {
    case 'RELU':
      return ctx.node('Relu', [x], [y]);
    case 'SIGMOID':
      return ctx.node('Sigmoid', [x], [y]);
    case 'TANH':
      return ctx.node('Tanh', [x], [y]);
    case 'LEAKY_RELU':
      return ctx.node('LeakyRelu', [x], [y], [attr.float('alpha', alpha)]);
    case 'ELU':
      return ctx.node('Elu', [x], [y], [attr.float('alpha', alpha)]);
    case 'SELU':
      return ctx.node('Selu', [x], [y], [attr.float('alpha', alpha), attr.float('gamma', beta)]);
    case 'SOFTSIGN':
      return ctx.node('Softsign', [x], [y]);
    case 'SOFTPLUS':
      return scaledUnary(ctx, 'Softplus', alpha, beta);
    case 'CLIP':
      return ctx.node('Clip', [x, ctx.floats('min', [alpha], []), ctx.floats('max', [beta], [])], [y]);
    case 'HARD_SIGMOID':
      return ctx.node('HardSigmoid', [x], [y], [attr.float('alpha', alpha), attr.float('beta', beta)]);
    case 'SCALED_TANH':
      return scaledUnary(ctx, 'Tanh', alpha, beta);
    case 'THRESHOLDED_RELU':
      return ctx.node('ThresholdedRelu', [x], [y], [attr.float('alpha', alpha)]);
    case 'GELU_ERF': {
      // 0.5·x·(1 + erf(x/√2)), composed because Gelu needs opset 20.
      const scaled = ctx.temp('x_over_sqrt2');
      const erf = ctx.temp('erf');
      const onePlus = ctx.temp('one_plus_erf');
      const half = ctx.temp('half_x');
      ctx.node('Div', [x, ctx.floats('sqrt2', [Math.SQRT2], [])], [scaled]);
      ctx.node('Erf', [scaled], [erf]);
      ctx.node('Add', [erf, ctx.floats('one', [1], [])], [onePlus]);
      ctx.node('Mul', [x, ctx.floats('half', [0.5], [])], [half]);
      return ctx.node('Mul', [half, onePlus], [y]);
    }
    case 'GELU_TANH': {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
      const cube = ctx.temp('x_cubed');
      const term = ctx.temp('cubic_term');
      const inner = ctx.temp('inner');
      const scaled = ctx.temp('scaled_inner');
      const tanh = ctx.temp('tanh');
      const onePlus = ctx.temp('one_plus_tanh');
      const half = ctx.temp('half_x');
      ctx.node('Pow', [x, ctx.floats('three', [3], [])], [cube]);
      ctx.node('Mul', [cube, ctx.floats('coefficient', [0.044715], [])], [term]);
      ctx.node('Add', [x, term], [inner]);
      ctx.node('Mul', [inner, ctx.floats('sqrt_2_over_pi', [Math.sqrt(2 / Math.PI)], [])], [scaled]);
      ctx.node('Tanh', [scaled], [tanh]);
      ctx.node('Add', [tanh, ctx.floats('one', [1], [])], [onePlus]);
      ctx.node('Mul', [x, ctx.floats('half', [0.5], [])], [half]);
      return ctx.node('Mul', [half, onePlus], [y]);
    }
    default:
      return ctx.fail(`activation type '${type}' has no ONNX translation`, 'type');
  }
}
