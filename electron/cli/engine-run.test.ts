/**
 * `trt-studio run/profile --engine FILE.engine`: an engine built earlier runs on the tensorrt backend. TensorRT
 * is never installed here: "TensorRT missing" runs the real engine host process with an empty addon folder;
 * "TensorRT present" runs over the TensorRT test double (electron/backends/tensorrt/tensorrt-test-double.ts),
 * whose runEngine is replaced by a recorder that answers fixed stand-in numbers (not TensorRT's) and keeps
 * the requests, so the tests see what the engine host was handed.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeProject } from '../../core/network/project-file.js';
import { buildTemplate } from '../../core/templates/index.js';
import { formulaInput } from '../../core/weights/formula.js';
import type { NativeAddon, NativeRunRequest } from '../../native/lib/types.js';
import { TensorRTBackend } from '../backends/tensorrt/backend.js';
import { createTensorRTTestDouble, testDoubleEngineHost } from '../backends/tensorrt/tensorrt-test-double.js';
import { EngineHostClient } from '../engine-host/client.js';
import { writeNpy } from '../services/npy.js';
import type { CliCommand } from './command.js';
import { createProfileCommand, profileCommand } from './profile.js';
import { createRunCommand, ENGINE_HINT, runCommand } from './run.js';

const LENET_WTS = join(resolve(__dirname, '../..'), 'fixtures', 'lenet5.wts');
/** Any bytes: the engine file is handed over as it is, never parsed on this side. */
const ENGINE_BYTES = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);

async function run(command: CliCommand, ...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command.run(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out, err };
}

let dir = '';
let project = '';
let engine = '';
let input = '';
const savedAddonDir = process.env['TRT_STUDIO_ADDON_DIR'];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-cli-engine-'));
  project = join(dir, 'lenet5.trtstudio');
  await writeFile(project, serializeProject(buildTemplate('lenet5')!));
  engine = join(dir, 'lenet5.engine');
  await writeFile(engine, ENGINE_BYTES);
  input = join(dir, 'x.npy');
  await writeFile(input, writeNpy([1, 1, 32, 32], formulaInput([1, 1, 32, 32])));
});
afterEach(() => {
  if (savedAddonDir === undefined) delete process.env['TRT_STUDIO_ADDON_DIR'];
  else process.env['TRT_STUDIO_ADDON_DIR'] = savedAddonDir;
});

/** The TensorRT test double with runEngine recording its requests and answering stand-in numbers. */
function recordingDouble(): { make: () => TensorRTBackend; requests: NativeRunRequest[] } {
  const requests: NativeRunRequest[] = [];
  const addon: NativeAddon = {
    ...createTensorRTTestDouble(),
    runEngine: (request) => {
      requests.push(request);
      const runs = request.iterations ?? 1;
      return Promise.resolve({
        outputs: [{ name: 'prob', dtype: 'FLOAT', dims: [1, 10], data: Float32Array.from([0, 0, 0.5, 0, 0, 0, 0, 0.25, 0, 0.25]) }],
        latenciesMs: Array.from({ length: request.iterations ?? 0 }, (_, i) => 1 + i / 10),
        layerTimes: request.profileLayers
          ? [
              { name: 'conv1 + relu1', totalMs: 3 * runs, count: runs },
              { name: 'fc1.matmul', totalMs: runs, count: runs },
            ]
          : [],
        diagnostics: [],
      });
    },
  };
  return { make: () => new TensorRTBackend({ host: new EngineHostClient(testDoubleEngineHost(addon)) }), requests };
}

function notBuilt(addonDir: string): string {
  return [
    `error [tensorrt.unavailable] TensorRT is not available: the native addon is not built (${join(addonDir, 'trt_studio.node')} is missing). No build was recorded.`,
    'Possible solutions:',
    '- Build it: npm run build:native (needs CMake 3.18+ and a C++17 compiler; apt-get install cmake g++).',
    '- Set TRT_STUDIO_ADDON_DIR if the addon was built into another folder.',
    '- Use the onnxruntime backend (`--backend onnxruntime`) to run and profile the network on the CPU meanwhile.',
  ].join('\n');
}

describe('trt-studio run/profile --engine without TensorRT', () => {
  it('run and profile exit 2 with the loader reason and the onnxruntime hint', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'trt-cli-noaddon-'));
    process.env['TRT_STUDIO_ADDON_DIR'] = empty;
    const ran = await run(runCommand, project, '--engine', engine, '--input', input);
    expect(ran.out).toEqual([]);
    expect(ran.err).toEqual([notBuilt(empty), `info [run.engine.hint] ${ENGINE_HINT}`]);
    expect(ran.code).toBe(2);
    const profiled = await run(profileCommand, project, '--engine', engine, '--runs', '3');
    expect(profiled.err).toEqual(ran.err);
    expect(profiled.code).toBe(2);
    const json = await run(runCommand, project, '--engine', engine, '--input', input, '--json');
    expect(json.code).toBe(2);
    const report = JSON.parse(json.out.join('\n')) as { ok: boolean; diagnostics: { severity: string; code: string }[] };
    expect([report.ok, report.diagnostics.map((d) => `${d.severity} ${d.code}`)]).toEqual([false, ['error tensorrt.unavailable', 'info run.engine.hint']]);
  }, 30_000);

  it('exit 2 for a missing engine file, and for --engine with --backend onnxruntime', async () => {
    const missing = join(dir, 'nope.engine');
    const ran = await run(runCommand, project, '--engine', missing, '--input', input);
    expect(ran.code).toBe(2);
    expect(ran.err).toEqual([`error [engine.read] Cannot read the engine ${missing}: it does not exist.`]);
    const ort = await run(runCommand, project, '--engine', engine, '--backend', 'onnxruntime', '--input', input);
    expect(ort.code).toBe(2);
    expect(ort.err).toEqual([
      `--engine runs a TensorRT engine, so it takes --backend tensorrt (or no --backend); got 'onnxruntime'.\nUsage: trt-studio ${runCommand.usage}`,
    ]);
    const neither = await run(profileCommand, project);
    expect(neither.code).toBe(2);
    expect(neither.err).toEqual([`Expected one project and --weights FILE.wts (or --engine FILE.engine).\nUsage: trt-studio ${profileCommand.usage}`]);
  });
});

describe('trt-studio run/profile --engine over the TensorRT test double', () => {
  it('run reads the engine file and hands its bytes and the input to the engine host; prints the top classes', async () => {
    const double = recordingDouble();
    const { code, out, err } = await run(createRunCommand(double.make), project, '--engine', engine, '--input', input, '--top', '3');
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(double.requests).toHaveLength(1);
    const request = double.requests[0]!;
    expect(request.engine).toEqual(ENGINE_BYTES);
    expect(Object.keys(request.inputs)).toEqual(['data']);
    expect(request.inputs['data']!.dims).toEqual([1, 1, 32, 32]);
    expect(request.inputs['data']!.data).toEqual(formulaInput([1, 1, 32, 32]));
    expect(out[0]).toBe('x.npy: prob, top 3');
    expect(out.slice(1).map((l) => Number(l.trim().split(/ +/)[0]))).toEqual([2, 7, 9]);
  });

  it('--weights with --engine binds the project too, and the engine (not a new build) is what runs', async () => {
    const double = recordingDouble();
    const { code, out } = await run(createRunCommand(double.make), project, '--engine', engine, '--weights', LENET_WTS, '--input', input, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n')) as { ok: boolean; backend: string; engine: string };
    expect([report.ok, report.backend, report.engine]).toEqual([true, 'tensorrt', engine]);
    expect(double.requests.map((r) => r.engine)).toEqual([ENGINE_BYTES]);
  });

  it('profile hands over the engine with iterations, warm-up and layer profiling; layers map to canvas nodes', async () => {
    const double = recordingDouble();
    const { code, out, err } = await run(createProfileCommand(double.make), project, '--engine', engine, '--iterations', '4', '--warmup', '2');
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const request = double.requests[0]!;
    expect([request.engine, request.iterations, request.warmup, request.profileLayers]).toEqual([ENGINE_BYTES, 4, 2, true]);
    expect(request.inputs['data']!.dims).toEqual([1, 1, 32, 32]);
    expect(out[0]).toBe('lenet5 on tensorrt: 4 timed runs after 2 warm-up, batch 1');
    expect(out[1]).toBe('  latency (ms)  min 1.000  p50 1.100  p90 1.300  p95 1.300  p99 1.300  max 1.300  mean 1.150');
    expect(out.slice(3)).toEqual([
      '  layer          node          mean ms  share',
      '  conv1 + relu1  conv1, relu1    3.000  75.0%',
      '  fc1.matmul     fc1             1.000  25.0%',
      "  A row that joins layers with ' + ' is one fused kernel that ran them all; its time is theirs together.",
    ]);
  });
});
