/**
 * `farm.*` through the host's one entrance on a host without Slurm: every method answers why, in one
 * sentence, rather than failing on a missing program.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHostServices, type HostServices } from './host-services.js';
import { memoryLog } from './log.js';

const call = { transport: 'web', clientId: 'test' } as const;
const NO_SLURM = 'Slurm is not available on this host: sbatch was not found on PATH';

let dir: string;
let host: HostServices;
let savedPath: string | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-farm-service-'));
  host = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config'), log: memoryLog(), roots: [dir] });
  savedPath = process.env['PATH'];
  process.env['PATH'] = join(dir, 'empty-bin');
});
afterEach(async () => {
  process.env['PATH'] = savedPath;
  await host.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('farm methods on a host without Slurm', () => {
  it('status says the scheduler is not available and why', async () => {
    expect(await host.dispatch('farm.status', {}, call)).toEqual({ ok: true, value: { jobs: [], scheduler: { available: false, reason: NO_SLURM } } });
  });

  it('submit and cancel are refused with the same sentence', async () => {
    const target = { name: 'cpu', backend: 'onnxruntime' };
    const submitted = await host.dispatch('farm.submit', { projectPath: join(dir, 'p.trtstudio'), weightsPath: null, targets: [target] }, call);
    expect(submitted).toEqual({ ok: false, diagnostics: [{ severity: 'error', code: 'farm.noScheduler', message: `${NO_SLURM}.` }] });
    const cancelled = await host.dispatch('farm.cancel', { job: '12' }, call);
    expect(cancelled).toEqual({ ok: false, diagnostics: [{ severity: 'error', code: 'farm.noScheduler', message: `${NO_SLURM}.` }] });
  });

  it('a job that is not a scheduler number is refused by the contract', async () => {
    const r = await host.dispatch('farm.cancel', { job: '12; rm -rf /' }, call);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics[0]!.message).toContain('params.job: must be a scheduler job number');
  });
});
