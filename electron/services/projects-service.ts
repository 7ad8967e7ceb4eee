/**
 * The contract's project.* handlers over ProjectService.
 * Apart from projects.ts so that service-types.ts, whose context names ProjectService, imports nothing that imports it back.
 */
import { ok } from '../../core/diagnostics.js';
import type { ServiceModule } from './service-types.js';

/** The project methods of the contract. In browser mode, every path must lie inside an allowed root. */
export const projectsModule: ServiceModule = {
  name: 'projects',
  handlers: (ctx) => ({
    'project.open': async ({ path }) => {
      const checked = await ctx.files.check(path, 'read');
      if (!checked.ok) return checked;
      const opened = await ctx.projects.open(checked.value);
      if (opened.ok) await ctx.files.addFolderOf(checked.value);
      return opened;
    },
    'project.save': async ({ path, document, baseVersion, overwrite, weightsPath }, call) => {
      const checked = await ctx.files.check(path, 'write');
      if (!checked.ok) return checked;
      return ctx.projects.save(checked.value, document, { client: call.clientId, baseVersion, overwrite, weightsPath });
    },
    'project.recent': async () => ok({ entries: await ctx.projects.recent() }),
    'project.forgetRecent': async ({ path }) => ok({ entries: await ctx.projects.forgetRecent(path) }),
    'project.autosave': ({ document, projectPath, weightsPath }, call) => {
      ctx.projects.autosave(call.clientId, document, projectPath, weightsPath);
      return ok({ scheduled: true });
    },
    'project.discardAutosave': async (_params, call) => {
      await ctx.projects.discardAutosave(call.clientId);
      return ok({});
    },
    'project.recovery': async () => ok({ offers: await ctx.projects.recoveryOffers() }),
    'project.restore': ({ id }, call) => ctx.projects.restore(id, call.clientId),
    'project.resume': (_params, call) => ctx.projects.resume(call.clientId, call.transport),
    'project.discardRecovery': async ({ id }) => {
      await ctx.projects.discardRecovery(id);
      return ok({});
    },
  }),
};
