/**
 * torchvision's ShuffleNetV2 ×1.0: `conv1` ConvBnAct 3×3/2, max-pool, stages `stage2`…`stage4` of
 * ShuffleUnit composites (the first of each with stride 2), `conv5` ConvBnAct 1×1, the mean over H
 * and W of ShuffleNetV2.forward, and `fc`.
 */
import type { NetworkDocument } from '../network/types.js';
import { templateBuilder } from './builder.js';

const STAGE_REPEATS = [4, 8, 4] as const;
const STAGE_CHANNELS = [116, 232, 464] as const;

export function shufflenet_v2_x1_0(): NetworkDocument {
  const b = templateBuilder('shufflenet_v2_x1_0');
  let x = b.input('data', [1, 3, 224, 224]);
  x = b.chain('ConvBnAct', 'conv1', { outChannels: 24, kernelSize: 3, stride: 2, activation: 'RELU' }, x);
  x = b.chain('addPoolingNd', 'maxpool', { type: 'MAX', windowSize: [3, 3], stride: [2, 2], prePadding: [1, 1], postPadding: [1, 1] }, x);
  let inp = 24;
  let size = 56;
  STAGE_REPEATS.forEach((repeats, s) => {
    const oup = STAGE_CHANNELS[s]!;
    for (let i = 0; i < repeats; i++) {
      const stride = i === 0 ? 2 : 1;
      x = b.chain('ShuffleUnit', `stage${s + 2}.${i}`, { inp, oup, stride, batch: 1, height: size, width: size }, x);
      if (stride === 2) size /= 2;
      inp = oup;
    }
  });
  x = b.chain('ConvBnAct', 'conv5', { outChannels: 1024, kernelSize: 1, activation: 'RELU' }, x);
  x = b.chain('addReduce', 'mean', { operation: 'AVG', axes: [2, 3], keepDimensions: false }, x);
  x = b.chain('Linear', 'fc', { inFeatures: 1024, outFeatures: 1000, bias: true }, x);
  b.output('logits', x);
  return b.finish();
}
