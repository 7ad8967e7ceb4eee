/**
 * The weights methods through the host's one entrance (`dispatch`), with real files: the fixture
 * lenet5.wts decoded in the worker as a job, statistics, binding onto the LeNet-5 template, a
 * corrupt file, and a cancelled import.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobFinished } from '../../core/api/job-schemas.js';
import type { EventName } from '../../core/api/names.js';
import type { BindResult, TensorStats, WeightSet } from '../../core/api/weight-schemas.js';
import type { Result } from '../../core/diagnostics.js';
import { buildTemplate } from '../../core/templates/index.js';
import { tensorStatistics } from '../../core/weights/statistics.js';
import { decodeWts } from '../../core/weights/wts-decoder.js';
import { encodeWtsBytes } from '../../core/weights/wts-encoder.js';
import { createHostServices, type HostServices } from './host-services.js';
import { memoryLog } from './log.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const LENET = join(FIXTURES, 'lenet5.wts');
const call = { transport: 'web', clientId: 'test' } as const;

let dir: string;
let host: HostServices;
let events: { event: EventName; payload: unknown }[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-weights-service-'));
  host = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config'), log: memoryLog(), roots: [dir, FIXTURES] });
  events = [];
  host.context.events.subscribe((event, payload) => events.push({ event, payload }));
});
afterEach(async () => {
  await host.shutdown();
  await rm(dir, { recursive: true, force: true });
});

async function value<T>(method: string, params: unknown): Promise<T> {
  const r = (await host.dispatch(method, params, call)) as Result<T>;
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value;
}

async function importFile(path: string, onStarted?: (jobId: string) => void): Promise<JobFinished> {
  const { jobId } = await value<{ jobId: string }>('weights.import', { path });
  onStarted?.(jobId);
  return host.context.jobs.finished(jobId)!;
}

describe('weights.import', () => {
  it('decodes lenet5.wts as a job with byte progress, and the set is listed, described and unloaded', async () => {
    const finished = await importFile(LENET);
    expect(finished.status).toBe('succeeded');
    const set = finished.result as WeightSet;
    expect({ ...set, id: 'x', loadedAt: 'x' }).toEqual({
      id: 'x',
      fileName: 'lenet5.wts',
      path: LENET,
      tensorCount: 10,
      elementCount: 61706,
      fileBytes: 555505,
      loadedAt: 'x',
    });

    const progress = events
      .filter((e) => e.event === 'job.progress')
      .map((e) => (e.payload as { progress: { bytes?: { done: number; total: number } } }).progress);
    expect(progress[0]?.bytes).toEqual({ done: 0, total: 555505 });
    expect(progress.at(-1)?.bytes).toEqual({ done: 555505, total: 555505 });
    const changed = events.filter((e) => e.event === 'weights.changed');
    expect(changed).toHaveLength(1);
    expect((changed[0]!.payload as { sets: WeightSet[] }).sets.map((s) => s.id)).toEqual([set.id]);

    expect((await value<{ sets: WeightSet[] }>('weights.list', {})).sets).toEqual([set]);
    const { tensors } = await value<{ tensors: { name: string; count: number }[] }>('weights.tensors', { setId: set.id });
    expect(tensors.slice(0, 3)).toEqual([
      { name: 'conv1.weight', count: 150 },
      { name: 'conv1.bias', count: 6 },
      { name: 'conv2.weight', count: 2400 },
    ]);
    expect(tensors.reduce((n, t) => n + t.count, 0)).toBe(61706);

    // Statistics match a direct computation over the decoded values.
    const decoded = decodeWts(await readFile(LENET), { fileName: 'lenet5.wts' });
    if (!decoded.ok) throw new Error(decoded.diagnostic.message);
    const conv1 = decoded.tensors.find((t) => t.name === 'conv1.weight')!.values;
    const expected = tensorStatistics(conv1);
    const [stats32] = (await value<{ stats: TensorStats[] }>('weights.stats', { setId: set.id, names: ['conv1.weight'] })).stats;
    expect(stats32).toEqual({
      name: 'conv1.weight',
      count: 150,
      min: expected.min,
      max: expected.max,
      mean: expected.mean,
      std: expected.std,
      zeros: 0,
      nonFinite: 0,
      histogram: expected.histogram,
    });
    const [stats8] = (await value<{ stats: TensorStats[] }>('weights.stats', { setId: set.id, names: ['conv1.weight'], bins: 8 })).stats;
    expect(stats8!.histogram).toHaveLength(8);
    expect(stats8!.histogram.reduce((a, b) => a + b, 0)).toBe(150);
    const unknown = await host.dispatch('weights.stats', { setId: set.id, names: ['conv9.weight'] }, call);
    expect(unknown).toEqual({
      ok: false,
      diagnostics: [{ severity: 'error', code: 'weights.unknownTensor', message: "'lenet5.wts' has no tensor 'conv9.weight'." }],
    });

    expect(await host.dispatch('weights.unload', { setId: set.id }, call)).toEqual({ ok: true, value: {} });
    expect((await value<{ sets: WeightSet[] }>('weights.list', {})).sets).toEqual([]);
    expect(events.filter((e) => e.event === 'weights.changed').at(-1)?.payload).toEqual({ sets: [] });
    expect(host.context.provided.weightLookup?.(set.id)).toBeUndefined();
    expect(await host.dispatch('weights.tensors', { setId: set.id }, call)).toEqual({
      ok: false,
      diagnostics: [
        { severity: 'error', code: 'weights.unknownSet', message: `There is no loaded weight file with id "${set.id}"; import the .wts file first.` },
      ],
    });
  });

  it('a corrupt .wts fails with the Diagnostic naming file and line, and loads nothing', async () => {
    const bad = join(dir, 'bad.wts');
    await writeFile(bad, '2\nconv1.bias 2 3f800000 4000000g\nfc.bias 1 3f800000\n');
    const finished = await importFile(bad);
    expect(finished.status).toBe('failed');
    expect(finished.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'wts.token.invalid',
        message: "'bad.wts' line 2: value 2 of tensor 'conv1.bias' is '4000000g', not a hexadecimal float32 (exactly 8 hex digits, e.g. 3f800000).",
        field: 'line 2',
        detail: 'bad.wts',
      },
    ]);
    expect((await value<{ sets: WeightSet[] }>('weights.list', {})).sets).toEqual([]);
    expect(events.some((e) => e.event === 'weights.changed')).toBe(false);
  });

  it('a file outside the allowed folders is refused before any job starts', async () => {
    const r = await host.dispatch('weights.import', { path: '/etc/hostname' }, call);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics[0]!.code).toBe('files.outsideRoots');
    expect(host.context.jobs.list()).toEqual([]);
  });

  it('cancelling an import mid-decode stops it and loads nothing', async () => {
    // About 64 MB: long enough to be caught mid-way.
    const big = join(dir, 'big.wts');
    const values = new Float32Array(7_000_000);
    for (let i = 0; i < values.length; i++) values[i] = (i % 1000) / 1000 - 0.5;
    await writeFile(big, encodeWtsBytes([{ name: 'fc.weight', values }]));
    let cancelAnswer: Promise<Result<unknown>> | undefined;
    const finished = await importFile(big, (jobId) => {
      const off = host.context.events.subscribe((event, payload) => {
        const p = payload as { jobId: string; progress?: { bytes?: { done: number } } };
        if (event === 'job.progress' && p.jobId === jobId && (p.progress?.bytes?.done ?? 0) > 0) {
          off();
          cancelAnswer = host.dispatch('jobs.cancel', { jobId }, call);
        }
      });
    });
    expect(await cancelAnswer).toEqual({ ok: true, value: { status: 'running' } });
    expect(finished.status).toBe('cancelled');
    expect(finished.diagnostics[0]!.code).toBe('job.cancelled');
    const done = events
      .filter((e) => e.event === 'job.progress')
      .map((e) => (e.payload as { progress: { bytes?: { done: number; total: number } } }).progress.bytes?.done ?? 0);
    expect(Math.max(...done)).toBeLessThan((await readFile(big)).length);
    expect((await value<{ sets: WeightSet[] }>('weights.list', {})).sets).toEqual([]);
  });
});

describe('weights.bind', () => {
  it('auto-maps lenet5.wts onto the LeNet-5 template completely', async () => {
    const set = (await importFile(LENET)).result as WeightSet;
    const doc = buildTemplate('lenet5')!;
    const r = (await host.dispatch('weights.bind', { setId: set.id, document: doc }, call)) as Result<BindResult>;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.diagnostics ?? []).toEqual([]);
    expect(r.value.summary).toBe('10 of 10 tensors bound');
    expect([r.value.tensorCount, r.value.boundCount, r.value.ignored, r.value.unused]).toEqual([10, 10, [], []]);
    const conv1 = doc.nodes.find((n) => n.name === 'conv1')!;
    expect(r.value.bindings[conv1.id]).toEqual({ kernel: 'conv1.weight', bias: 'conv1.bias' });
  });

  it('summarises ignored counters and unused tensors, and explains a wrong count', async () => {
    const decoded = decodeWts(await readFile(LENET), { fileName: 'lenet5.wts' });
    if (!decoded.ok) throw new Error(decoded.diagnostic.message);
    const tensors = decoded.tensors.map((t) => ({ name: t.name, values: t.name === 'fc3.bias' ? new Float32Array(12) : t.values }));
    tensors.push({ name: 'bn1.num_batches_tracked', values: new Float32Array(1) }, { name: 'extra.weight', values: new Float32Array(4) });
    const path = join(dir, 'more.wts');
    await writeFile(path, encodeWtsBytes(tensors));
    const set = (await importFile(path)).result as WeightSet;
    const r = (await host.dispatch('weights.bind', { setId: set.id, document: buildTemplate('lenet5')! }, call)) as Result<BindResult>;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.summary).toBe('9 of 12 tensors bound; 1 num_batches_tracked ignored; 1 unused');
    expect(r.value.ignored).toEqual(['bn1.num_batches_tracked']);
    expect(r.value.unused).toEqual(['extra.weight']);
    const count = r.diagnostics?.find((d) => d.code === 'weights.count');
    expect(count?.message).toBe(
      "Layer 'fc3' (Linear) slot 'bias' expects 10 values [10], but the tensor 'fc3.bias' has 12. It would fit a layer with 12 output features (classes) instead of 10.",
    );
  });
});
