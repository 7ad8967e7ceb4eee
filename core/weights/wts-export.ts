/**
 * What a `.wts` export writes, one rule for the app and the CLI: the bound weights in layer order,
 * named after the layers they are bound to, as PyTorch's tensorrtx `gen_wts` writes the module's
 * `state_dict`. A BatchNorm's `num_batches_tracked` (bound to nothing, but written by `gen_wts` right
 * after `running_var`) is kept where the source file had one for that module.
 */
import type { NetworkDocument } from '../network/types.js';
import { boundWeightsForExport } from './binding.js';
import type { WtsTensorData } from './wts-format.js';

const COUNTER = 'num_batches_tracked';

/** The tensors of the `.wts` export; `values` gives one array per source tensor (the same array on every call). */
export function weightsForWtsExport(doc: NetworkDocument, values: (name: string) => Float32Array | undefined): WtsTensorData[] {
  // Which source tensor each exported one came from.
  const sourceOf = new Map<Float32Array, string>();
  for (const slots of Object.values(doc.bindings))
    for (const tensor of Object.values(slots)) {
      const data = values(tensor);
      if (data) sourceOf.set(data, tensor);
    }
  const out: WtsTensorData[] = [];
  for (const tensor of boundWeightsForExport(doc, values)) {
    out.push(tensor);
    const source = sourceOf.get(tensor.values);
    if (!tensor.name.endsWith('.running_var') || !source?.endsWith('.running_var')) continue;
    const counter = values(`${source.slice(0, -'running_var'.length)}${COUNTER}`);
    if (counter) out.push({ name: `${tensor.name.slice(0, -'running_var'.length)}${COUNTER}`, values: counter });
  }
  return out;
}
