/**
 * The contract's files.* handlers over FileAccess.
 * Apart from files.ts so that service-types.ts, whose context names FileAccess, imports nothing that imports it back.
 */
import { ok, fail } from '../../core/diagnostics.js';
import { fileErrorReason } from './file-errors.js';
import { writeFileAtomic } from './atomic-write.js';
import type { ServiceModule } from './service-types.js';

/** The file-browsing methods of the contract. */
export const filesModule: ServiceModule = {
  name: 'files',
  handlers: (ctx) => ({
    'files.roots': () => ok({ roots: ctx.files.listRoots() }),
    'files.list': ({ path, purpose }) => ctx.files.list(path, purpose),
    'files.write': async ({ path, data, encoding }) => {
      const checked = await ctx.files.check(path, 'write');
      if (!checked.ok) return checked;
      const bytes = Buffer.from(data, encoding);
      try {
        await writeFileAtomic(checked.value, bytes);
      } catch (e) {
        return fail({ severity: 'error', code: 'files.write', message: `Cannot write ${checked.value}: ${fileErrorReason(e)}.` });
      }
      return ok({ path: checked.value, bytes: bytes.length });
    },
  }),
};
