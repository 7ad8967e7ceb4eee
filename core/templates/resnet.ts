/**
 * torchvision's ResNets and ResNeXt-50 32×4d: `conv1`, `bn1`, `relu`, `maxpool`, then `layer1`…`layer4` of BasicBlock or
 * Bottleneck composites named `layer<i>.<j>` (their slots carry the state_dict suffixes), global
 * average pool and `fc`.
 */
import { BOTTLENECK_EXPANSION } from '../layers/blocks.js';
import type { NetworkDocument, Params } from '../network/types.js';
import { templateBuilder } from './builder.js';

const RESNET_CONFIGS = {
  resnet18: { block: 'BasicBlock', layers: [2, 2, 2, 2] },
  resnet34: { block: 'BasicBlock', layers: [3, 4, 6, 3] },
  resnet50: { block: 'Bottleneck', layers: [3, 4, 6, 3] },
  resnet101: { block: 'Bottleneck', layers: [3, 4, 23, 3] },
  resnet152: { block: 'Bottleneck', layers: [3, 8, 36, 3] },
  // ResNeXt: the same Bottleneck with a grouped 3×3 (32 groups of 4 channels at the first stage).
  resnext50_32x4d: { block: 'Bottleneck', layers: [3, 4, 6, 3], groups: 32, baseWidth: 4 },
} as const;

export type ResNetName = keyof typeof RESNET_CONFIGS;

export function resnet(name: ResNetName): NetworkDocument {
  const config: { block: string; layers: readonly number[]; groups?: number; baseWidth?: number } = RESNET_CONFIGS[name];
  const { block, layers } = config;
  const grouping: Params = config.groups === undefined || config.baseWidth === undefined ? {} : { groups: config.groups, baseWidth: config.baseWidth };
  const expansion = block === 'Bottleneck' ? BOTTLENECK_EXPANSION : 1;
  const b = templateBuilder(name);
  let x = b.input('data', [1, 3, 224, 224]);
  x = b.chain('addConvolutionNd', 'conv1', { nbOutputMaps: 64, kernelSize: [7, 7], stride: [2, 2], prePadding: [3, 3], postPadding: [3, 3] }, x);
  x = b.chain('BatchNorm2d', 'bn1', { eps: 1e-5 }, x);
  x = b.chain('addActivation', 'relu', { type: 'RELU' }, x);
  x = b.chain('addPoolingNd', 'maxpool', { type: 'MAX', windowSize: [3, 3], stride: [2, 2], prePadding: [1, 1], postPadding: [1, 1] }, x);
  let inplanes = 64;
  layers.forEach((blocks, stage) => {
    const planes = 64 * 2 ** stage;
    for (let j = 0; j < blocks; j++) {
      const stride = stage > 0 && j === 0 ? 2 : 1;
      x = b.chain(block, `layer${stage + 1}.${j}`, { inplanes, planes, stride, ...grouping }, x);
      inplanes = planes * expansion;
    }
  });
  x = b.chain('addReduce', 'avgpool', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, x);
  x = b.chain('Linear', 'fc', { inFeatures: 512 * expansion, outFeatures: 1000, bias: true }, x);
  b.output('logits', x);
  return b.finish();
}
