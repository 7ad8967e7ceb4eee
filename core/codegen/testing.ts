/**
 * Test support: a template lowered with placeholder weights of the right sizes, each slot bound to
 * its PyTorch name. Code generation reads only names, counts and shapes, never the values.
 */
import { TORCHVISION_STATE_DICTS } from '../layers/torchvision-fixtures.js';
import { lowerToProgram } from '../lower/lower.js';
import type { TrtProgram } from '../program/types.js';
import { inferShapes } from '../shapes/infer.js';
import { buildTemplate } from '../templates/index.js';
import { autoBindWeights, torchTensorName } from '../weights/binding.js';

/**
 * `name`'s program. The tensors that exist are torchvision's state_dict names where the fixtures
 * list them (so resnet18's convolutions have no bias), otherwise every slot, optional ones included.
 */
export function templateProgram(name: string): TrtProgram {
  const tensors = TORCHVISION_STATE_DICTS[name]?.map(([tensor]) => tensor);
  const doc0 = buildTemplate(name);
  if (!doc0) throw new Error(`No template '${name}'.`);
  const shapes = inferShapes(doc0);
  const counts = new Map<string, number>();
  for (const node of doc0.nodes) for (const slot of shapes.nodes[node.id]?.weights ?? []) counts.set(torchTensorName(node.name, slot), slot.count ?? 0);
  const present = [...counts].filter(([tensor]) => !tensors || tensors.includes(tensor));
  const doc = autoBindWeights(
    doc0,
    present.map(([tensor, count]) => ({ name: tensor, count })),
    shapes,
  );
  const lowered = lowerToProgram(doc, (tensor) => {
    const count = counts.get(tensor);
    return count === undefined ? undefined : new Float32Array(count);
  });
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  return lowered.value.program;
}
