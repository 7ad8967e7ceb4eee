/**
 * The program code generation prints, from a project alone: generated code reads the weights from
 * the `.wts` at run time, so only tensor names and element counts matter here, never values.
 */
import { fail, hasErrors, ok, type Result } from '../diagnostics.js';
import { lowerToProgram } from '../lower/lower.js';
import type { NetworkDocument } from '../network/types.js';
import type { TrtProgram } from '../program/types.js';
import { inferShapes } from '../shapes/infer.js';
import { autoBindWeights, bindWeights, torchTensorName, type WeightTensorInfo } from '../weights/binding.js';

/**
 * Lower `doc` for code generation. With `tensors` (a `.wts` file's names and counts) the file is
 * bound onto the project as an import would bind it, and binding errors fail. Without, the
 * project's own bindings are kept and every unbound required slot reads the tensor named after
 * its PyTorch module (`conv1.weight`); unbound optional slots (a bias) stay empty.
 */
export function programForCodegen(doc: NetworkDocument, tensors?: readonly WeightTensorInfo[]): Result<TrtProgram> {
  const shapes = inferShapes(doc);
  const shapeErrors = shapes.diagnostics.filter((d) => d.severity === 'error');
  if (shapeErrors.length > 0) return fail(...shapeErrors);
  let bound: NetworkDocument;
  if (tensors) {
    const binding = bindWeights(doc, tensors, shapes);
    if (hasErrors(binding.report.diagnostics)) return fail(...binding.report.diagnostics.filter((d) => d.severity === 'error'));
    bound = binding.doc;
  } else {
    const names = doc.nodes.flatMap((node) =>
      (shapes.nodes[node.id]?.weights ?? [])
        .filter((slot) => !slot.optional)
        .map((slot) => ({ name: torchTensorName(node.name, slot), count: slot.count ?? 0 })),
    );
    bound = autoBindWeights(doc, names, shapes);
  }
  // Element counts by tensor name, from the slots each tensor is bound to.
  const counts = new Map<string, number>();
  for (const node of bound.nodes)
    for (const slot of shapes.nodes[node.id]?.weights ?? []) {
      const tensor = bound.bindings[node.id]?.[slot.name];
      if (tensor !== undefined && slot.count !== undefined && !counts.has(tensor)) counts.set(tensor, slot.count);
    }
  // One zero-filled buffer viewed at every size: untouched pages cost no memory, even for VGG's 100M-value fc6.
  const zeros = new Float32Array(Math.max(0, ...counts.values()));
  const lowered = lowerToProgram(bound, (name) => {
    const count = counts.get(name);
    return count === undefined ? undefined : zeros.subarray(0, count);
  });
  return lowered.ok ? ok(lowered.value.program) : fail(...lowered.diagnostics);
}
