/**
 * torchvision's RegNetX-400MF: `stem` ConvBnAct 3×3/2, four stages of ResBottleneckBlock composites
 * named `trunk_output.block<s>.block<s>-<i>`, global average pool and `fc`.
 */
import type { NetworkDocument } from '../network/types.js';
import { templateBuilder } from './builder.js';

/**
 * The stages torchvision's BlockParams.from_init_params(depth 22, w_0 24, w_a 24.48, w_m 2.54,
 * group_width 16) computes: block widths 24, 64, 152, 392 rounded to the group width give these.
 */
const REGNET_X_400MF = { depths: [1, 2, 7, 12], widths: [32, 64, 160, 400], groupWidth: 16, stemWidth: 32 } as const;

export function regnet_x_400mf(): NetworkDocument {
  const { depths, widths, groupWidth, stemWidth } = REGNET_X_400MF;
  const b = templateBuilder('regnet_x_400mf');
  let x = b.input('data', [1, 3, 224, 224]);
  x = b.chain('ConvBnAct', 'stem', { outChannels: stemWidth, kernelSize: 3, stride: 2, activation: 'RELU' }, x);
  let widthIn: number = stemWidth;
  depths.forEach((depth, s) => {
    const widthOut = widths[s]!;
    for (let i = 0; i < depth; i++) {
      x = b.chain('ResBottleneckBlock', `trunk_output.block${s + 1}.block${s + 1}-${i}`, { widthIn, widthOut, stride: i === 0 ? 2 : 1, groupWidth }, x);
      widthIn = widthOut;
    }
  });
  x = b.chain('addReduce', 'avgpool', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, x);
  x = b.chain('Linear', 'fc', { inFeatures: widthIn, outFeatures: 1000, bias: true }, x);
  b.output('logits', x);
  return b.finish();
}
