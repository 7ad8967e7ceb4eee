/**
 * torchvision's VGG: `features.<i>` convolutions (3×3, pad 1, with bias), optional BatchNorm2d,
 * ReLU and 2×2 max-pools, then `classifier.0/3/6` Linear layers. The adaptive 7×7 average pool is
 * the identity for a 224×224 input and the dropouts are the identity at inference, so neither is a node.
 */
import type { NetworkDocument } from '../network/types.js';
import { templateBuilder } from './builder.js';

/** torchvision's configurations: channel counts, `M` for a max-pool. */
const VGG_CONFIGS = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
} as const;

export type VggDepth = keyof typeof VGG_CONFIGS;

export function vgg(depth: VggDepth, batchNorm: boolean): NetworkDocument {
  const b = templateBuilder(batchNorm ? `${depth}_bn` : depth);
  let x = b.input('data', [1, 3, 224, 224]);
  let index = 0;
  for (const v of VGG_CONFIGS[depth]) {
    if (v === 'M') {
      x = b.chain('addPoolingNd', `features.${index++}`, { type: 'MAX', windowSize: [2, 2], stride: [2, 2] }, x);
      continue;
    }
    x = b.chain('addConvolutionNd', `features.${index++}`, { nbOutputMaps: v, kernelSize: [3, 3], stride: [1, 1], prePadding: [1, 1], postPadding: [1, 1] }, x);
    if (batchNorm) x = b.chain('BatchNorm2d', `features.${index++}`, { eps: 1e-5 }, x);
    x = b.chain('addActivation', `features.${index++}`, { type: 'RELU' }, x);
  }
  x = b.chain('Linear', 'classifier.0', { inFeatures: 512 * 7 * 7, outFeatures: 4096, bias: true }, x);
  x = b.chain('addActivation', 'classifier.1', { type: 'RELU' }, x);
  x = b.chain('Linear', 'classifier.3', { inFeatures: 4096, outFeatures: 4096, bias: true }, x);
  x = b.chain('addActivation', 'classifier.4', { type: 'RELU' }, x);
  x = b.chain('Linear', 'classifier.6', { inFeatures: 4096, outFeatures: 1000, bias: true }, x);
  b.output('logits', x);
  return b.finish();
}
