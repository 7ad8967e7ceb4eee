/**
 * torchvision's mobile, RegNet and DenseNet blocks: SqueezeExcitation, EfficientNet's MBConv,
 * MobileNetV3's InvertedResidual, RegNet's ResBottleneckBlock, DenseNet's DenseLayer, DenseBlock and
 * Transition. Like core/layers/blocks.ts, each is defined only by its expansion; the slots are
 * derived from it and carry the exact `state_dict` suffixes (`block.2.fc1.weight`, `f.b.0.weight`,
 * `denselayer3.norm2.running_var`).
 */
import {
  addBatchNorm,
  addBlockActivation,
  addConv,
  addNestedConvBnAct,
  addRelu,
  BATCH_NORM_SLOTS,
  draftExpansion,
  roundHalfEven,
  type ExpansionDraft,
} from './blocks.js';
import { boolParam, channelsFromInput, enumParam, floatParam, intParam } from './params.js';
import type { CompositeSpec, ExpansionPort, Params } from './types.js';

/** torchvision's `_make_divisible`: round to the nearest multiple of `divisor`, never more than 10 % down. */
export function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

/** A nested composite named `name` whose slots pass through from `<name>.<slot>`. */
export function addNested(
  d: ExpansionDraft,
  id: string,
  type: string,
  name: string,
  params: Params,
  input: ExpansionPort,
  slots: readonly string[],
): ExpansionPort {
  const out = d.add(id, type, name, params, { input });
  for (const slot of slots) d.pass(id, slot, `${name}.${slot}`);
  return out;
}

/** A square 1×1-or-larger convolution with a bias, both from `<name>.weight` and `<name>.bias`. */
export function addConvWithBias(
  d: ExpansionDraft,
  id: string,
  name: string,
  input: ExpansionPort,
  outChannels: number,
  kernel: number,
  padding = 0,
): ExpansionPort {
  const out = addConv(d, id, name, input, { outChannels, kernel, stride: 1, padding }, `${name}.weight`);
  d.pass(id, 'bias', `${name}.bias`);
  return out;
}

const SE_SLOTS = ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'] as const;

export const SqueezeExcitation: CompositeSpec = {
  kind: 'composite',
  type: 'SqueezeExcitation',
  category: 'Blocks',
  label: 'Squeeze-and-Excitation',
  aliases: [{ names: ['se', 'squeeze excitation', 'squeezeexcitation'] }],
  doc: "torchvision's SqueezeExcitation: x · scale(fc2(act(fc1(avgpool(x))))), fc1 and fc2 1×1 convolutions with bias.",
  params: [
    { name: 'inputChannels', kind: 'int', default: 64, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'squeezeChannels', kind: 'int', default: 16, min: 1, doc: 'Channels between fc1 and fc2.' },
    {
      name: 'activation',
      kind: 'enum',
      enumType: 'BlockActivation',
      values: ['RELU', 'SILU'],
      default: 'RELU',
      doc: 'After fc1: RELU (MobileNetV3, RegNet) or SILU (EfficientNet).',
    },
    {
      name: 'scaleActivation',
      kind: 'enum',
      enumType: 'BlockActivation',
      values: ['SIGMOID', 'HARDSIGMOID'],
      default: 'SIGMOID',
      doc: 'After fc2: SIGMOID (EfficientNet, RegNet) or HARDSIGMOID (MobileNetV3).',
    },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with inputChannels channels.' }],
  outputs: [{ name: 'output', doc: 'The input, each channel scaled.' }],
  fromInput: [channelsFromInput('inputChannels')],
  expand: (params) => {
    const d = draftExpansion();
    const input: ExpansionPort = { input: 'input' };
    let x = d.add('avgpool', 'addReduce', 'avgpool', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, { input });
    x = addConvWithBias(d, 'fc1', 'fc1', x, intParam(params, 'squeezeChannels'), 1);
    x = addBlockActivation(d, 'activation', 'activation', x, enumParam(params, 'activation'), 0);
    x = addConvWithBias(d, 'fc2', 'fc2', x, intParam(params, 'inputChannels'), 1);
    x = addBlockActivation(d, 'scale_activation', 'scale_activation', x, enumParam(params, 'scaleActivation'), 0);
    // [N, C, 1, 1] broadcast over H and W, as PyTorch's `scale * input`.
    d.expansion.outputs.output = d.add('scale', 'addElementWise', 'scale', { operation: 'PROD' }, { input1: x, input2: input });
    return d.expansion;
  },
  summary: (p) => `${String(p.inputChannels)} ↘ ${String(p.squeezeChannels)}`,
};

/** What MBConv and MobileNetV3's block share: `block.<i>` = [expand] depthwise [SE] project, residual when shapes match. */
interface MobileBlock {
  inputChannels: number;
  expandedChannels: number;
  outChannels: number;
  kernelSize: number;
  stride: number;
  dilation: number;
  activation: string;
  eps: number;
  se?: { squeezeChannels: number; activation: string; scaleActivation: string };
}

function expandMobileBlock(o: MobileBlock) {
  const d = draftExpansion();
  const common = { stride: 1, padding: -1, dilation: 1, groups: 1, activation: o.activation, eps: o.eps };
  let x: ExpansionPort = { input: 'input' };
  let index = 0;
  if (o.expandedChannels !== o.inputChannels)
    x = addNestedConvBnAct(d, 'expand', `block.${index++}`, x, { ...common, outChannels: o.expandedChannels, kernelSize: 1 });
  x = addNestedConvBnAct(d, 'depthwise', `block.${index++}`, x, {
    ...common,
    outChannels: o.expandedChannels,
    kernelSize: o.kernelSize,
    // torchvision keeps the resolution when it dilates.
    stride: o.dilation > 1 ? 1 : o.stride,
    dilation: o.dilation,
    groups: o.expandedChannels,
  });
  if (o.se) x = addNested(d, 'se', 'SqueezeExcitation', `block.${index++}`, { inputChannels: o.expandedChannels, ...o.se }, x, SE_SLOTS);
  x = addNestedConvBnAct(d, 'project', `block.${index}`, x, { ...common, outChannels: o.outChannels, kernelSize: 1, activation: 'NONE' });
  // Stochastic depth before the sum is the identity at inference.
  if (o.stride === 1 && o.inputChannels === o.outChannels)
    x = d.add('add', 'addElementWise', 'add', { operation: 'SUM' }, { input1: x, input2: { input: 'input' } });
  d.expansion.outputs.output = x;
  return d.expansion;
}

export const MBConv: CompositeSpec = {
  kind: 'composite',
  type: 'MBConv',
  category: 'Blocks',
  label: 'EfficientNet MBConv',
  aliases: [{ names: ['efficientnet', 'mbconv', 'inverted residual'] }],
  doc: "torchvision's EfficientNet MBConv: 1×1 expand (unless the ratio is 1), depthwise, squeeze-and-excitation, 1×1 project; SiLU; residual when shapes match.",
  params: [
    { name: 'inputChannels', kind: 'int', default: 16, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'outChannels', kind: 'int', default: 24, min: 1, doc: 'Output channels.' },
    { name: 'kernelSize', kind: 'int', default: 3, min: 1, doc: 'Depthwise kernel size (3 or 5 in EfficientNet).' },
    { name: 'stride', kind: 'int', default: 1, min: 1, max: 2, doc: 'Depthwise stride.' },
    { name: 'expandRatio', kind: 'float', default: 6, min: 1, doc: 'Expanded channels = inputChannels · expandRatio, made divisible by 8.' },
    { name: 'eps', kind: 'float', default: 1e-5, min: 0, doc: 'BatchNorm ε (1e-5 for efficientnet_b0…b4, 1e-3 for the V2 models).' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with inputChannels channels.' }],
  outputs: [{ name: 'output', doc: 'N × outChannels × H/stride × W/stride.' }],
  fromInput: [channelsFromInput('inputChannels')],
  expand: (params) => {
    const inputChannels = intParam(params, 'inputChannels');
    return expandMobileBlock({
      inputChannels,
      expandedChannels: makeDivisible(inputChannels * floatParam(params, 'expandRatio')),
      outChannels: intParam(params, 'outChannels'),
      kernelSize: intParam(params, 'kernelSize'),
      stride: intParam(params, 'stride'),
      dilation: 1,
      activation: 'SILU',
      eps: floatParam(params, 'eps'),
      se: { squeezeChannels: Math.max(1, Math.floor(inputChannels / 4)), activation: 'SILU', scaleActivation: 'SIGMOID' },
    });
  },
  summary: (p) =>
    `${String(p.inputChannels)} → ${String(p.outChannels)} k${String(p.kernelSize)} ×${String(p.expandRatio)}${p.stride === 1 ? '' : ` /${String(p.stride)}`}`,
};

export const InvertedResidualV3: CompositeSpec = {
  kind: 'composite',
  type: 'InvertedResidualV3',
  category: 'Blocks',
  label: 'MobileNetV3 InvertedResidual',
  aliases: [{ names: ['mobilenetv3', 'mobilenet_v3', 'bneck'] }],
  doc: "torchvision's MobileNetV3 block: 1×1 expand (unless the widths match), depthwise, optional squeeze-and-excitation (hard sigmoid), 1×1 project; residual when shapes match.",
  params: [
    { name: 'inputChannels', kind: 'int', default: 16, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'expandedChannels', kind: 'int', default: 64, min: 1, doc: 'Channels of the depthwise convolution.' },
    { name: 'outChannels', kind: 'int', default: 24, min: 1, doc: 'Output channels.' },
    { name: 'kernelSize', kind: 'int', default: 3, min: 1, doc: 'Depthwise kernel size.' },
    { name: 'stride', kind: 'int', default: 1, min: 1, max: 2, doc: 'Depthwise stride (ignored when dilated, as in torchvision).' },
    { name: 'dilation', kind: 'int', default: 1, min: 1, doc: 'Depthwise dilation.' },
    {
      name: 'useSE',
      kind: 'bool',
      default: false,
      doc: 'Squeeze-and-excitation after the depthwise convolution, squeezing to ⌊expanded/4⌋ made divisible by 8.',
    },
    { name: 'activation', kind: 'enum', enumType: 'BlockActivation', values: ['RELU', 'HARDSWISH'], default: 'RELU', doc: "RELU ('RE') or HARDSWISH ('HS')." },
    { name: 'eps', kind: 'float', default: 0.001, min: 0, doc: "BatchNorm ε (torchvision's MobileNetV3 uses 0.001)." },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with inputChannels channels.' }],
  outputs: [{ name: 'output', doc: 'N × outChannels × H/stride × W/stride.' }],
  fromInput: [channelsFromInput('inputChannels')],
  expand: (params) => {
    const expandedChannels = intParam(params, 'expandedChannels');
    return expandMobileBlock({
      inputChannels: intParam(params, 'inputChannels'),
      expandedChannels,
      outChannels: intParam(params, 'outChannels'),
      kernelSize: intParam(params, 'kernelSize'),
      stride: intParam(params, 'stride'),
      dilation: intParam(params, 'dilation'),
      activation: enumParam(params, 'activation'),
      eps: floatParam(params, 'eps'),
      ...(boolParam(params, 'useSE')
        ? { se: { squeezeChannels: makeDivisible(Math.floor(expandedChannels / 4)), activation: 'RELU', scaleActivation: 'HARDSIGMOID' } }
        : {}),
    });
  },
  summary: (p) =>
    `${String(p.inputChannels)} → ${String(p.outChannels)} k${String(p.kernelSize)}${p.useSE === true ? ' SE' : ''}${p.stride === 1 ? '' : ` /${String(p.stride)}`}`,
};

export const ResBottleneckBlock: CompositeSpec = {
  kind: 'composite',
  type: 'ResBottleneckBlock',
  category: 'Blocks',
  label: 'RegNet ResBottleneckBlock',
  aliases: [{ names: ['regnet', 'anynet'] }],
  doc: "torchvision's RegNet block: relu(proj(x) + f(x)), f = `f.a` 1×1, `f.b` 3×3 grouped (strided), [`f.se`], `f.c` 1×1; `proj` only when the shape changes.",
  params: [
    { name: 'widthIn', kind: 'int', default: 32, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'widthOut', kind: 'int', default: 64, min: 1, doc: 'Output channels.' },
    { name: 'stride', kind: 'int', default: 1, min: 1, doc: 'Stride of `f.b` and of `proj`.' },
    { name: 'groupWidth', kind: 'int', default: 16, min: 1, doc: 'Channels per group of `f.b`.' },
    { name: 'bottleneckMultiplier', kind: 'float', default: 1, min: 0, doc: 'Bottleneck width = round(widthOut · this).' },
    { name: 'seRatio', kind: 'float', default: 0, min: 0, doc: 'Squeeze-and-excitation `f.se` to round(seRatio · widthIn) channels; 0 for none (RegNetX).' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with widthIn channels.' }],
  outputs: [{ name: 'output', doc: 'N × widthOut × H/stride × W/stride.' }],
  fromInput: [channelsFromInput('widthIn')],
  expand: (params) => {
    const widthIn = intParam(params, 'widthIn');
    const widthOut = intParam(params, 'widthOut');
    const stride = intParam(params, 'stride');
    const seRatio = floatParam(params, 'seRatio');
    const bottleneck = roundHalfEven(widthOut * floatParam(params, 'bottleneckMultiplier'));
    const groups = Math.floor(bottleneck / intParam(params, 'groupWidth'));
    const d = draftExpansion();
    const common = { stride: 1, padding: -1, dilation: 1, groups: 1, activation: 'RELU', kernelSize: 1 };
    let f = addNestedConvBnAct(d, 'a', 'f.a', { input: 'input' }, { ...common, outChannels: bottleneck });
    f = addNestedConvBnAct(d, 'b', 'f.b', f, { ...common, outChannels: bottleneck, kernelSize: 3, stride, groups });
    if (seRatio > 0)
      f = addNested(d, 'se', 'SqueezeExcitation', 'f.se', { inputChannels: bottleneck, squeezeChannels: roundHalfEven(seRatio * widthIn) }, f, SE_SLOTS);
    f = addNestedConvBnAct(d, 'c', 'f.c', f, { ...common, outChannels: widthOut, activation: 'NONE' });
    const shortcut: ExpansionPort =
      widthIn !== widthOut || stride !== 1
        ? addNestedConvBnAct(d, 'proj', 'proj', { input: 'input' }, { ...common, outChannels: widthOut, stride, activation: 'NONE' })
        : { input: 'input' };
    const sum = d.add('add', 'addElementWise', 'add', { operation: 'SUM' }, { input1: shortcut, input2: f });
    d.expansion.outputs.output = addRelu(d, 'activation', 'activation', sum);
    return d.expansion;
  },
  summary: (p) => `${String(p.widthIn)} → ${String(p.widthOut)} g${String(p.groupWidth)}${p.stride === 1 ? '' : ` /${String(p.stride)}`}`,
};

const DENSE_LAYER_SLOTS = [...BATCH_NORM_SLOTS.map((s) => `norm1.${s}`), 'conv1.weight', ...BATCH_NORM_SLOTS.map((s) => `norm2.${s}`), 'conv2.weight'];

export const DenseLayer: CompositeSpec = {
  kind: 'composite',
  type: 'DenseLayer',
  category: 'Blocks',
  label: 'DenseNet DenseLayer',
  aliases: [{ names: ['densenet', 'dense layer'] }],
  doc: "torchvision's _DenseLayer, joined to its input: cat(x, conv2(relu2(norm2(conv1(relu1(norm1(x))))))) along the channels.",
  params: [
    { name: 'numInputFeatures', kind: 'int', default: 64, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'growthRate', kind: 'int', default: 32, min: 1, doc: 'Channels the layer adds (conv2 output).' },
    { name: 'bnSize', kind: 'int', default: 4, min: 1, doc: 'conv1 has bnSize · growthRate output channels.' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with numInputFeatures channels.' }],
  outputs: [{ name: 'output', doc: 'N × (numInputFeatures + growthRate) × H × W.' }],
  fromInput: [channelsFromInput('numInputFeatures')],
  expand: (params) => {
    const growth = intParam(params, 'growthRate');
    const d = draftExpansion();
    let x = addBatchNorm(d, 'norm1', 'norm1', { input: 'input' }, 'norm1');
    x = addRelu(d, 'relu1', 'relu1', x);
    x = addConv(d, 'conv1', 'conv1', x, { outChannels: intParam(params, 'bnSize') * growth, kernel: 1, stride: 1, padding: 0 }, 'conv1.weight');
    x = addBatchNorm(d, 'norm2', 'norm2', x, 'norm2');
    x = addRelu(d, 'relu2', 'relu2', x);
    x = addConv(d, 'conv2', 'conv2', x, { outChannels: growth, kernel: 3, stride: 1, padding: 1 }, 'conv2.weight');
    // _DenseBlock concatenates every earlier output; chaining input-then-new gives the same order.
    d.expansion.outputs.output = d.add('cat', 'addConcatenation', 'cat', { axis: 1 }, { 'inputs.0': { input: 'input' }, 'inputs.1': x });
    return d.expansion;
  },
  summary: (p) => `${String(p.numInputFeatures)} + ${String(p.growthRate)}`,
};

export const DenseBlock: CompositeSpec = {
  kind: 'composite',
  type: 'DenseBlock',
  category: 'Blocks',
  label: 'DenseNet DenseBlock',
  aliases: [{ names: ['densenet', 'dense block'] }],
  doc: "torchvision's _DenseBlock: numLayers DenseLayers `denselayer1`…, each adding growthRate channels.",
  params: [
    { name: 'numLayers', kind: 'int', default: 6, min: 1, max: 256, doc: 'How many DenseLayers.' },
    { name: 'numInputFeatures', kind: 'int', default: 64, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'growthRate', kind: 'int', default: 32, min: 1, doc: 'Channels each layer adds.' },
    { name: 'bnSize', kind: 'int', default: 4, min: 1, doc: 'Bottleneck width factor of each layer.' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with numInputFeatures channels.' }],
  outputs: [{ name: 'output', doc: 'N × (numInputFeatures + numLayers · growthRate) × H × W.' }],
  fromInput: [channelsFromInput('numInputFeatures')],
  expand: (params) => {
    const growthRate = intParam(params, 'growthRate');
    const bnSize = intParam(params, 'bnSize');
    let features = intParam(params, 'numInputFeatures');
    const d = draftExpansion();
    let x: ExpansionPort = { input: 'input' };
    for (let i = 1; i <= intParam(params, 'numLayers'); i++) {
      x = addNested(d, `layer${i}`, 'DenseLayer', `denselayer${i}`, { numInputFeatures: features, growthRate, bnSize }, x, DENSE_LAYER_SLOTS);
      features += growthRate;
    }
    d.expansion.outputs.output = x;
    return d.expansion;
  },
  summary: (p) => `×${String(p.numLayers)} ${String(p.numInputFeatures)} + ${String(Number(p.numLayers) * Number(p.growthRate))}`,
};

export const Transition: CompositeSpec = {
  kind: 'composite',
  type: 'Transition',
  category: 'Blocks',
  label: 'DenseNet Transition',
  aliases: [{ names: ['densenet', 'transition'] }],
  doc: "torchvision's _Transition: BatchNorm `norm`, ReLU `relu`, 1×1 convolution `conv`, 2×2 average pool `pool`.",
  params: [{ name: 'numOutputFeatures', kind: 'int', default: 128, min: 1, doc: 'Output channels of the 1×1 convolution.' }],
  inputs: [{ name: 'input', doc: 'NCHW tensor.' }],
  outputs: [{ name: 'output', doc: 'N × numOutputFeatures × H/2 × W/2.' }],
  expand: (params) => {
    const d = draftExpansion();
    let x = addBatchNorm(d, 'norm', 'norm', { input: 'input' }, 'norm');
    x = addRelu(d, 'relu', 'relu', x);
    x = addConv(d, 'conv', 'conv', x, { outChannels: intParam(params, 'numOutputFeatures'), kernel: 1, stride: 1, padding: 0 }, 'conv.weight');
    d.expansion.outputs.output = d.add('pool', 'addPoolingNd', 'pool', { type: 'AVERAGE', windowSize: [2, 2], stride: [2, 2] }, { input: x });
    return d.expansion;
  },
  summary: (p) => `→ ${String(p.numOutputFeatures)} /2`,
};

export const torchvisionBlockLayers = [SqueezeExcitation, MBConv, InvertedResidualV3, ResBottleneckBlock, DenseLayer, DenseBlock, Transition];
