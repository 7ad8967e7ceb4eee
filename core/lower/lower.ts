/**
 * Lowering (ARCHITECTURE.md rule 3): the edited document plus the loaded weights become a
 * `TrtProgram` — composites expanded recursively into primitives, parameters completed, tensor
 * names made deterministic, derived weights (BatchNorm folding) computed — or every problem found.
 */
import { error, type Diagnostic, type Result } from '../diagnostics.js';
import { catalogFor, type LayerCatalog } from '../blocks/document-catalog.js';
import { outputPortNames } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import type { CompositeSpec, LayerSpec, TensorInfo, WeightSlot, WeightSource } from '../layers/types.js';
import { defaultProfile, INPUT_NODE_PORT, type NetworkDocument, type Params } from '../network/types.js';
import type { ProgramOp, ProgramWeight, ProgramWeightData, TrtProgram, WeightRecipe } from '../program/types.js';
import { PROGRAM_FORMAT_VERSION } from '../program/types.js';
import { inferExpansion, inferShapes, relativeSlotName } from '../shapes/infer.js';

/** Looks up a loaded `.wts` tensor by name. */
export type WeightLookup = (name: string) => Float32Array | undefined;

export interface LoweredProgram {
  program: TrtProgram;
  /** Values of every program weight, by weight id. */
  weights: ProgramWeightData;
  /**
   * The output tensors of every composite instance by its layer name (`inception3a`, `conv1.bn`), by
   * output port: what a composite produces is some inner layer's tensor, which the ops alone do not say.
   */
  compositeOutputs: Map<string, Record<string, string>>;
}

/** A weight slot's data at one level of expansion: a bound `.wts` tensor or a derived recipe. */
interface ResolvedWeight {
  recipe: WeightRecipe;
  data: Float32Array;
}

/** Resolves a slot name of the node being lowered; `undefined` means unbound, `null` bound but already reported as unusable. */
type SlotResolver = (slot: string) => ResolvedWeight | undefined | null;

class Lowering {
  readonly ops: ProgramOp[] = [];
  readonly programWeights: ProgramWeight[] = [];
  readonly data: ProgramWeightData = new Map();
  readonly diagnostics: Diagnostic[] = [];
  readonly compositeOutputs = new Map<string, Record<string, string>>();
  private readonly weightIds = new Map<string, string>();
  /** TensorRT layer name → the canvas node whose lowering took it. */
  private readonly layerNames = new Map<string, string>();

  readonly catalog: LayerCatalog;

  constructor(readonly doc: NetworkDocument) {
    this.catalog = catalogFor(doc);
  }

  /** The program weight id for a resolved weight; identical recipes of the same shape share one id. */
  weightId(resolved: ResolvedWeight, shape: number[]): string {
    const key = JSON.stringify([resolved.recipe, shape]);
    const existing = this.weightIds.get(key);
    if (existing) return existing;
    const id = `w${this.programWeights.length}`;
    this.weightIds.set(key, id);
    this.programWeights.push({ id, recipe: resolved.recipe, count: resolved.data.length, shape: [...shape] });
    this.data.set(id, resolved.data);
    return id;
  }

  /** `the layer 'fc'`, or for a layer a composite expands to, `the layer 'conv1' inside 'layer1.0' (BasicBlock)`. */
  private describeLayer(nodeId: string, layerName: string): string {
    const node = this.doc.nodes.find((n) => n.id === nodeId);
    if (!node || node.name === layerName) return `the layer '${layerName}'`;
    return `the layer '${layerName.slice(node.name.length + 1)}' inside '${node.name}' (${node.type})`;
  }

  /** Lower one node (top-level or inner); returns its output tensor names by port, or undefined after a diagnostic. */
  lowerNode(
    nodeId: string,
    layerName: string,
    spec: LayerSpec,
    params: Params,
    inputNames: Record<string, string>,
    inputInfo: Record<string, TensorInfo>,
    outputs: Record<string, TensorInfo>,
    slots: WeightSlot[],
    resolve: SlotResolver,
  ): Record<string, string> | undefined {
    if (spec.kind === 'composite') return this.lowerComposite(nodeId, layerName, spec, params, inputNames, inputInfo, slots, resolve);
    const taken = this.layerNames.get(layerName);
    if (taken !== undefined) {
      const first = this.describeLayer(nodeId, layerName);
      this.diagnostics.push(
        error(
          'lower.name.duplicate',
          `${first[0]!.toUpperCase()}${first.slice(1)} and ${this.describeLayer(taken, layerName)} would both be named '${layerName}' in TensorRT; rename one so that TensorRT layer names stay unique.`,
          { nodeId },
        ),
      );
      return undefined;
    }
    this.layerNames.set(layerName, nodeId);
    const weights: Record<string, string> = {};
    let complete = true;
    for (const slot of slots) {
      const resolved = resolve(slot.name);
      if (resolved === null) {
        complete = false;
        continue;
      }
      if (!resolved) {
        if (!slot.optional) {
          this.diagnostics.push(
            error('lower.weights.missing', `Layer '${layerName}' needs its '${slot.name}' weights bound to a .wts tensor (${slot.count ?? '?'} values).`, {
              nodeId,
              field: slot.name,
            }),
          );
          complete = false;
        }
        continue;
      }
      if (slot.count !== undefined && resolved.data.length !== slot.count) {
        this.diagnostics.push(
          error(
            'lower.weights.count',
            `Layer '${layerName}' expects ${slot.count} values in its '${slot.name}' weights${slot.shape ? ` (shape [${slot.shape.join(', ')}])` : ''}, but ${describeRecipe(resolved.recipe)} has ${resolved.data.length}.`,
            { nodeId, field: slot.name },
          ),
        );
        complete = false;
        continue;
      }
      weights[slot.name] = this.weightId(resolved, slot.shape ?? [resolved.data.length]);
    }
    const outputNames: Record<string, string> = {};
    const outputInfo: ProgramOp['outputInfo'] = {};
    for (const port of outputPortNames(spec, params)) {
      const info = outputs[port];
      if (!info) continue;
      outputNames[port] = `${layerName}:${port}`;
      outputInfo[port] = { dims: [...info.dims], dtype: info.dtype };
    }
    if (!complete) return outputNames;
    this.ops.push({
      op: spec.type,
      layerName,
      nodeId,
      params: completeParams(spec.params, params),
      inputs: { ...inputNames },
      outputs: outputNames,
      outputInfo,
      weights,
    });
    return outputNames;
  }

  private lowerComposite(
    nodeId: string,
    layerName: string,
    spec: CompositeSpec,
    params: Params,
    inputNames: Record<string, string>,
    inputInfo: Record<string, TensorInfo>,
    slots: WeightSlot[],
    resolve: SlotResolver,
  ): Record<string, string> | undefined {
    const full = completeParams(spec.params, params);
    const { expansion, nodes: inner } = inferExpansion(spec, full, inputInfo, this.catalog);
    const relative = new Set(expansion.relativeWeights ?? []);
    // Check the composite's own slots once, so that a missing BatchNorm tensor is reported by its user-facing name.
    let slotsOk = true;
    for (const slot of slots) {
      const resolved = resolve(slot.name);
      if (resolved === null) {
        slotsOk = false;
        continue;
      }
      if (!resolved) {
        if (slot.optional) continue;
        slotsOk = false;
        this.diagnostics.push(
          error('lower.weights.missing', `Layer '${layerName}' needs its '${slot.name}' weights bound to a .wts tensor (${slot.count ?? '?'} values).`, {
            nodeId,
            field: slot.name,
          }),
        );
      } else if (slot.count !== undefined && resolved.data.length !== slot.count) {
        slotsOk = false;
        this.diagnostics.push(
          error(
            'lower.weights.count',
            `Layer '${layerName}' expects ${slot.count} values in its '${slot.name}' weights${slot.shape ? ` (shape [${slot.shape.join(', ')}])` : ''}, but ${describeRecipe(resolved.recipe)} has ${resolved.data.length}.`,
            { nodeId, field: slot.name },
          ),
        );
      }
    }
    if (!slotsOk) return undefined;

    const tensors = new Map<string, Record<string, string>>();
    const infos = new Map<string, Record<string, TensorInfo>>();
    const done = new Set<string>();
    // Expansions are small; place nodes whose inputs are ready until all are placed (inferExpansion already checked acyclicity).
    while (done.size < expansion.nodes.length) {
      const before = done.size;
      for (const n of expansion.nodes) {
        if (done.has(n.id)) continue;
        const wires = expansion.edges.filter((e) => e.to.node === n.id);
        if (!wires.every((w) => 'input' in w.from || done.has(w.from.node))) continue;
        done.add(n.id);
        const innerSpec = this.catalog.spec(n.type);
        if (!innerSpec) throw new Error(`Composite '${spec.type}' expands to the unknown type '${n.type}'.`);
        const names: Record<string, string> = {};
        const infoIn: Record<string, TensorInfo> = {};
        for (const w of wires) {
          const name = 'input' in w.from ? inputNames[w.from.input] : tensors.get(w.from.node)?.[w.from.port];
          const info = 'input' in w.from ? inputInfo[w.from.input] : infos.get(w.from.node)?.[w.from.port];
          if (name === undefined || info === undefined) return undefined;
          names[w.to.port] = name;
          infoIn[w.to.port] = info;
        }
        const shapes = inner[n.id];
        if (!shapes) return undefined;
        const sources = expansion.weights.filter((w) => w.node === n.id);
        const innerResolve: SlotResolver = (slot) => {
          if (relative.has(n.id)) {
            const innerSlot = shapes.weights.find((s) => s.name === slot);
            return innerSlot ? resolve(relativeSlotName(n.name, innerSlot)) : undefined;
          }
          const source = sources.find((s) => s.slot === slot)?.source;
          return source ? resolveSource(source, resolve) : undefined;
        };
        const out = this.lowerNode(nodeId, `${layerName}.${n.name}`, innerSpec, n.params, names, infoIn, shapes.outputs, shapes.weights, innerResolve);
        if (!out) return undefined;
        tensors.set(n.id, out);
        infos.set(n.id, shapes.outputs);
      }
      if (done.size === before) throw new Error(`Composite '${spec.type}' expands to a graph with a cycle.`);
    }
    const outputs: Record<string, string> = {};
    for (const [port, from] of Object.entries(expansion.outputs)) {
      const name = 'input' in from ? inputNames[from.input] : tensors.get(from.node)?.[from.port];
      if (name !== undefined) outputs[port] = name;
    }
    this.compositeOutputs.set(layerName, outputs);
    return outputs;
  }
}

function describeRecipe(recipe: WeightRecipe): string {
  if (recipe.kind === 'values') return `${recipe.values.length} fixed values`;
  return recipe.kind === 'tensor' ? `the .wts tensor '${recipe.tensor}'` : `the folded BatchNorm of '${recipe.gamma}'`;
}

/** A composite's inner slot: its own slot passed through, or BatchNorm folded from four plain tensors. */
function resolveSource(source: WeightSource, outer: SlotResolver): ResolvedWeight | undefined | null {
  if (source.kind === 'slot') return outer(source.slot);
  if (source.kind === 'values') return { recipe: { kind: 'values', values: [...source.values] }, data: Float32Array.from(source.values) };
  const slots = source.kind === 'batchNormScale' ? [source.gamma, source.var] : [source.gamma, source.var, source.beta, source.mean];
  if (slots.some((slot) => outer(slot) === null)) return null;
  const plain = (slot: string): { name: string; data: Float32Array } | undefined => {
    const r = outer(slot);
    return r && r.recipe.kind === 'tensor' ? { name: r.recipe.tensor, data: r.data } : undefined;
  };
  const gamma = plain(source.gamma);
  const variance = plain(source.var);
  if (!gamma || !variance) return undefined;
  const scale = new Float32Array(gamma.data.length);
  for (let i = 0; i < scale.length; i++) scale[i] = gamma.data[i]! / Math.sqrt(variance.data[i]! + source.eps);
  if (source.kind === 'batchNormScale') return { recipe: { kind: 'batchNormScale', gamma: gamma.name, var: variance.name, eps: source.eps }, data: scale };
  const beta = plain(source.beta);
  const mean = plain(source.mean);
  if (!beta || !mean) return undefined;
  const shift = new Float32Array(gamma.data.length);
  for (let i = 0; i < shift.length; i++) shift[i] = beta.data[i]! - (mean.data[i]! * gamma.data[i]!) / Math.sqrt(variance.data[i]! + source.eps);
  return {
    recipe: { kind: 'batchNormShift', gamma: gamma.name, beta: beta.name, mean: mean.name, var: variance.name, eps: source.eps },
    data: shift,
  };
}

/**
 * Lower a document to a `TrtProgram` with the weights' values. `doc.bindings` says which `.wts`
 * tensor each weight slot uses; `lookup` gives a tensor's values. Every missing or mis-sized
 * weight, shape error and naming clash is reported; nothing is partially returned.
 */
export function lowerToProgram(doc: NetworkDocument, lookup: WeightLookup): Result<LoweredProgram> {
  const report = inferShapes(doc);
  const shapeErrors = report.diagnostics.filter((d) => d.severity === 'error');
  if (shapeErrors.length > 0) return { ok: false, diagnostics: shapeErrors };
  const lowering = new Lowering(doc);
  const diagnostics = lowering.diagnostics;

  const portTensors = new Map<string, Record<string, string>>();
  for (const input of doc.inputs) portTensors.set(input.id, { [INPUT_NODE_PORT]: input.name });
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));

  for (const id of report.order) {
    const node = byId.get(id)!;
    const spec = lowering.catalog.nodeSpec(node)!;
    const names: Record<string, string> = {};
    const infos: Record<string, TensorInfo> = {};
    let ready = true;
    for (const edge of doc.edges) {
      if (edge.to.node !== id) continue;
      const name = portTensors.get(edge.from.node)?.[edge.from.port];
      const info = report.nodes[edge.from.node]?.outputs[edge.from.port];
      if (name === undefined || info === undefined) {
        ready = false;
        continue;
      }
      names[edge.to.port] = name;
      infos[edge.to.port] = info;
    }
    if (!ready) continue;
    const shapes = report.nodes[id]!;
    const bindings = doc.bindings[id] ?? {};
    const resolve: SlotResolver = (slot) => {
      const tensor = bindings[slot];
      if (tensor === undefined) return undefined;
      const data = lookup(tensor);
      if (!data) {
        diagnostics.push(
          error('lower.weights.unknown', `Layer '${node.name}' binds its '${slot}' weights to '${tensor}', which is not in the loaded .wts file.`, {
            nodeId: id,
            field: slot,
          }),
        );
        return null;
      }
      return { recipe: { kind: 'tensor', tensor }, data };
    };
    // Report an unknown bound tensor once, not once per use inside an expansion.
    const seen = new Map<string, ResolvedWeight | undefined | null>();
    const once: SlotResolver = (slot) => {
      if (!seen.has(slot)) seen.set(slot, resolve(slot));
      return seen.get(slot);
    };
    const out = lowering.lowerNode(id, node.name, spec, node.params, names, infos, shapes.outputs, shapes.weights, once);
    if (out) portTensors.set(id, out);
  }

  // Marked outputs take the output's name, so that TensorRT, ONNX and the user see one name.
  const renames = new Map<string, string>();
  const outputs: TrtProgram['outputs'] = [];
  const inputNames = new Set(doc.inputs.map((i) => i.name));
  for (const output of doc.outputs) {
    const tensor = portTensors.get(output.from.node)?.[output.from.port];
    if (tensor === undefined) {
      if (!diagnostics.some((d) => d.severity === 'error'))
        diagnostics.push(error('lower.output.unconnected', `Output '${output.name}' is not connected to a layer's output.`, { field: output.name }));
      continue;
    }
    if (inputNames.has(output.name) || outputs.some((o) => o.name === output.name)) {
      diagnostics.push(
        error('lower.output.name', `Output name '${output.name}' is used twice (by an input or another output); output names must be unique.`, {
          field: output.name,
        }),
      );
      continue;
    }
    if (inputNames.has(tensor) || renames.has(tensor)) outputs.push({ name: output.name, tensor: renames.get(tensor) ?? tensor });
    else {
      renames.set(tensor, output.name);
      outputs.push({ name: output.name, tensor: output.name });
    }
  }
  if (doc.outputs.length === 0)
    diagnostics.push(error('lower.output.none', `Network '${doc.name}' marks no output; mark at least one layer output as a network output.`));
  if (diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics };

  const rename = (names: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(names).map(([port, name]) => [port, renames.get(name) ?? name]));
  const ops = lowering.ops.map((op) => ({ ...op, inputs: rename(op.inputs), outputs: rename(op.outputs) }));
  const program: TrtProgram = {
    formatVersion: PROGRAM_FORMAT_VERSION,
    name: doc.name,
    inputs: doc.inputs.map((i) => {
      const profile = i.profile ?? (i.dims.includes(-1) ? defaultProfile(i.dims) : undefined);
      return { name: i.name, dtype: i.dtype, dims: [...i.dims], nodeId: i.id, ...(profile ? { profile } : {}) };
    }),
    ops,
    outputs,
    weights: lowering.programWeights,
  };
  const compositeOutputs = new Map([...lowering.compositeOutputs].map(([layer, names]) => [layer, rename(names)]));
  return { ok: true, value: { program, weights: lowering.data, compositeOutputs } };
}
