import { describe, expect, it } from 'vitest';
import { describeSlurmJob, farmState, parseJobComp, parseSacct, parseSbatchOutput, parseScontrolJob, parseSqueue, sbatchRefusal } from './slurm-text.js';

describe("reading Slurm's output", () => {
  it('maps Slurm states to the farm’s five', () => {
    expect(['PENDING', 'RUNNING', 'COMPLETING', 'COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED by 0', 'OUT_OF_MEMORY', 'WEIRD'].map(farmState)).toEqual([
      'pending',
      'running',
      'running',
      'done',
      'failed',
      'failed',
      'cancelled',
      'failed',
      undefined,
    ]);
  });

  it('reads sbatch’s job number and its refusal', () => {
    expect([parseSbatchOutput('42\n'), parseSbatchOutput('42;cluster\n'), parseSbatchOutput('Submitted batch job 42\n')]).toEqual(['42', '42', undefined]);
    expect(sbatchRefusal('sbatch: error: Batch job submission failed: Requested node configuration is not available\n')).toBe(
      'Requested node configuration is not available',
    );
    expect(
      sbatchRefusal('sbatch: error: invalid partition specified: gpu\nsbatch: error: Unable to allocate resources: Invalid partition name specified\n'),
    ).toBe('Unable to allocate resources: Invalid partition name specified');
  });

  it('reads squeue lines by job id, dropping the reason None', () => {
    const jobs = parseSqueue('12|PENDING|Resources\n13|RUNNING|None\n14|FAILED|NonZeroExitCode\n\n');
    expect([...jobs.values()]).toEqual([
      { id: '12', slurmState: 'PENDING', reason: 'Resources' },
      { id: '13', slurmState: 'RUNNING' },
      { id: '14', slurmState: 'FAILED', reason: 'NonZeroExitCode' },
    ]);
  });

  it('reads scontrol show job and the job-completion log', () => {
    const scontrol =
      'JobId=7 JobName=trt-cpu-fp32-default\n   UserId=root(0) GroupId=root(0)\n   JobState=FAILED Reason=NonZeroExitCode Dependency=(null)\n   ExitCode=2:0\n';
    expect(parseScontrolJob(scontrol)).toEqual({ id: '7', slurmState: 'FAILED', reason: 'NonZeroExitCode', exitCode: '2:0' });
    const log =
      'JobId=2 UserId=root(0) GroupId=root(0) Name=wrap JobState=FAILED Partition=local ExitCode=0:1 \n' +
      'JobId=1 UserId=root(0) GroupId=root(0) Name=wrap JobState=COMPLETED Partition=local ExitCode=0:0 \n' +
      'JobId=2 UserId=root(0) GroupId=root(0) Name=wrap JobState=CANCELLED Partition=local ExitCode=0:15 \n';
    expect([...parseJobComp(log).values()]).toEqual([
      { id: '2', slurmState: 'CANCELLED', exitCode: '0:15' },
      { id: '1', slurmState: 'COMPLETED', exitCode: '0:0' },
    ]);
  });

  it('reads sacct’s jobs, leaving out their steps', () => {
    const text = '31|COMPLETED|0:0\n31.batch|COMPLETED|0:0\n32|CANCELLED by 0|0:15\n33|FAILED|2:0\n33.batch|FAILED|2:0\n';
    expect([...parseSacct(text).values()]).toEqual([
      { id: '31', slurmState: 'COMPLETED', exitCode: '0:0' },
      { id: '32', slurmState: 'CANCELLED by 0', exitCode: '0:15' },
      { id: '33', slurmState: 'FAILED', exitCode: '2:0' },
    ]);
  });

  it('words pending and failed jobs in Slurm’s terms', () => {
    expect(describeSlurmJob({ id: '1', slurmState: 'PENDING', reason: 'Resources' })).toBe('Resources');
    expect(describeSlurmJob({ id: '1', slurmState: 'FAILED', reason: 'NonZeroExitCode', exitCode: '2:0' })).toBe('FAILED (NonZeroExitCode), exit code 2:0');
    expect(describeSlurmJob({ id: '1', slurmState: 'RUNNING' })).toBeUndefined();
  });
});
