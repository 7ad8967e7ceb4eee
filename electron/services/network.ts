/** The network check and lowering preview: core's own functions, run on the document the UI sends. */
import { checkNetwork } from '../../core/check/check-network.js';
import { error, fail, ok } from '../../core/diagnostics.js';
import { lowerToProgram, type WeightLookup } from '../../core/lower/lower.js';
import { validateDocument } from '../../core/network/project-file.js';
import type { NetworkDocument } from '../../core/network/types.js';
import type { Result } from '../../core/diagnostics.js';
import type { ProvidedServices, ServiceModule } from './service-types.js';

/** The contract checked the structure; this checks the meaning (types, ports, params) as loading a file would. */
export function checkDocument(document: NetworkDocument): Result<NetworkDocument> {
  return validateDocument(document, `network '${document.name}'`);
}

/** The loaded weight set's tensors by name (none for `null`: a network without weights), or why the id is unknown. */
export function weightsOf(provided: Pick<ProvidedServices, 'weightLookup'>, weightSetId: string | null): Result<WeightLookup> {
  if (weightSetId === null) return ok(() => undefined);
  const found = provided.weightLookup?.(weightSetId);
  if (!found) return fail(error('weights.unknownSet', `There is no loaded weight file with id ${JSON.stringify(weightSetId)}; import the .wts file first.`));
  return ok(found);
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
      const weights = weightsOf(ctx.provided, weightSetId);
      if (!weights.ok) return weights;
      const lowered = lowerToProgram(checked.value, weights.value);
      return lowered.ok ? ok({ program: lowered.value.program }, lowered.diagnostics) : lowered;
    },
  }),
};
