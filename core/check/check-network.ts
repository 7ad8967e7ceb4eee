/**
 * The network check: everything `run`, `build` and `export` do to a network before they start,
 * done without the weights' values, so that "no errors" means the network runs. It infers shapes,
 * lowers the network to a `TrtProgram` (composites expanded, TensorRT layer names made) and
 * translates the program to ONNX, the reference runtime's form. The CLI's `check`, the workflows'
 * preflight and the editor's Problems panel all call this one function, so the rules live here once.
 *
 * Weight values never change whether a network lowers or translates, only their element counts do,
 * so every slot that run would fill (each required slot, and each optional slot the project binds)
 * gets zeros of the count the layer expects. Whether a `.wts` file has those tensors is the binding
 * check's question (core/weights/binding.ts), asked separately when a file is loaded.
 *
 * A network with no layers yet is where every project starts, not a mistake: it gets no error, only
 * an info that names the first step. Lowering still refuses it (`lower.output.none`), so build, run
 * and export stop on it as on any network that marks no output.
 */
import { type Diagnostic } from '../diagnostics.js';
import { lowerToProgram } from '../lower/lower.js';
import type { NetworkDocument, WeightBindings } from '../network/types.js';
import { buildOnnxModel } from '../onnx/translate.js';
import { inferShapes, type ShapeReport } from '../shapes/infer.js';

export interface NetworkCheck {
  /** Every node's inferred dims and weight slots. */
  shapes: ShapeReport;
  /** Shape Diagnostics first, then what lowering and the ONNX translation found; an error names its node. */
  diagnostics: Diagnostic[];
}

/** What the check says of a network with no layers: what to do first. */
export function noLayersYet(doc: NetworkDocument): Diagnostic {
  return {
    severity: 'info',
    code: 'network.empty',
    message: `Network '${doc.name}' has no layers yet: drag a layer from the palette onto the canvas, or start from a model template.`,
  };
}

/**
 * Zeros that placeholder weights view. Lowering and the translation only read weight values (a
 * folded BatchNorm is a new array), so one buffer serves every check; it grows to the largest slot
 * seen, and pages never written cost no memory (VGG's fc6 is 100M values).
 */
let zeros = new Float32Array(0);

function placeholder(count: number): Float32Array {
  if (zeros.length < count) zeros = new Float32Array(count);
  return zeros.subarray(0, count);
}

/** Check that `doc` runs as it stands (ignoring which `.wts` file will fill its weights); `shapes` when the caller has them already. */
export function checkNetwork(doc: NetworkDocument, shapes: ShapeReport = inferShapes(doc)): NetworkCheck {
  const diagnostics = [...shapes.diagnostics];
  if (diagnostics.some((d) => d.severity === 'error')) return { shapes, diagnostics };
  if (doc.nodes.length === 0) return { shapes, diagnostics: [...diagnostics, noLayersYet(doc)] };
  const counts = new Map<string, number>();
  const bindings: WeightBindings = {};
  for (const node of doc.nodes) {
    for (const slot of shapes.nodes[node.id]?.weights ?? []) {
      if (slot.optional && doc.bindings[node.id]?.[slot.name] === undefined) continue;
      // A name no `.wts` tensor has; it only carries the slot's count to the lookup below.
      const tensor = `${node.id}\u0000${slot.name}`;
      counts.set(tensor, slot.count ?? 0);
      (bindings[node.id] ??= {})[slot.name] = tensor;
    }
  }
  const lowered = lowerToProgram({ ...doc, bindings }, (tensor) => {
    const count = counts.get(tensor);
    return count === undefined ? undefined : placeholder(count);
  });
  if (!lowered.ok) return { shapes, diagnostics: [...diagnostics, ...lowered.diagnostics] };
  diagnostics.push(...(lowered.diagnostics ?? []));
  const translated = buildOnnxModel(lowered.value.program, lowered.value.weights);
  if (!translated.ok) diagnostics.push(...translated.diagnostics);
  return { shapes, diagnostics };
}
