/**
 * compare.start and compare.tensors through the host's one entrance (`dispatch`), with real files:
 * a weights import, a reference `.npz` made on ONNX Runtime with one layer changed, the job's
 * report, the side-by-side tensors, and TensorRT refused with the reason host.capabilities gives.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareReport, CompareTensors } from '../../core/api/compare-schemas.js';
import type { Capabilities } from '../../core/api/schemas.js';
import type { BindResult, WeightSet } from '../../core/api/weight-schemas.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { encodeWtsBytes } from '../../core/weights/wts-encoder.js';
import { formulaWeights, inputNpy, miniGoogLeNet, moduleOutputs, referenceNpz } from '../cli/compare-fixture.testing.js';
import { createHostServices, type HostServices } from './host-services.js';
import { hostCalls } from './host-calls.testing.js';
import { memoryLog } from './log.js';

const call = { transport: 'web', clientId: 'test' } as const;
let dir = '';
let outside = '';
let host: HostServices;
let doc: NetworkDocument;
let setId = '';
let input = '';
let reference = '';

const { value, job } = hostCalls(() => host);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-compare-service-'));
  outside = await mkdtemp(join(tmpdir(), 'trt-compare-outside-'));
  host = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config'), log: memoryLog(), roots: [dir] });
  const template = miniGoogLeNet();
  await writeFile(join(dir, 'mini.wts'), encodeWtsBytes(formulaWeights(template)));
  const imported = await job('weights.import', { path: join(dir, 'mini.wts') });
  setId = (imported.result as WeightSet).id;
  const bound = await value<BindResult>('weights.bind', { setId, document: template });
  doc = { ...template, bindings: bound.bindings };
  input = join(dir, 'input.npy');
  await writeFile(input, inputNpy());
  const outputs = await moduleOutputs(template);
  const conv = outputs.get('conv1.conv')!;
  conv.data[3 * 16 * 16 + 5] = conv.data[3 * 16 * 16 + 5]! - 0.25; // channel 3, row 0, column 5
  reference = join(dir, 'reference.npz');
  await writeFile(reference, referenceNpz(outputs));
  await writeFile(join(outside, 'reference.npz'), referenceNpz(outputs));
}, 60_000);
afterAll(async () => {
  await host.shutdown();
  await rm(dir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('compare.start and compare.tensors', () => {
  let jobId = '';

  it('runs a compare job whose report names the changed layer first, with the canvas node of every row', { timeout: 60_000 }, async () => {
    const started = await value<{ jobId: string }>('compare.start', {
      document: doc,
      weightSetId: setId,
      backend: 'onnxruntime',
      against: { kind: 'reference', path: reference },
      inputPath: input,
    });
    jobId = started.jobId;
    const finished = await host.context.jobs.finished(jobId)!;
    expect(finished.kind).toBe('compare');
    expect(finished.status).toBe('succeeded');
    const report = finished.result as CompareReport;
    expect(report.firstFailing).toBe('conv1.conv');
    expect(report.tolerance).toBe(1e-4);
    expect(report.layers.filter((l) => !l.pass).map((l) => l.layer)).toEqual(['conv1.conv']);
    expect(report.layers.find((l) => l.layer === 'conv1.bn')).toMatchObject({ nodeId: 'n1', dims: [1, 8, 16, 16], pass: true });
    expect(report.layers.find((l) => l.layer === 'inception3a.branch2')!.nodeId).toBe('n3');
    expect(report.unmatched).toEqual([]);
  });

  it('gives the two tensors of a row side by side: statistics, one histogram range and the worst element first', async () => {
    const tensors = await value<CompareTensors>('compare.tensors', { jobId, layer: 'conv1.conv' });
    expect(tensors.layer).toBe('conv1.conv');
    expect(tensors.actual.dims).toEqual([1, 8, 16, 16]);
    expect(tensors.reference.dims).toEqual([1, 8, 16, 16]);
    expect(tensors.actual.histogram.edges).toEqual(tensors.reference.histogram.edges);
    expect(tensors.worst[0]!.index).toEqual([0, 3, 0, 5]);
    expect(tensors.worst[0]!.absError).toBeCloseTo(0.25, 5);
    expect(tensors.worst[0]!.actual - tensors.worst[0]!.reference).toBeCloseTo(0.25, 5);
    expect(tensors.worst[1]!.absError).toBe(0);
  });

  it('says when a layer or a comparison is unknown', async () => {
    const layer = await host.dispatch('compare.tensors', { jobId, layer: 'conv9' }, call);
    expect(layer.ok ? '' : layer.diagnostics[0]!.message).toBe(`The comparison "${jobId}" has no layer 'conv9'.`);
    const unknown = await host.dispatch('compare.tensors', { jobId: 'job-nope', layer: 'conv1' }, call);
    expect(unknown.ok ? '' : unknown.diagnostics[0]!.message).toBe('There is no finished comparison "job-nope".');
  });

  it('refuses a reference outside the allowed folders without reading it', { timeout: 30_000 }, async () => {
    const finished = await job('compare.start', {
      document: doc,
      weightSetId: setId,
      backend: 'onnxruntime',
      against: { kind: 'reference', path: join(outside, 'reference.npz') },
      inputPath: input,
    });
    expect(finished.status).toBe('failed');
    expect(finished.diagnostics[0]!.code).toBe('files.outsideRoots');
    const refused = `The path ${JSON.stringify(join(outside, 'reference.npz'))} is outside the folders TRT Studio may access;`;
    expect(finished.diagnostics[0]!.message.slice(0, refused.length)).toBe(refused);
  });

  it('against TensorRT, which this machine lacks: the job fails with the reason host.capabilities gives', { timeout: 60_000 }, async () => {
    const caps = await value<Capabilities>('host.capabilities', {});
    const trt = caps.backends.find((b) => b.id === 'tensorrt')!;
    expect(trt.available).toBe(false);
    const finished = await job('compare.start', {
      document: doc,
      weightSetId: setId,
      backend: 'onnxruntime',
      against: { kind: 'backend', backend: 'tensorrt' },
      inputPath: input,
    });
    expect(finished.status).toBe('failed');
    expect(finished.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['tensorrt.unavailable', `TensorRT cannot take part in this comparison: ${trt.reason}`],
    ]);
  });
});
