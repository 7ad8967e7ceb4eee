/**
 * torchvision's MobileNetV2 (width 1.0): `features.0` ConvBnAct 3×3/2 ReLU6, `features.1`…`17`
 * InvertedResidual composites, `features.18` ConvBnAct 1×1 ReLU6, global average pool and
 * `classifier.1` (the dropout `classifier.0` is the identity at inference).
 */
import type { NetworkDocument } from '../network/types.js';
import { templateBuilder } from './builder.js';

/** torchvision's inverted_residual_setting: expand ratio t, channels c, repeats n, first stride s. */
const SETTINGS: readonly [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

export function mobilenet_v2(): NetworkDocument {
  const b = templateBuilder('mobilenet_v2');
  let x = b.input('data', [1, 3, 224, 224]);
  x = b.chain('ConvBnAct', 'features.0', { outChannels: 32, kernelSize: 3, stride: 2, padding: 1, activation: 'RELU6' }, x);
  let inp = 32;
  let index = 1;
  for (const [t, c, n, s] of SETTINGS) {
    for (let i = 0; i < n; i++) {
      x = b.chain('InvertedResidual', `features.${index++}`, { inp, oup: c, stride: i === 0 ? s : 1, expandRatio: t }, x);
      inp = c;
    }
  }
  x = b.chain('ConvBnAct', `features.${index}`, { outChannels: 1280, kernelSize: 1, stride: 1, padding: 0, activation: 'RELU6' }, x);
  x = b.chain('addReduce', 'avgpool', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, x);
  x = b.chain('Linear', 'classifier.1', { inFeatures: 1280, outFeatures: 1000, bias: true }, x);
  b.output('logits', x);
  return b.finish();
}
