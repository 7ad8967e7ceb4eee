/**
 * The app and the CLI give the same results, because both call electron/workflows: every workflow
 * runs both ways on the resnet18 template with formula weights (fixtures/README.md): through the
 * host's service handlers, as the app calls them, and through the CLI commands.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildResult, ExportResult, JobFinished, ProfileResult, RunResult } from '../../core/api/job-schemas.js';
import type { BindResult, WeightSet } from '../../core/api/weight-schemas.js';
import type { Result } from '../../core/diagnostics.js';
import { serializeProject } from '../../core/network/project-file.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { PREPROCESSING_PRESETS } from '../../core/run/preprocessing.js';
import { buildTemplate } from '../../core/templates/index.js';
import { formulaInput, formulaTensor, type StateDictEntry } from '../../core/weights/formula.js';
import { decodeWts } from '../../core/weights/wts-decoder.js';
import { encodeWts } from '../../core/weights/wts-encoder.js';
import { runCli } from '../cli/main.js';
import { createHostServices, type HostServices } from '../services/host-services.js';
import { memoryLog } from '../services/log.js';
import { writeNpy } from '../services/npy.js';

interface ModelFacts {
  input_shape: number[];
  top5: number[];
  state_dict: StateDictEntry[];
  wts_sha256: string;
  wts_bytes: number;
}
const FIXTURES = new URL('../../fixtures/', import.meta.url);
const MODELS = JSON.parse(readFileSync(new URL('models.json', FIXTURES), 'utf8')) as Record<string, ModelFacts>;
const PARITY = (JSON.parse(readFileSync(new URL('parity.json', FIXTURES), 'utf8')) as { models: Record<string, ModelFacts> }).models;
const call = { transport: 'web', clientId: 'parity' } as const;

let dir = '';
let host: HostServices;
let project = '';
let weights = '';
let doc: NetworkDocument;
let setId = '';
let engineId = '';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A CLI command that must succeed; its --json output parsed. */
async function cliJson<T>(...args: string[]): Promise<T> {
  const result = await cli(...args, '--json');
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.err}\n${result.out}`);
  return JSON.parse(result.out) as T;
}

async function app<T>(method: string, params: unknown): Promise<T> {
  const r = (await host.dispatch(method, params, call)) as Result<{ jobId: string } | T>;
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const jobId = (r.value as { jobId?: string }).jobId;
  if (jobId === undefined) return r.value as T;
  const finished: JobFinished = await host.context.jobs.finished(jobId)!;
  if (finished.status !== 'succeeded') throw new Error(`${finished.status}: ${finished.diagnostics.map((d) => d.message).join('\n')}`);
  return finished.result as T;
}

async function filesIn(folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(folder)).sort()) out[name] = await readFile(join(folder, name), 'utf8');
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-app-cli-parity-'));
  // The formula weights, written exactly as gen_wts would write them for resnet18's state_dict.
  const facts = MODELS.resnet18!;
  weights = join(dir, 'resnet18.wts');
  const fd = openSync(weights, 'w');
  const tensors = (function* () {
    for (const [name, shape, dtype] of facts.state_dict) yield { name, values: formulaTensor(name, shape, dtype) };
  })();
  for (const chunk of encodeWts(facts.state_dict.length, tensors, 4 << 20)) writeSync(fd, chunk);
  closeSync(fd);
  project = join(dir, 'resnet18.trtstudio');
  await writeFile(project, serializeProject(buildTemplate('resnet18')!));

  host = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config'), log: memoryLog(), roots: [dir] });
  setId = (await app<WeightSet>('weights.import', { path: weights })).id;
  const template = buildTemplate('resnet18')!;
  const bound = await app<BindResult>('weights.bind', { setId, document: template });
  doc = { ...template, bindings: bound.bindings };
  engineId = (await app<BuildResult>('build.start', { document: doc, weightSetId: setId, options: { backend: 'onnxruntime' } })).engineId;
}, 120_000);

afterAll(async () => {
  await host?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('the app and the CLI give the same results on resnet18', () => {
  it('export: .wts byte-identical both ways and to gen_wts (122 tensors with num_batches_tracked); .onnx identical', async () => {
    await mkdir(join(dir, 'app'));
    await mkdir(join(dir, 'cli'));
    const appWts = join(dir, 'app', 'resnet18.wts');
    const appOnnx = join(dir, 'app', 'resnet18.onnx');
    const exported = await app<ExportResult>('export.start', { format: 'wts', path: appWts, document: doc, weightSetId: setId, engineId: null });
    await app<ExportResult>('export.start', { format: 'onnx', path: appOnnx, document: doc, weightSetId: setId, engineId: null });
    const cliWts = join(dir, 'cli', 'resnet18.wts');
    const cliOnnx = join(dir, 'cli', 'resnet18.onnx');
    const result = await cli('export', project, '--weights', weights, '--wts', cliWts, '--onnx', cliOnnx);
    expect(result.code).toBe(0);

    const appBytes = await readFile(appWts);
    expect(appBytes.equals(await readFile(cliWts))).toBe(true);
    expect(exported.bytes).toBe(MODELS.resnet18!.wts_bytes);
    expect(createHash('sha256').update(appBytes).digest('hex')).toBe(MODELS.resnet18!.wts_sha256);
    const decoded = decodeWts(appBytes, { fileName: 'resnet18.wts' });
    if (!decoded.ok) throw new Error(decoded.diagnostic.message);
    expect(decoded.tensors).toHaveLength(122);
    expect(decoded.tensors.filter((t) => t.name.endsWith('.num_batches_tracked'))).toHaveLength(20);
    expect(decoded.tensors.map((t) => t.name)).toEqual(MODELS.resnet18!.state_dict.map(([name]) => name));

    const onnx = await readFile(appOnnx);
    expect(onnx.length).toBeGreaterThan(40_000_000);
    expect(onnx.equals(await readFile(cliOnnx))).toBe(true);
  }, 60_000);

  it('codegen: the Python script, the C++ program and its CMakeLists.txt are identical', async () => {
    const cliDir = join(dir, 'code-cli');
    const result = await cli('export', project, '--weights', weights, '--python', join(cliDir, 'build_resnet18.py'), '--cpp', cliDir);
    expect(result.code).toBe(0);
    const appDir = join(dir, 'code-app');
    await mkdir(appDir);
    await app<ExportResult>('export.start', { format: 'python', path: join(appDir, 'build_resnet18.py'), document: doc, weightSetId: setId, engineId: null });
    // From the built engine's network, as the export panel does after a build.
    await app<ExportResult>('export.start', { format: 'cpp', path: join(appDir, 'resnet18.cpp'), document: null, weightSetId: null, engineId });
    const appFiles = await filesIn(appDir);
    expect(Object.keys(appFiles)).toEqual(['CMakeLists.txt', 'build_resnet18.py', 'resnet18.cpp']);
    expect(appFiles).toEqual(await filesIn(cliDir));
    // Both name the weight file the network was bound to.
    expect(appFiles['build_resnet18.py']).toContain('resnet18.wts');

    // `codegen` writes the same program.
    const codegenDir = join(dir, 'code-codegen');
    expect((await cli('codegen', project, '--lang', 'cpp', '-o', `${codegenDir}/`, '--weights', weights)).code).toBe(0);
    expect(await filesIn(codegenDir)).toEqual({ 'CMakeLists.txt': appFiles['CMakeLists.txt'], 'resnet18.cpp': appFiles['resnet18.cpp'] });
  }, 60_000);

  it('run: the same outputs and top-5 for a .npy input (PyTorch top-5) and for an image', async () => {
    const shape = PARITY.resnet18!.input_shape;
    const npy = join(dir, 'input.npy');
    await writeFile(npy, writeNpy(shape, formulaInput(shape)));
    const image = join(dir, 'gradient.png');
    const pixels = Buffer.alloc(300 * 260 * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) % 251;
    await sharp(pixels, { raw: { width: 300, height: 260, channels: 3 } })
      .png()
      .toFile(image);

    const appRun = await app<RunResult>('run.start', {
      engineIds: [engineId],
      images: [npy, image].map((path) => ({ path, preprocessing: PREPROCESSING_PRESETS.imagenet })),
      topK: 5,
    });
    for (const [i, path] of [npy, image].entries()) {
      const cliRun = await cliJson<{
        samples: { outputs: { top: { index: number; label: string; probability: number }[] }[] }[];
        outputs: { values: number[] }[];
      }>('run', project, '--weights', weights, ...(path.endsWith('.npy') ? ['--input', path] : [path]));
      const shown = appRun.images[i]!;
      expect(shown.top).toHaveLength(5);
      expect(shown.top).toEqual(cliRun.samples[0]!.outputs[0]!.top);
      expect(shown.outputs[0]!.truncated).toBe(false);
      expect(shown.outputs[0]!.values).toEqual(cliRun.outputs[0]!.values);
    }
    expect(appRun.images[0]!.top.map((t) => t.index)).toEqual(PARITY.resnet18!.top5);
    expect(appRun.images[0]!.top[0]!.label).toBeDefined();
  }, 60_000);

  it('profile: the same per-layer names, mapped to the same nodes', async () => {
    const appProfile = await app<ProfileResult>('profile.start', { engineId, iterations: 2, warmupIterations: 1 });
    const cliProfile = await cliJson<{ layers: { layerName: string; nodeId?: string }[] }>(
      'profile',
      project,
      '--weights',
      weights,
      '--iterations',
      '2',
      '--warmup',
      '1',
    );
    const byName = (layers: { name: string; nodeId?: string }[]) => layers.map((l) => `${l.name} -> ${l.nodeId ?? '-'}`).sort();
    const appLayers = byName(appProfile.layers);
    expect(appLayers.length).toBeGreaterThan(20);
    expect(appLayers).toEqual(byName(cliProfile.layers.map((l) => ({ name: l.layerName, ...(l.nodeId ? { nodeId: l.nodeId } : {}) }))));
  }, 60_000);
});
