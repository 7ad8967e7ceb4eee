/**
 * Editing a block definition on the canvas: the definition becomes a document of its own (its
 * ports as inputs and marked outputs, its layers with the parameters one instance gives them, so
 * shapes show real values), and the edited document becomes the definition again when the user
 * goes back. Expressions survive for every parameter the user did not retype.
 */
import { blockParamSpec, blockScope, blockType, expressionValue } from '../../core/blocks/compile.js';
import { catalogFor, specIn } from '../../core/blocks/document-catalog.js';
import { ExpressionError, parseExpressionList } from '../../core/blocks/expression.js';
import { error, type Result } from '../../core/diagnostics.js';
import { checkParam, completeParams } from '../../core/layers/params.js';
import { setParam } from '../../core/network/edit.js';
import type { TensorInfo } from '../../core/layers/types.js';
import type { BlockDefinition, BlockParam, NetworkDocument, ParamValue, Params } from '../../core/network/types.js';
import { inferShapes } from '../../core/shapes/infer.js';

/**
 * What the canvas cannot hold of a definition while it is open: its exposed parameters and
 * computed values, the expressions per inner node, and the values shown for them.
 */
export interface DefinitionContext {
  block: string;
  params: BlockParam[];
  lets: { name: string; expr: string }[];
  /** Per inner node id, parameter name → expression. */
  exprs: Record<string, Record<string, string>>;
  /** Per inner node id, the value shown for each parameter that has an expression. */
  shown: Record<string, Params>;
  /** The parameter values expressions are shown with: the first instance's, else the defaults. */
  instance: Params;
  /** A built-in composite opened to see its layers: nothing is written back. */
  readOnly?: boolean;
}

/** The names an expression may read in `context`: the block's parameters and computed values. */
export function expressionScope(context: DefinitionContext): Params {
  const def = { name: context.block, params: context.params, lets: context.lets, inputs: [], nodes: [], edges: [], outputs: [] };
  try {
    return blockScope(def, context.instance);
  } catch {
    return Object.fromEntries(context.params.map((p) => [p.name, context.instance[p.name] ?? p.default]));
  }
}

/** Input tensors of one node, by port name. */
function nodeInputs(project: NetworkDocument, nodeId: string): Record<string, TensorInfo> {
  const shapes = inferShapes(project);
  const inputs: Record<string, TensorInfo> = {};
  for (const e of project.edges) {
    if (e.to.node !== nodeId) continue;
    const t = shapes.nodes[e.from.node]?.outputs[e.from.port];
    if (t) inputs[e.to.port] = t;
  }
  return inputs;
}

/** Left to right by depth from the inputs: a readable first picture of a graph that has no positions. */
function layeredPositions(
  ids: readonly string[],
  edges: readonly { from: { node: string }; to: { node: string } }[],
): Record<string, { x: number; y: number }> {
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen = new Set<string>()): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const d = Math.max(0, ...edges.filter((e) => e.to.node === id).map((e) => depthOf(e.from.node, seen) + 1));
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, number>();
  const positions: Record<string, { x: number; y: number }> = {};
  for (const id of ids) {
    const column = depthOf(id);
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    positions[id] = { x: column * 260, y: row * 150 };
  }
  return positions;
}

/** A built-in composite's layers for the node's parameters, as a document to look at (read-only). */
export function compositeDocument(project: NetworkDocument, nodeId: string): { doc: NetworkDocument; context: DefinitionContext } | undefined {
  const node = project.nodes.find((n) => n.id === nodeId);
  const catalog = catalogFor(project);
  const spec = node && catalog.spec(node.type);
  if (!node || !spec || spec.kind !== 'composite') return undefined;
  const expansion = spec.expand(completeParams(spec.params, node.params));
  const tensors = nodeInputs(project, nodeId);
  const inputId = (port: string) => `port:${port}`;
  const end = (p: { node: string; port: string } | { input: string }) => ('input' in p ? { node: inputId(p.input), port: 'output' } : { ...p });
  const inputs = spec.inputs.map((p) => {
    const t = tensors[p.name];
    return { id: inputId(p.name), name: p.name, dtype: t?.dtype ?? ('FLOAT' as const), dims: t ? [...t.dims] : [1, 3, 224, 224] };
  });
  const edges = expansion.edges.map((e, i) => ({ id: `w${i}`, from: end(e.from), to: { ...e.to } }));
  const doc: NetworkDocument = {
    name: `${project.name} › ${node.name}`,
    inputs,
    nodes: expansion.nodes.map((n) => {
      const inner = catalog.spec(n.type);
      return { id: n.id, type: n.type, name: n.name, params: inner ? completeParams(inner.params, n.params) : { ...n.params } };
    }),
    edges,
    outputs: Object.entries(expansion.outputs).map(([name, from]) => ({ name, from: end(from) })),
    bindings: {},
    ui: {
      positions: layeredPositions([...inputs.map((i) => i.id), ...expansion.nodes.map((n) => n.id)], edges),
      groups: [],
      viewport: { x: 0, y: 0, zoom: 1 },
    },
    ...(project.blocks ? { blocks: project.blocks } : {}),
  };
  return { doc, context: { block: spec.label, params: [], lets: [], exprs: {}, shown: {}, instance: {}, readOnly: true } };
}

/** Input tensors of the first instance of `block`, by port name (a definition with no instance gets a 1×3×224×224 stand-in). */
function instanceInputs(project: NetworkDocument, block: string): { inputs: Record<string, TensorInfo>; params: Params } {
  const instance = project.nodes.find((n) => n.type === blockType(block));
  if (!instance) return { inputs: {}, params: {} };
  const shapes = inferShapes(project);
  const inputs: Record<string, TensorInfo> = {};
  for (const e of project.edges) {
    if (e.to.node !== instance.id) continue;
    const t = shapes.nodes[e.from.node]?.outputs[e.from.port];
    if (t) inputs[e.to.port] = t;
  }
  // A repeated instance's copies after the first take its own params; the first copy's input is what the wire gives.
  return { inputs, params: { ...instance.params, ...instance.repeat?.first } };
}

function refuse<T>(code: string, message: string): Result<T> {
  return { ok: false, diagnostics: [error(code, message)] };
}

const sameValue = (a: ParamValue | undefined, b: ParamValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** The definition of `block` as a document to edit, or undefined when the project has no such block. */
export function definitionDocument(project: NetworkDocument, block: string): { doc: NetworkDocument; context: DefinitionContext } | undefined {
  const def = project.blocks?.find((b) => b.name === block);
  if (!def) return undefined;
  const catalog = catalogFor(project);
  const { inputs, params } = instanceInputs(project, block);
  let scope: Params = {};
  try {
    scope = blockScope(def, params);
  } catch {
    // A value that fails to compute leaves its expressions shown at their literal values.
  }
  const shown: Record<string, Params> = {};
  const nodes = def.nodes.map((n) => {
    const spec = catalog.spec(n.type);
    const values: Params = { ...n.params };
    for (const [param, text] of Object.entries(n.exprs ?? {})) {
      const kind = spec?.params.find((p) => p.name === param)?.kind;
      if (!kind) continue;
      try {
        values[param] = expressionValue(parseExpressionList(text), kind, scope);
      } catch {
        continue;
      }
      (shown[n.id] ??= {})[param] = values[param];
    }
    return { id: n.id, type: n.type, name: n.name, params: spec ? completeParams(spec.params, values) : values };
  });
  const doc: NetworkDocument = {
    name: `${project.name} › ${block}`,
    inputs: def.inputs.map((i) => {
      const t = inputs[i.name];
      return { id: i.id, name: i.name, dtype: t?.dtype ?? 'FLOAT', dims: t ? [...t.dims] : [1, 3, 224, 224] };
    }),
    nodes,
    edges: def.edges.map((e) => ({ ...e, from: { ...e.from }, to: { ...e.to } })),
    outputs: def.outputs.map((o) => ({ name: o.name, from: { ...o.from } })),
    bindings: {},
    ui: { positions: { ...def.positions }, groups: [], viewport: { x: 0, y: 0, zoom: 1 } },
    ...(project.blocks ? { blocks: project.blocks } : {}),
  };
  const exprs = Object.fromEntries(def.nodes.filter((n) => n.exprs).map((n) => [n.id, { ...n.exprs }]));
  return { doc, context: { block, params: def.params.map((p) => ({ ...p })), lets: (def.lets ?? []).map((l) => ({ ...l })), exprs, shown, instance: params } };
}

/**
 * The definition the edited document describes: its inputs and marked outputs are the ports, its
 * layers the inner nodes. An expression is kept while its parameter still shows the computed value;
 * a parameter the user retyped becomes that literal.
 */
export function definitionFromDocument(edited: NetworkDocument, original: BlockDefinition, context: DefinitionContext): BlockDefinition {
  const exprsOf = new Map(Object.entries(context.exprs));
  const literalOf = new Map(original.nodes.map((n) => [n.id, n.params]));
  const ids = new Set([...edited.nodes.map((n) => n.id), ...edited.inputs.map((i) => i.id)]);
  const positions = Object.fromEntries(Object.entries(edited.ui.positions).filter(([id]) => ids.has(id)));
  const { lets: _lets, ...rest } = original;
  return {
    ...rest,
    params: context.params,
    ...(context.lets.length > 0 ? { lets: context.lets } : {}),
    inputs: edited.inputs.map((i) => ({ id: i.id, name: i.name })),
    nodes: edited.nodes.map((n) => {
      const exprs: Record<string, string> = {};
      const params: Params = { ...n.params };
      for (const [param, text] of Object.entries(exprsOf.get(n.id) ?? {})) {
        const shown = context.shown[n.id]?.[param];
        if (shown !== undefined && !sameValue(shown, n.params[param])) continue;
        exprs[param] = text;
        const literal = literalOf.get(n.id)?.[param];
        if (literal !== undefined) params[param] = literal;
        else delete params[param];
      }
      return { id: n.id, type: n.type, name: n.name, params, ...(Object.keys(exprs).length > 0 ? { exprs } : {}) };
    }),
    edges: edited.edges.map((e) => ({ ...e })),
    outputs: edited.outputs.map((o) => ({ ...o })),
    ...(Object.keys(positions).length > 0 ? { positions } : {}),
  };
}

/**
 * Give an inner parameter an expression over the block's parameters (or, with `text` empty,
 * drop it and keep the value shown as a literal). The canvas shows the value for the instance the
 * definition was opened from, so shapes stay real.
 */
export function withExpression(
  doc: NetworkDocument,
  context: DefinitionContext,
  nodeId: string,
  param: string,
  text: string,
): Result<{ doc: NetworkDocument; context: DefinitionContext }> {
  const node = doc.nodes.find((n) => n.id === nodeId);
  const pspec = node && specIn(doc, node.type)?.params.find((p) => p.name === param);
  if (!node || !pspec) return refuse('edit.block.expr', `There is no parameter '${param}' on that layer.`);
  const exprs = { ...context.exprs, [nodeId]: { ...context.exprs[nodeId] } };
  const shown = { ...context.shown, [nodeId]: { ...context.shown[nodeId] } };
  if (text.trim() === '') {
    delete exprs[nodeId]![param];
    delete shown[nodeId]![param];
    return { ok: true, value: { doc, context: { ...context, exprs, shown } } };
  }
  const scope = expressionScope(context);
  let value: ParamValue;
  try {
    value = expressionValue(parseExpressionList(text), pspec.kind, scope);
  } catch (e) {
    if (e instanceof ExpressionError) return refuse('edit.block.expr', `${node.name}.${param} = ${text}: ${e.message}.`);
    throw e;
  }
  const why = checkParam(pspec, value);
  if (why) return refuse('edit.block.expr', `${node.name}.${param} = ${text} gives ${JSON.stringify(value)}: ${why}.`);
  const set = setParam(doc, nodeId, param, value);
  if (!set.ok) return set;
  exprs[nodeId]![param] = text.trim();
  shown[nodeId]![param] = value;
  return { ok: true, value: { doc: set.value, context: { ...context, exprs, shown } } };
}

/** Replace the block's exposed parameters; each needs a new name and a default its kind accepts. */
export function withParams(context: DefinitionContext, params: BlockParam[]): Result<DefinitionContext> {
  const seen = new Set<string>();
  for (const p of params) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name) || p.name === 'min' || p.name === 'max')
      return refuse('edit.block.param', `'${p.name}' cannot name a parameter: use letters, digits and _, starting with a letter (and not min or max).`);
    if (seen.has(p.name) || context.lets.some((l) => l.name === p.name)) return refuse('edit.block.param', `The block already has a parameter '${p.name}'.`);
    seen.add(p.name);
    const why = checkParam(blockParamSpec(context.block, p), p.default);
    if (why) return refuse('edit.block.param', `Parameter '${p.name}' default: ${why}.`);
  }
  // A new parameter shows its default until an instance sets it.
  const instance = { ...context.instance };
  for (const p of params) if (!(p.name in instance)) instance[p.name] = p.default;
  return { ok: true, value: { ...context, params, instance } };
}
