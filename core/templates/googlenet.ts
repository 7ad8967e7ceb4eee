/**
 * torchvision's GoogLeNet as built with `aux_logits=False, transform_input=False` (the defaults without
 * pretrained weights; torchvision turns transform_input on when it loads its own ImageNet weights):
 * BasicConv2d `conv1`…`conv3`, Inception composites `inception3a`…`inception5b`, ceil-mode max-pools,
 * global average pool and `fc` (the dropout is the identity at inference, the aux classifiers are absent).
 */
import type { NetworkDocument, PortRef } from '../network/types.js';
import { templateBuilder, type TemplateBuilder } from './builder.js';

/** torchvision's Inception settings: ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj. */
const INCEPTION: Record<string, readonly [number, number, number, number, number, number]> = {
  inception3a: [64, 96, 128, 16, 32, 32],
  inception3b: [128, 128, 192, 32, 96, 64],
  inception4a: [192, 96, 208, 16, 48, 64],
  inception4b: [160, 112, 224, 24, 64, 64],
  inception4c: [128, 128, 256, 24, 64, 64],
  inception4d: [112, 144, 288, 32, 64, 64],
  inception4e: [256, 160, 320, 32, 128, 128],
  inception5a: [256, 160, 320, 32, 128, 128],
  inception5b: [384, 192, 384, 48, 128, 128],
};

/** PyTorch's MaxPool2d(k, s, ceil_mode=True) without padding: TensorRT's round-up gives the same size then. */
function ceilMaxPool(b: TemplateBuilder, name: string, x: PortRef, window: number, stride: number): PortRef {
  return b.chain('addPoolingNd', name, { type: 'MAX', windowSize: [window, window], stride: [stride, stride], paddingMode: 'EXPLICIT_ROUND_UP' }, x);
}

export function googlenet(): NetworkDocument {
  const b = templateBuilder('googlenet');
  let x = b.input('data', [1, 3, 224, 224]);
  let channels = 192;
  const inception = (name: string) => {
    const [ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj] = INCEPTION[name]!;
    x = b.chain('Inception', name, { inChannels: channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj }, x);
    channels = ch1x1 + ch3x3 + ch5x5 + poolProj;
  };
  x = b.chain('BasicConv2d', 'conv1', { outChannels: 64, kernelSize: 7, stride: 2, padding: 3 }, x);
  x = ceilMaxPool(b, 'maxpool1', x, 3, 2);
  x = b.chain('BasicConv2d', 'conv2', { outChannels: 64, kernelSize: 1 }, x);
  x = b.chain('BasicConv2d', 'conv3', { outChannels: 192, kernelSize: 3, padding: 1 }, x);
  x = ceilMaxPool(b, 'maxpool2', x, 3, 2);
  inception('inception3a');
  inception('inception3b');
  x = ceilMaxPool(b, 'maxpool3', x, 3, 2);
  for (const name of ['inception4a', 'inception4b', 'inception4c', 'inception4d', 'inception4e']) inception(name);
  x = ceilMaxPool(b, 'maxpool4', x, 2, 2);
  inception('inception5a');
  inception('inception5b');
  x = b.chain('addReduce', 'avgpool', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, x);
  x = b.chain('Linear', 'fc', { inFeatures: channels, outFeatures: 1000, bias: true }, x);
  b.output('logits', x);
  return b.finish();
}
