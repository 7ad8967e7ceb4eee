/**
 * The model templates, by torchvision's model names. Node names are PyTorch module names, so
 * auto-mapping a `.wts` written from the torchvision (or tensorrtx) model binds every tensor.
 * Conventions: the input is `data` (NCHW, batch 1); the output is `logits` for torchvision models,
 * `prob` for LeNet-5, whose last layer is a softmax as in tensorrtx, and ultralytics' decoded
 * `output0` for the YOLO detectors.
 */
import type { NetworkDocument } from '../network/types.js';
import { densenet121 } from './densenet.js';
import { efficientnet_b0 } from './efficientnet.js';
import { googlenet } from './googlenet.js';
import { lenet5 } from './lenet.js';
import { mobilenet_v2 } from './mobilenet.js';
import { mobilenet_v3_small } from './mobilenet_v3.js';
import { regnet_x_400mf } from './regnet.js';
import { resnet } from './resnet.js';
import { shufflenet_v2_x1_0 } from './shufflenet.js';
import { squeezenet1_1 } from './squeezenet.js';
import { vgg } from './vgg.js';
import { yolov5, yolov8 } from './yolo.js';

export interface TemplateInfo {
  /** torchvision's model name, e.g. `resnet50`. */
  name: string;
  /** One line for lists. */
  summary: string;
  build: () => NetworkDocument;
}

const TEMPLATES: readonly TemplateInfo[] = [
  { name: 'lenet5', summary: "tensorrtx's LeNet-5 for 1×32×32 digits, softmax output 'prob'.", build: lenet5 },
  { name: 'resnet18', summary: 'ResNet-18 (BasicBlock ×[2,2,2,2]), 224×224, 1000 logits.', build: () => resnet('resnet18') },
  { name: 'resnet34', summary: 'ResNet-34 (BasicBlock ×[3,4,6,3]), 224×224, 1000 logits.', build: () => resnet('resnet34') },
  { name: 'resnet50', summary: 'ResNet-50 (Bottleneck ×[3,4,6,3]), 224×224, 1000 logits.', build: () => resnet('resnet50') },
  { name: 'resnet101', summary: 'ResNet-101 (Bottleneck ×[3,4,23,3]), 224×224, 1000 logits.', build: () => resnet('resnet101') },
  { name: 'resnet152', summary: 'ResNet-152 (Bottleneck ×[3,8,36,3]), 224×224, 1000 logits.', build: () => resnet('resnet152') },
  { name: 'vgg11', summary: 'VGG-11 without BatchNorm, 224×224, 1000 logits.', build: () => vgg('vgg11', false) },
  { name: 'vgg11_bn', summary: 'VGG-11 with BatchNorm, 224×224, 1000 logits.', build: () => vgg('vgg11', true) },
  { name: 'vgg16', summary: 'VGG-16 without BatchNorm, 224×224, 1000 logits.', build: () => vgg('vgg16', false) },
  { name: 'vgg16_bn', summary: 'VGG-16 with BatchNorm, 224×224, 1000 logits.', build: () => vgg('vgg16', true) },
  { name: 'mobilenet_v2', summary: 'MobileNetV2 (width 1.0), 224×224, 1000 logits.', build: mobilenet_v2 },
  { name: 'squeezenet1_1', summary: 'SqueezeNet 1.1, 224×224, 1000 logits.', build: squeezenet1_1 },
  { name: 'resnext50_32x4d', summary: 'ResNeXt-50 32×4d (grouped Bottleneck ×[3,4,6,3]), 224×224, 1000 logits.', build: () => resnet('resnext50_32x4d') },
  { name: 'shufflenet_v2_x1_0', summary: 'ShuffleNetV2 ×1.0 (ShuffleUnit ×[4,8,4]), 224×224, 1000 logits.', build: shufflenet_v2_x1_0 },
  { name: 'densenet121', summary: 'DenseNet-121 (DenseBlock ×[6,12,24,16]), 224×224, 1000 logits.', build: densenet121 },
  { name: 'efficientnet_b0', summary: 'EfficientNet-B0 (16 MBConv), 224×224, 1000 logits.', build: efficientnet_b0 },
  { name: 'googlenet', summary: 'GoogLeNet without aux classifiers or input transform, 224×224, 1000 logits.', build: googlenet },
  { name: 'mobilenet_v3_small', summary: 'MobileNetV3-Small, 224×224, 1000 logits.', build: mobilenet_v3_small },
  { name: 'regnet_x_400mf', summary: 'RegNetX-400MF (ResBottleneckBlock ×[1,2,7,12]), 224×224, 1000 logits.', build: regnet_x_400mf },
  { name: 'yolov8n', summary: "Ultralytics YOLOv8n (width 0.25, depth 0.33), 640×640, decoded 'output0' [1, 84, 8400].", build: () => yolov8('n') },
  { name: 'yolov8s', summary: "Ultralytics YOLOv8s (width 0.5, depth 0.33), 640×640, decoded 'output0' [1, 84, 8400].", build: () => yolov8('s') },
  { name: 'yolov5s', summary: "YOLOv5s v6/v7 (width 0.5, depth 0.33), 640×640, decoded 'output0' [1, 25200, 85].", build: () => yolov5('s') },
];

/** Every template, in the order lists show them. */
export function listTemplates(): readonly TemplateInfo[] {
  return TEMPLATES;
}

/** A fresh document for the named template, or undefined for an unknown name. */
export function buildTemplate(name: string): NetworkDocument | undefined {
  return TEMPLATES.find((t) => t.name === name)?.build();
}
