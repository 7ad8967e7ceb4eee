/**
 * The network document: what the user edits on the canvas and what a `.trtstudio` file stores.
 * Plain JSON-compatible data; every edit returns a new document (see `edit.ts`).
 */

/** TensorRT's `DataType` names. Files carry names, never enum numbers (native/README.md, "TensorRT facts"). */
export const DATA_TYPES = ['FLOAT', 'HALF', 'INT8', 'INT32', 'BOOL', 'UINT8', 'FP8', 'BF16', 'INT64', 'INT4', 'FP4', 'E8M0'] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** A parameter value as stored in a document: numbers, flags, enum names, strings and int/float lists. */
export type ParamValue = number | boolean | string | number[];
export type Params = Record<string, ParamValue>;

/** One dynamic input's optimization profile: the min, opt and max dims TensorRT builds for. */
export interface ShapeProfile {
  min: number[];
  opt: number[];
  max: number[];
}

/**
 * The profile a dynamic input is built for when it has none of its own: every dynamic dimension at 1,
 * min = opt = max (what trtexec does when no shapes are given). Builds, the generated code and the
 * Build tab's fields start from it, so an imported PyTorch model with a dynamic batch builds as it is.
 */
export function defaultProfile(dims: readonly number[]): ShapeProfile {
  const shape = dims.map((d) => (d === -1 ? 1 : d));
  return { min: shape, opt: [...shape], max: [...shape] };
}

/** A network input (`INetworkDefinition::addInput`). `-1` in `dims` marks a dynamic dimension. */
export interface NetworkInput {
  /** Canvas node id of the input node. */
  id: string;
  /** Tensor name, the name TensorRT and ONNX see. */
  name: string;
  dtype: DataType;
  dims: number[];
  profile?: ShapeProfile;
  /** Names of the dynamic dimensions, one entry per dim ('' for none), e.g. an imported ONNX model's `batch`. */
  dimNames?: string[];
}

/** One layer on the canvas: a catalog type (an `INetworkDefinition` method or a composite) and its parameters. */
export interface NetworkNode {
  id: string;
  /** Catalog type, e.g. `addConvolutionNd` or `BatchNorm2d`. */
  type: string;
  /** Unique, user-visible name; for templates it is the PyTorch module name (`layer1.0.conv1`). */
  name: string;
  params: Params;
  /** A block instance repeated in sequence (`layer1.0`, `layer1.1`, ...); see NodeRepeat. */
  repeat?: NodeRepeat;
}

/**
 * A block instance that stands for `count` copies chained output to input, named
 * `<node name>.<start>`, `<node name>.<start + 1>`, ... like a PyTorch `nn.Sequential`. The first copy
 * may override parameters (a stage's stride 2 and downsample); the others take the node's params.
 */
export interface NodeRepeat {
  count: number;
  /** Index of the first copy (default 0), for stages that continue a numbering: `features.4`, ... */
  start?: number;
  /** Parameters of the first copy that differ from the node's. */
  first?: Params;
  /**
   * A different block (or composite) for the first copy, when the first differs in its layers and
   * not only in values: a ResNet stage whose first block has a downsample branch. `first` then
   * holds all of that copy's parameters.
   */
  firstType?: string;
}

/** An exposed parameter of a user-defined block; the inspector edits it like a catalog parameter. */
export interface BlockParam {
  name: string;
  kind: 'int' | 'float' | 'bool' | 'enum';
  default: number | boolean | string;
  /** The choices of an enum parameter. */
  values?: string[];
  min?: number;
  /** `channels`: the parameter is the input's channel count (set on a wire, checked against it). */
  fromInput?: 'channels';
  doc?: string;
}

/** A node inside a block: parameters may be expressions over the block's parameters (`out * 4`). */
export interface BlockNode extends NetworkNode {
  /** Parameter name → expression; overrides the literal in `params`. List parameters take `a, b`. */
  exprs?: Record<string, string>;
}

/**
 * A user-defined block: a named, parameterised subgraph stored in the project. An instance is a
 * node of type `block:<name>`; its inner node `conv1` in an instance named `layer3.0` is the layer
 * `layer3.0.conv1` and binds `layer3.0.conv1.weight`, the rule built-in composites follow.
 */
export interface BlockDefinition {
  name: string;
  doc?: string;
  params: BlockParam[];
  /** Values computed in order from the parameters and earlier values: `hidden = in * expand`. */
  lets?: { name: string; expr: string }[];
  /** The block's input ports: inner edges start at their ids, port `output`, like network inputs. */
  inputs: { id: string; name: string }[];
  nodes: BlockNode[];
  edges: NetworkEdge[];
  /** The block's output ports, each fed by an inner node's port. */
  outputs: NetworkOutput[];
  /** Where the inner nodes sit when the definition is opened on the canvas. */
  positions?: Record<string, { x: number; y: number }>;
}

/** One end of a wire: a node (layer or input node) and one of its ports. */
export interface PortRef {
  node: string;
  port: string;
}

export interface NetworkEdge {
  id: string;
  from: PortRef;
  to: PortRef;
}

/** A tensor marked as a network output (`markOutput`), with the name it gets. */
export interface NetworkOutput {
  name: string;
  from: PortRef;
}

/** `bindings[nodeId][slot] = tensor name in the loaded .wts`. */
export type WeightBindings = Record<string, Record<string, string>>;

export interface NodeGroup {
  id: string;
  name: string;
  nodeIds: string[];
  collapsed: boolean;
}

export interface UiState {
  positions: Record<string, { x: number; y: number }>;
  groups: NodeGroup[];
  viewport: { x: number; y: number; zoom: number };
}

export interface NetworkDocument {
  name: string;
  inputs: NetworkInput[];
  nodes: NetworkNode[];
  edges: NetworkEdge[];
  outputs: NetworkOutput[];
  bindings: WeightBindings;
  ui: UiState;
  /** The project's block definitions; absent in files without blocks. */
  blocks?: BlockDefinition[];
}

/** The node type of an instance of the block `name`. */
export const BLOCK_TYPE_PREFIX = 'block:';

/** The output port of an input node: inputs have exactly one, named `output`. */
export const INPUT_NODE_PORT = 'output';

export function emptyDocument(name = 'Untitled'): NetworkDocument {
  return {
    name,
    inputs: [],
    nodes: [],
    edges: [],
    outputs: [],
    bindings: {},
    ui: { positions: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } },
  };
}
