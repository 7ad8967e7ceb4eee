// Arithmetic importers: elementwise ops with ONNX broadcasting, MatMul and Gemm (as Linear when they are one), reductions, TopK, Softmax, Cast.
import { volume } from '../../../shapes/dims.js';
import { dimsOf, importFail, intValues, type GraphTensor, type NodeContext, type OpImporter, type Value } from '../context.js';
import { onnxDataType, onnxTypeName, type ConstTensor } from '../onnx-file.js';
import { importChannelScale } from './patterns.js';

/** a ⊕ b with ONNX broadcasting: the lower-rank side gets leading 1s (TensorRT needs equal ranks). */
export function binary(ctx: NodeContext, operation: string, a: Value, b: Value, suffix = operation.toLowerCase()): GraphTensor {
  const rank = Math.max(dimsOf(a).length, dimsOf(b).length);
  const input1 = ctx.tensor(ctx.withRank(a, rank, 'a'), 'a');
  const input2 = ctx.tensor(ctx.withRank(b, rank, 'b'), 'b');
  return ctx.layer1('addElementWise', suffix, { operation }, { input1, input2 });
}

function elementwise(operation: string): OpImporter {
  return (ctx) => ctx.output(0, binary(ctx, operation, ctx.input(0), ctx.input(1)));
}

/** A comparison negated: LessOrEqual is NOT(GREATER). */
function negated(operation: string): OpImporter {
  return (ctx) => {
    const compared = binary(ctx, operation, ctx.input(0), ctx.input(1));
    ctx.output(0, ctx.layer1('addUnary', 'not', { operation: 'NOT' }, { input: compared }));
  };
}

/** Sum, Max, Min, Mean of any number of inputs: a chain of binary layers. */
function variadic(operation: string, mean = false): OpImporter {
  return (ctx) => {
    const inputs = ctx.node.inputs.map((_, i) => ctx.input(i));
    let acc: Value = inputs[0]!;
    inputs.slice(1).forEach((v, i) => {
      acc = binary(ctx, operation, acc, v, `${operation.toLowerCase()}${i}`);
    });
    if (mean && inputs.length > 1)
      acc = binary(ctx, 'DIV', acc, { kind: 'constant', tensor: { dtype: 'FLOAT', dims: [], data: Float32Array.of(inputs.length) } }, 'divide');
    ctx.output(0, ctx.tensor(acc));
  };
}

/** A 2-D constant that is another constant transposed: the source, read with TRANSPOSE. */
function untransposed(c: ConstTensor): ConstTensor | undefined {
  const t = c.transposeOf;
  return t && c.dims.length === 2 && t.perm[0] === 1 && t.perm[1] === 0 && t.source.name ? t.source : undefined;
}

/** The unique Add that consumes this node's only output with a bias constant of `features` values, if any. */
function biasAdd(ctx: NodeContext, features: number): { node: string; bias: ConstTensor } | undefined {
  const consumer = ctx.soleConsumer(0);
  if (!consumer || consumer.opType !== 'Add') return undefined;
  const other = consumer.inputs[0] === ctx.node.outputs[0] ? consumer.inputs[1] : consumer.inputs[0];
  const v = other ? ctx.state.values.get(other) : undefined;
  if (v?.kind !== 'constant' || v.tensor.dtype !== 'FLOAT' || volume(v.tensor.dims) !== features || v.tensor.dims.length > 2) return undefined;
  if (v.tensor.dims.length === 2 && v.tensor.dims[0] !== 1) return undefined;
  return { node: consumer.name, bias: v.tensor };
}

/** nn.Linear: y = x·Wᵀ + b on [N, in] with W [out, in] kept under its initializer name. */
function linear(ctx: NodeContext, x: GraphTensor, w: ConstTensor, bias: ConstTensor | undefined): GraphTensor {
  const [outFeatures, inFeatures] = w.dims as [number, number];
  const weights: Record<string, string> = { weight: ctx.weightName(w, 'weight') };
  if (bias) weights.bias = ctx.weightName(bias, 'bias');
  return ctx.layer1('Linear', 'linear', { inFeatures, outFeatures, bias: bias !== undefined }, { input: x }, weights);
}

function matMul(ctx: NodeContext): void {
  const a = ctx.input(0);
  const b = ctx.input(1);
  if (b.kind === 'constant' && a.kind === 'tensor' && a.info.dims.length === 2) {
    const source = untransposed(b.tensor);
    if (source) {
      const add = biasAdd(ctx, source.dims[0]!);
      if (add) ctx.absorb(add.node);
      const y = linear(ctx, a, source, add?.bias);
      ctx.output(0, y);
      if (add) ctx.outputOf(add.node, y);
      return;
    }
  }
  matrixProduct(ctx, a, b, false, false);
}

/** op0(a)·op1(b) with ONNX's rules: a 1-D side is a VECTOR, batch dims broadcast after padding ranks. */
function matrixProduct(ctx: NodeContext, a: Value, b: Value, transA: boolean, transB: boolean): GraphTensor {
  let op1 = transB ? 'TRANSPOSE' : 'NONE';
  // A constant that is a transposed initializer is used as the initializer, transposed by the layer.
  if (b.kind === 'constant') {
    const source = untransposed(b.tensor);
    if (source) {
      b = { kind: 'constant', tensor: source };
      op1 = transB ? 'NONE' : 'TRANSPOSE';
    }
  }
  const ra = dimsOf(a).length;
  const rb = dimsOf(b).length;
  const op0 = ra === 1 ? 'VECTOR' : transA ? 'TRANSPOSE' : 'NONE';
  if (rb === 1) op1 = 'VECTOR';
  const rank = Math.max(ra, rb);
  const input0 = ctx.tensor(ra === 1 ? a : ctx.withRank(a, rank, 'a'), 'a');
  const input1 = ctx.tensor(rb === 1 ? b : ctx.withRank(b, rank, 'b'), 'b');
  const y = ctx.layer1('addMatrixMultiply', 'matmul', { op0, op1 }, { input0, input1 });
  ctx.output(0, y);
  return y;
}

function scaled(c: ConstTensor, factor: number): ConstTensor {
  return { dtype: 'FLOAT', dims: c.dims, data: Float32Array.from(c.data, (v) => v * factor) };
}

function gemm(ctx: NodeContext): void {
  const alpha = ctx.float('alpha', 1);
  const beta = ctx.float('beta', 1);
  const transA = ctx.int('transA', 0) === 1;
  const transB = ctx.int('transB', 0) === 1;
  const a = ctx.input(0);
  let b = ctx.input(1);
  let c = ctx.optional(2);
  const n = dimsOf(b)[transB ? 0 : 1]!;
  // PyTorch's nn.Linear: Gemm(x, W, b) with transB = 1.
  if (a.kind === 'tensor' && b.kind === 'constant' && transB && !transA && alpha === 1 && (!c || beta === 1)) {
    if (!c || (c.kind === 'constant' && volume(c.tensor.dims) === n && c.tensor.dims.length <= 2 && (c.tensor.dims.length < 2 || c.tensor.dims[0] === 1)))
      return ctx.output(0, linear(ctx, a, b.tensor, c?.kind === 'constant' ? c.tensor : undefined));
  }
  if (alpha !== 1) {
    if (b.kind !== 'constant') importFail(`its alpha ${alpha} is imported only with a constant B`);
    b = { kind: 'constant', tensor: scaled(b.tensor, alpha) };
  }
  let y: Value = matrixProduct(ctx, a, b, transA, transB);
  if (c) {
    if (beta !== 1) {
      if (c.kind !== 'constant') importFail(`its beta ${beta} is imported only with a constant C`);
      c = { kind: 'constant', tensor: scaled(c.tensor, beta) };
    }
    y = binary(ctx, 'SUM', y, c, 'bias');
  }
  ctx.output(0, y);
}

/** Reduction axes: an attribute before `inputOpset`, the optional second input from it on; none means every axis. */
function reduceAxes(ctx: NodeContext, rank: number, inputOpset: number): number[] | undefined {
  const listed = ctx.opset < inputOpset ? ctx.ints('axes') : ((c) => c && intValues(c))(ctx.optionalConstant(1, 'axes'));
  if (listed && listed.length > 0) return listed.map((a) => (a < 0 ? a + rank : a));
  if (ctx.int('noop_with_empty_axes', 0) === 1) return undefined;
  return Array.from({ length: rank }, (_, i) => i);
}

function reduce(operation: string, inputOpset = 18, squareFirst = false): OpImporter {
  return (ctx) => {
    let x = ctx.tensor(ctx.input(0));
    const axes = reduceAxes(ctx, x.info.dims.length, inputOpset);
    if (!axes) return ctx.output(0, x);
    if (squareFirst) x = ctx.layer1('addElementWise', 'square', { operation: 'PROD' }, { input1: x, input2: x });
    let y = ctx.layer1('addReduce', 'reduce', { operation, axes, keepDimensions: ctx.int('keepdims', 1) === 1 }, { input: x });
    if (squareFirst) y = ctx.layer1('addUnary', 'sqrt', { operation: 'SQRT' }, { input: y });
    ctx.output(0, y);
  };
}

/** ArgMax/ArgMin: TopK with k = 1 and its INT64 indices; the axis dropped unless keepdims. */
function argExtreme(operation: string): OpImporter {
  return (ctx) => {
    if (ctx.int('select_last_index', 0) === 1) importFail('its select_last_index is 1; TensorRT returns the first index of ties');
    const x = ctx.tensor(ctx.input(0));
    const rank = x.info.dims.length;
    const axis = ((a) => (a < 0 ? a + rank : a))(ctx.int('axis', 0));
    const [, indices] = ctx.layer('addTopK', 'topk', { operation, k: 1, axes: [axis], indicesType: 'INT64' }, { input: x });
    ctx.output(0, ctx.int('keepdims', 1) === 1 ? indices! : ctx.layer1('addSqueeze', 'squeeze', { axes: [axis] }, { input: indices! }));
  };
}

function softmax(ctx: NodeContext, log: boolean): void {
  let x = ctx.tensor(ctx.input(0));
  const dims = x.info.dims;
  const rank = dims.length;
  const axis = ((a) => (a < 0 ? a + rank : a))(ctx.int('axis', ctx.opset < 13 ? 1 : -1));
  // Before opset 13 Softmax normalises the input flattened to 2-D at `axis`: one axis when the rest are 1.
  const coerced = ctx.opset < 13 && dims.slice(axis + 1).some((d) => d !== 1);
  if (coerced) {
    if (dims.some((d) => d < 0)) importFail('it normalises a flattened dynamic tensor (opset < 13)');
    x = ctx.layer1('addShuffle', 'flatten', { reshapeDimensions: [volume(dims.slice(0, axis)), volume(dims.slice(axis))] }, { input: x });
  }
  let y = ctx.layer1('addSoftMax', 'softmax', { axes: [coerced ? 1 : axis] }, { input: x });
  if (log) y = ctx.layer1('addUnary', 'log', { operation: 'LOG' }, { input: y });
  if (coerced) y = ctx.layer1('addShuffle', 'unflatten', { reshapeDimensions: dims }, { input: y });
  ctx.output(0, y);
}

export const MATH_IMPORTERS: Record<string, OpImporter> = {
  Add: elementwise('SUM'),
  Sub: elementwise('SUB'),
  Mul: (ctx) => {
    if (!importChannelScale(ctx)) elementwise('PROD')(ctx);
  },
  Div: elementwise('DIV'),
  Pow: elementwise('POW'),
  Equal: elementwise('EQUAL'),
  Less: elementwise('LESS'),
  Greater: elementwise('GREATER'),
  LessOrEqual: negated('GREATER'),
  GreaterOrEqual: negated('LESS'),
  And: elementwise('AND'),
  Or: elementwise('OR'),
  Xor: elementwise('XOR'),
  Sum: variadic('SUM'),
  Max: variadic('MAX'),
  Min: variadic('MIN'),
  Mean: variadic('SUM', true),
  MatMul: matMul,
  Gemm: gemm,
  ReduceMean: reduce('AVG'),
  ReduceSum: reduce('SUM', 13),
  ReduceMax: reduce('MAX'),
  ReduceMin: reduce('MIN'),
  ReduceProd: reduce('PROD'),
  ReduceL2: reduce('SUM', 18, true),
  ArgMax: argExtreme('MAX'),
  ArgMin: argExtreme('MIN'),
  TopK: (ctx) => {
    const x = ctx.tensor(ctx.input(0));
    const rank = x.info.dims.length;
    const k = ctx.opset < 10 ? ctx.int('k', 1) : intValues(ctx.constant(1, 'K'))[0]!;
    const axis = ((a) => (a < 0 ? a + rank : a))(ctx.int('axis', -1));
    const operation = ctx.int('largest', 1) === 1 ? 'MAX' : 'MIN';
    const [values, indices] = ctx.layer('addTopK', 'topk', { operation, k, axes: [axis], indicesType: 'INT64' }, { input: x });
    ctx.output(0, values!);
    ctx.output(1, indices!);
  },
  Softmax: (ctx) => softmax(ctx, false),
  LogSoftmax: (ctx) => softmax(ctx, true),
  Einsum: (ctx) => {
    const wires = Object.fromEntries(ctx.node.inputs.map((_, i) => [`inputs.${i}`, ctx.tensor(ctx.input(i), `operand${i}`)]));
    ctx.output(0, ctx.layer1('addEinsum', 'einsum', { equation: ctx.string('equation', '') }, wires));
  },
  Where: (ctx) => {
    const rank = Math.max(...[0, 1, 2].map((i) => dimsOf(ctx.input(i)).length));
    const [condition, thenInput, elseInput] = [0, 1, 2].map((i) => ctx.tensor(ctx.withRank(ctx.input(i), rank, `input${i}`), `input${i}`)) as [
      GraphTensor,
      GraphTensor,
      GraphTensor,
    ];
    ctx.output(0, ctx.layer1('addSelect', 'select', {}, { condition, thenInput, elseInput }));
  },
  Cast: (ctx) => {
    const to = ctx.int('to', 1);
    const toType = onnxDataType(to);
    if (!toType) importFail(`it casts to ${onnxTypeName(to)}, which TensorRT has no type for`);
    const x = ctx.tensor(ctx.input(0));
    ctx.output(0, x.info.dtype === toType ? x : ctx.layer1('addCast', 'cast', { toType }, { input: x }));
  },
};
