/**
 * Layer-by-layer comparison (`compare.start`, `compare.tensors`): every layer that has a reference
 * (a PyTorch activation or the same layer on a second backend) checked against a tolerance, as a
 * job of kind `compare`. The work is electron/workflows/compare.ts, shared with `trt-studio compare`;
 * the tensors of the last few comparisons stay here for the side-by-side view.
 */
import { basename } from 'node:path';
import { compareTensors } from '../../core/compare/metrics.js';
import type { ComparedPair } from '../../core/compare/report.js';
import { error, fail, ok, type Result } from '../../core/diagnostics.js';
import type { Backend } from '../backends/backend.js';
import { compareLayers, jobWorkflowContext, nodeFiles, type WorkflowContext } from '../workflows/index.js';
import type { JobHandle } from './jobs.js';
import { checkDocument, weightsOf } from './network.js';
import type { ServiceContext, ServiceModule } from './service-types.js';

/** Comparisons whose tensors are kept for `compare.tensors`; an older one answers that it was released. */
export const KEPT_COMPARISONS = 4;

export const compareModule: ServiceModule = {
  name: 'compare',
  handlers: (ctx: ServiceContext) => {
    const kept = new Map<string, ComparedPair[]>();
    const released = new Set<string>();
    const keep = (jobId: string, pairs: ComparedPair[]) => {
      kept.set(jobId, pairs);
      while (kept.size > KEPT_COMPARISONS) {
        const [oldest] = kept.keys();
        kept.delete(oldest!);
        released.add(oldest!);
      }
    };
    const files = nodeFiles((path, mode) => ctx.files.check(path, mode));
    const backendOf = (id: Parameters<WorkflowContext['backend']>[0]): Promise<Result<Backend>> =>
      ctx.provided.backend
        ? ctx.provided.backend(id)
        : Promise.resolve(fail(error('compare.backends', 'The comparison cannot run: no backends are available in this host.')));
    const contextOf = (job: JobHandle): WorkflowContext => jobWorkflowContext(job, backendOf, files);

    return {
      'compare.start': (options) => {
        const { document, weightSetId, backend, against, inputPath, tolerance } = options;
        const checked = checkDocument(document);
        if (!checked.ok) return checked;
        const weights = weightsOf(ctx.provided, weightSetId);
        if (!weights.ok) return weights;
        const usesTrt = backend === 'tensorrt' || (against.kind === 'backend' && against.backend === 'tensorrt');
        const what = against.kind === 'reference' ? basename(against.path) : against.backend === 'tensorrt' ? 'TensorRT' : 'ONNX Runtime';
        const job = ctx.jobs.start(
          { kind: 'compare', title: `Comparing ${document.name} with ${what}`, ...(usesTrt ? { exclusive: 'engine-host' } : {}) },
          async (handle) => {
            // Paths are checked against the allowed folders before anything reads them (a reference folder is listed).
            for (const path of [inputPath, ...(against.kind === 'reference' ? [against.path] : [])]) {
              const allowed = await ctx.files.check(path, 'read');
              if (!allowed.ok) return allowed;
            }
            const compared = await compareLayers(contextOf(handle), { doc: checked.value, weights: weights.value }, { backend, against, inputPath, tolerance });
            if (!compared.ok) return compared;
            keep(handle.id, compared.value.pairs);
            return ok(compared.value.report, compared.diagnostics);
          },
        );
        return ok({ jobId: job.id });
      },

      'compare.tensors': ({ jobId, layer }) => {
        const pairs = kept.get(jobId);
        if (!pairs)
          return fail(
            error(
              'compare.unknown',
              released.has(jobId)
                ? `The tensors of the comparison ${JSON.stringify(jobId)} were released to make room for newer ones (the last ${KEPT_COMPARISONS} are kept); compare again.`
                : `There is no finished comparison ${JSON.stringify(jobId)}.`,
            ),
          );
        const pair = pairs.find((p) => p.target.layer === layer);
        if (!pair) return fail(error('compare.layer.unknown', `The comparison ${JSON.stringify(jobId)} has no layer '${layer}'.`));
        return ok(compareTensors(layer, pair.actual.data, pair.actual.dims, pair.reference.data, pair.reference.dims));
      },
    };
  },
};
