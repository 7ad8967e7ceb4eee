import { describe, expect, it } from 'vitest';
import { emptyDocument, type NetworkDocument } from '../network/types.js';
import { inferShapes } from './infer.js';

function lenetLike(): NetworkDocument {
  const doc = emptyDocument('lenet');
  doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 1, 32, 32] });
  doc.nodes.push(
    { id: 'c1', type: 'addConvolutionNd', name: 'conv1', params: { nbOutputMaps: 6, kernelSize: [5, 5], stride: [1, 1], prePadding: [0, 0], postPadding: [0, 0], paddingMode: 'EXPLICIT_ROUND_DOWN', dilation: [1, 1], nbGroups: 1 } },
    { id: 'p1', type: 'addPoolingNd', name: 'pool1', params: { type: 'AVERAGE', windowSize: [2, 2], stride: [2, 2], prePadding: [0, 0], postPadding: [0, 0], paddingMode: 'EXPLICIT_ROUND_DOWN', averageCountExcludesPadding: true, blendFactor: 0 } },
    { id: 'fc', type: 'Linear', name: 'fc1', params: { inFeatures: 6 * 14 * 14, outFeatures: 120, bias: true } },
  );
  doc.edges.push(
    { id: 'e1', from: { node: 'in', port: 'output' }, to: { node: 'c1', port: 'input' } },
    { id: 'e2', from: { node: 'c1', port: 'output' }, to: { node: 'p1', port: 'input' } },
    { id: 'e3', from: { node: 'p1', port: 'output' }, to: { node: 'fc', port: 'input' } },
  );
  return doc;
}

describe('inferShapes', () => {
  it('infers a convolution, pooling and Linear chain', () => {
    const report = inferShapes(lenetLike());
    expect(report.diagnostics).toEqual([]);
    expect(report.nodes.c1!.outputs.output!.dims).toEqual([1, 6, 28, 28]);
    expect(report.nodes.p1!.outputs.output!.dims).toEqual([1, 6, 14, 14]);
    expect(report.nodes.fc!.outputs.output!.dims).toEqual([1, 120]);
    expect(report.nodes.fc!.weights.map((w) => [w.name, w.count])).toEqual([
      ['weight', 120 * 1176],
      ['bias', 120],
    ]);
  });

  it('reports a cycle and an unconnected input at once', () => {
    const doc = lenetLike();
    doc.edges = doc.edges.filter((e) => e.id !== 'e1');
    doc.edges.push({ id: 'e4', from: { node: 'fc', port: 'output' }, to: { node: 'c1', port: 'input' } });
    doc.nodes.push({ id: 'a', type: 'addActivation', name: 'relu', params: { type: 'RELU', alpha: 0, beta: 0 } });
    const codes = inferShapes(doc).diagnostics.map((d) => `${d.code}:${d.nodeId}`);
    expect(codes).toEqual(['shape.cycle:c1', 'shape.cycle:p1', 'shape.cycle:fc', 'shape.input.unconnected:a']);
  });
});
