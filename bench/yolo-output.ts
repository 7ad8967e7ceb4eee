/**
 * Our ONNX Runtime output0 for a YOLO template on the formula weights (DFL kernel 0…15) and the
 * formula input [1, 3, 640, 640], as float32 little-endian, and the state_dict it was given (OUT.json),
 * for bench/yolo_numpy_check.py:
 *   npx tsx bench/yolo-output.ts yolov8n /tmp/yolov8n.output0.f32
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { lowerToProgram } from '../core/lower/lower.js';
import { translateProgram } from '../core/onnx/translate.js';
import { buildTemplate } from '../core/templates/index.js';
import { YOLO_SOURCE_STATE_DICTS } from '../core/templates/yolo-state-dicts.js';
import { autoBindWeights } from '../core/weights/binding.js';
import { formulaInput, formulaTensor, type StateDictEntry } from '../core/weights/formula.js';
import { sessionOptions } from '../electron/backends/onnxruntime/session.js';

const [name, out] = process.argv.slice(2);
if (!name || !out) throw new Error('usage: npx tsx bench/yolo-output.ts MODEL OUT.f32');
const models = JSON.parse(readFileSync(new URL('../fixtures/models.json', import.meta.url), 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>;
const stateDict = models[name]?.state_dict ?? YOLO_SOURCE_STATE_DICTS[name];
const template = buildTemplate(name);
if (!stateDict || !template) throw new Error(`'${name}' needs a template and a listed state_dict.`);
const INPUT_SHAPE = [1, 3, 640, 640];
const tensors = new Map(
  stateDict.map(([n, shape, dtype]) => [n, n.endsWith('.dfl.conv.weight') ? Float32Array.from({ length: 16 }, (_, i) => i) : formulaTensor(n, shape, dtype)]),
);
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
const output = outputs.output0!;
writeFileSync(out, Buffer.from((output.data as Float32Array).buffer));
writeFileSync(`${out}.json`, JSON.stringify({ model: name, dims: output.dims, state_dict: stateDict }));
console.log(`${name}: output0 [${output.dims.join(', ')}] written to ${out}`);
await session.release();
