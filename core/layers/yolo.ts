/**
 * Ultralytics' YOLO building blocks (ultralytics/nn/modules: Conv, Bottleneck, C2f, C3, SPPF) with
 * its module names, so a node named `model.2` binds `model.2.cv1.conv.weight`,
 * `model.2.m.0.cv2.bn.running_var`, … from a `.wts` that tensorrtx's gen_wts.py wrote. Each block is
 * defined only by its expansion; the weight slots follow from it.
 */
import { BATCH_NORM_SLOTS, BLOCK_ACTIVATIONS, draftExpansion, expandConvBnAct, type ExpansionDraft } from './blocks.js';
import { channelsFromInput, floatParam, intParam, boolParam } from './params.js';
import type { CompositeSpec, Expansion, ExpansionPort, Params } from './types.js';

/** The slots of one YoloConv, relative to it: `conv.weight`, `bn.weight`, … */
const YOLO_CONV_SLOTS = ['conv.weight', ...BATCH_NORM_SLOTS.map((s) => `bn.${s}`)];

/** Ultralytics' autopad: "same" padding for odd kernels, k // 2 of the dilated kernel. */
function autopad(kernel: number, dilation: number): number {
  const k = dilation > 1 ? dilation * (kernel - 1) + 1 : kernel;
  return Math.floor(k / 2);
}

export const YoloConv: CompositeSpec = {
  kind: 'composite',
  type: 'YoloConv',
  category: 'Blocks',
  label: 'YOLO Conv',
  aliases: [{ names: ['ultralytics conv', 'yolo conv', 'conv bn silu'] }],
  doc: "Ultralytics' Conv: a bias-free Conv2d `conv`, BatchNorm2d `bn` (ε 1e-3 as ultralytics sets it) and SiLU `act`.",
  params: [
    { name: 'outChannels', kind: 'int', default: 16, min: 1, doc: 'Output channels (c2); the input channels come from the input tensor.' },
    { name: 'kernelSize', kind: 'int', default: 1, min: 1, doc: 'Square kernel size (k).' },
    { name: 'stride', kind: 'int', default: 1, min: 1, doc: 'Stride in both spatial dimensions (s).' },
    { name: 'padding', kind: 'int', default: -1, min: -1, doc: "Padding (p); −1 is ultralytics' autopad, half the (dilated) kernel." },
    { name: 'groups', kind: 'int', default: 1, min: 1, doc: 'Convolution groups (g).' },
    { name: 'dilation', kind: 'int', default: 1, min: 1, doc: 'Dilation (d).' },
    {
      name: 'activation',
      kind: 'enum',
      enumType: 'BlockActivation',
      values: BLOCK_ACTIVATIONS,
      default: 'SILU',
      doc: 'The activation; ultralytics uses SILU (x·sigmoid(x)), NONE for act=False.',
    },
    { name: 'eps', kind: 'float', default: 1e-3, min: 0, doc: "BatchNorm ε; ultralytics' initialize_weights sets 1e-3." },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor; C must be static.' }],
  outputs: [{ name: 'output', doc: 'N × outChannels × H′ × W′.' }],
  expand: (params) => {
    const padding = intParam(params, 'padding');
    const resolved = padding < 0 ? autopad(intParam(params, 'kernelSize'), intParam(params, 'dilation')) : padding;
    return expandConvBnAct(params, { conv: 'conv', bn: 'bn', act: 'act' }, resolved, 0.01);
  },
  summary: (p) => `${String(p.kernelSize)}×${String(p.kernelSize)}${p.stride === 1 ? '' : ` /${String(p.stride)}`} ${String(p.outChannels)}`,
};

/** A nested YoloConv named `name` (its module path inside the block), its slots passed through from `<name>.conv.weight`, … */
function addYoloConv(d: ExpansionDraft, name: string, input: ExpansionPort, outChannels: number, kernelSize: number, stride = 1, groups = 1): ExpansionPort {
  const out = d.add(name, 'YoloConv', name, { outChannels, kernelSize, stride, groups }, { input });
  for (const slot of YOLO_CONV_SLOTS) d.pass(name, slot, `${name}.${slot}`);
  return out;
}

/** The slots of one YoloBottleneck, relative to it. */
const BOTTLENECK_SLOTS = [...YOLO_CONV_SLOTS.map((s) => `cv1.${s}`), ...YOLO_CONV_SLOTS.map((s) => `cv2.${s}`)];

interface BottleneckOptions {
  c1: number;
  c2: number;
  shortcut: boolean;
  groups: number;
  k1: number;
  k2: number;
  e: number;
}

function addBottleneck(d: ExpansionDraft, name: string, input: ExpansionPort, o: BottleneckOptions): ExpansionPort {
  const out = d.add(name, 'YoloBottleneck', name, { ...o } satisfies Params, { input });
  for (const slot of BOTTLENECK_SLOTS) d.pass(name, slot, `${name}.${slot}`);
  return out;
}

/** Python's int(c·e) for the hidden widths. */
const hidden = (c: number, e: number) => Math.floor(c * e + 1e-9);

/** The expansion's weights in PyTorch's state_dict order: modules in the order their `__init__` registers them. */
function inModuleOrder(expansion: Expansion, modules: readonly string[]): Expansion {
  const rank = (node: string) => modules.findIndex((m) => node === m || node.startsWith(`${m}.`));
  const weights = expansion.weights.map((w, i) => ({ w, i })).sort((a, b) => rank(a.w.node) - rank(b.w.node) || a.i - b.i);
  return { ...expansion, weights: weights.map(({ w }) => w) };
}

export const YoloBottleneck: CompositeSpec = {
  kind: 'composite',
  type: 'YoloBottleneck',
  category: 'Blocks',
  label: 'YOLO Bottleneck',
  aliases: [{ names: ['ultralytics bottleneck', 'yolo bottleneck', 'yolo'] }],
  doc: "Ultralytics' Bottleneck: cv2(cv1(x)) with YOLO Convs, plus x when shortcut and c1 = c2 (ResNet's is 'Bottleneck').",
  params: [
    { name: 'c1', kind: 'int', default: 64, min: 1, doc: 'Input channels (must match the input tensor).' },
    { name: 'c2', kind: 'int', default: 64, min: 1, doc: 'Output channels.' },
    { name: 'shortcut', kind: 'bool', default: true, doc: 'Add the input to the output when c1 = c2.' },
    { name: 'groups', kind: 'int', default: 1, min: 1, doc: 'Groups of cv2 (g).' },
    { name: 'k1', kind: 'int', default: 3, min: 1, doc: "Kernel of cv1 (k[0]; C3's bottlenecks use 1)." },
    { name: 'k2', kind: 'int', default: 3, min: 1, doc: 'Kernel of cv2 (k[1]).' },
    { name: 'e', kind: 'float', default: 0.5, min: 0, doc: 'Expansion: cv1 has int(c2·e) channels (C2f and C3 use 1.0).' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with c1 channels.' }],
  outputs: [{ name: 'output', doc: 'N × c2 × H × W.' }],
  fromInput: [channelsFromInput('c1')],
  expand: (params) => {
    const c1 = intParam(params, 'c1');
    const c2 = intParam(params, 'c2');
    const d = draftExpansion();
    let x = addYoloConv(d, 'cv1', { input: 'input' }, hidden(c2, floatParam(params, 'e')), intParam(params, 'k1'));
    x = addYoloConv(d, 'cv2', x, c2, intParam(params, 'k2'), 1, intParam(params, 'groups'));
    if (boolParam(params, 'shortcut') && c1 === c2) x = d.add('add', 'addElementWise', 'add', { operation: 'SUM' }, { input1: { input: 'input' }, input2: x });
    d.expansion.outputs.output = x;
    return d.expansion;
  },
  summary: (p) => `${String(p.c1)} → ${String(p.c2)}${p.shortcut && p.c1 === p.c2 ? ' +x' : ''}`,
};

const blockParams = (shortcut: boolean) =>
  [
    { name: 'c2', kind: 'int', default: 64, min: 1, doc: 'Output channels; the input channels come from the input tensor.' },
    { name: 'n', kind: 'int', default: 1, min: 1, max: 64, doc: 'Number of bottlenecks (m.0 … m.{n−1}).' },
    { name: 'shortcut', kind: 'bool', default: shortcut, doc: `Residual add inside each bottleneck (ultralytics default ${shortcut ? 'True' : 'False'}).` },
    { name: 'groups', kind: 'int', default: 1, min: 1, doc: "Groups of each bottleneck's cv2 (g)." },
    { name: 'e', kind: 'float', default: 0.5, min: 0, doc: 'Hidden channels = int(c2·e).' },
  ] as const;

export const C2f: CompositeSpec = {
  kind: 'composite',
  type: 'C2f',
  category: 'Blocks',
  label: 'C2f (YOLOv8)',
  aliases: [{ names: ['c2f', 'yolov8', 'csp'] }],
  doc: 'YOLOv8 C2f: cv1 to 2c channels, chunk in two, n bottlenecks m.i on the last piece, concatenate every piece, cv2.',
  params: [...blockParams(false)],
  inputs: [{ name: 'input', doc: 'NCHW tensor with static dims.' }],
  outputs: [{ name: 'output', doc: 'N × c2 × H × W.' }],
  expand: (params) => {
    const c2 = intParam(params, 'c2');
    const n = intParam(params, 'n');
    const c = hidden(c2, floatParam(params, 'e'));
    const d = draftExpansion();
    const x = addYoloConv(d, 'cv1', { input: 'input' }, 2 * c, 1);
    d.add('chunk', 'Chunk', 'chunk', { chunks: 2, dim: 1 }, { input: x });
    const pieces: ExpansionPort[] = [
      { node: 'chunk', port: 'output.0' },
      { node: 'chunk', port: 'output.1' },
    ];
    const options = { c1: c, c2: c, shortcut: boolParam(params, 'shortcut'), groups: intParam(params, 'groups'), k1: 3, k2: 3, e: 1 };
    for (let i = 0; i < n; i++) pieces.push(addBottleneck(d, `m.${i}`, pieces.at(-1)!, options));
    const cat = d.add('cat', 'addConcatenation', 'cat', { axis: 1 }, Object.fromEntries(pieces.map((p, i) => [`inputs.${i}`, p])));
    d.expansion.outputs.output = addYoloConv(d, 'cv2', cat, c2, 1);
    return inModuleOrder(d.expansion, ['cv1', 'cv2', 'm']);
  },
  summary: (p) => `→ ${String(p.c2)} n=${String(p.n)}${p.shortcut ? ' +x' : ''}`,
};

export const C3: CompositeSpec = {
  kind: 'composite',
  type: 'C3',
  category: 'Blocks',
  label: 'C3 (YOLOv5)',
  aliases: [{ names: ['c3', 'yolov5', 'csp bottleneck'] }],
  doc: 'YOLOv5 C3: cv3(cat(m(cv1(x)), cv2(x))), m being n bottlenecks (1×1 then 3×3) with int(c2·e) channels.',
  params: [...blockParams(true)],
  inputs: [{ name: 'input', doc: 'NCHW tensor; C must be static.' }],
  outputs: [{ name: 'output', doc: 'N × c2 × H × W.' }],
  expand: (params) => {
    const c2 = intParam(params, 'c2');
    const c = hidden(c2, floatParam(params, 'e'));
    const d = draftExpansion();
    let x = addYoloConv(d, 'cv1', { input: 'input' }, c, 1);
    const side = addYoloConv(d, 'cv2', { input: 'input' }, c, 1);
    const options = { c1: c, c2: c, shortcut: boolParam(params, 'shortcut'), groups: intParam(params, 'groups'), k1: 1, k2: 3, e: 1 };
    for (let i = 0; i < intParam(params, 'n'); i++) x = addBottleneck(d, `m.${i}`, x, options);
    const cat = d.add('cat', 'addConcatenation', 'cat', { axis: 1 }, { 'inputs.0': x, 'inputs.1': side });
    d.expansion.outputs.output = addYoloConv(d, 'cv3', cat, c2, 1);
    return inModuleOrder(d.expansion, ['cv1', 'cv2', 'cv3', 'm']);
  },
  summary: (p) => `→ ${String(p.c2)} n=${String(p.n)}${p.shortcut ? ' +x' : ''}`,
};

export const SPPF: CompositeSpec = {
  kind: 'composite',
  type: 'SPPF',
  category: 'Blocks',
  label: 'SPPF',
  aliases: [{ names: ['sppf', 'spp', 'spatial pyramid pooling'] }],
  doc: 'YOLO SPPF: cv1 to c1/2 channels, the same k×k max pool (stride 1, padding k/2) three times in a row, concatenate all four, cv2.',
  params: [
    { name: 'c1', kind: 'int', default: 256, min: 2, doc: 'Input channels (must match the input tensor); cv1 has c1 // 2.' },
    { name: 'c2', kind: 'int', default: 256, min: 1, doc: 'Output channels.' },
    { name: 'k', kind: 'int', default: 5, min: 1, doc: 'Max-pool kernel (odd); stride 1, padding k // 2.' },
  ],
  inputs: [{ name: 'input', doc: 'NCHW tensor with c1 channels.' }],
  outputs: [{ name: 'output', doc: 'N × c2 × H × W.' }],
  fromInput: [channelsFromInput('c1')],
  expand: (params) => {
    const k = intParam(params, 'k');
    const pad = Math.floor(k / 2);
    const d = draftExpansion();
    const pieces = [addYoloConv(d, 'cv1', { input: 'input' }, Math.floor(intParam(params, 'c1') / 2), 1)];
    // PyTorch applies the one module `m` three times; each application is its own TensorRT layer.
    for (let i = 1; i <= 3; i++)
      pieces.push(
        d.add(
          `m${i}`,
          'addPoolingNd',
          `m.${i}`,
          { type: 'MAX', windowSize: [k, k], stride: [1, 1], prePadding: [pad, pad], postPadding: [pad, pad], paddingMode: 'EXPLICIT_ROUND_DOWN' },
          { input: pieces.at(-1)! },
        ),
      );
    const cat = d.add('cat', 'addConcatenation', 'cat', { axis: 1 }, Object.fromEntries(pieces.map((p, i) => [`inputs.${i}`, p])));
    d.expansion.outputs.output = addYoloConv(d, 'cv2', cat, intParam(params, 'c2'), 1);
    return d.expansion;
  },
  summary: (p) => `${String(p.c1)} → ${String(p.c2)} k=${String(p.k)}`,
};

export const yoloLayers = [YoloConv, YoloBottleneck, C2f, C3, SPPF];
