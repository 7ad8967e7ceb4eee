/**
 * For the template parity tests: a template with named tensors bound by name, lowered and run on
 * ONNX Runtime with the formula input, as the app runs it (template → auto-binding → lowering → ONNX).
 */
import { afterAll } from 'vitest';
import { lowerToProgram } from '../../../core/lower/lower.js';
import { buildTemplate } from '../../../core/templates/index.js';
import { autoBindWeights } from '../../../core/weights/binding.js';
import { formulaInput } from '../../../core/weights/formula.js';
import type { BackendSession } from '../backend.js';
import { onnxRuntimeBackend } from './backend.js';

const sessions: BackendSession[] = [];
afterAll(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
});

/** The named output of `template` (input `data`, shape `inputShape`) with `tensors` bound by name. */
export async function runTemplate(
  template: string,
  tensors: ReadonlyMap<string, Float32Array>,
  inputShape: number[],
  output: string,
): Promise<{ dims: number[]; data: Float32Array }> {
  const doc = autoBindWeights(
    buildTemplate(template)!,
    [...tensors].map(([name, values]) => ({ name, count: values.length })),
  );
  const lowered = lowerToProgram(doc, (name) => tensors.get(name));
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const built = await onnxRuntimeBackend.build(lowered.value);
  if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join('\n'));
  sessions.push(built.value);
  const result = await built.value.run([{ name: 'data', dtype: 'FLOAT', dims: inputShape, data: formulaInput(inputShape) }]);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  const found = result.value.find((o) => o.name === output);
  if (!found) throw new Error(`${template} has no output '${output}'.`);
  return { dims: found.dims, data: found.data as Float32Array };
}
