/**
 * The Slurm driver: sbatch, squeue, scontrol, sacct and scancel run with argument arrays (never a shell
 * line), each with a time limit, their output read by core/farm/slurm-text. Clients find the cluster
 * as Slurm's own commands do (SLURM_CONF, the configless DNS record, /etc/slurm).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import {
  farmState,
  parseJobComp,
  parseKeyValues,
  parseSacct,
  parseSbatchOutput,
  parseSqueue,
  SACCT_FORMAT,
  sbatchRefusal,
  SQUEUE_FORMAT,
  type SlurmJobInfo,
} from '../../core/farm/slurm-text.js';
import { findProgram } from './find-program.js';

/** How long one Slurm command may take before the farm gives up on it. */
const COMMAND_TIMEOUT_MS = 30_000;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function runProgram(program: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(program, args, { env, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 127;
      resolve({ code, stdout, stderr: err !== null && stderr === '' ? err.message : stderr });
    });
  });
}

export type SubmitAnswer = { ok: true; id: string } | { ok: false; reason: string };

export class SlurmDriver {
  private history: Promise<{ accounting: boolean; jobCompLog: string | null }> | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Why Slurm cannot be used from this host, or null when sbatch is on PATH. */
  async unavailableReason(): Promise<string | null> {
    return (await findProgram('sbatch', this.env['PATH'] ?? '')) === null ? 'Slurm is not available on this host: sbatch was not found on PATH' : null;
  }

  /** Submits one batch script; a refusal comes back in Slurm's words. */
  async submit(args: readonly string[]): Promise<SubmitAnswer> {
    const ran = await runProgram('sbatch', args, this.env);
    const id = ran.code === 0 ? parseSbatchOutput(ran.stdout) : undefined;
    if (id !== undefined) return { ok: true, id };
    return { ok: false, reason: ran.code === 0 ? `sbatch printed no job number: ${ran.stdout.trim().slice(0, 200)}` : sbatchRefusal(ran.stderr) };
  }

  /** What the controller knows about these jobs now (finished ones only for a while: MinJobAge), then the completion log. */
  async describe(ids: readonly string[]): Promise<Map<string, SlurmJobInfo>> {
    const known = new Map<string, SlurmJobInfo>();
    if (ids.length === 0) return known;
    const ran = await runProgram('squeue', ['--noheader', '--states=all', `--format=${SQUEUE_FORMAT}`], this.env);
    if (ran.code !== 0) throw new Error(`squeue failed: ${ran.stderr.trim()}`);
    const queue = parseSqueue(ran.stdout);
    const missing = ids.filter((id) => !queue.has(id));
    const history = missing.length > 0 ? await this.completedJobs(missing) : new Map<string, SlurmJobInfo>();
    for (const id of ids) {
      const info = queue.get(id) ?? history.get(id);
      if (info !== undefined) known.set(id, info);
    }
    // squeue gives no exit code; a failed job's comes from scontrol while the controller still holds it.
    for (const info of known.values())
      if (farmState(info.slurmState) === 'failed' && info.exitCode === undefined) {
        const shown = await runProgram('scontrol', ['show', 'job', info.id], this.env);
        const exit = shown.code === 0 ? parseKeyValues(shown.stdout)['ExitCode'] : undefined;
        if (exit !== undefined) info.exitCode = exit;
      }
    return known;
  }

  /** Cancels one job; the reason when scancel refuses. */
  async cancel(id: string): Promise<string | null> {
    const ran = await runProgram('scancel', [id], this.env);
    return ran.code === 0 ? null : ran.stderr.trim().replace(/^scancel: error: /, '') || `scancel exited with ${ran.code}`;
  }

  /**
   * Finished jobs the controller has forgotten: from accounting (sacct) where the cluster keeps it,
   * else from the job-completion log where the cluster writes one as text (JobCompType=jobcomp/filetxt).
   */
  private async completedJobs(ids: readonly string[]): Promise<Map<string, SlurmJobInfo>> {
    this.history ??= runProgram('scontrol', ['show', 'config'], this.env).then((ran) => {
      const config = parseKeyValues(ran.stdout.replace(/[ \t]+=[ \t]*/g, '='));
      const log = config['JobCompType'] === 'jobcomp/filetxt' ? config['JobCompLoc'] : undefined;
      const accounting = config['AccountingStorageType'] !== undefined && config['AccountingStorageType'] !== 'accounting_storage/none';
      return { accounting, jobCompLog: log ?? null };
    });
    const { accounting, jobCompLog } = await this.history;
    if (accounting) {
      const ran = await runProgram('sacct', ['--noheader', '--parsable2', `--jobs=${ids.join(',')}`, `--format=${SACCT_FORMAT}`], this.env);
      if (ran.code === 0) return parseSacct(ran.stdout);
    }
    if (jobCompLog === null) return new Map();
    try {
      return parseJobComp(await readFile(jobCompLog, 'utf8'));
    } catch {
      return new Map();
    }
  }
}
