/**
 * torchvision's SqueezeNet 1.1: Fire composites `features.3`…`features.12`, whose slots carry
 * torchvision's names (`features.3.squeeze.weight`, `features.3.expand3x3.bias`, ...).
 * Max-pools use ceil_mode, which is TensorRT's EXPLICIT_ROUND_UP; the dropout is the identity.
 */
import type { NetworkDocument, PortRef } from '../network/types.js';
import { templateBuilder, type TemplateBuilder } from './builder.js';

function conv(b: TemplateBuilder, name: string, x: PortRef, maps: number, kernel: number, stride = 1, padding = 0): PortRef {
  return b.chain(
    'addConvolutionNd',
    name,
    { nbOutputMaps: maps, kernelSize: [kernel, kernel], stride: [stride, stride], prePadding: [padding, padding], postPadding: [padding, padding] },
    x,
  );
}

function relu(b: TemplateBuilder, name: string, x: PortRef): PortRef {
  return b.chain('addActivation', name, { type: 'RELU' }, x);
}

function fire(b: TemplateBuilder, name: string, x: PortRef, squeezePlanes: number, expand1x1Planes: number, expand3x3Planes: number): PortRef {
  return b.chain('Fire', name, { squeezePlanes, expand1x1Planes, expand3x3Planes }, x);
}

function ceilMaxPool(b: TemplateBuilder, name: string, x: PortRef): PortRef {
  return b.chain('addPoolingNd', name, { type: 'MAX', windowSize: [3, 3], stride: [2, 2], paddingMode: 'EXPLICIT_ROUND_UP' }, x);
}

export function squeezenet1_1(): NetworkDocument {
  const b = templateBuilder('squeezenet1_1');
  let x = b.input('data', [1, 3, 224, 224]);
  x = relu(b, 'features.1', conv(b, 'features.0', x, 64, 3, 2));
  x = ceilMaxPool(b, 'features.2', x);
  x = fire(b, 'features.3', x, 16, 64, 64);
  x = fire(b, 'features.4', x, 16, 64, 64);
  x = ceilMaxPool(b, 'features.5', x);
  x = fire(b, 'features.6', x, 32, 128, 128);
  x = fire(b, 'features.7', x, 32, 128, 128);
  x = ceilMaxPool(b, 'features.8', x);
  x = fire(b, 'features.9', x, 48, 192, 192);
  x = fire(b, 'features.10', x, 48, 192, 192);
  x = fire(b, 'features.11', x, 64, 256, 256);
  x = fire(b, 'features.12', x, 64, 256, 256);
  x = relu(b, 'classifier.2', conv(b, 'classifier.1', x, 1000, 1));
  x = b.chain('addReduce', 'classifier.3', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, x);
  x = b.chain('addShuffle', 'flatten', { reshapeDimensions: [0, 1000] }, x);
  b.output('logits', x);
  return b.finish();
}
