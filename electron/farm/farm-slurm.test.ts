/**
 * The build farm end to end on a real Slurm: the one-node cluster of scripts/slurm-local.sh (started
 * here, or found running when .ci/run started it). A 2×2 matrix of LeNet-5 (two CPU targets × fp32
 * and fp16, profiled on onnxruntime) goes through the host's farm.* methods: states move from
 * pending/running to done, one job is cancelled, results carry latency and per-layer times, and a
 * target asking for a GPU the node lacks is refused with Slurm's reason. In CI (CI=true) a cluster
 * that cannot start fails this file; elsewhere it is skipped with the reason.
 * The jobs run bin/trt-studio.mjs, so dist/ must be built (`npm run build`; `npm ci` does it).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FarmJob, FarmJobState, FarmRefusal, FarmResult } from '../../core/api/farm-schemas.js';
import type { Result } from '../../core/diagnostics.js';
import { serializeProject } from '../../core/network/project-file.js';
import { buildTemplate } from '../../core/templates/index.js';
import { createFarmCommand } from '../cli/farm.js';
import { createHostServices, type HostServices } from '../services/host-services.js';
import { memoryLog } from '../services/log.js';
import { SlurmDriver } from './slurm.js';
import { FarmStore } from './store.js';
import { localSlurm, stopLocalSlurm } from './slurm-local.testing.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const call = { transport: 'web', clientId: 'test' } as const;

const slurm = await localSlurm();
const ci = process.env['CI'] === 'true';

let dir: string;
let host: HostServices;

async function dispatch<T>(method: string, params: unknown): Promise<T> {
  const r = (await host.dispatch(method, params, call)) as Result<T>;
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value;
}

const final = (s: FarmJobState) => s === 'done' || s === 'failed' || s === 'cancelled';

/** Polls farm.status until every job of the submission has ended; returns every state each job was seen in, in order. */
async function watch(submission: string, timeoutMs = 240_000): Promise<{ seen: Map<string, FarmJobState[]>; jobs: FarmJob[] }> {
  const seen = new Map<string, FarmJobState[]>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { jobs } = await dispatch<{ jobs: FarmJob[] }>('farm.status', { submission });
    for (const j of jobs) {
      const states = seen.get(j.id) ?? [];
      if (states.at(-1) !== j.state) states.push(j.state);
      seen.set(j.id, states);
    }
    if (jobs.every((j) => final(j.state))) return { seen, jobs };
    if (Date.now() > deadline) throw new Error(`The farm jobs did not finish: ${JSON.stringify(jobs)}`);
    await new Promise((r) => setTimeout(r, 400));
  }
}

describe.skipIf(!slurm.ok && !ci)(`the build farm on a local Slurm${slurm.ok ? '' : ` (skipped: ${slurm.reason})`}`, () => {
  it('has a running local Slurm cluster', () => {
    if (!slurm.ok) throw new Error(`The local Slurm cluster could not start (CI needs it): ${slurm.reason}`);
  });

  beforeAll(async () => {
    if (!slurm.ok) return;
    dir = await mkdtemp(join(tmpdir(), 'trt-farm-slurm-'));
    await writeFile(join(dir, 'lenet5.trtstudio'), serializeProject(buildTemplate('lenet5')!));
    host = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config'), log: memoryLog(), roots: [dir, join(repo, 'fixtures')] });
  });
  afterAll(async () => {
    await host?.shutdown();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (slurm.ok && slurm.startedHere) await stopLocalSlurm();
  });

  it.skipIf(!slurm.ok)(
    'runs a 2×2 matrix, cancels one job, collects results and shows why a GPU target was refused',
    async () => {
      const cpu = (name: string) => ({ name, backend: 'onnxruntime', precisions: ['fp32', 'fp16'] });
      const submitted = await dispatch<{ submission: string; jobs: FarmJob[]; refused: FarmRefusal[] }>('farm.submit', {
        projectPath: join(dir, 'lenet5.trtstudio'),
        weightsPath: join(repo, 'fixtures', 'lenet5.wts'),
        targets: [cpu('cpu-a'), cpu('cpu-b'), { name: 'h100', gres: 'gpu:h100:1', backend: 'onnxruntime' }],
        iterations: 20,
      });
      expect(submitted.refused).toEqual([{ target: 'h100', precision: 'fp32', profile: 'default', reason: 'Requested node configuration is not available' }]);
      expect(submitted.jobs.map((j) => [j.target, j.precision, j.profile, j.state])).toEqual([
        ['cpu-a', 'fp32', 'default', 'pending'],
        ['cpu-a', 'fp16', 'default', 'pending'],
        ['cpu-b', 'fp32', 'default', 'pending'],
        ['cpu-b', 'fp16', 'default', 'pending'],
      ]);
      expect(submitted.jobs.map((j) => j.dir)).toEqual(
        ['cpu-a-fp32-default', 'cpu-a-fp16-default', 'cpu-b-fp32-default', 'cpu-b-fp16-default'].map((n) => join(dir, 'farm', submitted.submission, n)),
      );

      const victim = submitted.jobs[3]!;
      const cancelled = await dispatch<FarmJob>('farm.cancel', { job: victim.id });
      expect([cancelled.id, cancelled.state]).toEqual([victim.id, 'cancelled']);

      const { seen, jobs } = await watch(submitted.submission);
      expect(jobs.map((j) => j.state)).toEqual(['done', 'done', 'done', 'cancelled']);
      for (const j of jobs.slice(0, 3)) expect(seen.get(j.id)!.at(-1)).toBe('done');
      // At least one job was seen waiting or running before it finished.
      expect(jobs.slice(0, 3).some((j) => seen.get(j.id)!.some((s) => s === 'pending' || s === 'running'))).toBe(true);

      const { results } = await dispatch<{ results: FarmResult[] }>('farm.results', { submission: submitted.submission });
      expect(results.map((r) => [r.job, r.target, r.precision, r.backend])).toEqual(jobs.slice(0, 3).map((j) => [j.id, j.target, j.precision, 'onnxruntime']));
      for (const r of results) {
        expect(r.latencyMs.mean).toBeGreaterThan(0);
        expect(r.latencyMs.p90).toBeGreaterThanOrEqual(r.latencyMs.median);
        // A row per kernel; a fused one names all its layers (`conv1 + relu1`).
        expect(r.layers.some((l) => l.name.split(' + ').includes('conv1') && l.ms > 0)).toBe(true);
        expect(r.enginePath).toBeUndefined();
        const summary = JSON.parse(await readFile(join(dir, 'farm', submitted.submission, `${r.target}-${r.precision}-default`, 'summary.json'), 'utf8'));
        expect(summary).toEqual(r);
      }

      // The CLI reads the same submissions through the config folder's index.
      const lines: string[] = [];
      const farm = createFarmCommand(() => new FarmStore(join(dir, 'config'), new SlurmDriver()));
      expect(await farm.run(['status', submitted.submission], { out: (t) => lines.push(t), err: (t) => lines.push(t) })).toBe(0);
      expect(lines[0]!.split(/\s+/)).toEqual(['job', 'submission', 'target', 'precision', 'profile', 'state', 'reason']);
      expect(lines[4]!.split(/\s+/).slice(0, 6)).toEqual([victim.id, submitted.submission, 'cpu-b', 'fp16', 'default', 'cancelled']);
    },
    300_000,
  );

  it.skipIf(!slurm.ok)(
    'shows a job that failed on the node with Slurm’s state, its exit code and its log',
    async () => {
      const submitted = await dispatch<{ submission: string; jobs: FarmJob[] }>('farm.submit', {
        projectPath: join(dir, 'lenet5.trtstudio'),
        weightsPath: join(repo, 'fixtures', 'lenet5.wts'),
        targets: [{ name: 'no-runtime', backend: 'onnxruntime', setup: ['echo "module tensorrt/10 is not installed" > build.log; exit 3'] }],
      });
      const { jobs } = await watch(submitted.submission, 120_000);
      expect(jobs.map((j) => [j.state, j.reason])).toEqual([['failed', 'FAILED (NonZeroExitCode), exit code 3:0: module tensorrt/10 is not installed']]);
    },
    180_000,
  );
});
