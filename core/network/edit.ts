/**
 * Pure edit operations on the network document. Each returns a new document (the input is never
 * mutated) or, for an edit that would make the document invalid, the Diagnostic that says why.
 */
import { error, type Result } from '../diagnostics.js';
import { findInputPort, findOutputPort, getLayerSpec } from '../layers/catalog.js';
import { checkParam, completeParams, defaultParams } from '../layers/params.js';
import { freshId, freshName, usedIds } from './ids.js';
import { DATA_TYPES, INPUT_NODE_PORT, type DataType, type NetworkInput, type NetworkDocument, type NetworkEdge, type NetworkNode, type ParamValue, type PortRef } from './types.js';

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
  const spec = getLayerSpec(node.type);
  if (!spec) return refuse('edit.type.unknown', `There is no layer type '${node.type}' in the catalog.`);
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
export function defaultNameFor(type: string): string {
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
  if (source && !findOutputPort(getLayerSpec(source.type)!, from.port)) return `'${source.name}' has no output '${from.port}'`;
  const target = findNode(doc, to.node);
  if (!target) return doc.inputs.some((i) => i.id === to.node) ? `a network input takes no wires` : `there is no node '${to.node}'`;
  if (!findInputPort(getLayerSpec(target.type)!, to.port)) return `'${target.name}' has no input '${to.port}'`;
  if (doc.edges.some((e) => e.to.node === to.node && e.to.port === to.port))
    return `the input '${to.port}' of '${target.name}' already has a wire; an input takes one wire`;
  if (from.node === to.node || reaches(doc, to.node, from.node))
    return `it would make a cycle through '${nodeLabel(doc, from.node)}' and '${target.name}'`;
  return undefined;
}

export function connect(doc: NetworkDocument, from: PortRef, to: PortRef): EditResult<{ doc: NetworkDocument; edgeId: string }> {
  const why = connectionProblem(doc, from, to);
  if (why) return refuse('edit.connect', `Cannot connect ${nodeLabel(doc, from.node)}.${from.port} to ${nodeLabel(doc, to.node)}.${to.port}: ${why}.`, to.node, to.port);
  const id = freshId(usedIds(doc), 'e');
  const edge: NetworkEdge = { id, from: { ...from }, to: { ...to } };
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
  const spec = getLayerSpec(node.type)!;
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
export function duplicate(doc: NetworkDocument, ids: readonly string[], offset = { x: 40, y: 40 }): EditResult<{ doc: NetworkDocument; idMap: Record<string, string> }> {
  const originals = ids.map((id) => findNode(doc, id));
  const missing = ids.find((_, i) => !originals[i]);
  if (missing) return refuse('edit.node.unknown', `Cannot duplicate '${missing}': there is no such layer.`);
  const taken = usedIds(doc);
  const names = new Set(doc.nodes.map((n) => n.name));
  const idMap: Record<string, string> = {};
  const copies: NetworkNode[] = originals.map((n) => {
    const id = freshId(taken, 'n');
    idMap[n!.id] = id;
    return { id, type: n!.type, name: freshName(names, n!.name), params: cloneParams(n!.params) };
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
  if (already) return refuse('edit.group.overlap', `'${nodeLabel(doc, ids.find((id) => already.nodeIds.includes(id))!)}' is already in the group '${already.name}'; ungroup it first.`);
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

/** Replace a node's parameters wholesale (used by paste and templates); missing ones take defaults. */
export function normaliseNodeParams(node: NetworkNode): NetworkNode {
  const spec = getLayerSpec(node.type);
  return spec ? { ...node, params: completeParams(spec.params, node.params) } : node;
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
  if (updated.profile) {
    const p = updated.profile;
    const bad = [p.min, p.opt, p.max].some((d) => d.length !== updated.dims.length) || updated.dims.some((d, i) => !(p.min[i]! <= p.opt[i]! && p.opt[i]! <= p.max[i]!) || (d !== -1 && (p.min[i] !== d || p.max[i] !== d)));
    if (bad) return refuse('edit.input.profile', `Input '${input.name}' profile must have one value per dimension with min ≤ opt ≤ max, and keep static dimensions fixed.`, nodeId, 'profile');
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
  return done({ ...doc, outputs: [...doc.outputs, { name: name ?? freshName(names, 'output'), from: { ...from } }] });
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
  return findOutputPort(getLayerSpec(node.type)!, from.port) ? undefined : `'${node.name}' has no output '${from.port}'`;
}

/** Move nodes on the canvas (a drag is one edit). */
export function moveNodes(doc: NetworkDocument, positions: Record<string, { x: number; y: number }>): EditResult {
  return done({ ...doc, ui: { ...doc.ui, positions: { ...doc.ui.positions, ...positions } } });
}
