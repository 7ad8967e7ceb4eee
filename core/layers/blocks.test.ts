import { describe, expect, it } from 'vitest';
import { emptyDocument, type NetworkDocument, type Params } from '../network/types.js';
import { inferShapes } from '../shapes/infer.js';
import { getLayerSpec } from './catalog.js';
import { outDims, runLayer, tensor } from './testing.js';
import { TORCHVISION_STATE_DICTS } from './torchvision-fixtures.js';
import { defaultParams } from './params.js';
import type { CompositeSpec } from './types.js';

const ConvBnActDefaults = defaultParams(getLayerSpec('ConvBnAct')!.params);

/** A straight chain of layers after one input, as a document. */
function chain(inputDims: number[], layers: [name: string, type: string, params: Params][]): NetworkDocument {
  const doc = emptyDocument('chain');
  doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: inputDims });
  let from = 'in';
  layers.forEach(([name, type, params], i) => {
    const id = `n${i}`;
    doc.nodes.push({ id, type, name, params });
    doc.edges.push({ id: `e${i}`, from: { node: from, port: 'output' }, to: { node: id, port: 'input' } });
    from = id;
  });
  return doc;
}

const conv = (k: number, s: number, p: number, out: number): Params => ({
  nbOutputMaps: out,
  kernelSize: [k, k],
  stride: [s, s],
  prePadding: [p, p],
  postPadding: [p, p],
  paddingMode: 'EXPLICIT_ROUND_DOWN',
  dilation: [1, 1],
  nbGroups: 1,
});

/** torchvision resnet18, layer by layer, built from primitives and the BasicBlock composite. */
function resnet18(): NetworkDocument {
  const blocks: [string, string, Params][] = [];
  let inplanes = 64;
  [64, 128, 256, 512].forEach((planes, i) => {
    const stride = i === 0 ? 1 : 2;
    blocks.push([`layer${i + 1}.0`, 'BasicBlock', { inplanes, planes, stride }]);
    blocks.push([`layer${i + 1}.1`, 'BasicBlock', { inplanes: planes, planes, stride: 1 }]);
    inplanes = planes;
  });
  return chain(
    [1, 3, 224, 224],
    [
      ['conv1', 'addConvolutionNd', conv(7, 2, 3, 64)],
      ['bn1', 'BatchNorm2d', { eps: 1e-5 }],
      ['relu', 'addActivation', { type: 'RELU', alpha: 0, beta: 0 }],
      ['maxpool', 'addPoolingNd', { type: 'MAX', windowSize: [3, 3], stride: [2, 2], prePadding: [1, 1], postPadding: [1, 1] }],
      ...blocks,
      ['avgpool', 'addReduce', { operation: 'AVG', axes: [2, 3], keepDimensions: true }],
      ['fc', 'Linear', { inFeatures: 512, outFeatures: 1000, bias: true }],
    ],
  );
}

/** Every slot as `<node name>.<torchSuffix>` with its shape, the way auto-mapping sees it. */
function mappedSlots(doc: NetworkDocument): [string, number[] | undefined, boolean][] {
  const report = inferShapes(doc);
  expect(report.diagnostics).toEqual([]);
  return doc.nodes.flatMap((n) =>
    report.nodes[n.id]!.weights.map((w): [string, number[] | undefined, boolean] => [`${n.name}.${w.torchSuffix}`, w.shape, w.optional ?? false]),
  );
}

describe('resnet18 built from BasicBlock', () => {
  it("gives PyTorch's output shape after every layer", () => {
    const doc = resnet18();
    const report = inferShapes(doc);
    expect(report.diagnostics).toEqual([]);
    const dims = Object.fromEntries(doc.nodes.map((n) => [n.name, report.nodes[n.id]!.outputs.output!.dims]));
    expect(dims).toEqual({
      conv1: [1, 64, 112, 112],
      bn1: [1, 64, 112, 112],
      relu: [1, 64, 112, 112],
      maxpool: [1, 64, 56, 56],
      'layer1.0': [1, 64, 56, 56],
      'layer1.1': [1, 64, 56, 56],
      'layer2.0': [1, 128, 28, 28],
      'layer2.1': [1, 128, 28, 28],
      'layer3.0': [1, 256, 14, 14],
      'layer3.1': [1, 256, 14, 14],
      'layer4.0': [1, 512, 7, 7],
      'layer4.1': [1, 512, 7, 7],
      avgpool: [1, 512, 1, 1],
      fc: [1, 1000],
    });
  });

  it('exposes exactly the state_dict names and shapes as weight slots', () => {
    const slots = mappedSlots(resnet18());
    const required = slots.filter(([, , optional]) => !optional).map(([name, shape]) => [name, shape]);
    expect(required).toEqual(TORCHVISION_STATE_DICTS.resnet18);
    // The only optional slot is conv1's bias, which resnet18 does not have.
    expect(slots.filter(([, , optional]) => optional).map(([name]) => name)).toEqual(['conv1.bias']);
  });

  it('adds a downsample only when the stride or the width changes', () => {
    const names = (params: Params) => runLayer('BasicBlock', params, { input: tensor([1, 64, 56, 56]) }).weights.map((w) => w.name);
    expect(names({ inplanes: 64, planes: 64, stride: 1 })).not.toContain('downsample.0.weight');
    expect(names({ inplanes: 64, planes: 64, stride: 2 })).toContain('downsample.0.weight');
    expect(names({ inplanes: 64, planes: 128, stride: 1 })).toEqual([
      'conv1.weight',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'conv2.weight',
      'bn2.weight',
      'bn2.bias',
      'bn2.running_mean',
      'bn2.running_var',
      'downsample.0.weight',
      'downsample.1.weight',
      'downsample.1.bias',
      'downsample.1.running_mean',
      'downsample.1.running_var',
    ]);
  });

  it('reports an input whose channels do not match inplanes, on the inplanes field', () => {
    const run = runLayer('BasicBlock', { inplanes: 64, planes: 64, stride: 1 }, { input: tensor([1, 32, 56, 56]) });
    expect(run.error?.message).toBe('inplanes is 64 but the input [1, 32, 56, 56] has 32 channels');
    expect(run.error?.field).toBe('inplanes');
  });
});

describe('Bottleneck', () => {
  it("matches resnet50's layer1 and layer2.0 names, shapes and output dims", () => {
    const doc = chain(
      [1, 64, 56, 56],
      [
        ['layer1.0', 'Bottleneck', { inplanes: 64, planes: 64, stride: 1 }],
        ['layer1.1', 'Bottleneck', { inplanes: 256, planes: 64, stride: 1 }],
        ['layer2.0', 'Bottleneck', { inplanes: 256, planes: 128, stride: 2 }],
      ],
    );
    const report = inferShapes(doc);
    expect(doc.nodes.map((n) => report.nodes[n.id]!.outputs.output!.dims)).toEqual([
      [1, 256, 56, 56],
      [1, 256, 56, 56],
      [1, 512, 28, 28],
    ]);
    const required = mappedSlots(doc)
      .filter(([, , optional]) => !optional)
      .map(([name, shape]) => [name, shape]);
    expect(required).toEqual(TORCHVISION_STATE_DICTS.resnet50);
  });

  it('widens conv2 for ResNeXt groups and base width', () => {
    // resnext50_32x4d layer1.0: width = floor(64·4/64)·32 = 128, conv2 is grouped 32 ways.
    const run = runLayer('Bottleneck', { inplanes: 64, planes: 64, stride: 1, groups: 32, baseWidth: 4 }, { input: tensor([1, 64, 56, 56]) });
    expect(run.outputs.output!.dims).toEqual([1, 256, 56, 56]);
    expect(run.weights.find((w) => w.name === 'conv2.weight')!.shape).toEqual([128, 4, 3, 3]);
  });
});

describe('InvertedResidual and ConvBnAct', () => {
  it("matches mobilenet_v2's features.0 to features.3 names, shapes and output dims", () => {
    const doc = chain(
      [1, 3, 224, 224],
      [
        ['features.0', 'ConvBnAct', { outChannels: 32, kernelSize: 3, stride: 2, padding: 1, activation: 'RELU6' }],
        ['features.1', 'InvertedResidual', { inp: 32, oup: 16, stride: 1, expandRatio: 1 }],
        ['features.2', 'InvertedResidual', { inp: 16, oup: 24, stride: 2, expandRatio: 6 }],
        ['features.3', 'InvertedResidual', { inp: 24, oup: 24, stride: 1, expandRatio: 6 }],
      ],
    );
    const report = inferShapes(doc);
    expect(doc.nodes.map((n) => report.nodes[n.id]!.outputs.output!.dims)).toEqual([
      [1, 32, 112, 112],
      [1, 16, 112, 112],
      [1, 24, 56, 56],
      [1, 24, 56, 56],
    ]);
    const slots = mappedSlots(doc);
    expect(slots.filter(([, , optional]) => !optional).map(([name, shape]) => [name, shape])).toEqual(TORCHVISION_STATE_DICTS.mobilenet_v2);
    expect(slots.filter(([, , optional]) => optional)).toEqual([]);
  });

  it('adds the residual only when stride is 1 and inp equals oup', () => {
    const types = (params: Params) => (getLayerSpec('InvertedResidual') as CompositeSpec).expand({ ...params }).nodes.map((n) => n.type);
    expect(types({ inp: 24, oup: 24, stride: 1, expandRatio: 6 })).toContain('addElementWise');
    expect(types({ inp: 24, oup: 32, stride: 1, expandRatio: 6 })).not.toContain('addElementWise');
    expect(types({ inp: 24, oup: 24, stride: 2, expandRatio: 6 })).not.toContain('addElementWise');
  });

  it('builds each activation from TensorRT primitives', () => {
    const expand = (activation: string) => {
      const e = (getLayerSpec('ConvBnAct') as CompositeSpec).expand({
        outChannels: 8,
        kernelSize: 3,
        stride: 1,
        padding: 1,
        dilation: 1,
        groups: 1,
        activation,
        negativeSlope: 0.2,
        eps: 1e-3,
      });
      return e.nodes.slice(2).map((n) => [n.name, n.type, n.params]);
    };
    expect(expand('NONE')).toEqual([]);
    expect(expand('RELU6')).toEqual([['2', 'addActivation', { type: 'CLIP', alpha: 0, beta: 6 }]]);
    expect(expand('LEAKY_RELU')).toEqual([['2', 'addActivation', { type: 'LEAKY_RELU', alpha: 0.2, beta: 0 }]]);
    expect(expand('SILU')).toEqual([
      ['2', 'addActivation', { type: 'SIGMOID', alpha: 0, beta: 0 }],
      ['2.mul', 'addElementWise', { operation: 'PROD' }],
    ]);
    expect(expand('HARDSWISH')).toEqual([
      ['2', 'addActivation', { type: 'HARD_SIGMOID', alpha: 1 / 6, beta: 0.5 }],
      ['2.mul', 'addElementWise', { operation: 'PROD' }],
    ]);
  });

  it('multiplies the input by its gate for SiLU (x · sigmoid(x), not sigmoid alone)', () => {
    const e = (getLayerSpec('ConvBnAct') as CompositeSpec).expand({
      outChannels: 8,
      kernelSize: 3,
      stride: 1,
      padding: 1,
      dilation: 1,
      groups: 1,
      activation: 'SILU',
      negativeSlope: 0,
      eps: 1e-5,
    });
    const mulInputs = e.edges.filter((w) => w.to.node === 'act_mul').map((w) => ('node' in w.from ? w.from.node : w.from.input));
    expect(mulInputs).toEqual(['bn', 'act_gate']);
    expect(e.outputs.output).toEqual({ node: 'act_mul', port: 'output' });
  });

  it('keeps ConvBnAct slots in PyTorch order with the conv input channels from the input tensor', () => {
    const run = runLayer('ConvBnAct', { outChannels: 16, kernelSize: 3, groups: 2 }, { input: tensor([1, 8, 10, 10]) });
    expect(run.weights.map((w) => [w.name, w.shape, w.optional ?? false])).toEqual([
      ['0.weight', [16, 4, 3, 3], false],
      ['1.weight', [16], false],
      ['1.bias', [16], false],
      ['1.running_mean', [16], false],
      ['1.running_var', [16], false],
    ]);
    expect(outDims('ConvBnAct', { outChannels: 16, kernelSize: 3, stride: 2, padding: 1 }, { input: tensor([1, 8, 10, 10]) })).toEqual([1, 16, 5, 5]);
  });

  it("pads like torchvision's default when padding is −1", () => {
    const padding = (params: Params) => (getLayerSpec('ConvBnAct') as CompositeSpec).expand({ ...ConvBnActDefaults, ...params }).nodes[0]!.params.prePadding;
    expect(padding({ kernelSize: 3 })).toEqual([1, 1]);
    expect(padding({ kernelSize: 5, dilation: 2 })).toEqual([4, 4]);
    expect(padding({ kernelSize: 1 })).toEqual([0, 0]);
    expect(padding({ kernelSize: 3, padding: 0 })).toEqual([0, 0]);
  });
});
