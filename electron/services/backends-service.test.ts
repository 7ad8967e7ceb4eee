/**
 * The whole story through the host's one entrance (`dispatch`), with real files and real
 * components: import the trained LeNet-5 `.wts`, bind it onto the template, build with ONNX Runtime,
 * run the handwritten digits (PNG and .npy) against PyTorch's numbers, profile, export, cancel.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildResult, ExportResult, ImagePreview, JobFinished, ProfileResult, RunResult } from '../../core/api/job-schemas.js';
import type { Capabilities } from '../../core/api/schemas.js';
import type { BindResult, WeightSet } from '../../core/api/weight-schemas.js';
import type { Result } from '../../core/diagnostics.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { buildTemplate } from '../../core/templates/index.js';
import { templateBuilder } from '../../core/templates/builder.js';
import { EngineHostClient } from '../engine-host/client.js';
import type { EngineHostTransport } from '../engine-host/spawn.js';
import { TensorRTBackend } from '../backends/tensorrt/backend.js';
import { createBackendsModule, ONNXRUNTIME_NOTE } from './backends-service.js';
import { createHostServices, type HostServices } from './host-services.js';
import { hostCalls, succeeded } from './host-calls.testing.js';
import { SERVICE_MODULES } from './registry.js';
import { PREPROCESSING_PRESETS } from '../../core/run/preprocessing.js';
import { imageToTensor, loadImage } from './images.js';
import { memoryLog } from './log.js';
import { readNpy, writeNpy } from './npy.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const DIGITS = JSON.parse(await readFile(join(FIXTURES, 'digits.json'), 'utf8')) as { cases: { file: string; label: number; softmax: number[] }[] };
const MNIST = PREPROCESSING_PRESETS.mnist;
const call = { transport: 'web', clientId: 'test' } as const;

let dir: string;
let host: HostServices;
let doc: NetworkDocument;
let setId: string;
let engineId: string;

const { value, job } = hostCalls(() => host);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-backends-service-'));
  host = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config'), log: memoryLog(), roots: [dir, FIXTURES] });
  const set = succeeded<WeightSet>(await job('weights.import', { path: join(FIXTURES, 'lenet5_digits.wts') }));
  setId = set.id;
  const template = buildTemplate('lenet5')!;
  const bound = await value<BindResult>('weights.bind', { setId, document: template });
  doc = { ...template, bindings: bound.bindings };
});
afterAll(async () => {
  await host.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('capabilities', () => {
  it('lists ONNX Runtime as available and TensorRT with the reason it is missing', async () => {
    const caps = await value<Capabilities>('host.capabilities', {});
    const onnx = caps.backends.find((b) => b.id === 'onnxruntime')!;
    expect(onnx).toEqual({
      id: 'onnxruntime',
      available: true,
      version: ort.env.versions.node,
      device: 'CPU',
      features: { build: true, run: true, profile: true, export: true },
    });
    const trt = caps.backends.find((b) => b.id === 'tensorrt')!;
    expect(trt.available).toBe(false);
    expect(trt.reason).toMatch(/^TensorRT is not available: /);
  });
});

describe('build, run, profile and export with ONNX Runtime', () => {
  it('builds the bound LeNet-5 and says plainly that it is the reference runtime', async () => {
    const finished = await job('build.start', { document: doc, weightSetId: setId, options: { backend: 'onnxruntime' } });
    const built = succeeded<BuildResult>(finished);
    engineId = built.engineId;
    expect(built).toMatchObject({
      backend: 'onnxruntime',
      networkName: doc.name,
      note: ONNXRUNTIME_NOTE,
      options: { backend: 'onnxruntime', precision: 'fp32' },
    });
    expect(built.sizeBytes).toBeGreaterThan(61706 * 4);
    expect(finished.diagnostics).toEqual([]);
    expect((await value<{ builds: BuildResult[] }>('build.history', {})).builds[0]).toEqual(built);
  });

  it('classifies every handwritten digit PNG as its label, with PyTorch softmax to 1e-5', async () => {
    const images = DIGITS.cases.map((c) => ({ path: join(FIXTURES, 'digits', c.file), preprocessing: MNIST }));
    const result = succeeded<RunResult>(await job('run.start', { engineIds: [engineId], images, topK: 3 }));
    expect(result.images).toHaveLength(20);
    DIGITS.cases.forEach((c, i) => {
      const image = result.images[i]!;
      expect(image.top[0]!.index, c.file).toBe(c.label);
      expect(image.top).toHaveLength(3);
      expect(Math.abs(image.top[0]!.probability - c.softmax[c.label]!)).toBeLessThan(1e-5);
      const prob = image.outputs[0]!;
      expect([prob.name, prob.dims, prob.truncated]).toEqual(['prob', [1, 10], false]);
      expect(Math.max(...c.softmax.map((v, k) => Math.abs(v - prob.values[k]!)))).toBeLessThan(1e-5);
    });
  });

  it('runs a .npy input and saves the outputs as .npy', async () => {
    const c = DIGITS.cases[1]!;
    const image = await loadImage(join(FIXTURES, 'digits', c.file));
    if (!image.ok) throw new Error(image.diagnostics[0]!.message);
    const npyIn = join(dir, 'sample.npy');
    // Without the batch dimension: the run adds it.
    await writeFile(npyIn, writeNpy([1, 32, 32], await imageToTensor(image.value, MNIST)));
    const result = succeeded<RunResult>(await job('run.start', { engineIds: [engineId], images: [{ path: npyIn, preprocessing: MNIST }], outputNpyDir: dir }));
    const out = result.images[0]!.outputs[0]!;
    expect(result.images[0]!.top[0]!.index).toBe(c.label);
    expect(out.npyPath).toBe(join(dir, 'sample.prob.npy'));
    const saved = readNpy(await readFile(out.npyPath!), 'sample.prob.npy');
    if (!saved.ok) throw new Error(saved.diagnostics[0]!.message);
    expect(saved.value.shape).toEqual([1, 10]);
    expect(Array.from(saved.value.data)).toEqual(out.values.map((v) => Math.fround(v)));
  });

  it('names ImageNet classes for a 1,000-class output', async () => {
    const b = templateBuilder('classes');
    b.output('prob', b.chain('addSoftMax', 'softmax', { axes: [1] }, b.input('data', [1, 1000])));
    const built = succeeded<BuildResult>(await job('build.start', { document: b.finish(), weightSetId: null, options: { backend: 'onnxruntime' } }));
    const logits = new Float32Array(1000);
    logits[281] = 5;
    logits[282] = 4;
    await writeFile(join(dir, 'logits.npy'), writeNpy([1000], logits));
    const result = succeeded<RunResult>(
      await job('run.start', { engineIds: [built.engineId], images: [{ path: join(dir, 'logits.npy'), preprocessing: MNIST }], topK: 2 }),
    );
    expect(result.images[0]!.top.map((t) => t.label)).toEqual(['tabby, tabby cat', 'tiger cat']);
  });

  it('says which image a failed run was given', async () => {
    const path = join(FIXTURES, 'digits', DIGITS.cases[0]!.file);
    const finished = await job('run.start', { engineIds: [engineId], images: [{ path, preprocessing: { ...MNIST, width: 28, height: 28 } }] });
    expect(finished.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'run.input.shape',
        message: "The data for input 'data' has dims [1, 1, 28, 28], but the network expects [1, 1, 32, 32].",
        nodeId: doc.inputs[0]!.id,
        detail: `${path} (engine ${engineId})`,
      },
    ]);
  });

  it('compares two engines built from the same network', async () => {
    const second = succeeded<BuildResult>(await job('build.start', { document: doc, weightSetId: setId, options: { backend: 'onnxruntime' } }));
    const images = DIGITS.cases.slice(0, 3).map((c) => ({ path: join(FIXTURES, 'digits', c.file), preprocessing: MNIST }));
    const result = succeeded<RunResult>(await job('run.start', { engineIds: [engineId, second.engineId], images }));
    expect(result.others?.map((o) => [o.engineId, o.images.length])).toEqual([[second.engineId, 3]]);
    expect(result.comparisons).toEqual([
      { a: engineId, b: second.engineId, maxAbsDifference: 0, cosineSimilarity: expect.closeTo(1, 12) as unknown as number, topKAgreement: 1 },
    ]);
  });

  it('saves the outputs of a finished run as .npy without running again, one file per engine, image and output', async () => {
    const second = succeeded<BuildResult>(await job('build.start', { document: doc, weightSetId: setId, options: { backend: 'onnxruntime' } }));
    const images = DIGITS.cases.slice(0, 2).map((c) => ({ path: join(FIXTURES, 'digits', c.file), preprocessing: MNIST }));
    const { jobId } = await value<{ jobId: string }>('run.start', { engineIds: [engineId, second.engineId], images });
    const result = succeeded<RunResult>(await host.context.jobs.finished(jobId)!);
    const outDir = await mkdtemp(join(dir, 'outputs-'));
    const events: string[] = [];
    const stop = host.context.events.subscribe((event) => events.push(event));
    const { files } = await value<{ files: { engineId: string; image: string; output: string; npyPath: string }[] }>('run.saveOutputs', { jobId, dir: outDir });
    stop();
    // Nothing ran: no job started, progressed or finished.
    expect(events.filter((e) => e.startsWith('job.'))).toEqual([]);
    const stems = DIGITS.cases.slice(0, 2).map((c) => c.file.replace(/\.png$/, ''));
    expect(files.map((f) => f.npyPath)).toEqual([
      join(outDir, `${stems[0]}.${engineId}.prob.npy`),
      join(outDir, `${stems[0]}.${second.engineId}.prob.npy`),
      join(outDir, `${stems[1]}.${engineId}.prob.npy`),
      join(outDir, `${stems[1]}.${second.engineId}.prob.npy`),
    ]);
    for (const f of files) {
      const run = f.engineId === engineId ? result.images : result.others![0]!.images;
      const shown = run.find((i) => i.path === f.image)!.outputs[0]!;
      const saved = readNpy(await readFile(f.npyPath), f.npyPath);
      if (!saved.ok) throw new Error(saved.diagnostics[0]!.message);
      expect(saved.value.shape).toEqual([1, 10]);
      expect(Array.from(saved.value.data)).toEqual(shown.values.map((v) => Math.fround(v)));
    }
  });

  it('says when the outputs of a run are no longer kept', async () => {
    const r = await host.dispatch('run.saveOutputs', { jobId: 'job-404', dir }, call);
    expect(r).toEqual({
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'run.outputs.gone',
          message:
            'The outputs of run job-404 are no longer in the host (it keeps those of the last 16 runs, up to 512 MiB, until it stops); run the images again to save their outputs.',
        },
      ],
    });
  });

  it('profiles with latency statistics and per-layer times mapped to canvas nodes', async () => {
    const result = succeeded<ProfileResult>(await job('profile.start', { engineId, iterations: 20, warmupIterations: 2 }));
    expect(result.iterations).toBe(20);
    const l = result.latencyMs;
    expect(0 < l.min && l.min <= l.median && l.median <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max).toBe(true);
    expect(result.throughputPerSecond).toBeCloseTo(1000 / l.mean, 6);
    // ONNX Runtime ran conv1 and relu1 in one kernel: the row names both, and both canvas nodes.
    const conv1 = result.layers.find((x) => x.name === 'conv1 + relu1')!;
    const nodeOf = (name: string) => doc.nodes.find((n) => n.name === name)!.id;
    expect([conv1.nodeId, conv1.nodeIds, conv1.fusedFrom]).toEqual([nodeOf('conv1'), [nodeOf('conv1'), nodeOf('relu1')], ['conv1', 'relu1']]);
    expect(conv1.ms).toBeGreaterThan(0);
    expect(result.layers.reduce((sum, x) => sum + x.percent, 0)).toBeCloseTo(100, 6);
    // Every layer of the program maps to its canvas node; what does not is ONNX Runtime's own layout conversion.
    for (const layer of result.layers) {
      if (layer.nodeId === undefined)
        expect([layer.name, layer.internal]).toEqual([expect.stringMatching(/^Reorder/), expect.stringContaining('NCHWc layout')]);
      else
        expect(
          doc.nodes.some((n) => n.id === layer.nodeId),
          layer.name,
        ).toBe(true);
    }
    for (const name of ['conv1', 'conv2', 'fc1', 'fc2', 'fc3'])
      expect(
        result.layers.some((x) => x.nodeId === doc.nodes.find((n) => n.name === name)!.id),
        name,
      ).toBe(true);
  });

  it('exports an .onnx that ONNX Runtime loads and that computes the same output', async () => {
    const path = join(dir, 'lenet.onnx');
    const exported = succeeded<ExportResult>(await job('export.start', { format: 'onnx', path, document: doc, weightSetId: setId, engineId: null }));
    expect(exported).toEqual({ format: 'onnx', path, bytes: (await readFile(path)).length });
    const session = await ort.InferenceSession.create(path);
    const c = DIGITS.cases[0]!;
    const image = await loadImage(join(FIXTURES, 'digits', c.file));
    if (!image.ok) throw new Error(image.diagnostics[0]!.message);
    const out = await session.run({ data: new ort.Tensor('float32', await imageToTensor(image.value, MNIST), [1, 1, 32, 32]) });
    const prob = out.prob!.data as Float32Array;
    expect(Math.max(...c.softmax.map((v, k) => Math.abs(v - prob[k]!)))).toBeLessThan(1e-5);
    await session.release();
  });

  it('exports the bound weights as a .wts byte-identical to the file imported', async () => {
    const path = join(dir, 'again.wts');
    const exported = succeeded<ExportResult>(await job('export.start', { format: 'wts', path, document: doc, weightSetId: setId, engineId: null }));
    expect(exported.bytes).toBe((await readFile(join(FIXTURES, 'lenet5_digits.wts'))).length);
    expect((await readFile(path)).equals(await readFile(join(FIXTURES, 'lenet5_digits.wts')))).toBe(true);
  });

  it('explains why an ONNX Runtime build has no .engine to export', async () => {
    const engine = await job('export.start', { format: 'engine', path: join(dir, 'x.engine'), document: null, weightSetId: null, engineId });
    expect(engine.status).toBe('failed');
    expect(engine.diagnostics[0]!.message).toBe(
      `The engine "${engineId}" was built with ONNX Runtime, the reference runtime, which makes no TensorRT engine; export .onnx instead, or build with the tensorrt backend.`,
    );
  });

  it('exports the generated Python script, and the C++ program with a CMakeLists.txt beside it', async () => {
    const py = join(dir, 'build_lenet.py');
    const python = succeeded<ExportResult>(await job('export.start', { format: 'python', path: py, document: doc, weightSetId: setId, engineId: null }));
    const script = await readFile(py, 'utf8');
    expect(python).toEqual({ format: 'python', path: py, bytes: Buffer.byteLength(script) });
    expect(script.startsWith('#!/usr/bin/env python3\n')).toBe(true);
    expect(script).toContain('tensor(wts, "conv1.weight", 150)');
    const cppDir = await mkdtemp(join(dir, 'cpp-'));
    const cpp = succeeded<ExportResult>(
      await job('export.start', { format: 'cpp', path: join(cppDir, 'lenet.cpp'), document: null, weightSetId: null, engineId }),
    );
    expect(cpp.bytes).toBe((await readFile(join(cppDir, 'lenet.cpp'))).length);
    expect(await readFile(join(cppDir, 'CMakeLists.txt'), 'utf8')).toContain('add_executable(lenet5 lenet.cpp)');
    // The script reads the weight file the network was bound to by default.
    expect(script).toContain('lenet5_digits.wts');
    // A CMakeLists.txt TRT Studio generated is replaced; one the user wrote is kept.
    const again = { format: 'cpp', path: join(cppDir, 'lenet.cpp'), document: null, weightSetId: null, engineId };
    await writeFile(join(cppDir, 'CMakeLists.txt'), '# Generated by TRT Studio for an older network.\n');
    succeeded<ExportResult>(await job('export.start', again));
    expect(await readFile(join(cppDir, 'CMakeLists.txt'), 'utf8')).toContain('add_executable(lenet5 lenet.cpp)');
    await writeFile(join(cppDir, 'CMakeLists.txt'), 'project(mine)\n');
    succeeded<ExportResult>(await job('export.start', again));
    expect(await readFile(join(cppDir, 'CMakeLists.txt'), 'utf8')).toBe('project(mine)\n');
  });

  it('cancels a long run', async () => {
    const images = Array.from({ length: 5000 }, () => ({ path: join(FIXTURES, 'digits', DIGITS.cases[0]!.file), preprocessing: MNIST }));
    const { jobId } = await value<{ jobId: string }>('run.start', { engineIds: [engineId], images });
    const finished = host.context.jobs.finished(jobId)!;
    await new Promise<void>((resolve) => {
      const off = host.context.events.subscribe((event, payload) => {
        const p = payload as { jobId: string; progress?: { step?: { index: number } } };
        if (event === 'job.progress' && p.jobId === jobId && (p.progress?.step?.index ?? 0) > 0) {
          off();
          resolve();
        }
      });
    });
    expect(await host.dispatch('jobs.cancel', { jobId }, call)).toEqual({ ok: true, value: { status: 'running' } });
    const done = await finished;
    expect([done.status, done.diagnostics[0]!.message]).toEqual(['cancelled', 'The run was cancelled.']);
  });
});

describe('cancel', () => {
  it('stops a long profile', async () => {
    const { jobId } = await value<{ jobId: string }>('profile.start', { engineId, iterations: 1_000_000, warmupIterations: 0 });
    const finished = host.context.jobs.finished(jobId)!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await host.dispatch('jobs.cancel', { jobId }, call)).toEqual({ ok: true, value: { status: 'running' } });
    const done = await finished;
    expect([done.status, done.diagnostics[0]!.code]).toEqual(['cancelled', 'job.cancelled']);
    // The engine still runs afterwards.
    const images = [{ path: join(FIXTURES, 'digits', DIGITS.cases[2]!.file), preprocessing: MNIST }];
    const result = succeeded<RunResult>(await job('run.start', { engineIds: [engineId], images }));
    expect(result.images[0]!.top[0]!.index).toBe(DIGITS.cases[2]!.label);
  });
});

describe('failures are Diagnostics', () => {
  it('a TensorRT build on this machine fails with the reason', async () => {
    const finished = await job('build.start', { document: doc, weightSetId: setId, options: { backend: 'tensorrt' } });
    expect(finished.status).toBe('failed');
    expect(finished.diagnostics[0]!.code).toBe('tensorrt.unavailable');
    expect(finished.diagnostics[0]!.message).toMatch(/^TensorRT is not available: /);
  });

  it('a build without weights names the missing weights; an unknown engine is refused at once', async () => {
    const finished = await job('build.start', { document: doc, weightSetId: null, options: { backend: 'onnxruntime' } });
    expect(finished.status).toBe('failed');
    expect(finished.diagnostics.length).toBeGreaterThan(0);
    const conv1 = doc.nodes.find((n) => n.name === 'conv1')!;
    expect(finished.diagnostics.some((d) => d.nodeId === conv1.id)).toBe(true);
    expect(await host.dispatch('profile.start', { engineId: 'engine-99' }, call)).toEqual({
      ok: false,
      diagnostics: [{ severity: 'error', code: 'engine.unknown', message: 'There is no engine "engine-99"; build the network first.' }],
    });
  });

  it('a run of a missing image names the file', async () => {
    const missing = join(dir, 'nope.png');
    const finished = await job('run.start', { engineIds: [engineId], images: [{ path: missing, preprocessing: MNIST }] });
    expect(finished.status).toBe('failed');
    expect(finished.diagnostics[0]!.message).toBe(`Cannot open ${JSON.stringify(missing)}: it does not exist.`);
  });
});

describe('images.preview', () => {
  it('shows the digit as the network sees it', async () => {
    const path = join(FIXTURES, 'digits', DIGITS.cases[0]!.file);
    const preview = await value<ImagePreview>('images.preview', { path, preprocessing: MNIST });
    expect([preview.path, preview.width, preview.height]).toEqual([path, 32, 32]);
    const png = Buffer.from(preview.previewDataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
    expect((await sharp(png).metadata()).channels).toBe(1);
    const shown = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect([shown.info.width, shown.info.height, shown.info.channels]).toEqual([32, 32, 1]);
    const original = await loadImage(path);
    if (!original.ok) throw new Error(original.diagnostics[0]!.message);
    expect(Buffer.from(shown.data).equals(Buffer.from(original.value.data))).toBe(true);
    const small = await value<ImagePreview>('images.preview', {
      path,
      preprocessing: { ...MNIST, width: 16, height: 16, channels: 3, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    });
    const info = await sharp(Buffer.from(small.previewDataUrl.split(',')[1]!, 'base64')).metadata();
    expect([info.width, info.height, info.channels]).toEqual([16, 16, 3]);
  });
});

/** TensorRT as the engine host would answer with it installed: what the services send, and replies like the addon's. */
function tensorRTStandIn(received: { type: string; request?: unknown }[]): () => EngineHostTransport {
  return () => {
    let listener: (message: unknown) => void = () => undefined;
    const reply = (message: unknown): void => void Promise.resolve().then(() => listener(message));
    const prob = Float32Array.from([0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.9, 0.02, 0.01]);
    return {
      pid: 4242,
      onMessage: (l) => (listener = l),
      onExit: () => undefined,
      kill: () => undefined,
      send: (message) => {
        const m = message as { type: string; id: number; request?: { iterations?: number } };
        received.push({ type: m.type, request: m.request });
        if (m.type === 'capabilities')
          reply({
            type: 'result',
            id: m.id,
            value: {
              available: true,
              supportedOps: [],
              native: { runtimeVersion: '10.13.0', gpus: [{ name: 'NVIDIA H200', computeCapability: '9.0', totalMemoryBytes: 1 }] },
            },
          });
        if (m.type === 'build') {
          reply({ type: 'event', id: m.id, event: { kind: 'phaseStart', phase: 'Building engine', nbSteps: 2 } });
          reply({ type: 'event', id: m.id, event: { kind: 'step', phase: 'Building engine', step: 0 } });
          reply({ type: 'event', id: m.id, event: { kind: 'step', phase: 'Building engine', step: 1 } });
          reply({ type: 'event', id: m.id, event: { kind: 'phaseFinish', phase: 'Building engine' } });
          reply({ type: 'result', id: m.id, value: { engine: new Uint8Array([1, 2, 3, 4]), timingCache: new Uint8Array([7, 7]), diagnostics: [] } });
        }
        if (m.type === 'run') {
          const iterations = m.request?.iterations ?? 1;
          reply({
            type: 'result',
            id: m.id,
            value: {
              outputs: [{ name: 'prob', dtype: 'FLOAT', dims: [1, 10], data: prob }],
              latenciesMs: Array.from({ length: iterations }, (_, i) => 1 + i / iterations),
              layerTimes: [
                { name: 'conv1 + relu1', totalMs: 3 * iterations, count: iterations },
                { name: 'fc1', totalMs: iterations, count: iterations },
              ],
              diagnostics: [],
            },
          });
        }
        if (m.type === 'inspect') reply({ type: 'result', id: m.id, value: { engine: '{"Layers":["conv1 + relu1","fc1"]}', layers: [], diagnostics: [] } });
      },
    };
  };
}

describe('with TensorRT (an engine host stand-in)', () => {
  it('builds with the panel settings and progress, runs, compares with ONNX Runtime, profiles with the inspector, exports the .engine', async () => {
    const received: { type: string; request?: unknown }[] = [];
    const module = createBackendsModule({
      tensorrt: () => new TensorRTBackend({ host: new EngineHostClient(tensorRTStandIn(received)) }),
    });
    const trtHost = await createHostServices({
      hostKind: 'web',
      configDir: join(dir, 'config-trt'),
      log: memoryLog(),
      roots: [dir, FIXTURES],
      modules: SERVICE_MODULES.map((m) => (m.name === 'backends' ? module : m)),
    });
    const progress: { phase: string; step?: { index: number; total: number } }[] = [];
    trtHost.context.events.subscribe((event, payload) => {
      if (event === 'job.progress') progress.push((payload as { progress: { phase: string; step?: { index: number; total: number } } }).progress);
    });
    const start = async (method: string, params: unknown): Promise<JobFinished> => {
      const r = await trtHost.dispatch(method, params, call);
      if (!r.ok) throw new Error(r.diagnostics[0]!.message);
      return trtHost.context.jobs.finished((r.value as { jobId: string }).jobId)!;
    };
    try {
      const caps = (await trtHost.dispatch('host.capabilities', {}, call)) as Result<Capabilities>;
      expect(caps.ok && caps.value.backends.find((b) => b.id === 'tensorrt')).toEqual({
        id: 'tensorrt',
        available: true,
        version: '10.13.0',
        device: 'NVIDIA H200',
        features: { build: true, run: true, profile: true, export: true },
      });
      const set = succeeded<WeightSet>(await start('weights.import', { path: join(FIXTURES, 'lenet5_digits.wts') }));
      const cache = join(dir, 'timing.cache');
      const options = { backend: 'tensorrt', precision: 'fp16', workspaceMiB: 256, optimizationLevel: 4, timingCachePath: cache };
      const built = succeeded<BuildResult>(await start('build.start', { document: doc, weightSetId: set.id, options }));
      expect(built).toMatchObject({ backend: 'tensorrt', sizeBytes: 4, note: 'Built a TensorRT engine of 4 bytes.' });
      const sent = received.find((r) => r.type === 'build')!.request as { options: unknown; program: { ops: unknown[] } };
      expect(sent.options).toEqual({ precision: 'FP16', tf32: false, workspaceBytes: 256 * 1024 * 1024, optimizationLevel: 4 });
      expect(sent.program.ops.length).toBeGreaterThan(5);
      expect(progress).toContainEqual({ phase: 'Building engine', step: { index: 2, total: 2 }, fraction: 1 });
      expect([...(await readFile(cache))]).toEqual([7, 7]);

      const onnx = succeeded<BuildResult>(await start('build.start', { document: doc, weightSetId: set.id, options: { backend: 'onnxruntime' } }));
      const images = [{ path: join(FIXTURES, 'digits', DIGITS.cases[0]!.file), preprocessing: MNIST }];
      const run = succeeded<RunResult>(await start('run.start', { engineIds: [built.engineId, onnx.engineId], images }));
      expect(run.backend).toBe('tensorrt');
      expect(run.images[0]!.top[0]).toEqual({ index: 7, probability: expect.closeTo(0.9, 6) as unknown as number });
      expect(run.others?.[0]?.images[0]?.top[0]?.index).toBe(DIGITS.cases[0]!.label);
      expect(run.comparisons[0]).toMatchObject({ a: built.engineId, b: onnx.engineId, topKAgreement: 0 });
      expect(run.comparisons[0]!.maxAbsDifference).toBeGreaterThan(0.5);

      const profile = succeeded<ProfileResult>(await start('profile.start', { engineId: built.engineId, iterations: 10, warmupIterations: 1 }));
      const conv1 = doc.nodes.find((n) => n.name === 'conv1')!;
      const relu1 = doc.nodes.find((n) => n.name === 'relu1')!;
      expect(profile.layers[0]).toEqual({
        name: 'conv1 + relu1',
        nodeId: conv1.id,
        ms: 3,
        percent: 75,
        fusedFrom: ['conv1', 'relu1'],
        nodeIds: [conv1.id, relu1.id],
      });
      expect(profile.engineInspector).toBe('{"Layers":["conv1 + relu1","fc1"]}');
      expect(profile.latencyMs.min).toBe(1);

      const path = join(dir, 'lenet.engine');
      const exported = succeeded<ExportResult>(
        await start('export.start', { format: 'engine', path, document: null, weightSetId: null, engineId: built.engineId }),
      );
      expect(exported).toEqual({ format: 'engine', path, bytes: 4 });
      expect([...(await readFile(path))]).toEqual([1, 2, 3, 4]);
    } finally {
      await trtHost.shutdown();
    }
  });
});
