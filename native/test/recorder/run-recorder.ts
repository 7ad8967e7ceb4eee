/**
 * The recorder check (native/check-tensorrt.sh INCLUDE_DIR --recorder runs it): builds lenet5,
 * resnet18, mobilenet_v2 and squeezenet1_1 with formula weights in FP32, FP16 and BF16 through the
 * real path (lowering → TensorRTBackend → forked engine host → addon → bridge) against an addon
 * linked with the recording libnvinfer (a test double, not TensorRT), replays each recording on ONNX
 * Runtime and compares with the reference runtime's output for the lowered program.
 * Usage: npx tsx native/test/recorder/run-recorder.ts ADDON_DIR [MODEL ...]
 * The addon's process needs the recorder and the libcuda stand-in on LD_LIBRARY_PATH.
 */
import { readFileSync } from 'node:fs';
import { lowerToProgram } from '../../../core/lower/lower.js';
import { integerConstantWeights } from '../../../core/program/integer-constants.js';
import type { ProgramWeightData, TrtProgram } from '../../../core/program/types.js';
import { getLayerSpec } from '../../../core/layers/catalog.js';
import { completeParams } from '../../../core/layers/params.js';
import type { NetworkDocument } from '../../../core/network/types.js';
import { buildTemplate } from '../../../core/templates/index.js';
import { YOLO_SOURCE_STATE_DICTS } from '../../../core/templates/yolo-state-dicts.js';
import { autoBindWeights } from '../../../core/weights/binding.js';
import { formulaInput, formulaTensor, type StateDictEntry } from '../../../core/weights/formula.js';
import type { BackendModel } from '../../../electron/backends/backend.js';
import { onnxRuntimeBackend } from '../../../electron/backends/onnxruntime/backend.js';
import { TensorRTBackend } from '../../../electron/backends/tensorrt/backend.js';
import { EngineHostClient } from '../../../electron/engine-host/client.js';
import { forkEngineHost } from '../../../electron/engine-host/spawn.js';
import { readRecording, replayProgram } from './replay.js';

const TOLERANCE = 1e-5;
const PRECISIONS = ['FP32', 'FP16', 'BF16'] as const;
type Precision = (typeof PRECISIONS)[number];

const [addonDir, ...only] = process.argv.slice(2);
if (!addonDir) {
  process.stderr.write('Usage: run-recorder.ts ADDON_DIR [MODEL ...]\n');
  process.exit(2);
}
const models = only.length > 0 ? only : ['lenet5', 'resnet18', 'mobilenet_v2', 'squeezenet1_1'];
const MODELS = JSON.parse(readFileSync(new URL('../../../fixtures/models.json', import.meta.url), 'utf8')) as Record<
  string,
  { input_shape: number[]; state_dict: StateDictEntry[] }
>;
/** `yolov8n+postprocess`: yolov8n with the YOLO postprocess composite (slices, INMSLayer, gathers) after its head. */
const POSTPROCESS_SUFFIX = '+postprocess';

/** The model's template with formula weights bound, from fixtures/models.json or the YOLO source state dicts. */
function formulaModel(model: string): { doc: NetworkDocument; tensors: Map<string, Float32Array> } {
  const name = model.endsWith(POSTPROCESS_SUFFIX) ? model.slice(0, -POSTPROCESS_SUFFIX.length) : model;
  const stateDict = MODELS[name]?.state_dict ?? YOLO_SOURCE_STATE_DICTS[name];
  const template = buildTemplate(name);
  if (!stateDict || !template) throw new Error(`${model}: no template or state dict of that name (fixtures/models.json, core/templates/yolo-state-dicts.ts)`);
  const tensors = new Map(stateDict.map(([tensor, shape, dtype]) => [tensor, formulaTensor(tensor, shape, dtype)]));
  if (model !== name) {
    template.nodes.push({ id: 'post', type: 'YoloPostprocess', name: 'postprocess', params: completeParams(getLayerSpec('YoloPostprocess')!.params, {}) });
    template.edges.push({ id: 'to-post', from: template.outputs[0]!.from, to: { node: 'post', port: 'input' } });
    template.outputs = [
      { name: 'detections', from: { node: 'post', port: 'detections' } },
      { name: 'count', from: { node: 'post', port: 'count' } },
    ];
  }
  const doc = autoBindWeights(
    template,
    [...tensors].map(([tensor, values]) => ({ name: tensor, count: values.length })),
  );
  return { doc, tensors };
}

/** Round to the nearest FP16 value, ties to even (as the bridge's weight arena does). */
function roundToHalf(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return Math.sign(x) * Infinity;
  const ulp = 2 ** (Math.max(Math.floor(Math.log2(a)), -14) - 10);
  const q = a / ulp;
  const f = Math.floor(q);
  const r = q - f > 0.5 || (q - f === 0.5 && f % 2 === 1) ? f + 1 : f;
  return Math.sign(x) * r * ulp;
}

/** Round to the nearest BF16 value, ties to even. */
function roundToBf16(x: number): number {
  const bits = new Uint32Array(new Float32Array([x]).buffer)[0]!;
  const rounded = ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) << 16;
  return new Float32Array(new Uint32Array([rounded >>> 0]).buffer)[0]!;
}

/** The weights as a reduced-precision build hands them to TensorRT, widened again; integer constants stay FLOAT. */
function roundedWeights(program: TrtProgram, weights: ProgramWeightData, precision: Precision): ProgramWeightData {
  if (precision === 'FP32') return weights;
  const round = precision === 'FP16' ? roundToHalf : roundToBf16;
  const integer = integerConstantWeights(program);
  return new Map([...weights].map(([id, values]) => [id, integer.has(id) ? values : values.map(round)]));
}

/** The largest difference relative to the largest expected magnitude (a loop: a spread of 700k values overflows the stack). */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let largest = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    largest = Math.max(largest, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return worst / (largest || 1);
}

/** The worst relative error over every output the reference gives, by name. */
function worstError(actual: Map<string, ArrayLike<number>>, expected: Map<string, ArrayLike<number>>): number {
  let worst = 0;
  for (const [name, values] of expected) worst = Math.max(worst, relativeError(actual.get(name) ?? [], values));
  return worst;
}

/** Run a replayed model and return every output by name. */
async function runAll(model: BackendModel, input: { name: string; dims: number[]; data: Float32Array }): Promise<Map<string, ArrayLike<number>>> {
  const built = await onnxRuntimeBackend.build(model);
  if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join(' '));
  try {
    const result = await built.value.run([{ ...input, dtype: 'FLOAT' }]);
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join(' '));
    return new Map(result.value.map((t) => [t.name, t.data as ArrayLike<number>]));
  } finally {
    await built.value.dispose();
  }
}

/**
 * Outputs the bridge must give tensors of their own: one reading the network input directly and two
 * on one layer's output, in a reduced-precision build (the input is cast, the outputs cast back).
 */
async function outputsOfTheirOwn(precision: Precision): Promise<string[]> {
  const program: TrtProgram = {
    formatVersion: 1,
    name: 'outputs',
    inputs: [{ name: 'x', dtype: 'FLOAT', dims: [1, 2, 2, 2], nodeId: 'x' }],
    ops: [
      {
        op: 'addActivation',
        layerName: 'relu',
        nodeId: 'relu',
        params: { type: 'RELU', alpha: 0, beta: 0 },
        inputs: { input: 'x' },
        outputs: { output: 'y' },
        outputInfo: { output: { dims: [1, 2, 2, 2], dtype: 'FLOAT' } },
        weights: {},
      },
    ],
    outputs: [
      { name: 'y', tensor: 'y' },
      { name: 'y_again', tensor: 'y' },
      { name: 'x_out', tensor: 'x' },
    ],
    weights: [],
  };
  const built = await backend.buildEngine({ program, weights: new Map() }, { buildOptions: { precision, stronglyTyped: precision !== 'FP32' } });
  if (!built.ok) return [`the build failed: ${built.diagnostics.map((d) => d.message).join(' | ')}`];
  const recording = readRecording(built.value.engine)!;
  const problems: string[] = [];
  if (JSON.stringify(recording.outputs) !== JSON.stringify(['y', 'y_again', 'x_out'])) problems.push(`outputs ${JSON.stringify(recording.outputs)}`);
  if (!recording.inputs.some((t) => t.name === 'x')) problems.push('the input lost its name');
  const input = { name: 'x', dims: [1, 2, 2, 2], data: Float32Array.from([-1, 2, -3, 4, 0.5, -0.5, 6, -7]) };
  const outputs = await runAll(replayProgram(recording), input);
  const relu = input.data.map((v) => Math.max(0, v));
  const expected = new Map([
    ['y', relu],
    ['y_again', relu],
    ['x_out', input.data],
  ]);
  for (const [name, values] of expected)
    if (JSON.stringify(Array.from(outputs.get(name) ?? [])) !== JSON.stringify([...values]))
      problems.push(`output ${name} is ${JSON.stringify(Array.from(outputs.get(name) ?? []))}`);
  return problems;
}

/** A timing cache from another device: a warning, a build without error Diagnostics, and a fresh cache to save. */
async function foreignTimingCache(model: BackendModel): Promise<string[]> {
  const timingCache = new TextEncoder().encode('a timing cache from another GPU');
  const built = await backend.buildEngine(model, { buildOptions: { precision: 'FP32', timingCache } });
  if (!built.ok) return [`the build failed: ${built.diagnostics.map((d) => d.message).join(' | ')}`];
  const problems: string[] = [];
  const errors = built.value.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) problems.push(`a successful build carries errors: ${errors.map((d) => d.message).join(' | ')}`);
  if (!built.value.diagnostics.some((d) => d.code === 'build.timing-cache')) problems.push('no build.timing-cache warning');
  if (!new TextDecoder().decode(built.value.timingCache).startsWith('RECORDER-TIMING-CACHE')) problems.push('no fresh timing cache came back');
  return problems;
}

/** Running an engine: the runtime must allow engine host code (version-compatible engines need it) before it deserializes. */
async function runtimeAllowsHostCode(engine: Uint8Array): Promise<string[]> {
  const ran = await backend.openEngine(engine).run([{ name: 'x', dtype: 'FLOAT', dims: [1], data: new Float32Array(1) }]);
  if (ran.ok) return ['the recorder ran an engine, which it cannot'];
  const said = ran.diagnostics.map((d) => d.message).join(' | ');
  return said.includes('engine host code allowed: yes') ? [] : [`the runtime did not allow engine host code: ${said}`];
}

const backend = new TensorRTBackend({ host: new EngineHostClient(() => forkEngineHost({ ...process.env, TRT_STUDIO_ADDON_DIR: addonDir })) });
let passed = 0;
let lenet: BackendModel | undefined;
let total = 0;
try {
  const caps = await backend.hostCapabilities();
  if (!caps.ok || !caps.value.available) {
    process.stderr.write(`recorder: the engine host cannot use the recorder addon: ${caps.ok ? caps.value.explanation : caps.diagnostics[0]?.message}\n`);
    process.exit(1);
  }
  const headers = (caps.value.native?.buildTensorRTVersion ?? '?').split('.').slice(0, 2).join('.');
  for (const name of models) {
    const { doc, tensors } = formulaModel(name);
    const lowered = lowerToProgram(doc, (tensor) => tensors.get(tensor));
    if (!lowered.ok) throw new Error(`${name}: ${lowered.diagnostics.map((d) => d.message).join(' ')}`);
    if (name === 'lenet5') lenet = lowered.value;
    const programInput = lowered.value.program.inputs[0]!;
    const input = { name: programInput.name, dims: programInput.dims, data: formulaInput(programInput.dims) };
    for (const precision of PRECISIONS) {
      total++;
      const label = `${name} ${precision}`;
      const built = await backend.buildEngine(lowered.value, { buildOptions: { precision, stronglyTyped: precision !== 'FP32', workspaceBytes: 2 ** 30 } });
      if (!built.ok) {
        process.stdout.write(`FAIL ${label}: the build failed: ${built.diagnostics.map((d) => `[${d.code}] ${d.message}`).join(' | ')}\n`);
        continue;
      }
      const recording = readRecording(built.value.engine);
      if (!recording) {
        process.stdout.write(`FAIL ${label}: the engine bytes are not a recording\n`);
        continue;
      }
      const problems: string[] = [];
      if (recording.config.tf32) problems.push('TF32 was left on for a build that did not ask for it');
      const outputs = lowered.value.program.outputs.map((o) => o.name);
      if (JSON.stringify(recording.outputs) !== JSON.stringify(outputs))
        problems.push(`the network outputs are ${JSON.stringify(recording.outputs)}, expected ${JSON.stringify(outputs)}`);
      const replay = replayProgram(recording);
      const [actual, expected] = await Promise.all([
        runAll(replay, input),
        runAll({ program: lowered.value.program, weights: roundedWeights(lowered.value.program, lowered.value.weights, precision) }, input),
      ]);
      const error = worstError(actual, expected);
      if (!(error <= TOLERANCE)) problems.push(`the replay differs from the reference by ${error.toExponential(2)} (relative)`);
      if (problems.length > 0) {
        process.stdout.write(`FAIL ${label}: ${problems.join('; ')}\n`);
        continue;
      }
      passed++;
      // A postprocess shows how many detections it kept, so a replay compared on zero rows shows as such.
      const count = actual.get('count')?.[0];
      process.stdout.write(
        `ok   ${label}: ${recording.layers.length} layers, ${recording.calls} network calls recorded, replay within ${error.toExponential(1)} of the reference${count === undefined ? '' : ` (${count} detections)`}\n`,
      );
    }
  }
  for (const precision of PRECISIONS) {
    total++;
    const problems = await outputsOfTheirOwn(precision);
    if (problems.length === 0) passed++;
    process.stdout.write(
      `${problems.length === 0 ? 'ok  ' : 'FAIL'} outputs on an input and on a shared tensor ${precision}${problems.length ? `: ${problems.join('; ')}` : ''}\n`,
    );
  }
  if (lenet) {
    total++;
    const built = await backend.buildEngine(lenet, { buildOptions: { precision: 'FP32', versionCompatible: true } });
    const problems = built.ok ? await runtimeAllowsHostCode(built.value.engine) : ['the version-compatible build failed'];
    if (problems.length === 0) passed++;
    process.stdout.write(
      `${problems.length === 0 ? 'ok  ' : 'FAIL'} lenet5 version-compatible, loaded by a runtime${problems.length ? `: ${problems.join('; ')}` : ''}\n`,
    );
  }
  if (lenet) {
    total++;
    const problems = await foreignTimingCache(lenet);
    if (problems.length === 0) passed++;
    process.stdout.write(
      `${problems.length === 0 ? 'ok  ' : 'FAIL'} lenet5 with a timing cache from another device${problems.length ? `: ${problems.join('; ')}` : ''}\n`,
    );
  }
  process.stdout.write(`recorder: ${passed} of ${total} builds replayed within 1e-5 against TensorRT ${headers} headers\n`);
} finally {
  backend.dispose();
}
process.exit(passed === total && total > 0 ? 0 : 1);
