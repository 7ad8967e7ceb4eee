/**
 * Pure edit operations on the network document. Each returns a new document (the input is never
 * mutated) or, for an edit that would make the document invalid, the Diagnostic that says why.
 */
import { error, type Result } from '../diagnostics.js';
import { catalogFor, specIn } from '../blocks/document-catalog.js';
import { checkRepeat } from '../blocks/validate.js';
import { findInputPort, findOutputPort, outputPortNames } from '../layers/catalog.js';
import { LayerError, type Expansion } from '../layers/types.js';
import { inferShapes } from '../shapes/infer.js';
import { checkParam, completeParams, defaultParams } from '../layers/params.js';
import { freshId, freshName, usedIds } from './ids.js';
import {
  DATA_TYPES,
  INPUT_NODE_PORT,
  type DataType,
  type NetworkInput,
  type NetworkDocument,
  type NetworkEdge,
  type NetworkNode,
  type ParamValue,
  type PortRef,
} from './types.js';

type EditResult<T = NetworkDocument> = Result<T>;

function done<T>(value: T): EditResult<T> {
  return { ok: true, value };
}
function refuse<T>(code: string, message: string, nodeId?: string, field?: string): EditResult<T> {
  return { ok: false, diagnostics: [error(code, message, { ...(nodeId ? { nodeId } : {}), ...(field ? { field } : {}) })] };
}

function cloneParams(params: NetworkNode['params']): NetworkNode['params'] {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
}

/** A repeat copied for a new node, so the two never share a `first` object. */
function copyRepeat(repeat: NonNullable<NetworkNode['repeat']>): NonNullable<NetworkNode['repeat']> {
  return { ...repeat, ...(repeat.first ? { first: cloneParams(repeat.first) } : {}) };
}

function findNode(doc: NetworkDocument, id: string): NetworkNode | undefined {
  return doc.nodes.find((n) => n.id === id);
}

/** The layer or input name shown in messages. */
function nodeLabel(doc: NetworkDocument, id: string): string {
  return findNode(doc, id)?.name ?? doc.inputs.find((i) => i.id === id)?.name ?? id;
}

export interface NewNode {
  type: string;
  name?: string;
  params?: Record<string, ParamValue>;
  position?: { x: number; y: number };
}

/** Add a layer; its name defaults to a unique one derived from the type (`conv`, `conv_2`, ...). */
export function addNode(doc: NetworkDocument, node: NewNode): EditResult<{ doc: NetworkDocument; nodeId: string }> {
  const spec = specIn(doc, node.type);
  if (!spec) return refuse('edit.type.unknown', `There is no layer type '${node.type}' in the catalog.`);
  // A misspelt parameter would otherwise be kept silently and ignored by every backend.
  const stray = Object.keys(node.params ?? {}).find((k) => !spec.params.some((p) => p.name === k));
  if (stray !== undefined) return refuse('edit.param.unknown', `${spec.type} has no parameter '${stray}'.`, undefined, stray);
  const params = { ...defaultParams(spec.params), ...node.params };
  for (const p of spec.params) {
    const why = checkParam(p, params[p.name]);
    if (why) return refuse('edit.param.invalid', `Parameter '${p.name}' of a new ${spec.type}: ${why}.`, undefined, p.name);
  }
  const names = new Set(doc.nodes.map((n) => n.name));
  if (node.name !== undefined && names.has(node.name))
    return refuse('edit.name.duplicate', `A layer named '${node.name}' already exists; layer names must be unique.`, undefined, 'name');
  const id = freshId(usedIds(doc), 'n');
  const name = node.name ?? freshName(names, defaultNameFor(spec.type));
  const next: NetworkDocument = { ...doc, nodes: [...doc.nodes, { id, type: spec.type, name, params }] };
  if (node.position) next.ui = { ...doc.ui, positions: { ...doc.ui.positions, [id]: node.position } };
  return done({ doc: next, nodeId: id });
}

/** `addConvolutionNd` → `convolution`; composites keep their name in lower case (`batchnorm2d`). */
function defaultNameFor(type: string): string {
  const bare = type.startsWith('add') ? type.slice(3).replace(/Nd$|V2$/, '') : type;
  return bare.toLowerCase();
}

/** Remove layers or inputs with every wire, output, binding, position and group membership that refers to them. */
export function removeNodes(doc: NetworkDocument, ids: readonly string[]): EditResult {
  const gone = new Set(ids);
  const unknown = ids.filter((id) => !findNode(doc, id) && !doc.inputs.some((i) => i.id === id));
  if (unknown.length > 0) return refuse('edit.node.unknown', `Cannot remove '${unknown[0]}': there is no such node.`);
  const positions = Object.fromEntries(Object.entries(doc.ui.positions).filter(([id]) => !gone.has(id)));
  const bindings = Object.fromEntries(Object.entries(doc.bindings).filter(([id]) => !gone.has(id)));
  const groups = doc.ui.groups.map((g) => ({ ...g, nodeIds: g.nodeIds.filter((id) => !gone.has(id)) })).filter((g) => g.nodeIds.length > 0);
  return done({
    ...doc,
    inputs: doc.inputs.filter((i) => !gone.has(i.id)),
    nodes: doc.nodes.filter((n) => !gone.has(n.id)),
    edges: doc.edges.filter((e) => !gone.has(e.from.node) && !gone.has(e.to.node)),
    outputs: doc.outputs.filter((o) => !gone.has(o.from.node)),
    bindings,
    ui: { ...doc.ui, positions, groups },
  });
}

/** Whether `to` can reach `from` already, so that a wire from → to would close a cycle. */
function reaches(doc: NetworkDocument, start: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of doc.edges) if (e.from.node === id) stack.push(e.to.node);
  }
  return false;
}

/** Why a wire from → to is not allowed, or undefined. Shape compatibility is judged by shape inference afterwards. */
export function connectionProblem(doc: NetworkDocument, from: PortRef, to: PortRef): string | undefined {
  const source = findNode(doc, from.node);
  const sourceInput = doc.inputs.find((i) => i.id === from.node);
  if (!source && !sourceInput) return `there is no node '${from.node}'`;
  if (sourceInput && from.port !== INPUT_NODE_PORT) return `input '${sourceInput.name}' has only the port '${INPUT_NODE_PORT}'`;
  if (source && !findOutputPort(specIn(doc, source.type)!, from.port, source.params)) return `'${source.name}' has no output '${from.port}'`;
  const target = findNode(doc, to.node);
  if (!target) return doc.inputs.some((i) => i.id === to.node) ? `a network input takes no wires` : `there is no node '${to.node}'`;
  if (!findInputPort(specIn(doc, target.type)!, to.port)) return `'${target.name}' has no input '${to.port}'`;
  if (doc.edges.some((e) => e.to.node === to.node && e.to.port === to.port))
    return `the input '${to.port}' of '${target.name}' already has a wire; an input takes one wire`;
  if (from.node === to.node || reaches(doc, to.node, from.node)) return `it would make a cycle through '${nodeLabel(doc, from.node)}' and '${target.name}'`;
  return undefined;
}

export function connect(doc: NetworkDocument, from: PortRef, to: PortRef): EditResult<{ doc: NetworkDocument; edgeId: string }> {
  const why = connectionProblem(doc, from, to);
  if (why)
    return refuse(
      'edit.connect',
      `Cannot connect ${nodeLabel(doc, from.node)}.${from.port} to ${nodeLabel(doc, to.node)}.${to.port}: ${why}.`,
      to.node,
      to.port,
    );
  const id = freshId(usedIds(doc), 'e');
  // Only the two fields of a port: callers pass UI objects (a dragged endpoint carries its `side`).
  const edge: NetworkEdge = { id, from: { node: from.node, port: from.port }, to: { node: to.node, port: to.port } };
  return done({ doc: { ...doc, edges: [...doc.edges, edge] }, edgeId: id });
}

export function disconnect(doc: NetworkDocument, edgeIds: readonly string[]): EditResult {
  const gone = new Set(edgeIds);
  const missing = edgeIds.find((id) => !doc.edges.some((e) => e.id === id));
  if (missing) return refuse('edit.edge.unknown', `There is no wire '${missing}'.`);
  return done({ ...doc, edges: doc.edges.filter((e) => !gone.has(e.id)) });
}

export function setParam(doc: NetworkDocument, nodeId: string, name: string, value: ParamValue): EditResult {
  const node = findNode(doc, nodeId);
  if (!node) return refuse('edit.node.unknown', `There is no layer '${nodeId}'.`);
  const spec = specIn(doc, node.type)!;
  const pspec = spec.params.find((p) => p.name === name);
  if (!pspec) return refuse('edit.param.unknown', `${node.type} has no parameter '${name}'.`, nodeId, name);
  const why = checkParam(pspec, value);
  if (why) return refuse('edit.param.invalid', `Layer '${node.name}' parameter '${name}': ${why}.`, nodeId, name);
  const updated: NetworkNode = { ...node, params: { ...node.params, [name]: Array.isArray(value) ? [...value] : value } };
  return done({ ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? updated : n)) });
}

/** Rename a layer or a network input. Names are unique among layers and among inputs. */
export function rename(doc: NetworkDocument, nodeId: string, name: string): EditResult {
  const trimmed = name.trim();
  if (trimmed.length === 0) return refuse('edit.name.empty', 'A name cannot be empty.', nodeId, 'name');
  const input = doc.inputs.find((i) => i.id === nodeId);
  if (input) {
    if (doc.inputs.some((i) => i.id !== nodeId && i.name === trimmed))
      return refuse('edit.name.duplicate', `An input named '${trimmed}' already exists; input names must be unique.`, nodeId, 'name');
    return done({ ...doc, inputs: doc.inputs.map((i) => (i.id === nodeId ? { ...i, name: trimmed } : i)) });
  }
  const node = findNode(doc, nodeId);
  if (!node) return refuse('edit.node.unknown', `There is no layer '${nodeId}'.`);
  if (doc.nodes.some((n) => n.id !== nodeId && n.name === trimmed))
    return refuse('edit.name.duplicate', `A layer named '${trimmed}' already exists; layer names must be unique.`, nodeId, 'name');
  return done({ ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, name: trimmed } : n)) });
}

/** Copy layers with the wires among them (not wires from outside), new ids and unique names, offset on the canvas. */
export function duplicate(
  doc: NetworkDocument,
  ids: readonly string[],
  offset = { x: 40, y: 40 },
): EditResult<{ doc: NetworkDocument; idMap: Record<string, string> }> {
  const originals = ids.map((id) => findNode(doc, id));
  const missing = ids.find((_, i) => !originals[i]);
  if (missing) return refuse('edit.node.unknown', `Cannot duplicate '${missing}': there is no such layer.`);
  const taken = usedIds(doc);
  const names = new Set(doc.nodes.map((n) => n.name));
  const idMap: Record<string, string> = {};
  const copies: NetworkNode[] = originals.map((n) => {
    const id = freshId(taken, 'n');
    idMap[n!.id] = id;
    return { id, type: n!.type, name: freshName(names, n!.name), params: cloneParams(n!.params), ...(n!.repeat ? { repeat: copyRepeat(n!.repeat) } : {}) };
  });
  const edges = doc.edges
    .filter((e) => idMap[e.from.node] && idMap[e.to.node])
    .map((e) => ({ id: freshId(taken, 'e'), from: { node: idMap[e.from.node]!, port: e.from.port }, to: { node: idMap[e.to.node]!, port: e.to.port } }));
  const positions = { ...doc.ui.positions };
  for (const [oldId, newId] of Object.entries(idMap)) {
    const p = doc.ui.positions[oldId];
    if (p) positions[newId] = { x: p.x + offset.x, y: p.y + offset.y };
  }
  return done({ doc: { ...doc, nodes: [...doc.nodes, ...copies], edges: [...doc.edges, ...edges], ui: { ...doc.ui, positions } }, idMap });
}

export function group(doc: NetworkDocument, ids: readonly string[], name: string): EditResult<{ doc: NetworkDocument; groupId: string }> {
  if (ids.length === 0) return refuse('edit.group.empty', 'Select at least one layer to group.');
  const missing = ids.find((id) => !findNode(doc, id) && !doc.inputs.some((i) => i.id === id));
  if (missing) return refuse('edit.node.unknown', `Cannot group '${missing}': there is no such node.`);
  const already = doc.ui.groups.find((g) => g.nodeIds.some((id) => ids.includes(id)));
  if (already)
    return refuse(
      'edit.group.overlap',
      `'${nodeLabel(
        doc,
        ids.find((id) => already.nodeIds.includes(id))!,
      )}' is already in the group '${already.name}'; ungroup it first.`,
    );
  const groupId = freshId(usedIds(doc), 'g');
  const groups = [...doc.ui.groups, { id: groupId, name: name.trim() || 'Group', nodeIds: [...ids], collapsed: false }];
  return done({ doc: { ...doc, ui: { ...doc.ui, groups } }, groupId });
}

export function ungroup(doc: NetworkDocument, groupId: string): EditResult {
  if (!doc.ui.groups.some((g) => g.id === groupId)) return refuse('edit.group.unknown', `There is no group '${groupId}'.`);
  return done({ ...doc, ui: { ...doc.ui, groups: doc.ui.groups.filter((g) => g.id !== groupId) } });
}

export function setGroupCollapsed(doc: NetworkDocument, groupId: string, collapsed: boolean): EditResult {
  if (!doc.ui.groups.some((g) => g.id === groupId)) return refuse('edit.group.unknown', `There is no group '${groupId}'.`);
  return done({ ...doc, ui: { ...doc.ui, groups: doc.ui.groups.map((g) => (g.id === groupId ? { ...g, collapsed } : g)) } });
}

/** Add a network input (`addInput`); dims use −1 for a dynamic dimension. */
export function addInput(
  doc: NetworkDocument,
  input: { name?: string; dtype?: DataType; dims: number[]; position?: { x: number; y: number } },
): EditResult<{ doc: NetworkDocument; nodeId: string }> {
  const names = new Set(doc.inputs.map((i) => i.name));
  if (input.name !== undefined && names.has(input.name))
    return refuse('edit.name.duplicate', `An input named '${input.name}' already exists; input names must be unique.`, undefined, 'name');
  const why = dimsProblem(input.dims);
  if (why) return refuse('edit.input.dims', `Input dims ${JSON.stringify(input.dims)}: ${why}.`, undefined, 'dims');
  const id = freshId(usedIds(doc), 'in');
  const name = input.name ?? freshName(names, doc.inputs.length === 0 ? 'data' : 'input');
  const next: NetworkDocument = { ...doc, inputs: [...doc.inputs, { id, name, dtype: input.dtype ?? 'FLOAT', dims: [...input.dims] }] };
  if (input.position) next.ui = { ...doc.ui, positions: { ...doc.ui.positions, [id]: input.position } };
  return done({ doc: next, nodeId: id });
}

function dimsProblem(dims: readonly number[]): string | undefined {
  if (dims.length === 0 || dims.length > 8) return 'an input has 1 to 8 dimensions';
  if (!dims.every((d) => Number.isInteger(d) && (d >= 1 || d === -1))) return 'each dimension is a positive integer, or −1 for a dynamic one';
  return undefined;
}

/** Change an input's dims, data type or optimization profile. */
export function updateInput(doc: NetworkDocument, nodeId: string, change: Partial<Pick<NetworkInput, 'dims' | 'dtype' | 'profile'>>): EditResult {
  const input = doc.inputs.find((i) => i.id === nodeId);
  if (!input) return refuse('edit.node.unknown', `There is no input '${nodeId}'.`);
  if (change.dims) {
    const why = dimsProblem(change.dims);
    if (why) return refuse('edit.input.dims', `Input '${input.name}' dims ${JSON.stringify(change.dims)}: ${why}.`, nodeId, 'dims');
  }
  if (change.dtype && !(DATA_TYPES as readonly string[]).includes(change.dtype))
    return refuse('edit.input.dtype', `'${String(change.dtype)}' is not a TensorRT DataType.`, nodeId, 'dtype');
  const updated: NetworkInput = { ...input, ...change };
  // The ONNX names of dynamic dimensions belong to those dimensions: a different rank drops them.
  if (updated.dimNames && updated.dimNames.length !== updated.dims.length) delete updated.dimNames;
  if (updated.profile) {
    const p = updated.profile;
    const bad =
      [p.min, p.opt, p.max].some((d) => d.length !== updated.dims.length) ||
      updated.dims.some((d, i) => !(p.min[i]! <= p.opt[i]! && p.opt[i]! <= p.max[i]!) || (d !== -1 && (p.min[i] !== d || p.max[i] !== d)));
    if (bad)
      return refuse(
        'edit.input.profile',
        `Input '${input.name}' profile must have one value per dimension with min ≤ opt ≤ max, and keep static dimensions fixed.`,
        nodeId,
        'profile',
      );
  }
  return done({ ...doc, inputs: doc.inputs.map((i) => (i.id === nodeId ? updated : i)) });
}

/** Mark a tensor as a network output (`markOutput`) under a unique name. */
export function markOutput(doc: NetworkDocument, from: PortRef, name?: string): EditResult {
  const why = connectionSourceProblem(doc, from);
  if (why) return refuse('edit.output', `Cannot mark ${nodeLabel(doc, from.node)}.${from.port} as an output: ${why}.`, from.node);
  if (doc.outputs.some((o) => o.from.node === from.node && o.from.port === from.port)) return done(doc);
  const names = new Set(doc.outputs.map((o) => o.name));
  if (name !== undefined && names.has(name)) return refuse('edit.name.duplicate', `An output named '${name}' already exists.`, from.node, 'name');
  return done({ ...doc, outputs: [...doc.outputs, { name: name ?? freshName(names, 'output'), from: { node: from.node, port: from.port } }] });
}

export function unmarkOutput(doc: NetworkDocument, name: string): EditResult {
  if (!doc.outputs.some((o) => o.name === name)) return refuse('edit.output.unknown', `There is no output named '${name}'.`);
  return done({ ...doc, outputs: doc.outputs.filter((o) => o.name !== name) });
}

function connectionSourceProblem(doc: NetworkDocument, from: PortRef): string | undefined {
  const input = doc.inputs.find((i) => i.id === from.node);
  if (input) return from.port === INPUT_NODE_PORT ? undefined : `input '${input.name}' has only the port '${INPUT_NODE_PORT}'`;
  const node = findNode(doc, from.node);
  if (!node) return `there is no node '${from.node}'`;
  return findOutputPort(specIn(doc, node.type)!, from.port, node.params) ? undefined : `'${node.name}' has no output '${from.port}'`;
}

/** Move nodes on the canvas (a drag is one edit). */
export function moveNodes(doc: NetworkDocument, positions: Record<string, { x: number; y: number }>): EditResult {
  return done({ ...doc, ui: { ...doc.ui, positions: { ...doc.ui.positions, ...positions } } });
}

/**
 * Insert a layer onto an existing wire: the wire `edgeId` is replaced by source → new layer's first
 * input and new layer's first output → the old target. The whole change is one edit.
 */
export function insertOnEdge(doc: NetworkDocument, edgeId: string, node: NewNode): EditResult<{ doc: NetworkDocument; nodeId: string }> {
  const edge = doc.edges.find((e) => e.id === edgeId);
  if (!edge) return refuse('edit.edge.unknown', `There is no wire '${edgeId}'.`);
  const spec = specIn(doc, node.type);
  if (!spec) return refuse('edit.type.unknown', `There is no layer type '${node.type}' in the catalog.`);
  const inPort = spec.inputs[0];
  const outPort = outputPortNames(spec, node.params ?? {})[0];
  if (!inPort || !outPort) return refuse('edit.insert.ports', `A ${spec.type} has no input or no output, so it cannot be inserted onto a wire.`);
  const added = addNode({ ...doc, edges: doc.edges.filter((e) => e.id !== edgeId) }, node);
  if (!added.ok) return added;
  const inName = inPort.variadic ? `${inPort.name}.0` : inPort.name;
  const first = connect(added.value.doc, edge.from, { node: added.value.nodeId, port: inName });
  if (!first.ok) return first;
  const second = connect(first.value.doc, { node: added.value.nodeId, port: outPort }, edge.to);
  if (!second.ok) return second;
  return done({ doc: second.value.doc, nodeId: added.value.nodeId });
}

/**
 * Bypass a layer: remove it and wire whatever fed its first input straight to everything its first
 * output fed. Refused when the layer's first input is unconnected or when it has other outputs in use.
 */
export function bypassNode(doc: NetworkDocument, nodeId: string): EditResult {
  const node = findNode(doc, nodeId);
  if (!node) return refuse('edit.node.unknown', `There is no layer '${nodeId}'.`);
  const spec = specIn(doc, node.type)!;
  const inPort = spec.inputs[0];
  const outPort = outputPortNames(spec, node.params)[0];
  if (!inPort || !outPort) return refuse('edit.bypass.ports', `Layer '${node.name}' has no input or no output to bypass.`, nodeId);
  const inName = inPort.variadic ? `${inPort.name}.0` : inPort.name;
  const feed = doc.edges.find((e) => e.to.node === nodeId && e.to.port === inName);
  if (!feed) return refuse('edit.bypass.unconnected', `Layer '${node.name}' cannot be bypassed: its input '${inName}' has no wire.`, nodeId);
  const others = doc.edges.filter((e) => e.from.node === nodeId && e.from.port !== outPort);
  if (others.length > 0)
    return refuse('edit.bypass.outputs', `Layer '${node.name}' cannot be bypassed: its output '${others[0]!.from.port}' is in use.`, nodeId);
  const consumers = doc.edges.filter((e) => e.from.node === nodeId);
  const removed = removeNodes(doc, [nodeId]);
  if (!removed.ok) return removed;
  let next = removed.value;
  for (const c of consumers) {
    const wired = connect(next, feed.from, c.to);
    if (!wired.ok) return wired;
    next = wired.value.doc;
  }
  const outputs = doc.outputs.filter((o) => o.from.node === nodeId).map((o) => ({ name: o.name, from: { ...feed.from } }));
  return done(outputs.length > 0 ? { ...next, outputs: [...next.outputs, ...outputs] } : next);
}

/** The marker a copied fragment carries, so that paste can tell it from other clipboard text. */
const FRAGMENT_FORMAT = 'trtstudio-fragment';

/** A piece of a network as put on the clipboard: layers, inputs, the wires among them and their positions. */
export interface NetworkFragment {
  format: typeof FRAGMENT_FORMAT;
  version: 1;
  inputs: NetworkInput[];
  nodes: NetworkNode[];
  edges: NetworkEdge[];
  positions: Record<string, { x: number; y: number }>;
}

/** Copy the given layers and inputs with the wires among them as a fragment (JSON-compatible). */
export function copyFragment(doc: NetworkDocument, ids: readonly string[]): NetworkFragment {
  const keep = new Set(ids);
  const positions: Record<string, { x: number; y: number }> = {};
  for (const id of ids) {
    const p = doc.ui.positions[id];
    if (p) positions[id] = { ...p };
  }
  return {
    format: FRAGMENT_FORMAT,
    version: 1,
    inputs: doc.inputs.filter((i) => keep.has(i.id)).map((i) => ({ ...i, dims: [...i.dims] })),
    nodes: doc.nodes.filter((n) => keep.has(n.id)).map((n) => ({ ...n, params: cloneParams(n.params) })),
    edges: doc.edges.filter((e) => keep.has(e.from.node) && keep.has(e.to.node)).map((e) => ({ id: e.id, from: { ...e.from }, to: { ...e.to } })),
    positions,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Paste a fragment given as clipboard text: every layer, input and wire gets a fresh id, names are
 * made unique, positions are shifted by `offset`. Invalid text changes nothing and says why.
 */
export function pasteFragment(
  doc: NetworkDocument,
  text: string,
  offset = { x: 40, y: 40 },
): EditResult<{ doc: NetworkDocument; idMap: Record<string, string> }> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return refuse('edit.paste.json', `The clipboard does not hold a TRT Studio fragment: '${text.slice(0, 40)}' is not JSON.`);
  }
  if (!isRecord(raw) || raw.format !== FRAGMENT_FORMAT || !Array.isArray(raw.nodes) || !Array.isArray(raw.edges))
    return refuse('edit.paste.format', `The clipboard holds JSON but not a TRT Studio fragment: expected "format": "${FRAGMENT_FORMAT}" with nodes and edges.`);
  const rawInputs = Array.isArray(raw.inputs) ? raw.inputs : [];
  const positions = isRecord(raw.positions) ? raw.positions : {};
  const taken = usedIds(doc);
  const layerNames = new Set(doc.nodes.map((n) => n.name));
  const inputNames = new Set(doc.inputs.map((i) => i.name));
  const idMap: Record<string, string> = {};
  const inputs: NetworkInput[] = [];
  for (const item of rawInputs) {
    if (!isRecord(item) || typeof item.id !== 'string' || typeof item.name !== 'string' || !Array.isArray(item.dims))
      return refuse('edit.paste.input', `A pasted input is malformed: ${JSON.stringify(item)?.slice(0, 80)}; expected {id, name, dtype, dims}.`);
    const dims = item.dims as number[];
    const why = dimsProblem(dims);
    if (why) return refuse('edit.paste.input', `Pasted input '${item.name}' dims ${JSON.stringify(dims)}: ${why}.`);
    const dtype = typeof item.dtype === 'string' && (DATA_TYPES as readonly string[]).includes(item.dtype) ? (item.dtype as DataType) : 'FLOAT';
    const id = freshId(taken, 'in');
    idMap[item.id] = id;
    inputs.push({ id, name: freshName(inputNames, item.name), dtype, dims: [...dims] });
  }
  const nodes: NetworkNode[] = [];
  for (const item of raw.nodes as unknown[]) {
    if (!isRecord(item) || typeof item.id !== 'string' || typeof item.type !== 'string' || typeof item.name !== 'string' || !isRecord(item.params))
      return refuse('edit.paste.node', `A pasted layer is malformed: ${JSON.stringify(item)?.slice(0, 80)}; expected {id, type, name, params}.`);
    const spec = specIn(doc, item.type);
    if (!spec) return refuse('edit.type.unknown', `Pasted layer '${item.name}' has the type '${item.type}', which is not in the catalog.`);
    const params = completeParams(spec.params, item.params as NetworkNode['params']);
    for (const p of spec.params) {
      const why = checkParam(p, params[p.name]);
      if (why) return refuse('edit.param.invalid', `Pasted layer '${item.name}' parameter '${p.name}': ${why}.`);
    }
    const id = freshId(taken, 'n');
    idMap[item.id] = id;
    let repeat: NetworkNode['repeat'];
    if (item.repeat !== undefined) {
      const problems: string[] = [];
      repeat = checkRepeat(
        item.repeat,
        item.name,
        spec,
        (t) => specIn(doc, t),
        (_code, message) => problems.push(message),
      );
      if (!repeat) return refuse('edit.paste.node', `Pasted layer '${item.name}': ${problems[0] ?? 'its repeat is invalid'}`);
    }
    nodes.push({ id, type: spec.type, name: freshName(layerNames, item.name), params: cloneParams(params), ...(repeat ? { repeat } : {}) });
  }
  let next: NetworkDocument = { ...doc, inputs: [...doc.inputs, ...inputs], nodes: [...doc.nodes, ...nodes] };
  for (const item of raw.edges as unknown[]) {
    if (!isRecord(item) || !isRecord(item.from) || !isRecord(item.to))
      return refuse('edit.paste.edge', `A pasted wire is malformed: ${JSON.stringify(item)?.slice(0, 80)}; expected {from, to}.`);
    const from = { node: idMap[String(item.from.node)] ?? '', port: String(item.from.port) };
    const to = { node: idMap[String(item.to.node)] ?? '', port: String(item.to.port) };
    if (!from.node || !to.node) continue; // a wire to something not in the fragment stays behind
    const wired = connect(next, from, to);
    if (!wired.ok) return wired;
    next = wired.value.doc;
  }
  const moved = { ...next.ui.positions };
  for (const [oldId, newId] of Object.entries(idMap)) {
    const p = positions[oldId];
    if (isRecord(p) && typeof p.x === 'number' && typeof p.y === 'number') moved[newId] = { x: p.x + offset.x, y: p.y + offset.y };
  }
  return done({ doc: { ...next, ui: { ...next.ui, positions: moved } }, idMap });
}

/**
 * Expand a composite layer in place into the nodes of its expansion (one level), named
 * `<composite>.<inner>` like PyTorch module paths, with its wires, outputs and weight bindings
 * carried over. Refused for composites whose weights are derived (BatchNorm folding), since the
 * derived values have no slot to live in on the canvas.
 */
export function expandComposite(doc: NetworkDocument, nodeId: string): EditResult<{ doc: NetworkDocument; nodeIds: string[] }> {
  const node = findNode(doc, nodeId);
  if (!node) return refuse('edit.node.unknown', `There is no layer '${nodeId}'.`);
  const spec = catalogFor(doc).nodeSpec(node);
  if (!spec || spec.kind !== 'composite')
    return refuse('edit.expand.primitive', `Layer '${node.name}' is a TensorRT primitive (${node.type}); only composite layers expand.`, nodeId);
  // An expansion may depend on the input tensors (a Split's slice sizes), so they are inferred first.
  const shapes = inferShapes(doc).nodes;
  const inputs = Object.fromEntries(
    doc.edges.flatMap((e) => {
      const tensor = e.to.node === nodeId ? shapes[e.from.node]?.outputs[e.from.port] : undefined;
      return tensor ? [[e.to.port, tensor] as const] : [];
    }),
  );
  let expansion: Expansion;
  try {
    expansion = spec.expand(completeParams(spec.params, node.params), inputs);
  } catch (e) {
    if (e instanceof LayerError) return refuse('edit.expand.shape', `Layer '${node.name}' (${spec.type}) cannot be expanded: ${e.message}.`, nodeId);
    throw e;
  }
  const derived = expansion.weights.find((w) => w.source.kind !== 'slot');
  if (derived)
    return refuse(
      'edit.expand.derived',
      derived.source.kind === 'values'
        ? `Layer '${node.name}' (${spec.type}) cannot be expanded in place: it holds fixed values (an anchor grid, strides) that follow from its inputs and no .wts tensor carries.`
        : `Layer '${node.name}' (${spec.type}) cannot be expanded in place: its weights are folded (${derived.source.kind}) when the network is lowered.`,
      nodeId,
    );
  const taken = usedIds(doc);
  const names = new Set(doc.nodes.filter((n) => n.id !== nodeId).map((n) => n.name));
  const local: Record<string, string> = {};
  const base = doc.ui.positions[nodeId] ?? { x: 0, y: 0 };
  const inner: NetworkNode[] = expansion.nodes.map((n) => {
    const id = freshId(taken, 'n');
    local[n.id] = id;
    const innerSpec = specIn(doc, n.type);
    const params = innerSpec ? completeParams(innerSpec.params, n.params) : { ...n.params };
    return { id, type: n.type, name: freshName(names, `${node.name}.${n.name}`), params };
  });
  const feeds = new Map(doc.edges.filter((e) => e.to.node === nodeId).map((e) => [e.to.port, e.from]));
  const edges: NetworkEdge[] = doc.edges.filter((e) => e.to.node !== nodeId && e.from.node !== nodeId);
  const resolve = (p: { node: string; port: string } | { input: string }): PortRef | undefined =>
    'input' in p ? feeds.get(p.input) : { node: local[p.node]!, port: p.port };
  for (const e of expansion.edges) {
    const from = resolve(e.from);
    if (from) edges.push({ id: freshId(taken, 'e'), from: { ...from }, to: { node: local[e.to.node]!, port: e.to.port } });
  }
  for (const e of doc.edges.filter((x) => x.from.node === nodeId)) {
    const source = expansion.outputs[e.from.port];
    const from = source ? resolve(source) : undefined;
    if (from) edges.push({ id: e.id, from: { ...from }, to: { ...e.to } });
  }
  const outputs = doc.outputs.flatMap((o) => {
    if (o.from.node !== nodeId) return [o];
    const source = expansion.outputs[o.from.port];
    const from = source ? resolve(source) : undefined;
    return from ? [{ name: o.name, from }] : [];
  });
  const bindings = Object.fromEntries(Object.entries(doc.bindings).filter(([id]) => id !== nodeId));
  const own = doc.bindings[nodeId] ?? {};
  for (const w of expansion.weights) {
    const tensor = w.source.kind === 'slot' ? own[w.source.slot] : undefined;
    if (tensor) bindings[local[w.node]!] = { ...bindings[local[w.node]!], [w.slot]: tensor };
  }
  for (const [slot, tensor] of Object.entries(own)) {
    const target = relativeSlotTarget(doc, expansion, slot);
    if (target) bindings[local[target.node]!] = { ...bindings[local[target.node]!], [target.slot]: tensor };
  }
  const positions = Object.fromEntries(Object.entries(doc.ui.positions).filter(([id]) => id !== nodeId));
  inner.forEach((n, i) => (positions[n.id] = { x: base.x + i * 220, y: base.y }));
  const groups = doc.ui.groups.map((g) =>
    g.nodeIds.includes(nodeId) ? { ...g, nodeIds: [...g.nodeIds.filter((id) => id !== nodeId), ...inner.map((n) => n.id)] } : g,
  );
  const nodes = doc.nodes.flatMap((n) => (n.id === nodeId ? inner : [n]));
  return done({ doc: { ...doc, nodes, edges, outputs, bindings, ui: { ...doc.ui, positions, groups } }, nodeIds: inner.map((n) => n.id) });
}

/**
 * Where a composite's relative slot (`conv1.weight`) lives after expanding: the inner node named by
 * its longest matching prefix, and that node's slot whose PyTorch suffix is the rest (`kernel`).
 */
function relativeSlotTarget(doc: NetworkDocument, expansion: Expansion, slot: string): { node: string; slot: string } | undefined {
  let best: { node: string; rest: string; type: string; params: NetworkNode['params']; name: string } | undefined;
  for (const id of expansion.relativeWeights ?? []) {
    const n = expansion.nodes.find((x) => x.id === id);
    if (!n || (slot !== n.name && !slot.startsWith(`${n.name}.`))) continue;
    if (!best || n.name.length > best.name.length) best = { node: id, rest: slot.slice(n.name.length + 1), type: n.type, params: n.params, name: n.name };
  }
  if (!best) return undefined;
  const spec = specIn(doc, best.type);
  if (spec?.kind === 'primitive' && spec.weights) {
    let slots: { name: string; torchSuffix: string }[] = [];
    try {
      slots = spec.weights({ params: completeParams(spec.params, best.params), inputs: {} });
    } catch {
      // Slot names that need the input shape: the binding stays with the tensor name as the slot.
    }
    const match = slots.find((s) => s.torchSuffix === best.rest);
    if (match) return { node: best.node, slot: match.name };
  }
  return { node: best.node, slot: best.rest };
}
