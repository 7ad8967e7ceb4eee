/** tensorrtx's LeNet-5: the network of the parity fixtures (fixtures/parity.json), softmax output. */
import type { NetworkDocument } from '../network/types.js';
import { templateBuilder } from './builder.js';

/** conv1 6@5×5, ReLU, avg-pool 2, conv2 16@5×5, ReLU, avg-pool 2, fc1 120, ReLU, fc2 84, ReLU, fc3 10, softmax. */
export function lenet5(): NetworkDocument {
  const b = templateBuilder('lenet5');
  let x = b.input('data', [1, 1, 32, 32]);
  const conv = (name: string, maps: number) =>
    b.chain('addConvolutionNd', name, { nbOutputMaps: maps, kernelSize: [5, 5], stride: [1, 1], prePadding: [0, 0], postPadding: [0, 0] }, x);
  const relu = (name: string) => b.chain('addActivation', name, { type: 'RELU' }, x);
  const pool = (name: string) => b.chain('addPoolingNd', name, { type: 'AVERAGE', windowSize: [2, 2], stride: [2, 2] }, x);
  const fc = (name: string, inFeatures: number, outFeatures: number) => b.chain('Linear', name, { inFeatures, outFeatures, bias: true }, x);
  x = conv('conv1', 6);
  x = relu('relu1');
  x = pool('pool1');
  x = conv('conv2', 16);
  x = relu('relu2');
  x = pool('pool2');
  x = fc('fc1', 400, 120);
  x = relu('relu3');
  x = fc('fc2', 120, 84);
  x = relu('relu4');
  x = fc('fc3', 84, 10);
  x = b.chain('addSoftMax', 'softmax', { axes: [1] }, x);
  b.output('prob', x);
  return b.finish();
}
