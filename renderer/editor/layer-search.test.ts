import { describe, expect, it } from 'vitest';
import { allLayerChoices, searchLayers } from './layer-search.js';

const choices = allLayerChoices();

/** The labels of the first `n` results, as the menu lists them. */
function top(query: string, n = 3): string[] {
  return searchLayers(query, choices)
    .slice(0, n)
    .map((c) => c.label);
}

describe('layer search', () => {
  it('finds layers by their PyTorch and ONNX names and common words, best first', () => {
    expect(top('relu')).toEqual(['ReLU', 'ReLU6 (Clip 0…6)', 'Parametric ReLU']);
    expect(top('sigmoid')).toEqual(['Sigmoid', 'Hardsigmoid', 'SiLU']);
    expect(top('maxpool')).toEqual(['MaxPool', 'MaxPool2d (PyTorch)', 'Max (Reduce MAX)']);
    expect(top('avgpool', 2)).toEqual(['AvgPool', 'AvgPool2d (PyTorch)']);
    expect(top('maxpool2d', 1)).toEqual(['MaxPool2d (PyTorch)']);
    expect(top('avgpool2d', 1)).toEqual(['AvgPool2d (PyTorch)']);
    expect(top('adaptiveavgpool', 1)).toEqual(['AdaptiveAvgPool2d']);
    expect(top('flatten', 1)).toEqual(['Flatten']);
    for (const q of ['split', 'chunk', 'c2f', 'sppf']) expect(top(q, 1)[0]?.toLowerCase(), q).toMatch(new RegExp(`^${q}`));
    for (const q of ['reshape', 'view', 'permute', 'transpose']) expect(top(q, 1), q).toEqual(['Shuffle']);
    expect(top('add')).toEqual(['Add', 'Padding', 'Scale']);
    expect(top('mul')).toEqual(['Mul', 'Scale', 'MatrixMultiply']);
    expect(top('concat', 1)).toEqual(['Concatenation']);
    expect(top('cat', 1)).toEqual(['Concatenation']);
    for (const q of ['dense', 'fc', 'linear']) expect(top(q, 1), q).toEqual(['Linear (FullyConnected)']);
    for (const q of ['bn', 'batchnorm']) expect(top(q, 1), q).toEqual(['BatchNorm2d']);
    for (const q of ['upsample', 'interpolate']) expect(top(q, 1), q).toEqual(['Resize']);
    expect(top('softmax', 1)).toEqual(['SoftMax']);
    expect(top('input', 1)).toEqual(['Input']);
  });

  it('finds the standalone activation first by its PyTorch name, blocks that end in it after', () => {
    expect(top('silu', 2)).toEqual(['SiLU', 'Conv-BN-SiLU']);
    expect(top('hardswish', 2)).toEqual(['Hardswish', 'Conv-BN-Hardswish']);
    expect(top('mish', 1)).toEqual(['Mish']);
    expect(top('gelu', 2)).toEqual(['GELU', 'GELU (tanh)']);
    expect(top('hardsigmoid', 1)).toEqual(['Hardsigmoid']);
    expect(searchLayers('gelu', choices)[1]).toMatchObject({ type: 'addActivation', params: { type: 'GELU_TANH' } });
    expect(searchLayers('silu', choices)[0]).toMatchObject({ type: 'SiLU' });
  });

  it('ranks a plain layer above the composites that match as well', () => {
    expect(top('conv', 4)).toEqual(['Convolution', 'Deconvolution', 'Conv-BN-Activation', 'Conv-BN-SiLU']);
  });

  it('matches descriptions by whole words', () => {
    // "channel" is a name only in ChannelShuffle, and a word in the descriptions of the others.
    expect(top('channel')).toEqual(['ChannelShuffle', 'LRN', 'Scale']);
    expect(top('folded', 1)).toEqual(['BatchNorm2d']);
  });

  it('gives a preset its parameters and its layer type', () => {
    const [relu] = searchLayers('relu', choices);
    expect(relu).toMatchObject({ type: 'addActivation', params: { type: 'RELU' }, key: 'addActivation:relu' });
    expect(searchLayers('maxpool', choices)[0]).toMatchObject({ type: 'addPoolingNd', params: { type: 'MAX' } });
    expect(searchLayers('add', choices)[0]).toMatchObject({ type: 'addElementWise', params: { operation: 'SUM' } });
    // The PyTorch way of making an average pool counts the padding, as count_include_pad=True does.
    expect(searchLayers('avgpool', choices)[0]).toMatchObject({ type: 'addPoolingNd', params: { type: 'AVERAGE', averageCountExcludesPadding: false } });
    expect(searchLayers('flatten', choices)[0]).toMatchObject({ type: 'Flatten' });
  });

  it('lists catalog entries alone, without presets, before anything is typed', () => {
    const all = searchLayers('', choices);
    expect(all.every((c) => c.params === undefined)).toBe(true);
    expect(all.map((c) => c.type).slice(0, 3)).toEqual(['Input', 'addConvolutionNd', 'addDeconvolutionNd']);
    expect(searchLayers('zzzz', choices)).toEqual([]);
  });
});
