/** The network check and lowering preview: core's own functions, run on the document the UI sends. */
import { checkNetwork } from '../../core/check/check-network.js';
import { fail, ok } from '../../core/diagnostics.js';
import { lowerToProgram, type WeightLookup } from '../../core/lower/lower.js';
import { validateDocument } from '../../core/network/project-file.js';
import type { NetworkDocument } from '../../core/network/types.js';
import type { Result } from '../../core/diagnostics.js';
import type { ServiceModule } from './service-types.js';

/** The contract checked the structure; this checks the meaning (types, ports, params) as loading a file would. */
export function checkDocument(document: NetworkDocument): Result<NetworkDocument> {
  return validateDocument(document, `network '${document.name}'`);
}

export const networkModule: ServiceModule = {
  name: 'network',
  handlers: (ctx) => ({
    'network.check': ({ document }) => {
      const checked = checkDocument(document);
      if (!checked.ok) return checked;
      const { shapes, diagnostics } = checkNetwork(checked.value);
      return ok({ ...shapes, diagnostics });
    },
    'network.lower': ({ document, weightSetId }) => {
      const checked = checkDocument(document);
      if (!checked.ok) return checked;
      let lookup: WeightLookup = () => undefined;
      if (weightSetId !== null) {
        const found = ctx.provided.weightLookup?.(weightSetId);
        if (!found)
          return fail({
            severity: 'error',
            code: 'weights.unknownSet',
            message: `There is no loaded weight file with id ${JSON.stringify(weightSetId)}; import the .wts file first.`,
          });
        lookup = found;
      }
      const lowered = lowerToProgram(checked.value, lookup);
      return lowered.ok ? ok({ program: lowered.value.program }, lowered.diagnostics) : lowered;
    },
  }),
};
