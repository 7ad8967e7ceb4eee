/**
 * The shape of one catalog entry (ARCHITECTURE.md rule 2). Every consumer — inspector form,
 * validation, shape inference, lowering, the native bridge, code generation and the ONNX
 * translation — reads these descriptions and nothing else.
 */
import type { DataType, ParamValue, Params } from '../network/types.js';

export type LayerCategory =
  | 'Input / Output'
  | 'Convolution'
  | 'Pooling'
  | 'Activation'
  | 'Normalization'
  | 'Elementwise'
  | 'Linear algebra'
  | 'Shape'
  | 'Reduction'
  | 'Resampling'
  | 'Indexing'
  | 'Constant'
  | 'Type'
  | 'Blocks';

interface ParamBase {
  name: string;
  /** One line, shown in the inspector and by `trt-studio layers`. */
  doc: string;
}

/** An integer parameter. */
export interface IntParam extends ParamBase {
  kind: 'int';
  default: number;
  min?: number;
  max?: number;
}

/** A floating-point parameter. */
export interface FloatParam extends ParamBase {
  kind: 'float';
  default: number;
  min?: number;
  max?: number;
}

export interface BoolParam extends ParamBase {
  kind: 'bool';
  default: boolean;
}

/** A TensorRT enum, by name (`LEAKY_RELU`, `EXPLICIT_ROUND_DOWN`). */
export interface EnumParam extends ParamBase {
  kind: 'enum';
  /** TensorRT's C++ enum type, e.g. `ActivationType`. */
  enumType: string;
  values: readonly string[];
  default: string;
}

/** A list of integers: kernel sizes, strides, reshape dims, permutations, axes. */
export interface IntsParam extends ParamBase {
  kind: 'ints';
  default: number[];
  minLength?: number;
  maxLength?: number;
  /** Smallest allowed element. */
  min?: number;
}

/** A list of floats (resize scales). */
export interface FloatsParam extends ParamBase {
  kind: 'floats';
  default: number[];
  minLength?: number;
  maxLength?: number;
}

export interface StringParam extends ParamBase {
  kind: 'string';
  default: string;
}

export type ParamSpec = IntParam | FloatParam | BoolParam | EnumParam | IntsParam | FloatsParam | StringParam;

/** An input or output port. Variadic ports are addressed as `name.0`, `name.1`, ... */
export interface PortSpec {
  name: string;
  doc: string;
  optional?: boolean;
  variadic?: boolean;
  /** For variadic inputs: how many connections at least. */
  minCount?: number;
  /**
   * For a variadic output: how many outputs the (complete) parameters give, e.g. one per size of a
   * Split. Outputs follow from parameters only, so ports stay put while the input's shape changes.
   */
  count?: (params: Params) => number;
}

/** What shape inference knows about a tensor. `-1` is a dynamic dimension. */
export interface TensorInfo {
  dims: number[];
  dtype: DataType;
}

/** A weight slot: one `Weights` argument of the TensorRT call, bound to one `.wts` tensor. */
export interface WeightSlot {
  name: string;
  doc: string;
  /** Element count expected for the current parameters and input shapes; undefined when it cannot be known yet. */
  count: number | undefined;
  /** The tensor's shape as the layer reads it (used to give a mapped `.wts` tensor its shape). */
  shape: number[] | undefined;
  /** An optional slot may stay unbound (an empty `Weights{}`), e.g. a convolution without bias. */
  optional?: boolean;
  /** The PyTorch `state_dict` suffix auto-mapping uses: node `layer1.0.conv1` + `weight`. */
  torchSuffix: string;
}

/** Context handed to shape inference and weight-slot functions. */
export interface LayerContext {
  params: Params;
  /** One entry per connected input, in port order; variadic ports expand in place. Missing optional inputs are absent. */
  inputs: Record<string, TensorInfo>;
}

/** Shape inference throws this (through `fail`) to report an invalid combination; the engine turns it into a Diagnostic. */
export class LayerError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Report an invalid combination of parameters and input shapes. */
export function fail(message: string, field?: string): never {
  throw new LayerError(message, field);
}

/** Where a composite's inner weight slot gets its data. */
export type WeightSource =
  /** The composite's own slot of this name, passed through. */
  | { kind: 'slot'; slot: string }
  /** BatchNorm folded into a channel scale: gamma / sqrt(var + eps). */
  | { kind: 'batchNormScale'; gamma: string; var: string; eps: number }
  /** BatchNorm folded into a channel shift: beta - mean * gamma / sqrt(var + eps). */
  | { kind: 'batchNormShift'; gamma: string; beta: string; mean: string; var: string; eps: number }
  /** Fixed values that follow from the parameters (a detector's anchor grid and strides): no `.wts` tensor. */
  | { kind: 'values'; values: readonly number[] };

/** One node of a composite's expansion, with a local id unique within that expansion. */
export interface ExpansionNode {
  id: string;
  type: string;
  /** Name suffix: the inner node is named `<composite name>.<name>` (PyTorch-style module path). */
  name: string;
  params: Params;
}

/** A port inside an expansion: a local node's port, or one of the composite's own input ports. */
export type ExpansionPort = { node: string; port: string } | { input: string };

export interface Expansion {
  nodes: ExpansionNode[];
  edges: { from: ExpansionPort; to: { node: string; port: string } }[];
  /** The composite's output ports, each fed by an inner port. */
  outputs: Record<string, ExpansionPort>;
  /** Inner weight slots and where their data comes from. */
  weights: { node: string; slot: string; source: WeightSource }[];
  /**
   * Inner nodes whose every slot passes through under the inner node's name: slot `kernel`
   * (PyTorch `weight`) of inner `conv1` is the composite's slot `conv1.weight`. User blocks and
   * repeats use this, since their inner slots are known only once the inner shapes are.
   */
  relativeWeights?: string[];
}

/**
 * A name people search for a layer by: a PyTorch or ONNX name or a common word (`relu`, `maxpool`,
 * `dense`). With `params`, the alias stands for the layer with those values preset (`relu` is an
 * Activation of type RELU) and is offered as an entry of its own, labelled `label`.
 */
export interface LayerAlias {
  names: readonly string[];
  label?: string;
  params?: Params;
}

/**
 * A parameter whose value follows from the tensor on the first input (Linear's `inFeatures`, a
 * block's `inplanes`): set when the layer is created on a wire, and a mismatch is a shape error.
 */
export interface InputDerivedParam {
  param: string;
  /** What of the input it is, for messages: `channels`, `features per sample`. */
  what: string;
  /** The value the input implies; undefined when it cannot be known (a dynamic dimension). */
  value: (input: TensorInfo) => number | undefined;
}

interface LayerSpecBase {
  type: string;
  category: LayerCategory;
  /** Short label for the palette. */
  label: string;
  /** One line: what the layer computes. */
  doc: string;
  params: ParamSpec[];
  inputs: PortSpec[];
  outputs: PortSpec[];
  /** Weight slots for the given parameters and inputs; omitted for layers without weights. */
  weights?: (ctx: LayerContext) => WeightSlot[];
  /** A compact summary of the key parameters for the node face, e.g. `7×7 /2 64`. */
  summary?: (params: Params) => string;
  /** Other names search finds this layer by; see LayerAlias. */
  aliases?: readonly LayerAlias[];
  /** Parameters that follow from the first input's tensor. */
  fromInput?: readonly InputDerivedParam[];
  /**
   * Inputs a default instance is described with where no parameter fixes them (a detector head's
   * three feature maps), so `layers --json` can list its weight slots with their sizes.
   */
  exampleInputs?: Readonly<Record<string, TensorInfo>>;
}

/** A TensorRT primitive: exactly one `INetworkDefinition` method. */
export interface PrimitiveSpec extends LayerSpecBase {
  kind: 'primitive';
  /** Output tensors for the given parameters and inputs; call `fail()` for an invalid combination. */
  infer: (ctx: LayerContext) => TensorInfo[];
}

/** A composite, defined only by how it expands into primitives (and other composites). */
export interface CompositeSpec extends LayerSpecBase {
  kind: 'composite';
  /**
   * The expansion for these parameters. `inputs` holds the tensors on the input ports when they are
   * known (inference and lowering always pass them); an expansion that needs them (a Split's slice
   * sizes, a ceil-mode pooling's padding) calls `fail()` when they are absent, and one that does not
   * simply ignores them.
   */
  expand: (params: Params, inputs?: Record<string, TensorInfo>) => Expansion;
}

export type LayerSpec = PrimitiveSpec | CompositeSpec;

export type { DataType, ParamValue, Params };
