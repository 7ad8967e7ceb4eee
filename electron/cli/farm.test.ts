/** `trt-studio farm`: its command line, the answer on a host without Slurm, and `farm summarize` as a job runs it on the node. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './main.js';

let dir: string;
let savedPath: string | undefined;
let out: string[];
let err: string[];
const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-farm-cli-'));
  savedPath = process.env['PATH'];
  out = [];
  err = [];
});
afterEach(async () => {
  process.env['PATH'] = savedPath;
  await rm(dir, { recursive: true, force: true });
});

describe('trt-studio farm', () => {
  it('names its subcommands when given another', async () => {
    expect(await runCli(['farm', 'launch'], io)).toBe(2);
    expect(err[0]!.split('\n')).toEqual([
      "Expected submit, status, cancel or results; got 'launch'.",
      'Usage: trt-studio farm submit PROJECT.trtstudio [--weights FILE.wts] --targets targets.json [--input FILE ...] [--iterations N] [--json]',
    ]);
  });

  it('says Slurm is missing and how to get it', async () => {
    process.env['PATH'] = join(dir, 'no-bin');
    expect(await runCli(['farm', 'status'], io)).toBe(2);
    expect(err).toEqual([
      "Slurm is not available on this host: sbatch was not found on PATH. Install Slurm's client commands, or start the local test cluster: scripts/slurm-local.sh start.",
    ]);
  });

  it('summarize writes summary.json from the job folder', async () => {
    const job = { name: 'cpu-fp32-default', submission: 's1', target: 'cpu', precision: 'fp32', profile: 'default', backend: 'onnxruntime' };
    await writeFile(join(dir, 'job.json'), JSON.stringify(job));
    const profile = { ok: true, latency: { meanMs: 1.25, p50Ms: 1, p90Ms: 2 }, layers: [{ layerName: 'conv1', meanMs: 0.5 }] };
    await writeFile(join(dir, 'profile.json'), JSON.stringify(profile));
    expect(await runCli(['farm', 'summarize', dir, '--job', '77'], io)).toBe(0);
    expect(out).toEqual([`Wrote ${join(dir, 'summary.json')}: mean 1.2500 ms on onnxruntime.`]);
    expect(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'))).toEqual({
      job: '77',
      target: 'cpu',
      precision: 'fp32',
      profile: 'default',
      backend: 'onnxruntime',
      latencyMs: { mean: 1.25, median: 1, p90: 2 },
      layers: [{ name: 'conv1', ms: 0.5 }],
      logPath: join(dir, 'build.log'),
    });
  });

  it('summarize refuses a job whose profile failed, writing nothing', async () => {
    await writeFile(
      join(dir, 'job.json'),
      JSON.stringify({ name: 'x', submission: 's', target: 't', precision: 'fp32', profile: 'default', backend: 'tensorrt' }),
    );
    await writeFile(join(dir, 'profile.json'), JSON.stringify({ ok: false, diagnostics: [] }));
    expect(await runCli(['farm', 'summarize', dir, '--job', '1'], io)).toBe(1);
    expect(err).toEqual(['error [farm.summary.profile] profile.json is not a successful profile: ok Invalid input: expected true.']);
    await expect(readFile(join(dir, 'summary.json'))).rejects.toThrow('ENOENT');
  });
});
