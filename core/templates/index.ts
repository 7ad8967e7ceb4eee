/**
 * The model templates, by torchvision's model names. Node names are PyTorch module names, so
 * auto-mapping a `.wts` written from the torchvision (or tensorrtx) model binds every tensor.
 * Conventions: the input is `data` (NCHW, batch 1); the output is `logits` for torchvision models
 * and `prob` for LeNet-5, whose last layer is a softmax as in tensorrtx.
 */
import type { NetworkDocument } from '../network/types.js';
import { lenet5 } from './lenet.js';
import { mobilenet_v2 } from './mobilenet.js';
import { resnet } from './resnet.js';
import { squeezenet1_1 } from './squeezenet.js';
import { vgg } from './vgg.js';

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
];

/** Every template, in the order lists show them. */
export function listTemplates(): readonly TemplateInfo[] {
  return TEMPLATES;
}

/** A fresh document for the named template, or undefined for an unknown name. */
export function buildTemplate(name: string): NetworkDocument | undefined {
  return TEMPLATES.find((t) => t.name === name)?.build();
}
