/**
 * Our ONNX Runtime logits for templates on the formula weights and formula input, with the
 * state_dict each was given, as JSON for bench/numpy_forward_check.py to compare against.
 *   npx tsx bench/template-logits.ts OUT.json shufflenet_v2_x1_0 [densenet121 ...]
 * The state_dict comes from fixtures/models.json, or for the models it lacks from
 * core/templates/torchvision-state-dicts.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { lowerToProgram } from '../core/lower/lower.js';
import { translateProgram } from '../core/onnx/translate.js';
import { buildTemplate } from '../core/templates/index.js';
import { TORCHVISION_SOURCE_STATE_DICTS } from '../core/templates/torchvision-state-dicts.js';
import { autoBindWeights } from '../core/weights/binding.js';
import { formulaInput, formulaTensor, type StateDictEntry } from '../core/weights/formula.js';
import { sessionOptions } from '../electron/backends/onnxruntime/session.js';

const [out, ...names] = process.argv.slice(2);
if (!out || names.length === 0) throw new Error('usage: npx tsx bench/template-logits.ts OUT.json MODEL [MODEL ...]');
const models = JSON.parse(readFileSync(new URL('../fixtures/models.json', import.meta.url), 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>;
const INPUT_SHAPE = [1, 3, 224, 224];

const result: Record<string, { logits: number[]; state_dict: StateDictEntry[] }> = {};
for (const name of names) {
  const stateDict = models[name]?.state_dict ?? TORCHVISION_SOURCE_STATE_DICTS[name];
  const template = buildTemplate(name);
  if (!stateDict || !template) throw new Error(`'${name}' needs a template and a listed state_dict.`);
  const tensors = new Map(stateDict.map(([n, shape, dtype]) => [n, formulaTensor(n, shape, dtype)]));
  const doc = autoBindWeights(
    template,
    [...tensors].map(([n, v]) => ({ name: n, count: v.length })),
  );
  const lowered = lowerToProgram(doc, (n) => tensors.get(n));
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const translated = translateProgram(lowered.value.program, lowered.value.weights);
  if (!translated.ok) throw new Error(translated.diagnostics.map((d) => d.message).join('\n'));
  const session = await ort.InferenceSession.create(translated.value.bytes, sessionOptions());
  const outputs = await session.run({ data: new ort.Tensor('float32', formulaInput(INPUT_SHAPE), INPUT_SHAPE) });
  result[name] = { logits: [...(outputs[session.outputNames[0]!]!.data as Float32Array)], state_dict: stateDict };
  await session.release();
  console.log(`${name}: ${stateDict.length} tensors`);
}
writeFileSync(out, JSON.stringify(result));
