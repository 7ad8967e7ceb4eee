/**
 * `TrtProgram` → a Python script for the `tensorrt` package (TensorRT 10 and 11), in the manner of
 * tensorrtx's and TensorRT's samples: a `.wts` loader, the derived weights recomputed (BatchNorm
 * folds), one `network.add_*` call per op with the layer named after its canvas node, then
 * `build_serialized_network` and the engine written to a file.
 */
import { fail, ok, type Result } from '../diagnostics.js';
import { integerConstantWeights } from '../program/integer-constants.js';
import type { ProgramOp, ProgramWeight, TrtProgram } from '../program/types.js';
import {
  axesMask,
  checkProgram,
  commentText,
  floatLiteral,
  Namer,
  normaliseAxis,
  OP_MIN_VERSION,
  OpParams,
  outputPorts,
  resolveOptions,
  stringLiteral,
  tensorRanks,
  type CodegenOptions,
} from './common.js';
import { valueRuns } from './value-runs.js';

interface PyOp {
  /** The layer variable. */
  layer: string;
  p: OpParams;
  op: ProgramOp;
  /** The variable holding the tensor on an input port. */
  input(port: string): string;
  /** Inputs `port.0`, `port.1`, ... as a Python list literal. */
  variadic(port: string): string;
  optionalInput(port: string): string | undefined;
  /** `W["w3"]` for a bound slot, `None` for an unbound optional one. */
  weights(slot: string, optional?: boolean): string;
  rank(port: string): number;
}

const tuple = (values: readonly number[]): string => (values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`);
const floats = (values: readonly number[]): string => `[${values.map(floatLiteral).join(', ')}]`;

function windowOptions(c: PyOp, withDilation: boolean): string[] {
  const lines = [
    `${c.layer}.stride_nd = ${tuple(c.p.ints('stride'))}`,
    `${c.layer}.pre_padding = ${tuple(c.p.ints('prePadding'))}`,
    `${c.layer}.post_padding = ${tuple(c.p.ints('postPadding'))}`,
    `${c.layer}.padding_mode = trt.PaddingMode.${c.p.enumName('paddingMode')}`,
  ];
  if (withDilation) lines.push(`${c.layer}.dilation_nd = ${tuple(c.p.ints('dilation'))}`);
  return lines;
}

/** The identity is TensorRT's default; only a real permutation is printed. */
function permutation(c: PyOp, name: string, rank: number): number[] | undefined {
  const order = c.p.ints(name);
  if (order.length === 0 || order.every((v, i) => v === i)) return undefined;
  if (order.length !== rank)
    throw new Error(`Layer '${c.op.layerName}' (addShuffle): parameter '${name}' has ${order.length} values for a tensor of rank ${rank}.`);
  return order;
}

/** One emitter per op: the lines that add the layer to `network` as `c.layer`. */
export const PYTHON_EMITTERS: Record<string, (c: PyOp) => string[]> = {
  addActivation: (c) => [
    `${c.layer} = network.add_activation(${c.input('input')}, trt.ActivationType.${c.p.enumName('type')})`,
    `${c.layer}.alpha = ${floatLiteral(c.p.num('alpha'))}`,
    `${c.layer}.beta = ${floatLiteral(c.p.num('beta'))}`,
  ],
  // A cast to FLOAT feeds layers computing in the network's type (`dtype`, HALF under --fp16), as in the bridge.
  addCast: (c) => {
    const toType = c.p.enumName('toType');
    return [`${c.layer} = network.add_cast(${c.input('input')}, ${toType === 'FLOAT' ? 'dtype' : `trt.DataType.${toType}`})`];
  },
  addConcatenation: (c) => [
    `${c.layer} = network.add_concatenation(${c.variadic('inputs')})`,
    `${c.layer}.axis = ${normaliseAxis(c.op, c.p.int('axis'), c.rank('inputs.0'), 'axis')}`,
  ],
  addConstant: (c) => [`${c.layer} = network.add_constant(${tuple(c.p.ints('dimensions'))}, ${c.weights('weights')})`],
  addConvolutionNd: (c) => [
    `${c.layer} = network.add_convolution_nd(${c.input('input')}, ${c.p.int('nbOutputMaps')}, ${tuple(c.p.ints('kernelSize'))}, ${c.weights('kernel')}, ${c.weights('bias', true)})`,
    ...windowOptions(c, true),
    `${c.layer}.num_groups = ${c.p.int('nbGroups')}`,
  ],
  addDeconvolutionNd: (c) => [
    `${c.layer} = network.add_deconvolution_nd(${c.input('input')}, ${c.p.int('nbOutputMaps')}, ${tuple(c.p.ints('kernelSize'))}, ${c.weights('kernel')}, ${c.weights('bias', true)})`,
    ...windowOptions(c, true),
    `${c.layer}.num_groups = ${c.p.int('nbGroups')}`,
  ],
  addEinsum: (c) => [`${c.layer} = network.add_einsum(${c.variadic('inputs')}, ${stringLiteral(c.p.str('equation'))})`],
  addElementWise: (c) => [
    `${c.layer} = network.add_elementwise(${c.input('input1')}, ${c.input('input2')}, trt.ElementWiseOperation.${c.p.enumName('operation')})`,
  ],
  addGatherV2: (c) => {
    const mode = c.p.enumName('mode');
    const lines = [`${c.layer} = network.add_gather_v2(${c.input('data')}, ${c.input('indices')}, trt.GatherMode.${mode})`];
    if (mode !== 'ND') lines.push(`${c.layer}.axis = ${normaliseAxis(c.op, c.p.int('axis'), c.rank('data'), 'axis')}`);
    lines.push(`${c.layer}.num_elementwise_dims = ${c.p.int('nbElementWiseDims')}`);
    return lines;
  },
  addIdentity: (c) => [`${c.layer} = network.add_identity(${c.input('input')})`],
  addLRN: (c) => [
    `${c.layer} = network.add_lrn(${c.input('input')}, ${c.p.int('window')}, ${floatLiteral(c.p.num('alpha'))}, ${floatLiteral(c.p.num('beta'))}, ${floatLiteral(c.p.num('k'))})`,
  ],
  addMatrixMultiply: (c) => [
    `${c.layer} = network.add_matrix_multiply(${c.input('input0')}, trt.MatrixOperation.${c.p.enumName('op0')}, ${c.input('input1')}, trt.MatrixOperation.${c.p.enumName('op1')})`,
  ],
  addNMS: (c) => {
    // The box limit and thresholds are scalar tensors in TensorRT: inputs 2, 3 and 4 of the layer.
    // Boxes and scores go in as they are: FLOAT or HALF here (the bridge casts a BF16 network's to FLOAT).
    const type = c.p.enumName('indicesType');
    const indices = type === 'INT32' ? '' : `, trt.DataType.${type}`;
    const scalar = (what: string, dtype: string, value: string) =>
      `scalar_constant(network, (np.${dtype}, ${value}), ${stringLiteral(`${c.op.layerName}.${what}`)}, ${stringLiteral(c.op.nodeId)})`;
    return [
      `${c.layer}_max = ${scalar('max_output_boxes_per_class', 'int32', String(c.p.int('maxOutputBoxesPerClass')))}`,
      `${c.layer}_iou = ${scalar('iou_threshold', 'float32', floatLiteral(c.p.num('iouThreshold')))}`,
      `${c.layer}_score = ${scalar('score_threshold', 'float32', floatLiteral(c.p.num('scoreThreshold')))}`,
      `${c.layer} = network.add_nms(${c.input('boxes')}, ${c.input('scores')}, ${c.layer}_max${indices})`,
      `${c.layer}.bounding_box_format = trt.BoundingBoxFormat.${c.p.enumName('boundingBoxFormat')}`,
      `${c.layer}.topk_box_limit = ${c.p.int('topKBoxLimit')}`,
      `${c.layer}.set_input(3, ${c.layer}_iou)`,
      `${c.layer}.set_input(4, ${c.layer}_score)`,
    ];
  },
  addNormalizationV2: (c) => [
    `${c.layer} = network.add_normalization_v2(${c.input('input')}, ${c.input('scale')}, ${c.input('bias')}, ${axesMask(c.op, c.p.ints('axes'), c.rank('input'), 'axes')})`,
    `${c.layer}.epsilon = ${floatLiteral(c.p.num('epsilon'))}`,
    `${c.layer}.num_groups = ${c.p.int('nbGroups')}`,
  ],
  addPaddingNd: (c) => [`${c.layer} = network.add_padding_nd(${c.input('input')}, ${tuple(c.p.ints('prePadding'))}, ${tuple(c.p.ints('postPadding'))})`],
  addParametricReLU: (c) => [`${c.layer} = network.add_parametric_relu(${c.input('input')}, ${c.input('slope')})`],
  addPoolingNd: (c) => [
    `${c.layer} = network.add_pooling_nd(${c.input('input')}, trt.PoolingType.${c.p.enumName('type')}, ${tuple(c.p.ints('windowSize'))})`,
    ...windowOptions(c, false),
    `${c.layer}.average_count_excludes_padding = ${c.p.bool('averageCountExcludesPadding') ? 'True' : 'False'}`,
    `${c.layer}.blend_factor = ${floatLiteral(c.p.num('blendFactor'))}`,
  ],
  addReduce: (c) => [
    `${c.layer} = network.add_reduce(${c.input('input')}, trt.ReduceOperation.${c.p.enumName('operation')}, ${axesMask(c.op, c.p.ints('axes'), c.rank('input'), 'axes')}, ${c.p.bool('keepDimensions') ? 'True' : 'False'})`,
  ],
  addResize: (c) => {
    const lines = [
      `${c.layer} = network.add_resize(${c.input('input')})`,
      `${c.layer}.resize_mode = trt.InterpolationMode.${c.p.enumName('resizeMode')}`,
      `${c.layer}.coordinate_transformation = trt.ResizeCoordinateTransformation.${c.p.enumName('coordinateTransformation')}`,
      `${c.layer}.nearest_rounding = trt.ResizeRoundMode.${c.p.enumName('nearestRounding')}`,
      `${c.layer}.selector_for_single_pixel = trt.ResizeSelector.${c.p.enumName('selectorForSinglePixel')}`,
      `${c.layer}.cubic_coeff = ${floatLiteral(c.p.num('cubicCoeff'))}`,
      `${c.layer}.exclude_outside = ${c.p.bool('excludeOutside') ? 'True' : 'False'}`,
    ];
    const outputDimensions = c.p.ints('outputDimensions');
    if (outputDimensions.length > 0) lines.push(`${c.layer}.shape = ${tuple(outputDimensions)}`);
    else lines.push(`${c.layer}.scales = ${floats(c.p.nums('scales'))}`);
    return lines;
  },
  addScale: (c) => [
    `${c.layer} = network.add_scale_nd(${c.input('input')}, trt.ScaleMode.${c.p.enumName('mode')}, ${c.weights('shift', true)}, ${c.weights('scale', true)}, ${c.weights('power', true)}, ${c.p.int('channelAxis')})`,
  ],
  addSelect: (c) => [`${c.layer} = network.add_select(${c.input('condition')}, ${c.input('thenInput')}, ${c.input('elseInput')})`],
  addShape: (c) => [`${c.layer} = network.add_shape(${c.input('input')})`],
  addShuffle: (c) => {
    const lines = [`${c.layer} = network.add_shuffle(${c.input('input')})`];
    const first = permutation(c, 'firstTranspose', c.rank('input'));
    if (first) lines.push(`${c.layer}.first_transpose = ${tuple(first)}`);
    const reshape = c.p.ints('reshapeDimensions');
    if (reshape.length > 0) lines.push(`${c.layer}.reshape_dims = ${tuple(reshape)}`);
    const second = permutation(c, 'secondTranspose', reshape.length > 0 ? reshape.length : c.rank('input'));
    if (second) lines.push(`${c.layer}.second_transpose = ${tuple(second)}`);
    lines.push(`${c.layer}.zero_is_placeholder = ${c.p.bool('zeroIsPlaceholder') ? 'True' : 'False'}`);
    return lines;
  },
  addSlice: (c) => {
    const lines = [
      `${c.layer} = network.add_slice(${c.input('input')}, ${tuple(c.p.ints('start'))}, ${tuple(c.p.ints('size'))}, ${tuple(c.p.ints('stride'))})`,
      `${c.layer}.mode = trt.SampleMode.${c.p.enumName('mode')}`,
    ];
    const fill = c.optionalInput('fillValue');
    if (fill) lines.push(`${c.layer}.set_input(4, ${fill})`);
    return lines;
  },
  addSoftMax: (c) => [
    `${c.layer} = network.add_softmax(${c.input('input')})`,
    `${c.layer}.axes = ${axesMask(c.op, c.p.ints('axes'), c.rank('input'), 'axes')}`,
  ],
  addSqueeze: (c) => [
    `${c.layer} = network.add_squeeze(${c.input('input')}, axes_constant(network, ${tuple(c.p.ints('axes'))}, ${stringLiteral(c.op.layerName)}, ${stringLiteral(c.op.nodeId)}))`,
  ],
  addTopK: (c) => {
    // INT32 indices: the form every 10.x has (deprecated, still present, in 11); other types need 10.14's indices_type.
    const type = c.p.enumName('indicesType');
    const indices = type === 'INT32' ? '' : `, trt.DataType.${type}`;
    return [
      `${c.layer} = network.add_topk(${c.input('input')}, trt.TopKOperation.${c.p.enumName('operation')}, ${c.p.int('k')}, ${axesMask(c.op, c.p.ints('axes'), c.rank('input'), 'axes')}${indices})`,
    ];
  },
  addUnary: (c) => [`${c.layer} = network.add_unary(${c.input('input')}, trt.UnaryOperation.${c.p.enumName('operation')})`],
  addUnsqueeze: (c) => [
    `${c.layer} = network.add_unsqueeze(${c.input('input')}, axes_constant(network, ${tuple(c.p.ints('axes'))}, ${stringLiteral(c.op.layerName)}, ${stringLiteral(c.op.nodeId)}))`,
  ],
};

function weightExpression(weight: ProgramWeight): string {
  const r = weight.recipe;
  switch (r.kind) {
    case 'tensor':
      return `tensor(wts, ${stringLiteral(r.tensor)}, ${weight.count})`;
    case 'batchNormScale':
      return `bn_scale(wts, ${stringLiteral(r.gamma)}, ${stringLiteral(r.var)}, ${floatLiteral(r.eps)}, ${weight.count})`;
    case 'batchNormShift':
      return `bn_shift(wts, ${stringLiteral(r.gamma)}, ${stringLiteral(r.beta)}, ${stringLiteral(r.mean)}, ${stringLiteral(r.var)}, ${floatLiteral(r.eps)}, ${weight.count})`;
    case 'values': {
      const runs = valueRuns(r.values);
      if (runs)
        return `value_runs(${r.values.length}, ${runs.period}, [${runs.runs.map((run) => `(${floatLiteral(run.start)}, ${floatLiteral(run.step)}, ${run.count})`).join(', ')}])`;
      return `np.array([${r.values.map(floatLiteral).join(', ')}], dtype=np.float32)`;
    }
  }
}

const PRELUDE = `import argparse
import sys

import numpy as np
import tensorrt as trt

TRT_VERSION = tuple(int(part) for part in trt.__version__.split(".")[:2])


def load_wts(path):
    """Read a tensorrtx .wts file: a count line, then \`name count hex...\` per tensor (big-endian float32)."""
    weights = {}
    with open(path, "r") as f:
        count = int(f.readline())
        for line_number in range(2, count + 2):
            parts = f.readline().split()
            if len(parts) < 2 or len(parts) - 2 != int(parts[1]):
                sys.exit(f"{path}: line {line_number} does not hold 'name count' followed by count hex values.")
            weights[parts[0]] = np.frombuffer(bytes.fromhex("".join(parts[2:])), dtype=">f4").astype(np.float32)
    return weights


def tensor(wts, name, count):
    """A .wts tensor, checked to hold the number of values the layer reads."""
    values = wts.get(name)
    if values is None:
        sys.exit(f"The weights file has no tensor '{name}'.")
    if values.size != count:
        sys.exit(f"Tensor '{name}' has {values.size} values; the network expects {count}.")
    return values


def bn_scale(wts, gamma, var, eps, count):
    """BatchNorm folded into a scale: gamma / sqrt(var + eps), computed in float64 like TRT Studio."""
    g = tensor(wts, gamma, count).astype(np.float64)
    v = tensor(wts, var, count).astype(np.float64)
    return (g / np.sqrt(v + eps)).astype(np.float32)


def bn_shift(wts, gamma, beta, mean, var, eps, count):
    """BatchNorm folded into a shift: beta - mean * gamma / sqrt(var + eps)."""
    g = tensor(wts, gamma, count).astype(np.float64)
    b = tensor(wts, beta, count).astype(np.float64)
    m = tensor(wts, mean, count).astype(np.float64)
    v = tensor(wts, var, count).astype(np.float64)
    return (b - m * g / np.sqrt(v + eps)).astype(np.float32)


def value_runs(total, period, runs):
    """Fixed values (anchor grids, strides) spelled as runs (start, step, count), over period interleaved sequences."""
    sequence = np.concatenate([start + step * np.arange(count, dtype=np.float64) for start, step, count in runs])
    return sequence.reshape(period, total // period).T.reshape(-1).astype(np.float32)


def name_layer(layer, name, node_id):
    """Layer names and metadata map profiles and the engine inspector back to the canvas."""
    layer.name = name
    layer.metadata = node_id
    return layer


def name_output(layer, index, name):
    tensor = layer.get_output(index)
    tensor.name = name
    return tensor


def axes_constant(network, axes, layer_name, node_id):
    """The 1-D INT64 axes input of squeeze/unsqueeze."""
    layer = network.add_constant((len(axes),), np.array(axes, dtype=np.int64))
    name_layer(layer, layer_name + ".axes", node_id)
    return layer.get_output(0)


def scalar_constant(network, value, layer_name, node_id):
    """A 0-D constant input (NMS's box limit and thresholds), named after the layer it feeds."""
    layer = network.add_constant((), np.array([value[1]], dtype=value[0]))
    name_layer(layer, layer_name, node_id)
    return layer.get_output(0)


def cast_input(network, tensor, dtype, node_id):
    """Reduced precision is strongly typed: FLOAT inputs are cast to the compute type."""
    if dtype == trt.DataType.FLOAT or tensor.dtype != trt.DataType.FLOAT:
        return tensor
    layer = name_layer(network.add_cast(tensor, dtype), tensor.name + ".cast", node_id)
    return layer.get_output(0)


def mark_output(network, tensor, name, dtype):
    """Outputs computed in reduced precision are cast back to FLOAT."""
    if dtype != trt.DataType.FLOAT and tensor.dtype == dtype:
        tensor.name = name + ".compute"
        layer = network.add_cast(tensor, trt.DataType.FLOAT)
        layer.name = name + ".cast"
        tensor = layer.get_output(0)
    tensor.name = name
    network.mark_output(tensor)
`;

/** The Python build script for `program`; Diagnostics name the op when one cannot be printed. */
export function generatePython(program: TrtProgram, options: CodegenOptions = {}): Result<string> {
  const problems = checkProgram(program);
  if (problems.length > 0) return fail(...problems);
  try {
    return ok(printPython(program, options));
  } catch (e) {
    return fail({ severity: 'error', code: 'codegen.param', message: (e as Error).message });
  }
}

function printPython(program: TrtProgram, options: CodegenOptions): string {
  const o = resolveOptions(program, options);
  const names = new Namer('python');
  const ranks = tensorRanks(program);
  const out: string[] = [];
  const emit = (...lines: string[]) => out.push(...lines);

  emit('#!/usr/bin/env python3');
  emit(`# Generated by TRT Studio from the network ${commentText(JSON.stringify(program.name))}; regenerate it from the project instead of editing.`);
  emit(`"""Build the TensorRT engine of ${commentText(program.name).replace(/"""|\\/g, '_')} with the TensorRT 10/11 Python API.`);
  emit('');
  emit(
    `    python3 <this file> --weights ${o.weightsPath.replace(/"""|\\/g, '_')} --engine ${o.enginePath.replace(/"""|\\/g, '_')} [--fp16] [--workspace MiB]`,
  );
  emit('');
  emit('The weights are read from a tensorrtx .wts file at run time; BatchNorm folds are recomputed here.');
  emit('"""');
  emit(...PRELUDE.split('\n'));

  const minimum = program.ops.reduce<[number, number]>(
    (acc, op) => {
      const v = (op.op === 'addTopK' || op.op === 'addNMS') && op.params['indicesType'] !== 'INT32' ? ([10, 14] as const) : OP_MIN_VERSION[op.op];
      return v && (v[0] > acc[0] || (v[0] === acc[0] && v[1] > acc[1])) ? [v[0], v[1]] : acc;
    },
    [10, 0],
  );
  emit('');
  emit(`NETWORK_NAME = ${stringLiteral(program.name)}`);
  emit(`MINIMUM_TRT_VERSION = (${minimum[0]}, ${minimum[1]})`);
  emit('');
  emit('');
  emit('def program_weights(wts, dtype):');
  emit('    """Every weight the network reads, by program weight id, in the compute type."""');
  emit('    np_type = np.float16 if dtype == trt.DataType.HALF else np.float32');
  emit('    weights = {');
  for (const weight of program.weights) emit(`        ${stringLiteral(weight.id)}: ${weightExpression(weight)},  # shape [${weight.shape.join(', ')}]`);
  emit('    }');
  emit('    # The arrays must stay alive until build_serialized_network returns: TensorRT keeps pointers to them.');
  const integerIds = integerConstantWeights(program);
  const integer = program.weights.filter((w) => integerIds.has(w.id)).map((w) => stringLiteral(w.id));
  if (integer.length === 0) emit('    return {key: np.ascontiguousarray(value.astype(np_type)) for key, value in weights.items()}');
  else {
    emit('    # Integer constants (indices a cast reads) stay float32 at any precision: float16 is exact only up to 2048.');
    emit(`    integer = {${integer.join(', ')}}`);
    emit('    return {key: np.ascontiguousarray(value.astype(np.float32 if key in integer else np_type)) for key, value in weights.items()}');
  }
  emit('');
  emit('');
  emit('def populate_network(network, W, dtype):');
  emit(`    network.name = NETWORK_NAME`);
  for (const input of program.inputs) {
    const v = names.get(`tensor:${input.name}`, input.name);
    emit(`    ${v} = network.add_input(${stringLiteral(input.name)}, trt.DataType.${input.dtype}, ${tuple(input.dims)})`);
    emit(`    ${v} = cast_input(network, ${v}, dtype, ${stringLiteral(input.nodeId)})`);
  }
  for (const op of program.ops) {
    const layer = names.get(`layer:${op.layerName}`, op.layerName);
    const tensorVar = (port: string): string | undefined => {
      const tensor = op.inputs[port];
      return tensor === undefined ? undefined : names.get(`tensor:${tensor}`);
    };
    const context: PyOp = {
      layer,
      op,
      p: new OpParams(op),
      input: (port) => {
        const v = tensorVar(port);
        if (!v) throw new Error(`Layer '${op.layerName}' (${op.op}): input '${port}' is not connected.`);
        return v;
      },
      optionalInput: tensorVar,
      variadic: (port) => {
        const vars: string[] = [];
        for (let i = 0; ; i++) {
          const v = tensorVar(`${port}.${i}`);
          if (!v) break;
          vars.push(v);
        }
        if (vars.length === 0) throw new Error(`Layer '${op.layerName}' (${op.op}): variadic input '${port}' has no connection.`);
        return `[${vars.join(', ')}]`;
      },
      weights: (slot, optional = false) => {
        const id = op.weights[slot];
        if (id === undefined) {
          if (optional) return 'None';
          throw new Error(`Layer '${op.layerName}' (${op.op}): weight slot '${slot}' is not bound.`);
        }
        return `W[${stringLiteral(id)}]`;
      },
      rank: (port) => {
        const tensor = op.inputs[port];
        const rank = tensor === undefined ? undefined : ranks.get(tensor);
        if (rank === undefined) throw new Error(`Layer '${op.layerName}' (${op.op}): the rank of input '${port}' is unknown.`);
        return rank;
      },
    };
    emit('');
    emit(`    # ${commentText(op.layerName)} (${op.op}, canvas node ${commentText(op.nodeId)})`);
    for (const line of PYTHON_EMITTERS[op.op]!(context)) emit(`    ${line}`);
    emit(`    name_layer(${layer}, ${stringLiteral(op.layerName)}, ${stringLiteral(op.nodeId)})`);
    outputPorts(op.op).forEach((port, index) => {
      const tensor = op.outputs[port];
      if (tensor === undefined) return;
      emit(
        `    ${names.get(`tensor:${tensor}`, tensor.endsWith(':output') ? tensor.slice(0, -':output'.length) + '_out' : tensor)} = name_output(${layer}, ${index}, ${stringLiteral(tensor)})`,
      );
    });
  }
  emit('');
  for (const output of program.outputs) emit(`    mark_output(network, ${names.get(`tensor:${output.tensor}`)}, ${stringLiteral(output.name)}, dtype)`);
  emit('');
  emit('');
  emit('def build_engine(args):');
  emit('    if TRT_VERSION < MINIMUM_TRT_VERSION:');
  emit('        sys.exit(f"This network needs TensorRT {MINIMUM_TRT_VERSION[0]}.{MINIMUM_TRT_VERSION[1]} or newer; found {trt.__version__}.")');
  emit('    logger = trt.Logger(trt.Logger.WARNING)');
  emit('    builder = trt.Builder(logger)');
  emit('    # TensorRT 11 networks are always strongly typed; on 10 the flag gives the same semantics.');
  emit('    flags = 0 if TRT_VERSION[0] >= 11 else 1 << int(trt.NetworkDefinitionCreationFlag.STRONGLY_TYPED)');
  emit('    network = builder.create_network(flags)');
  emit('    config = builder.create_builder_config()');
  emit('    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, args.workspace << 20)');
  emit('    config.profiling_verbosity = trt.ProfilingVerbosity.DETAILED');
  emit('    dtype = trt.DataType.HALF if args.fp16 else trt.DataType.FLOAT');
  emit('    W = program_weights(load_wts(args.weights), dtype)');
  emit('    populate_network(network, W, dtype)');
  const dynamic = program.inputs.filter((i) => i.dims.includes(-1));
  if (dynamic.length > 0) {
    emit('    profile = builder.create_optimization_profile()');
    for (const input of dynamic) {
      if (!input.profile) throw new Error(`Input '${input.name}' has a dynamic dimension but no min/opt/max profile.`);
      emit(`    profile.set_shape(${stringLiteral(input.name)}, ${tuple(input.profile.min)}, ${tuple(input.profile.opt)}, ${tuple(input.profile.max)})`);
    }
    emit('    config.add_optimization_profile(profile)');
  }
  emit('    serialized = builder.build_serialized_network(network, config)');
  emit('    if serialized is None:');
  emit('        sys.exit("TensorRT could not build the engine; its log above says why.")');
  emit('    with open(args.engine, "wb") as f:');
  emit('        f.write(serialized)');
  emit('    print(f"Wrote {args.engine} ({serialized.nbytes} bytes) for {NETWORK_NAME} with TensorRT {trt.__version__}.")');
  emit('');
  emit('');
  emit('def main():');
  emit('    parser = argparse.ArgumentParser(description=f"Build the TensorRT engine of {NETWORK_NAME}.")');
  emit(`    parser.add_argument("--weights", default=${stringLiteral(o.weightsPath)}, help="tensorrtx .wts file")`);
  emit(`    parser.add_argument("--engine", default=${stringLiteral(o.enginePath)}, help="engine file to write")`);
  emit('    parser.add_argument("--fp16", action="store_true", help="compute in FP16 (casts at inputs and outputs)")');
  emit(`    parser.add_argument("--workspace", type=int, default=${Math.max(1, Math.floor(o.workspaceMiB))}, help="workspace limit in MiB")`);
  emit('    build_engine(parser.parse_args())');
  emit('');
  emit('');
  emit('if __name__ == "__main__":');
  emit('    main()');
  return `${out.join('\n')}\n`;
}
