/**
 * Building blocks of torchvision models, defined only by their expansion into primitives and other
 * composites. Their weight slots are derived from the expansion (core/shapes/infer.ts) and carry
 * the exact PyTorch `state_dict` suffixes, so a node named `layer1.0` maps `layer1.0.conv1.weight`.
 */
import { channelsFromInput, enumParam, floatParam, intParam } from './params.js';
import type { CompositeSpec, Expansion, ExpansionPort, Params } from './types.js';

/** Activations a ConvBnAct can end with; those TensorRT lacks are composed from primitives. */
export const BLOCK_ACTIVATIONS = ['NONE', 'RELU', 'RELU6', 'LEAKY_RELU', 'SIGMOID', 'TANH', 'SILU', 'HARDSIGMOID', 'HARDSWISH', 'GELU'] as const;

/** BatchNorm2d's four state_dict entries, in PyTorch's order. */
export const BATCH_NORM_SLOTS = ['weight', 'bias', 'running_mean', 'running_var'] as const;

/** Collects an expansion's nodes, wires and weight pass-throughs. */
export interface ExpansionDraft {
  expansion: Expansion;
  /** Add a node fed by `wires` (port → source); returns its `output` port. */
  add: (id: string, type: string, name: string, params: Params, wires: Record<string, ExpansionPort>) => ExpansionPort;
  /** Pass the composite's slot `from` through to the inner node's slot. */
  pass: (node: string, slot: string, from: string) => void;
}

export function draftExpansion(): ExpansionDraft {
  const expansion: Expansion = { nodes: [], edges: [], outputs: {}, weights: [] };
  return {
    expansion,
    add: (id, type, name, params, wires) => {
      expansion.nodes.push({ id, type, name, params });
      for (const [port, from] of Object.entries(wires)) expansion.edges.push({ from, to: { node: id, port } });
      return { node: id, port: 'output' };
    },
    pass: (node, slot, from) => expansion.weights.push({ node, slot, source: { kind: 'slot', slot: from } }),
  };
}

export interface ConvOptions {
  outChannels: number;
  kernel: number;
  stride: number;
  padding: number;
  dilation?: number;
  groups?: number;
}

/** A bias-free square convolution whose kernel comes from the composite slot `slot`. */
export function addConv(d: ExpansionDraft, id: string, name: string, input: ExpansionPort, o: ConvOptions, slot: string): ExpansionPort {
  const out = d.add(
    id,
    'addConvolutionNd',
    name,
    {
      nbOutputMaps: o.outChannels,
      kernelSize: [o.kernel, o.kernel],
      stride: [o.stride, o.stride],
      prePadding: [o.padding, o.padding],
      postPadding: [o.padding, o.padding],
      paddingMode: 'EXPLICIT_ROUND_DOWN',
      dilation: [o.dilation ?? 1, o.dilation ?? 1],
      nbGroups: o.groups ?? 1,
    },
    { input },
  );
  d.pass(id, 'kernel', slot);
  return out;
}

/** A BatchNorm2d whose four slots come from `<prefix>.weight`, `<prefix>.bias`, ... */
export function addBatchNorm(d: ExpansionDraft, id: string, name: string, input: ExpansionPort, prefix: string, eps = 1e-5): ExpansionPort {
  const out = d.add(id, 'BatchNorm2d', name, { eps }, { input });
  for (const slot of BATCH_NORM_SLOTS) d.pass(id, slot, `${prefix}.${slot}`);
  return out;
}

export function addRelu(d: ExpansionDraft, id: string, name: string, input: ExpansionPort): ExpansionPort {
  return d.add(id, 'addActivation', name, { type: 'RELU', alpha: 0, beta: 0 }, { input });
}

/** x · g(x) as an elementwise product, for SiLU (g = sigmoid) and HardSwish (g = hard sigmoid). */
export function addGated(d: ExpansionDraft, id: string, name: string, input: ExpansionPort, gate: Params): ExpansionPort {
  const g = d.add(`${id}_gate`, 'addActivation', name, gate, { input });
  return d.add(`${id}_mul`, 'addElementWise', `${name}.mul`, { operation: 'PROD' }, { input1: input, input2: g });
}

/** The chosen activation after `input`, named `name` (its torchvision index); NONE passes the input through. */
export function addBlockActivation(d: ExpansionDraft, id: string, name: string, input: ExpansionPort, activation: string, alpha: number): ExpansionPort {
  const act = (type: string, a = 0, b = 0) => d.add(id, 'addActivation', name, { type, alpha: a, beta: b }, { input });
  switch (activation) {
    case 'NONE':
      return input;
    case 'RELU6':
      return act('CLIP', 0, 6);
    case 'LEAKY_RELU':
      return act('LEAKY_RELU', alpha);
    case 'HARDSIGMOID':
      // PyTorch's Hardsigmoid is relu6(x + 3) / 6 = clamp(x/6 + 1/2, 0, 1).
      return act('HARD_SIGMOID', 1 / 6, 0.5);
    case 'SILU':
      return addGated(d, id, name, input, { type: 'SIGMOID', alpha: 0, beta: 0 });
    case 'HARDSWISH':
      return addGated(d, id, name, input, { type: 'HARD_SIGMOID', alpha: 1 / 6, beta: 0.5 });
    case 'GELU':
      return act('GELU_ERF');
    default:
      return act(activation);
  }
}

/** The module names of a convolution–BatchNorm–activation chain: torchvision's `0`/`1`/`2`, ultralytics' `conv`/`bn`/`act`. */
export interface ConvBnActNames {
  conv: string;
  bn: string;
  act: string;
}

/**
 * A bias-free convolution, BatchNorm2d and activation from ConvBnAct-style parameters (outChannels,
 * kernelSize, stride, dilation, groups, eps, activation), its modules named `names` and its padding
 * already resolved by the caller's own default rule.
 */
export function expandConvBnAct(params: Params, names: ConvBnActNames, padding: number, negativeSlope: number): Expansion {
  const d = draftExpansion();
  const conv = addConv(
    d,
    'conv',
    names.conv,
    { input: 'input' },
    {
      outChannels: intParam(params, 'outChannels'),
      kernel: intParam(params, 'kernelSize'),
      stride: intParam(params, 'stride'),
      padding,
      dilation: intParam(params, 'dilation'),
      groups: intParam(params, 'groups'),
    },
    `${names.conv}.weight`,
  );
  const bn = addBatchNorm(d, 'bn', names.bn, conv, names.bn, floatParam(params, 'eps'));
  d.expansion.outputs.output = addBlockActivation(d, 'act', names.act, bn, enumParam(params, 'activation'), negativeSlope);
  return d.expansion;
}

/** torchvision's Conv2dNormActivation: conv (no bias) `0`, BatchNorm2d `1`, activation. */
export const ConvBnAct: CompositeSpec = {
  kind: 'composite',
  type: 'ConvBnAct',
  category: 'Blocks',
  label: 'Conv-BN-Activation',
  aliases: [
    { names: ['conv2dnormactivation', 'convbnrelu', 'conv bn relu'] },
    { names: ['silu', 'swish'], label: 'Conv-BN-SiLU', params: { activation: 'SILU' } },
    { names: ['hardswish', 'hswish'], label: 'Conv-BN-Hardswish', params: { activation: 'HARDSWISH' } },
  ],
  doc: "torchvision's Conv2dNormActivation: a bias-free convolution, BatchNorm2d and an activation.",
  params: [
    { name: 'outChannels', kind: 'int', default: 64, min: 1, doc: 'Output channels; the input channels come from the input tensor.' },
    { name: 'kernelSize', kind: 'int', default: 3, min: 1, doc: 'Square kernel size.' },
    { name: 'stride', kind: 'int', default: 1, min: 1, doc: 'Stride in both spatial dimensions.' },
    { name: 'padding', kind: 'int', default: -1, min: -1, doc: "Symmetric padding; −1 is torchvision's default ⌊(kernelSize − 1)/2⌋ · dilation." },
    { name: 'dilation', kind: 'int', default: 1, min: 1, doc: 'Dilation in both spatial dimensions.' },
    { name: 'groups', kind: 'int', default: 1, min: 1, doc: 'Convolution groups; the input channels for depthwise.' },
    {
      name: 'activation',
      kind: 'enum',
      enumType: 'BlockActivation',
      values: BLOCK_ACTIVATIONS,
      default: 'RELU',
      doc: 'The activation; RELU6 is CLIP 0…6, SILU x·sigmoid(x), HARDSWISH x·HARD_SIGMOID(1/6, 1/2).',
    },
    { name: 'negativeSlope', kind: 'float', default: 0.01, doc: 'LEAKY_RELU slope for negative inputs.' },
    { name: 'eps', kind: 'float', default: 1e-5, min: 0, doc: 'BatchNorm ε added to the variance.' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor; C must be static.' }],
  outputs: [{ name: 'output', doc: 'N × outChannels × H′ × W′.' }],
  expand: (params) => {
    const kernel = intParam(params, 'kernelSize');
    const padding = intParam(params, 'padding');
    const resolved = padding < 0 ? Math.floor((kernel - 1) / 2) * intParam(params, 'dilation') : padding;
    return expandConvBnAct(params, { conv: '0', bn: '1', act: '2' }, resolved, floatParam(params, 'negativeSlope'));
  },
  summary: (p) =>
    `${String(p.kernelSize)}×${String(p.kernelSize)}${p.stride === 1 ? '' : ` /${String(p.stride)}`} ${String(p.outChannels)} ${String(p.activation).toLowerCase()}`,
};

/** torchvision's `downsample`: a strided 1×1 convolution `downsample.0` and BatchNorm2d `downsample.1`. */
function addDownsample(d: ExpansionDraft, outChannels: number, stride: number): ExpansionPort {
  const conv = addConv(d, 'downsample_conv', 'downsample.0', { input: 'input' }, { outChannels, kernel: 1, stride, padding: 0 }, 'downsample.0.weight');
  return addBatchNorm(d, 'downsample_bn', 'downsample.1', conv, 'downsample.1');
}

/** out + identity (or downsample), then ReLU. */
function addResidualRelu(d: ExpansionDraft, out: ExpansionPort, identity: ExpansionPort): ExpansionPort {
  const sum = d.add('add', 'addElementWise', 'add', { operation: 'SUM' }, { input1: out, input2: identity });
  return addRelu(d, 'relu_out', 'relu_out', sum);
}

export const BasicBlock: CompositeSpec = {
  kind: 'composite',
  type: 'BasicBlock',
  category: 'Blocks',
  label: 'ResNet BasicBlock',
  aliases: [{ names: ['resnet', 'residual'] }],
  doc: "torchvision's ResNet BasicBlock: relu(bn2(conv2(relu(bn1(conv1(x))))) + identity), with a 1×1 downsample when the shape changes.",
  params: [
    { name: 'inplanes', kind: 'int', default: 64, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'planes', kind: 'int', default: 64, min: 1, doc: 'Output channels.' },
    { name: 'stride', kind: 'int', default: 1, min: 1, doc: 'Stride of conv1 and of the downsample.' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with inplanes channels.' }],
  outputs: [{ name: 'output', doc: 'N × planes × H/stride × W/stride.' }],
  fromInput: [channelsFromInput('inplanes')],
  expand: (params) => {
    const inplanes = intParam(params, 'inplanes');
    const planes = intParam(params, 'planes');
    const stride = intParam(params, 'stride');
    const d = draftExpansion();
    let x = addConv(d, 'conv1', 'conv1', { input: 'input' }, { outChannels: planes, kernel: 3, stride, padding: 1 }, 'conv1.weight');
    x = addBatchNorm(d, 'bn1', 'bn1', x, 'bn1');
    x = addRelu(d, 'relu1', 'relu', x);
    x = addConv(d, 'conv2', 'conv2', x, { outChannels: planes, kernel: 3, stride: 1, padding: 1 }, 'conv2.weight');
    x = addBatchNorm(d, 'bn2', 'bn2', x, 'bn2');
    const identity = stride !== 1 || inplanes !== planes ? addDownsample(d, planes, stride) : { input: 'input' };
    d.expansion.outputs.output = addResidualRelu(d, x, identity);
    return d.expansion;
  },
  summary: (p) => `${String(p.inplanes)} → ${String(p.planes)}${p.stride === 1 ? '' : ` /${String(p.stride)}`}`,
};

/** Bottleneck expansion factor (torchvision `Bottleneck.expansion`). */
export const BOTTLENECK_EXPANSION = 4;

export const Bottleneck: CompositeSpec = {
  kind: 'composite',
  type: 'Bottleneck',
  category: 'Blocks',
  label: 'ResNet Bottleneck',
  aliases: [{ names: ['resnet', 'residual', 'resnext'] }],
  doc: "torchvision's ResNet v1.5 Bottleneck: 1×1 reduce, 3×3 (strided, grouped), 1×1 expand ×4, plus identity or downsample.",
  params: [
    { name: 'inplanes', kind: 'int', default: 256, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'planes', kind: 'int', default: 64, min: 1, doc: 'Bottleneck channels; the output has planes·4.' },
    { name: 'stride', kind: 'int', default: 1, min: 1, doc: 'Stride of the 3×3 conv2 and of the downsample (ResNet v1.5).' },
    { name: 'groups', kind: 'int', default: 1, min: 1, doc: 'Groups of conv2 (32 for ResNeXt).' },
    { name: 'baseWidth', kind: 'int', default: 64, min: 1, doc: 'Width per group; conv2 has ⌊planes·baseWidth/64⌋·groups channels.' },
    { name: 'dilation', kind: 'int', default: 1, min: 1, doc: 'Dilation (and padding) of conv2.' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with inplanes channels.' }],
  outputs: [{ name: 'output', doc: 'N × planes·4 × H/stride × W/stride.' }],
  fromInput: [channelsFromInput('inplanes')],
  expand: (params) => {
    const inplanes = intParam(params, 'inplanes');
    const planes = intParam(params, 'planes');
    const stride = intParam(params, 'stride');
    const groups = intParam(params, 'groups');
    const dilation = intParam(params, 'dilation');
    const width = Math.floor((planes * intParam(params, 'baseWidth')) / 64) * groups;
    const outChannels = planes * BOTTLENECK_EXPANSION;
    const d = draftExpansion();
    let x = addConv(d, 'conv1', 'conv1', { input: 'input' }, { outChannels: width, kernel: 1, stride: 1, padding: 0 }, 'conv1.weight');
    x = addBatchNorm(d, 'bn1', 'bn1', x, 'bn1');
    x = addRelu(d, 'relu1', 'relu1', x);
    x = addConv(d, 'conv2', 'conv2', x, { outChannels: width, kernel: 3, stride, padding: dilation, dilation, groups }, 'conv2.weight');
    x = addBatchNorm(d, 'bn2', 'bn2', x, 'bn2');
    x = addRelu(d, 'relu2', 'relu2', x);
    x = addConv(d, 'conv3', 'conv3', x, { outChannels, kernel: 1, stride: 1, padding: 0 }, 'conv3.weight');
    x = addBatchNorm(d, 'bn3', 'bn3', x, 'bn3');
    const identity = stride !== 1 || inplanes !== outChannels ? addDownsample(d, outChannels, stride) : { input: 'input' };
    d.expansion.outputs.output = addResidualRelu(d, x, identity);
    return d.expansion;
  },
  summary: (p) => `${String(p.inplanes)} → ${String(Number(p.planes) * BOTTLENECK_EXPANSION)}${p.stride === 1 ? '' : ` /${String(p.stride)}`}`,
};

/** Python's round(): halves go to the even neighbour (torchvision computes hidden_dim with it). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A nested ConvBnAct named `name` whose five slots pass through from `<name>.0.weight`, `<name>.1.*`. */
export function addNestedConvBnAct(d: ExpansionDraft, id: string, name: string, input: ExpansionPort, params: Params): ExpansionPort {
  const out = d.add(id, 'ConvBnAct', name, params, { input });
  d.pass(id, '0.weight', `${name}.0.weight`);
  for (const slot of BATCH_NORM_SLOTS) d.pass(id, `1.${slot}`, `${name}.1.${slot}`);
  return out;
}

export const InvertedResidual: CompositeSpec = {
  kind: 'composite',
  type: 'InvertedResidual',
  category: 'Blocks',
  label: 'MobileNetV2 InvertedResidual',
  aliases: [{ names: ['mobilenet', 'mbconv'] }],
  doc: "torchvision's MobileNetV2 block: 1×1 expand + ReLU6, 3×3 depthwise + ReLU6, 1×1 project + BN, residual when shapes match.",
  params: [
    { name: 'inp', kind: 'int', default: 32, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'oup', kind: 'int', default: 16, min: 1, doc: 'Output channels.' },
    { name: 'stride', kind: 'int', default: 1, min: 1, max: 2, doc: 'Stride of the depthwise convolution (1 or 2).' },
    { name: 'expandRatio', kind: 'float', default: 6, min: 1, doc: 'Hidden channels = round(inp · expandRatio); 1 skips the expand convolution.' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with inp channels.' }],
  outputs: [{ name: 'output', doc: 'N × oup × H/stride × W/stride.' }],
  fromInput: [channelsFromInput('inp')],
  expand: (params) => {
    const inp = intParam(params, 'inp');
    const oup = intParam(params, 'oup');
    const stride = intParam(params, 'stride');
    const ratio = floatParam(params, 'expandRatio');
    const hidden = roundHalfEven(inp * ratio);
    const d = draftExpansion();
    let x: ExpansionPort = { input: 'input' };
    let index = 0;
    const relu6 = { kernelSize: 1, stride: 1, padding: 0, activation: 'RELU6' };
    if (ratio !== 1) x = addNestedConvBnAct(d, 'expand', `conv.${index++}`, x, { ...relu6, outChannels: hidden });
    x = addNestedConvBnAct(d, 'depthwise', `conv.${index++}`, x, { ...relu6, outChannels: hidden, kernelSize: 3, stride, padding: 1, groups: hidden });
    x = addConv(d, 'project', `conv.${index}`, x, { outChannels: oup, kernel: 1, stride: 1, padding: 0 }, `conv.${index}.weight`);
    index++;
    x = addBatchNorm(d, 'project_bn', `conv.${index}`, x, `conv.${index}`);
    if (stride === 1 && inp === oup) x = d.add('add', 'addElementWise', 'add', { operation: 'SUM' }, { input1: x, input2: { input: 'input' } });
    d.expansion.outputs.output = x;
    return d.expansion;
  },
  summary: (p) => `${String(p.inp)} → ${String(p.oup)} ×${String(p.expandRatio)}${p.stride === 1 ? '' : ` /${String(p.stride)}`}`,
};

export const blockLayers = [ConvBnAct, BasicBlock, Bottleneck, InvertedResidual];
