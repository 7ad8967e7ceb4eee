/**
 * `TrtProgram` → ONNX model (opset 18) that computes exactly what TensorRT computes: one translator
 * per TensorRT op in TRANSLATORS. Padding modes become explicit pads, TensorRT-only formulas
 * (SOFTPLUS/SCALED_TANH alpha and beta, MAX_AVERAGE_BLEND, scale's power, matmul VECTOR) are
 * composed from ONNX ops, and anything that cannot be expressed exactly is a Diagnostic.
 */
import { error, type Diagnostic, type Result } from '../diagnostics.js';
import type { TensorInfo } from '../layers/types.js';
import type { DataType, ParamValue } from '../network/types.js';
import type { ProgramOp, ProgramWeightData, TrtProgram } from '../program/types.js';
import {
  encodeModel,
  ONNX_BFLOAT16,
  ONNX_BOOL,
  ONNX_FLOAT,
  ONNX_FLOAT16,
  ONNX_INT32,
  ONNX_INT64,
  ONNX_INT8,
  ONNX_UINT8,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from './model.js';

export const ONNX_OPSET = 18;
/** IR version 8 is the one that goes with opset 18. */
const ONNX_IR_VERSION = 8;

const ELEMENT_TYPES: Partial<Record<DataType, number>> = {
  FLOAT: ONNX_FLOAT,
  HALF: ONNX_FLOAT16,
  BF16: ONNX_BFLOAT16,
  INT8: ONNX_INT8,
  UINT8: ONNX_UINT8,
  INT32: ONNX_INT32,
  INT64: ONNX_INT64,
  BOOL: ONNX_BOOL,
};

/** A layer that cannot be translated; becomes a Diagnostic on its node. */
class TranslateError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** What a translator may do: read its op, add nodes and initializers, name intermediate tensors. */
export interface TranslateContext {
  readonly op: ProgramOp;
  /** The tensor name wired to an input port, or undefined when an optional port is unconnected. */
  input(port: string): string;
  optionalInput(port: string): string | undefined;
  /** Dims and type of the tensor on an input port. */
  inputInfo(port: string): TensorInfo;
  /** The name of an output port's tensor. */
  output(port: string): string;
  /** A fresh intermediate tensor name inside this layer. */
  temp(suffix: string): string;
  /** Add a node; the first node of a layer gets the layer's name, later ones `<layer>/<suffix>`. */
  node(opType: string, inputs: string[], outputs: string[], attributes?: OnnxAttribute[]): void;
  /** The initializer holding a bound weight slot, in the given dims (default: the weight's own shape). */
  weight(slot: string, dims?: readonly number[]): string | undefined;
  /** A constant initializer of this layer. */
  floats(suffix: string, values: readonly number[], dims?: readonly number[]): string;
  int64s(suffix: string, values: readonly number[], dims?: readonly number[]): string;
  bools(suffix: string, values: Uint8Array, dims: readonly number[]): string;
  /** Report that the layer cannot be expressed exactly in ONNX. */
  fail(message: string, field?: string): never;
}

export type OpTranslator = (ctx: TranslateContext) => void;

function ints(params: Record<string, ParamValue>, name: string): number[] {
  return params[name] as number[];
}
function num(params: Record<string, ParamValue>, name: string): number {
  return params[name] as number;
}
function str(params: Record<string, ParamValue>, name: string): string {
  return params[name] as string;
}
function bool(params: Record<string, ParamValue>, name: string): boolean {
  return params[name] as boolean;
}

const attr = {
  int: (name: string, value: number): OnnxAttribute => ({ name, kind: 'int', value }),
  float: (name: string, value: number): OnnxAttribute => ({ name, kind: 'float', value }),
  ints: (name: string, value: readonly number[]): OnnxAttribute => ({ name, kind: 'ints', value }),
  string: (name: string, value: string): OnnxAttribute => ({ name, kind: 'string', value }),
};

/**
 * ONNX begin/end pads that give TensorRT's output size for a window op along each spatial dim:
 * SAME modes split the total padding (the odd pixel at the end for SAME_UPPER, at the start for
 * SAME_LOWER); EXPLICIT_ROUND_UP adds the padding the rounded-up last window needs at the end.
 */
function windowPads(
  ctx: TranslateContext,
  spatial: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
  pre: readonly number[],
  post: readonly number[],
  mode: string,
): { begin: number[]; end: number[] } {
  if (mode === 'EXPLICIT_ROUND_DOWN') return { begin: [...pre], end: [...post] };
  const begin: number[] = [];
  const end: number[] = [];
  spatial.forEach((size, i) => {
    if (size < 0) ctx.fail(`padding mode ${mode} needs static spatial dimensions to compute explicit ONNX pads; got a dynamic dimension ${i}`, 'paddingMode');
    const dk = 1 + dilation[i]! * (kernel[i]! - 1);
    const s = stride[i]!;
    if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER') {
      const out = Math.ceil(size / s);
      const total = Math.max((out - 1) * s + dk - size, 0);
      const small = Math.floor(total / 2);
      begin.push(mode === 'SAME_UPPER' ? small : total - small);
      end.push(mode === 'SAME_UPPER' ? total - small : small);
    } else {
      const span = size + pre[i]! + post[i]! - dk;
      const out = Math.ceil(span / s) + 1;
      begin.push(pre[i]!);
      end.push(post[i]! + Math.max(0, (out - 1) * s + dk - (size + pre[i]! + post[i]!)));
    }
  });
  return { begin, end };
}

function convolution(ctx: TranslateContext, transposed: boolean): void {
  const p = ctx.op.params;
  const input = ctx.inputInfo('input');
  const kernel = ints(p, 'kernelSize');
  const stride = ints(p, 'stride');
  const dilation = ints(p, 'dilation');
  const mode = str(p, 'paddingMode');
  let begin = ints(p, 'prePadding');
  let end = ints(p, 'postPadding');
  if (!transposed) ({ begin, end } = windowPads(ctx, input.dims.slice(2), kernel, stride, dilation, begin, end, mode));
  else if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER')
    ctx.fail(
      `deconvolution with padding mode ${mode} is not translated: TensorRT does not document how it splits that padding; use EXPLICIT_ROUND_DOWN with explicit pre/post padding`,
      'paddingMode',
    );
  const w = ctx.weight('kernel');
  if (!w) ctx.fail('the kernel weights are not bound', 'kernel');
  const b = ctx.weight('bias');
  ctx.node(
    transposed ? 'ConvTranspose' : 'Conv',
    b ? [ctx.input('input'), w, b] : [ctx.input('input'), w],
    [ctx.output('output')],
    [
      attr.ints('kernel_shape', kernel),
      attr.ints('strides', stride),
      attr.ints('dilations', dilation),
      attr.ints('pads', [...begin, ...end]),
      attr.int('group', num(p, 'nbGroups')),
    ],
  );
}

function pooling(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const input = ctx.inputInfo('input');
  const window = ints(p, 'windowSize');
  const stride = ints(p, 'stride');
  const pre = ints(p, 'prePadding');
  const post = ints(p, 'postPadding');
  const mode = str(p, 'paddingMode');
  const type = str(p, 'type');
  const ones = window.map(() => 1);
  const { begin, end } = windowPads(ctx, input.dims.slice(2), window, stride, ones, pre, post, mode);
  end.forEach((e, i) => {
    if (e >= window[i]! || begin[i]! >= window[i]!)
      ctx.fail(
        `the padding this window needs (${begin.join(',')}/${end.join(',')}) is not smaller than the window ${window.join('×')}, which ONNX pooling does not allow`,
        'windowSize',
      );
  });
  const excludes = bool(p, 'averageCountExcludesPadding');
  const roundUpExtra = mode === 'EXPLICIT_ROUND_UP' && end.some((e, i) => e !== post[i]);
  const common = [attr.ints('kernel_shape', window), attr.ints('strides', stride)];
  // Padding is excluded from the average either way; when it counts, the rounded-up overhang must not (ceil_mode does that).
  const averageAttributes =
    !excludes && roundUpExtra
      ? [...common, attr.ints('pads', [...pre, ...post]), attr.int('ceil_mode', 1), attr.int('count_include_pad', 1)]
      : [...common, attr.ints('pads', [...begin, ...end]), attr.int('count_include_pad', excludes ? 0 : 1)];
  const maxAttributes = [...common, attr.ints('pads', [...begin, ...end])];
  if (type === 'MAX') ctx.node('MaxPool', [ctx.input('input')], [ctx.output('output')], maxAttributes);
  else if (type === 'AVERAGE') ctx.node('AveragePool', [ctx.input('input')], [ctx.output('output')], averageAttributes);
  else {
    const blend = num(p, 'blendFactor');
    const max = ctx.temp('max');
    const avg = ctx.temp('average');
    ctx.node('MaxPool', [ctx.input('input')], [max], maxAttributes);
    ctx.node('AveragePool', [ctx.input('input')], [avg], averageAttributes);
    const maxPart = ctx.temp('max_part');
    const avgPart = ctx.temp('average_part');
    ctx.node('Mul', [max, ctx.floats('one_minus_blend', [1 - blend], [])], [maxPart]);
    ctx.node('Mul', [avg, ctx.floats('blend', [blend], [])], [avgPart]);
    ctx.node('Add', [maxPart, avgPart], [ctx.output('output')]);
  }
}

/** y = a·f(b·x), skipping the multiplications by exactly 1. */
function scaledUnary(ctx: TranslateContext, opType: string, a: number, b: number): void {
  let x = ctx.input('input');
  if (b !== 1) {
    const scaled = ctx.temp('scaled_input');
    ctx.node('Mul', [x, ctx.floats('beta', [b], [])], [scaled]);
    x = scaled;
  }
  if (a === 1) {
    ctx.node(opType, [x], [ctx.output('output')]);
    return;
  }
  const inner = ctx.temp(opType.toLowerCase());
  ctx.node(opType, [x], [inner]);
  ctx.node('Mul', [inner, ctx.floats('alpha', [a], [])], [ctx.output('output')]);
}

function activation(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const type = str(p, 'type');
  const alpha = num(p, 'alpha');
  const beta = num(p, 'beta');
  const x = ctx.input('input');
  const y = ctx.output('output');
  switch (type) {
    case 'RELU':
      return ctx.node('Relu', [x], [y]);
    case 'SIGMOID':
      return ctx.node('Sigmoid', [x], [y]);
    case 'TANH':
      return ctx.node('Tanh', [x], [y]);
    case 'LEAKY_RELU':
      return ctx.node('LeakyRelu', [x], [y], [attr.float('alpha', alpha)]);
    case 'ELU':
      return ctx.node('Elu', [x], [y], [attr.float('alpha', alpha)]);
    case 'SELU':
      return ctx.node('Selu', [x], [y], [attr.float('alpha', alpha), attr.float('gamma', beta)]);
    case 'SOFTSIGN':
      return ctx.node('Softsign', [x], [y]);
    case 'SOFTPLUS':
      return scaledUnary(ctx, 'Softplus', alpha, beta);
    case 'CLIP':
      return ctx.node('Clip', [x, ctx.floats('min', [alpha], []), ctx.floats('max', [beta], [])], [y]);
    case 'HARD_SIGMOID':
      return ctx.node('HardSigmoid', [x], [y], [attr.float('alpha', alpha), attr.float('beta', beta)]);
    case 'SCALED_TANH':
      return scaledUnary(ctx, 'Tanh', alpha, beta);
    case 'THRESHOLDED_RELU':
      return ctx.node('ThresholdedRelu', [x], [y], [attr.float('alpha', alpha)]);
    case 'GELU_ERF': {
      // 0.5·x·(1 + erf(x/√2)), composed because Gelu needs opset 20.
      const scaled = ctx.temp('x_over_sqrt2');
      const erf = ctx.temp('erf');
      const onePlus = ctx.temp('one_plus_erf');
      const half = ctx.temp('half_x');
      ctx.node('Div', [x, ctx.floats('sqrt2', [Math.SQRT2], [])], [scaled]);
      ctx.node('Erf', [scaled], [erf]);
      ctx.node('Add', [erf, ctx.floats('one', [1], [])], [onePlus]);
      ctx.node('Mul', [x, ctx.floats('half', [0.5], [])], [half]);
      return ctx.node('Mul', [half, onePlus], [y]);
    }
    case 'GELU_TANH': {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
      const cube = ctx.temp('x_cubed');
      const term = ctx.temp('cubic_term');
      const inner = ctx.temp('inner');
      const scaled = ctx.temp('scaled_inner');
      const tanh = ctx.temp('tanh');
      const onePlus = ctx.temp('one_plus_tanh');
      const half = ctx.temp('half_x');
      ctx.node('Pow', [x, ctx.floats('three', [3], [])], [cube]);
      ctx.node('Mul', [cube, ctx.floats('coefficient', [0.044715], [])], [term]);
      ctx.node('Add', [x, term], [inner]);
      ctx.node('Mul', [inner, ctx.floats('sqrt_2_over_pi', [Math.sqrt(2 / Math.PI)], [])], [scaled]);
      ctx.node('Tanh', [scaled], [tanh]);
      ctx.node('Add', [tanh, ctx.floats('one', [1], [])], [onePlus]);
      ctx.node('Mul', [x, ctx.floats('half', [0.5], [])], [half]);
      return ctx.node('Mul', [half, onePlus], [y]);
    }
    default:
      return ctx.fail(`activation type '${type}' has no ONNX translation`, 'type');
  }
}

function scale(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const input = ctx.inputInfo('input');
  const mode = str(p, 'mode');
  const axis = num(p, 'channelAxis');
  // CHANNEL values broadcast along the channel axis: [C, 1, ..., 1] aligned to the input's trailing dims.
  const dims = mode === 'UNIFORM' ? [] : mode === 'CHANNEL' ? [input.dims[axis]!, ...input.dims.slice(axis + 1).map(() => 1)] : input.dims.slice(axis);
  let x = ctx.input('input');
  const steps: [slot: string, opType: string][] = [
    ['scale', 'Mul'],
    ['shift', 'Add'],
    ['power', 'Pow'],
  ];
  const bound = steps.filter(([slot]) => ctx.op.weights[slot] !== undefined);
  if (bound.length === 0) return ctx.node('Identity', [x], [ctx.output('output')]);
  bound.forEach(([slot, opType], i) => {
    const y = i === bound.length - 1 ? ctx.output('output') : ctx.temp(slot);
    ctx.node(opType, [x, ctx.weight(slot, dims)!], [y]);
    x = y;
  });
}

const ELEMENTWISE_OPS: Record<string, string> = {
  SUM: 'Add',
  PROD: 'Mul',
  MAX: 'Max',
  MIN: 'Min',
  SUB: 'Sub',
  DIV: 'Div',
  POW: 'Pow',
  AND: 'And',
  OR: 'Or',
  XOR: 'Xor',
  EQUAL: 'Equal',
  GREATER: 'Greater',
  LESS: 'Less',
};

function elementwise(ctx: TranslateContext): void {
  const operation = str(ctx.op.params, 'operation');
  const a = ctx.input('input1');
  const b = ctx.input('input2');
  if (operation === 'FLOOR_DIV') {
    const dtype = ctx.inputInfo('input1').dtype;
    if (dtype !== 'FLOAT' && dtype !== 'HALF' && dtype !== 'BF16')
      ctx.fail(`FLOOR_DIV on ${dtype} is not translated: ONNX Div truncates integers towards zero while TensorRT floors`, 'operation');
    const quotient = ctx.temp('quotient');
    ctx.node('Div', [a, b], [quotient]);
    return ctx.node('Floor', [quotient], [ctx.output('output')]);
  }
  const opType = ELEMENTWISE_OPS[operation];
  if (!opType) ctx.fail(`elementwise operation '${operation}' has no ONNX translation`, 'operation');
  ctx.node(opType, [a, b], [ctx.output('output')]);
}

function matrixMultiply(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const prepare = (port: string, op: string, vectorAxis: number): string => {
    const name = ctx.input(port);
    const rank = ctx.inputInfo(port).dims.length;
    if (op === 'TRANSPOSE') {
      const perm = [...Array(rank).keys()];
      [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
      const t = ctx.temp(`${port}_transposed`);
      ctx.node('Transpose', [name], [t], [attr.ints('perm', perm)]);
      return t;
    }
    if (op === 'VECTOR') {
      // A VECTOR operand is a batch of vectors: give it a unit matrix dimension, removed again after.
      const t = ctx.temp(`${port}_as_matrix`);
      ctx.node('Unsqueeze', [name, ctx.int64s(`${port}_axis`, [vectorAxis])], [t]);
      return t;
    }
    return name;
  };
  const op0 = str(p, 'op0');
  const op1 = str(p, 'op1');
  const a = prepare('input0', op0, -2);
  const b = prepare('input1', op1, -1);
  const squeeze: number[] = [];
  if (op0 === 'VECTOR') squeeze.push(-2);
  if (op1 === 'VECTOR') squeeze.push(-1);
  if (squeeze.length === 0) return ctx.node('MatMul', [a, b], [ctx.output('output')]);
  const product = ctx.temp('product');
  ctx.node('MatMul', [a, b], [product]);
  ctx.node('Squeeze', [product, ctx.int64s('squeeze_axes', squeeze)], [ctx.output('output')]);
}

function shuffle(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const first = ints(p, 'firstTranspose');
  const reshape = ints(p, 'reshapeDimensions');
  const second = ints(p, 'secondTranspose');
  const isIdentity = (perm: number[]) => perm.every((v, i) => v === i);
  const steps: ((from: string, to: string) => void)[] = [];
  if (first.length > 0 && !isIdentity(first)) steps.push((from, to) => ctx.node('Transpose', [from], [to], [attr.ints('perm', first)]));
  if (reshape.length > 0)
    steps.push((from, to) =>
      // TensorRT's placeholders are ONNX's: 0 copies (allowzero = 0), −1 is inferred.
      ctx.node('Reshape', [from, ctx.int64s('shape', reshape)], [to], [attr.int('allowzero', bool(p, 'zeroIsPlaceholder') ? 0 : 1)]),
    );
  if (second.length > 0 && !isIdentity(second)) steps.push((from, to) => ctx.node('Transpose', [from], [to], [attr.ints('perm', second)]));
  if (steps.length === 0) return ctx.node('Identity', [ctx.input('input')], [ctx.output('output')]);
  let x = ctx.input('input');
  steps.forEach((step, i) => {
    const y = i === steps.length - 1 ? ctx.output('output') : ctx.temp(`step${i}`);
    step(x, y);
    x = y;
  });
}

function concatenation(ctx: TranslateContext): void {
  ctx.node('Concat', variadic(ctx, 'inputs'), [ctx.output('output')], [attr.int('axis', num(ctx.op.params, 'axis'))]);
}

const UNARY_OPS: Record<string, string> = {
  EXP: 'Exp',
  LOG: 'Log',
  SQRT: 'Sqrt',
  RECIP: 'Reciprocal',
  ABS: 'Abs',
  NEG: 'Neg',
  SIN: 'Sin',
  COS: 'Cos',
  TAN: 'Tan',
  SINH: 'Sinh',
  COSH: 'Cosh',
  ASIN: 'Asin',
  ACOS: 'Acos',
  ATAN: 'Atan',
  ASINH: 'Asinh',
  ACOSH: 'Acosh',
  ATANH: 'Atanh',
  CEIL: 'Ceil',
  FLOOR: 'Floor',
  ERF: 'Erf',
  NOT: 'Not',
  SIGN: 'Sign',
  // Both round half to even.
  ROUND: 'Round',
  ISINF: 'IsInf',
  ISNAN: 'IsNaN',
};

function unary(ctx: TranslateContext): void {
  const operation = str(ctx.op.params, 'operation');
  const opType = UNARY_OPS[operation];
  if (!opType) ctx.fail(`unary operation '${operation}' has no ONNX translation`, 'operation');
  ctx.node(opType, [ctx.input('input')], [ctx.output('output')]);
}

const REDUCE_OPS: Record<string, string> = { SUM: 'ReduceSum', PROD: 'ReduceProd', MAX: 'ReduceMax', MIN: 'ReduceMin', AVG: 'ReduceMean' };

function reduce(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const opType = REDUCE_OPS[str(p, 'operation')];
  if (!opType) ctx.fail(`reduce operation '${str(p, 'operation')}' has no ONNX translation`, 'operation');
  ctx.node(
    opType,
    [ctx.input('input'), ctx.int64s('axes', ints(p, 'axes'))],
    [ctx.output('output')],
    [attr.int('keepdims', bool(p, 'keepDimensions') ? 1 : 0)],
  );
}

function topK(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const axis = ints(p, 'axes')[0]!;
  const int32 = str(p, 'indicesType') === 'INT32';
  const indices = int32 ? ctx.temp('indices_int64') : ctx.output('indices');
  ctx.node(
    'TopK',
    [ctx.input('input'), ctx.int64s('k', [num(p, 'k')])],
    [ctx.output('values'), indices],
    [attr.int('axis', axis), attr.int('largest', str(p, 'operation') === 'MAX' ? 1 : 0), attr.int('sorted', 1)],
  );
  if (int32) ctx.node('Cast', [indices], [ctx.output('indices')], [attr.int('to', ONNX_INT32)]);
}

const COORDINATE_MODES: Record<string, string> = { ALIGN_CORNERS: 'align_corners', ASYMMETRIC: 'asymmetric', HALF_PIXEL: 'half_pixel' };
const NEAREST_MODES: Record<string, string> = { HALF_UP: 'round_prefer_ceil', HALF_DOWN: 'round_prefer_floor', FLOOR: 'floor', CEIL: 'ceil' };

function resize(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const scales = p.scales as number[];
  const output = ctx.op.outputInfo.output!.dims;
  const input = ctx.inputInfo('input').dims;
  if (str(p, 'selectorForSinglePixel') === 'UPPER' && output.some((d, i) => d === 1 && input[i] !== 1))
    ctx.fail('selectorForSinglePixel UPPER on a one-pixel output has no ONNX equivalent', 'selectorForSinglePixel');
  const mode = str(p, 'resizeMode');
  const attributes = [
    attr.string('mode', mode.toLowerCase()),
    attr.string('coordinate_transformation_mode', COORDINATE_MODES[str(p, 'coordinateTransformation')]!),
    attr.string('nearest_mode', NEAREST_MODES[str(p, 'nearestRounding')]!),
    attr.float('cubic_coeff_a', num(p, 'cubicCoeff')),
    attr.int('exclude_outside', bool(p, 'excludeOutside') ? 1 : 0),
  ];
  // TensorRT maps coordinates with the given scales when they are set, as ONNX does with a scales input.
  const inputs =
    scales.length > 0 ? [ctx.input('input'), '', ctx.floats('scales', scales)] : [ctx.input('input'), '', '', ctx.int64s('sizes', ints(p, 'outputDimensions'))];
  ctx.node('Resize', inputs, [ctx.output('output')], attributes);
}

/** Per axis, the input index each output position reads and whether it lies inside the input (FILL). */
function sliceIndices(extent: number, start: number, size: number, stride: number, mode: string): { index: number[]; inside: boolean[] } | string {
  const index: number[] = [];
  const inside: boolean[] = [];
  for (let i = 0; i < size; i++) {
    const raw = start + i * stride;
    const valid = raw >= 0 && raw < extent;
    inside.push(valid);
    if (mode === 'WRAP') index.push(((raw % extent) + extent) % extent);
    else if (mode === 'CLAMP' || mode === 'FILL' || mode === 'STRICT_BOUNDS') index.push(Math.min(Math.max(raw, 0), extent - 1));
    else return `sample mode ${mode} is not translated: TensorRT does not document its reflection convention`;
  }
  return { index, inside };
}

function slice(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const dims = ctx.inputInfo('input').dims;
  const start = ints(p, 'start');
  const size = ints(p, 'size');
  const stride = ints(p, 'stride');
  const mode = str(p, 'mode');
  if (dims.some((d) => d < 0)) ctx.fail('slicing a tensor with dynamic dimensions is not translated yet', 'input');
  // Static shapes: each axis becomes a Gather with the exact indices TensorRT reads (covers zero and negative strides, WRAP, CLAMP, FILL).
  const axes: { axis: number; index: number[]; inside: boolean[] }[] = [];
  dims.forEach((extent, axis) => {
    const result = sliceIndices(extent, start[axis]!, size[axis]!, stride[axis]!, mode);
    if (typeof result === 'string') ctx.fail(result, 'mode');
    const identity = result.index.length === extent && result.index.every((v, i) => v === i) && result.inside.every(Boolean);
    if (!identity) axes.push({ axis, ...result });
  });
  const needsMask = mode === 'FILL' && axes.some((a) => a.inside.some((v) => !v));
  let x = ctx.input('input');
  axes.forEach((a, i) => {
    const y = i === axes.length - 1 && !needsMask ? ctx.output('output') : ctx.temp(`axis${a.axis}`);
    ctx.node('Gather', [x, ctx.int64s(`indices_axis${a.axis}`, a.index)], [y], [attr.int('axis', a.axis)]);
    x = y;
  });
  if (axes.length === 0) return ctx.node('Identity', [x], [ctx.output('output')]);
  if (!needsMask) return;
  const total = size.reduce((acc, d) => acc * d, 1);
  const mask = new Uint8Array(total);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let inside = true;
    for (let axis = size.length - 1; axis >= 0; axis--) {
      const position = rest % size[axis]!;
      rest = Math.floor(rest / size[axis]!);
      const entry = axes.find((a) => a.axis === axis);
      if (entry && !entry.inside[position]) inside = false;
    }
    mask[flat] = inside ? 1 : 0;
  }
  const fill = ctx.optionalInput('fillValue') ?? ctx.floats('fill_zero', [0], []);
  ctx.node('Where', [ctx.bools('inside', mask, size), x, fill], [ctx.output('output')]);
}

function gather(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const mode = str(p, 'mode');
  const batch = num(p, 'nbElementWiseDims');
  const data = ctx.input('data');
  const indices = ctx.input('indices');
  if (mode === 'DEFAULT') {
    if (batch !== 0) ctx.fail('DEFAULT gather with nbElementWiseDims 1 has no ONNX equivalent', 'nbElementWiseDims');
    return ctx.node('Gather', [data, indices], [ctx.output('output')], [attr.int('axis', num(p, 'axis'))]);
  }
  if (mode === 'ELEMENT') return ctx.node('GatherElements', [data, indices], [ctx.output('output')], [attr.int('axis', num(p, 'axis'))]);
  let ndIndices = indices;
  if (ctx.inputInfo('indices').dtype !== 'INT64') {
    ndIndices = ctx.temp('indices_int64');
    ctx.node('Cast', [indices], [ndIndices], [attr.int('to', ONNX_INT64)]);
  }
  ctx.node('GatherND', [data, ndIndices], [ctx.output('output')], [attr.int('batch_dims', batch)]);
}

function normalization(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const input = ctx.inputInfo('input').dims;
  const groups = num(p, 'nbGroups');
  const rank = input.length;
  let axes = ints(p, 'axes').map((a) => (a < 0 ? a + rank : a));
  let x = ctx.input('input');
  if (groups > 1) {
    // Group norm: statistics over each group's channels and the normalised axes, from [N, G, C/G, ...].
    if (input.some((d) => d < 0)) ctx.fail('group normalization with dynamic dimensions is not translated yet', 'input');
    const grouped = ctx.temp('grouped');
    ctx.node('Reshape', [x, ctx.int64s('group_shape', [input[0]!, groups, input[1]! / groups, ...input.slice(2)])], [grouped]);
    x = grouped;
    axes = [2, ...axes.map((a) => a + 1)];
  }
  const mean = ctx.temp('mean');
  const centred = ctx.temp('centred');
  const squared = ctx.temp('squared');
  const variance = ctx.temp('variance');
  const shifted = ctx.temp('variance_eps');
  const deviation = ctx.temp('deviation');
  const normalised = ctx.temp('normalised');
  const axesName = ctx.int64s('axes', axes);
  ctx.node('ReduceMean', [x, axesName], [mean], [attr.int('keepdims', 1)]);
  ctx.node('Sub', [x, mean], [centred]);
  ctx.node('Mul', [centred, centred], [squared]);
  ctx.node('ReduceMean', [squared, axesName], [variance], [attr.int('keepdims', 1)]);
  ctx.node('Add', [variance, ctx.floats('epsilon', [num(p, 'epsilon')], [])], [shifted]);
  ctx.node('Sqrt', [shifted], [deviation]);
  ctx.node('Div', [centred, deviation], [normalised]);
  let y = normalised;
  if (groups > 1) {
    y = ctx.temp('ungrouped');
    ctx.node('Reshape', [normalised, ctx.int64s('input_shape', input)], [y]);
  }
  const scaled = ctx.temp('scaled');
  ctx.node('Mul', [y, ctx.input('scale')], [scaled]);
  ctx.node('Add', [scaled, ctx.input('bias')], [ctx.output('output')]);
}

function padding(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const rank = ctx.inputInfo('input').dims.length;
  const zeros = Array<number>(rank - 2).fill(0);
  // Negative pads crop, as in TensorRT.
  const pads = [...zeros, ...ints(p, 'prePadding'), ...zeros, ...ints(p, 'postPadding')];
  ctx.node('Pad', [ctx.input('input'), ctx.int64s('pads', pads)], [ctx.output('output')], [attr.string('mode', 'constant')]);
}

const CAST_TARGETS: Record<string, number> = {
  FLOAT: ONNX_FLOAT,
  HALF: ONNX_FLOAT16,
  BF16: ONNX_BFLOAT16,
  INT8: ONNX_INT8,
  INT32: ONNX_INT32,
  INT64: ONNX_INT64,
  UINT8: ONNX_UINT8,
  BOOL: ONNX_BOOL,
};

function variadic(ctx: TranslateContext, base: string): string[] {
  return Object.keys(ctx.op.inputs)
    .filter((k) => k.startsWith(`${base}.`))
    .sort((a, b) => Number(a.slice(base.length + 1)) - Number(b.slice(base.length + 1)))
    .map((port) => ctx.input(port));
}

/** One translator per TensorRT op; adding a layer type to the ONNX translation is one line here. */
export const TRANSLATORS: Record<string, OpTranslator> = {
  addConvolutionNd: (ctx) => convolution(ctx, false),
  addDeconvolutionNd: (ctx) => convolution(ctx, true),
  addPoolingNd: pooling,
  addActivation: activation,
  addParametricReLU: (ctx) => ctx.node('PRelu', [ctx.input('input'), ctx.input('slope')], [ctx.output('output')]),
  addScale: scale,
  addSoftMax: (ctx) => ctx.node('Softmax', [ctx.input('input')], [ctx.output('output')], [attr.int('axis', ints(ctx.op.params, 'axes')[0]!)]),
  addElementWise: elementwise,
  addMatrixMultiply: matrixMultiply,
  addShuffle: shuffle,
  addConcatenation: concatenation,
  addUnary: unary,
  addReduce: reduce,
  addTopK: topK,
  addResize: resize,
  addSlice: slice,
  addGatherV2: gather,
  addIdentity: (ctx) => ctx.node('Identity', [ctx.input('input')], [ctx.output('output')]),
  addCast: (ctx) => ctx.node('Cast', [ctx.input('input')], [ctx.output('output')], [attr.int('to', CAST_TARGETS[str(ctx.op.params, 'toType')]!)]),
  addLRN: (ctx) =>
    ctx.node(
      'LRN',
      [ctx.input('input')],
      [ctx.output('output')],
      [
        attr.int('size', num(ctx.op.params, 'window')),
        attr.float('alpha', num(ctx.op.params, 'alpha')),
        attr.float('beta', num(ctx.op.params, 'beta')),
        attr.float('bias', num(ctx.op.params, 'k')),
      ],
    ),
  addNormalizationV2: normalization,
  addSelect: (ctx) => ctx.node('Where', [ctx.input('condition'), ctx.input('thenInput'), ctx.input('elseInput')], [ctx.output('output')]),
  addShape: (ctx) => ctx.node('Shape', [ctx.input('input')], [ctx.output('output')]),
  addSqueeze: (ctx) => ctx.node('Squeeze', [ctx.input('input'), ctx.int64s('axes', ints(ctx.op.params, 'axes'))], [ctx.output('output')]),
  addUnsqueeze: (ctx) => ctx.node('Unsqueeze', [ctx.input('input'), ctx.int64s('axes', ints(ctx.op.params, 'axes'))], [ctx.output('output')]),
  addPaddingNd: padding,
  addEinsum: (ctx) => ctx.node('Einsum', variadic(ctx, 'inputs'), [ctx.output('output')], [attr.string('equation', str(ctx.op.params, 'equation'))]),
  // addConstant is an initializer, written by translateProgram itself.
  addConstant: () => undefined,
};

export interface OnnxTranslation {
  /** The ONNX model, serialised. */
  bytes: Uint8Array;
  /** ONNX node name → the layer name it implements (several nodes may implement one layer). */
  nodeLayers: Record<string, string>;
}

/** Translate a program and its weights to an ONNX model, or say which layers cannot be translated. */
export function translateProgram(program: TrtProgram, weights: ProgramWeightData): Result<OnnxTranslation> {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const initializerNames = new Map<string, string>();
  const nodeLayers: Record<string, string> = {};
  const diagnostics: Diagnostic[] = [];
  const usedNames = new Set<string>();
  const tensorInfo = new Map<string, TensorInfo>();
  for (const input of program.inputs) tensorInfo.set(input.name, { dims: input.dims, dtype: input.dtype });
  const weightById = new Map(program.weights.map((w) => [w.id, w]));
  const outputNames = new Set(program.outputs.map((o) => o.tensor));

  for (const input of program.inputs)
    if (!ELEMENT_TYPES[input.dtype])
      diagnostics.push(
        error(
          'onnx.dtype',
          `Input '${input.name}' has the data type ${input.dtype}, which the ONNX translation does not support; use FLOAT, HALF, BF16, INT8, UINT8, INT32, INT64 or BOOL.`,
          { nodeId: input.nodeId },
        ),
      );

  for (const op of program.ops) {
    for (const [port, info] of Object.entries(op.outputInfo)) {
      const name = op.outputs[port];
      if (name !== undefined) tensorInfo.set(name, info);
    }
    const translator = TRANSLATORS[op.op];
    if (!translator) {
      diagnostics.push(
        error('onnx.op.unsupported', `Layer '${op.layerName}' (${op.op}) has no ONNX translation yet, so the reference runtime cannot run this network.`, {
          nodeId: op.nodeId,
        }),
      );
      continue;
    }
    if (op.op === 'addConstant') {
      const id = op.weights.weights;
      const data = id === undefined ? undefined : weights.get(id);
      const output = op.outputs.output!;
      if (!data) {
        diagnostics.push(error('onnx.weights.missing', `Layer '${op.layerName}' has no values for its constant.`, { nodeId: op.nodeId }));
        continue;
      }
      const dims = ints(op.params, 'dimensions');
      if (outputNames.has(output)) {
        const init = `${op.layerName}.weights`;
        initializers.push({ name: init, dataType: ONNX_FLOAT, dims, data });
        nodes.push({ opType: 'Identity', name: op.layerName, inputs: [init], outputs: [output], attributes: [] });
        nodeLayers[op.layerName] = op.layerName;
      } else initializers.push({ name: output, dataType: ONNX_FLOAT, dims, data });
      continue;
    }
    const pending: OnnxNode[] = [];
    const pendingInitializers: OnnxTensor[] = [];
    let nodeCount = 0;
    const unique = (base: string): string => {
      let name = base;
      for (let i = 2; usedNames.has(name); i++) name = `${base}_${i}`;
      usedNames.add(name);
      return name;
    };
    const ctx: TranslateContext = {
      op,
      input: (port) => {
        const name = op.inputs[port];
        if (name === undefined) throw new TranslateError(`its '${port}' input is not connected`, port);
        return name;
      },
      optionalInput: (port) => op.inputs[port],
      inputInfo: (port) => {
        const info = tensorInfo.get(op.inputs[port] ?? '');
        if (!info) throw new TranslateError(`the tensor on its '${port}' input is unknown`, port);
        return info;
      },
      output: (port) => {
        const name = op.outputs[port];
        if (name === undefined) throw new TranslateError(`its '${port}' output has no tensor`, port);
        return name;
      },
      temp: (suffix) => unique(`${op.layerName}/${suffix}`),
      node: (opType, inputs, outputs, attributes = []) => {
        const name = nodeCount === 0 ? unique(op.layerName) : unique(`${op.layerName}/${opType}`);
        nodeCount++;
        nodeLayers[name] = op.layerName;
        pending.push({ opType, name, inputs, outputs, attributes });
      },
      weight: (slot, dims) => {
        const id = op.weights[slot];
        if (id === undefined) return undefined;
        const w = weightById.get(id);
        const data = weights.get(id);
        if (!w || !data) throw new TranslateError(`the values of its '${slot}' weights (${id}) are missing`, slot);
        const shape = dims ?? w.shape;
        const key = `${id}|${shape.join(',')}`;
        const existing = initializerNames.get(key);
        if (existing) return existing;
        const name = unique(`${op.layerName}.${slot}`);
        initializerNames.set(key, name);
        pendingInitializers.push({ name, dataType: ONNX_FLOAT, dims: shape, data });
        return name;
      },
      floats: (suffix, values, dims) => {
        const name = unique(`${op.layerName}/${suffix}`);
        pendingInitializers.push({ name, dataType: ONNX_FLOAT, dims: dims ?? [values.length], data: Float32Array.from(values) });
        return name;
      },
      int64s: (suffix, values, dims) => {
        const name = unique(`${op.layerName}/${suffix}`);
        pendingInitializers.push({ name, dataType: ONNX_INT64, dims: dims ?? [values.length], data: BigInt64Array.from(values.map((v) => BigInt(v))) });
        return name;
      },
      bools: (suffix, values, dims) => {
        const name = unique(`${op.layerName}/${suffix}`);
        pendingInitializers.push({ name, dataType: ONNX_BOOL, dims, data: values });
        return name;
      },
      fail: (message, field) => {
        throw new TranslateError(message, field);
      },
    };
    try {
      translator(ctx);
      nodes.push(...pending);
      initializers.push(...pendingInitializers);
    } catch (e) {
      if (!(e instanceof TranslateError)) throw e;
      diagnostics.push(
        error('onnx.layer', `Layer '${op.layerName}' (${op.op}) cannot be translated to ONNX exactly: ${e.message}.`, {
          nodeId: op.nodeId,
          ...(e.field ? { field: e.field } : {}),
        }),
      );
    }
  }

  const graphOutputs = program.outputs.map((o) => {
    const info = tensorInfo.get(o.tensor);
    if (o.name !== o.tensor) nodes.push({ opType: 'Identity', name: `output:${o.name}`, inputs: [o.tensor], outputs: [o.name], attributes: [] });
    return { name: o.name, elemType: ELEMENT_TYPES[info?.dtype ?? 'FLOAT'] ?? ONNX_FLOAT, dims: info?.dims ?? [] };
  });
  for (const o of graphOutputs)
    if (!tensorInfo.has(o.name) && !program.outputs.some((p) => p.name === o.name && tensorInfo.has(p.tensor)))
      diagnostics.push(error('onnx.output.unknown', `Output '${o.name}' refers to a tensor that no layer produces.`));
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  const model: OnnxModel = {
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: 'trt-studio',
    producerVersion: '0.1.0',
    graph: {
      name: program.name,
      nodes,
      initializers,
      inputs: program.inputs.map((i) => ({ name: i.name, elemType: ELEMENT_TYPES[i.dtype] ?? ONNX_FLOAT, dims: i.dims })),
      outputs: graphOutputs,
    },
    metadata: { 'trt-studio.program.format': String(program.formatVersion) },
  };
  return { ok: true, value: { bytes: encodeModel(model), nodeLayers } };
}
