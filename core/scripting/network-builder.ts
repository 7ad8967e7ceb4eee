/**
 * The scripting API: build a project from code with the editor's own edit operations, so a script
 * gets the same checks (known layer types and parameters, compatible ports, unique names) and the
 * same file as the editor would save. Every refused step throws an Error whose message is the
 * Diagnostic's, naming the layer; `toProjectFile()` validates the whole network as loading would.
 *
 * ```js
 * import { NetworkBuilder } from 'trt-studio';
 * const net = new NetworkBuilder('tiny');
 * const data = net.input('data', [1, 3, 32, 32]);
 * const conv = net.layer('addConvolutionNd', 'conv1', { nbOutputMaps: 8, kernelSize: [3, 3] }, data);
 * net.output('features', conv);
 * writeFileSync('tiny.trtstudio', net.toProjectFile());
 * ```
 */
import type { Result } from '../diagnostics.js';
import { getLayerSpec } from '../layers/catalog.js';
import { addInput, addNode, connect, markOutput, rename } from '../network/edit.js';
import { serializeProject, validateDocument } from '../network/project-file.js';
import { emptyDocument, INPUT_NODE_PORT, type DataType, type NetworkDocument, type ParamValue, type PortRef } from '../network/types.js';
import { layOut } from '../templates/builder.js';

/** A layer or an input added by the builder: its output tensors are `tensor` (the first port) or `port(name)`. */
export class BuiltNode {
  constructor(
    private readonly builder: NetworkBuilder,
    /** The node's id in the document. */
    readonly id: string,
    private readonly firstPort: string,
  ) {}

  /** The node's current name (the PyTorch module name, for weights to bind by name). */
  get name(): string {
    return this.builder.nameOf(this.id);
  }

  /** The tensor on the node's first output port (`output`). */
  get tensor(): PortRef {
    return { node: this.id, port: this.firstPort };
  }

  /** The tensor on one of the node's output ports, e.g. `topk.port('indices')`. */
  port(name: string): PortRef {
    return { node: this.id, port: name };
  }
}

/** Where a layer input comes from: a node (its first output) or one of its ports. */
export type TensorSource = BuiltNode | PortRef;

function tensorOf(source: TensorSource): PortRef {
  return source instanceof BuiltNode ? source.tensor : source;
}

function must<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
}

export class NetworkBuilder {
  private doc: NetworkDocument;

  /** `name` is the network's name, as TensorRT and the generated code name it. */
  constructor(name: string) {
    this.doc = emptyDocument(name);
  }

  /** Add a network input (`addInput`); −1 in `dims` marks a dynamic dimension. */
  input(name: string, dims: number[], dtype: DataType = 'FLOAT'): BuiltNode {
    const added = must(addInput(this.doc, { name, dims, dtype }));
    this.doc = added.doc;
    return new BuiltNode(this, added.nodeId, INPUT_NODE_PORT);
  }

  /**
   * Add a layer of a catalog type (`trt-studio layers` lists them) with its parameters; unset ones
   * take the catalog's defaults. `inputs` wires its `input` port, or (a record) the ports it names.
   */
  layer(type: string, name: string, params: Record<string, ParamValue> = {}, inputs?: TensorSource | Record<string, TensorSource>): BuiltNode {
    const spec = getLayerSpec(type);
    if (!spec) throw new Error(`There is no layer type '${type}' in the catalog; 'trt-studio layers' lists them.`);
    const unknown = Object.keys(params).find((key) => !spec.params.some((p) => p.name === key));
    if (unknown !== undefined)
      throw new Error(`Layer '${name}' (${type}) has no parameter '${unknown}'; ${type} takes ${spec.params.map((p) => p.name).join(', ') || 'none'}.`);
    const added = must(addNode(this.doc, { type, name, params }));
    this.doc = added.doc;
    const node = new BuiltNode(this, added.nodeId, spec.outputs[0]?.name ?? 'output');
    if (inputs === undefined) return node;
    const wires = inputs instanceof BuiltNode || isPortRef(inputs) ? { input: inputs } : inputs;
    for (const [port, from] of Object.entries(wires)) this.connect(from, node, port);
    return node;
  }

  /** Wire a tensor to one input port of a layer (`input` unless named). */
  connect(from: TensorSource, to: BuiltNode, port = 'input'): void {
    this.doc = must(connect(this.doc, tensorOf(from), { node: to.id, port })).doc;
  }

  /** Rename a layer or input, e.g. to the PyTorch module name its weights are stored under. */
  rename(node: BuiltNode, name: string): void {
    this.doc = must(rename(this.doc, node.id, name));
  }

  /** Mark a tensor as a network output (`markOutput`) under `name`. */
  output(name: string, from: TensorSource): void {
    this.doc = must(markOutput(this.doc, tensorOf(from), name));
  }

  /** The node's current name; used by `BuiltNode.name`. */
  nameOf(id: string): string {
    const named = this.doc.nodes.find((n) => n.id === id) ?? this.doc.inputs.find((i) => i.id === id);
    if (!named) throw new Error(`There is no node '${id}' in network '${this.doc.name}'.`);
    return named.name;
  }

  /** The network as a document, laid out left to right and validated as loading a project file would. */
  document(): NetworkDocument {
    const laidOut = { ...this.doc, ui: { ...this.doc.ui, positions: layOut(this.doc) } };
    return must(validateDocument(laidOut, `Network '${this.doc.name}'`));
  }

  /** The `.trtstudio` project file's text; `weightsFile` names the `.wts` file relative to where the project is saved. */
  toProjectFile(weightsFile?: string): string {
    return serializeProject(this.document(), weightsFile);
  }
}

function isPortRef(value: unknown): value is PortRef {
  return typeof value === 'object' && value !== null && typeof (value as PortRef).node === 'string' && typeof (value as PortRef).port === 'string';
}
