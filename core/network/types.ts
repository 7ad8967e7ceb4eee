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
}

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
