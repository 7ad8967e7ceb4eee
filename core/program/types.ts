/**
 * The lowered program (ARCHITECTURE.md rule 3): a flat, topologically ordered list of TensorRT
 * API calls with resolved parameters, tensor names and weight references. The native bridge, the
 * code generators and the ONNX translation consume this and nothing else. Serialisable as JSON:
 * enums are names, never numbers.
 */
import type { DataType, ParamValue, ShapeProfile } from '../network/types.js';

export const PROGRAM_FORMAT_VERSION = 1;

export interface ProgramInput {
  /** Tensor name given to `addInput`. */
  name: string;
  dtype: DataType;
  /** `-1` marks a dynamic dimension, which then needs `profile`. */
  dims: number[];
  profile?: ShapeProfile;
  /** The canvas input node. */
  nodeId: string;
}

/** Where a weight's values come from. Derived weights are recomputed by the generated code too. */
export type WeightRecipe =
  /** A `.wts` tensor used as is. */
  | { kind: 'tensor'; tensor: string }
  /** BatchNorm folded: gamma / sqrt(var + eps). */
  | { kind: 'batchNormScale'; gamma: string; var: string; eps: number }
  /** BatchNorm folded: beta - mean * gamma / sqrt(var + eps). */
  | { kind: 'batchNormShift'; gamma: string; beta: string; mean: string; var: string; eps: number }
  /** Fixed values written into the program (anchor grids, strides); the generated code spells them out. */
  | { kind: 'values'; values: number[] };

export interface ProgramWeight {
  /** Unique id within the program, e.g. `w3`; ops refer to weights by this id. */
  id: string;
  recipe: WeightRecipe;
  /** Element count (FLOAT). */
  count: number;
  /** The shape the layer reads the values in. */
  shape: number[];
}

export interface ProgramOp {
  /** The `INetworkDefinition` method, e.g. `addConvolutionNd`: a primitive catalog type. */
  op: string;
  /** `ILayer::setName`: the canvas node's name, plus the inner path for expanded composites (`layer1.0.bn1.scale`). */
  layerName: string;
  /** The canvas node this op came from (`ILayer::setMetadata`), the composite's id for expanded ones. */
  nodeId: string;
  /** Every parameter of the primitive, defaults filled in. */
  params: Record<string, ParamValue>;
  /** Input tensor names by the primitive's input port names (`input`, `input0`, `inputs.1`, ...). */
  inputs: Record<string, string>;
  /** Output tensor names by output port. */
  outputs: Record<string, string>;
  /** Output dims and types as inferred (for checks and comments; TensorRT re-infers). */
  outputInfo: Record<string, { dims: number[]; dtype: DataType }>;
  /** Weight slot name → program weight id; unbound optional slots are absent. */
  weights: Record<string, string>;
}

export interface ProgramOutput {
  /** Name the output tensor gets (`ITensor::setName` before `markOutput`). */
  name: string;
  /** The tensor produced by an op. */
  tensor: string;
}

export interface TrtProgram {
  formatVersion: typeof PROGRAM_FORMAT_VERSION;
  /** Network name (`INetworkDefinition::setName`). */
  name: string;
  inputs: ProgramInput[];
  ops: ProgramOp[];
  outputs: ProgramOutput[];
  weights: ProgramWeight[];
}

/** Weight values for a program, by program weight id. Lives in the main process / engine host, never the renderer. */
export type ProgramWeightData = Map<string, Float32Array>;
