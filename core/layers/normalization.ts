/** Normalization: `addScale`, `addSoftMax`, and the BatchNorm2d composite (folded into a CHANNEL scale). */
import { formatDims, formatList, normaliseAxes, normaliseAxis, volume } from '../shapes/dims.js';
import { enumParam, floatParam, intParam, intsParam } from './params.js';
import { fail, type CompositeSpec, type LayerContext, type PrimitiveSpec, type WeightSlot } from './types.js';

const SCALE_MODES = ['UNIFORM', 'CHANNEL', 'ELEMENTWISE'] as const;

/** How many values each of shift/scale/power holds for a scale mode and input. */
function scaleCount(ctx: LayerContext): { count: number | undefined; shape: number[] | undefined } {
  const input = ctx.inputs.input;
  const mode = enumParam(ctx.params, 'mode');
  if (mode === 'UNIFORM') return { count: 1, shape: [1] };
  if (!input) return { count: undefined, shape: undefined };
  const axis = intParam(ctx.params, 'channelAxis');
  if (axis < 0 || axis >= input.dims.length) return { count: undefined, shape: undefined };
  const shape = mode === 'CHANNEL' ? [input.dims[axis]!] : input.dims.slice(axis);
  return shape.every((d) => d >= 0) ? { count: volume(shape), shape } : { count: undefined, shape: undefined };
}

export const addScale: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addScale',
  category: 'Normalization',
  label: 'Scale',
  aliases: [{ names: ['affine', 'mul add'] }],
  doc: 'out = (in·scale + shift)^power, per tensor (UNIFORM), per channel (CHANNEL) or per element (ELEMENTWISE).',
  params: [
    {
      name: 'mode',
      kind: 'enum',
      enumType: 'ScaleMode',
      values: SCALE_MODES,
      default: 'CHANNEL',
      doc: 'UNIFORM: one value; CHANNEL: one per channel; ELEMENTWISE: one per element from the channel axis on.',
    },
    { name: 'channelAxis', kind: 'int', default: 1, min: 0, doc: 'The channel axis (setChannelAxis); 1 for NCHW.' },
  ],
  inputs: [{ name: 'input', doc: 'A tensor of at least 4 dims (NCHW).' }],
  outputs: [{ name: 'output', doc: 'Same shape as the input.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    if (input.dims.length < 4) fail(`addScale needs an input of at least 4 dims; got ${formatDims(input.dims)}`, 'input');
    const axis = intParam(ctx.params, 'channelAxis');
    if (axis >= input.dims.length) fail(`channelAxis ${axis} is out of range for ${formatDims(input.dims)}`, 'channelAxis');
    if (enumParam(ctx.params, 'mode') !== 'UNIFORM' && input.dims[axis]! < 0)
      fail(`the channel dimension ${axis} must be known at build time; got ${formatDims(input.dims)}`, 'channelAxis');
    return [{ ...input }];
  },
  weights: (ctx) => {
    const { count, shape } = scaleCount(ctx);
    const slot = (name: string, doc: string): WeightSlot => ({ name, doc, torchSuffix: name, count, shape, optional: true });
    return [slot('shift', 'Added after scaling; unbound means 0.'), slot('scale', 'Multiplier; unbound means 1.'), slot('power', 'Exponent; unbound means 1.')];
  },
  summary: (p) => String(p.mode),
};

export const addSoftMax: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addSoftMax',
  category: 'Normalization',
  label: 'SoftMax',
  aliases: [{ names: ['softmax', 'nn.softmax'] }],
  doc: 'Softmax along one axis (setAxes takes a bitmask with exactly one bit; here the axis index).',
  params: [
    {
      name: 'axes',
      kind: 'ints',
      default: [1],
      minLength: 1,
      maxLength: 1,
      doc: 'The one axis to normalise over; 1 is the channel/class axis of [N, C, ...].',
    },
  ],
  inputs: [{ name: 'input', doc: 'Any tensor.' }],
  outputs: [{ name: 'output', doc: 'Same shape; sums to 1 along the axis.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    normaliseAxis(intsParam(ctx.params, 'axes')[0]!, input.dims.length, 'axes');
    return [{ ...input }];
  },
  summary: (p) => `axis ${(p.axes as number[]).join(',')}`,
};

/**
 * PyTorch's BatchNorm2d in inference mode, folded as tensorrtx does: a CHANNEL scale with
 * scale = γ / √(var + ε) and shift = β − μ·scale (computed when lowering).
 */
export const BatchNorm2d: CompositeSpec = {
  kind: 'composite',
  type: 'BatchNorm2d',
  category: 'Normalization',
  label: 'BatchNorm2d',
  aliases: [{ names: ['bn', 'batchnorm', 'batch_norm', 'batchnormalization', 'nn.batchnorm2d'] }],
  doc: 'Inference BatchNorm folded into a CHANNEL scale: scale = γ/√(var+ε), shift = β − mean·scale.',
  params: [{ name: 'eps', kind: 'float', default: 1e-5, min: 0, doc: 'ε added to the variance (PyTorch default 1e-5).' }],
  inputs: [{ name: 'input', doc: 'NCHW tensor; C must be static.' }],
  outputs: [{ name: 'output', doc: 'Same shape as the input.' }],
  weights: (ctx) => {
    const c = ctx.inputs.input?.dims[1];
    const count = c !== undefined && c >= 0 ? c : undefined;
    const shape = count === undefined ? undefined : [count];
    const slot = (name: string, doc: string): WeightSlot => ({ name, doc, torchSuffix: name, count, shape });
    return [
      slot('weight', 'γ, one per channel.'),
      slot('bias', 'β, one per channel.'),
      slot('running_mean', 'Running mean, one per channel.'),
      slot('running_var', 'Running variance, one per channel.'),
    ];
  },
  expand: (params) => {
    const eps = floatParam(params, 'eps');
    return {
      nodes: [{ id: 'scale', type: 'addScale', name: 'scale', params: { mode: 'CHANNEL', channelAxis: 1 } }],
      edges: [{ from: { input: 'input' }, to: { node: 'scale', port: 'input' } }],
      outputs: { output: { node: 'scale', port: 'output' } },
      weights: [
        { node: 'scale', slot: 'scale', source: { kind: 'batchNormScale', gamma: 'weight', var: 'running_var', eps } },
        {
          node: 'scale',
          slot: 'shift',
          source: { kind: 'batchNormShift', gamma: 'weight', beta: 'bias', mean: 'running_mean', var: 'running_var', eps },
        },
      ],
    };
  },
  summary: (p) => `ε=${String(p.eps)}`,
};

export const addLRN: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addLRN',
  category: 'Normalization',
  label: 'LRN',
  aliases: [{ names: ['localresponsenorm', 'local response normalization'] }],
  doc: 'Local response normalization across channels: x / (k + α·Σx²/window)^β over `window` neighbouring channels.',
  params: [
    { name: 'window', kind: 'int', default: 5, min: 1, max: 15, doc: 'Number of channels summed; odd, 1 to 15.' },
    { name: 'alpha', kind: 'float', default: 1e-4, min: -1e20, max: 1e20, doc: 'α, the scale of the squared sum.' },
    { name: 'beta', kind: 'float', default: 0.75, min: 0.01, max: 1e5, doc: 'β, the exponent.' },
    { name: 'k', kind: 'float', default: 1, min: 1e-5, max: 1e10, doc: 'k, the additive bias (PyTorch LocalResponseNorm k).' },
  ],
  inputs: [{ name: 'input', doc: 'A tensor of rank ≥ 3 ([N, C, ...]).' }],
  outputs: [{ name: 'output', doc: 'Same shape as the input.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    if (input.dims.length < 3) fail(`addLRN needs an input of rank ≥ 3; got ${formatDims(input.dims)}`, 'input');
    const window = intParam(ctx.params, 'window');
    if (window % 2 === 0) fail(`window ${window} must be odd`, 'window');
    return [{ ...input }];
  },
  summary: (p) => `window ${String(p.window)}`,
};

/**
 * INormalizationLayer (V2): mean/variance over `axes`, then per-channel scale and bias tensors of
 * shape [1, C, 1, ...] for instance and group norm, or broadcastable to the input for layer norm.
 */
export const addNormalizationV2: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addNormalizationV2',
  category: 'Normalization',
  label: 'Normalization',
  aliases: [{ names: ['layernorm', 'groupnorm', 'instancenorm', 'layer_norm', 'group_norm', 'instance_norm'] }],
  doc: 'Y = (X − mean) / √(var + ε) · scale + bias over the given axes: instance, group (nbGroups) or layer norm.',
  params: [
    {
      name: 'axes',
      kind: 'ints',
      default: [2, 3],
      minLength: 1,
      maxLength: 8,
      doc: 'Axes to normalise over: [2, 3] instance/group norm on NCHW, [-1] layer norm.',
    },
    { name: 'epsilon', kind: 'float', default: 1e-5, min: 0, doc: 'ε added to the variance.' },
    { name: 'nbGroups', kind: 'int', default: 1, min: 1, doc: 'Channel groups for group norm (C must divide by it); 1 otherwise.' },
  ],
  inputs: [
    { name: 'input', doc: 'The tensor to normalise.' },
    { name: 'scale', doc: 'Scale, same rank as the input: [1, C, 1, 1] for instance/group norm.' },
    { name: 'bias', doc: 'Bias, the shape of scale.' },
  ],
  outputs: [{ name: 'output', doc: 'Same shape as the input.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    const rank = input.dims.length;
    const axes = normaliseAxes(intsParam(ctx.params, 'axes'), rank, 'axes');
    const groups = intParam(ctx.params, 'nbGroups');
    for (const port of ['scale', 'bias'] as const) {
      const t = ctx.inputs[port]!;
      if (t.dtype !== input.dtype) fail(`${port} is ${t.dtype} but the input is ${input.dtype}`, port);
      if (t.dims.length !== rank) fail(`${port} ${formatDims(t.dims)} must have the input's rank ${rank}`, port);
      t.dims.forEach((d, i) => {
        if (d !== 1 && d >= 0 && input.dims[i]! >= 0 && d !== input.dims[i])
          fail(`${port} ${formatDims(t.dims)} does not broadcast to the input ${formatDims(input.dims)} in dimension ${i}`, port);
      });
    }
    if (groups > 1) {
      const c = input.dims[1];
      if (rank < 3) fail(`group normalization needs an input of rank ≥ 3; got ${formatDims(input.dims)}`, 'nbGroups');
      if (c !== undefined && c >= 0 && c % groups !== 0) fail(`input channels ${c} are not divisible by nbGroups ${groups}`, 'nbGroups');
      const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 2);
      if (axes.length !== spatial.length || [...axes].sort((a, b) => a - b).some((a, i) => a !== spatial[i]))
        fail(`group normalization normalises over the spatial axes ${formatList(spatial)}; got axes ${formatList(intsParam(ctx.params, 'axes'))}`, 'axes');
    }
    return [{ ...input }];
  },
  summary: (p) => (Number(p.nbGroups) > 1 ? `groups ${String(p.nbGroups)}` : `axes ${formatList(p.axes as number[])}`),
};

export const normalizationLayers = [addScale, addSoftMax, addLRN, addNormalizationV2, BatchNorm2d];
