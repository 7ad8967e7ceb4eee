/**
 * `farm.*`: the build matrix handed to the cluster's scheduler (Slurm). Every method first asks
 * whether the scheduler's commands are on this host; without them the host answers why, in one
 * sentence. Submissions live next to the project (`<project folder>/farm/<submission>/`, see
 * electron/farm/store.ts); the project, weights, inputs and that folder must be inside the allowed roots.
 */
import { dirname, join } from 'node:path';
import { error, fail, ok, type Diagnostic } from '../../core/diagnostics.js';
import { SlurmDriver } from '../farm/slurm.js';
import { FARM_FOLDER, FarmStore } from '../farm/store.js';
import type { ServiceContext, ServiceModule } from './service-types.js';

const unavailable = (reason: string) => fail(error('farm.noScheduler', `${reason}.`));

export const farmModule: ServiceModule = {
  name: 'farm',
  handlers: (ctx: ServiceContext) => {
    const driver = new SlurmDriver();
    const store = new FarmStore(ctx.configDir, driver);
    return {
      'farm.submit': async (params) => {
        const reason = await driver.unavailableReason();
        if (reason !== null) return unavailable(reason);
        const problems: Diagnostic[] = [];
        const check = async (path: string, mode: 'read' | 'write') => {
          const checked = await ctx.files.check(path, mode);
          if (!checked.ok) problems.push(...checked.diagnostics);
          return checked.ok ? checked.value : path;
        };
        const projectPath = await check(params.projectPath, 'read');
        const weightsPath = params.weightsPath !== null ? await check(params.weightsPath, 'read') : null;
        const inputs: string[] = [];
        for (const input of params.inputs) inputs.push(await check(input, 'read'));
        if (problems.length === 0) await check(join(dirname(projectPath), FARM_FOLDER), 'write');
        if (problems.length > 0) return fail(...problems);
        return store.submit({ projectPath, weightsPath, targets: params.targets, inputs, iterations: params.iterations });
      },
      'farm.status': async ({ submission }) => {
        const reason = await driver.unavailableReason();
        if (reason !== null) return ok({ jobs: [], scheduler: { available: false, reason } });
        const jobs = await store.status(submission);
        if (!jobs.ok) {
          const scheduler = jobs.diagnostics[0]?.code === 'farm.scheduler';
          return scheduler ? ok({ jobs: [], scheduler: { available: false, reason: jobs.diagnostics[0]!.message } }) : jobs;
        }
        return ok({ jobs: jobs.value, scheduler: { available: true } });
      },
      'farm.cancel': async ({ job }) => {
        const reason = await driver.unavailableReason();
        return reason !== null ? unavailable(reason) : store.cancel(job);
      },
      'farm.results': async ({ submission }) => {
        const reason = await driver.unavailableReason();
        if (reason !== null) return ok({ results: [] });
        const results = await store.results(submission);
        return results.ok ? ok({ results: results.value }, results.diagnostics) : results;
      },
    };
  },
};
