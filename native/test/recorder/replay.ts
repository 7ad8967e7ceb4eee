/**
 * Replays a recording made by the TensorRT recorder (native/test/recorder/recorder.cc, a test double
 * for libnvinfer): the layers the bridge added, with every setter value and the weights TensorRT was
 * handed, turned back into a TrtProgram that the reference runtime (ONNX Runtime) runs. The replay
 * computes in FP32: casts to HALF/BF16 become casts to FLOAT and reduced-precision weights are
 * widened, so a replay checks the network the bridge described, not the precision it would run in.
 */
import type { DataType, ParamValue } from '../../../core/network/types.js';
import type { ProgramOp, ProgramWeightData, TrtProgram } from '../../../core/program/types.js';

export interface RecordedTensor {
  name: string;
  type: string;
  dims: number[];
}

export interface RecordedWeights {
  type: string;
  count: number;
  /** The bytes TensorRT was handed, base64. */
  data: string;
}

export interface RecordedLayer {
  /** The INetworkDefinition method that made the layer, e.g. `addConvolutionNd`. */
  kind: string;
  name: string;
  metadata: string;
  inputs: string[];
  outputs: RecordedTensor[];
  params: Record<string, number | boolean | string | number[]>;
  weights: Record<string, RecordedWeights>;
}

export interface Recording {
  recorder: 1;
  tensorrt: string;
  name: string;
  stronglyTyped: boolean;
  config: { tf32: boolean; flags: number; workspaceBytes: number; optimizationLevel: number; profiles: number; timingCache: boolean };
  calls: number;
  inputs: RecordedTensor[];
  layers: RecordedLayer[];
  outputs: string[];
}

/** The recording a recorder "engine" holds, or undefined for any other bytes. */
export function readRecording(bytes: Uint8Array): Recording | undefined {
  const text = new TextDecoder().decode(bytes);
  if (!text.startsWith('{"recorder":1,')) return undefined;
  return JSON.parse(text) as Recording;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The recorded weight values widened to FLOAT. */
export function decodeWeights(weights: RecordedWeights): Float32Array {
  const bytes = Buffer.from(weights.data, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(weights.count);
  for (let i = 0; i < weights.count; i++) {
    switch (weights.type) {
      case 'FLOAT':
        values[i] = view.getFloat32(i * 4, true);
        break;
      case 'HALF':
        values[i] = halfToFloat(view.getUint16(i * 2, true));
        break;
      case 'BF16':
        values[i] = new Float32Array(new Uint32Array([view.getUint16(i * 2, true) << 16]).buffer)[0]!;
        break;
      case 'INT32':
        values[i] = view.getInt32(i * 4, true);
        break;
      case 'INT64':
        values[i] = Number(view.getBigInt64(i * 8, true));
        break;
      default:
        throw new Error(`The recording holds ${weights.type} weights, which the replay cannot read.`);
    }
  }
  return values;
}

const identity = (order: number[], rank: number) => order.slice(0, rank).every((v, i) => v === i);

/** The program parameters of one recorded layer: the inverse of native/src/trt/layer_table.cc. */
function programParams(layer: RecordedLayer, rankOf: (tensor: string) => number): Record<string, ParamValue> {
  const p = layer.params;
  const bits = (mask: number) => [...Array(32).keys()].filter((i) => mask & (1 << i));
  switch (layer.kind) {
    case 'addShuffle': {
      const inputRank = rankOf(layer.inputs[0]!);
      const reshape = (p.reshapeDimensions as number[] | undefined) ?? [];
      const first = (p.firstTranspose as number[] | undefined) ?? [];
      const second = (p.secondTranspose as number[] | undefined) ?? [];
      const reshapedRank = reshape.length > 0 ? reshape.length : inputRank;
      return {
        firstTranspose: first.length === 0 || identity(first, inputRank) ? [] : first.slice(0, inputRank),
        reshapeDimensions: reshape,
        secondTranspose: second.length === 0 || identity(second, reshapedRank) ? [] : second.slice(0, reshapedRank),
        zeroIsPlaceholder: (p.zeroIsPlaceholder as boolean | undefined) ?? true,
      };
    }
    case 'addReduce': {
      const { axesMask, ...rest } = p;
      return { ...rest, axes: bits(axesMask as number) };
    }
    case 'addSoftMax':
      return { axes: bits(p.axesMask as number) };
    case 'addCast':
      // The replay computes in FP32 (see the file comment).
      return { toType: p.toType === 'HALF' || p.toType === 'BF16' ? 'FLOAT' : p.toType! };
    case 'addResize':
      // The bridge sets either the output dimensions or the scales; the program carries both, one empty.
      return { outputDimensions: [], scales: [], ...p };
    default:
      return { ...p };
  }
}

/** NMS inputs 2 to 4: scalar constants in TensorRT, parameters in the program. */
const NMS_SCALARS = ['maxOutputBoxesPerClass', 'iouThreshold', 'scoreThreshold'];

/** Output port names of a recorded layer, in TensorRT's output order. */
function outputPorts(layer: RecordedLayer): string[] {
  switch (layer.kind) {
    case 'addNMS':
      return ['selectedIndices', 'numOutputBoxes'];
    case 'addTopK':
      return ['values', 'indices'];
    default:
      return ['output'];
  }
}

/** The program's type for a recorded one: the replay computes in FP32 (see the file comment). */
const replayType = (type: string) => (type === 'HALF' || type === 'BF16' ? 'FLOAT' : type) as DataType;

/** Input port names of a recorded layer by TensorRT input index (an index set with setInput keeps its slot). */
function inputPorts(layer: RecordedLayer): string[] {
  switch (layer.kind) {
    case 'addSlice':
      return ['input', 'start', 'size', 'stride', 'fillValue'];
    case 'addGatherV2':
      return ['data', 'indices'];
    case 'addNMS':
      return ['boxes', 'scores', ...NMS_SCALARS];
    case 'addElementWise':
      return ['input1', 'input2'];
    case 'addMatrixMultiply':
      return ['input0', 'input1'];
    case 'addConcatenation':
      return layer.inputs.map((_, i) => `inputs.${i}`);
    default:
      return ['input'];
  }
}

/** The shape a layer reads a weight in (as the lowering gives it), from the layer's params and input dims. */
function weightShape(layer: RecordedLayer, slot: string, count: number, dims: Map<string, number[]>): number[] {
  const p = layer.params;
  if (layer.kind === 'addConvolutionNd' && slot === 'kernel') {
    const channels = dims.get(layer.inputs[0]!)?.[1] ?? 0;
    const groups = (p.nbGroups as number | undefined) ?? 1;
    return [p.nbOutputMaps as number, channels / groups, ...(p.kernelSize as number[])];
  }
  if (layer.kind === 'addConstant') return p.dimensions as number[];
  return [count];
}

/** Turn a recording back into a FLOAT program and its weights. */
export function replayProgram(recording: Recording): { program: TrtProgram; weights: ProgramWeightData } {
  const weights: ProgramWeightData = new Map();
  const dims = new Map<string, number[]>(recording.inputs.map((t) => [t.name, t.dims]));
  const program: TrtProgram = {
    formatVersion: 1,
    name: recording.name,
    inputs: recording.inputs.map((t) => ({ name: t.name, dtype: 'FLOAT', dims: t.dims, nodeId: `recorded:${t.name}` })),
    ops: [],
    outputs: recording.outputs.map((name) => ({ name, tensor: name })),
    weights: [],
  };
  // The scalar constants the bridge makes for NMS become the NMS op's parameters again.
  const constants = new Map(recording.layers.filter((l) => l.kind === 'addConstant').map((l) => [l.outputs[0]!.name, l]));
  const folded = new Set<RecordedLayer>();
  const scalarParams = (layer: RecordedLayer): Record<string, number> => {
    if (layer.kind !== 'addNMS') return {};
    return Object.fromEntries(
      NMS_SCALARS.map((param, i) => {
        const constant = constants.get(layer.inputs[i + 2] ?? '');
        const values = constant?.weights['weights'];
        if (!constant || !values || values.count !== 1) throw new Error(`NMS layer ${layer.name} has no scalar constant for its ${param} (input ${i + 2}).`);
        folded.add(constant);
        return [param, decodeWeights(values)[0]!];
      }),
    );
  };
  const nmsParams = new Map(recording.layers.map((layer) => [layer, scalarParams(layer)]));
  for (const layer of recording.layers) {
    if (folded.has(layer)) continue;
    const ports = inputPorts(layer);
    const outs = outputPorts(layer);
    const op: ProgramOp = {
      op: layer.kind,
      layerName: layer.name,
      nodeId: layer.metadata || layer.name,
      params: { ...programParams(layer, (tensor) => dims.get(tensor)?.length ?? 0), ...nmsParams.get(layer) },
      inputs: Object.fromEntries(
        layer.inputs.flatMap((tensor, i) => {
          if (tensor === '' || (layer.kind === 'addNMS' && i >= 2)) return [];
          if (ports[i] === undefined) throw new Error(`The replay has no port for input ${i} of ${layer.kind} layer ${layer.name}.`);
          return [[ports[i], tensor]];
        }),
      ),
      outputs: Object.fromEntries(layer.outputs.map((t, i) => [outs[i]!, t.name])),
      outputInfo: Object.fromEntries(layer.outputs.map((t, i) => [outs[i]!, { dims: t.dims, dtype: replayType(t.type) }])),
      weights: {},
    };
    for (const [slot, recorded] of Object.entries(layer.weights)) {
      const id = `${layer.name}.${slot}`;
      weights.set(id, decodeWeights(recorded));
      program.weights.push({ id, recipe: { kind: 'tensor', tensor: id }, count: recorded.count, shape: weightShape(layer, slot, recorded.count, dims) });
      op.weights[slot] = id;
    }
    for (const out of layer.outputs) dims.set(out.name, out.dims);
    program.ops.push(op);
  }
  return { program, weights };
}
