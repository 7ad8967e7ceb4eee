// Arithmetic translators: scale, elementwise, matrix multiply, unary, reduce, top-k and normalization.
import { ONNX_INT32 } from '../model.js';
import { attr, bool, ints, num, str, type TranslateContext } from './context.js';

export function scale(ctx: TranslateContext): void {
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

export function elementwise(ctx: TranslateContext): void {
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

export function matrixMultiply(ctx: TranslateContext): void {
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

export function unary(ctx: TranslateContext): void {
  const operation = str(ctx.op.params, 'operation');
  const opType = UNARY_OPS[operation];
  if (!opType) ctx.fail(`unary operation '${operation}' has no ONNX translation`, 'operation');
  ctx.node(opType, [ctx.input('input')], [ctx.output('output')]);
}

const REDUCE_OPS: Record<string, string> = { SUM: 'ReduceSum', PROD: 'ReduceProd', MAX: 'ReduceMax', MIN: 'ReduceMin', AVG: 'ReduceMean' };

export function reduce(ctx: TranslateContext): void {
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

export function topK(ctx: TranslateContext): void {
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

/**
 * INMSLayer as ONNX NonMaxSuppression. ONNX wants scores as [batch, classes, boxes] (TensorRT: [batch, boxes,
 * classes]), so they are transposed; CORNER_PAIRS is center_point_box 0 (ONNX names the corners (y1, x1, y2, x2),
 * but IoU is the same with x and y swapped, so TensorRT's (x1, y1, x2, y2) gives the same answer), CENTER_SIZES
 * is 1. Both suppress IoU > iou_threshold and keep score > score_threshold. selected_indices is INT64 [kept, 3]
 * of (batch, class, box), its row count known only at run time, as TensorRT's; numOutputBoxes is its row count.
 * The same rows come out in another order: ONNX Runtime lists them class by class, TensorRT by score within
 * each image. TensorRT considers only the topKBoxLimit best boxes per image and ONNX all of them, so with more
 * candidates than that the two can differ.
 */
/**
 * INMSLayer as NonMaxSuppression. ONNX lists the kept boxes class by class; TensorRT lists them batch by batch
 * and by decreasing score within a batch, so the rows are sorted that way here: by score, then by batch
 * (TopK breaks ties by the lower index, so the second sort keeps the first's order within a batch).
 */
export function nonMaxSuppression(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const scores = ctx.temp('scores_bcn');
  ctx.node('Transpose', [ctx.input('scores')], [scores], [attr.ints('perm', [0, 2, 1])]);
  const selected = ctx.temp('selected_by_class');
  ctx.node(
    'NonMaxSuppression',
    [
      ctx.input('boxes'),
      scores,
      ctx.int64s('max_output_boxes_per_class', [num(p, 'maxOutputBoxesPerClass')], []),
      ctx.floats('iou_threshold', [num(p, 'iouThreshold')], []),
      ctx.floats('score_threshold', [num(p, 'scoreThreshold')], []),
    ],
    [selected],
    [attr.int('center_point_box', str(p, 'boundingBoxFormat') === 'CENTER_SIZES' ? 1 : 0)],
  );
  const shape = ctx.temp('selected_shape');
  const rows = ctx.temp('rows');
  ctx.node('Shape', [selected], [shape]);
  ctx.node('Gather', [shape, ctx.int64s('row_axis', [0])], [rows], [attr.int('axis', 0)]);
  const keptScores = ctx.temp('kept_scores');
  ctx.node('GatherND', [scores, selected], [keptScores]);
  const sortBy = (name: string, keys: string, rowsIn: string, largest: boolean, out: string) => {
    const [values, order] = [ctx.temp(`${name}_values`), ctx.temp(`${name}_order`)];
    ctx.node('TopK', [keys, rows], [values, order], [attr.int('axis', 0), attr.int('largest', largest ? 1 : 0), attr.int('sorted', 1)]);
    ctx.node('Gather', [rowsIn, order], [out], [attr.int('axis', 0)]);
  };
  const byScore = ctx.temp('selected_by_score');
  sortBy('score', keptScores, selected, true, byScore);
  const batches = ctx.temp('batch_indices');
  ctx.node('Gather', [byScore, ctx.int64s('batch_column', [0], [])], [batches], [attr.int('axis', 1)]);
  const int32 = str(p, 'indicesType') === 'INT32';
  const sorted = int32 ? ctx.temp('selected_int64') : ctx.output('selectedIndices');
  sortBy('batch', batches, byScore, false, sorted);
  if (int32) ctx.node('Cast', [sorted], [ctx.output('selectedIndices')], [attr.int('to', ONNX_INT32)]);
  const count = ctx.temp('count_int64');
  ctx.node('Gather', [shape, ctx.int64s('count_axis', [0], [])], [count], [attr.int('axis', 0)]);
  ctx.node('Cast', [count], [ctx.output('numOutputBoxes')], [attr.int('to', ONNX_INT32)]);
}

export function normalization(ctx: TranslateContext): void {
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
