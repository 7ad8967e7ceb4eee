/**
 * `farm.*`: the build matrix handed to the cluster's scheduler (Slurm). Every method first asks
 * whether the scheduler's commands are on this host; without them the host answers why, in one sentence.
 */
import { error, fail, ok } from '../../core/diagnostics.js';
import { findProgram } from '../farm/find-program.js';
import type { ServiceModule } from './service-types.js';

/** Why the farm cannot be used here, or null when `sbatch` is on PATH. */
export async function slurmUnavailableReason(): Promise<string | null> {
  return (await findProgram('sbatch')) === null ? 'Slurm is not available on this host: sbatch was not found on PATH' : null;
}

const unavailable = (reason: string) => fail(error('farm.noScheduler', `${reason}.`));

export const farmModule: ServiceModule = {
  name: 'farm',
  handlers: () => ({
    'farm.submit': async () => unavailable((await slurmUnavailableReason()) ?? 'Submitting to Slurm is not available in this build yet'),
    'farm.status': async () => {
      const reason = await slurmUnavailableReason();
      return ok({ jobs: [], scheduler: reason === null ? { available: true } : { available: false, reason } });
    },
    'farm.cancel': async () => unavailable((await slurmUnavailableReason()) ?? 'Cancelling Slurm jobs is not available in this build yet'),
    'farm.results': () => ok({ results: [] }),
  }),
};
