/**
 * Constant folding at import: a node whose inputs are all known is computed here instead of placed
 * on the canvas. This is how the shape arithmetic PyTorch's exporters emit around Reshape
 * (Shape → Gather → Unsqueeze → Concat) and weight preparation (Transpose of an initializer) vanish.
 */
import { volume } from '../../shapes/dims.js';
import type { DataType } from '../../network/types.js';
import { hasDynamicDims, importFail, intValues, type NodeContext } from './context.js';
import { onnxDataType, type ConstTensor } from './onnx-file.js';

function make(dtype: DataType, dims: number[], values: ArrayLike<number>): ConstTensor {
  return { dtype, dims, data: dtype === 'FLOAT' ? Float32Array.from(values) : Array.from(values) };
}

/** The same values under other dims: a reshape keeps the initializer's name, since the values are untouched. */
function reshaped(t: ConstTensor, dims: number[]): ConstTensor {
  return { dtype: t.dtype, dims, data: t.data, ...(t.name ? { name: t.name } : {}) };
}

function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

/** numpy broadcasting of any number of constants through `f`. */
function broadcast(inputs: ConstTensor[], dtype: DataType, f: (...x: number[]) => number): ConstTensor {
  const rank = Math.max(...inputs.map((t) => t.dims.length));
  const padded = inputs.map((t) => [...Array<number>(rank - t.dims.length).fill(1), ...t.dims]);
  const dims = Array.from({ length: rank }, (_, i) => {
    const sizes = padded.map((d) => d[i]!).filter((d) => d !== 1);
    if (sizes.some((d) => d !== sizes[0])) importFail(`its constant inputs ${padded.map((d) => `[${d.join(', ')}]`).join(' and ')} do not broadcast`);
    return sizes[0] ?? 1;
  });
  const strides = padded.map((d) => {
    const s = stridesOf(d);
    return s.map((v, i) => (d[i] === 1 ? 0 : v));
  });
  const outStrides = stridesOf(dims);
  const total = volume(dims);
  const out = new Array<number>(total);
  const args = new Array<number>(inputs.length);
  for (let flat = 0; flat < total; flat++) {
    for (let k = 0; k < inputs.length; k++) {
      let offset = 0;
      let rest = flat;
      for (let i = 0; i < rank; i++) {
        const index = Math.floor(rest / outStrides[i]!);
        rest -= index * outStrides[i]!;
        offset += index * strides[k]![i]!;
      }
      args[k] = inputs[k]!.data[offset]!;
    }
    out[flat] = f(...args);
  }
  return make(dtype, dims, out);
}

function normaliseAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) importFail(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Values of `t` permuted: output dim i = input dim perm[i]. */
export function transposeConst(t: ConstTensor, perm: number[]): ConstTensor {
  const dims = perm.map((p) => t.dims[p]!);
  const inStrides = stridesOf(t.dims);
  const outStrides = stridesOf(dims);
  const total = volume(dims);
  const out = t.dtype === 'FLOAT' ? new Float32Array(total) : new Array<number>(total);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let offset = 0;
    for (let i = 0; i < dims.length; i++) {
      const index = Math.floor(rest / outStrides[i]!);
      rest -= index * outStrides[i]!;
      offset += index * inStrides[perm[i]!]!;
    }
    out[flat] = t.data[offset]!;
  }
  return { dtype: t.dtype, dims, data: out, transposeOf: { source: t, perm } };
}

/** Take `count` elements at `start` (with `step`) along `axis`. */
function takeAlong(t: ConstTensor, axis: number, indices: number[]): ConstTensor {
  const dims = [...t.dims];
  const outer = volume(dims.slice(0, axis));
  const inner = volume(dims.slice(axis + 1));
  const extent = dims[axis]!;
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const i of indices) {
      const base = (o * extent + i) * inner;
      for (let k = 0; k < inner; k++) out.push(t.data[base + k]!);
    }
  dims[axis] = indices.length;
  return make(t.dtype, dims, out);
}

/** ONNX Slice's clamped start/end per axis → the indices it reads. */
export function sliceIndices(extent: number, start: number, end: number, step: number): number[] {
  if (step === 0) importFail('a Slice step is 0');
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + extent : start;
  let e = end < 0 ? end + extent : end;
  if (step > 0) {
    s = clamp(s, 0, extent);
    e = clamp(e, 0, extent);
  } else {
    s = clamp(s, -1, extent - 1);
    e = clamp(e, -1, extent - 1);
  }
  const out: number[] = [];
  for (let i = s; step > 0 ? i < e : i > e; i += step) out.push(i);
  return out;
}

/** The axes/starts/ends/steps of a Slice, from attributes (opset < 10) or inputs. */
export function sliceSpec(ctx: NodeContext, rank: number): { axes: number[]; starts: number[]; ends: number[]; steps: number[] } {
  let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
  if (ctx.opset < 10) {
    starts = ctx.ints('starts') ?? [];
    ends = ctx.ints('ends') ?? [];
    axes = ctx.ints('axes');
  } else {
    starts = intValues(ctx.constant(1, 'starts'));
    ends = intValues(ctx.constant(2, 'ends'));
    const a = ctx.optionalConstant(3, 'axes');
    const s = ctx.optionalConstant(4, 'steps');
    axes = a && intValues(a);
    steps = s && intValues(s);
  }
  axes = (axes ?? starts.map((_, i) => i)).map((a) => normaliseAxis(a, rank));
  // int64 limits (±2^63) come through as huge doubles; clamping handles them.
  return { axes, starts, ends, steps: steps ?? starts.map(() => 1) };
}

function axesInput(ctx: NodeContext, index: number, attrOpset: number): number[] | undefined {
  if (ctx.opset < attrOpset) return ctx.ints('axes');
  const c = ctx.optionalConstant(index, 'axes');
  return c && intValues(c);
}

/** Unsqueeze's output dims. */
export function unsqueezeDims(dims: readonly number[], axes: readonly number[]): number[] {
  const rank = dims.length + axes.length;
  const set = new Set(axes.map((a) => normaliseAxis(a, rank)));
  const rest = [...dims];
  return Array.from({ length: rank }, (_, i) => (set.has(i) ? 1 : rest.shift()!));
}

/** ONNX Reshape's target dims for known input dims (0 copies unless allowzero, -1 inferred). */
export function reshapeTarget(input: readonly number[], shape: readonly number[], allowZero: boolean): number[] {
  const out = shape.map((d, i) => (d === 0 && !allowZero ? input[i]! : d));
  const unknown = out.indexOf(-1);
  if (unknown >= 0) {
    const known = out.filter((_, i) => i !== unknown).reduce((a, d) => a * d, 1);
    out[unknown] = known === 0 ? 0 : volume(input) / known;
  }
  if (volume(out) !== volume(input) || out.some((d) => !Number.isInteger(d) || d < 0))
    importFail(`it reshapes [${input.join(', ')}] to [${shape.join(', ')}], which does not keep the element count`);
  return out;
}

const BINARY: Record<string, (a: number, b: number, integer: boolean) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  // Integer Div truncates toward zero (ONNX Runtime's int64 division).
  Div: (a, b, integer) => (integer ? Math.trunc(a / b) : a / b),
  Pow: (a, b) => a ** b,
  Mod: (a, b) => a - b * Math.floor(a / b),
  Max: (a, b) => Math.max(a, b),
  Min: (a, b) => Math.min(a, b),
};
const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  Equal: (a, b) => a === b,
  Less: (a, b) => a < b,
  Greater: (a, b) => a > b,
  LessOrEqual: (a, b) => a <= b,
  GreaterOrEqual: (a, b) => a >= b,
  And: (a, b) => a !== 0 && b !== 0,
  Or: (a, b) => a !== 0 || b !== 0,
  Xor: (a, b) => (a !== 0) !== (b !== 0),
};
const UNARY: Record<string, (x: number) => number> = {
  Neg: (x) => -x,
  Abs: Math.abs,
  Sqrt: Math.sqrt,
  Floor: Math.floor,
  Ceil: Math.ceil,
  Reciprocal: (x) => 1 / x,
  Exp: Math.exp,
  Log: Math.log,
  Relu: (x) => Math.max(0, x),
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Tanh: Math.tanh,
  Not: (x) => (x ? 0 : 1),
};

/** Ops that only move values, so a dynamic dimension's stand-in passes through them unchanged. */
const MOVES_VALUES = new Set(['Identity', 'Gather', 'Concat', 'Unsqueeze', 'Squeeze', 'Slice', 'Cast', 'Reshape', 'Flatten']);

/**
 * Compute a node whose inputs are all constants, or return undefined when this op is not folded
 * here (the importer then places it on the canvas).
 */
export function foldNode(ctx: NodeContext, inputs: ConstTensor[]): ConstTensor[] | undefined {
  const op = ctx.node.opType;
  if (inputs.some(hasDynamicDims) && !MOVES_VALUES.has(op))
    importFail(
      `it computes with a dynamic input dimension (read by Shape), which is not known at import time; only Gather, Concat, Unsqueeze, Squeeze, Slice, Cast and Reshape may carry it to a Reshape`,
    );
  const [a, b] = inputs;
  if (BINARY[op] && a && b) {
    const integer = a.dtype !== 'FLOAT';
    return [broadcast([a, b], a.dtype, (x, y) => BINARY[op]!(x!, y!, integer))];
  }
  if (COMPARE[op] && a && b) return [broadcast([a, b], 'BOOL', (x, y) => (COMPARE[op]!(x!, y!) ? 1 : 0))];
  if (UNARY[op] && a) return [broadcast([a], a.dtype, UNARY[op])];
  switch (op) {
    case 'Identity':
    case 'Dropout':
      return [a!];
    case 'Cast': {
      const to = onnxDataType(ctx.int('to', 1));
      if (!to) importFail(`it casts to the ONNX type ${ctx.int('to', 1)}, which cannot be imported`);
      const cast = (x: number) => (to === 'FLOAT' ? x : to === 'BOOL' ? (x ? 1 : 0) : Math.trunc(x));
      return [make(to === 'HALF' || to === 'BF16' ? 'FLOAT' : to, [...a!.dims], Array.from(a!.data, cast))];
    }
    case 'Where':
      return [broadcast([a!, b!, inputs[2]!], b!.dtype, (c, x, y) => (c ? x! : y!))];
    case 'Shape':
      return [make('INT64', [a!.dims.length], a!.dims)];
    case 'Size':
      return [make('INT64', [], [volume(a!.dims)])];
    case 'Reshape': {
      const shape = ctx.opset < 5 ? (ctx.ints('shape') ?? []) : intValues(b!);
      return [reshaped(a!, reshapeTarget(a!.dims, shape, ctx.int('allowzero', 0) === 1))];
    }
    case 'Flatten': {
      const axis = ctx.int('axis', 1);
      const k = axis < 0 ? axis + a!.dims.length : axis;
      return [reshaped(a!, [volume(a!.dims.slice(0, k)), volume(a!.dims.slice(k))])];
    }
    case 'Unsqueeze': {
      const axes = axesInput(ctx, 1, 13) ?? importFail('it has no axes');
      return [reshaped(a!, unsqueezeDims(a!.dims, axes))];
    }
    case 'Squeeze': {
      const axes = axesInput(ctx, 1, 13)?.map((x) => normaliseAxis(x, a!.dims.length));
      return [
        reshaped(
          a!,
          a!.dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)),
        ),
      ];
    }
    case 'Transpose': {
      const perm = ctx.ints('perm') ?? a!.dims.map((_, i) => a!.dims.length - 1 - i);
      return [transposeConst(a!, perm)];
    }
    case 'Concat': {
      const rank = a!.dims.length;
      const axis = normaliseAxis(ctx.int('axis', 0), rank);
      const parts = inputs.filter((t) => volume(t.dims) > 0 || t.dims.length === rank);
      const outer = volume(a!.dims.slice(0, axis));
      const out: number[] = [];
      for (let o = 0; o < outer; o++)
        for (const t of parts) {
          const chunk = volume(t.dims.slice(axis));
          for (let k = 0; k < chunk; k++) out.push(t.data[o * chunk + k]!);
        }
      const dims = [...a!.dims];
      dims[axis] = parts.reduce((s, t) => s + t.dims[axis]!, 0);
      return [make(a!.dtype, dims, out)];
    }
    case 'Gather': {
      const axis = normaliseAxis(ctx.int('axis', 0), a!.dims.length);
      const indices = intValues(b!).map((i) => (i < 0 ? i + a!.dims[axis]! : i));
      const taken = takeAlong(a!, axis, indices);
      return [{ ...taken, dims: [...a!.dims.slice(0, axis), ...b!.dims, ...a!.dims.slice(axis + 1)] }];
    }
    case 'Slice': {
      let t = a!;
      const spec = sliceSpec(ctx, t.dims.length);
      spec.axes.forEach((axis, i) => {
        t = takeAlong(t, axis, sliceIndices(t.dims[axis]!, spec.starts[i]!, spec.ends[i]!, spec.steps[i]!));
      });
      return [t];
    }
    case 'ConstantOfShape': {
      const dims = intValues(a!);
      const value = ctx.attr('value') as ConstTensor | undefined;
      const dtype = value?.dtype ?? 'FLOAT';
      return [make(dtype, dims, new Array<number>(volume(dims)).fill(value ? value.data[0]! : 0))];
    }
    case 'Range': {
      const [start, limit, delta] = inputs.map((t) => t.data[0]!) as [number, number, number];
      const n = Math.max(Math.ceil((limit - start) / delta), 0);
      return [
        make(
          a!.dtype,
          [n],
          Array.from({ length: n }, (_, i) => start + i * delta),
        ),
      ];
    }
    case 'Expand': {
      const shape = intValues(b!);
      const ones = make(a!.dtype, shape, new Array<number>(volume(shape)).fill(0));
      return [broadcast([a!, ones], a!.dtype, (x) => x!)];
    }
    default:
      return undefined;
  }
}
