/**
 * Layer-by-layer comparison (`compare.start`, `compare.tensors`): every layer that has a reference
 * (a PyTorch activation or the same layer on a second backend) checked against a tolerance.
 */
import { notAvailable } from '../../core/api/contract.js';
import { fail } from '../../core/diagnostics.js';
import type { ServiceModule } from './service-types.js';

export const compareModule: ServiceModule = {
  name: 'compare',
  handlers: () => ({
    'compare.start': () => fail(notAvailable('compare.start', 'the layer comparison is not finished in this build yet')),
    'compare.tensors': () => fail(notAvailable('compare.tensors', 'the layer comparison is not finished in this build yet')),
  }),
};
