import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FarmTargetSchema } from '../api/farm-schemas.js';
import { jobScript, sbatchArgs, shellQuote, weightsFileName } from './job-script.js';
import type { FarmCell } from './matrix.js';
import { makeSummary } from './summary.js';

const cell = (t: unknown, precision: 'fp32' | 'fp16' = 'fp32'): FarmCell => {
  const target = FarmTargetSchema.parse(t);
  return { name: `x-${precision}-default`, target, precision, profile: null, profileName: 'default' };
};

describe('sbatch arguments', () => {
  it('name the job, its folder, log, partition and GRES, script last', () => {
    const r = sbatchArgs(cell({ name: 'h100', partition: 'gpu', gres: 'gpu:h100:1' }), '/shared/p/farm/s1/x-fp32-default');
    expect(r).toEqual({
      ok: true,
      value: [
        '--parsable',
        '--job-name=trt-x-fp32-default',
        '--chdir=/shared/p/farm/s1/x-fp32-default',
        '--output=/shared/p/farm/s1/x-fp32-default/slurm.out',
        '--ntasks=1',
        '--partition=gpu',
        '--gres=gpu:h100:1',
        '/shared/p/farm/s1/x-fp32-default/job.sh',
      ],
    });
  });

  it('refuse a partition or GRES that is not one', () => {
    const r = sbatchArgs(cell({ name: 'evil', partition: 'gpu --wrap=id', gres: 'gpu:h100:1;reboot' }), '/j');
    expect(r.ok ? [] : r.diagnostics.map((d) => d.message)).toEqual([
      'The target \'evil\' has the partition "gpu --wrap=id"; expected a Slurm partition name (letters, digits, _ . -).',
      'The target \'evil\' has the GRES "gpu:h100:1;reboot"; expected name[:type][:count] such as gpu:h100:1.',
    ]);
  });
});

describe('the job script', () => {
  it('profiles on the reference runtime without building, then summarizes', () => {
    const text = jobScript({
      cell: cell({ name: 'cpu', backend: 'onnxruntime', setup: ['module load onnxruntime'] }, 'fp16'),
      jobDir: "/shared/it's here",
      cli: ['/usr/bin/node', '/opt/trt studio/bin/trt-studio.mjs'],
      weights: 'weights.wts',
      inputs: [],
      iterations: 20,
    });
    const lines = text.split('\n');
    expect(lines).toContain("cd '/shared/it'\\''s here' || exit 1");
    expect(lines).toContain('module load onnxruntime');
    expect(lines).toContain("trt() { '/usr/bin/node' '/opt/trt studio/bin/trt-studio.mjs' \"$@\"; }");
    expect(lines).toContain(
      "[ \"$status\" = 0 ] && { trt profile 'project.trtstudio' --weights 'weights.wts' --backend onnxruntime --iterations 20 --json > 'profile.json' 2>> \"$log\" || status=$?; }",
    );
    expect(text).not.toContain('trt build');
    expect(lines.at(-2)).toBe('exit "$status"');
  });

  it('builds the engine on TensorRT targets and runs given images on it', () => {
    const text = jobScript({
      cell: cell({ name: 't4' }, 'fp16'),
      jobDir: '/j',
      cli: ['node', 'cli'],
      weights: 'weights.wts',
      inputs: ['a.png'],
      iterations: 5,
    });
    expect(text).toContain("trt build 'project.trtstudio' --weights 'weights.wts' -o 'model.engine' --fp16 >> \"$log\" 2>&1 || status=$?");
    expect(text).toContain("trt run 'project.trtstudio' --engine 'model.engine' --backend tensorrt 'inputs/a.png' --json > 'run.json'");
  });

  it('quotes any text as one shell word', () => {
    const nasty = 'it\'s $(reboot) `x` "q" \\ ;|&';
    expect(execFileSync('bash', ['-c', `printf %s ${shellQuote(nasty)}`], { encoding: 'utf8' })).toBe(nasty);
  });

  it('names the weights by their format', () => {
    expect([weightsFileName('/a/b/LeNet.WTS'), weightsFileName('m.safetensors'), weightsFileName('w.pt')]).toEqual([
      'weights.wts',
      'weights.safetensors',
      undefined,
    ]);
  });
});

describe('the summary', () => {
  const jobFile = { name: 'cpu-fp32-default', submission: 's1', target: 'cpu', precision: 'fp32', profile: 'default', backend: 'onnxruntime' } as const;

  it('takes latency and per-layer times from profile --json', () => {
    const profile = JSON.stringify({ ok: true, latency: { meanMs: 0.5, p50Ms: 0.4, p90Ms: 0.9 }, layers: [{ layerName: 'conv1', meanMs: 0.2 }] });
    expect(makeSummary('12', jobFile, profile, { log: '/j/build.log' })).toEqual({
      ok: true,
      value: {
        job: '12',
        target: 'cpu',
        precision: 'fp32',
        profile: 'default',
        backend: 'onnxruntime',
        latencyMs: { mean: 0.5, median: 0.4, p90: 0.9 },
        layers: [{ name: 'conv1', ms: 0.2 }],
        logPath: '/j/build.log',
      },
    });
  });

  it('says what is wrong with a profile that failed', () => {
    const r = makeSummary('12', jobFile, JSON.stringify({ ok: false, diagnostics: [] }), { log: 'l' });
    expect(r.ok ? '' : r.diagnostics[0]!.message).toBe('profile.json is not a successful profile: ok Invalid input: expected true.');
  });
});
