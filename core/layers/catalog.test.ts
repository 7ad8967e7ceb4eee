import { describe, expect, it } from 'vitest';
import { DATA_TYPES, type DataType } from '../network/types.js';
import { getLayerSpec, listLayerSpecs, outputPortNames } from './catalog.js';
import { checkParam, defaultParams } from './params.js';
import { runLayer, tensor } from './testing.js';
import type { TensorInfo } from './types.js';

const image = (channels = 3): TensorInfo => tensor([1, channels, 8, 8]);

/** A sensible input for every catalog entry at its default parameters; a new entry must add one. */
const DEFAULT_INPUTS: Record<string, Record<string, TensorInfo>> = {
  addConvolutionNd: { input: image() },
  addDeconvolutionNd: { input: image() },
  addPoolingNd: { input: image() },
  addActivation: { input: image() },
  addParametricReLU: { input: image(), slope: tensor([1, 3, 1, 1]) },
  addScale: { input: image() },
  addSoftMax: { input: image() },
  addLRN: { input: image() },
  addNormalizationV2: { input: image(), scale: tensor([1, 3, 1, 1]), bias: tensor([1, 3, 1, 1]) },
  BatchNorm2d: { input: image() },
  addElementWise: { input1: image(), input2: tensor([1, 3, 1, 1]) },
  addSelect: { condition: tensor([1, 3, 8, 8], 'BOOL'), thenInput: image(), elseInput: image() },
  addMatrixMultiply: { input0: tensor([2, 3]), input1: tensor([3, 4]) },
  addEinsum: { 'inputs.0': tensor([2, 3]), 'inputs.1': tensor([3, 4]) },
  Linear: { input: tensor([1, 512]) },
  addShuffle: { input: image() },
  addConcatenation: { 'inputs.0': image(), 'inputs.1': image() },
  addPaddingNd: { input: image() },
  addShape: { input: image() },
  addSqueeze: { input: image() },
  addUnsqueeze: { input: image() },
  addConstant: {},
  addUnary: { input: image() },
  addReduce: { input: image() },
  addTopK: { input: image() },
  addNMS: { boxes: tensor([1, 8400, 4]), scores: tensor([1, 8400, 80]) },
  addResize: { input: image() },
  addSlice: { input: image() },
  addGatherV2: { data: tensor([5, 4]), indices: tensor([2], 'INT32') },
  addIdentity: { input: image() },
  addCast: { input: image() },
  ConvBnAct: { input: image() },
  BasicBlock: { input: image(64) },
  Bottleneck: { input: image(256) },
  InvertedResidual: { input: image(32) },
  SqueezeExcitation: { input: image(64) },
  MBConv: { input: image(16) },
  InvertedResidualV3: { input: image(16) },
  ResBottleneckBlock: { input: image(32) },
  DenseLayer: { input: image(64) },
  DenseBlock: { input: image(64) },
  Transition: { input: image() },
  BasicConv2d: { input: image() },
  Inception: { input: image(192) },
  Fire: { input: image() },
  ShuffleUnit: { input: tensor([1, 116, 28, 28]) },
  SiLU: { input: image() },
  Hardswish: { input: image() },
  Mish: { input: image() },
  Split: { input: image(2) },
  Chunk: { input: image(4) },
  Flatten: { input: image() },
  ChannelShuffle: { input: image(4) },
  MaxPool2d: { input: image() },
  AvgPool2d: { input: image() },
  AdaptiveAvgPool2d: { input: image() },
  YoloConv: { input: image() },
  YoloBottleneck: { input: image(64) },
  C2f: { input: image(32) },
  C3: { input: image(32) },
  SPPF: { input: image(256) },
  YoloV8Detect: { p3: tensor([1, 64, 8, 8]), p4: tensor([1, 128, 4, 4]), p5: tensor([1, 256, 2, 2]) },
  YoloPostprocess: { input: tensor([1, 84, 84]) },
  YoloV5Detect: { p3: tensor([1, 64, 8, 8]), p4: tensor([1, 128, 4, 4]), p5: tensor([1, 256, 2, 2]) },
};

/** Every type the catalog must always offer, by its INetworkDefinition method (or composite name). */
const REQUIRED_TYPES = [
  'addConvolutionNd',
  'addDeconvolutionNd',
  'addActivation',
  'addPoolingNd',
  'addScale',
  'addElementWise',
  'addMatrixMultiply',
  'addShuffle',
  'addConcatenation',
  'addSoftMax',
  'addConstant',
  'addPaddingNd',
  'addUnary',
  'addReduce',
  'addResize',
  'addSlice',
  'addTopK',
  'addNMS',
  'addGatherV2',
  'addIdentity',
  'addCast',
  'addLRN',
  'addNormalizationV2',
  'addParametricReLU',
  'addSelect',
  'addShape',
  'addSqueeze',
  'addUnsqueeze',
  'addEinsum',
  'BatchNorm2d',
  'Linear',
  'ConvBnAct',
  'BasicBlock',
  'Bottleneck',
  'InvertedResidual',
  'SqueezeExcitation',
  'MBConv',
  'InvertedResidualV3',
  'ResBottleneckBlock',
  'DenseLayer',
  'DenseBlock',
  'Transition',
  'BasicConv2d',
  'Inception',
  'Fire',
  'ShuffleUnit',
  'SiLU',
  'Hardswish',
  'Mish',
  'Split',
  'Chunk',
  'Flatten',
  'ChannelShuffle',
  'MaxPool2d',
  'AvgPool2d',
  'AdaptiveAvgPool2d',
  'YoloConv',
  'YoloBottleneck',
  'C2f',
  'C3',
  'SPPF',
  'YoloV8Detect',
  'YoloPostprocess',
  'YoloV5Detect',
];

describe('the layer catalog', () => {
  const specs = listLayerSpecs();

  it('has every type the issue lists, each once', () => {
    const types = specs.map((s) => s.type);
    expect(new Set(types).size).toBe(types.length);
    expect([...types].sort()).toEqual([...REQUIRED_TYPES].sort());
  });

  it('names primitives after INetworkDefinition methods and documents every parameter and port', () => {
    for (const spec of specs) {
      if (spec.kind === 'primitive') expect(spec.type, spec.type).toMatch(/^add[A-Z]/);
      else expect(spec.type, spec.type).toMatch(/^[A-Z]/);
      expect(spec.doc.length, spec.type).toBeGreaterThan(10);
      for (const p of spec.params) expect(p.doc.length, `${spec.type}.${p.name}`).toBeGreaterThan(5);
      for (const p of [...spec.inputs, ...spec.outputs]) expect(p.doc.length, `${spec.type} port ${p.name}`).toBeGreaterThan(3);
      expect(new Set(spec.params.map((p) => p.name)).size, spec.type).toBe(spec.params.length);
    }
  });

  it('has defaults that pass their own schema, and enum values that are TensorRT names', () => {
    for (const spec of specs)
      for (const p of spec.params) {
        expect(checkParam(p, p.default), `${spec.type}.${p.name}`).toBeUndefined();
        if (p.kind === 'enum') {
          expect(new Set(p.values).size, `${spec.type}.${p.name}`).toBe(p.values.length);
          for (const v of p.values) expect(v, `${spec.type}.${p.name}`).toMatch(/^[A-Z][A-Z0-9_]*$/);
          if (p.enumType === 'DataType') for (const v of p.values) expect(DATA_TYPES, `${spec.type}.${p.name}`).toContain(v as DataType);
        }
      }
  });

  it('infers every entry at its defaults on a sensible input, filling every output port', () => {
    for (const spec of specs) {
      const inputs = DEFAULT_INPUTS[spec.type];
      expect(inputs, `no default input for ${spec.type}`).toBeDefined();
      const run = runLayer(spec.type, {}, inputs!);
      expect(run.error, spec.type).toBeUndefined();
      expect(Object.keys(run.outputs), spec.type).toEqual(outputPortNames(spec, defaultParams(spec.params)));
      for (const slot of run.weights) expect(slot.count, `${spec.type} slot ${slot.name}`).toBeGreaterThan(0);
      expect(() => spec.summary?.(defaultParams(spec.params))).not.toThrow();
    }
  });

  it('reports a parameter that is out of range in words', () => {
    const k = getLayerSpec('addTopK')!.params.find((p) => p.name === 'k')!;
    expect(checkParam(k, 4000)).toBe('4000 is above the maximum 3840');
    const mode = getLayerSpec('addResize')!.params.find((p) => p.name === 'resizeMode')!;
    expect(checkParam(mode, 'BILINEAR')).toBe("'BILINEAR' is not a InterpolationMode; expected one of NEAREST, LINEAR, CUBIC");
  });
});

describe('search aliases', () => {
  it('preset only parameters the layer has, with valid values', () => {
    for (const spec of listLayerSpecs())
      for (const alias of spec.aliases ?? []) {
        expect(alias.names.length, `${spec.type} alias`).toBeGreaterThan(0);
        for (const [name, value] of Object.entries(alias.params ?? {})) {
          const param = spec.params.find((p) => p.name === name);
          expect(param, `${spec.type} alias ${alias.names[0]} sets '${name}'`).toBeDefined();
          expect(checkParam(param!, value), `${spec.type} alias ${alias.names[0]} sets '${name}'`).toBeUndefined();
        }
      }
  });

  it('name parameters that follow from the input among the layer parameters', () => {
    const derived = listLayerSpecs().flatMap((s) => (s.fromInput ?? []).map((d) => `${s.type}.${d.param}`));
    expect(derived).toEqual([
      'Linear.inFeatures',
      'BasicBlock.inplanes',
      'Bottleneck.inplanes',
      'InvertedResidual.inp',
      'SqueezeExcitation.inputChannels',
      'MBConv.inputChannels',
      'InvertedResidualV3.inputChannels',
      'ResBottleneckBlock.widthIn',
      'DenseLayer.numInputFeatures',
      'DenseBlock.numInputFeatures',
      'Inception.inChannels',
      'ShuffleUnit.inp',
      'YoloBottleneck.c1',
      'SPPF.c1',
    ]);
    for (const spec of listLayerSpecs()) for (const d of spec.fromInput ?? []) expect(spec.params.some((p) => p.name === d.param)).toBe(true);
  });
});
