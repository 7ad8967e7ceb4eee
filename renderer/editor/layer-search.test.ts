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
    expect(top('sigmoid')).toEqual(['Sigmoid', 'Hardsigmoid']);
    expect(top('silu')).toEqual(['Conv-BN-SiLU']);
    expect(top('maxpool')).toEqual(['MaxPool', 'Max (Reduce MAX)']);
    expect(top('avgpool')).toEqual(['AvgPool', 'Mean (Reduce AVG)']);
    expect(top('flatten', 1)).toEqual(['Flatten']);
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

  it('ranks a plain layer above the composites that match as well', () => {
    expect(top('conv', 4)).toEqual(['Convolution', 'Deconvolution', 'Conv-BN-Activation', 'Conv-BN-SiLU']);
  });

  it('matches descriptions by whole words', () => {
    // "channel" appears only in descriptions.
    expect(top('channel')).toEqual(['LRN', 'Scale', 'BatchNorm2d']);
    expect(top('folded', 1)).toEqual(['BatchNorm2d']);
  });

  it('gives a preset its parameters and its layer type', () => {
    const [relu] = searchLayers('relu', choices);
    expect(relu).toMatchObject({ type: 'addActivation', params: { type: 'RELU' }, key: 'addActivation:relu' });
    expect(searchLayers('maxpool', choices)[0]).toMatchObject({ type: 'addPoolingNd', params: { type: 'MAX' } });
    expect(searchLayers('add', choices)[0]).toMatchObject({ type: 'addElementWise', params: { operation: 'SUM' } });
    expect(searchLayers('flatten', choices)[0]).toMatchObject({ type: 'addShuffle', params: { reshapeDimensions: [0, -1] } });
  });

  it('lists catalog entries alone, without presets, before anything is typed', () => {
    const all = searchLayers('', choices);
    expect(all.every((c) => c.params === undefined)).toBe(true);
    expect(all.map((c) => c.type).slice(0, 3)).toEqual(['Input', 'addConvolutionNd', 'addDeconvolutionNd']);
    expect(searchLayers('zzzz', choices)).toEqual([]);
  });
});
