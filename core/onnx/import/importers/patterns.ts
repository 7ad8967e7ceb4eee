// Patterns imported as our composites so the canvas reads like the model: Conv + BatchNormalization (+ activation) as ConvBnAct, Mul(x, Sigmoid(x)) as SiLU, a per-channel Mul (+ Add) as a CHANNEL scale.
import { volume } from '../../../shapes/dims.js';
import type { NodeContext } from '../context.js';
import type { ConstTensor, OnnxNodeData } from '../onnx-file.js';

/** A known constant by tensor name. */
function known(ctx: NodeContext, name: string | undefined): ConstTensor | undefined {
  const v = name ? ctx.state.values.get(name) : undefined;
  return v?.kind === 'constant' ? v.tensor : undefined;
}

/** The one node reading `tensor`, when exactly one node (and no graph output) reads it. */
function onlyReader(ctx: NodeContext, tensor: string | undefined): OnnxNodeData | undefined {
  if (!tensor || ctx.state.graphOutputs.has(tensor)) return undefined;
  const readers = ctx.state.consumers.get(tensor) ?? [];
  return readers.length === 1 ? readers[0] : undefined;
}

const FIXED_ACTIVATIONS: Record<string, string> = { Relu: 'RELU', Sigmoid: 'SIGMOID', Tanh: 'TANH', HardSwish: 'HARDSWISH' };

/** The activation after a BatchNormalization output as ConvBnAct names it, and the nodes it takes over; undefined for none. */
function blockActivation(ctx: NodeContext, bnOutput: string): { activation: string; slope: number; nodes: OnnxNodeData[] } | undefined {
  const readers = ctx.state.consumers.get(bnOutput) ?? [];
  if (ctx.state.graphOutputs.has(bnOutput)) return undefined;
  if (readers.length === 2) {
    // SiLU: Mul(x, Sigmoid(x)), the Sigmoid read only by that Mul.
    const sigmoid = readers.find((r) => r.opType === 'Sigmoid');
    const mul = readers.find((r) => r.opType === 'Mul');
    if (sigmoid && mul && onlyReader(ctx, sigmoid.outputs[0]) === mul && mul.inputs.includes(sigmoid.outputs[0]!) && mul.inputs.includes(bnOutput))
      return { activation: 'SILU', slope: 0.01, nodes: [sigmoid, mul] };
    return undefined;
  }
  const act = readers.length === 1 ? readers[0]! : undefined;
  if (!act) return undefined;
  const attr = (name: string) => act.attributes.get(name);
  if (FIXED_ACTIVATIONS[act.opType]) return { activation: FIXED_ACTIVATIONS[act.opType]!, slope: 0.01, nodes: [act] };
  if (act.opType === 'LeakyRelu')
    return { activation: 'LEAKY_RELU', slope: typeof attr('alpha') === 'number' ? (attr('alpha') as number) : 0.01, nodes: [act] };
  if (act.opType === 'Gelu' && (attr('approximate') ?? 'none') === 'none') return { activation: 'GELU', slope: 0.01, nodes: [act] };
  if (
    act.opType === 'HardSigmoid' &&
    Math.abs(((attr('alpha') as number | undefined) ?? 0.2) - 1 / 6) < 1e-7 &&
    ((attr('beta') as number | undefined) ?? 0.5) === 0.5
  )
    return { activation: 'HARDSIGMOID', slope: 0.01, nodes: [act] };
  if (act.opType === 'Clip') {
    const lo = ctx.opset < 11 ? attr('min') : known(ctx, act.inputs[1])?.data[0];
    const hi = ctx.opset < 11 ? attr('max') : known(ctx, act.inputs[2])?.data[0];
    if (lo === 0 && hi === 6) return { activation: 'RELU6', slope: 0.01, nodes: [act] };
  }
  return undefined;
}

/**
 * Conv (no bias, square 2-D kernel, symmetric padding) → BatchNormalization (→ activation) as one
 * ConvBnAct: torchvision's Conv2dNormActivation, as PyTorch's dynamo exporter leaves it. Returns
 * false when the nodes do not form one, and the plain importers run.
 */
export function importConvBnAct(ctx: NodeContext): boolean {
  const conv = ctx.node;
  const x = ctx.optional(0);
  const w = known(ctx, conv.inputs[1]);
  if (x?.kind !== 'tensor' || x.info.dims.length !== 4 || !w || w.dims.length !== 4 || conv.inputs[2]) return false;
  const kernel = (conv.attributes.get('kernel_shape') as number[] | undefined) ?? w.dims.slice(2);
  const strides = (conv.attributes.get('strides') as number[] | undefined) ?? [1, 1];
  const dilations = (conv.attributes.get('dilations') as number[] | undefined) ?? [1, 1];
  const pads = (conv.attributes.get('pads') as number[] | undefined) ?? [0, 0, 0, 0];
  const autoPad = (conv.attributes.get('auto_pad') as string | undefined) ?? 'NOTSET';
  const same = (list: number[]) => list.every((v) => v === list[0]);
  if (autoPad !== 'NOTSET' || !same(kernel) || !same(strides) || !same(dilations) || !same(pads)) return false;
  const bn = onlyReader(ctx, conv.outputs[0]);
  if (!bn || bn.opType !== 'BatchNormalization' || bn.outputs.slice(1).some(Boolean) || bn.attributes.get('training_mode') === 1) return false;
  const stats = bn.inputs.slice(1, 5).map((name) => known(ctx, name));
  if (stats.length !== 4 || stats.some((s) => !s || s.dtype !== 'FLOAT' || volume(s.dims) !== w.dims[0])) return false;
  const act = blockActivation(ctx, bn.outputs[0]!);
  const group = (conv.attributes.get('group') as number | undefined) ?? 1;
  const weights: Record<string, string> = { '0.weight': ctx.weightName(w, 'weight') };
  ['1.weight', '1.bias', '1.running_mean', '1.running_var'].forEach((slot, i) => {
    weights[slot] = ctx.weightName(stats[i]!, slot);
  });
  const params = {
    outChannels: w.dims[0]!,
    kernelSize: kernel[0]!,
    stride: strides[0]!,
    padding: pads[0]!,
    dilation: dilations[0]!,
    groups: group,
    activation: act?.activation ?? 'NONE',
    negativeSlope: act?.slope ?? 0.01,
    eps: (bn.attributes.get('epsilon') as number | undefined) ?? 1e-5,
  };
  const y = ctx.layer1('ConvBnAct', 'block', params, { input: x }, weights);
  ctx.absorb(bn.name);
  ctx.outputOf(bn.name, y);
  for (const node of act?.nodes ?? []) {
    ctx.absorb(node.name);
    ctx.outputOf(node.name, y);
  }
  return true;
}

/** Per-channel values of a constant for an NCHW… tensor with C channels: dims [C, 1, …] or [1, C, 1, …]. */
function perChannel(c: ConstTensor | undefined, channels: number, rank: number): boolean {
  if (!c || c.dtype !== 'FLOAT' || volume(c.dims) !== channels) return false;
  const dims = [...new Array<number>(Math.max(rank - c.dims.length, 0)).fill(1), ...c.dims];
  return dims.length === rank && dims.every((d, i) => d === (i === 1 ? channels : 1));
}

/**
 * Mul(x, per-channel constant) (→ Add(per-channel constant)) as a CHANNEL scale: how our export
 * writes a folded BatchNorm, and what TensorRT fuses into the convolution before it.
 */
export function importChannelScale(ctx: NodeContext): boolean {
  const [a, b] = [ctx.optional(0), ctx.optional(1)];
  const x = a?.kind === 'tensor' ? a : b?.kind === 'tensor' ? b : undefined;
  const scale = a?.kind === 'constant' ? a.tensor : b?.kind === 'constant' ? b.tensor : undefined;
  if (!x || !scale || x.info.dims.length < 4) return false;
  const channels = x.info.dims[1]!;
  if (channels < 0 || !perChannel(scale, channels, x.info.dims.length)) return false;
  const add = onlyReader(ctx, ctx.node.outputs[0]);
  const shiftName = add?.opType === 'Add' ? add.inputs.find((i) => i !== ctx.node.outputs[0]) : undefined;
  const shift = known(ctx, shiftName);
  const withShift = add !== undefined && perChannel(shift, channels, x.info.dims.length);
  const asChannels = (c: ConstTensor): ConstTensor => ({ dtype: 'FLOAT', dims: [channels], data: c.data, ...(c.name ? { name: c.name } : {}) });
  const weights: Record<string, string> = { scale: ctx.weightName(asChannels(scale), 'scale') };
  if (withShift) weights.shift = ctx.weightName(asChannels(shift!), 'shift');
  const y = ctx.layer1('addScale', 'scale', { mode: 'CHANNEL', channelAxis: 1 }, { input: x }, weights);
  ctx.output(0, y);
  if (withShift) {
    ctx.absorb(add.name);
    ctx.outputOf(add.name, y);
  }
  return true;
}

/**
 * Sigmoid(x) read only by Mul(x, Sigmoid(x)) (either order) as one SiLU layer, named after the
 * Sigmoid: how PyTorch's exporters write nn.SiLU. Returns false when the Sigmoid is anything else.
 */
export function importSiLU(ctx: NodeContext): boolean {
  const x = ctx.optional(0);
  const sigmoidOutput = ctx.node.outputs[0];
  const mul = ctx.soleConsumer(0);
  if (x?.kind !== 'tensor' || !mul || mul.opType !== 'Mul' || mul.inputs.length !== 2) return false;
  const other = mul.inputs[0] === sigmoidOutput ? mul.inputs[1] : mul.inputs[0];
  if (other !== ctx.node.inputs[0]) return false;
  const y = ctx.layer1('SiLU', 'silu', {}, { input: x });
  ctx.absorb(mul.name);
  ctx.outputOf(mul.name, y);
  return true;
}
