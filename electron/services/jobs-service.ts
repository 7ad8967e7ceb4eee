/**
 * The contract's jobs.* handlers over JobService.
 * Apart from jobs.ts so that service-types.ts, whose context names JobService, imports nothing that imports it back.
 */
import { ok, fail } from '../../core/diagnostics.js';
import type { ServiceModule } from './service-types.js';

/** The job methods of the contract (starting a job belongs to the service that does the work). */
export const jobsModule: ServiceModule = {
  name: 'jobs',
  handlers: (ctx) => ({
    'jobs.list': () => ok({ jobs: ctx.jobs.list() }),
    'jobs.cancel': ({ jobId }) => {
      const status = ctx.jobs.cancel(jobId);
      if (status === undefined)
        return fail({
          severity: 'error',
          code: 'jobs.unknown',
          message: `There is no queued or running job ${JSON.stringify(jobId)}; it may have finished already.`,
        });
      return ok({ status });
    },
  }),
};
