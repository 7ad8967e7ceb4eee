/**
 * Ultralytics' detection heads, decoded as its exported models decode them (`output0`), in TensorRT
 * primitives only so an engine needs no plugin. Inner names follow ultralytics' module names, so a
 * head named `model.22` binds `model.22.cv2.0.0.conv.weight`, … `model.22.dfl.conv.weight`, and one
 * named `model.24` binds `model.24.m.0.weight`, `model.24.anchors`. Anchor grids and strides follow
 * from the input shapes and are fixed values, not `.wts` tensors.
 */
import { draftExpansion, type ExpansionDraft } from './blocks.js';
import { floatsParam, intParam } from './params.js';
import { fail, type CompositeSpec, type ExpansionPort, type FloatsParam, type Params, type TensorInfo } from './types.js';

/** The three feature levels P3, P4, P5, in ultralytics' order. */
const LEVELS = ['p3', 'p4', 'p5'] as const;

const YOLO_CONV_SLOTS = ['conv.weight', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var'];

/** A constant tensor of fixed values (anchor grids, strides, scalars). */
function addValues(d: ExpansionDraft, id: string, dims: number[], values: number[]): ExpansionPort {
  const out = d.add(id, 'addConstant', id, { dimensions: dims }, {});
  d.expansion.weights.push({ node: id, slot: 'weights', source: { kind: 'values', values } });
  return out;
}

function addYoloConv(d: ExpansionDraft, name: string, input: ExpansionPort, outChannels: number, kernelSize: number): ExpansionPort {
  const out = d.add(name, 'YoloConv', name, { outChannels, kernelSize }, { input });
  for (const slot of YOLO_CONV_SLOTS) d.pass(name, slot, `${name}.${slot}`);
  return out;
}

/** A 1×1 Conv2d with bias, PyTorch's `<name>.weight` and `<name>.bias`. */
function addPlainConv(d: ExpansionDraft, name: string, input: ExpansionPort, outChannels: number): ExpansionPort {
  const out = d.add(name, 'addConvolutionNd', name, { nbOutputMaps: outChannels, kernelSize: [1, 1] }, { input });
  d.pass(name, 'kernel', `${name}.weight`);
  d.pass(name, 'bias', `${name}.bias`);
  return out;
}

const op = (d: ExpansionDraft, id: string, operation: string, a: ExpansionPort, b: ExpansionPort) =>
  d.add(id, 'addElementWise', id, { operation }, { input1: a, input2: b });

/** The [C, H, W] of each level; the expansion needs them for the channel widths and the anchor grid. */
function levelShapes(type: string, inputs: Record<string, TensorInfo> | undefined): { c: number; h: number; w: number }[] {
  return LEVELS.map((level) => {
    const t = inputs?.[level];
    if (!t) fail(`${type} needs its three inputs P3, P4 and P5 connected to know the anchor grid`);
    const [n, c, h, w] = t.dims;
    if (t.dims.length !== 4 || n !== 1 || [c, h, w].some((v) => v === undefined || v < 1))
      fail(`${type}'s input ${level} is [${t.dims.join(', ')}]; expected a static [1, C, H, W] feature map`);
    return { c: c!, h: h!, w: w! };
  });
}

const headInputs = LEVELS.map((name, i) => ({ name, doc: `Feature map P${i + 3} (stride ${8 * 2 ** i} for a 640 input), [1, C, H, W].` }));

/** Feature maps P3, P4 and P5 of a 640×640 input with these channel counts. */
function featureMaps(channels: readonly number[]): Record<string, TensorInfo> {
  return Object.fromEntries(LEVELS.map((name, i) => [name, { dims: [1, channels[i]!, 80 / 2 ** i, 80 / 2 ** i], dtype: 'FLOAT' as const }]));
}

const stridesParam: FloatsParam = {
  name: 'strides',
  kind: 'floats',
  default: [8, 16, 32],
  minLength: 3,
  maxLength: 3,
  doc: 'Input pixels per grid cell at P3, P4, P5 (the input size over each feature map size).',
};

export const YoloV8Detect: CompositeSpec = {
  kind: 'composite',
  type: 'YoloV8Detect',
  category: 'Blocks',
  label: 'YOLOv8 Detect',
  aliases: [{ names: ['detect', 'yolov8 head', 'dfl', 'yolo head'] }],
  doc: "Ultralytics' Detect head, decoded: per level cv2 (box, 4×16 DFL bins) and cv3 (classes); DFL softmax and 0…15 weighted sum, dist2bbox to cx, cy, w, h in input pixels, then sigmoid class scores: [1, 4 + nc, anchors].",
  params: [{ name: 'nc', kind: 'int', default: 80, min: 1, doc: 'Number of classes.' }, stridesParam],
  inputs: headInputs,
  // YOLOv8n's P3–P5 (width 0.25) at a 640 input.
  exampleInputs: featureMaps([64, 128, 256]),
  outputs: [{ name: 'output', doc: '[1, 4 + nc, anchors]: cx, cy, w, h in input pixels, then class scores in [0, 1].' }],
  expand: (params: Params, inputs?: Record<string, TensorInfo>) => {
    const nc = intParam(params, 'nc');
    const strides = floatsParam(params, 'strides');
    const levels = levelShapes('YOLOv8 Detect', inputs);
    const regMax = 16;
    const c2 = Math.max(16, Math.floor(levels[0]!.c / 4), regMax * 4);
    const c3 = Math.max(levels[0]!.c, Math.min(nc, 100));
    const anchors = levels.reduce((sum, l) => sum + l.h * l.w, 0);
    const d = draftExpansion();
    const boxes: ExpansionPort[] = [];
    const scores: ExpansionPort[] = [];
    levels.forEach((level, i) => {
      const input: ExpansionPort = { input: LEVELS[i]! };
      const flat = (id: string, x: ExpansionPort, c: number) => d.add(id, 'addShuffle', id, { reshapeDimensions: [1, c, level.h * level.w] }, { input: x });
      let box = addYoloConv(d, `cv2.${i}.0`, input, c2, 3);
      box = addYoloConv(d, `cv2.${i}.1`, box, c2, 3);
      boxes.push(flat(`cv2.${i}.flat`, addPlainConv(d, `cv2.${i}.2`, box, 4 * regMax), 4 * regMax));
      let cls = addYoloConv(d, `cv3.${i}.0`, input, c3, 3);
      cls = addYoloConv(d, `cv3.${i}.1`, cls, c3, 3);
      scores.push(flat(`cv3.${i}.flat`, addPlainConv(d, `cv3.${i}.2`, cls, nc), nc));
    });
    const cat = (id: string, parts: ExpansionPort[], axis: number) =>
      d.add(id, 'addConcatenation', id, { axis }, Object.fromEntries(parts.map((p, i) => [`inputs.${i}`, p])));
    const box = cat('box', boxes, 2);
    // DFL as ultralytics computes it: [1, 64, A] → [1, 4, 16, A] → [1, 16, 4, A], softmax over the 16 bins, 1×1 conv with 0…15.
    const bins = d.add('dfl.bins', 'addShuffle', 'dfl.bins', { reshapeDimensions: [1, 4, regMax, anchors], secondTranspose: [0, 2, 1, 3] }, { input: box });
    const soft = d.add('dfl.softmax', 'addSoftMax', 'dfl.softmax', { axes: [1] }, { input: bins });
    const expected = d.add('dfl.conv', 'addConvolutionNd', 'dfl.conv', { nbOutputMaps: 1, kernelSize: [1, 1] }, { input: soft });
    d.pass('dfl.conv', 'kernel', 'dfl.conv.weight');
    const dist = d.add('dfl.out', 'addShuffle', 'dfl.out', { reshapeDimensions: [1, 4, anchors] }, { input: expected });
    // dist2bbox(xywh=True): x1y1 = anchor − lt, x2y2 = anchor + rb, centre and size, times the level's stride.
    const points: number[][] = [[], []];
    const stride: number[] = [];
    levels.forEach((level, i) => {
      for (let y = 0; y < level.h; y++)
        for (let x = 0; x < level.w; x++) {
          points[0]!.push(x + 0.5);
          points[1]!.push(y + 0.5);
          stride.push(strides[i]!);
        }
    });
    const anchor = addValues(d, 'anchors', [1, 2, anchors], [...points[0]!, ...points[1]!]);
    const lt = d.add('lt', 'addSlice', 'lt', { start: [0, 0, 0], size: [1, 2, anchors], stride: [1, 1, 1] }, { input: dist });
    const rb = d.add('rb', 'addSlice', 'rb', { start: [0, 2, 0], size: [1, 2, anchors], stride: [1, 1, 1] }, { input: dist });
    const x1y1 = op(d, 'x1y1', 'SUB', anchor, lt);
    const x2y2 = op(d, 'x2y2', 'SUM', anchor, rb);
    const centre = op(d, 'cxcy', 'PROD', op(d, 'cxcy.sum', 'SUM', x1y1, x2y2), addValues(d, 'half', [1, 1, 1], [0.5]));
    const size = op(d, 'wh', 'SUB', x2y2, x1y1);
    const pixels = op(d, 'dbox', 'PROD', cat('xywh', [centre, size], 1), addValues(d, 'strides', [1, 1, anchors], stride));
    const cls = d.add('sigmoid', 'addActivation', 'sigmoid', { type: 'SIGMOID' }, { input: cat('cls', scores, 2) });
    d.expansion.outputs.output = cat('output', [pixels, cls], 1);
    // state_dict order: cv2.*, cv3.*, dfl.
    const rank = (node: string) => (node.startsWith('cv2.') ? 0 : node.startsWith('cv3.') ? 1 : 2);
    d.expansion.weights = d.expansion.weights
      .map((w, i) => ({ w, i }))
      .sort((a, b) => rank(a.w.node) - rank(b.w.node) || a.i - b.i)
      .map(({ w }) => w);
    return d.expansion;
  },
  summary: (p) => `nc=${String(p.nc)} DFL`,
};

export const YoloV5Detect: CompositeSpec = {
  kind: 'composite',
  type: 'YoloV5Detect',
  category: 'Blocks',
  label: 'YOLOv5 Detect',
  aliases: [{ names: ['detect', 'yolov5 head', 'anchors', 'yolo head'] }],
  doc: "YOLOv5's Detect head, decoded: per level a 1×1 conv m.i to 3 × (5 + nc), sigmoid, xy = (2σ + grid − 0.5)·stride, wh = (2σ)²·anchor: [1, anchors, 5 + nc].",
  params: [{ name: 'nc', kind: 'int', default: 80, min: 1, doc: 'Number of classes.' }, stridesParam],
  inputs: headInputs,
  // YOLOv5s's P3–P5 (width 0.5) at a 640 input.
  exampleInputs: featureMaps([128, 256, 512]),
  outputs: [{ name: 'output', doc: '[1, 3·ΣHW, 5 + nc]: x, y, w, h in input pixels, objectness, class scores.' }],
  expand: (params: Params, inputs?: Record<string, TensorInfo>) => {
    const nc = intParam(params, 'nc');
    const no = nc + 5;
    const na = 3;
    const strides = floatsParam(params, 'strides');
    const levels = levelShapes('YOLOv5 Detect', inputs);
    const d = draftExpansion();
    // `anchors` is the state_dict buffer [3 levels, 3 anchors, 2], in grid cells (pixels / stride).
    const anchorTable = d.add('anchors', 'addConstant', 'anchors', { dimensions: [LEVELS.length, na, 2] }, {});
    const parts: ExpansionPort[] = [];
    levels.forEach(({ h, w }, i) => {
      const s = strides[i]!;
      const id = (part: string) => `m.${i}.${part}`;
      const x = d.add(id('sigmoid'), 'addActivation', id('sigmoid'), { type: 'SIGMOID' }, { input: addPlainConv(d, `m.${i}`, { input: LEVELS[i]! }, na * no) });
      // [1, na·no, h, w] → [1, na, h, w, no], as x.view(bs, na, no, ny, nx).permute(0, 1, 3, 4, 2).
      const y = d.add(id('view'), 'addShuffle', id('view'), { reshapeDimensions: [1, na, no, h, w], secondTranspose: [0, 1, 3, 4, 2] }, { input: x });
      const piece = (name: string, start: number, size: number) =>
        d.add(id(name), 'addSlice', id(name), { start: [0, 0, 0, 0, start], size: [1, na, h, w, size], stride: [1, 1, 1, 1, 1] }, { input: y });
      const grid: number[] = [];
      for (let gy = 0; gy < h; gy++) for (let gx = 0; gx < w; gx++) grid.push((gx - 0.5) * s, (gy - 0.5) * s);
      // xy·2·s + (grid − 0.5)·s
      const xy = op(
        d,
        id('xy'),
        'SUM',
        op(d, id('xy.scale'), 'PROD', piece('xy.sigmoid', 0, 2), addValues(d, id('twice_stride'), [1, 1, 1, 1, 1], [2 * s])),
        addValues(d, id('grid'), [1, 1, h, w, 2], grid),
      );
      // (2σ)²·anchor·s = σ²·(4·s·anchor)
      const anchor = d.add(id('anchor'), 'addSlice', id('anchor'), { start: [i, 0, 0], size: [1, na, 2], stride: [1, 1, 1] }, { input: anchorTable });
      const anchorPixels = d.add(id('anchor.view'), 'addShuffle', id('anchor.view'), { reshapeDimensions: [1, na, 1, 1, 2] }, { input: anchor });
      const scale = op(d, id('anchor.scale'), 'PROD', anchorPixels, addValues(d, id('four_stride'), [1, 1, 1, 1, 1], [4 * s]));
      const wh0 = piece('wh.sigmoid', 2, 2);
      const wh = op(d, id('wh'), 'PROD', op(d, id('wh.square'), 'PROD', wh0, wh0), scale);
      const decoded = d.add(id('cat'), 'addConcatenation', id('cat'), { axis: 4 }, { 'inputs.0': xy, 'inputs.1': wh, 'inputs.2': piece('conf', 4, no - 4) });
      parts.push(d.add(id('flat'), 'addShuffle', id('flat'), { reshapeDimensions: [1, na * h * w, no] }, { input: decoded }));
    });
    d.expansion.outputs.output = d.add('output', 'addConcatenation', 'output', { axis: 1 }, Object.fromEntries(parts.map((p, i) => [`inputs.${i}`, p])));
    // state_dict order: anchors (a buffer registered before m), then m.0, m.1, m.2.
    d.pass('anchors', 'weights', 'anchors');
    d.expansion.weights = [d.expansion.weights.at(-1)!, ...d.expansion.weights.slice(0, -1)];
    return d.expansion;
  },
  summary: (p) => `nc=${String(p.nc)} anchors`,
};

export const yoloHeadLayers = [YoloV8Detect, YoloV5Detect];
