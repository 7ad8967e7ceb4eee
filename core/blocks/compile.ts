/**
 * A project's block definition as a catalog composite, and a repeated instance as the chain of its
 * copies. Both expand like the built-in composites, with the inner nodes named relative to the
 * instance, so `conv1` in `layer3.0` is the layer `layer3.0.conv1` binding `layer3.0.conv1.weight`.
 */
import { channelsFromInput, checkParam } from '../layers/params.js';
import { fail, type CompositeSpec, type Expansion, type ExpansionPort, type LayerSpec, type ParamSpec, type PortSpec } from '../layers/types.js';
import { quote } from '../network/limits.js';
import { BLOCK_TYPE_PREFIX, type BlockDefinition, type BlockParam, type NodeRepeat, type ParamValue, type Params } from '../network/types.js';
import { evaluateExpression, ExpressionError, parseExpressionList, type Expression } from './expression.js';

/** The node type of an instance of block `name`. */
export function blockType(name: string): string {
  return `${BLOCK_TYPE_PREFIX}${name}`;
}

/** The block name a node type refers to, or undefined for a catalog type. */
export function blockNameOf(type: string): string | undefined {
  return type.startsWith(BLOCK_TYPE_PREFIX) ? type.slice(BLOCK_TYPE_PREFIX.length) : undefined;
}

/** A block parameter as the catalog describes parameters, so the inspector and validation treat it alike. */
export function blockParamSpec(block: string, p: BlockParam): ParamSpec {
  const doc = p.doc ?? `Parameter of block ${block}.`;
  switch (p.kind) {
    case 'int':
      return { name: p.name, kind: 'int', default: p.default as number, doc, ...(p.min !== undefined ? { min: p.min } : {}) };
    case 'float':
      return { name: p.name, kind: 'float', default: p.default as number, doc, ...(p.min !== undefined ? { min: p.min } : {}) };
    case 'bool':
      return { name: p.name, kind: 'bool', default: p.default as boolean, doc };
    case 'enum':
      return { name: p.name, kind: 'enum', enumType: `${block}.${p.name}`, values: p.values ?? [], default: p.default as string, doc };
  }
}

/** Parses an expression once per definition; a bad one fails when an instance expands (validation reports it on load). */
function parsed(cache: Map<string, Expression[] | ExpressionError>, text: string): Expression[] {
  let entry = cache.get(text);
  if (!entry) {
    try {
      entry = parseExpressionList(text);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      entry = e;
    }
    cache.set(text, entry);
  }
  if (entry instanceof ExpressionError) throw entry;
  return entry;
}

/** The value an expression list gives a parameter of `kind`: a list for list parameters, one value otherwise. */
export function expressionValue(exprs: Expression[], kind: ParamSpec['kind'], scope: Readonly<Params>): ParamValue {
  const values = exprs.map((e) => evaluateExpression(e, scope));
  if (kind === 'ints' || kind === 'floats') {
    if (values.length === 1 && Array.isArray(values[0])) return values[0];
    if (!values.every((v) => typeof v === 'number')) throw new ExpressionError(`a list parameter takes numbers, got ${quote(values)}`);
    return values as number[];
  }
  if (values.length !== 1) throw new ExpressionError(`it gives ${values.length} values where one is expected`);
  return values[0]!;
}

/** The block's parameter values for one instance, with its `lets` computed in order. */
export function blockScope(def: BlockDefinition, params: Params, cache = new Map<string, Expression[] | ExpressionError>()): Params {
  const scope: Params = {};
  for (const p of def.params) scope[p.name] = params[p.name] ?? p.default;
  for (const l of def.lets ?? []) {
    try {
      scope[l.name] = expressionValue(parsed(cache, l.expr), 'float', scope);
    } catch (e) {
      if (e instanceof ExpressionError) fail(`value '${l.name}' = '${l.expr}': ${e.message}`);
      throw e;
    }
  }
  return scope;
}

/**
 * The composite a block definition stands for. `lookup` resolves inner types (other blocks
 * included); `broken`, when set, is why the block cannot expand (a cycle), said on every instance.
 */
export function blockSpec(def: BlockDefinition, lookup: (type: string) => LayerSpec | undefined, broken?: string): CompositeSpec {
  const cache = new Map<string, Expression[] | ExpressionError>();
  const inputName = new Map(def.inputs.map((i) => [i.id, i.name]));
  const params = def.params.map((p) => blockParamSpec(def.name, p));
  const ports = (list: readonly { name: string }[], what: string): PortSpec[] => list.map((p) => ({ name: p.name, doc: `The block's ${what} '${p.name}'.` }));
  return {
    kind: 'composite',
    type: blockType(def.name),
    category: 'Blocks',
    label: def.name,
    doc: def.doc ?? `The project's block ${def.name}.`,
    params,
    inputs: ports(def.inputs, 'input'),
    outputs: ports(def.outputs, 'output'),
    fromInput: def.params.filter((p) => p.fromInput === 'channels').map((p) => channelsFromInput(p.name)),
    summary: (p) =>
      def.params
        .slice(0, 3)
        .map((d) => `${d.name}=${String(p[d.name])}`)
        .join(' '),
    expand: (values) => {
      if (broken) fail(broken);
      const scope = blockScope(def, values, cache);
      const expansion: Expansion = { nodes: [], edges: [], outputs: {}, weights: [], relativeWeights: def.nodes.map((n) => n.id) };
      for (const node of def.nodes) {
        const inner = lookup(node.type);
        if (!inner) fail(`inner layer '${node.name}' has the unknown type '${node.type}'`);
        const resolved: Params = { ...node.params };
        for (const [name, text] of Object.entries(node.exprs ?? {})) {
          const pspec = inner.params.find((p) => p.name === name);
          if (!pspec) fail(`inner layer '${node.name}' (${inner.type}) has no parameter '${name}'`);
          let value: ParamValue;
          try {
            value = expressionValue(parsed(cache, text), pspec.kind, scope);
          } catch (e) {
            if (e instanceof ExpressionError) fail(`inner layer '${node.name}' parameter '${name}' = '${text}': ${e.message}`);
            throw e;
          }
          const why = checkParam(pspec, value);
          if (why) fail(`inner layer '${node.name}' parameter '${name}' = '${text}' gives ${quote(value)}: ${why}`);
          resolved[name] = value;
        }
        expansion.nodes.push({ id: node.id, type: node.type, name: node.name, params: resolved });
      }
      for (const e of def.edges) {
        const input = inputName.get(e.from.node);
        expansion.edges.push({ from: input !== undefined ? { input } : { ...e.from }, to: { ...e.to } });
      }
      for (const o of def.outputs) {
        const input = inputName.get(o.from.node);
        expansion.outputs[o.name] = input !== undefined ? { input } : { ...o.from };
      }
      return expansion;
    },
  };
}

/** Why a composite cannot repeat, or undefined: the copies chain, so it needs one input and one output. */
export function repeatProblem(spec: LayerSpec): string | undefined {
  if (spec.kind !== 'composite') return `${spec.type} is a TensorRT primitive; only blocks and composites repeat`;
  if (spec.inputs.length !== 1 || spec.outputs.length !== 1 || spec.inputs[0]!.variadic)
    return `${spec.label} has ${spec.inputs.length} inputs and ${spec.outputs.length} outputs; a repeated block needs exactly one of each to chain its copies`;
  return undefined;
}

/**
 * `count` copies of `spec` in sequence, named `<start>`, `<start + 1>`, ... relative to the node; the
 * first copy takes `first` over the node's parameters. Input-derived parameters are checked by each
 * copy (the first copy's input differs from the others').
 */
export function repeatedSpec(spec: CompositeSpec, repeat: NodeRepeat, lookup: (type: string) => LayerSpec | undefined): CompositeSpec {
  const firstSpec = repeat.firstType === undefined ? spec : lookup(repeat.firstType);
  const problem =
    repeatProblem(spec) ??
    (firstSpec ? repeatProblem(firstSpec) : `the first copy's type '${repeat.firstType ?? ''}' is neither a layer type nor one of the project's blocks`);
  const start = repeat.start ?? 0;
  const { fromInput: _checkedPerCopy, ...rest } = spec;
  return {
    ...rest,
    label: `${spec.label} ×${repeat.count}`,
    expand: (params) => {
      if (problem) fail(problem);
      const input = spec.inputs[0]!.name;
      const output = spec.outputs[0]!.name;
      const first = firstSpec!;
      const expansion: Expansion = { nodes: [], edges: [], outputs: {}, weights: [], relativeWeights: [] };
      for (let i = 0; i < repeat.count; i++) {
        const id = `copy${i}`;
        const type = i === 0 ? first.type : spec.type;
        // A first copy of another type takes only its own values; the node's are the other copies'.
        const values = i > 0 ? { ...params } : first === spec ? { ...params, ...repeat.first } : { ...repeat.first };
        expansion.nodes.push({ id, type, name: String(start + i), params: values });
        const from: ExpansionPort = i === 0 ? { input } : { node: `copy${i - 1}`, port: i === 1 ? first.outputs[0]!.name : output };
        expansion.edges.push({ from, to: { node: id, port: i === 0 ? first.inputs[0]!.name : input } });
        expansion.relativeWeights!.push(id);
      }
      expansion.outputs[output] = { node: `copy${repeat.count - 1}`, port: repeat.count === 1 ? first.outputs[0]!.name : output };
      return expansion;
    },
  };
}
