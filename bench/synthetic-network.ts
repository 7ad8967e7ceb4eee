/**
 * The synthetic ResNet-like network the benchmarks use: units of conv → BatchNorm2d → ReLU → conv →
 * BatchNorm2d → add(skip) → ReLU, so it mixes primitives, composites and fan-out.
 */
import { emptyDocument, type NetworkDocument, type NetworkNode } from '../core/network/types.js';

const conv = {
  nbOutputMaps: 64,
  kernelSize: [3, 3],
  stride: [1, 1],
  prePadding: [1, 1],
  postPadding: [1, 1],
  paddingMode: 'EXPLICIT_ROUND_DOWN',
  dilation: [1, 1],
  nbGroups: 1,
};
const relu = { type: 'RELU', alpha: 0, beta: 0 };

/** A ResNet-like chain of 7-node residual units, `count` layer nodes in all. */
export function syntheticGraph(count: number): NetworkDocument {
  const doc = emptyDocument('bench');
  doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 64, 56, 56] });
  let previous = 'in';
  let edge = 0;
  const wire = (from: string, to: string, port = 'input') => doc.edges.push({ id: `e${edge++}`, from: { node: from, port: 'output' }, to: { node: to, port } });
  const add = (type: string, params: NetworkNode['params'], from: string, port?: string): string => {
    const id = `n${doc.nodes.length}`;
    doc.nodes.push({ id, type, name: id, params: { ...params } });
    wire(from, id, port);
    return id;
  };
  while (doc.nodes.length + 7 <= count) {
    const skip = previous;
    let x = add('addConvolutionNd', conv, previous);
    x = add('BatchNorm2d', { eps: 1e-5 }, x);
    x = add('addActivation', relu, x);
    x = add('addConvolutionNd', conv, x);
    x = add('BatchNorm2d', { eps: 1e-5 }, x);
    const sum = add('addElementWise', { operation: 'SUM' }, x, 'input1');
    wire(skip, sum, 'input2');
    previous = add('addActivation', relu, sum);
  }
  while (doc.nodes.length < count) previous = add('addActivation', relu, previous);
  return doc;
}
