/**
 * Editing a block definition on the canvas: the definition becomes a document of its own (its
 * ports as inputs and marked outputs, its layers with the parameters one instance gives them, so
 * shapes show real values), and the edited document becomes the definition again when the user
 * goes back. Expressions survive for every parameter the user did not retype.
 */
import { blockScope, blockType, expressionValue } from '../../core/blocks/compile.js';
import { catalogFor } from '../../core/blocks/document-catalog.js';
import { parseExpressionList } from '../../core/blocks/expression.js';
import { completeParams } from '../../core/layers/params.js';
import type { TensorInfo } from '../../core/layers/types.js';
import type { BlockDefinition, NetworkDocument, ParamValue, Params } from '../../core/network/types.js';
import { inferShapes } from '../../core/shapes/infer.js';

/** What leaving the definition needs: which block, and the values shown for its computed parameters. */
export interface DefinitionContext {
  block: string;
  /** Per inner node id, the value shown for each parameter that has an expression. */
  shown: Record<string, Params>;
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
  return { doc, context: { block, shown } };
}

/**
 * The definition the edited document describes: its inputs and marked outputs are the ports, its
 * layers the inner nodes. An expression is kept while its parameter still shows the computed value;
 * a parameter the user retyped becomes that literal.
 */
export function definitionFromDocument(edited: NetworkDocument, original: BlockDefinition, context: DefinitionContext): BlockDefinition {
  const exprsOf = new Map(original.nodes.map((n) => [n.id, n.exprs ?? {}]));
  const literalOf = new Map(original.nodes.map((n) => [n.id, n.params]));
  const ids = new Set([...edited.nodes.map((n) => n.id), ...edited.inputs.map((i) => i.id)]);
  const positions = Object.fromEntries(Object.entries(edited.ui.positions).filter(([id]) => ids.has(id)));
  return {
    ...original,
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
