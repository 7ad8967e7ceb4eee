/**
 * torchvision's DenseNet-121: `features.conv0`, `norm0`, `relu0`, `pool0`, four DenseBlock composites
 * `features.denseblock<i>` joined by Transition composites `features.transition<i>`, `features.norm5`,
 * then the ReLU and global average pool of DenseNet.forward and `classifier`.
 */
import type { NetworkDocument } from '../network/types.js';
import { templateBuilder } from './builder.js';

const BLOCK_LAYERS = [6, 12, 24, 16] as const;
const GROWTH_RATE = 32;
const INIT_FEATURES = 64;

export function densenet121(): NetworkDocument {
  const b = templateBuilder('densenet121');
  let x = b.input('data', [1, 3, 224, 224]);
  x = b.chain(
    'addConvolutionNd',
    'features.conv0',
    { nbOutputMaps: INIT_FEATURES, kernelSize: [7, 7], stride: [2, 2], prePadding: [3, 3], postPadding: [3, 3] },
    x,
  );
  x = b.chain('BatchNorm2d', 'features.norm0', { eps: 1e-5 }, x);
  x = b.chain('addActivation', 'features.relu0', { type: 'RELU' }, x);
  x = b.chain('addPoolingNd', 'features.pool0', { type: 'MAX', windowSize: [3, 3], stride: [2, 2], prePadding: [1, 1], postPadding: [1, 1] }, x);
  let features: number = INIT_FEATURES;
  BLOCK_LAYERS.forEach((numLayers, i) => {
    x = b.chain('DenseBlock', `features.denseblock${i + 1}`, { numLayers, numInputFeatures: features, growthRate: GROWTH_RATE, bnSize: 4 }, x);
    features += numLayers * GROWTH_RATE;
    if (i === BLOCK_LAYERS.length - 1) return;
    features /= 2;
    x = b.chain('Transition', `features.transition${i + 1}`, { numOutputFeatures: features }, x);
  });
  x = b.chain('BatchNorm2d', 'features.norm5', { eps: 1e-5 }, x);
  // DenseNet.forward: F.relu(features), adaptive_avg_pool2d to 1×1, flatten, classifier.
  x = b.chain('addActivation', 'relu', { type: 'RELU' }, x);
  x = b.chain('addReduce', 'avgpool', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, x);
  x = b.chain('Linear', 'classifier', { inFeatures: features, outFeatures: 1000, bias: true }, x);
  b.output('logits', x);
  return b.finish();
}
