/**
 * `TrtProgram` → ONNX model (opset 18) that computes exactly what TensorRT computes: one translator
 * per TensorRT op in TRANSLATORS, written by op family in translators/. Padding modes become explicit pads, TensorRT-only formulas
 * (SOFTPLUS/SCALED_TANH alpha and beta, MAX_AVERAGE_BLEND, scale's power, matmul VECTOR) are
 * composed from ONNX ops, and anything that cannot be expressed exactly is a Diagnostic.
 */
import { error, type Diagnostic, type Result } from '../diagnostics.js';
import type { TensorInfo } from '../layers/types.js';
import type { DataType } from '../network/types.js';
import type { ProgramWeightData, TrtProgram } from '../program/types.js';
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
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from './model.js';
import { activation } from './translators/activation.js';
import { elementwise, matrixMultiply, nonMaxSuppression, normalization, reduce, scale, topK, unary } from './translators/arithmetic.js';
import { attr, ints, num, str, variadic, type OpTranslator, type TranslateContext } from './translators/context.js';
import { convolution, pooling } from './translators/convolution-pooling.js';
import { concatenation, gather, padding, resize, shuffle, slice } from './translators/layout.js';

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
  addNMS: nonMaxSuppression,
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
  /** The graph's nodes in order, with the tensors they read and write: how a profiler's fused kernels are traced back to layers. */
  nodes: Pick<OnnxNode, 'name' | 'opType' | 'inputs' | 'outputs'>[];
}

/** Translate a program and its weights to an ONNX model, or say which layers cannot be translated. */
export function translateProgram(program: TrtProgram, weights: ProgramWeightData): Result<OnnxTranslation> {
  const built = buildOnnxModel(program, weights);
  if (!built.ok) return built;
  const { model, nodeLayers } = built.value;
  const nodes = model.graph.nodes.map(({ name, opType, inputs, outputs }) => ({ name, opType, inputs, outputs }));
  return { ok: true, value: { bytes: encodeModel(model), nodeLayers, nodes } };
}

/**
 * The ONNX model of a program, not yet serialised: what `translateProgram` encodes. The network
 * check calls this alone, so that it finds every untranslatable layer without writing the weights out.
 */
export function buildOnnxModel(program: TrtProgram, weights: ProgramWeightData): Result<{ model: OnnxModel; nodeLayers: Record<string, string> }> {
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
  return { ok: true, value: { model, nodeLayers } };
}
