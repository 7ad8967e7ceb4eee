/**
 * The `.trtstudio` project file: versioned JSON. Loading validates everything and either returns a
 * complete document or every problem found (with the node and field named) — never half a document.
 */
import { error, type Diagnostic, type Result } from '../diagnostics.js';
import { catalogFor } from '../blocks/document-catalog.js';
import { checkBlocks, checkRepeat } from '../blocks/validate.js';
import { findInputPort, findOutputPort, outputPortNames } from '../layers/catalog.js';
import { checkParam, completeParams, isParamValue } from '../layers/params.js';
import {
  BLOCK_TYPE_PREFIX,
  DATA_TYPES,
  INPUT_NODE_PORT,
  type DataType,
  type NetworkDocument,
  type NetworkEdge,
  type NetworkInput,
  type NetworkNode,
  type NetworkOutput,
  type NodeGroup,
  type Params,
  type PortRef,
  type ShapeProfile,
  type UiState,
  type WeightBindings,
} from './types.js';
import { MAX_DIMS, MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_PARAM_LIST, MAX_PROJECT_BYTES, MAX_TEXT_LENGTH, findJsonProblem, formatBytes, quote } from './limits.js';

const PROJECT_FORMAT = 'trtstudio';
const PROJECT_VERSION = 1;
export const PROJECT_EXTENSION = '.trtstudio';

/**
 * What a project file holds: the network document plus the project's saved settings. `weightsFile`
 * is the project's weights file, relative to the project file's folder (with `/` separators).
 */
export function serializeProject(doc: NetworkDocument, weightsFile?: string): string {
  return `${JSON.stringify({ format: PROJECT_FORMAT, version: PROJECT_VERSION, network: doc, ...(weightsFile ? { weights: weightsFile } : {}) }, null, 2)}\n`;
}

/** The weights file a project names (as written, relative to the project's folder), or undefined; call after `parseProject` accepted the text. */
export function projectWeightsFile(text: string): string | undefined {
  try {
    const raw = JSON.parse(text) as { weights?: unknown };
    return typeof raw.weights === 'string' && raw.weights.length > 0 ? raw.weights : undefined;
  } catch {
    return undefined;
  }
}

type Json = unknown;

/** A name or id from the file as a message shows it: cut after 200 characters, with the full length. */
function clip(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 200)}… (${text.length} characters)`;
}

/** The node a Diagnostic points at, when the id is one a Diagnostic can carry. */
function nodeRef(id: Json): Partial<Diagnostic> {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH ? { nodeId: id } : {};
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects problems while walking the file; `at` builds the path used in messages. */
class Checker {
  readonly problems: Diagnostic[] = [];
  constructor(readonly fileName: string) {}

  fail(code: string, message: string, extra: Partial<Diagnostic> = {}): void {
    this.problems.push(error(code, message, { detail: this.fileName, ...extra }));
  }

  /** A non-empty string of at most `max` characters (MAX_NAME_LENGTH for names, MAX_ID_LENGTH for ids). */
  string(v: Json, where: string, code: string, extra: Partial<Diagnostic> = {}, max = MAX_NAME_LENGTH): v is string {
    if (typeof v === 'string' && v.length > 0 && v.length <= max) return true;
    if (typeof v === 'string' && v.length > max)
      this.fail(code, `${where} is ${v.length} characters long; the limit is ${max}. It starts ${quote(v.slice(0, 40))}.`, extra);
    else this.fail(code, `${where} must be a non-empty string; found ${v === undefined ? 'nothing' : quote(v)}.`, extra);
    return false;
  }

  id(v: Json, where: string, code: string, extra: Partial<Diagnostic> = {}): v is string {
    return this.string(v, where, code, extra, MAX_ID_LENGTH);
  }

  dims(v: Json, where: string, extra: Partial<Diagnostic>, allowDynamic: boolean): v is number[] {
    const okValue = (d: unknown) => typeof d === 'number' && Number.isInteger(d) && (d >= 1 || (allowDynamic && d === -1));
    if (Array.isArray(v) && v.length <= MAX_DIMS && v.every(okValue)) return true;
    this.fail(
      'project.dims',
      `${where} must be a list of at most ${MAX_DIMS} positive integers${allowDynamic ? ' (−1 for a dynamic dimension)' : ''}; found ${v === undefined ? 'nothing' : quote(v)}.`,
      extra,
    );
    return false;
  }
}

/** Parse and validate a project file's text. `fileName` is used in messages only. */
export function parseProject(text: string, fileName: string): Result<NetworkDocument> {
  const c = new Checker(fileName);
  if (text.length > MAX_PROJECT_BYTES) {
    c.fail('project.tooLarge', `${fileName} is ${formatBytes(text.length)}; a project file may be at most ${formatBytes(MAX_PROJECT_BYTES)}.`);
    return { ok: false, diagnostics: c.problems };
  }
  let raw: Json;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    c.fail('project.json', jsonErrorMessage(text, fileName, e as Error));
    return { ok: false, diagnostics: c.problems };
  }
  // Bound nesting and size before anything recursive (quoting a value, the checks below) touches the data.
  const bounds = findJsonProblem(raw, { root: '' });
  if (bounds) {
    c.fail('project.limit', `${fileName} was refused: ${bounds.message}`);
    return { ok: false, diagnostics: c.problems };
  }
  if (!isObject(raw) || raw.format !== PROJECT_FORMAT) {
    c.fail('project.format', `${fileName} is not a TRT Studio project: expected a JSON object with "format": "${PROJECT_FORMAT}".`);
    return { ok: false, diagnostics: c.problems };
  }
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    c.fail(
      'project.version',
      `${fileName} has an invalid format version ${version === undefined ? '(missing)' : quote(version)}; expected a positive integer.`,
    );
    return { ok: false, diagnostics: c.problems };
  }
  if (version > PROJECT_VERSION) {
    c.fail(
      'project.version.future',
      `${fileName} was saved by a newer TRT Studio (format version ${version}); this version reads format ${PROJECT_VERSION}. Update TRT Studio to open it.`,
    );
    return { ok: false, diagnostics: c.problems };
  }
  const net = raw.network;
  if (!isObject(net)) {
    c.fail('project.network', `${fileName} has no "network" object.`);
    return { ok: false, diagnostics: c.problems };
  }
  const doc = checkNetwork(net, c);
  return c.problems.length > 0 || !doc ? { ok: false, diagnostics: c.problems } : { ok: true, value: doc };
}

/**
 * Checks a network document that did not come from a file (a request, a recovery file, the CLI's
 * templates) exactly as loading a project file would: the same meaning checks (layer types, ports,
 * params, unique names) and the same limits. Returns the document as the loader would (missing
 * parameters completed), or every problem found. `source` names it in messages.
 */
export function validateDocument(doc: unknown, source = 'The network'): Result<NetworkDocument> {
  const c = new Checker(source);
  const bounds = findJsonProblem(doc, { root: 'network', strict: true });
  if (bounds) {
    c.fail('project.limit', `${source} was refused: ${bounds.message}`);
    return { ok: false, diagnostics: c.problems };
  }
  if (!isObject(doc)) {
    c.fail('project.network', `${source} must be a network object; found ${quote(doc)}.`);
    return { ok: false, diagnostics: c.problems };
  }
  const checked = checkNetwork(doc, c);
  return c.problems.length > 0 || !checked ? { ok: false, diagnostics: c.problems } : { ok: true, value: checked };
}

/** A JSON syntax error as a sentence with a line and column, independent of the JS engine's wording. */
function jsonErrorMessage(text: string, fileName: string, e: Error): string {
  if (text.trim().length === 0) return `${fileName} is empty; expected a TRT Studio project (JSON).`;
  const position = /position (\d+)/.exec(e.message);
  const offset = position ? Number(position[1]) : text.length;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const where = offset >= text.trimEnd().length ? 'ends too early' : `has a syntax error at line ${line}, column ${column}`;
  return `${fileName} is not valid JSON: it ${where}.`;
}

function list(net: Record<string, Json>, key: string, c: Checker): Json[] {
  const v = net[key];
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  c.fail('project.network', `"network.${key}" must be a list; found ${quote(v)}.`);
  return [];
}

function checkNetwork(net: Record<string, Json>, c: Checker): NetworkDocument | undefined {
  const ids = new Set<string>();
  const claimId = (id: string, where: string, extra: Partial<Diagnostic>) => {
    if (ids.has(id)) c.fail('project.id.duplicate', `${where} reuses the id '${id}'; ids must be unique.`, extra);
    ids.add(id);
  };

  // Blocks first: node types may name them. A refused block list still lets the nodes be checked against the built-in catalog.
  const blocks = checkBlocks(net.blocks, (code, message) => c.fail(code, message));
  const catalog = catalogFor({ blocks: blocks ?? [] });

  // Nodes and inputs that exist in the file but were rejected: what refers to them is not reported again.
  const rejected = new Set<string>();

  const inputs: NetworkInput[] = [];
  const inputNames = new Set<string>();
  list(net, 'inputs', c).forEach((raw, i) => {
    const where = `Input ${i + 1}`;
    if (!isObject(raw)) return c.fail('project.input', `${where} must be an object; found ${quote(raw)}.`);
    const extra = nodeRef(raw.id);
    if (!c.id(raw.id, `${where} "id"`, 'project.input', extra)) return;
    claimId(raw.id, `${where} '${clip(String(raw.name))}'`, extra);
    rejected.add(raw.id);
    if (!c.string(raw.name, `Input '${raw.id}' "name"`, 'project.input', { ...extra, field: 'name' })) return;
    if (inputNames.has(raw.name))
      c.fail('project.name.duplicate', `Two inputs are named '${raw.name}'; input names must be unique.`, { ...extra, field: 'name' });
    inputNames.add(raw.name);
    if (typeof raw.dtype !== 'string' || !(DATA_TYPES as readonly string[]).includes(raw.dtype))
      return c.fail('project.input.dtype', `Input '${raw.name}' has the data type ${quote(raw.dtype)}; expected one of ${DATA_TYPES.join(', ')}.`, {
        ...extra,
        field: 'dtype',
      });
    if (!c.dims(raw.dims, `Input '${raw.name}' "dims"`, { ...extra, field: 'dims' }, true)) return;
    let profile: ShapeProfile | undefined;
    if (raw.profile !== undefined) {
      profile = checkProfile(raw.profile, raw.dims, `Input '${raw.name}'`, c, extra);
      if (!profile) return;
    } else if (raw.dims.includes(-1)) {
      // A dynamic input without a profile is allowed while editing; building reports it.
    }
    let dimNames: string[] | undefined;
    if (raw.dimNames !== undefined) {
      const names = raw.dimNames;
      if (!Array.isArray(names) || names.length !== raw.dims.length || !names.every((n) => typeof n === 'string' && n.length <= MAX_NAME_LENGTH))
        return c.fail(
          'project.input.dimNames',
          `Input '${raw.name}' "dimNames" must list one name (or '') per dimension, ${raw.dims.length} in all; found ${quote(names)}.`,
          {
            ...extra,
            field: 'dimNames',
          },
        );
      dimNames = names as string[];
    }
    rejected.delete(raw.id);
    inputs.push({
      id: raw.id,
      name: raw.name,
      dtype: raw.dtype as DataType,
      dims: raw.dims,
      ...(profile ? { profile } : {}),
      ...(dimNames ? { dimNames } : {}),
    });
  });

  const nodes: NetworkNode[] = [];
  const nodeNames = new Set<string>();

  list(net, 'nodes', c).forEach((raw, i) => {
    const where = `Node ${i + 1}`;
    if (!isObject(raw)) return c.fail('project.node', `${where} must be an object; found ${quote(raw)}.`);
    const extra = nodeRef(raw.id);
    if (!c.id(raw.id, `${where} "id"`, 'project.node', extra)) return;
    claimId(raw.id, `Node '${clip(String(raw.name ?? raw.id))}'`, extra);
    // From here on a refused node's wires and bindings are not reported again.
    rejected.add(raw.id);
    if (!c.string(raw.name, `Node '${raw.id}' "name"`, 'project.node', { ...extra, field: 'name' })) return;
    if (nodeNames.has(raw.name))
      c.fail('project.name.duplicate', `Two layers are named '${raw.name}'; layer names must be unique.`, { ...extra, field: 'name' });
    nodeNames.add(raw.name);
    if (typeof raw.type !== 'string') return c.fail('project.node.type', `Node '${raw.name}' has no layer type.`, { ...extra, field: 'type' });
    const spec = catalog.spec(raw.type);
    // An instance of a refused block list: the blocks' own problems say what is wrong.
    if (!spec && !blocks && raw.type.startsWith(BLOCK_TYPE_PREFIX)) return;
    if (!spec) return c.fail('project.node.type', `Node '${raw.name}' has the unknown layer type '${clip(raw.type)}'.`, { ...extra, field: 'type' });
    let repeat: NetworkNode['repeat'];
    if (raw.repeat !== undefined) {
      repeat = checkRepeat(raw.repeat, raw.name, spec, catalog.spec, (code, message) => c.fail(code, message, { ...extra, field: 'repeat' }));
      if (!repeat) return;
    }
    const rawParams = raw.params ?? {};
    if (!isObject(rawParams)) return c.fail('project.param', `Node '${raw.name}' "params" must be an object.`, { ...extra, field: 'params' });
    const params: Params = {};
    let paramsOk = true;
    for (const [key, value] of Object.entries(rawParams)) {
      const pspec = spec.params.find((p) => p.name === key);
      if (!pspec) {
        paramsOk = false;
        c.fail(
          'project.param.unknown',
          `Node '${raw.name}' (${spec.type}) has the unknown parameter '${clip(key)}'; ${spec.type} takes ${spec.params.map((p) => p.name).join(', ') || 'no parameters'}.`,
          { ...extra, field: key.slice(0, MAX_ID_LENGTH) },
        );
        continue;
      }
      const why = !isParamValue(value)
        ? `expected a ${pspec.kind} value, got ${quote(value)}`
        : typeof value === 'string' && value.length > MAX_TEXT_LENGTH
          ? `the text is ${value.length} characters long; the limit is ${MAX_TEXT_LENGTH}`
          : Array.isArray(value) && value.length > MAX_PARAM_LIST
            ? `the list has ${value.length} values; the limit is ${MAX_PARAM_LIST}`
            : checkParam(pspec, value);
      if (why) {
        paramsOk = false;
        c.fail('project.param.invalid', `Node '${raw.name}' (${spec.type}) parameter '${key}': ${why}.`, { ...extra, field: key });
        continue;
      }
      params[key] = value as Params[string];
    }
    if (!paramsOk) return;
    // Parameters a file lacks (older files, hand-written ones) take their defaults.
    rejected.delete(raw.id);
    nodes.push({ id: raw.id, type: raw.type, name: raw.name, params: completeParams(spec.params, params), ...(repeat ? { repeat } : {}) });
  });

  const inputById = new Map(inputs.map((x) => [x.id, x]));
  const nodeById = new Map(nodes.map((x) => [x.id, x]));
  const checkSource = (ref: Json, where: string, extra: Partial<Diagnostic>): PortRef | undefined => {
    if (!isObject(ref) || typeof ref.node !== 'string' || typeof ref.port !== 'string') {
      c.fail('project.edge', `${where} must be {"node": ..., "port": ...}; found ${quote(ref)}.`, extra);
      return undefined;
    }
    if (ref.node.length > MAX_ID_LENGTH || ref.port.length > MAX_ID_LENGTH) {
      c.fail('project.edge', `${where} names a node or port longer than ${MAX_ID_LENGTH} characters; found ${quote(ref)}.`, extra);
      return undefined;
    }
    if (rejected.has(ref.node) && !inputById.has(ref.node) && !nodeById.has(ref.node)) return undefined;
    if (inputById.has(ref.node)) {
      if (ref.port === INPUT_NODE_PORT) return { node: ref.node, port: ref.port };
      c.fail('project.edge.port', `${where} names the port '${ref.port}' of input '${inputById.get(ref.node)!.name}', which has only '${INPUT_NODE_PORT}'.`, {
        ...extra,
        nodeId: ref.node,
      });
      return undefined;
    }
    const node = nodeById.get(ref.node);
    if (!node) {
      c.fail('project.edge.dangling', `${where} starts at the node '${ref.node}', which does not exist.`, extra);
      return undefined;
    }
    const spec = catalog.spec(node.type)!;
    // Without the parameters: a wire past a Split's last output loads, and shape inference reports it.
    if (!findOutputPort(spec, ref.port)) {
      c.fail(
        'project.edge.port',
        `${where} starts at the port '${ref.port}' of '${node.name}' (${node.type}), which has the outputs ${outputPortNames(spec, node.params).join(', ')}.`,
        { ...extra, nodeId: node.id },
      );
      return undefined;
    }
    return { node: ref.node, port: ref.port };
  };

  const edges: NetworkEdge[] = [];
  const fedPorts = new Set<string>();
  list(net, 'edges', c).forEach((raw, i) => {
    const where = `Edge ${i + 1}`;
    if (!isObject(raw)) return c.fail('project.edge', `${where} must be an object; found ${quote(raw)}.`);
    if (!c.id(raw.id, `${where} "id"`, 'project.edge')) return;
    claimId(raw.id, `Edge '${raw.id}'`, {});
    const label = `Edge '${raw.id}'`;
    const from = checkSource(raw.from, `${label} "from"`, {});
    const to = raw.to;
    if (!isObject(to) || typeof to.node !== 'string' || typeof to.port !== 'string' || to.node.length > MAX_ID_LENGTH || to.port.length > MAX_ID_LENGTH)
      return c.fail('project.edge', `${label} "to" must be {"node": ..., "port": ...}; found ${quote(to)}.`);
    const target = nodeById.get(to.node);
    if (!target) {
      if (rejected.has(to.node)) return;
      const why = inputById.has(to.node) ? 'which is a network input and takes no wires' : 'which does not exist';
      return c.fail('project.edge.dangling', `${label} ends at the node '${to.node}', ${why}.`);
    }
    const spec = catalog.spec(target.type)!;
    if (!findInputPort(spec, to.port))
      return c.fail(
        'project.edge.port',
        `${label} ends at the port '${to.port}' of '${target.name}' (${target.type}), which has the inputs ${spec.inputs.map((p) => (p.variadic ? `${p.name}.0, ${p.name}.1, ...` : p.name)).join(', ') || '(none)'}.`,
        { nodeId: target.id, field: to.port },
      );
    const key = `${to.node}\u0000${to.port}`;
    if (fedPorts.has(key))
      return c.fail('project.edge.duplicate', `${label} is a second wire into the input '${to.port}' of '${target.name}'; an input takes one wire.`, {
        nodeId: target.id,
        field: to.port,
      });
    fedPorts.add(key);
    if (from) edges.push({ id: raw.id, from, to: { node: to.node, port: to.port } });
  });

  const outputs: NetworkOutput[] = [];
  const outputNames = new Set<string>();
  list(net, 'outputs', c).forEach((raw, i) => {
    const where = `Output ${i + 1}`;
    if (!isObject(raw)) return c.fail('project.output', `${where} must be an object; found ${quote(raw)}.`);
    if (!c.string(raw.name, `${where} "name"`, 'project.output')) return;
    if (outputNames.has(raw.name)) c.fail('project.name.duplicate', `Two outputs are named '${raw.name}'; output names must be unique.`, { field: 'name' });
    outputNames.add(raw.name);
    const from = checkSource(raw.from, `Output '${raw.name}' "from"`, {});
    if (from) outputs.push({ name: raw.name, from });
  });

  const bindings: WeightBindings = {};
  const rawBindings = net.bindings ?? {};
  if (!isObject(rawBindings)) c.fail('project.bindings', `"network.bindings" must be an object of node id → slot → tensor name.`);
  else
    for (const [nodeId, slots] of Object.entries(rawBindings)) {
      const node = nodeById.get(nodeId);
      if (!node) {
        if (rejected.has(nodeId)) continue;
        c.fail('project.bindings', `Weight bindings name the node '${clip(nodeId)}', which does not exist.`);
        continue;
      }
      const validSlot = ([slot, t]: [string, Json]) => slot.length <= MAX_ID_LENGTH && typeof t === 'string' && t.length > 0 && t.length <= MAX_NAME_LENGTH;
      if (!isObject(slots) || !Object.entries(slots).every(validSlot)) {
        c.fail(
          'project.bindings',
          `Weight bindings of '${node.name}' must map slot names (at most ${MAX_ID_LENGTH} characters) to tensor names (at most ${MAX_NAME_LENGTH}); found ${quote(slots)}.`,
          { nodeId },
        );
        continue;
      }
      bindings[nodeId] = { ...(slots as Record<string, string>) };
    }

  const ui = checkUi(net.ui, new Set([...nodeById.keys(), ...inputById.keys()]), rejected, c);
  if (typeof net.name === 'string' && net.name.length > MAX_NAME_LENGTH)
    c.fail('project.network', `The network's name is ${net.name.length} characters long; the limit is ${MAX_NAME_LENGTH}.`, { field: 'name' });
  const name = typeof net.name === 'string' && net.name.length > 0 ? net.name : 'Untitled';
  if (!ui || !blocks) return undefined;
  return { name, inputs, nodes, edges, outputs, bindings, ui, ...(blocks.length > 0 ? { blocks } : {}) };
}

function checkProfile(raw: Json, dims: number[], where: string, c: Checker, extra: Partial<Diagnostic>): ShapeProfile | undefined {
  if (!isObject(raw)) {
    c.fail('project.input.profile', `${where} "profile" must be {"min", "opt", "max"}.`, { ...extra, field: 'profile' });
    return undefined;
  }
  const parts: number[][] = [];
  for (const key of ['min', 'opt', 'max'] as const) {
    const v = raw[key];
    if (!c.dims(v, `${where} profile "${key}"`, { ...extra, field: 'profile' }, false)) return undefined;
    if (v.length !== dims.length) {
      c.fail('project.input.profile', `${where} profile "${key}" has ${v.length} dims but the input has ${dims.length}.`, { ...extra, field: 'profile' });
      return undefined;
    }
    parts.push(v);
  }
  const [min, opt, max] = parts as [number[], number[], number[]];
  for (let i = 0; i < dims.length; i++) {
    if (!(min[i]! <= opt[i]! && opt[i]! <= max[i]!)) {
      c.fail('project.input.profile', `${where} profile needs min ≤ opt ≤ max in every dimension; dimension ${i} has ${min[i]}, ${opt[i]}, ${max[i]}.`, {
        ...extra,
        field: 'profile',
      });
      return undefined;
    }
    if (dims[i] !== -1 && (min[i] !== dims[i] || max[i] !== dims[i])) {
      c.fail('project.input.profile', `${where} profile must keep the static dimension ${i} at ${dims[i]}; found ${min[i]}..${max[i]}.`, {
        ...extra,
        field: 'profile',
      });
      return undefined;
    }
  }
  return { min, opt, max };
}

function checkUi(raw: Json, nodeIds: Set<string>, rejected: Set<string>, c: Checker): UiState | undefined {
  const ui: UiState = { positions: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } };
  if (raw === undefined) return ui;
  if (!isObject(raw)) {
    c.fail('project.ui', `"network.ui" must be an object.`);
    return undefined;
  }
  const positions = raw.positions ?? {};
  if (isObject(positions))
    for (const [id, p] of Object.entries(positions)) {
      // Positions of nodes that no longer exist are dropped quietly: they carry no meaning.
      if (!nodeIds.has(id)) continue;
      if (!isObject(p) || typeof p.x !== 'number' || typeof p.y !== 'number' || !Number.isFinite(p.x) || !Number.isFinite(p.y)) {
        c.fail('project.ui', `The position of node '${id}' must be {"x": number, "y": number}; found ${quote(p)}.`, { nodeId: id });
        continue;
      }
      ui.positions[id] = { x: p.x, y: p.y };
    }
  const groups = raw.groups ?? [];
  if (Array.isArray(groups))
    for (const g of groups) {
      if (!isObject(g) || !Array.isArray(g.nodeIds)) {
        c.fail('project.ui.group', `A group must be {"id", "name", "nodeIds", "collapsed"}; found ${quote(g)}.`);
        continue;
      }
      if (!c.id(g.id, 'A group\'s "id"', 'project.ui.group') || !c.string(g.name, `Group '${clip(g.id)}' "name"`, 'project.ui.group')) continue;
      const missing = g.nodeIds.filter((id) => typeof id !== 'string' || (!nodeIds.has(id) && !rejected.has(id)));
      if (missing.length > 0) {
        const shown = missing.slice(0, 5).map((m) => quote(m));
        if (missing.length > 5) shown.push(`and ${missing.length - 5} more`);
        c.fail('project.ui.group', `Group '${g.name}' lists nodes that do not exist: ${shown.join(', ')}.`);
        continue;
      }
      const group: NodeGroup = { id: g.id, name: g.name, nodeIds: (g.nodeIds as string[]).filter((id) => nodeIds.has(id)), collapsed: g.collapsed === true };
      ui.groups.push(group);
    }
  const vp = raw.viewport;
  const finite = (v: Json): v is number => typeof v === 'number' && Number.isFinite(v);
  if (isObject(vp) && finite(vp.x) && finite(vp.y) && finite(vp.zoom) && vp.zoom > 0) ui.viewport = { x: vp.x, y: vp.y, zoom: vp.zoom };
  return ui;
}
