/**
 * Checking a project's block definitions (`network.blocks`) and a node's `repeat`, for the one
 * document check (`validateDocument`, `parseProject`) and for a block library file. Every problem is
 * reported with the block, inner layer and field named; the caller refuses the whole document.
 */
import { findInputPort, findOutputPort } from '../layers/catalog.js';
import { checkParam, isParamValue } from '../layers/params.js';
import type { LayerSpec } from '../layers/types.js';
import { MAX_BLOCK_PARAMS, MAX_BLOCKS, MAX_ID_LENGTH, MAX_ITEMS, MAX_NAME_LENGTH, MAX_REPEAT, MAX_TEXT_LENGTH, quote } from '../network/limits.js';
import { INPUT_NODE_PORT, type BlockDefinition, type BlockNode, type BlockParam, type NodeRepeat, type Params, type PortRef } from '../network/types.js';
import { blockNameOf, blockParamSpec, repeatProblem } from './compile.js';
import { blockCycles, catalogFor } from './document-catalog.js';
import { ExpressionError, namesIn, parseExpressionList } from './expression.js';

/** Receives one problem: a code and a full sentence. */
export type ReportProblem = (code: string, message: string) => void;

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Block names become node types (`block:<name>`) and file names in a library; dots and dashes read well there. */
const BLOCK_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const PARAM_KINDS = ['int', 'float', 'bool', 'enum'] as const;

function isId(v: Json): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH;
}

function listOf(raw: Json, where: string, max: number, report: ReportProblem): Json[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    report('project.block', `${where} must be a list; found ${quote(raw)}.`);
    return [];
  }
  if (raw.length > max) {
    report('project.limit', `${where} has ${raw.length} entries; the limit is ${max}.`);
    return [];
  }
  return raw;
}

function checkParamDecl(raw: Json, block: string, report: ReportProblem): BlockParam | undefined {
  if (!isObject(raw) || typeof raw.name !== 'string' || !IDENTIFIER.test(raw.name) || raw.name.length > MAX_ID_LENGTH) {
    report('project.block.param', `Block '${block}' has a parameter without a valid name (letters, digits and _); found ${quote(raw)}.`);
    return undefined;
  }
  const where = `Block '${block}' parameter '${raw.name}'`;
  if (raw.name === 'min' || raw.name === 'max') return void report('project.block.param', `${where} is named like a function; choose another name.`);
  if (!(PARAM_KINDS as readonly Json[]).includes(raw.kind))
    return void report('project.block.param', `${where} has the kind ${quote(raw.kind)}; expected one of ${PARAM_KINDS.join(', ')}.`);
  const kind = raw.kind as BlockParam['kind'];
  const param: BlockParam = { name: raw.name, kind, default: raw.default as BlockParam['default'] };
  if (kind === 'enum') {
    const values = raw.values;
    if (!Array.isArray(values) || values.length === 0 || values.length > MAX_BLOCK_PARAMS || !values.every((v) => isId(v)))
      return void report('project.block.param', `${where} is an enum and needs "values": a list of names; found ${quote(values)}.`);
    param.values = values as string[];
  }
  if (raw.min !== undefined) {
    if (typeof raw.min !== 'number' || !Number.isFinite(raw.min) || kind === 'bool' || kind === 'enum')
      return void report('project.block.param', `${where} "min" must be a number on an int or float parameter; found ${quote(raw.min)}.`);
    param.min = raw.min;
  }
  if (raw.fromInput !== undefined) {
    if (raw.fromInput !== 'channels' || kind !== 'int')
      return void report('project.block.param', `${where} "fromInput" may only be "channels", on an int parameter; found ${quote(raw.fromInput)}.`);
    param.fromInput = 'channels';
  }
  if (raw.doc !== undefined) {
    if (typeof raw.doc !== 'string' || raw.doc.length > MAX_TEXT_LENGTH) return void report('project.block.param', `${where} "doc" must be text.`);
    param.doc = raw.doc;
  }
  const why = checkParam(blockParamSpec(block, param), raw.default);
  if (why) return void report('project.block.param', `${where} has an invalid default: ${why}.`);
  return param;
}

/** Parses an expression and checks that it reads only names in `scope`; returns the problem as a sentence end. */
function expressionProblem(text: Json, scope: ReadonlySet<string>): string | undefined {
  if (typeof text !== 'string') return `expected an expression as text, got ${quote(text)}`;
  try {
    const names = new Set<string>();
    for (const e of parseExpressionList(text)) namesIn(e, names);
    const unknown = [...names].filter((n) => !scope.has(n));
    if (unknown.length > 0)
      return `'${text}' reads ${unknown.map((n) => `'${n}'`).join(', ')}, which the block does not define (it has ${[...scope].join(', ') || 'no parameters'})`;
  } catch (e) {
    if (e instanceof ExpressionError) return e.message;
    throw e;
  }
  return undefined;
}

/** A block's shape before inner types are looked up: what the second pass needs. */
function checkShape(raw: Json, index: number, report: ReportProblem): BlockDefinition | undefined {
  if (!isObject(raw)) return void report('project.block', `Block ${index + 1} must be an object; found ${quote(raw)}.`);
  if (typeof raw.name !== 'string' || !BLOCK_NAME.test(raw.name) || raw.name.length > MAX_ID_LENGTH)
    return void report('project.block', `Block ${index + 1} needs a "name" of letters, digits, _, . and -, starting with a letter; found ${quote(raw.name)}.`);
  const name = raw.name;
  let ok = true;
  const bad: ReportProblem = (code, message) => {
    ok = false;
    report(code, message);
  };
  const params = listOf(raw.params, `Block '${name}' "params"`, MAX_BLOCK_PARAMS, bad).flatMap((p) => checkParamDecl(p, name, bad) ?? []);
  const scope = new Set<string>();
  for (const p of params) {
    if (scope.has(p.name)) bad('project.block.param', `Block '${name}' has two parameters named '${p.name}'.`);
    scope.add(p.name);
  }
  const lets: { name: string; expr: string }[] = [];
  for (const l of listOf(raw.lets, `Block '${name}' "lets"`, MAX_BLOCK_PARAMS, bad)) {
    if (!isObject(l) || typeof l.name !== 'string' || !IDENTIFIER.test(l.name) || l.name.length > MAX_ID_LENGTH || scope.has(l.name)) {
      bad('project.block.let', `Block '${name}' has a computed value without a new name (letters, digits and _); found ${quote(l)}.`);
      continue;
    }
    const why = expressionProblem(l.expr, scope);
    if (why) bad('project.block.expr', `Block '${name}' value '${l.name}': ${why}.`);
    else lets.push({ name: l.name, expr: l.expr as string });
    scope.add(l.name);
  }
  const ids = new Set<string>();
  const claim = (id: Json, where: string): id is string => {
    if (!isId(id)) {
      bad('project.block', `${where} needs an "id" of 1 to ${MAX_ID_LENGTH} characters; found ${quote(id)}.`);
      return false;
    }
    if (ids.has(id)) {
      bad('project.block', `${where} reuses the id '${id}'; ids must be unique within the block.`);
      return false;
    }
    ids.add(id);
    return true;
  };
  const inputs: BlockDefinition['inputs'] = [];
  for (const i of listOf(raw.inputs, `Block '${name}' "inputs"`, MAX_BLOCK_PARAMS, bad)) {
    if (!isObject(i) || !isId(i.name)) {
      bad('project.block.port', `Block '${name}' has an input without a name; found ${quote(i)}.`);
      continue;
    }
    if (inputs.some((x) => x.name === i.name)) bad('project.block.port', `Block '${name}' has two inputs named '${i.name}'.`);
    if (claim(i.id, `Block '${name}' input '${i.name}'`)) inputs.push({ id: i.id as string, name: i.name });
  }
  const nodes: BlockNode[] = [];
  const names = new Set<string>();
  for (const n of listOf(raw.nodes, `Block '${name}' "nodes"`, MAX_ITEMS, bad)) {
    if (
      !isObject(n) ||
      typeof n.name !== 'string' ||
      n.name.length === 0 ||
      n.name.length > MAX_NAME_LENGTH ||
      typeof n.type !== 'string' ||
      !isObject(n.params ?? {})
    ) {
      bad('project.block.node', `Block '${name}' has a layer that is not {"id", "type", "name", "params"}; found ${quote(n)}.`);
      continue;
    }
    if (!claim(n.id, `Block '${name}' layer '${n.name}'`)) continue;
    if (names.has(n.name)) bad('project.name.duplicate', `Block '${name}' has two layers named '${n.name}'; names must be unique within a block.`);
    names.add(n.name);
    if (n.repeat !== undefined)
      bad(
        'project.block.node',
        `Block '${name}' layer '${n.name}' repeats; repeat an instance on the network instead (repeats inside blocks are not supported).`,
      );
    const exprs = n.exprs ?? {};
    if (!isObject(exprs) || !Object.values(exprs).every((v) => typeof v === 'string')) {
      bad('project.block.expr', `Block '${name}' layer '${n.name}' "exprs" must map parameter names to expressions; found ${quote(exprs)}.`);
      continue;
    }
    for (const [param, text] of Object.entries(exprs)) {
      const why = expressionProblem(text, scope);
      if (why) bad('project.block.expr', `Block '${name}' layer '${n.name}' parameter '${param}': ${why}.`);
    }
    const node: BlockNode = { id: n.id as string, type: n.type, name: n.name, params: { ...((n.params ?? {}) as Params) } };
    if (Object.keys(exprs).length > 0) node.exprs = { ...(exprs as Record<string, string>) };
    nodes.push(node);
  }
  const ref = (r: Json): PortRef | undefined => (isObject(r) && isId(r.node) && isId(r.port) ? { node: r.node, port: r.port } : undefined);
  const edges: BlockDefinition['edges'] = [];
  for (const e of listOf(raw.edges, `Block '${name}' "edges"`, MAX_ITEMS, bad)) {
    const from = isObject(e) ? ref(e.from) : undefined;
    const to = isObject(e) ? ref(e.to) : undefined;
    if (!isObject(e) || !isId(e.id) || !from || !to) {
      bad('project.block.edge', `Block '${name}' has a wire that is not {"id", "from", "to"}; found ${quote(e)}.`);
      continue;
    }
    edges.push({ id: e.id, from, to });
  }
  const outputs: BlockDefinition['outputs'] = [];
  for (const o of listOf(raw.outputs, `Block '${name}' "outputs"`, MAX_BLOCK_PARAMS, bad)) {
    const from = isObject(o) ? ref(o.from) : undefined;
    if (!isObject(o) || !isId(o.name) || !from) {
      bad('project.block.port', `Block '${name}' has an output that is not {"name", "from"}; found ${quote(o)}.`);
      continue;
    }
    if (outputs.some((x) => x.name === o.name)) bad('project.block.port', `Block '${name}' has two outputs named '${o.name}'.`);
    outputs.push({ name: o.name, from });
  }
  if (outputs.length === 0) bad('project.block.port', `Block '${name}' has no output; a block needs at least one.`);
  let positions: BlockDefinition['positions'];
  if (raw.positions !== undefined) {
    const valid = isObject(raw.positions) && Object.values(raw.positions).every((p) => isObject(p) && Number.isFinite(p.x) && Number.isFinite(p.y));
    if (!valid) bad('project.block', `Block '${name}' "positions" must map layer ids to {"x", "y"}.`);
    else positions = raw.positions as BlockDefinition['positions'];
  }
  if (raw.doc !== undefined && (typeof raw.doc !== 'string' || raw.doc.length > MAX_TEXT_LENGTH)) bad('project.block', `Block '${name}' "doc" must be text.`);
  if (!ok) return undefined;
  return {
    name,
    ...(typeof raw.doc === 'string' ? { doc: raw.doc } : {}),
    params,
    ...(lets.length > 0 ? { lets } : {}),
    inputs,
    nodes,
    edges,
    outputs,
    ...(positions ? { positions } : {}),
  };
}

/** The inner meaning of a block: types, literal parameters and wires against the catalog (other blocks included). */
function checkWiring(def: BlockDefinition, spec: (type: string) => LayerSpec | undefined, report: ReportProblem): void {
  const where = `Block '${def.name}'`;
  const inputIds = new Set(def.inputs.map((i) => i.id));
  const inner = new Map<string, { node: BlockNode; spec: LayerSpec }>();
  for (const node of def.nodes) {
    const s = spec(node.type);
    if (!s) {
      const block = blockNameOf(node.type);
      report(
        'project.node.type',
        `${where} layer '${node.name}' has the unknown type '${node.type}'${block !== undefined ? `: the project defines no block '${block}'` : ''}.`,
      );
      continue;
    }
    inner.set(node.id, { node, spec: s });
    for (const [key, value] of Object.entries(node.params)) {
      const p = s.params.find((x) => x.name === key);
      const why = !p ? `${s.type} has no such parameter` : !isParamValue(value) ? `expected a ${p.kind} value, got ${quote(value)}` : checkParam(p, value);
      if (why) report('project.param.invalid', `${where} layer '${node.name}' (${s.type}) parameter '${key}': ${why}.`);
    }
    for (const key of Object.keys(node.exprs ?? {}))
      if (!s.params.some((x) => x.name === key))
        report('project.block.expr', `${where} layer '${node.name}' (${s.type}) computes '${key}', which ${s.type} does not have.`);
  }
  const source = (from: PortRef, what: string): void => {
    if (inputIds.has(from.node)) {
      if (from.port !== INPUT_NODE_PORT)
        report('project.edge.port', `${what} starts at the block input '${from.node}' port '${from.port}'; inputs have only '${INPUT_NODE_PORT}'.`);
      return;
    }
    const s = inner.get(from.node);
    if (!s) {
      if (!def.nodes.some((n) => n.id === from.node)) report('project.edge.dangling', `${what} starts at '${from.node}', which is not in the block.`);
      return;
    }
    if (!findOutputPort(s.spec, from.port))
      report(
        'project.edge.port',
        `${what} starts at the port '${from.port}' of '${s.node.name}', which has the outputs ${s.spec.outputs.map((p) => p.name).join(', ')}.`,
      );
  };
  const fed = new Set<string>();
  for (const e of def.edges) {
    source(e.from, `${where} wire '${e.id}'`);
    const t = inner.get(e.to.node);
    if (!t) {
      if (!def.nodes.some((n) => n.id === e.to.node))
        report('project.edge.dangling', `${where} wire '${e.id}' ends at '${e.to.node}', which is not a layer of the block.`);
      continue;
    }
    if (!findInputPort(t.spec, e.to.port))
      report('project.edge.port', `${where} wire '${e.id}' ends at the port '${e.to.port}' of '${t.node.name}', which has no such input.`);
    const key = `${e.to.node}\u0000${e.to.port}`;
    if (fed.has(key)) report('project.edge.duplicate', `${where} wire '${e.id}' is a second wire into '${e.to.port}' of '${t.node.name}'.`);
    fed.add(key);
  }
  for (const o of def.outputs) source(o.from, `${where} output '${o.name}'`);
}

/**
 * The block definitions of `raw` (the `blocks` field of a network or a library file), or undefined
 * when any is refused; every problem goes to `report`.
 */
export function checkBlocks(raw: Json, report: ReportProblem): BlockDefinition[] | undefined {
  if (raw === undefined) return [];
  let ok = true;
  const bad: ReportProblem = (code, message) => {
    ok = false;
    report(code, message);
  };
  const defs: BlockDefinition[] = [];
  listOf(raw, '"blocks"', MAX_BLOCKS, bad).forEach((item, i) => {
    const def = checkShape(item, i, bad);
    if (!def) return (ok = false);
    if (defs.some((d) => d.name === def.name)) return bad('project.block', `Two blocks are named '${def.name}'; block names must be unique.`);
    defs.push(def);
  });
  if (!Array.isArray(raw) && raw !== undefined) ok = false;
  const catalog = catalogFor({ blocks: defs });
  for (const def of defs) checkWiring(def, catalog.spec, bad);
  for (const [name, chain] of blockCycles(defs)) bad('project.block.cycle', `Block '${name}' contains itself: ${chain.join(' → ')}.`);
  return ok ? defs : undefined;
}

/** A node's `repeat`, checked against the spec of the node's type; undefined with the problem reported. */
export function checkRepeat(
  raw: Json,
  nodeName: string,
  spec: LayerSpec,
  lookup: (type: string) => LayerSpec | undefined,
  report: ReportProblem,
): NodeRepeat | undefined {
  const where = `Node '${nodeName}' "repeat"`;
  if (!isObject(raw)) return void report('project.repeat', `${where} must be {"count", "start", "first", "firstType"}; found ${quote(raw)}.`);
  const problem = repeatProblem(spec);
  if (problem) return void report('project.repeat', `${where}: ${problem}.`);
  const { count, start, first, firstType } = raw;
  let firstSpec = spec;
  if (firstType !== undefined) {
    const found = isId(firstType) ? lookup(firstType) : undefined;
    if (!found) return void report('project.repeat', `${where} "firstType" ${quote(firstType)} is neither a layer type nor one of the project's blocks.`);
    const why = repeatProblem(found);
    if (why) return void report('project.repeat', `${where} "firstType": ${why}.`);
    firstSpec = found;
  }
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_REPEAT)
    return void report('project.repeat', `${where} "count" must be an integer from 1 to ${MAX_REPEAT}; found ${quote(count)}.`);
  if (start !== undefined && (typeof start !== 'number' || !Number.isInteger(start) || start < 0))
    return void report('project.repeat', `${where} "start" must be a non-negative integer; found ${quote(start)}.`);
  const repeat: NodeRepeat = { count, ...(start !== undefined ? { start } : {}), ...(firstType !== undefined ? { firstType: firstSpec.type } : {}) };
  if (first !== undefined) {
    if (!isObject(first)) return void report('project.repeat', `${where} "first" must map parameter names to values; found ${quote(first)}.`);
    for (const [key, value] of Object.entries(first)) {
      const p = firstSpec.params.find((x) => x.name === key);
      const why = !p ? `${firstSpec.label} has no parameter '${key}'` : checkParam(p, value);
      if (why) return void report('project.repeat', `${where} "first" parameter '${key}': ${why}.`);
    }
    repeat.first = { ...(first as Params) };
  }
  return repeat;
}
