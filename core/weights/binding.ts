/**
 * Binding weight tensors to layers' weight slots (`doc.bindings[nodeId][slot] = tensor name`).
 *
 * Auto-mapping follows PyTorch's naming: slot `s` of node `n` binds the tensor `<n.name>.<s.torchSuffix>`
 * (the node name itself when the suffix is empty), so templates, whose node names are module names,
 * bind a torchvision `state_dict` completely. `checkBindings` reports every problem before any build:
 * missing tensors, wrong element counts (with a hint when the count implies another channel or class
 * count), tensors nobody uses, tensors bound twice, and bindings to tensors or slots that do not exist.
 * All functions are pure: they take a document and return a new one.
 */
import { count } from '../words.js';
import { error, warning, type Diagnostic, type Result } from '../diagnostics.js';
import { catalogFor } from '../blocks/document-catalog.js';
import type { WeightSlot } from '../layers/types.js';
import type { NetworkDocument, NetworkNode, WeightBindings } from '../network/types.js';
import { inferShapes, type ShapeReport } from '../shapes/infer.js';
import type { WtsTensorData } from './wts-format.js';

/** What binding needs to know of a loaded tensor: its name and element count (never the values). */
export interface WeightTensorInfo {
  name: string;
  count: number;
}

/** The state of one weight slot after checking, for the weights panel and the node badges. */
export interface SlotStatus {
  nodeId: string;
  slot: string;
  /** The bound tensor, if any. */
  tensor?: string;
  /** Element count the slot expects, when known. */
  expected?: number;
  /** The slot's shape, which a bound tensor takes. */
  shape?: number[];
  status: 'bound' | 'missing' | 'wrong-count' | 'unknown-tensor' | 'unbound-optional';
}

export interface BindingReport {
  diagnostics: Diagnostic[];
  slots: SlotStatus[];
  /** Tensors bound to no slot, in file order (`num_batches_tracked` included). */
  unused: string[];
  /** Each bound tensor's shape, taken from the slot it is bound to. */
  shapes: Record<string, number[]>;
}

/** BatchNorm's training counter: in every torchvision state_dict, never needed for inference. */
function isTrainingCounter(name: string): boolean {
  return name === 'num_batches_tracked' || name.endsWith('.num_batches_tracked');
}

/** The tensor name auto-mapping looks for: `<node name>.<torchSuffix>`, or the node name for an empty suffix. */
export function torchTensorName(nodeName: string, slot: WeightSlot): string {
  return slot.torchSuffix === '' ? nodeName : `${nodeName}.${slot.torchSuffix}`;
}

function slotsOf(shapes: ShapeReport, node: NetworkNode): WeightSlot[] {
  return shapes.nodes[node.id]?.weights ?? [];
}

/**
 * Bind every unbound slot whose PyTorch name is among `tensors`. Existing bindings (manual ones
 * included) are kept as they are; `checkBindings` reports any that no longer fit.
 */
export function autoBindWeights(doc: NetworkDocument, tensors: readonly WeightTensorInfo[], shapes: ShapeReport = inferShapes(doc)): NetworkDocument {
  const available = new Set(tensors.map((t) => t.name));
  const bindings: WeightBindings = {};
  for (const [nodeId, slots] of Object.entries(doc.bindings)) bindings[nodeId] = { ...slots };
  for (const node of doc.nodes) {
    for (const slot of slotsOf(shapes, node)) {
      if (bindings[node.id]?.[slot.name] !== undefined) continue;
      const name = torchTensorName(node.name, slot);
      if (!available.has(name)) continue;
      (bindings[node.id] ??= {})[slot.name] = name;
    }
  }
  return { ...doc, bindings };
}

/** Auto-map and check in one step: what `trt-studio check --weights` and an import run. */
export function bindWeights(
  doc: NetworkDocument,
  tensors: readonly WeightTensorInfo[],
  shapes: ShapeReport = inferShapes(doc),
): { doc: NetworkDocument; report: BindingReport } {
  const bound = autoBindWeights(doc, tensors, shapes);
  return { doc: bound, report: checkBindings(bound, tensors, shapes) };
}

/** The one-line summary of an auto-map: `318 of 320 tensors bound; 53 num_batches_tracked ignored`. */
export function bindSummary(bound: number, total: number, ignored: number, unused: number, missingSlots: number): string {
  const parts = [`${bound} of ${count(total, 'tensor')} bound`];
  if (ignored > 0) parts.push(`${ignored} num_batches_tracked ignored`);
  if (unused > 0) parts.push(`${unused} unused`);
  if (missingSlots > 0) parts.push(`${count(missingSlots, 'weight slot')} without a tensor`);
  return parts.join('; ');
}

/** What one auto-map did: the bound document, its binding report, and the counts its summary line gives. */
export interface AutoMapOutcome {
  doc: NetworkDocument;
  report: BindingReport;
  tensorCount: number;
  /** Distinct loaded tensors bound to a slot. */
  boundCount: number;
  /** Tensors deliberately left out (`num_batches_tracked`). */
  ignored: string[];
  /** Other tensors bound to nothing. */
  unused: string[];
  summary: string;
}

/**
 * Auto-map by PyTorch names and count what happened. Needs only the tensors' names and counts, so the
 * editor runs it on what it already holds, and the host's `weights.bind` gives the same answer.
 */
export function autoMapWeights(doc: NetworkDocument, tensors: readonly WeightTensorInfo[], shapes: ShapeReport = inferShapes(doc)): AutoMapOutcome {
  const { doc: bound, report } = bindWeights(doc, tensors, shapes);
  const present = new Set(tensors.map((t) => t.name));
  const boundNames = new Set(report.slots.filter((s) => s.status === 'bound' && s.tensor !== undefined && present.has(s.tensor)).map((s) => s.tensor!));
  const ignored = report.unused.filter(isTrainingCounter);
  const unused = report.unused.filter((n) => !isTrainingCounter(n));
  const missingSlots = report.slots.filter((s) => s.status === 'missing').length;
  return {
    doc: bound,
    report,
    tensorCount: tensors.length,
    boundCount: boundNames.size,
    ignored,
    unused,
    summary: bindSummary(boundNames.size, tensors.length, ignored.length, unused.length, missingSlots),
  };
}

function formatShape(shape: readonly number[] | undefined): string {
  return shape ? `[${shape.join(', ')}]` : '';
}

/**
 * Why a count may differ: the count that was found fits the slot's shape with another first dim
 * (output channels, or classes for a Linear) or another second dim (input channels).
 */
export function countHint(node: NetworkNode, slot: WeightSlot, found: number): string {
  const shape = slot.shape;
  if (!shape || shape.length === 0 || found === 0) return '';
  const isLinear = node.type === 'Linear';
  if (shape.length === 1) {
    const what = isLinear ? 'output features (classes)' : 'channels';
    return ` It would fit a layer with ${found} ${what} instead of ${shape[0]}.`;
  }
  const rest = shape.slice(1).reduce((a, b) => a * b, 1);
  if (found % rest === 0) {
    const first = found / rest;
    const what = isLinear ? 'output features (classes)' : 'output channels';
    return ` It would fit ${formatShape([first, ...shape.slice(1)])}: ${first} ${what} instead of ${shape[0]}.`;
  }
  const inner = shape[0]! * shape.slice(2).reduce((a, b) => a * b, 1);
  if (found % inner === 0) {
    const second = found / inner;
    const what = isLinear ? 'input features' : 'input channels (per group)';
    return ` It would fit ${formatShape([shape[0]!, second, ...shape.slice(2)])}: ${second} ${what} instead of ${shape[1]}.`;
  }
  return '';
}

/** Every binding problem of `doc` against the loaded tensors, and each slot's status. */
export function checkBindings(doc: NetworkDocument, tensors: readonly WeightTensorInfo[], shapes: ShapeReport = inferShapes(doc)): BindingReport {
  const diagnostics: Diagnostic[] = [];
  const slots: SlotStatus[] = [];
  const tensorShapes: Record<string, number[]> = {};
  const counts = new Map(tensors.map((t) => [t.name, t.count]));
  const users = new Map<string, { node: NetworkNode; slot: string }[]>();
  const nodeById = new Map(doc.nodes.map((n) => [n.id, n]));

  for (const node of doc.nodes) {
    const spec = catalogFor(doc).nodeSpec(node);
    const label = `Layer '${node.name}' (${node.type})`;
    const nodeSlots = slotsOf(shapes, node);
    const bound = doc.bindings[node.id] ?? {};
    for (const slot of nodeSlots) {
      const tensor = bound[slot.name];
      const base = {
        nodeId: node.id,
        slot: slot.name,
        ...(slot.count !== undefined ? { expected: slot.count } : {}),
        ...(slot.shape ? { shape: slot.shape } : {}),
      };
      const where = { nodeId: node.id, field: slot.name };
      if (tensor === undefined) {
        if (slot.optional) {
          slots.push({ ...base, status: 'unbound-optional' });
          continue;
        }
        const wanted = torchTensorName(node.name, slot);
        const size = slot.count !== undefined ? ` (${count(slot.count, 'value')}${slot.shape ? ` ${formatShape(slot.shape)}` : ''})` : '';
        // The file may hold the very tensor: then the slot is only not bound yet, and Auto-map binds it.
        const inFile = counts.has(wanted);
        diagnostics.push(
          error(
            'weights.missing',
            inFile
              ? `${label} weight slot '${slot.name}' is not bound yet; the weights have the tensor '${wanted}'${size}: click Auto-map or bind it by hand.`
              : `${label} needs its weight slot '${slot.name}' bound: the weights have no tensor '${wanted}'${size}. Bind one by hand or rename the layer.`,
            where,
          ),
        );
        slots.push({ ...base, status: 'missing' });
        continue;
      }
      const list = users.get(tensor);
      if (list) list.push({ node, slot: slot.name });
      else users.set(tensor, [{ node, slot: slot.name }]);
      const found = counts.get(tensor);
      if (found === undefined) {
        diagnostics.push(
          error('weights.binding.unknown', `${label} slot '${slot.name}' is bound to the tensor '${tensor}', which the loaded weights do not have.`, where),
        );
        slots.push({ ...base, tensor, status: 'unknown-tensor' });
        continue;
      }
      if (slot.count !== undefined && found !== slot.count) {
        diagnostics.push(
          error(
            'weights.count',
            `${label} slot '${slot.name}' expects ${count(slot.count, 'value')}${slot.shape ? ` ${formatShape(slot.shape)}` : ''}, but the tensor '${tensor}' has ${found}.${countHint(node, slot, found)}`,
            where,
          ),
        );
        slots.push({ ...base, tensor, status: 'wrong-count' });
        continue;
      }
      if (slot.shape) tensorShapes[tensor] = [...slot.shape];
      slots.push({ ...base, tensor, status: 'bound' });
    }
    // Bindings to slots the node no longer has (a parameter change removed the bias, a type change).
    const known = new Set(nodeSlots.map((s) => s.name));
    for (const [slot, tensor] of Object.entries(bound)) {
      if (known.has(slot)) continue;
      const has = spec
        ? ` ${node.type} has ${nodeSlots.length > 0 ? `the slots ${nodeSlots.map((s) => `'${s.name}'`).join(', ')}` : 'no weight slots'} now.`
        : '';
      diagnostics.push(
        warning('weights.binding.stale', `${label} has the tensor '${tensor}' bound to the slot '${slot}', which it does not have.${has}`, {
          nodeId: node.id,
          field: slot,
        }),
      );
    }
  }
  for (const nodeId of Object.keys(doc.bindings))
    if (!nodeById.has(nodeId))
      diagnostics.push(warning('weights.binding.stale', `Bindings are stored for the node '${nodeId}', which is not in the network.`, { nodeId }));

  for (const [tensor, list] of users) {
    if (list.length < 2) continue;
    const where = list.map((u) => `'${u.node.name}' ${u.slot}`).join(', ');
    diagnostics.push(
      warning('weights.bound.twice', `The tensor '${tensor}' is bound to ${list.length} slots (${where}); each slot usually has its own tensor.`, {
        nodeId: list[1]!.node.id,
        field: list[1]!.slot,
      }),
    );
  }

  const unused = tensors.filter((t) => !users.has(t.name)).map((t) => t.name);
  const counters = unused.filter(isTrainingCounter);
  const others = unused.filter((n) => !isTrainingCounter(n));
  if (others.length > 0) {
    const shown = others
      .slice(0, 20)
      .map((n) => `'${n}'`)
      .join(', ');
    diagnostics.push(
      warning(
        'weights.unused',
        `${count(others.length, 'tensor')} in the weights ${others.length === 1 ? 'is' : 'are'} bound to no layer: ${shown}${others.length > 20 ? `, and ${others.length - 20} more` : ''}.`,
        { detail: others.join('\n') },
      ),
    );
  }
  if (counters.length > 0)
    diagnostics.push({
      severity: 'info',
      code: 'weights.unused.num_batches_tracked',
      message: `${count(counters.length, 'num_batches_tracked tensor')} ${counters.length === 1 ? 'is' : 'are'} not used: BatchNorm's training counter plays no part in inference.`,
    });
  return { diagnostics, slots, unused, shapes: tensorShapes };
}

/** Bind `tensor` to a node's slot by hand (replacing any binding of that slot). */
export function bindSlot(doc: NetworkDocument, nodeId: string, slot: string, tensor: string, shapes: ShapeReport = inferShapes(doc)): Result<NetworkDocument> {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) return { ok: false, diagnostics: [error('weights.bind.node', `There is no layer '${nodeId}' to bind the tensor '${tensor}' to.`, { nodeId })] };
  const slots = slotsOf(shapes, node);
  if (!slots.some((s) => s.name === slot))
    return {
      ok: false,
      diagnostics: [
        error(
          'weights.bind.slot',
          `Layer '${node.name}' (${node.type}) has no weight slot '${slot}'; it has ${slots.length > 0 ? slots.map((s) => `'${s.name}'`).join(', ') : 'none'}.`,
          { nodeId, field: slot },
        ),
      ],
    };
  return { ok: true, value: { ...doc, bindings: { ...doc.bindings, [nodeId]: { ...doc.bindings[nodeId], [slot]: tensor } } } };
}

/** Remove a slot's binding; unbinding a slot that is not bound returns the document unchanged. */
export function unbindSlot(doc: NetworkDocument, nodeId: string, slot: string): NetworkDocument {
  const current = doc.bindings[nodeId];
  if (!current || !(slot in current)) return doc;
  const rest = Object.fromEntries(Object.entries(current).filter(([s]) => s !== slot));
  const bindings = { ...doc.bindings };
  if (Object.keys(rest).length > 0) bindings[nodeId] = rest;
  else delete bindings[nodeId];
  return { ...doc, bindings };
}

/**
 * The bound weights as tensors to write to a `.wts`, one per bound slot in layer order, each named
 * by PyTorch's convention for the layer it is bound to (so the file auto-maps onto this network).
 * Slots whose tensor is not loaded are left out; `checkBindings` reports them.
 */
export function boundWeightsForExport(
  doc: NetworkDocument,
  valuesOf: (tensor: string) => Float32Array | undefined,
  shapes: ShapeReport = inferShapes(doc),
): WtsTensorData[] {
  const out: WtsTensorData[] = [];
  for (const node of doc.nodes) {
    const bound = doc.bindings[node.id];
    if (!bound) continue;
    for (const slot of slotsOf(shapes, node)) {
      const tensor = bound[slot.name];
      const values = tensor === undefined ? undefined : valuesOf(tensor);
      if (values) out.push({ name: torchTensorName(node.name, slot), values });
    }
  }
  return out;
}
