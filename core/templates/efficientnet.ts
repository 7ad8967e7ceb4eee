/**
 * torchvision's EfficientNet-B0: `features.0` ConvBnAct 3×3/2 SiLU, `features.1`…`7` stages of MBConv
 * composites (`features.<stage>.<i>`), `features.8` ConvBnAct 1×1 SiLU, global average pool and
 * `classifier.1` (the dropout `classifier.0` and each block's stochastic depth are the identity at inference).
 */
import type { NetworkDocument } from '../network/types.js';
import { templateBuilder } from './builder.js';

/** torchvision's B0 stages: expand ratio, kernel, first stride, input channels, output channels, layers. */
const B0_STAGES: readonly [number, number, number, number, number, number][] = [
  [1, 3, 1, 32, 16, 1],
  [6, 3, 2, 16, 24, 2],
  [6, 5, 2, 24, 40, 2],
  [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3],
  [6, 5, 2, 112, 192, 4],
  [6, 3, 1, 192, 320, 1],
];

export function efficientnet_b0(): NetworkDocument {
  const b = templateBuilder('efficientnet_b0');
  let x = b.input('data', [1, 3, 224, 224]);
  x = b.chain('ConvBnAct', 'features.0', { outChannels: 32, kernelSize: 3, stride: 2, activation: 'SILU' }, x);
  B0_STAGES.forEach(([expandRatio, kernelSize, stride, input, output, layers], stage) => {
    for (let i = 0; i < layers; i++) {
      const params = { inputChannels: i === 0 ? input : output, outChannels: output, kernelSize, stride: i === 0 ? stride : 1, expandRatio };
      x = b.chain('MBConv', `features.${stage + 1}.${i}`, params, x);
    }
  });
  x = b.chain('ConvBnAct', 'features.8', { outChannels: 1280, kernelSize: 1, activation: 'SILU' }, x);
  x = b.chain('addReduce', 'avgpool', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, x);
  x = b.chain('Linear', 'classifier.1', { inFeatures: 1280, outFeatures: 1000, bias: true }, x);
  b.output('logits', x);
  return b.finish();
}
