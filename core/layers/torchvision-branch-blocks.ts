/**
 * torchvision's multi-branch blocks: GoogLeNet's BasicConv2d and Inception, SqueezeNet's Fire and
 * ShuffleNetV2's unit (its `InvertedResidual`). Each is defined only by its expansion into primitives
 * and other composites; the slots carry the exact `state_dict` suffixes (`branch2.1.bn.running_var`).
 */
import { addBatchNorm, addConv, addRelu, BATCH_NORM_SLOTS, draftExpansion, type ExpansionDraft } from './blocks.js';
import { channelsFromInput, floatParam, intParam } from './params.js';
import { addConvWithBias, addNested } from './torchvision-blocks.js';
import { fail, type CompositeSpec, type ExpansionPort, type InputDerivedParam } from './types.js';

const BASIC_CONV_SLOTS = ['conv.weight', ...BATCH_NORM_SLOTS.map((s) => `bn.${s}`)];

/** GoogLeNet's BatchNorm ε. */
const GOOGLENET_EPS = 0.001;

export const BasicConv2d: CompositeSpec = {
  kind: 'composite',
  type: 'BasicConv2d',
  category: 'Blocks',
  label: 'GoogLeNet BasicConv2d',
  aliases: [{ names: ['googlenet', 'inception', 'basicconv2d'] }],
  doc: "torchvision's GoogLeNet BasicConv2d: bias-free convolution `conv`, BatchNorm `bn` (ε 0.001), ReLU.",
  params: [
    { name: 'outChannels', kind: 'int', default: 64, min: 1, doc: 'Output channels.' },
    { name: 'kernelSize', kind: 'int', default: 1, min: 1, doc: 'Square kernel size.' },
    { name: 'stride', kind: 'int', default: 1, min: 1, doc: 'Stride in both spatial dimensions.' },
    { name: 'padding', kind: 'int', default: 0, min: 0, doc: 'Symmetric padding.' },
    { name: 'eps', kind: 'float', default: GOOGLENET_EPS, min: 0, doc: 'BatchNorm ε.' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor.' }],
  outputs: [{ name: 'output', doc: 'N × outChannels × H′ × W′.' }],
  expand: (params) => {
    const d = draftExpansion();
    const o = {
      outChannels: intParam(params, 'outChannels'),
      kernel: intParam(params, 'kernelSize'),
      stride: intParam(params, 'stride'),
      padding: intParam(params, 'padding'),
    };
    let x = addConv(d, 'conv', 'conv', { input: 'input' }, o, 'conv.weight');
    x = addBatchNorm(d, 'bn', 'bn', x, 'bn', floatParam(params, 'eps'));
    d.expansion.outputs.output = addRelu(d, 'relu', 'relu', x);
    return d.expansion;
  },
  summary: (p) => `${String(p.kernelSize)}×${String(p.kernelSize)}${p.stride === 1 ? '' : ` /${String(p.stride)}`} ${String(p.outChannels)}`,
};

function addBasicConv(d: ExpansionDraft, id: string, name: string, input: ExpansionPort, outChannels: number, kernelSize: number, padding = 0): ExpansionPort {
  return addNested(d, id, 'BasicConv2d', name, { outChannels, kernelSize, stride: 1, padding, eps: GOOGLENET_EPS }, input, BASIC_CONV_SLOTS);
}

export const Inception: CompositeSpec = {
  kind: 'composite',
  type: 'Inception',
  category: 'Blocks',
  label: 'GoogLeNet Inception',
  aliases: [{ names: ['googlenet', 'inception'] }],
  doc: "torchvision's GoogLeNet Inception: 1×1 | 1×1→3×3 | 1×1→3×3 | max-pool 3/1/1→1×1, joined along the channels (torchvision uses 3×3 where the paper has 5×5).",
  params: [
    { name: 'inChannels', kind: 'int', default: 192, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'ch1x1', kind: 'int', default: 64, min: 1, doc: 'branch1 output channels.' },
    { name: 'ch3x3red', kind: 'int', default: 96, min: 1, doc: 'branch2 reduction channels.' },
    { name: 'ch3x3', kind: 'int', default: 128, min: 1, doc: 'branch2 output channels.' },
    { name: 'ch5x5red', kind: 'int', default: 16, min: 1, doc: 'branch3 reduction channels.' },
    { name: 'ch5x5', kind: 'int', default: 32, min: 1, doc: 'branch3 output channels (a 3×3 convolution, as in torchvision).' },
    { name: 'poolProj', kind: 'int', default: 32, min: 1, doc: 'branch4 output channels.' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with inChannels channels.' }],
  outputs: [{ name: 'output', doc: 'N × (ch1x1 + ch3x3 + ch5x5 + poolProj) × H × W.' }],
  fromInput: [channelsFromInput('inChannels')],
  expand: (params) => {
    const d = draftExpansion();
    const input: ExpansionPort = { input: 'input' };
    const p = (name: string) => intParam(params, name);
    const b1 = addBasicConv(d, 'b1', 'branch1', input, p('ch1x1'), 1);
    const b2 = addBasicConv(d, 'b2_1', 'branch2.1', addBasicConv(d, 'b2_0', 'branch2.0', input, p('ch3x3red'), 1), p('ch3x3'), 3, 1);
    const b3 = addBasicConv(d, 'b3_1', 'branch3.1', addBasicConv(d, 'b3_0', 'branch3.0', input, p('ch5x5red'), 1), p('ch5x5'), 3, 1);
    // PyTorch's MaxPool2d(3, 1, 1, ceil_mode=True): at stride 1 ceil and floor give the same size, so round down is exact.
    const pool = d.add(
      'b4_0',
      'addPoolingNd',
      'branch4.0',
      { type: 'MAX', windowSize: [3, 3], stride: [1, 1], prePadding: [1, 1], postPadding: [1, 1] },
      { input },
    );
    const b4 = addBasicConv(d, 'b4_1', 'branch4.1', pool, p('poolProj'), 1);
    d.expansion.outputs.output = d.add('cat', 'addConcatenation', 'cat', { axis: 1 }, { 'inputs.0': b1, 'inputs.1': b2, 'inputs.2': b3, 'inputs.3': b4 });
    return d.expansion;
  },
  summary: (p) => `${String(p.inChannels)} → ${String(Number(p.ch1x1) + Number(p.ch3x3) + Number(p.ch5x5) + Number(p.poolProj))}`,
};

export const Fire: CompositeSpec = {
  kind: 'composite',
  type: 'Fire',
  category: 'Blocks',
  label: 'SqueezeNet Fire',
  aliases: [{ names: ['squeezenet', 'fire'] }],
  doc: "torchvision's SqueezeNet Fire: 1×1 `squeeze` + ReLU, then 1×1 `expand1x1` and 3×3 `expand3x3` (each + ReLU) joined along the channels.",
  params: [
    { name: 'squeezePlanes', kind: 'int', default: 16, min: 1, doc: 'Channels of the squeeze convolution.' },
    { name: 'expand1x1Planes', kind: 'int', default: 64, min: 1, doc: 'Channels of the 1×1 expand convolution.' },
    { name: 'expand3x3Planes', kind: 'int', default: 64, min: 1, doc: 'Channels of the 3×3 expand convolution.' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor.' }],
  outputs: [{ name: 'output', doc: 'N × (expand1x1Planes + expand3x3Planes) × H × W.' }],
  expand: (params) => {
    const d = draftExpansion();
    const s = addRelu(
      d,
      'squeeze_activation',
      'squeeze_activation',
      addConvWithBias(d, 'squeeze', 'squeeze', { input: 'input' }, intParam(params, 'squeezePlanes'), 1),
    );
    const e1 = addRelu(
      d,
      'expand1x1_activation',
      'expand1x1_activation',
      addConvWithBias(d, 'expand1x1', 'expand1x1', s, intParam(params, 'expand1x1Planes'), 1),
    );
    const e3 = addRelu(
      d,
      'expand3x3_activation',
      'expand3x3_activation',
      addConvWithBias(d, 'expand3x3', 'expand3x3', s, intParam(params, 'expand3x3Planes'), 3, 1),
    );
    d.expansion.outputs.output = d.add('cat', 'addConcatenation', 'cat', { axis: 1 }, { 'inputs.0': e1, 'inputs.1': e3 });
    return d.expansion;
  },
  summary: (p) => `${String(p.squeezePlanes)} → ${String(p.expand1x1Planes)}+${String(p.expand3x3Planes)}`,
};

/** A static dimension of the input, for the slices that split the channels in two. */
function dimFromInput(param: string, axis: number, what: string): InputDerivedParam {
  return { param, what, value: (t) => (t.dims.length === 4 && t.dims[axis]! >= 0 ? t.dims[axis] : undefined) };
}

/** torchvision's channel_shuffle with 2 groups, from [N, C, H, W] and C alone (no spatial size needed). */
function addChannelShuffle(d: ExpansionDraft, input: ExpansionPort, channels: number): ExpansionPort {
  // [N,C,H,W] → [N,H,W,C] → [N,H,W,2,C/2] → [N,H,W,C/2,2]: channel i·2 + g now holds input channel g·C/2 + i.
  const grouped = d.add(
    'shuffle_groups',
    'addShuffle',
    'channel_shuffle.groups',
    { firstTranspose: [0, 2, 3, 1], reshapeDimensions: [0, 0, 0, 2, channels / 2], secondTranspose: [0, 1, 2, 4, 3] },
    { input },
  );
  return d.add(
    'shuffle_merge',
    'addShuffle',
    'channel_shuffle.merge',
    { reshapeDimensions: [0, 0, 0, channels], secondTranspose: [0, 3, 1, 2] },
    { input: grouped },
  );
}

export const ShuffleUnit: CompositeSpec = {
  kind: 'composite',
  type: 'ShuffleUnit',
  category: 'Blocks',
  label: 'ShuffleNetV2 unit',
  aliases: [{ names: ['shufflenet', 'shufflenetv2'] }],
  doc: "torchvision's ShuffleNetV2 InvertedResidual: stride 1 splits the channels in two and transforms the second half (`branch2`); stride 2 transforms the whole input twice (`branch1`, `branch2`); then joins and shuffles the channels in 2 groups.",
  params: [
    { name: 'inp', kind: 'int', default: 116, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'oup', kind: 'int', default: 116, min: 2, doc: 'Output channels (even); each branch gives half.' },
    { name: 'stride', kind: 'int', default: 1, min: 1, max: 3, doc: 'Stride of the depthwise convolutions; 1 splits the input.' },
    { name: 'batch', kind: 'int', default: 1, min: 1, doc: 'Batch size of the input (the channel split is a slice of static size).' },
    { name: 'height', kind: 'int', default: 28, min: 1, doc: 'Input height (the channel split is a slice of static size).' },
    { name: 'width', kind: 'int', default: 28, min: 1, doc: 'Input width (the channel split is a slice of static size).' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with inp channels.' }],
  outputs: [{ name: 'output', doc: 'N × oup × H/stride × W/stride.' }],
  fromInput: [channelsFromInput('inp'), dimFromInput('batch', 0, 'samples'), dimFromInput('height', 2, 'rows'), dimFromInput('width', 3, 'columns')],
  expand: (params) => {
    const inp = intParam(params, 'inp');
    const oup = intParam(params, 'oup');
    const stride = intParam(params, 'stride');
    if (oup % 2 !== 0) fail(`oup ${oup} must be even: each branch gives half the output channels`, 'oup');
    const half = oup / 2;
    if (stride === 1 && inp !== oup) fail(`with stride 1 the input is split in two, so inp ${inp} must equal oup ${oup}`, 'inp');
    const d = draftExpansion();
    const conv = (id: string, index: string, input: ExpansionPort, outChannels: number, kernel: number, s: number, groups = 1) =>
      addConv(d, id, index, input, { outChannels, kernel, stride: s, padding: kernel === 3 ? 1 : 0, groups }, `${index}.weight`);
    const bn = (id: string, index: string, input: ExpansionPort) => addBatchNorm(d, id, index, input, index);
    const input: ExpansionPort = { input: 'input' };
    let left: ExpansionPort;
    let right: ExpansionPort;
    if (stride === 1) {
      const size = [intParam(params, 'batch'), half, intParam(params, 'height'), intParam(params, 'width')];
      left = d.add('chunk0', 'addSlice', 'chunk.0', { start: [0, 0, 0, 0], size, stride: [1, 1, 1, 1] }, { input });
      right = d.add('chunk1', 'addSlice', 'chunk.1', { start: [0, half, 0, 0], size, stride: [1, 1, 1, 1] }, { input });
    } else {
      left = conv('b1_0', 'branch1.0', input, inp, 3, stride, inp);
      left = bn('b1_1', 'branch1.1', left);
      left = conv('b1_2', 'branch1.2', left, half, 1, 1);
      left = bn('b1_3', 'branch1.3', left);
      left = addRelu(d, 'b1_4', 'branch1.4', left);
      right = input;
    }
    right = conv('b2_0', 'branch2.0', right, half, 1, 1);
    right = bn('b2_1', 'branch2.1', right);
    right = addRelu(d, 'b2_2', 'branch2.2', right);
    right = conv('b2_3', 'branch2.3', right, half, 3, stride, half);
    right = bn('b2_4', 'branch2.4', right);
    right = conv('b2_5', 'branch2.5', right, half, 1, 1);
    right = bn('b2_6', 'branch2.6', right);
    right = addRelu(d, 'b2_7', 'branch2.7', right);
    const joined = d.add('cat', 'addConcatenation', 'cat', { axis: 1 }, { 'inputs.0': left, 'inputs.1': right });
    d.expansion.outputs.output = addChannelShuffle(d, joined, oup);
    return d.expansion;
  },
  summary: (p) => `${String(p.inp)} → ${String(p.oup)}${p.stride === 1 ? '' : ` /${String(p.stride)}`}`,
};

export const torchvisionBranchBlockLayers = [BasicConv2d, Inception, Fire, ShuffleUnit];
