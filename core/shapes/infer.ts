/**
 * Graph-wide shape inference: topological order, every node's output dims, its weight slots, and
 * every problem at once (cycles, unconnected inputs, invalid parameter combinations). Composite
 * nodes are inferred by expanding them into primitives, so their shapes follow TensorRT's rules too.
 *
 * Runs on every edit: results are memoised per node object (documents are immutable, so an
 * unchanged node with unchanged input tensors reuses its previous result).
 */
import { error, type Diagnostic } from '../diagnostics.js';
import { BUILTIN_CATALOG, catalogFor, type LayerCatalog } from '../blocks/document-catalog.js';
import { outputPortNames } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { formatDims } from './dims.js';
import { fail, LayerError, type CompositeSpec, type Expansion, type LayerSpec, type TensorInfo, type WeightSlot } from '../layers/types.js';
import { INPUT_NODE_PORT, type NetworkDocument, type NetworkEdge, type NetworkInput, type NetworkNode, type Params, type PortRef } from '../network/types.js';

export interface NodeShapes {
  /** Output tensors by port name. Absent when the node could not be inferred. */
  outputs: Record<string, TensorInfo>;
  /** Weight slots with the counts they expect now. */
  weights: WeightSlot[];
}

/** Read-only: unchanged nodes share their entries and tensors with earlier reports (that is what makes edits cheap). */
export interface ShapeReport {
  /** Per node id (layers and input nodes). */
  nodes: Record<string, NodeShapes>;
  /** Node ids in topological order (nodes inside cycles are left out). */
  order: string[];
  diagnostics: Diagnostic[];
}

interface Evaluated {
  outputs: Record<string, TensorInfo> | undefined;
  weights: WeightSlot[];
  errors: LayerError[];
}

/** What one node computes from its inputs; memoised on the node object and input identities. */
const memo = new WeakMap<NetworkNode, MemoEntry>();

interface MemoEntry {
  /** The spec it was computed with: editing a block definition gives its instances new specs. */
  spec: LayerSpec;
  inputs: Record<string, TensorInfo>;
  result: Evaluated;
  /** The report entry, shared between reports while nothing changes. */
  shapes: NodeShapes;
}

function memoOf(node: NetworkNode | undefined): MemoEntry | undefined {
  return node ? memo.get(node) : undefined;
}

/** Unconnected required ports per wiring and layer type; wirings are reused while the edges do not change. */
const unconnectedMemo = new WeakMap<ReadonlyMap<string, PortRef>, { spec: LayerSpec; ports: string[] }>();

function unconnectedInputs(spec: LayerSpec, wires: ReadonlyMap<string, PortRef>): string[] {
  const cached = unconnectedMemo.get(wires);
  if (cached?.spec === spec) return cached.ports;
  const ports = missingInputs(spec, wires);
  if (wires !== NO_WIRES) unconnectedMemo.set(wires, { spec, ports });
  return ports;
}

/**
 * The node object last seen under each id, so an edited node (a new object) can compare its new
 * outputs with its old ones: equal outputs keep their old identity and everything downstream stays
 * memoised, which is what keeps a one-parameter edit cheap on a large graph.
 */
const lastNodeById = new Map<string, NetworkNode>();

function sameTensor(a: TensorInfo, b: TensorInfo): boolean {
  return a.dtype === b.dtype && a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i]);
}

/** `fresh` with each output that equals the previous result's replaced by the previous object. */
function reuseOutputs(fresh: Evaluated, old: Evaluated | undefined): Evaluated {
  if (!old?.outputs || !fresh.outputs) return fresh;
  const outputs: Record<string, TensorInfo> = {};
  for (const [port, t] of Object.entries(fresh.outputs)) {
    const before = old.outputs[port];
    outputs[port] = before && sameTensor(before, t) ? before : t;
  }
  return { ...fresh, outputs };
}

function sameInputs(a: Record<string, TensorInfo>, b: Record<string, TensorInfo>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/** The wiring of a document: recomputed only when its edge list or its node ids change. */
interface GraphStructure {
  /** Node ids in document order and the edge count, to check that a cached structure still fits. */
  ids: string[];
  edgeCount: number;
  /** Layer node ids in topological order (nodes inside cycles are left out). */
  order: string[];
  /** The same order as indices into the document's node list (valid while `ids` matches). */
  orderIndex: number[];
  /** Incoming wire per input port, per node id. */
  incoming: Map<string, Map<string, PortRef>>;
  /** Ids of nodes that sit on or behind a cycle. */
  inCycle: string[];
}

/** Parameter edits share the edge list, so the topological sort is reused for them (the benchmark's common case). */
const structures = new WeakMap<readonly NetworkEdge[], GraphStructure>();

/** Input tensors per network input, so an unchanged input keeps its identity and its consumers stay memoised. */
const inputTensors = new WeakMap<NetworkInput, TensorInfo>();

function graphStructure(doc: NetworkDocument): GraphStructure {
  const cached = structures.get(doc.edges);
  if (cached && cached.edgeCount === doc.edges.length && cached.ids.length === doc.nodes.length && doc.nodes.every((n, i) => n.id === cached.ids[i]))
    return cached;
  const ids = doc.nodes.map((n) => n.id);
  const known = new Set(ids);
  const incoming = new Map<string, Map<string, PortRef>>();
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  const dependents = new Map<string, string[]>();
  for (const edge of doc.edges) {
    if (!known.has(edge.to.node)) continue;
    let ports = incoming.get(edge.to.node);
    if (!ports) incoming.set(edge.to.node, (ports = new Map()));
    ports.set(edge.to.port, edge.from);
    if (known.has(edge.from.node)) {
      indegree.set(edge.to.node, (indegree.get(edge.to.node) ?? 0) + 1);
      const list = dependents.get(edge.from.node);
      if (list) list.push(edge.to.node);
      else dependents.set(edge.from.node, [edge.to.node]);
    }
  }
  // Kahn's algorithm, stable in document order.
  const order: string[] = [];
  const ready = ids.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    order.push(id);
    for (const next of dependents.get(id) ?? []) {
      const left = indegree.get(next)! - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  const inCycle = order.length < ids.length ? ids.filter((id) => indegree.get(id)! > 0) : [];
  const position = new Map(ids.map((id, i) => [id, i]));
  const orderIndex = order.map((id) => position.get(id)!);
  const structure = { ids, edgeCount: doc.edges.length, order, orderIndex, incoming, inCycle };
  structures.set(doc.edges, structure);
  return structure;
}

export function inferShapes(doc: NetworkDocument): ShapeReport {
  const diagnostics: Diagnostic[] = [];
  const nodes: Record<string, NodeShapes> = {};

  for (const input of doc.inputs) {
    let t = inputTensors.get(input);
    if (!t) inputTensors.set(input, (t = { dims: [...input.dims], dtype: input.dtype }));
    nodes[input.id] = { outputs: { [INPUT_NODE_PORT]: t }, weights: [] };
  }

  const catalog = catalogFor(doc);
  const { order, orderIndex, incoming, inCycle } = graphStructure(doc);
  if (inCycle.length > 0) {
    const cycleIds = new Set(inCycle);
    const cycle = doc.nodes.filter((n) => cycleIds.has(n.id));
    const names = cycle.map((n) => `'${n.name}'`).join(', ');
    for (const n of cycle)
      diagnostics.push(error('shape.cycle', `Layer '${n.name}' is part of a cycle (${names}); TensorRT networks must be acyclic.`, { nodeId: n.id }));
  }

  for (const index of orderIndex) {
    const node = doc.nodes[index]!;
    const id = node.id;
    const spec = catalog.nodeSpec(node);
    if (!spec) {
      diagnostics.push(error('shape.type.unknown', `Layer '${node.name}' has the unknown type '${node.type}'.`, { nodeId: id }));
      continue;
    }
    const wires = incoming.get(id) ?? NO_WIRES;
    const inputs: Record<string, TensorInfo> = {};
    let upstreamMissing = false;
    for (const [port, from] of wires) {
      const source = nodes[from.node];
      const tensor = source?.outputs[from.port];
      if (tensor) inputs[port] = tensor;
      else upstreamMissing = true;
      // A source that inferred but lacks the port: its parameters now give fewer outputs (a Split with fewer sizes).
      const sourceOutputs = source ? Object.keys(source.outputs) : [];
      if (!tensor && sourceOutputs.length > 0) {
        const sourceName = doc.nodes.find((n) => n.id === from.node)?.name ?? from.node;
        diagnostics.push(
          error(
            'shape.input.port',
            `Layer '${node.name}' reads the output '${from.port}' of '${sourceName}', which has only the outputs ${sourceOutputs.join(', ')}; rewire it or change '${sourceName}'.`,
            { nodeId: id, field: port },
          ),
        );
      }
    }
    const unconnected = unconnectedInputs(spec, wires);
    for (const port of unconnected)
      diagnostics.push(
        error('shape.input.unconnected', `Layer '${node.name}' (${spec.type}) needs its '${port}' input connected.`, { nodeId: id, field: port }),
      );
    if (unconnected.length > 0 || upstreamMissing) {
      // Without all inputs there is nothing to infer; upstream problems are reported on their own nodes.
      nodes[id] = { outputs: {}, weights: fallbackWeights(spec, completeParams(spec.params, node.params), inputs, catalog) };
      continue;
    }
    let entry = memo.get(node);
    if (!entry || entry.spec !== spec || !sameInputs(entry.inputs, inputs)) {
      // A new node object (an edit) is compared with the one it replaced, so equal outputs keep their identity.
      const previous = entry ?? memoOf(lastNodeById.get(id));
      lastNodeById.set(id, node);
      const result = reuseOutputs(evaluate(spec, completeParams(spec.params, node.params), inputs, catalog), previous?.result);
      entry = { spec, inputs, result, shapes: { outputs: result.outputs ?? {}, weights: result.weights } };
      memo.set(node, entry);
    }
    nodes[id] = entry.shapes;
    for (const e of entry.result.errors)
      diagnostics.push(error('shape.invalid', `Layer '${node.name}' (${spec.type}): ${e.message}.`, { nodeId: id, ...(e.field ? { field: e.field } : {}) }));
  }

  return { nodes, order: [...order], diagnostics };
}

const NO_WIRES: ReadonlyMap<string, PortRef> = new Map();

/** Required ports without a wire; a variadic port needs `minCount` wires. */
function missingInputs(spec: LayerSpec, wires: ReadonlyMap<string, unknown>): string[] {
  const missing: string[] = [];
  for (const port of spec.inputs) {
    if (port.optional) continue;
    if (port.variadic) {
      let count = 0;
      for (const key of wires.keys()) if (key.startsWith(`${port.name}.`)) count++;
      if (count < (port.minCount ?? 1)) missing.push(`${port.name}.${count}`);
    } else if (!wires.has(port.name)) {
      missing.push(port.name);
    }
  }
  return missing;
}

function safeWeights(spec: LayerSpec, params: Params, inputs: Record<string, TensorInfo>): WeightSlot[] {
  try {
    return spec.weights ? spec.weights({ params, inputs }) : [];
  } catch {
    return [];
  }
}

/** Infer one node: a primitive directly, a composite through its expansion (inner types looked up in `catalog`). */
export function evaluate(spec: LayerSpec, params: Params, inputs: Record<string, TensorInfo>, catalog: LayerCatalog = BUILTIN_CATALOG): Evaluated {
  try {
    checkInputDerived(spec, params, inputs);
    if (spec.kind === 'primitive') {
      const tensors = spec.infer({ params, inputs });
      const outputs: Record<string, TensorInfo> = {};
      outputPortNames(spec, params).forEach((port, i) => {
        if (tensors[i]) outputs[port] = tensors[i];
      });
      return { outputs, weights: safeWeights(spec, params, inputs), errors: [] };
    }
    return evaluateComposite(spec, params, inputs, catalog);
  } catch (e) {
    if (e instanceof LayerError) return { outputs: undefined, weights: fallbackWeights(spec, params, inputs, catalog), errors: [e] };
    throw e;
  }
}

/**
 * A parameter that follows from the input (a block's `inplanes`) must agree with it: otherwise the
 * expansion would build weights for the wrong input and TensorRT would refuse them much later.
 */
function checkInputDerived(spec: LayerSpec, params: Params, inputs: Record<string, TensorInfo>): void {
  const first = spec.inputs[0];
  const input = first && inputs[first.variadic ? `${first.name}.0` : first.name];
  if (!input) return;
  for (const d of spec.fromInput ?? []) {
    const expected = d.value(input);
    const actual = params[d.param];
    if (expected !== undefined && actual !== expected)
      fail(`${d.param} is ${String(actual)} but the input ${formatDims(input.dims)} has ${expected} ${d.what}`, d.param);
  }
}

/**
 * Slots of a node whose inference failed: a composite that derives its slots still lists them (with
 * unknown counts), so the weights panel keeps showing what the node needs while the error is fixed.
 */
export function fallbackWeights(spec: LayerSpec, params: Params, inputs: Record<string, TensorInfo>, catalog: LayerCatalog = BUILTIN_CATALOG): WeightSlot[] {
  if (spec.kind === 'primitive' || spec.weights) return safeWeights(spec, params, inputs);
  try {
    const expansion = spec.expand(params, inputs);
    // Relative slots need the inner slots; without input shapes they are listed with unknown counts.
    const inner: Record<string, NodeShapes> = {};
    for (const id of expansion.relativeWeights ?? []) {
      const n = expansion.nodes.find((x) => x.id === id);
      const innerSpec = n && catalog.spec(n.type);
      if (n && innerSpec) inner[id] = { outputs: {}, weights: fallbackWeights(innerSpec, completeParams(innerSpec.params, n.params), {}, catalog) };
    }
    return derivedCompositeSlots(expansion, inner);
  } catch {
    return [];
  }
}

/** The result of inferring a composite's expansion, also used by lowering. */
export interface ExpansionShapes {
  expansion: Expansion;
  /** Inner node id → its outputs and weight slots. */
  nodes: Record<string, NodeShapes>;
}

/** Expand a composite and infer its inner nodes in order; inner errors are named after the inner node. */
export function inferExpansion(
  spec: CompositeSpec,
  params: Params,
  inputs: Record<string, TensorInfo>,
  catalog: LayerCatalog = BUILTIN_CATALOG,
): ExpansionShapes {
  const expansion = spec.expand(params, inputs);
  const inner: Record<string, NodeShapes> = {};
  const pending = new Set(expansion.nodes.map((n) => n.id));
  // Expansions are small and written in dependency order; loop until every node is placed.
  while (pending.size > 0) {
    let progressed = false;
    for (const n of expansion.nodes) {
      if (!pending.has(n.id)) continue;
      const wires = expansion.edges.filter((e) => e.to.node === n.id);
      const ready = wires.every((w) => 'input' in w.from || !pending.has(w.from.node));
      if (!ready) continue;
      pending.delete(n.id);
      progressed = true;
      const innerSpec = catalog.spec(n.type);
      if (!innerSpec) throw new Error(`Composite '${spec.type}' expands to the unknown type '${n.type}'.`);
      const innerInputs: Record<string, TensorInfo> = {};
      for (const w of wires) {
        const t = 'input' in w.from ? inputs[w.from.input] : inner[w.from.node]?.outputs[w.from.port];
        if (t) innerInputs[w.to.port] = t;
      }
      const result = evaluate(innerSpec, completeParams(innerSpec.params, n.params), innerInputs, catalog);
      const firstError = result.errors[0];
      if (firstError) throw new LayerError(`in '${n.name}' (${innerSpec.type}): ${firstError.message}`, firstError.field);
      inner[n.id] = { outputs: result.outputs ?? {}, weights: result.weights };
    }
    if (!progressed) throw new Error(`Composite '${spec.type}' expands to a graph with a cycle.`);
  }
  return { expansion, nodes: inner };
}

function evaluateComposite(spec: CompositeSpec, params: Params, inputs: Record<string, TensorInfo>, catalog: LayerCatalog): Evaluated {
  const { expansion, nodes: inner } = inferExpansion(spec, params, inputs, catalog);
  const outputs: Record<string, TensorInfo> = {};
  for (const [port, from] of Object.entries(expansion.outputs)) {
    const t = 'input' in from ? inputs[from.input] : inner[from.node]?.outputs[from.port];
    if (t) outputs[port] = t;
  }
  const weights = spec.weights ? spec.weights({ params, inputs }) : derivedCompositeSlots(expansion, inner);
  return { outputs, weights, errors: [] };
}

/** The composite's slot name for inner slot `slot` of a relative inner node named `innerName`: `conv1` + `weight`. */
export function relativeSlotName(innerName: string, slot: WeightSlot): string {
  return slot.torchSuffix === '' ? innerName : `${innerName}.${slot.torchSuffix}`;
}

/** A composite without its own slot list exposes the inner slots its expansion passes through. */
function derivedCompositeSlots(expansion: Expansion, inner: Record<string, NodeShapes>): WeightSlot[] {
  const slots = new Map<string, WeightSlot>();
  for (const id of expansion.relativeWeights ?? []) {
    const name = expansion.nodes.find((n) => n.id === id)?.name;
    if (name === undefined) continue;
    for (const s of inner[id]?.weights ?? []) {
      const outer = relativeSlotName(name, s);
      if (!slots.has(outer)) slots.set(outer, { ...s, name: outer, torchSuffix: outer });
    }
  }
  for (const w of expansion.weights) {
    const innerSlot = inner[w.node]?.weights.find((s) => s.name === w.slot);
    const count = innerSlot?.count;
    const add = (name: string, shape: number[] | undefined, optional: boolean) => {
      if (!slots.has(name)) slots.set(name, { name, doc: innerSlot?.doc ?? name, torchSuffix: name, count, shape, ...(optional ? { optional } : {}) });
    };
    const src = w.source;
    if (src.kind === 'slot') add(src.slot, innerSlot?.shape, innerSlot?.optional ?? false);
    else if (src.kind === 'values') continue;
    else {
      const shape = count === undefined ? undefined : [count];
      add(src.gamma, shape, false);
      add(src.var, shape, false);
      if (src.kind === 'batchNormShift') {
        add(src.beta, shape, false);
        add(src.mean, shape, false);
      }
    }
  }
  return [...slots.values()];
}
