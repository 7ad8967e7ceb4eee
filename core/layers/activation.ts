/** Activation: `addActivation` with all 14 `ActivationType` values, and `addParametricReLU`. */
import { broadcastDims } from '../shapes/dims.js';
import type { PrimitiveSpec } from './types.js';

/** TensorRT's ActivationType names, in enum order, with the formula each applies. */
const ACTIVATION_FORMULAS: Record<string, string> = {
  RELU: 'max(0, x)',
  SIGMOID: '1 / (1 + e^−x)',
  TANH: 'tanh(x)',
  LEAKY_RELU: 'x ≥ 0 ? x : α·x',
  ELU: 'x ≥ 0 ? x : α·(eˣ − 1)',
  SELU: 'x > 0 ? β·x : β·(α·eˣ − α)',
  SOFTSIGN: 'x / (1 + |x|)',
  SOFTPLUS: 'α·log(e^(β·x) + 1)',
  CLIP: 'max(α, min(β, x))',
  HARD_SIGMOID: 'max(0, min(1, α·x + β))',
  SCALED_TANH: 'α·tanh(β·x)',
  THRESHOLDED_RELU: 'x > α ? x : 0',
  GELU_ERF: '0.5·x·(1 + erf(x/√2))',
  GELU_TANH: '0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))',
};
const ACTIVATION_TYPES = Object.keys(ACTIVATION_FORMULAS);

export const addActivation: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addActivation',
  category: 'Activation',
  label: 'Activation',
  aliases: [
    { names: ['relu', 'nn.relu'], label: 'ReLU', params: { type: 'RELU' } },
    { names: ['sigmoid', 'logistic'], label: 'Sigmoid', params: { type: 'SIGMOID' } },
    { names: ['tanh'], label: 'Tanh', params: { type: 'TANH' } },
    { names: ['leakyrelu', 'leaky_relu'], label: 'LeakyReLU', params: { type: 'LEAKY_RELU', alpha: 0.01 } },
    { names: ['elu'], label: 'ELU', params: { type: 'ELU', alpha: 1 } },
    { names: ['selu'], label: 'SELU', params: { type: 'SELU', alpha: 1.6732632423543772, beta: 1.0507009873554805 } },
    { names: ['softplus'], label: 'Softplus', params: { type: 'SOFTPLUS', alpha: 1, beta: 1 } },
    { names: ['softsign'], label: 'Softsign', params: { type: 'SOFTSIGN' } },
    { names: ['relu6', 'clip', 'clamp', 'hardtanh'], label: 'ReLU6 (Clip 0…6)', params: { type: 'CLIP', alpha: 0, beta: 6 } },
    // PyTorch's Hardsigmoid: relu6(x + 3) / 6 = clamp(x/6 + 1/2, 0, 1).
    { names: ['hardsigmoid', 'hard_sigmoid', 'nn.hardsigmoid'], label: 'Hardsigmoid', params: { type: 'HARD_SIGMOID', alpha: 1 / 6, beta: 0.5 } },
    { names: ['gelu', 'nn.gelu'], label: 'GELU', params: { type: 'GELU_ERF' } },
    { names: ['gelu_tanh', 'gelu tanh', 'approximate tanh'], label: 'GELU (tanh)', params: { type: 'GELU_TANH' } },
    { names: ['activation', 'nonlinearity'] },
  ],
  doc: 'Elementwise activation function; alpha and beta are used only where the formula names them.',
  params: [
    { name: 'type', kind: 'enum', enumType: 'ActivationType', values: ACTIVATION_TYPES, default: 'RELU', doc: 'The activation function.' },
    {
      name: 'alpha',
      kind: 'float',
      default: 0,
      doc: 'α in the formula (LEAKY_RELU slope, ELU, SELU, SOFTPLUS, CLIP low, HARD_SIGMOID, SCALED_TANH, THRESHOLDED_RELU).',
    },
    { name: 'beta', kind: 'float', default: 0, doc: 'β in the formula (SELU, SOFTPLUS, CLIP high, HARD_SIGMOID, SCALED_TANH).' },
  ],
  inputs: [{ name: 'input', doc: 'Any tensor.' }],
  outputs: [{ name: 'output', doc: 'Same shape as the input.' }],
  infer: (ctx) => [{ ...ctx.inputs.input! }],
  summary: (p) => {
    const t = String(p.type);
    if (t === 'LEAKY_RELU' || t === 'THRESHOLDED_RELU' || t === 'ELU') return `${t} α=${String(p.alpha)}`;
    if (t === 'CLIP') return `CLIP [${String(p.alpha)}, ${String(p.beta)}]`;
    return t;
  },
};

export const addParametricReLU: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addParametricReLU',
  category: 'Activation',
  label: 'Parametric ReLU',
  aliases: [{ names: ['prelu'] }],
  doc: 'x ≥ 0 ? x : slope·x, with a slope tensor that broadcasts to the input (same rank).',
  params: [],
  inputs: [
    { name: 'input', doc: 'Any tensor.' },
    { name: 'slope', doc: 'Slopes, same rank as the input, broadcast along size-1 dims (e.g. a Constant [1, C, 1, 1]).' },
  ],
  outputs: [{ name: 'output', doc: 'Same shape as the input.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    const dims = broadcastDims(input.dims, ctx.inputs.slope!.dims, 'input and slope');
    return [{ dims, dtype: input.dtype }];
  },
};

export const activationLayers = [addActivation, addParametricReLU];
