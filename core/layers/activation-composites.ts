/**
 * Activations PyTorch has and TensorRT's ActivationType lacks, composed from primitives the way
 * tensorrtx builds them: SiLU x·sigmoid(x), Hardswish x·hardsigmoid(x), Mish x·tanh(softplus(x)).
 * GELU (erf and tanh forms) and Hardsigmoid have an ActivationType and are presets of addActivation.
 */
import { draftExpansion } from './blocks.js';
import type { CompositeSpec, ExpansionPort, Params } from './types.js';

const INPUT: ExpansionPort = { input: 'input' };

/** The activation chain `steps` on the input (each an ActivationType with α, β), multiplied by the input. */
function gatedExpansion(steps: [name: string, type: string, alpha: number, beta: number][]) {
  const d = draftExpansion();
  let gate = INPUT;
  for (const [name, type, alpha, beta] of steps) gate = d.add(name, 'addActivation', name, { type, alpha, beta } satisfies Params, { input: gate });
  d.expansion.outputs.output = d.add('mul', 'addElementWise', 'mul', { operation: 'PROD' }, { input1: INPUT, input2: gate });
  return d.expansion;
}

function gatedActivation(type: string, doc: string, names: readonly string[], steps: [string, string, number, number][]): CompositeSpec {
  return {
    kind: 'composite',
    type,
    category: 'Activation',
    label: type,
    aliases: [{ names }],
    doc,
    params: [],
    inputs: [{ name: 'input', doc: 'Any tensor.' }],
    outputs: [{ name: 'output', doc: 'Same shape as the input.' }],
    expand: () => gatedExpansion(steps),
  };
}

export const SiLU = gatedActivation(
  'SiLU',
  "PyTorch's nn.SiLU (swish): x·sigmoid(x), a SIGMOID activation and a PROD.",
  ['silu', 'swish', 'nn.silu'],
  [['sigmoid', 'SIGMOID', 0, 0]],
);

/** PyTorch's Hardsigmoid is relu6(x + 3) / 6 = clamp(x/6 + 1/2, 0, 1): HARD_SIGMOID with α = 1/6, β = 1/2. */
export const Hardswish = gatedActivation(
  'Hardswish',
  "PyTorch's nn.Hardswish: x·relu6(x + 3)/6, a HARD_SIGMOID (α 1/6, β 1/2) activation and a PROD.",
  ['hardswish', 'hard_swish', 'hswish', 'nn.hardswish'],
  [['hardsigmoid', 'HARD_SIGMOID', 1 / 6, 0.5]],
);

export const Mish = gatedActivation(
  'Mish',
  "PyTorch's nn.Mish: x·tanh(softplus(x)), SOFTPLUS (α 1, β 1) and TANH activations and a PROD.",
  ['mish', 'nn.mish'],
  [
    ['softplus', 'SOFTPLUS', 1, 1],
    ['tanh', 'TANH', 0, 0],
  ],
);

export const activationCompositeLayers = [SiLU, Hardswish, Mish];
