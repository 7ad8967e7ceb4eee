/**
 * The contract's settings.* handlers over SettingsService.
 * Apart from settings.ts so that service-types.ts, whose context names SettingsService, imports nothing that imports it back.
 */
import { ok, fail } from '../../core/diagnostics.js';
import { fileErrorReason } from './file-errors.js';
import type { ServiceModule } from './service-types.js';

/** The settings methods of the contract. */
export const settingsModule: ServiceModule = {
  name: 'settings',
  handlers: (ctx) => ({
    'settings.get': () => ok(ctx.settings.get()),
    'settings.update': async ({ patch }) => {
      try {
        return ok(await ctx.settings.update(patch));
      } catch (e) {
        return fail({ severity: 'error', code: 'settings.write', message: `Cannot save the settings to ${ctx.settings.file}: ${fileErrorReason(e)}.` });
      }
    },
  }),
};
