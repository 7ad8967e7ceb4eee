/** Linear algebra: `addMatrixMultiply`, and the Linear (fully connected) composite in its TensorRT 10 form. */
import { broadcastDims, formatDims } from '../shapes/dims.js';
import { boolParam, featuresFromInput, intParam, stringParam } from './params.js';
import { fail, type CompositeSpec, type Expansion, type PrimitiveSpec, type TensorInfo } from './types.js';

const MATRIX_OPERATIONS = ['NONE', 'TRANSPOSE', 'VECTOR'] as const;

/** Split a matmul operand into batch dims and its matrix (rows, cols) or vector (length) part. */
function operand(t: TensorInfo, op: string, which: string): { batch: number[]; rows?: number; cols: number } {
  const d = t.dims;
  if (op === 'VECTOR') {
    if (d.length < 1) fail(`${which} must have at least one dimension to be a VECTOR`, which);
    return { batch: d.slice(0, -1), cols: d[d.length - 1]! };
  }
  if (d.length < 2) fail(`${which} must have at least two dimensions; got ${formatDims(d)} (use VECTOR for a vector)`, which);
  const r = d[d.length - 2]!;
  const c = d[d.length - 1]!;
  return op === 'TRANSPOSE' ? { batch: d.slice(0, -2), rows: c, cols: r } : { batch: d.slice(0, -2), rows: r, cols: c };
}

export const addMatrixMultiply: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addMatrixMultiply',
  category: 'Linear algebra',
  label: 'MatrixMultiply',
  aliases: [{ names: ['matmul', 'mm', 'bmm', 'gemm'] }],
  doc: 'Batched matrix product op0(A)·op1(B); TRANSPOSE swaps the last two dims, VECTOR treats the last dim as a vector.',
  params: [
    { name: 'op0', kind: 'enum', enumType: 'MatrixOperation', values: MATRIX_OPERATIONS, default: 'NONE', doc: 'Operation applied to input0 (A).' },
    { name: 'op1', kind: 'enum', enumType: 'MatrixOperation', values: MATRIX_OPERATIONS, default: 'NONE', doc: 'Operation applied to input1 (B).' },
  ],
  inputs: [
    { name: 'input0', doc: 'A: [..., M, K] (or [..., K] as VECTOR).' },
    { name: 'input1', doc: 'B: [..., K, N] (or [..., K] as VECTOR).' },
  ],
  outputs: [{ name: 'output', doc: '[..., M, N]; vector operands drop their dimension.' }],
  infer: (ctx) => {
    const a = ctx.inputs.input0!;
    const b = ctx.inputs.input1!;
    const opA = String(ctx.params.op0);
    const opB = String(ctx.params.op1);
    const A = operand(a, opA, 'input0');
    // For B the contracted dimension is the row dimension: [K, N].
    const Bm = operand(b, opB === 'TRANSPOSE' ? 'NONE' : opB === 'NONE' ? 'TRANSPOSE' : 'VECTOR', 'input1');
    const k1 = A.cols;
    const k2 = Bm.cols;
    if (k1 >= 0 && k2 >= 0 && k1 !== k2)
      fail(`inner dimensions differ: op0(input0) ${formatDims(a.dims)} has ${k1} columns but op1(input1) ${formatDims(b.dims)} has ${k2} rows`, 'input1');
    if (a.dtype !== b.dtype) fail(`inputs must have the same data type; got ${a.dtype} and ${b.dtype}`, 'input1');
    const batch = broadcastDims(A.batch, Bm.batch, 'the batch dimensions of input0 and input1');
    const dims = [...batch];
    if (A.rows !== undefined) dims.push(A.rows);
    if (Bm.rows !== undefined) dims.push(Bm.rows);
    return [{ dims, dtype: a.dtype }];
  },
  summary: (p) => `${p.op0 === 'NONE' ? 'A' : p.op0 === 'TRANSPOSE' ? 'Aᵀ' : 'a'}·${p.op1 === 'NONE' ? 'B' : p.op1 === 'TRANSPOSE' ? 'Bᵀ' : 'b'}`,
};

/**
 * PyTorch's nn.Linear as TensorRT 10 builds it (addFullyConnected is gone): flatten to [N, in],
 * multiply by the constant weights transposed, add a constant bias [1, out].
 */
export const Linear: CompositeSpec = {
  kind: 'composite',
  type: 'Linear',
  category: 'Linear algebra',
  label: 'Linear (FullyConnected)',
  aliases: [{ names: ['linear', 'dense', 'fc', 'fullyconnected', 'gemm', 'nn.linear'] }],
  doc: 'y = x·Wᵀ + b on the input flattened to [N, inFeatures], as nn.Linear; W is [outFeatures, inFeatures].',
  params: [
    { name: 'inFeatures', kind: 'int', default: 512, min: 1, doc: 'Size of each flattened input sample.' },
    { name: 'outFeatures', kind: 'int', default: 1000, min: 1, doc: 'Size of each output sample.' },
    { name: 'bias', kind: 'bool', default: true, doc: 'Add a learned bias.' },
  ],
  inputs: [{ name: 'input', doc: '[N, ...] tensor whose non-batch dims multiply to inFeatures.' }],
  outputs: [{ name: 'output', doc: '[N, outFeatures].' }],
  fromInput: [featuresFromInput('inFeatures')],
  weights: (ctx) => {
    const inF = intParam(ctx.params, 'inFeatures');
    const outF = intParam(ctx.params, 'outFeatures');
    const slots = [{ name: 'weight', doc: 'W [outFeatures, inFeatures].', torchSuffix: 'weight', count: inF * outF, shape: [outF, inF] }];
    if (boolParam(ctx.params, 'bias')) slots.push({ name: 'bias', doc: 'b [outFeatures].', torchSuffix: 'bias', count: outF, shape: [outF] });
    return slots;
  },
  expand: (params): Expansion => {
    const inF = intParam(params, 'inFeatures');
    const outF = intParam(params, 'outFeatures');
    const withBias = boolParam(params, 'bias');
    const e: Expansion = {
      nodes: [
        { id: 'flatten', type: 'addShuffle', name: 'flatten', params: { reshapeDimensions: [0, inF] } },
        { id: 'weight', type: 'addConstant', name: 'weight', params: { dimensions: [outF, inF] } },
        { id: 'matmul', type: 'addMatrixMultiply', name: 'matmul', params: { op0: 'NONE', op1: 'TRANSPOSE' } },
      ],
      edges: [
        { from: { input: 'input' }, to: { node: 'flatten', port: 'input' } },
        { from: { node: 'flatten', port: 'output' }, to: { node: 'matmul', port: 'input0' } },
        { from: { node: 'weight', port: 'output' }, to: { node: 'matmul', port: 'input1' } },
      ],
      outputs: { output: { node: 'matmul', port: 'output' } },
      weights: [{ node: 'weight', slot: 'weights', source: { kind: 'slot', slot: 'weight' } }],
    };
    if (withBias) {
      e.nodes.push(
        { id: 'bias', type: 'addConstant', name: 'bias', params: { dimensions: [1, outF] } },
        { id: 'add', type: 'addElementWise', name: 'add', params: { operation: 'SUM' } },
      );
      e.edges.push(
        { from: { node: 'matmul', port: 'output' }, to: { node: 'add', port: 'input1' } },
        { from: { node: 'bias', port: 'output' }, to: { node: 'add', port: 'input2' } },
      );
      e.outputs.output = { node: 'add', port: 'output' };
      e.weights.push({ node: 'bias', slot: 'weights', source: { kind: 'slot', slot: 'bias' } });
    }
    return e;
  },
  summary: (p) => `${String(p.inFeatures)} → ${String(p.outFeatures)}`,
};

/** The inputs of a variadic port in index order (`inputs.0`, `inputs.1`, ...). */
function variadicInputs(inputs: Record<string, TensorInfo>, port: string): TensorInfo[] {
  const prefix = `${port}.`;
  return Object.keys(inputs)
    .filter((k) => k.startsWith(prefix))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map((k) => inputs[k]!);
}

/** Two sizes for one einsum label: equal, or one of them 1 (broadcast); dynamic sizes defer to the known one. */
function joinLabelSize(label: string, a: number | undefined, b: number): number {
  if (a === undefined || a === b || b === 1) return a ?? b;
  if (a === 1) return b;
  if (a < 0 || b < 0) return a < 0 ? b : a;
  return fail(`label '${label}' has sizes ${a} and ${b}, which neither match nor broadcast`, 'equation');
}

const LABEL = /^[a-z]$/;

/** Split an einsum term into labels, with `...` kept as one element. */
function einsumTerm(term: string, where: string): string[] {
  const parts = term.split('...');
  if (parts.length > 2) fail(`${where} '${term}' has more than one ellipsis`, 'equation');
  const labels: string[] = [];
  parts.forEach((part, i) => {
    if (i > 0) labels.push('...');
    for (const ch of part) {
      if (!LABEL.test(ch)) fail(`${where} '${term}' has the character '${ch}'; subscripts are lower-case letters a–z and '...'`, 'equation');
      labels.push(ch);
    }
  });
  return labels;
}

/** Output dims of an einsum equation for the given input dims (TensorRT/numpy rules: diagonals, size-1 broadcast, ellipsis). */
export function einsumShape(equation: string, inputs: readonly (readonly number[])[]): number[] {
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.split('->');
  if (arrow.length > 2) fail(`equation '${equation}' has more than one '->'`, 'equation');
  const terms = arrow[0]!.split(',');
  if (terms.length !== inputs.length)
    fail(
      `equation '${equation}' has ${terms.length} input term${terms.length === 1 ? '' : 's'} but ${inputs.length} input${inputs.length === 1 ? ' is' : 's are'} connected`,
      'equation',
    );
  const sizes = new Map<string, number>();
  const counts = new Map<string, number>();
  let ellipsis: number[] = [];
  let anyEllipsis = false;
  terms.forEach((term, t) => {
    const labels = einsumTerm(term, `input term ${t}`);
    const dims = inputs[t]!;
    const named = labels.filter((l) => l !== '...').length;
    const hasEllipsis = labels.includes('...');
    if (hasEllipsis ? named > dims.length : named !== dims.length)
      fail(
        `input term ${t} '${term}' names ${named} dimension${named === 1 ? '' : 's'} but input ${t} ${formatDims(dims)} has rank ${dims.length}`,
        'equation',
      );
    let d = 0;
    for (const label of labels) {
      if (label === '...') {
        anyEllipsis = true;
        const span = dims.slice(d, d + dims.length - named);
        d += span.length;
        // Ellipsis dims broadcast right-aligned, as in numpy.
        const rank = Math.max(span.length, ellipsis.length);
        const a = [...Array<number>(rank - ellipsis.length).fill(1), ...ellipsis];
        const b = [...Array<number>(rank - span.length).fill(1), ...span];
        ellipsis = a.map((x, i) => joinLabelSize('...', x, b[i]!));
        continue;
      }
      sizes.set(label, joinLabelSize(label, sizes.get(label), dims[d]!));
      counts.set(label, (counts.get(label) ?? 0) + 1);
      d++;
    }
  });
  if (arrow.length === 1) {
    const once = [...counts.entries()]
      .filter(([, n]) => n === 1)
      .map(([l]) => l)
      .sort();
    return [...ellipsis, ...once.map((l) => sizes.get(l)!)];
  }
  const outLabels = einsumTerm(arrow[1]!, 'the output term');
  const seen = new Set<string>();
  const out: number[] = [];
  for (const label of outLabels) {
    if (seen.has(label)) fail(`the output term '${arrow[1]!}' repeats '${label}'`, 'equation');
    seen.add(label);
    if (label === '...') out.push(...ellipsis);
    else if (!sizes.has(label)) fail(`the output term '${arrow[1]!}' has the label '${label}', which no input term has`, 'equation');
    else out.push(sizes.get(label)!);
  }
  if (anyEllipsis && ellipsis.length > 0 && !seen.has('...'))
    fail(`the inputs have ellipsis dimensions ${formatDims(ellipsis)} but the output term '${arrow[1]!}' has no '...'`, 'equation');
  return out;
}

export const addEinsum: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addEinsum',
  category: 'Linear algebra',
  label: 'Einsum',
  aliases: [{ names: ['einsum'] }],
  doc: "Einstein summation: 'ij,jk->ik' multiplies matrices; labels left out of the output are summed.",
  params: [
    {
      name: 'equation',
      kind: 'string',
      default: 'ij,jk->ik',
      doc: "Comma-separated subscripts (a–z, '...') per input, optionally '->' and the output subscripts.",
    },
  ],
  inputs: [{ name: 'inputs', doc: 'One tensor per input term, all of one type (not BOOL).', variadic: true, minCount: 1 }],
  outputs: [{ name: 'output', doc: 'Dims named by the output subscripts.' }],
  infer: (ctx) => {
    const tensors = variadicInputs(ctx.inputs, 'inputs');
    const first = tensors[0]!;
    tensors.forEach((t, i) => {
      if (t.dtype === 'BOOL') fail(`input ${i} is BOOL, which addEinsum does not take`, `inputs.${i}`);
      if (t.dtype !== first.dtype) fail(`input ${i} is ${t.dtype} but input 0 is ${first.dtype}`, `inputs.${i}`);
    });
    return [
      {
        dims: einsumShape(
          stringParam(ctx.params, 'equation'),
          tensors.map((t) => t.dims),
        ),
        dtype: first.dtype,
      },
    ];
  },
  summary: (p) => String(p.equation),
};

export const matrixLayers = [addMatrixMultiply, addEinsum, Linear];
