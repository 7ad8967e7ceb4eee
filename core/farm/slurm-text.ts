/**
 * What Slurm's commands print, read into the farm's terms: sbatch's job number or its refusal,
 * squeue's states and reasons, `scontrol show` key=value records and the job-completion log
 * (jobcomp/filetxt), which keeps the history of finished jobs where accounting is off.
 */
import type { FarmJobState } from '../api/farm-schemas.js';

/** Slurm's job states (`squeue %T`, `JobState=`) as the farm's five. */
const STATES: Readonly<Record<string, FarmJobState>> = {
  PENDING: 'pending',
  CONFIGURING: 'pending',
  REQUEUED: 'pending',
  REQUEUE_HOLD: 'pending',
  REQUEUE_FED: 'pending',
  RESV_DEL_HOLD: 'pending',
  RESIZING: 'pending',
  RUNNING: 'running',
  COMPLETING: 'running',
  STAGE_OUT: 'running',
  SIGNALING: 'running',
  SUSPENDED: 'running',
  STOPPED: 'running',
  COMPLETED: 'done',
  CANCELLED: 'cancelled',
  FAILED: 'failed',
  TIMEOUT: 'failed',
  NODE_FAIL: 'failed',
  OUT_OF_MEMORY: 'failed',
  BOOT_FAIL: 'failed',
  DEADLINE: 'failed',
  PREEMPTED: 'failed',
  REVOKED: 'failed',
  SPECIAL_EXIT: 'failed',
};

/** The farm state of a Slurm state word (`CANCELLED by 0` counts as CANCELLED); undefined for a word Slurm does not use. */
export function farmState(slurmState: string): FarmJobState | undefined {
  return STATES[slurmState.trim().split(/[\s+]/)[0]!.toUpperCase()];
}

/** The job number `sbatch --parsable` printed (`123` or `123;cluster`), or undefined. */
export function parseSbatchOutput(stdout: string): string | undefined {
  return /^\s*([0-9]{1,20})(;[^\n]*)?\s*$/.exec(stdout)?.[1];
}

/** Why sbatch refused a job, in Slurm's words: `Requested node configuration is not available`. */
export function sbatchRefusal(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const failed = lines.map((l) => /Batch job submission failed: (.*)$/.exec(l)?.[1]).find((r) => r !== undefined);
  if (failed !== undefined) return failed;
  const last = lines.at(-1);
  return last !== undefined ? last.replace(/^sbatch: error: /, '') : 'sbatch refused the job without saying why';
}

/** What one source says about a job. */
export interface SlurmJobInfo {
  id: string;
  /** Slurm's state word, e.g. `PENDING`, `FAILED`. */
  slurmState: string;
  /** squeue's reason (`Resources`, `Priority`, `NonZeroExitCode`), absent when Slurm gives `None`. */
  reason?: string;
  /** `exit:signal`, e.g. `1:0`. */
  exitCode?: string;
}

/** The squeue format the parser reads: id, state, reason, separated by `|`. */
export const SQUEUE_FORMAT = '%i|%T|%r';

/** `squeue --noheader --format='%i|%T|%r'` lines by job id. */
export function parseSqueue(stdout: string): Map<string, SlurmJobInfo> {
  const jobs = new Map<string, SlurmJobInfo>();
  for (const line of stdout.split('\n')) {
    const [id, state, ...reason] = line.trim().split('|');
    if (id === undefined || !/^[0-9]+$/.test(id) || state === undefined || state === '') continue;
    const why = reason.join('|').trim();
    jobs.set(id, { id, slurmState: state, ...(why !== '' && why !== 'None' ? { reason: why } : {}) });
  }
  return jobs;
}

/** One `Key=Value Key=Value` record as Slurm prints it (`scontrol show job`, a jobcomp line); values end at whitespace. */
export function parseKeyValues(text: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const m of text.matchAll(/(?:^|\s)([A-Za-z][A-Za-z0-9_:]*)=(\S*)/g)) record[m[1]!] = m[2]!;
  return record;
}

/** A job as `scontrol show job ID` describes it, or undefined when the text names none. */
export function parseScontrolJob(stdout: string): SlurmJobInfo | undefined {
  const r = parseKeyValues(stdout);
  if (r['JobId'] === undefined || r['JobState'] === undefined) return undefined;
  const reason = r['Reason'];
  return {
    id: r['JobId'],
    slurmState: r['JobState'],
    ...(reason !== undefined && reason !== 'None' ? { reason } : {}),
    ...(r['ExitCode'] !== undefined ? { exitCode: r['ExitCode'] } : {}),
  };
}

/** The job-completion log (jobcomp/filetxt): one line per finished job; a later line for the same id wins. */
export function parseJobComp(text: string): Map<string, SlurmJobInfo> {
  const jobs = new Map<string, SlurmJobInfo>();
  for (const line of text.split('\n')) {
    const r = parseKeyValues(line);
    const id = r['JobId'];
    const state = r['JobState'];
    if (id === undefined || state === undefined) continue;
    jobs.set(id, { id, slurmState: state, ...(r['ExitCode'] !== undefined ? { exitCode: r['ExitCode'] } : {}) });
  }
  return jobs;
}

/** The sacct columns the parser reads (`--parsable2`: `|`-separated, no trailing `|`). */
export const SACCT_FORMAT = 'JobIDRaw,State,ExitCode';

/** `sacct --noheader --parsable2 --format=JobIDRaw,State,ExitCode` lines by job id; job steps (`12.batch`) are left out. */
export function parseSacct(stdout: string): Map<string, SlurmJobInfo> {
  const jobs = new Map<string, SlurmJobInfo>();
  for (const line of stdout.split('\n')) {
    const [id, state, exitCode] = line.trim().split('|');
    if (id === undefined || !/^[0-9]+$/.test(id) || state === undefined || state === '') continue;
    jobs.set(id, { id, slurmState: state, ...(exitCode !== undefined && exitCode !== '' ? { exitCode } : {}) });
  }
  return jobs;
}

/** The sentence the farm shows for a job that is not simply running or done: Slurm's reason, its state and exit code. */
export function describeSlurmJob(info: SlurmJobInfo): string | undefined {
  const state = farmState(info.slurmState);
  if (state === 'pending') return info.reason ?? 'waiting for the scheduler';
  if (state === 'failed' || state === 'cancelled') {
    const exit = info.exitCode !== undefined && info.exitCode !== '0:0' ? `, exit code ${info.exitCode}` : '';
    return `${info.slurmState}${info.reason !== undefined ? ` (${info.reason})` : ''}${exit}`;
  }
  return undefined;
}
