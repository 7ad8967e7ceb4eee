/**
 * The one-node Slurm cluster of scripts/slurm-local.sh, for the farm tests: the one .ci/run started, or one
 * started here (a test that started it stops it afterwards). SLURM_CONF is set for whatever the test starts next.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(fileURLToPath(new URL('../..', import.meta.url)), 'scripts', 'slurm-local.sh');

function slurmLocal(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) =>
    execFile(SCRIPT, args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` }),
    ),
  );
}

/** The running cluster, or one started now (`startedHere`), or why none could start. */
export async function localSlurm(): Promise<{ ok: true; startedHere: boolean } | { ok: false; reason: string }> {
  if ((await slurmLocal(['status'])).code === 0) {
    process.env['SLURM_CONF'] = (await slurmLocal(['env'])).out.replace(/^export SLURM_CONF=/, '').trim();
    return { ok: true, startedHere: false };
  }
  const started = await slurmLocal(['start']);
  const conf = /export SLURM_CONF=(\S+)/.exec(started.out)?.[1];
  if (started.code !== 0 || conf === undefined) return { ok: false, reason: started.out.trim() || `slurm-local.sh start exited with ${started.code}` };
  process.env['SLURM_CONF'] = conf;
  return { ok: true, startedHere: true };
}

/** Stop the cluster localSlurm started. */
export async function stopLocalSlurm(): Promise<void> {
  await slurmLocal(['stop']);
}
