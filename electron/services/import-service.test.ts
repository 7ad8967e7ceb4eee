/**
 * `model.import` through the host's one entrance (`dispatch`), with real ONNX files written by the
 * test: the job's result is the network with its slots bound to a weight set the weight store now
 * holds (values equal to the initializers), an unsupported model fails with the importer's whole
 * message and loads nothing, and a missing file is refused before any job starts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobFinished, ModelImportResult } from '../../core/api/job-schemas.js';
import type { EventName } from '../../core/api/names.js';
import type { TensorStats, WeightSet } from '../../core/api/weight-schemas.js';
import type { Result } from '../../core/diagnostics.js';
import { buildModel, floatTensor } from '../../core/onnx/import/onnx-builder.testing.js';
import { formulaTensor } from '../../core/weights/formula.js';
import { decodeWts } from '../../core/weights/wts-decoder.js';
import { createHostServices, type HostServices } from './host-services.js';
import { memoryLog } from './log.js';

const call = { transport: 'web', clientId: 'test' } as const;
const w = (name: string, dims: number[]) => floatTensor(name, dims, formulaTensor(name, dims));

let dir: string;
let host: HostServices;
let events: { event: EventName; payload: unknown }[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-import-service-'));
  host = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config'), log: memoryLog(), roots: [dir] });
  events = [];
  host.context.events.subscribe((event, payload) => events.push({ event, payload }));
});
afterEach(async () => {
  await host.shutdown();
  await rm(dir, { recursive: true, force: true });
});

async function dispatch<T>(method: string, params: unknown): Promise<Result<T>> {
  return (await host.dispatch(method, params, call)) as Result<T>;
}

async function importModel(path: string): Promise<JobFinished> {
  const started = await dispatch<{ jobId: string }>('model.import', { path });
  if (!started.ok) throw new Error(started.diagnostics.map((d) => d.message).join('\n'));
  return host.context.jobs.finished(started.value.jobId)!;
}

/** A small classifier as PyTorch exports it: a dynamic batch, Conv + Relu, GlobalAveragePool, Flatten, Gemm. */
const classifier = () =>
  buildModel({
    opset: 17,
    inputs: [{ name: 'image', dims: ['batch', 3, 8, 8] }],
    outputs: [{ name: 'logits' }],
    initializers: [w('features.0.weight', [4, 3, 3, 3]), w('features.0.bias', [4]), w('fc.weight', [5, 4]), w('fc.bias', [5])],
    nodes: [
      {
        op: 'Conv',
        name: '/features/features.0/Conv',
        inputs: ['image', 'features.0.weight', 'features.0.bias'],
        outputs: ['c'],
        attributes: { pads: [1, 1, 1, 1] },
      },
      { op: 'Relu', name: '/features/features.1/Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'GlobalAveragePool', name: '/pool/GlobalAveragePool', inputs: ['r'], outputs: ['p'] },
      { op: 'Flatten', name: '/Flatten', inputs: ['p'], outputs: ['f'] },
      { op: 'Gemm', name: '/fc/Gemm', inputs: ['f', 'fc.weight', 'fc.bias'], outputs: ['logits'], attributes: { transB: 1 } },
    ],
  });

describe('model.import', () => {
  it('imports an .onnx file as a job: the network, bound to a weight set the store holds with the initializers’ values', async () => {
    const path = join(dir, 'tiny-classifier.onnx');
    await writeFile(path, classifier());
    const finished = await importModel(path);
    expect(finished.diagnostics).toEqual([]);
    expect(finished.status).toBe('succeeded');
    const { document, weightSet, opset } = finished.result as ModelImportResult;
    expect(opset).toBe(17);
    expect(document.name).toBe('tiny-classifier');
    expect(document.inputs.map((i) => [i.name, i.dims, i.dimNames])).toEqual([['image', [-1, 3, 8, 8], ['batch', '', '', '']]]);
    expect(document.nodes.map((n) => [n.name, n.type])).toEqual([
      ['/features/features.0/Conv', 'addConvolutionNd'],
      ['/features/features.1/Relu', 'addActivation'],
      ['/pool/GlobalAveragePool', 'addReduce'],
      ['/Flatten', 'addShuffle'],
      ['/fc/Gemm', 'Linear'],
    ]);
    const byName = (name: string) => document.nodes.find((n) => n.name === name)!.id;
    expect(document.bindings).toEqual({
      [byName('/features/features.0/Conv')]: { kernel: 'features.0.weight', bias: 'features.0.bias' },
      [byName('/fc/Gemm')]: { weight: 'fc.weight', bias: 'fc.bias' },
    });
    expect({ ...weightSet, id: 'x', loadedAt: 'x' }).toEqual({
      id: 'x',
      fileName: 'tiny-classifier.onnx',
      path: '',
      tensorCount: 4,
      elementCount: 108 + 4 + 20 + 5,
      fileBytes: 4 * (108 + 4 + 20 + 5),
      loadedAt: 'x',
    });
    // The set is the store's like any imported file: listed, announced, its tensors and values served.
    const listed = await dispatch<{ sets: WeightSet[] }>('weights.list', {});
    expect(listed.ok && listed.value.sets).toEqual([weightSet]);
    expect(events.filter((e) => e.event === 'weights.changed').map((e) => e.payload)).toEqual([{ sets: [weightSet] }]);
    const tensors = await dispatch<{ tensors: { name: string; count: number }[] }>('weights.tensors', { setId: weightSet.id });
    expect(tensors.ok && tensors.value.tensors).toEqual([
      { name: 'features.0.weight', count: 108 },
      { name: 'features.0.bias', count: 4 },
      { name: 'fc.weight', count: 20 },
      { name: 'fc.bias', count: 5 },
    ]);
    const fcBias = formulaTensor('fc.bias', [5]);
    const stats = await dispatch<{ stats: TensorStats[] }>('weights.stats', { setId: weightSet.id, names: ['fc.bias'], bins: 32 });
    expect(stats.ok && [stats.value.stats[0]!.min, stats.value.stats[0]!.max]).toEqual([Math.min(...fcBias), Math.max(...fcBias)]);
    // Lowering reads the bound values from the store: the Gemm's bias is the initializer, value for value.
    expect(Array.from(host.context.provided.weightLookup!(weightSet.id)!('fc.bias')!)).toEqual(Array.from(fcBias));
  });

  it('weights.save writes the imported set as a .wts that imports back with the same tensors', async () => {
    const path = join(dir, 'tiny-classifier.onnx');
    await writeFile(path, classifier());
    const { weightSet } = (await importModel(path)).result as ModelImportResult;
    const saved = await dispatch<{ path: string }>('weights.save', { setId: weightSet.id, path: join(dir, 'tiny-classifier.wts') });
    expect(saved.ok && saved.value).toEqual({ path: join(dir, 'tiny-classifier.wts') });
    const decoded = decodeWts(await readFile(join(dir, 'tiny-classifier.wts')), { fileName: 'tiny-classifier.wts' });
    if (!decoded.ok) throw new Error(decoded.diagnostic.message);
    expect(decoded.tensors.map((t) => t.name)).toEqual(['features.0.weight', 'features.0.bias', 'fc.weight', 'fc.bias']);
    expect(Array.from(decoded.tensors[3]!.values)).toEqual(Array.from(formulaTensor('fc.bias', [5])));
    const unknown = await dispatch('weights.save', { setId: 'w99', path: join(dir, 'x.wts') });
    expect(!unknown.ok && unknown.diagnostics.map((d) => d.message)).toEqual(['There is no loaded weight file with id "w99"; import the .wts file first.']);
  });

  it('an unsupported model fails with every unsupported op listed, and nothing is loaded', async () => {
    const path = join(dir, 'branchy.onnx');
    await writeFile(
      path,
      buildModel({
        opset: 17,
        inputs: [{ name: 'x', dims: [1, 4] }],
        outputs: [{ name: 'z' }],
        nodes: [
          { op: 'NonZero', name: 'nz', inputs: ['x'], outputs: ['a'] },
          { op: 'If', name: 'branch', inputs: ['a'], outputs: ['z'] },
        ],
      }),
    );
    const finished = await importModel(path);
    expect(finished.status).toBe('failed');
    expect(finished.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'onnx.import.unsupported',
        message:
          "The model (opset 17) uses 2 ops that cannot be imported, in 2 nodes: NonZero ×1 ('nz'); If ×1 ('branch', control flow with subgraphs, which is not supported).",
      },
    ]);
    const listed = await dispatch<{ sets: WeightSet[] }>('weights.list', {});
    expect(listed.ok && listed.value.sets).toEqual([]);
    expect(events.some((e) => e.event === 'weights.changed')).toBe(false);
  });

  it('an import cancelled at once ends cancelled and loads nothing', async () => {
    const path = join(dir, 'tiny-classifier.onnx');
    await writeFile(path, classifier());
    const started = await dispatch<{ jobId: string }>('model.import', { path });
    if (!started.ok) throw new Error(started.diagnostics[0]!.message);
    expect((await dispatch('jobs.cancel', { jobId: started.value.jobId })).ok).toBe(true);
    const finished = await host.context.jobs.finished(started.value.jobId)!;
    expect([finished.status, finished.result]).toEqual(['cancelled', undefined]);
    const listed = await dispatch<{ sets: WeightSet[] }>('weights.list', {});
    expect(listed.ok && listed.value.sets).toEqual([]);
  });

  it('a file that is not there is refused before a job starts', async () => {
    const path = join(dir, 'missing.onnx');
    const started = await dispatch('model.import', { path });
    expect(started.ok).toBe(false);
    expect(!started.ok && started.diagnostics.map((d) => d.message)).toEqual([`Cannot open ${JSON.stringify(path)}: it does not exist.`]);
    const jobs = await dispatch<{ jobs: unknown[] }>('jobs.list', {});
    expect(jobs.ok && jobs.value.jobs).toEqual([]);
  });
});
