import { describe, expect, it } from 'vitest';
import { getLayerSpec } from './catalog.js';
import { completeParams } from './params.js';
import { outDims, runLayer, tensor } from './testing.js';
import { makeDivisible } from './torchvision-blocks.js';
import type { CompositeSpec, Params } from './types.js';

/** Each slot as [name, shape], in the order the weights panel lists them. */
function slots(type: string, params: Params, input: number[]): [string, number[] | undefined][] {
  const run = runLayer(type, params, { input: tensor(input) });
  expect(run.error).toBeUndefined();
  return run.weights.map((w) => [w.name, w.shape]);
}

const bnSlots = (prefix: string, channels: number): [string, number[]][] =>
  ['weight', 'bias', 'running_mean', 'running_var'].map((leaf) => [`${prefix}.${leaf}`, [channels]]);

/** The inner nodes of an expansion as `name type`. */
function innerNodes(type: string, params: Params): string[] {
  const spec = getLayerSpec(type) as CompositeSpec;
  return spec.expand(completeParams(spec.params, params)).nodes.map((n) => `${n.name} ${n.type}`);
}

describe("torchvision's _make_divisible", () => {
  it('rounds to the nearest multiple of 8, never more than 10 % down and never below 8', () => {
    expect([makeDivisible(16 * 6), makeDivisible(72 / 4), makeDivisible(3), makeDivisible(100), makeDivisible(91), makeDivisible(20, 16)]).toEqual([
      96, 24, 8, 104, 88, 32,
    ]);
  });
});

describe('SqueezeExcitation', () => {
  it('has fc1 and fc2 with biases and keeps the input shape', () => {
    expect(slots('SqueezeExcitation', { inputChannels: 96, squeezeChannels: 4 }, [1, 96, 56, 56])).toEqual([
      ['fc1.weight', [4, 96, 1, 1]],
      ['fc1.bias', [4]],
      ['fc2.weight', [96, 4, 1, 1]],
      ['fc2.bias', [96]],
    ]);
    expect(outDims('SqueezeExcitation', { inputChannels: 96, squeezeChannels: 4 }, { input: tensor([1, 96, 56, 56]) })).toEqual([1, 96, 56, 56]);
  });

  it('scales the input by the gate: avgpool, fc1, activation, fc2, scale activation, product with the input', () => {
    const spec = getLayerSpec('SqueezeExcitation') as CompositeSpec;
    const e = spec.expand(completeParams(spec.params, { inputChannels: 16, squeezeChannels: 8, scaleActivation: 'HARDSIGMOID' }));
    expect(e.nodes.map((n) => [n.name, n.type, n.type === 'addActivation' ? n.params : undefined])).toEqual([
      ['avgpool', 'addReduce', undefined],
      ['fc1', 'addConvolutionNd', undefined],
      ['activation', 'addActivation', { type: 'RELU', alpha: 0, beta: 0 }],
      ['fc2', 'addConvolutionNd', undefined],
      ['scale_activation', 'addActivation', { type: 'HARD_SIGMOID', alpha: 1 / 6, beta: 0.5 }],
      ['scale', 'addElementWise', undefined],
    ]);
    expect(e.edges.filter((w) => w.to.node === 'scale').map((w) => w.from)).toEqual([{ node: 'scale_activation', port: 'output' }, { input: 'input' }]);
  });
});

describe('MBConv', () => {
  it('numbers its modules block.0… from the depthwise convolution when the expand ratio is 1', () => {
    const names = slots('MBConv', { inputChannels: 32, outChannels: 16, kernelSize: 3, stride: 1, expandRatio: 1 }, [1, 32, 112, 112]).map(([n]) => n);
    expect(names).toEqual([
      'block.0.0.weight',
      ...bnSlots('block.0.1', 32).map(([n]) => n),
      'block.1.fc1.weight',
      'block.1.fc1.bias',
      'block.1.fc2.weight',
      'block.1.fc2.bias',
      'block.2.0.weight',
      ...bnSlots('block.2.1', 16).map(([n]) => n),
    ]);
  });

  it("matches efficientnet_b0's features.2.0: expand, 3×3 depthwise /2, SE to input/4, project", () => {
    expect(slots('MBConv', { inputChannels: 16, outChannels: 24, kernelSize: 3, stride: 2, expandRatio: 6 }, [1, 16, 112, 112])).toEqual([
      ['block.0.0.weight', [96, 16, 1, 1]],
      ...bnSlots('block.0.1', 96),
      ['block.1.0.weight', [96, 1, 3, 3]],
      ...bnSlots('block.1.1', 96),
      ['block.2.fc1.weight', [4, 96, 1, 1]],
      ['block.2.fc1.bias', [4]],
      ['block.2.fc2.weight', [96, 4, 1, 1]],
      ['block.2.fc2.bias', [96]],
      ['block.3.0.weight', [24, 96, 1, 1]],
      ...bnSlots('block.3.1', 24),
    ]);
    expect(outDims('MBConv', { inputChannels: 16, outChannels: 24, kernelSize: 5, stride: 2 }, { input: tensor([1, 16, 112, 112]) })).toEqual([1, 24, 56, 56]);
  });

  it('adds the input back only when the stride is 1 and the widths match', () => {
    const sums = (params: Params) => innerNodes('MBConv', params).filter((n) => n === 'add addElementWise').length;
    expect(sums({ inputChannels: 24, outChannels: 24, stride: 1 })).toBe(1);
    expect(sums({ inputChannels: 24, outChannels: 24, stride: 2 })).toBe(0);
    expect(sums({ inputChannels: 24, outChannels: 40, stride: 1 })).toBe(0);
  });
});

describe('InvertedResidualV3', () => {
  it('leaves out the expand convolution when the widths match and squeezes to make_divisible(expanded / 4)', () => {
    expect(
      slots('InvertedResidualV3', { inputChannels: 16, expandedChannels: 16, outChannels: 16, kernelSize: 3, stride: 2, useSE: true }, [1, 16, 112, 112]),
    ).toEqual([
      ['block.0.0.weight', [16, 1, 3, 3]],
      ...bnSlots('block.0.1', 16),
      ['block.1.fc1.weight', [8, 16, 1, 1]],
      ['block.1.fc1.bias', [8]],
      ['block.1.fc2.weight', [16, 8, 1, 1]],
      ['block.1.fc2.bias', [16]],
      ['block.2.0.weight', [16, 16, 1, 1]],
      ...bnSlots('block.2.1', 16),
    ]);
  });

  it('has no SE without useSE, and uses hardswish and BatchNorm ε 0.001', () => {
    const nodes = innerNodes('InvertedResidualV3', { inputChannels: 16, expandedChannels: 72, outChannels: 24, activation: 'HARDSWISH' });
    expect(nodes).toEqual(['block.0 ConvBnAct', 'block.1 ConvBnAct', 'block.2 ConvBnAct']);
    const spec = getLayerSpec('InvertedResidualV3') as CompositeSpec;
    const e = spec.expand(completeParams(spec.params, { inputChannels: 16, expandedChannels: 72, outChannels: 24, activation: 'HARDSWISH' }));
    expect(e.nodes.map((n) => [n.params.activation, n.params.eps])).toEqual([
      ['HARDSWISH', 0.001],
      ['HARDSWISH', 0.001],
      ['NONE', 0.001],
    ]);
  });
});

describe('ResBottleneckBlock', () => {
  it("matches regnet_x_400mf's block2-0: proj, f.a, f.b grouped by 16 channels, f.c", () => {
    expect(slots('ResBottleneckBlock', { widthIn: 32, widthOut: 64, stride: 2, groupWidth: 16 }, [1, 32, 56, 56])).toEqual([
      ['f.a.0.weight', [64, 32, 1, 1]],
      ...bnSlots('f.a.1', 64),
      ['f.b.0.weight', [64, 16, 3, 3]],
      ...bnSlots('f.b.1', 64),
      ['f.c.0.weight', [64, 64, 1, 1]],
      ...bnSlots('f.c.1', 64),
      ['proj.0.weight', [64, 32, 1, 1]],
      ...bnSlots('proj.1', 64),
    ]);
    expect(outDims('ResBottleneckBlock', { widthIn: 32, widthOut: 64, stride: 2 }, { input: tensor([1, 32, 56, 56]) })).toEqual([1, 64, 28, 28]);
  });

  it('has no proj when neither the width nor the stride changes, and an SE for RegNetY', () => {
    const names = slots('ResBottleneckBlock', { widthIn: 64, widthOut: 64, stride: 1, seRatio: 0.25 }, [1, 64, 28, 28]).map(([n]) => n);
    expect(names.filter((n) => n.startsWith('proj'))).toEqual([]);
    expect(names.filter((n) => n.startsWith('f.se'))).toEqual(['f.se.fc1.weight', 'f.se.fc1.bias', 'f.se.fc2.weight', 'f.se.fc2.bias']);
    const fc1 = slots('ResBottleneckBlock', { widthIn: 64, widthOut: 64, seRatio: 0.25 }, [1, 64, 28, 28]).find(([n]) => n === 'f.se.fc1.weight');
    expect(fc1).toEqual(['f.se.fc1.weight', [16, 64, 1, 1]]);
  });
});

describe('DenseNet blocks', () => {
  it('DenseLayer adds growthRate channels to its input', () => {
    expect(slots('DenseLayer', { numInputFeatures: 64 }, [1, 64, 56, 56])).toEqual([
      ...bnSlots('norm1', 64),
      ['conv1.weight', [128, 64, 1, 1]],
      ...bnSlots('norm2', 128),
      ['conv2.weight', [32, 128, 3, 3]],
    ]);
    expect(outDims('DenseLayer', { numInputFeatures: 64 }, { input: tensor([1, 64, 56, 56]) })).toEqual([1, 96, 56, 56]);
  });

  it('DenseBlock names its layers denselayer1… and each reads every earlier output', () => {
    const names = slots('DenseBlock', { numLayers: 3, numInputFeatures: 64 }, [1, 64, 56, 56]);
    expect(names.filter(([n]) => n.endsWith('norm1.weight'))).toEqual([
      ['denselayer1.norm1.weight', [64]],
      ['denselayer2.norm1.weight', [96]],
      ['denselayer3.norm1.weight', [128]],
    ]);
    expect(outDims('DenseBlock', { numLayers: 3, numInputFeatures: 64 }, { input: tensor([1, 64, 56, 56]) })).toEqual([1, 160, 56, 56]);
  });

  it('Transition halves the size after norm, relu and a 1×1 conv', () => {
    expect(slots('Transition', { numOutputFeatures: 128 }, [1, 256, 56, 56])).toEqual([...bnSlots('norm', 256), ['conv.weight', [128, 256, 1, 1]]]);
    expect(outDims('Transition', { numOutputFeatures: 128 }, { input: tensor([1, 256, 56, 56]) })).toEqual([1, 128, 28, 28]);
  });
});

describe('GoogLeNet and SqueezeNet blocks', () => {
  it("Inception matches googlenet's inception3a and joins 64 + 128 + 32 + 32 channels", () => {
    const run = slots('Inception', { inChannels: 192 }, [1, 192, 28, 28]);
    expect(run.filter(([n]) => n.endsWith('conv.weight'))).toEqual([
      ['branch1.conv.weight', [64, 192, 1, 1]],
      ['branch2.0.conv.weight', [96, 192, 1, 1]],
      ['branch2.1.conv.weight', [128, 96, 3, 3]],
      ['branch3.0.conv.weight', [16, 192, 1, 1]],
      ['branch3.1.conv.weight', [32, 16, 3, 3]],
      ['branch4.1.conv.weight', [32, 192, 1, 1]],
    ]);
    expect(run.length).toBe(6 * 5);
    expect(outDims('Inception', { inChannels: 192 }, { input: tensor([1, 192, 28, 28]) })).toEqual([1, 256, 28, 28]);
  });

  it('Fire has biased squeeze and expand convolutions and joins the two expands', () => {
    expect(slots('Fire', { squeezePlanes: 16, expand1x1Planes: 64, expand3x3Planes: 64 }, [1, 64, 55, 55])).toEqual([
      ['squeeze.weight', [16, 64, 1, 1]],
      ['squeeze.bias', [16]],
      ['expand1x1.weight', [64, 16, 1, 1]],
      ['expand1x1.bias', [64]],
      ['expand3x3.weight', [64, 16, 3, 3]],
      ['expand3x3.bias', [64]],
    ]);
    expect(outDims('Fire', {}, { input: tensor([1, 64, 55, 55]) })).toEqual([1, 128, 55, 55]);
  });
});

describe('ShuffleUnit', () => {
  const unit = { inp: 116, oup: 116, stride: 1, batch: 1, height: 28, width: 28 };

  it('with stride 1 transforms only the second half of the channels (branch2)', () => {
    const names = slots('ShuffleUnit', unit, [1, 116, 28, 28]);
    expect(names.filter(([n]) => n.endsWith('weight') && !n.includes('running'))[0]).toEqual(['branch2.0.weight', [58, 58, 1, 1]]);
    expect(names.some(([n]) => n.startsWith('branch1'))).toBe(false);
    expect(outDims('ShuffleUnit', unit, { input: tensor([1, 116, 28, 28]) })).toEqual([1, 116, 28, 28]);
  });

  it('with stride 2 has branch1 and branch2 on the whole input', () => {
    const names = slots('ShuffleUnit', { ...unit, inp: 24, stride: 2, height: 56, width: 56 }, [1, 24, 56, 56]);
    expect(names.filter(([n]) => n.endsWith('.weight') && n.split('.').length === 3)).toEqual([
      ['branch1.0.weight', [24, 1, 3, 3]],
      ['branch1.1.weight', [24]],
      ['branch1.2.weight', [58, 24, 1, 1]],
      ['branch1.3.weight', [58]],
      ['branch2.0.weight', [58, 24, 1, 1]],
      ['branch2.1.weight', [58]],
      ['branch2.3.weight', [58, 1, 3, 3]],
      ['branch2.4.weight', [58]],
      ['branch2.5.weight', [58, 58, 1, 1]],
      ['branch2.6.weight', [58]],
    ]);
    expect(outDims('ShuffleUnit', { ...unit, inp: 24, stride: 2, height: 56, width: 56 }, { input: tensor([1, 24, 56, 56]) })).toEqual([1, 116, 28, 28]);
  });

  it('shuffles the joined channels in 2 groups with two shuffles that need no spatial size', () => {
    const spec = getLayerSpec('ShuffleUnit') as CompositeSpec;
    const e = spec.expand(completeParams(spec.params, unit));
    expect(e.nodes.filter((n) => n.type === 'addShuffle').map((n) => [n.name, n.params])).toEqual([
      ['channel_shuffle.groups', { firstTranspose: [0, 2, 3, 1], reshapeDimensions: [0, 0, 0, 2, 58], secondTranspose: [0, 1, 2, 4, 3] }],
      ['channel_shuffle.merge', { reshapeDimensions: [0, 0, 0, 116], secondTranspose: [0, 3, 1, 2] }],
    ]);
  });

  it('says which input size its channel split was made for, and refuses odd or mismatched widths', () => {
    expect(outDims('ShuffleUnit', unit, { input: tensor([1, 116, 14, 14]) })).toBe('error: height is 28 but the input [1, 116, 14, 14] has 14 rows');
    expect(outDims('ShuffleUnit', { ...unit, oup: 115, inp: 115 }, { input: tensor([1, 115, 28, 28]) })).toBe(
      'error: oup 115 must be even: each branch gives half the output channels',
    );
    expect(outDims('ShuffleUnit', { ...unit, oup: 232 }, { input: tensor([1, 116, 28, 28]) })).toBe(
      'error: with stride 1 the input is split in two, so inp 116 must equal oup 232',
    );
  });
});
