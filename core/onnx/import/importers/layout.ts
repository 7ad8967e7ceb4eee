// Importers that move, select or resample elements, and the ones that only name values (Constant, Identity, Shape).
import { formatDims, volume } from '../../../shapes/dims.js';
import {
  DYNAMIC_DIM,
  StaticDimsError,
  dimsOf,
  dynamicDimAxis,
  importFail,
  intValues,
  type GraphTensor,
  type NodeContext,
  type OpImporter,
} from '../context.js';
import { reshapeTarget, sliceIndices, sliceSpec, unsqueezeDims } from '../fold.js';
import type { ConstTensor } from '../onnx-file.js';

function normalise(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) importFail(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

function requireStatic(x: GraphTensor, what: string): number[] {
  if (x.info.dims.some((d) => d < 0))
    throw new StaticDimsError(`${what} a tensor with dynamic dimensions ${formatDims(x.info.dims)}, which needs static dimensions here`);
  return x.info.dims;
}

/** An addSlice reading `indices` (an arithmetic progression) along one axis, everything along the others. */
function sliceAxis(ctx: NodeContext, x: GraphTensor, axis: number, start: number, count: number, step: number, suffix: string): GraphTensor {
  const dims = requireStatic(x, 'it slices');
  const startList = dims.map((_, i) => (i === axis ? start : 0));
  const size = dims.map((d, i) => (i === axis ? count : d));
  const stride = dims.map((_, i) => (i === axis ? step : 1));
  return ctx.layer1('addSlice', suffix, { start: startList, size, stride, mode: 'STRICT_BOUNDS' }, { input: x });
}

/** Indices as (start, step) when they form an arithmetic progression. */
function progression(indices: number[]): { start: number; step: number } | undefined {
  const step = indices.length > 1 ? indices[1]! - indices[0]! : 1;
  return indices.every((v, i) => v === indices[0]! + i * step) ? { start: indices[0]!, step } : undefined;
}

function gather(ctx: NodeContext): void {
  const data = ctx.input(0);
  const indicesValue = ctx.input(1);
  const axis = normalise(ctx.int('axis', 0), dimsOf(data).length);
  if (indicesValue.kind === 'tensor') {
    // A table looked up by computed indices (an embedding): TensorRT's Gather in DEFAULT mode.
    const y = ctx.layer1('addGatherV2', 'gather', { mode: 'DEFAULT', axis, nbElementWiseDims: 0 }, { data: ctx.tensor(data, 'data'), indices: indicesValue });
    return ctx.output(0, y);
  }
  // Constant indices on a computed tensor: slices, since our constants are FLOAT only.
  const x = ctx.tensor(data);
  const extent = x.info.dims[axis]!;
  const c = indicesValue.tensor;
  if (c.dims.length > 1) importFail(`its constant indices ${formatDims(c.dims)} have rank ${c.dims.length}; 0-D and 1-D indices are imported`);
  const indices = intValues(c).map((i) => (i < 0 ? i + extent : i));
  const run = progression(indices);
  let y: GraphTensor;
  if (run && run.step > 0) y = sliceAxis(ctx, x, axis, run.start, indices.length, run.step, 'slice');
  else {
    const parts = indices.map((i, k) => sliceAxis(ctx, x, axis, i, 1, 1, `slice${k}`));
    y = parts.length === 1 ? parts[0]! : ctx.layer1('addConcatenation', 'concat', { axis }, Object.fromEntries(parts.map((p, k) => [`inputs.${k}`, p])));
  }
  if (c.dims.length === 0) y = ctx.layer1('addSqueeze', 'squeeze', { axes: [axis] }, { input: y });
  ctx.output(0, y);
}

function split(ctx: NodeContext): void {
  const x = ctx.tensor(ctx.input(0));
  const rank = x.info.dims.length;
  const axis = normalise(ctx.int('axis', 0), rank);
  const extent = x.info.dims[axis]!;
  if (extent < 0) importFail('it splits a dynamic dimension');
  const outputs = ctx.node.outputs.length;
  const listed = ctx.opset < 13 ? ctx.ints('split') : ((c) => c && intValues(c))(ctx.optionalConstant(1, 'split'));
  const chunk = Math.ceil(extent / outputs);
  const sizes = listed ?? Array.from({ length: outputs }, (_, i) => Math.min(chunk, extent - i * chunk));
  if (sizes.reduce((a, b) => a + b, 0) !== extent) importFail(`its split sizes [${sizes.join(', ')}] do not add up to the axis extent ${extent}`);
  let start = 0;
  sizes.forEach((size, i) => {
    ctx.output(i, sliceAxis(ctx, x, axis, start, size, 1, `split${i}`));
    start += size;
  });
}

function slice(ctx: NodeContext): void {
  let x = ctx.tensor(ctx.input(0));
  const dims = requireStatic(x, 'it slices');
  const spec = sliceSpec(ctx, dims.length);
  const start = dims.map(() => 0);
  const size = [...dims];
  const stride = dims.map(() => 1);
  spec.axes.forEach((axis, i) => {
    const indices = sliceIndices(dims[axis]!, spec.starts[i]!, spec.ends[i]!, spec.steps[i]!);
    if (indices.length === 0) importFail(`it selects nothing along axis ${axis}`);
    start[axis] = indices[0]!;
    size[axis] = indices.length;
    stride[axis] = spec.steps[i]!;
  });
  x = ctx.layer1('addSlice', 'slice', { start, size, stride, mode: 'STRICT_BOUNDS' }, { input: x });
  ctx.output(0, x);
}

/**
 * A Reshape target with dynamic dimensions read by Shape (PyTorch's `x.view(x.size(0), -1)`): one
 * that stays at its axis is TensorRT's 0 (copy), and one other unknown may be the inferred -1.
 */
function resolveDynamicDims(x: GraphTensor, shape: number[], allowZero: boolean): number[] {
  let inferred = shape.includes(-1);
  return shape.map((v, i) => {
    const axis = dynamicDimAxis(v);
    if (axis === undefined) return v;
    if (axis === i && x.info.dims[i]! < 0 && !allowZero) return 0;
    if (inferred) importFail(`its target shape has more than one dimension that is not known at import time`);
    inferred = true;
    return -1;
  });
}

function reshape(ctx: NodeContext): void {
  const x = ctx.tensor(ctx.input(0));
  const allowZero = ctx.int('allowzero', 0) === 1;
  const shape = resolveDynamicDims(x, ctx.opset < 5 ? (ctx.ints('shape') ?? []) : intValues(ctx.constant(1, 'shape', true)), allowZero);
  // With static input dims the target is resolved here, so the canvas shows the real dims.
  const target = x.info.dims.every((d) => d >= 0) ? reshapeTarget(x.info.dims, shape, allowZero) : shape;
  ctx.output(0, ctx.layer1('addShuffle', 'reshape', { reshapeDimensions: target, zeroIsPlaceholder: !allowZero }, { input: x }));
}

function flatten(ctx: NodeContext): void {
  const x = ctx.tensor(ctx.input(0));
  const dims = x.info.dims;
  const axis = ctx.int('axis', 1) < 0 ? ctx.int('axis', 1) + dims.length : ctx.int('axis', 1);
  const before = dims.slice(0, axis);
  const after = dims.slice(axis);
  let target: number[];
  if (before.every((d) => d >= 0)) target = [volume(before), -1];
  else if (axis === 1) target = [0, -1];
  else if (after.every((d) => d >= 0)) target = [-1, volume(after)];
  else importFail(`it flattens ${formatDims(dims)} at axis ${axis}, which has dynamic dimensions on both sides`);
  ctx.output(0, ctx.layer1('addShuffle', 'flatten', { reshapeDimensions: target }, { input: x }));
}

function squeezeAxes(ctx: NodeContext): number[] | undefined {
  if (ctx.opset < 13) return ctx.ints('axes');
  const c = ctx.optionalConstant(1, 'axes');
  return c && intValues(c);
}

function pad(ctx: NodeContext): void {
  const x = ctx.tensor(ctx.input(0));
  const rank = x.info.dims.length;
  const mode = ctx.string('mode', 'constant');
  if (mode !== 'constant') importFail(`its mode is '${mode}'; TensorRT's padding layer pads with zeros (mode 'constant')`);
  const pads = ctx.opset < 11 ? (ctx.ints('pads') ?? []) : intValues(ctx.constant(1, 'pads'));
  const value = ctx.opset < 11 ? ctx.float('value', 0) : (ctx.optionalConstant(2, 'constant_value')?.data[0] ?? 0);
  if (value !== 0) importFail(`it pads with ${value}; TensorRT's padding layer pads with 0`);
  if (ctx.optional(3)) importFail('its axes input is not imported; list pads for every axis');
  const begin = pads.slice(0, rank);
  const end = pads.slice(rank);
  if (rank < 4 || [...begin.slice(0, rank - 2), ...end.slice(0, rank - 2)].some((p) => p !== 0))
    importFail(`it pads [${pads.join(', ')}] on a rank-${rank} tensor; TensorRT's padding layer pads the last two of at least four dimensions`);
  ctx.output(0, ctx.layer1('addPaddingNd', 'pad', { prePadding: begin.slice(rank - 2), postPadding: end.slice(rank - 2) }, { input: x }));
}

const COORDINATE_MODES: Record<string, string> = {
  half_pixel: 'HALF_PIXEL',
  pytorch_half_pixel: 'HALF_PIXEL',
  align_corners: 'ALIGN_CORNERS',
  asymmetric: 'ASYMMETRIC',
};
const NEAREST_MODES: Record<string, string> = { round_prefer_floor: 'HALF_DOWN', round_prefer_ceil: 'HALF_UP', floor: 'FLOOR', ceil: 'CEIL' };

function resize(ctx: NodeContext, upsample: boolean): void {
  const x = ctx.tensor(ctx.input(0));
  const mode = ctx.string('mode', 'nearest');
  const resizeMode = { nearest: 'NEAREST', linear: 'LINEAR', bilinear: 'LINEAR', cubic: 'CUBIC' }[mode];
  if (!resizeMode) importFail(`its mode is '${mode}'; expected nearest, linear or cubic`);
  // Upsample and Resize-10 map coordinates asymmetrically; Resize-11 on defaults to half_pixel.
  const transform = upsample || ctx.opset < 11 ? 'asymmetric' : ctx.string('coordinate_transformation_mode', 'half_pixel');
  const coordinateTransformation = COORDINATE_MODES[transform];
  if (!coordinateTransformation) importFail(`its coordinate_transformation_mode is '${transform}', which TensorRT's resize has no mode for`);
  const nearest = upsample || ctx.opset < 11 ? 'floor' : ctx.string('nearest_mode', 'round_prefer_floor');
  const nearestRounding = NEAREST_MODES[nearest];
  if (!nearestRounding) importFail(`its nearest_mode is '${nearest}'`);
  if (ctx.ints('axes')) importFail('its axes attribute is not imported; give scales or sizes for every axis');
  if (ctx.string('keep_aspect_ratio_policy', 'stretch') !== 'stretch') importFail('its keep_aspect_ratio_policy is not stretch');
  let scales: number[] = [];
  let outputDimensions: number[] = [];
  if (upsample) scales = ctx.opset < 9 ? (ctx.attr('scales') as number[]) : Array.from(ctx.constant(1, 'scales').data);
  else if (ctx.opset < 11) scales = Array.from(ctx.constant(1, 'scales').data);
  else {
    const s = ctx.optionalConstant(2, 'scales');
    const sizes = ctx.optionalConstant(3, 'sizes');
    if (s && s.data.length > 0) scales = Array.from(s.data);
    else if (sizes) outputDimensions = intValues(sizes);
    else importFail('it has neither scales nor sizes');
  }
  // pytorch_half_pixel maps a one-pixel output to input coordinate 0: TensorRT's UPPER selector.
  const selectorForSinglePixel = transform === 'pytorch_half_pixel' ? 'UPPER' : 'FORMULA';
  const params = {
    resizeMode,
    coordinateTransformation,
    nearestRounding,
    selectorForSinglePixel,
    cubicCoeff: ctx.float('cubic_coeff_a', -0.75),
    excludeOutside: ctx.int('exclude_outside', 0) === 1,
    scales,
    outputDimensions,
  };
  ctx.output(0, ctx.layer1('addResize', 'resize', params, { input: x }));
}

/** Shape of a tensor with static dims, as an INT64 constant (opset 15's start and end slice it). */
function shape(ctx: NodeContext): void {
  const v = ctx.input(0);
  // A dynamic dimension is folded as its stand-in; see DYNAMIC_DIM.
  const dims = dimsOf(v).map((d, i) => (d < 0 ? DYNAMIC_DIM + i : d));
  const rank = dims.length;
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + rank : i, 0), rank);
  const picked = dims.slice(clamp(ctx.int('start', 0)), clamp(ctx.int('end', rank)));
  ctx.output(0, { kind: 'constant', tensor: { dtype: 'INT64', dims: [picked.length], data: picked } });
}

function constant(ctx: NodeContext): void {
  const t = ctx.attr('value');
  const floats = ctx.attr('value_floats') ?? ctx.attr('value_float');
  const ints = ctx.attr('value_ints') ?? ctx.attr('value_int');
  let c: ConstTensor;
  if (t && typeof t === 'object' && !Array.isArray(t)) c = { ...t, name: ctx.node.outputs[0]! };
  else if (floats !== undefined)
    c = Array.isArray(floats)
      ? { dtype: 'FLOAT', dims: [floats.length], data: Float32Array.from(floats as number[]) }
      : { dtype: 'FLOAT', dims: [], data: Float32Array.of(floats as number) };
  else if (ints !== undefined)
    c = Array.isArray(ints) ? { dtype: 'INT64', dims: [ints.length], data: ints as number[] } : { dtype: 'INT64', dims: [], data: [ints as number] };
  else importFail('it has no value attribute that can be imported (value, value_float(s), value_int(s))');
  ctx.output(0, { kind: 'constant', tensor: c });
}

export const LAYOUT_IMPORTERS: Record<string, OpImporter> = {
  Identity: (ctx) => ctx.output(0, ctx.input(0)),
  Dropout: (ctx) => {
    if (ctx.node.outputs[1]) importFail('its mask output is used; inference Dropout has none');
    ctx.output(0, ctx.input(0));
  },
  Constant: constant,
  Shape: shape,
  Size: (ctx) => {
    const dims = dimsOf(ctx.input(0));
    if (dims.some((d) => d < 0)) importFail(`it counts the elements of ${formatDims(dims)}, which has dynamic dimensions`);
    ctx.output(0, { kind: 'constant', tensor: { dtype: 'INT64', dims: [], data: [volume(dims)] } });
  },
  Concat: (ctx) => {
    // Empty inputs (a 0 extent) add nothing and TensorRT refuses them; a dynamic extent (-1) is not empty.
    const inputs = ctx.node.inputs.map((_, i) => ctx.input(i)).filter((v) => !dimsOf(v).includes(0));
    const rank = dimsOf(inputs[0]!).length;
    const wires = Object.fromEntries(inputs.map((v, i) => [`inputs.${i}`, ctx.tensor(v, `input${i}`)]));
    ctx.output(0, ctx.layer1('addConcatenation', 'concat', { axis: normalise(ctx.int('axis', 0), rank) }, wires));
  },
  Split: split,
  Slice: slice,
  Gather: gather,
  Reshape: reshape,
  Flatten: flatten,
  Transpose: (ctx) => {
    const x = ctx.tensor(ctx.input(0));
    const perm = ctx.ints('perm') ?? x.info.dims.map((_, i) => x.info.dims.length - 1 - i);
    ctx.output(0, ctx.layer1('addShuffle', 'transpose', { firstTranspose: perm }, { input: x }));
  },
  Squeeze: (ctx) => {
    const x = ctx.tensor(ctx.input(0));
    let axes = squeezeAxes(ctx);
    if (!axes) {
      requireStatic(x, 'it squeezes every size-1 axis of');
      axes = x.info.dims.flatMap((d, i) => (d === 1 ? [i] : []));
    }
    ctx.output(0, axes.length === 0 ? x : ctx.layer1('addSqueeze', 'squeeze', { axes }, { input: x }));
  },
  Unsqueeze: (ctx) => {
    const x = ctx.tensor(ctx.input(0));
    const axes = squeezeAxes(ctx) ?? importFail('it has no axes');
    unsqueezeDims(x.info.dims, axes);
    ctx.output(0, ctx.layer1('addUnsqueeze', 'unsqueeze', { axes }, { input: x }));
  },
  // Expand: a slice with stride 0 along the broadcast axes, as onnx-tensorrt does.
  Expand: (ctx) => {
    const target = intValues(ctx.constant(1, 'shape'));
    const rank = Math.max(target.length, dimsOf(ctx.input(0)).length);
    const x = ctx.tensor(ctx.withRank(ctx.input(0), rank, 'input'));
    const dims = requireStatic(x, 'it expands');
    const full = [...new Array<number>(rank - target.length).fill(1), ...target];
    const size = dims.map((d, i) => (d === 1 ? full[i]! : d));
    const stride = dims.map((d, i) => (d === 1 && full[i]! !== 1 ? 0 : 1));
    ctx.output(0, ctx.layer1('addSlice', 'expand', { start: dims.map(() => 0), size, stride, mode: 'STRICT_BOUNDS' }, { input: x }));
  },
  Tile: (ctx) => {
    let x = ctx.tensor(ctx.input(0));
    const repeats = intValues(ctx.constant(1, 'repeats'));
    repeats.forEach((r, axis) => {
      if (r === 1) return;
      const wires = Object.fromEntries(Array.from({ length: r }, (_, i) => [`inputs.${i}`, x]));
      x = ctx.layer1('addConcatenation', `tile${axis}`, { axis }, wires);
    });
    ctx.output(0, x);
  },
  Pad: pad,
  Resize: (ctx) => resize(ctx, false),
  Upsample: (ctx) => resize(ctx, true),
};

/** Ops imported only when their inputs are known, which constant folding computes. */
export const FOLDED_ONLY = ['ConstantOfShape', 'Range', 'Mod'];
