/**
 * torchvision's MobileNetV3-Small: `features.0` ConvBnAct 3×3/2 Hardswish, `features.1`…`11`
 * InvertedResidualV3 composites, `features.12` ConvBnAct 1×1 Hardswish (BatchNorm ε 0.001 throughout),
 * global average pool, then `classifier.0` Linear, `classifier.1` Hardswish and `classifier.3` Linear
 * (the dropout `classifier.2` is the identity at inference).
 */
import type { NetworkDocument } from '../network/types.js';
import { templateBuilder } from './builder.js';

/** torchvision's mobilenet_v3_small settings: input, kernel, expanded, output, SE, activation, stride. */
const SMALL: readonly [number, number, number, number, boolean, 'RELU' | 'HARDSWISH', number][] = [
  [16, 3, 16, 16, true, 'RELU', 2],
  [16, 3, 72, 24, false, 'RELU', 2],
  [24, 3, 88, 24, false, 'RELU', 1],
  [24, 5, 96, 40, true, 'HARDSWISH', 2],
  [40, 5, 240, 40, true, 'HARDSWISH', 1],
  [40, 5, 240, 40, true, 'HARDSWISH', 1],
  [40, 5, 120, 48, true, 'HARDSWISH', 1],
  [48, 5, 144, 48, true, 'HARDSWISH', 1],
  [48, 5, 288, 96, true, 'HARDSWISH', 2],
  [96, 5, 576, 96, true, 'HARDSWISH', 1],
  [96, 5, 576, 96, true, 'HARDSWISH', 1],
];

const EPS = 0.001;

export function mobilenet_v3_small(): NetworkDocument {
  const b = templateBuilder('mobilenet_v3_small');
  let x = b.input('data', [1, 3, 224, 224]);
  x = b.chain('ConvBnAct', 'features.0', { outChannels: 16, kernelSize: 3, stride: 2, activation: 'HARDSWISH', eps: EPS }, x);
  SMALL.forEach(([inputChannels, kernelSize, expandedChannels, outChannels, useSE, activation, stride], i) => {
    x = b.chain(
      'InvertedResidualV3',
      `features.${i + 1}`,
      { inputChannels, kernelSize, expandedChannels, outChannels, useSE, activation, stride, eps: EPS },
      x,
    );
  });
  x = b.chain('ConvBnAct', 'features.12', { outChannels: 576, kernelSize: 1, activation: 'HARDSWISH', eps: EPS }, x);
  x = b.chain('addReduce', 'avgpool', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, x);
  x = b.chain('Linear', 'classifier.0', { inFeatures: 576, outFeatures: 1024, bias: true }, x);
  // Hardswish x · relu6(x + 3)/6 = x · HARD_SIGMOID(α 1/6, β 1/2).
  const gate = b.chain('addActivation', 'classifier.1', { type: 'HARD_SIGMOID', alpha: 1 / 6, beta: 0.5 }, x);
  x = b.layer('addElementWise', 'classifier.1.mul', { operation: 'PROD' }, { input1: x, input2: gate });
  x = b.chain('Linear', 'classifier.3', { inFeatures: 1024, outFeatures: 1000, bias: true }, x);
  b.output('logits', x);
  return b.finish();
}
