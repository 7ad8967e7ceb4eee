// LeNet-5 as tensorrtx builds it, written from code: `node examples/lenet5.mjs lenet5.trtstudio`.
// Layers are named after the PyTorch modules, so `trt-studio check lenet5.trtstudio --weights lenet5.wts`
// binds every tensor of tensorrtx's LeNet-5 by name.
import { writeFileSync } from 'node:fs';
import { NetworkBuilder } from 'trt-studio';

const net = new NetworkBuilder('lenet5');
let x = net.input('data', [1, 1, 32, 32]);

// Two convolution stages: 5×5 convolution, ReLU, 2×2 average pooling.
for (const [i, maps] of [6, 16].entries()) {
  x = net.layer('addConvolutionNd', `conv${i + 1}`, { nbOutputMaps: maps, kernelSize: [5, 5] }, x);
  x = net.layer('addActivation', `relu${i + 1}`, { type: 'RELU' }, x);
  x = net.layer('addPoolingNd', `pool${i + 1}`, { type: 'AVERAGE', windowSize: [2, 2], stride: [2, 2] }, x);
}

// Three fully connected layers (Linear reads the 16×5×5 maps as 400 features), ReLU between them.
const features = [400, 120, 84, 10];
for (let i = 1; i < features.length; i++) {
  x = net.layer('Linear', `fc${i}`, { inFeatures: features[i - 1], outFeatures: features[i] }, x);
  if (i < features.length - 1) x = net.layer('addActivation', `relu${i + 2}`, { type: 'RELU' }, x);
}

const prob = net.layer('addSoftMax', 'softmax', { axes: [1] }, x);
net.output('prob', prob);

const out = process.argv[2] ?? 'lenet5.trtstudio';
writeFileSync(out, net.toProjectFile());
console.log(`Wrote ${out}: ${net.document().nodes.length} layers.`);
