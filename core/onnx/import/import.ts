/**
 * ONNX → network document: every ONNX node goes through its importer in IMPORTERS (importers/),
 * nodes whose inputs are all known are folded to constants (fold.ts), and the initializers become
 * the weight set, bound to the layers under their initializer names. Either the whole model is
 * imported or nothing is: unsupported ops are listed together before anything is built, and a
 * node that cannot be mapped fails the import with its name.
 */
import { error, ok, warning, type Diagnostic, type Result } from '../../diagnostics.js';
import type { DataType, NetworkDocument } from '../../network/types.js';
import { validateDocument } from '../../network/project-file.js';
import { inferShapes } from '../../shapes/infer.js';
import { templateBuilder } from '../../templates/builder.js';
import { ImportError, ImportState, NodeContext, StaticDimsError, type Value } from './context.js';
import { foldNode } from './fold.js';
import { CONTROL_FLOW_OPS } from './importers/detection.js';
import { IMPORTERS } from './importers/index.js';
import { onnxDataType, onnxTypeName, OnnxFileError, readOnnxModel, type ExternalDataReader, type OnnxModelData, type OnnxNodeData } from './onnx-file.js';

/** The opsets whose semantics the importers follow. */
export const IMPORT_OPSETS = { min: 7, max: 21 } as const;

/** A dynamic input dimension: the ONNX dim_param it had (empty when it was unnamed). */
export interface DynamicDim {
  input: string;
  axis: number;
  name: string;
}

export interface OnnxImport {
  doc: NetworkDocument;
  /** The weight set: initializer names (and names of folded values) → values, viewing the file's bytes where possible. */
  weights: Map<string, Float32Array>;
  opset: number;
  producer: string;
  dynamicDims: DynamicDim[];
  /**
   * Dynamic dimensions fixed at 1 because a layer needs every dimension known (a Slice or Split of a
   * tensor with a dynamic batch: TensorRT's slice takes a static size here); empty when none was.
   */
  fixedDims: DynamicDim[];
}

export interface ImportOptions {
  /** The document's name when the graph has none (the file name without extension). */
  name?: string;
  readExternal?: ExternalDataReader;
}

/** The ops (ONNX's domain only) that have no importer, with the nodes that use them. */
function unsupportedOps(model: OnnxModelData): Diagnostic[] {
  const missing = new Map<string, string[]>();
  for (const node of model.nodes) {
    const key = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}::${node.opType}` : node.opType;
    if (IMPORTERS[key] && key === node.opType) continue;
    missing.set(key, [...(missing.get(key) ?? []), node.name]);
  }
  if (missing.size === 0) return [];
  const count = [...missing.values()].reduce((n, list) => n + list.length, 0);
  const list = [...missing.entries()].map(([op, names]) => {
    const shown = names.slice(0, 5).map((n) => `'${n}'`);
    const more = names.length > 5 ? ` and ${names.length - 5} more` : '';
    const why = (CONTROL_FLOW_OPS as readonly string[]).includes(op) ? ', control flow with subgraphs, which is not supported' : '';
    return `${op} ×${names.length} (${shown.join(', ')}${more}${why})`;
  });
  return [
    error(
      'onnx.import.unsupported',
      `The model (opset ${model.opset}) uses ${missing.size} op${missing.size === 1 ? '' : 's'} that cannot be imported, in ${count} node${count === 1 ? '' : 's'}: ${list.join('; ')}.`,
    ),
  ];
}

/** Nodes in an order where every input is produced before it is read (ONNX requires it; some tools break it). */
function topologicalOrder(model: OnnxModelData): OnnxNodeData[] | Diagnostic {
  const known = new Set<string>([...model.initializers.keys(), ...model.inputs.map((i) => i.name), '']);
  const pending = [...model.nodes];
  const order: OnnxNodeData[] = [];
  while (pending.length > 0) {
    const before = pending.length;
    for (let i = 0; i < pending.length;) {
      const node = pending[i]!;
      if (node.inputs.every((x) => known.has(x))) {
        order.push(node);
        for (const o of node.outputs) known.add(o);
        pending.splice(i, 1);
      } else i++;
    }
    if (pending.length === before) {
      const node = pending[0]!;
      const input = node.inputs.find((x) => !known.has(x))!;
      return error(
        'onnx.import.graph',
        `Node '${node.name}' (${node.opType}) reads '${input}', which no node, initializer or graph input produces (or the graph has a cycle).`,
      );
    }
  }
  return order;
}

function fileError(e: unknown): Result<never> {
  if (e instanceof OnnxFileError) return { ok: false, diagnostics: [error('onnx.file', e.message)] };
  throw e;
}

/** Read and import an ONNX model. A file that cannot be decoded gives `onnx.file`; a model that cannot be mapped, `onnx.import.*`. */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): Result<OnnxImport> {
  let model: OnnxModelData;
  try {
    model = readOnnxModel(bytes, options.readExternal);
  } catch (e) {
    return fileError(e);
  }
  try {
    return importModel(model, options);
  } catch (e) {
    return fileError(e);
  }
}

export function importModel(model: OnnxModelData, options: ImportOptions = {}): Result<OnnxImport> {
  const first = importGraph(model, options);
  if (first.ok || !first.diagnostics.some((d) => d.code === STATIC_DIMS_NEEDED)) return first;
  const dynamic = model.inputs.flatMap((input) =>
    (input.dims ?? []).flatMap((d, axis) => (d < 0 ? [{ input: input.name, axis, name: input.dimNames[axis] ?? '' }] : [])),
  );
  if (dynamic.length === 0) return first;
  // PyTorch exports a dynamic batch by default; a model that slices it imports at batch 1, as trtexec
  // users fix it with --shapes, and says so. When that does not help either, the first answer stands.
  const fixed = importGraph({ ...model, inputs: model.inputs.map((i) => ({ ...i, dims: i.dims?.map((d) => (d < 0 ? 1 : d)) })) }, options);
  if (!fixed.ok) return first;
  const nodes = first.diagnostics.filter((d) => d.code === STATIC_DIMS_NEEDED).map((d) => d.message.match(/^Node '([^']*)'/)?.[1] ?? '?');
  const which = dynamic.map((d) => `'${d.input}' axis ${d.axis}${d.name ? ` ('${d.name}')` : ''}`).join(', ');
  const note = warning(
    'onnx.import.fixedDims',
    `The dynamic dimension${dynamic.length > 1 ? 's' : ''} ${which} ${dynamic.length > 1 ? 'were' : 'was'} fixed at 1: ${nodes
      .slice(0, 3)
      .map((n) => `'${n}'`)
      .join(
        ', ',
      )}${nodes.length > 3 ? ` and ${nodes.length - 3} more` : ''} slice a tensor whose every dimension must be known. Change the input's dims to import or build for another size.`,
  );
  return ok({ ...fixed.value, dynamicDims: [], fixedDims: dynamic }, [...(fixed.diagnostics ?? []), note]);
}

/** The code of a node that cannot be imported while a dimension it reads is dynamic. */
const STATIC_DIMS_NEEDED = 'onnx.import.staticDims';

function importGraph(model: OnnxModelData, options: ImportOptions): Result<OnnxImport> {
  if (model.opset < IMPORT_OPSETS.min || model.opset > IMPORT_OPSETS.max)
    return {
      ok: false,
      diagnostics: [
        error('onnx.import.opset', `The model uses ONNX opset ${model.opset}; models of opset ${IMPORT_OPSETS.min} to ${IMPORT_OPSETS.max} can be imported.`),
      ],
    };
  const unsupported = unsupportedOps(model);
  if (unsupported.length > 0) return { ok: false, diagnostics: unsupported };
  const order = topologicalOrder(model);
  if (!Array.isArray(order)) return { ok: false, diagnostics: [order] };

  const name = model.graphName || options.name || 'Imported';
  const builder = templateBuilder(name);
  const state = new ImportState(
    builder,
    model.opset,
    order,
    model.outputs.map((o) => o.name),
  );
  const diagnostics: Diagnostic[] = [];
  const dynamicDims: DynamicDim[] = [];
  for (const [initializer, tensor] of model.initializers) state.values.set(initializer, { kind: 'constant', tensor });
  for (const input of model.inputs) {
    const dtype = onnxDataType(input.elemType);
    if (!dtype || !input.dims) {
      diagnostics.push(
        error(
          'onnx.import.input',
          `Graph input '${input.name}' ${input.dims ? `has the element type ${onnxTypeName(input.elemType)}, which TensorRT has no type for` : 'has no shape; the importer needs at least its rank'}.`,
        ),
      );
      continue;
    }
    input.dims.forEach((d, axis) => {
      if (d < 0) dynamicDims.push({ input: input.name, axis, name: input.dimNames[axis] ?? '' });
    });
    state.names.add(input.name);
    const port = builder.input(input.name, input.dims, dtype as DataType);

    state.values.set(input.name, { kind: 'tensor', port, info: { dims: input.dims, dtype } });
  }

  for (const node of order) {
    if (state.absorbed.has(node.name)) continue;
    const present = node.inputs.filter(Boolean).map((x) => state.values.get(x));
    // An input left undefined by a node that failed: that failure is already reported.
    if (present.some((v) => v === undefined)) continue;
    const ctx = new NodeContext(state, node);
    try {
      const constants = present as Value[];
      if (constants.length > 0 && constants.every((v) => v.kind === 'constant')) {
        const folded = foldNode(
          ctx,
          constants.map((v) => (v.kind === 'constant' ? v.tensor : undefined!)),
        );
        if (folded) {
          folded.forEach((tensor, i) => ctx.output(i, { kind: 'constant', tensor }));
          continue;
        }
      }
      IMPORTERS[node.opType]!(ctx);
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      const code = e instanceof StaticDimsError ? STATIC_DIMS_NEEDED : 'onnx.import.node';
      diagnostics.push(error(code, `Node '${node.name}' (${node.opType}) cannot be imported: ${e.message}.`));
    }
  }

  for (const output of model.outputs) {
    const v = state.values.get(output.name);
    if (!v) {
      if (diagnostics.length === 0) diagnostics.push(error('onnx.import.output', `Graph output '${output.name}' is produced by no node.`));
      continue;
    }
    try {
      const ctx = new NodeContext(state, { name: output.name, opType: 'Output', domain: '', inputs: [], outputs: [], attributes: new Map() });
      let t = ctx.tensor(v, 'value');
      // A graph input marked as an output directly needs a layer to carry the output's name.
      if (model.inputs.some((i) => state.values.get(i.name) === v)) t = ctx.layer1('addIdentity', 'identity', {}, { input: t });
      builder.output(output.name, t.port);
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      diagnostics.push(error('onnx.import.output', `Graph output '${output.name}' cannot be imported: ${e.message}.`));
    }
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  const doc = builder.finish();
  doc.bindings = state.bindings;
  // Each input node carries the ONNX names of its dynamic dimensions, for the inspector and its profile.
  for (const input of doc.inputs) {
    const dims = dynamicDims.filter((d) => d.input === input.name);
    if (dims.length > 0) input.dimNames = input.dims.map((_, axis) => dims.find((d) => d.axis === axis)?.name ?? '');
  }
  // The one check every document passes (names, list lengths, limits), so the project it becomes also loads.
  const valid = validateDocument(doc, 'The imported network');
  if (!valid.ok) return { ok: false, diagnostics: valid.diagnostics.map((d) => ({ ...d, code: `onnx.import.${d.code}` })) };
  const shapeErrors = inferShapes(doc).diagnostics.filter((d) => d.severity === 'error');
  if (shapeErrors.length > 0)
    return { ok: false, diagnostics: shapeErrors.map((d) => ({ ...d, code: 'onnx.import.shape', message: `The imported network is invalid: ${d.message}` })) };
  return { ok: true, value: { doc, weights: state.weights, opset: model.opset, producer: model.producer, dynamicDims, fixedDims: [] } };
}
