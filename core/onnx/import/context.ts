/**
 * What an ONNX op importer works through: the values of the graph (tensors on the canvas or
 * constants known at import time), adding catalog layers with their shapes checked, binding weights,
 * and reporting a node that cannot be imported. Like onnx-tensorrt's ImporterContext.
 */
import { getLayerSpec } from '../../layers/catalog.js';
import { completeParams } from '../../layers/params.js';
import type { TensorInfo } from '../../layers/types.js';
import type { DataType, Params, PortRef } from '../../network/types.js';
import { evaluate } from '../../shapes/infer.js';
import { formatDims } from '../../shapes/dims.js';
import type { TemplateBuilder } from '../../templates/builder.js';
import type { ConstTensor, OnnxAttributeValue, OnnxNodeData } from './onnx-file.js';

/** A tensor produced by a layer (or a network input) on the canvas. */
export interface GraphTensor {
  kind: 'tensor';
  port: PortRef;
  info: TensorInfo;
}

/** A tensor whose values are known at import time: an initializer, a Constant, or folded arithmetic. */
export interface ConstValue {
  kind: 'constant';
  tensor: ConstTensor;
}

export type Value = GraphTensor | ConstValue;

/** A node that cannot be imported as it is; the message says why. */
export class ImportError extends Error {}

/** A node that needs every dimension of a tensor known (the import may retry with dynamic dims fixed at 1). */
export class StaticDimsError extends ImportError {}

export function importFail(message: string): never {
  throw new ImportError(message);
}

/** The state one import shares across its importers. */
export class ImportState {
  readonly values = new Map<string, Value>();
  /** Weight name → values; the importer's half of the project's weight set. */
  readonly weights = new Map<string, Float32Array>();
  /** Canvas node id → slot → weight name. */
  readonly bindings: Record<string, Record<string, string>> = {};
  readonly names = new Set<string>();
  /** Constants already placed on the canvas, by weight name and dims, so a shared initializer becomes one node. */
  readonly placedConstants = new Map<string, GraphTensor>();
  /** Tensor name → the nodes that read it; graph outputs count as readers too (see `graphOutputs`). */
  readonly consumers = new Map<string, OnnxNodeData[]>();
  readonly graphOutputs = new Set<string>();
  /** Nodes another importer took over (the Add of a MatMul that became a Linear with bias). */
  readonly absorbed = new Set<string>();
  readonly nodesByName = new Map<string, OnnxNodeData>();

  constructor(
    readonly builder: TemplateBuilder,
    readonly opset: number,
    nodes: readonly OnnxNodeData[],
    outputs: readonly string[],
  ) {
    for (const node of nodes) {
      this.nodesByName.set(node.name, node);
      for (const input of node.inputs) {
        if (!input) continue;
        const list = this.consumers.get(input);
        if (list) list.push(node);
        else this.consumers.set(input, [node]);
      }
    }
    for (const o of outputs) this.graphOutputs.add(o);
  }

  /** A unique document name: `base`, then `base_2`, ... */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 2; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** A weight name for new values (folded or reshaped); initializer names are kept as they are. */
  addWeight(base: string, data: Float32Array): string {
    let name = base;
    for (let i = 2; this.weights.has(name) && this.weights.get(name) !== data; i++) name = `${base}_${i}`;
    this.weights.set(name, data);
    return name;
  }
}

/** The interface one importer sees for one ONNX node. */
export class NodeContext {
  private layers = 0;
  private nameReserved = false;

  constructor(
    readonly state: ImportState,
    readonly node: OnnxNodeData,
  ) {}

  get opset(): number {
    return this.state.opset;
  }

  /** Input `i`, or undefined when it is absent or the empty name (an omitted optional input). */
  optional(i: number): Value | undefined {
    const name = this.node.inputs[i];
    if (!name) return undefined;
    const v = this.state.values.get(name);
    if (!v) importFail(`its input '${name}' is produced by no node, initializer or graph input`);
    return v;
  }

  input(i: number): Value {
    const v = this.optional(i);
    if (!v) importFail(`it needs input ${i + 1}, which is missing`);
    return v;
  }

  /** Input `i` as a value known at import time (weights, shapes, axes). */
  constant(i: number, what: string, allowDynamicDims = false): ConstTensor {
    const v = this.input(i);
    if (v.kind !== 'constant')
      importFail(`its ${what} (input ${i + 1}, '${this.node.inputs[i]!}') must be known at import time, but it is computed by the network`);
    if (!allowDynamicDims && hasDynamicDims(v.tensor))
      importFail(`its ${what} (input ${i + 1}, '${this.node.inputs[i]!}') depends on a dynamic input dimension, which is not known at import time`);
    return v.tensor;
  }

  optionalConstant(i: number, what: string): ConstTensor | undefined {
    return this.optional(i) ? this.constant(i, what) : undefined;
  }

  attr(name: string): OnnxAttributeValue {
    return this.node.attributes.get(name);
  }
  int(name: string, fallback: number): number {
    const v = this.attr(name);
    return typeof v === 'number' ? v : fallback;
  }
  float(name: string, fallback: number): number {
    return this.int(name, fallback);
  }
  ints(name: string): number[] | undefined {
    const v = this.attr(name);
    return Array.isArray(v) ? (v as number[]) : undefined;
  }
  string(name: string, fallback: string): string {
    const v = this.attr(name);
    return typeof v === 'string' ? v : fallback;
  }

  /** The one node that reads output `i`, when exactly one does and it is not a graph output. */
  soleConsumer(i: number): OnnxNodeData | undefined {
    const name = this.node.outputs[i];
    if (!name || this.state.graphOutputs.has(name)) return undefined;
    const readers = this.state.consumers.get(name) ?? [];
    return readers.length === 1 && readers[0]!.inputs.filter((x) => x === name).length === 1 ? readers[0] : undefined;
  }

  /** Take over another node: it is skipped, and its output is what this importer says (`outputOf`). */
  absorb(nodeName: string): void {
    this.state.absorbed.add(nodeName);
  }

  /** Define the first output of another (absorbed) node. */
  outputOf(nodeName: string, value: Value): void {
    const name = this.state.nodesByName.get(nodeName)?.outputs[0];
    if (name) this.state.values.set(name, value);
  }

  /** Define output `i` of the node. */
  output(i: number, value: Value): void {
    const name = this.node.outputs[i];
    if (name) this.state.values.set(name, value);
  }

  /** Keep the node's name for a later layer, the one that is the node, added with the suffix ''. */
  reserveNodeName(): void {
    this.nameReserved = true;
  }

  /**
   * Add a catalog layer. The first layer of a node takes the node's name (or, after
   * `reserveNodeName`, the one with the suffix ''), the others `<node>/<suffix>`; its outputs are
   * inferred right away so a mismatch names this node.
   */
  layer(type: string, suffix: string, params: Params, wires: Record<string, GraphTensor>, weights: Record<string, string> = {}): GraphTensor[] {
    const spec = getLayerSpec(type)!;
    const full = completeParams(spec.params, params);
    const infos: Record<string, TensorInfo> = {};
    const ports: Record<string, PortRef> = {};
    for (const [port, t] of Object.entries(wires)) {
      infos[port] = t.info;
      ports[port] = t.port;
    }
    const evaluated = evaluate(spec, full, infos);
    if (!evaluated.outputs || evaluated.errors.length > 0)
      importFail(
        `as ${type} it is invalid: ${evaluated.errors.map((e) => e.message).join('; ')} (inputs ${Object.values(infos)
          .map((t) => formatDims(t.dims))
          .join(', ')})`,
      );
    const ownName = this.nameReserved ? suffix === '' : this.layers === 0;
    this.layers++;
    const name = this.state.uniqueName(ownName ? this.node.name : `${this.node.name}/${suffix}`);
    const out = this.state.builder.layer(type, name, full, ports);
    if (Object.keys(weights).length > 0) this.state.bindings[out.node] = weights;
    return spec.outputs.map((p) => ({ kind: 'tensor', port: { node: out.node, port: p.name }, info: evaluated.outputs![p.name]! }));
  }

  /** A single-output layer. */
  layer1(type: string, suffix: string, params: Params, wires: Record<string, GraphTensor>, weights: Record<string, string> = {}): GraphTensor {
    return this.layer(type, suffix, params, wires, weights)[0]!;
  }

  /** The weight name for a FLOAT constant: its initializer name, or a new name under this node. */
  weightName(c: ConstTensor, suffix: string): string {
    if (c.dtype !== 'FLOAT' || !(c.data instanceof Float32Array)) importFail(`its ${suffix} is ${c.dtype}, but weights must be FLOAT`);
    if (c.name && (!this.state.weights.has(c.name) || this.state.weights.get(c.name) === c.data)) {
      this.state.weights.set(c.name, c.data);
      return c.name;
    }
    return this.state.addWeight(`${this.node.name}.${suffix}`, c.data);
  }

  /** A value as a tensor on the canvas: a constant becomes an addConstant (FLOAT only), shared by name and dims. */
  tensor(v: Value, suffix = 'constant'): GraphTensor {
    if (v.kind === 'tensor') return v;
    const c = v.tensor;
    if (c.dtype !== 'FLOAT')
      importFail(`its ${suffix} is a ${c.dtype} constant ${formatDims(c.dims)} used as a network tensor; only FLOAT constants can be placed on the canvas`);
    if (c.dims.some((d) => d === 0)) importFail(`its ${suffix} is an empty constant ${formatDims(c.dims)}`);
    const weight = this.weightName(c, suffix);
    const key = `${weight}|${c.dims.join(',')}`;
    const placed = this.state.placedConstants.get(key);
    if (placed) return placed;
    const t = this.constantLayer(c.name && weight === c.name ? c.name : `${this.node.name}/${suffix}`, c.dims, weight);
    this.state.placedConstants.set(key, t);
    return t;
  }

  private constantLayer(base: string, dims: number[], weight: string): GraphTensor {
    const name = this.state.uniqueName(base);
    const out = this.state.builder.layer('addConstant', name, completeParams(getLayerSpec('addConstant')!.params, { dimensions: dims }), {});
    this.state.bindings[out.node] = { weights: weight };
    return { kind: 'tensor', port: out, info: { dims: [...dims], dtype: 'FLOAT' } };
  }

  /** Give a value `rank` dims by adding leading 1s (ONNX broadcasting; TensorRT needs equal ranks). */
  withRank(v: Value, rank: number, suffix: string): Value {
    const dims = v.kind === 'tensor' ? v.info.dims : v.tensor.dims;
    if (dims.length >= rank) return v;
    const extra = rank - dims.length;
    if (v.kind === 'constant') {
      const { name: _name, transposeOf: _t, ...rest } = v.tensor;
      // Same values, more dims: the initializer name still describes them.
      return { kind: 'constant', tensor: { ...rest, dims: [...Array<number>(extra).fill(1), ...dims], ...(v.tensor.name ? { name: v.tensor.name } : {}) } };
    }
    return this.layer1('addUnsqueeze', `${suffix}_unsqueeze`, { axes: Array.from({ length: extra }, (_, i) => i) }, { input: v });
  }
}

/** Dims of a value. */
export function dimsOf(v: Value): number[] {
  return v.kind === 'tensor' ? v.info.dims : v.tensor.dims;
}

export function dtypeOf(v: Value): DataType {
  return v.kind === 'tensor' ? v.info.dtype : v.tensor.dtype;
}

/**
 * A dynamic dimension read by Shape stands in the folded shape values as DYNAMIC_DIM + its axis, so
 * it survives Gather, Concat, Unsqueeze and Cast (which copy values) and a Reshape can use it as 0
 * (copy that dimension); arithmetic on it is refused (see fold.ts).
 */
export const DYNAMIC_DIM = -(2 ** 52);

export function dynamicDimAxis(v: number): number | undefined {
  return v >= DYNAMIC_DIM && v < DYNAMIC_DIM + 64 ? v - DYNAMIC_DIM : undefined;
}

export function hasDynamicDims(c: ConstTensor): boolean {
  return c.dtype !== 'FLOAT' && (c.data as number[]).some((v) => dynamicDimAxis(v) !== undefined);
}

/** The values of an integer constant (axes, shapes, sizes) as numbers. */
export function intValues(c: ConstTensor): number[] {
  return Array.from(c.data, (x) => Math.trunc(x));
}

/** One importer per ONNX op, like onnx-tensorrt's DEFINE_BUILTIN_OP_IMPORTER. */
export type OpImporter = (ctx: NodeContext) => void;
