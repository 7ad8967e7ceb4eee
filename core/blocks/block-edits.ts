/**
 * Edits that create and change blocks: make a block from a selection, set an instance's repeat,
 * replace a definition (every instance follows), and add definitions from a library. Like
 * core/network/edit.ts, each returns a new document or the Diagnostic that says why not.
 */
import { error, type Result } from '../diagnostics.js';
import { checkParam, completeParams } from '../layers/params.js';
import { freshId, freshName, usedIds } from '../network/ids.js';
import { INPUT_NODE_PORT, type BlockDefinition, type NetworkDocument, type NetworkEdge, type NodeRepeat, type PortRef } from '../network/types.js';
import { inferShapes } from '../shapes/infer.js';
import { blockNameOf, blockType, repeatProblem } from './compile.js';
import { catalogFor } from './document-catalog.js';
import { checkBlocks } from './validate.js';

function refuse<T>(code: string, message: string, nodeId?: string): Result<T> {
  return { ok: false, diagnostics: [error(code, message, nodeId ? { nodeId } : {})] };
}

/** The blocks `doc` would have with `blocks`, checked as loading would check them; the first problem refuses. */
function withBlocks(doc: NetworkDocument, blocks: BlockDefinition[]): Result<NetworkDocument> {
  const problems: string[] = [];
  const checked = checkBlocks(blocks, (_code, message) => problems.push(message));
  if (!checked) return refuse('edit.block.invalid', problems[0] ?? 'The block definitions are invalid.');
  return { ok: true, value: { ...doc, blocks } };
}

/** The dotted prefix every name shares, leaving each name at least one part of its own: `layer3.0` of `layer3.0.conv1`, `layer3.0.bn1`. */
export function commonPrefix(names: readonly string[]): string {
  const parts = names.map((n) => n.split('.'));
  const shortest = Math.min(...parts.map((p) => p.length));
  const shared: string[] = [];
  for (let i = 0; i < shortest - 1; i++) {
    const part = parts[0]![i]!;
    if (!parts.every((p) => p[i] === part)) break;
    shared.push(part);
  }
  return shared.join('.');
}

const portKey = (p: PortRef) => `${p.node}\u0000${p.port}`;

/**
 * Replace the layers `ids` with one instance of a new block `name`. Wires crossing the selection's
 * boundary become the block's ports; the names' common prefix becomes the instance's name and the
 * inner names become relative (`layer3.0.conv1` → `conv1` in `layer3.0`), so bound weights stay bound.
 */
export function makeBlock(doc: NetworkDocument, ids: readonly string[], name: string): Result<{ doc: NetworkDocument; nodeId: string }> {
  const selected = new Set(ids);
  if (doc.inputs.some((i) => selected.has(i.id)))
    return refuse('edit.block.input', 'A block holds layers only; leave the network inputs out of the selection.');
  const inner = doc.nodes.filter((n) => selected.has(n.id));
  if (inner.length === 0) return refuse('edit.block.empty', 'Select the layers to make a block of first.');
  if ((doc.blocks ?? []).some((b) => b.name === name)) return refuse('edit.block.name', `There is already a block named '${name}'; choose another name.`);
  const unrepeatable = inner.find((n) => n.repeat);
  if (unrepeatable) return refuse('edit.block.repeat', `'${unrepeatable.name}' repeats; set its repeat to 1 before putting it in a block.`, unrepeatable.id);

  // Sources feeding the selection from outside become inputs; inner ports read outside become outputs.
  const incoming = doc.edges.filter((e) => selected.has(e.to.node) && !selected.has(e.from.node));
  const outgoing = doc.edges.filter((e) => selected.has(e.from.node) && !selected.has(e.to.node));
  const marked = doc.outputs.filter((o) => selected.has(o.from.node));
  const inputs: BlockDefinition['inputs'] = [];
  const inputFor = new Map<string, { id: string; name: string; from: PortRef }>();
  for (const e of incoming) {
    if (inputFor.has(portKey(e.from))) continue;
    const k = inputFor.size;
    const port = { id: `in${k + 1}`, name: k === 0 ? 'input' : `input${k + 1}`, from: e.from };
    inputFor.set(portKey(e.from), port);
    inputs.push({ id: port.id, name: port.name });
  }
  const outputs: BlockDefinition['outputs'] = [];
  const outputFor = new Map<string, string>();
  for (const from of [...outgoing.map((e) => e.from), ...marked.map((o) => o.from)]) {
    if (outputFor.has(portKey(from))) continue;
    const outName = outputFor.size === 0 ? 'output' : `output${outputFor.size + 1}`;
    outputFor.set(portKey(from), outName);
    outputs.push({ name: outName, from: { ...from } });
  }
  if (outputs.length === 0) return refuse('edit.block.output', 'Nothing outside the selection reads it; a block needs at least one output.');

  // Replacing the selection by one node must not close a loop through the outside.
  const outsideTargets = outgoing.map((e) => e.to.node);
  const seen = new Set<string>();
  while (outsideTargets.length > 0) {
    const id = outsideTargets.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of doc.edges) {
      if (e.from.node !== id) continue;
      if (selected.has(e.to.node)) {
        const via = doc.nodes.find((n) => n.id === id)?.name ?? id;
        return refuse(
          'edit.block.gap',
          `The selection has a gap: '${via}' is fed by the selection and feeds it again; add it to the selection or leave out what follows it.`,
        );
      }
      outsideTargets.push(e.to.node);
    }
  }

  const prefix = commonPrefix(inner.map((n) => n.name));
  const relative = (full: string) => (prefix ? full.slice(prefix.length + 1) : full);
  const outsideNames = new Set(doc.nodes.filter((n) => !selected.has(n.id)).map((n) => n.name));
  const instanceName = freshName(outsideNames, prefix || name.charAt(0).toLowerCase() + name.slice(1));
  const taken = usedIds(doc);
  const nodeId = freshId(taken, 'n');

  // Bindings move to the instance under relative slot names (`conv1.weight`), the names its slots have.
  const shapes = inferShapes(doc);
  const bindings = Object.fromEntries(Object.entries(doc.bindings).filter(([id]) => !selected.has(id)));
  const own: Record<string, string> = {};
  for (const n of inner)
    for (const [slot, tensor] of Object.entries(doc.bindings[n.id] ?? {})) {
      const suffix = shapes.nodes[n.id]?.weights.find((s) => s.name === slot)?.torchSuffix ?? slot;
      own[suffix === '' ? relative(n.name) : `${relative(n.name)}.${suffix}`] = tensor;
    }
  if (Object.keys(own).length > 0) bindings[nodeId] = own;

  const innerPositions = Object.fromEntries(inner.flatMap((n) => (doc.ui.positions[n.id] ? [[n.id, { ...doc.ui.positions[n.id]! }]] : [])));
  const def: BlockDefinition = {
    name,
    params: [],
    inputs,
    nodes: inner.map((n) => ({ id: n.id, type: n.type, name: relative(n.name), params: { ...n.params } })),
    edges: [
      ...doc.edges.filter((e) => selected.has(e.from.node) && selected.has(e.to.node)),
      ...incoming.map((e) => ({ id: e.id, from: { node: inputFor.get(portKey(e.from))!.id, port: INPUT_NODE_PORT }, to: { ...e.to } })),
    ],
    outputs,
    ...(Object.keys(innerPositions).length > 0 ? { positions: innerPositions } : {}),
  };

  const edges: NetworkEdge[] = doc.edges.filter((e) => !selected.has(e.from.node) && !selected.has(e.to.node));
  for (const port of inputFor.values()) edges.push({ id: freshId(taken, 'e'), from: { ...port.from }, to: { node: nodeId, port: port.name } });
  for (const e of outgoing) edges.push({ id: e.id, from: { node: nodeId, port: outputFor.get(portKey(e.from))! }, to: { ...e.to } });
  const xs = Object.values(innerPositions);
  const position = xs.length > 0 ? { x: Math.min(...xs.map((p) => p.x)), y: Math.min(...xs.map((p) => p.y)) } : { x: 0, y: 0 };
  const positions = Object.fromEntries(Object.entries(doc.ui.positions).filter(([id]) => !selected.has(id)));
  positions[nodeId] = position;
  const groups = doc.ui.groups.map((g) => ({ ...g, nodeIds: g.nodeIds.filter((id) => !selected.has(id)) })).filter((g) => g.nodeIds.length > 0);
  const firstIndex = doc.nodes.findIndex((n) => selected.has(n.id));
  const nodes = doc.nodes.filter((n) => !selected.has(n.id));
  nodes.splice(firstIndex, 0, { id: nodeId, type: blockType(name), name: instanceName, params: {} });
  const next = withBlocks(
    {
      ...doc,
      nodes,
      edges,
      outputs: doc.outputs.map((o) => (selected.has(o.from.node) ? { name: o.name, from: { node: nodeId, port: outputFor.get(portKey(o.from))! } } : o)),
      bindings,
      ui: { ...doc.ui, positions, groups },
    },
    [...(doc.blocks ?? []), def],
  );
  return next.ok ? { ok: true, value: { doc: next.value, nodeId } } : next;
}

/** Set (or with a count of 1 and nothing else, clear) an instance's repeat. */
export function setRepeat(doc: NetworkDocument, nodeId: string, repeat: NodeRepeat | undefined): Result<NetworkDocument> {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) return refuse('edit.node.unknown', `There is no layer '${nodeId}'.`);
  const spec = catalogFor(doc).spec(node.type);
  if (!spec) return refuse('edit.type.unknown', `Layer '${node.name}' has the unknown type '${node.type}'.`, nodeId);
  const plain = !repeat || (repeat.count === 1 && !repeat.start && Object.keys(repeat.first ?? {}).length === 0);
  if (!plain) {
    const firstSpec = repeat.firstType === undefined ? spec : catalogFor(doc).spec(repeat.firstType);
    if (!firstSpec)
      return refuse('edit.repeat', `The first copy's type '${repeat.firstType ?? ''}' is neither a layer type nor one of the project's blocks.`, nodeId);
    const problem = repeatProblem(spec) ?? repeatProblem(firstSpec);
    for (const [key, value] of Object.entries(repeat.first ?? {})) {
      const p = firstSpec.params.find((x) => x.name === key);
      const why = !p ? `${firstSpec.label} has no parameter '${key}'` : checkParam(p, value);
      if (why) return refuse('edit.repeat', `The first copy of '${node.name}', parameter '${key}': ${why}.`, nodeId);
    }
    if (problem) return refuse('edit.repeat', `Layer '${node.name}' cannot repeat: ${problem}.`, nodeId);
    if (!Number.isInteger(repeat.count) || repeat.count < 1)
      return refuse('edit.repeat', `A repeat count is a whole number of at least 1; got ${repeat.count}.`, nodeId);
  }
  const { repeat: _old, ...rest } = node;
  const updated = plain ? rest : { ...rest, repeat };
  return { ok: true, value: { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? updated : n)) } };
}

/**
 * Replace the definition named `def.name` (a definition edited on the canvas): every instance
 * follows, keeping the values of parameters that still exist and taking defaults for new ones.
 */
export function replaceBlock(doc: NetworkDocument, def: BlockDefinition): Result<NetworkDocument> {
  const blocks = doc.blocks ?? [];
  if (!blocks.some((b) => b.name === def.name)) return refuse('edit.block.unknown', `The project has no block '${def.name}'.`);
  const next = withBlocks(
    doc,
    blocks.map((b) => (b.name === def.name ? def : b)),
  );
  if (!next.ok) return next;
  const spec = catalogFor(next.value).spec(blockType(def.name))!;
  const names = new Set(spec.params.map((p) => p.name));
  const keep = (params: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(params).filter(([k]) => names.has(k))) as NetworkDocument['nodes'][number]['params'];
  const nodes = next.value.nodes.map((n) => {
    if (n.type !== spec.type) return n;
    // A first copy of another type keeps its values: they are that type's parameters.
    const first = n.repeat?.first && n.repeat.firstType === undefined ? keep(n.repeat.first) : n.repeat?.first;
    return { ...n, params: completeParams(spec.params, keep(n.params)), ...(n.repeat ? { repeat: { ...n.repeat, ...(first ? { first } : {}) } } : {}) };
  });
  return { ok: true, value: { ...next.value, nodes } };
}

/**
 * Add library definitions to the project. A definition equal to the project's own of the same
 * name is skipped; a different one of the same name is refused (rename one first).
 */
export function addBlocks(doc: NetworkDocument, defs: readonly BlockDefinition[], source: string): Result<{ doc: NetworkDocument; added: string[] }> {
  const blocks = [...(doc.blocks ?? [])];
  const added: string[] = [];
  for (const def of defs) {
    const mine = blocks.find((b) => b.name === def.name);
    if (mine) {
      if (JSON.stringify(mine) === JSON.stringify(def)) continue;
      return refuse('edit.block.clash', `${source} defines the block '${def.name}' differently from this project's; rename one of them first.`);
    }
    blocks.push(def);
    added.push(def.name);
  }
  const next = withBlocks(doc, blocks);
  return next.ok ? { ok: true, value: { doc: next.value, added } } : next;
}

/** The block an instance node refers to, or undefined for a catalog layer. */
export function definitionOf(doc: NetworkDocument, type: string): BlockDefinition | undefined {
  const name = blockNameOf(type);
  return name === undefined ? undefined : doc.blocks?.find((b) => b.name === name);
}

/** A definition's wiring by layer names, to compare two graphs whose ids differ: `conv:output->bn:input`. */
function wiringByName(def: Pick<BlockDefinition, 'inputs' | 'nodes' | 'edges' | 'outputs'>): string[] {
  const nameOf = new Map<string, string>([...def.inputs.map((i) => [i.id, `<${i.name}>`] as const), ...def.nodes.map((n) => [n.id, n.name] as const)]);
  const end = (p: PortRef) => `${nameOf.get(p.node) ?? p.node}:${p.port}`;
  return [...def.edges.map((e) => `${end(e.from)}->${end(e.to)}`), ...def.outputs.map((o) => `${end(o.from)}->[${o.name}]`)].sort();
}

/**
 * Put expanded layers back into one instance of the existing block `blockName` (the inverse of
 * Expand). The layers must be the block's graph; the instance's parameters are read back from
 * layers whose parameter is a bare block parameter (`out`), the others keep their defaults, and the
 * result must give exactly the selected layers, or the first difference is the refusal.
 */
export function collapseToBlock(doc: NetworkDocument, ids: readonly string[], blockName: string): Result<{ doc: NetworkDocument; nodeId: string }> {
  const target = doc.blocks?.find((b) => b.name === blockName);
  if (!target) return refuse('edit.block.unknown', `The project has no block '${blockName}'.`);
  const scratch = `${blockName}__collapse`;
  const made = makeBlock(doc, ids, scratch);
  if (!made.ok) return made;
  const made0 = made.value.doc.blocks!.find((b) => b.name === scratch)!;
  // A single port matches the block's single port whatever their names (`input` against `x`).
  const inputNames = new Map(made0.inputs.length === 1 && target.inputs.length === 1 ? [[made0.inputs[0]!.name, target.inputs[0]!.name]] : []);
  const outputNames = new Map(made0.outputs.length === 1 && target.outputs.length === 1 ? [[made0.outputs[0]!.name, target.outputs[0]!.name]] : []);
  const drafted = {
    ...made0,
    inputs: made0.inputs.map((i) => ({ ...i, name: inputNames.get(i.name) ?? i.name })),
    outputs: made0.outputs.map((o) => ({ ...o, name: outputNames.get(o.name) ?? o.name })),
  };
  const mismatch = (why: string) =>
    refuse<{ doc: NetworkDocument; nodeId: string }>('edit.block.collapse', `The selection is not the block ${blockName}: ${why}.`);
  const catalog = catalogFor(doc);
  const spec = catalog.spec(blockType(blockName));
  if (!spec || spec.kind !== 'composite') return refuse('edit.block.unknown', `The project has no block '${blockName}'.`);
  const byName = new Map(drafted.nodes.map((n) => [n.name, n]));
  const params: NetworkDocument['nodes'][number]['params'] = {};
  for (const n of target.nodes)
    for (const [param, text] of Object.entries(n.exprs ?? {})) {
      const value = byName.get(n.name)?.params[param];
      if (target.params.some((p) => p.name === text.trim()) && value !== undefined) params[text.trim()] = value;
    }
  let expansion;
  try {
    expansion = spec.expand(completeParams(spec.params, params));
  } catch (e) {
    return mismatch((e as Error).message);
  }
  if (expansion.nodes.length !== drafted.nodes.length) return mismatch(`it has ${expansion.nodes.length} layers and the selection ${drafted.nodes.length}`);
  for (const inner of expansion.nodes) {
    const mine = byName.get(inner.name);
    if (!mine) return mismatch(`the selection has no layer '${inner.name}'`);
    if (mine.type !== inner.type) return mismatch(`'${inner.name}' is ${mine.type}, the block's is ${inner.type}`);
    const innerSpec = catalog.spec(inner.type);
    const want = innerSpec ? completeParams(innerSpec.params, inner.params) : inner.params;
    for (const [key, value] of Object.entries(want))
      if (JSON.stringify(mine.params[key]) !== JSON.stringify(value))
        return mismatch(`'${inner.name}' has ${key} ${JSON.stringify(mine.params[key])}, the block gives ${JSON.stringify(value)}`);
  }
  if (JSON.stringify(wiringByName(drafted)) !== JSON.stringify(wiringByName(target))) return mismatch('the layers are wired differently');
  const nodeId = made.value.nodeId;
  const result = made.value.doc;
  const nodes = result.nodes.map((n) => (n.id === nodeId ? { ...n, type: spec.type, params: completeParams(spec.params, params) } : n));
  const edges = result.edges.map((e) =>
    e.to.node === nodeId
      ? { ...e, to: { node: nodeId, port: inputNames.get(e.to.port) ?? e.to.port } }
      : e.from.node === nodeId
        ? { ...e, from: { node: nodeId, port: outputNames.get(e.from.port) ?? e.from.port } }
        : e,
  );
  const outputs = result.outputs.map((o) => (o.from.node === nodeId ? { ...o, from: { node: nodeId, port: outputNames.get(o.from.port) ?? o.from.port } } : o));
  const blocks = result.blocks!.filter((b) => b.name !== scratch);
  return { ok: true, value: { doc: { ...result, nodes, edges, outputs, ...(blocks.length > 0 ? { blocks } : {}) }, nodeId } };
}
