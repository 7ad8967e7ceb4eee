/** Networks that pass shape inference but cannot run: the cases the network check exists for, shared by its tests in core, the CLI and the editor. */
import type { NetworkDocument, Params } from '../network/types.js';
import { templateBuilder } from '../templates/builder.js';

/** A user's `layer1.0.conv1` beside a BasicBlock named `layer1.0`, whose own first convolution lowers to that name. */
export function nameClash(): NetworkDocument {
  const b = templateBuilder('clash');
  let x = b.input('data', [1, 64, 56, 56]);
  x = b.chain('BasicBlock', 'layer1.0', { inplanes: 64, planes: 64, stride: 1 }, x);
  x = b.chain('addConvolutionNd', 'layer1.0.conv1', { nbOutputMaps: 64, kernelSize: [3, 3], prePadding: [1, 1], postPadding: [1, 1] }, x);
  b.output('features', x);
  return b.finish();
}

/** Max pooling 2×2 /2 with padding 1 rounded up on a 5×5 input: the last window would need padding 2, as large as the window. */
export function roundUpPooling(size = 5, params: Params = {}): NetworkDocument {
  const b = templateBuilder('round-up');
  const x = b.input('data', [1, 3, size, size]);
  const pooled = b.chain(
    'addPoolingNd',
    'pool',
    { type: 'MAX', windowSize: [2, 2], stride: [2, 2], prePadding: [1, 1], postPadding: [1, 1], paddingMode: 'EXPLICIT_ROUND_UP', ...params },
    x,
  );
  b.output('pooled', pooled);
  return b.finish();
}

export const NAME_CLASH_MESSAGE =
  "The layer 'layer1.0.conv1' and the layer 'conv1' inside 'layer1.0' (BasicBlock) would both be named 'layer1.0.conv1' in TensorRT; rename one so that TensorRT layer names stay unique.";
export const ROUND_UP_MESSAGE =
  "Layer 'pool' (addPoolingNd) cannot be translated to ONNX exactly: the padding this window needs (1,1/2,2) is not smaller than the window 2×2, which ONNX pooling does not allow.";
