/**
 * `model.import`: an `.onnx` file becomes a new network as a job (progress, cancel). The model's
 * initializers go into the weight store as one weight set (the store stays their only owner; the
 * renderer gets the set's metadata), and the document comes back with its slots bound to them. A
 * model that cannot be imported fails the job with the importer's Diagnostics (every unsupported op
 * listed) and loads nothing.
 */
import { basename, extname } from 'node:path';
import { error, fail, ok } from '../../core/diagnostics.js';
import { importModelFile } from '../workflows/import.js';
import { nodeFiles } from '../workflows/node-files.js';
import type { ServiceContext, ServiceModule } from './service-types.js';

export const importModule: ServiceModule = {
  name: 'import',
  handlers: (ctx: ServiceContext) => {
    const files = nodeFiles((path, mode) => ctx.files.check(path, mode));
    return {
      'model.import': async ({ path }) => {
        const checked = await ctx.files.check(path, 'read');
        if (!checked.ok) return checked;
        const real = checked.value;
        const fileName = basename(real);
        const job = ctx.jobs.start({ kind: 'model.import', title: `Importing ${fileName}` }, async (handle) => {
          const imported = await importModelFile(real, {
            files,
            signal: handle.signal,
            progress: (progress) => handle.progress({ ...progress, message: fileName }),
          });
          if (!imported.ok) return fail(...imported.diagnostics);
          const cancelled = () => fail(error('import.cancelled', `Importing '${fileName}' was cancelled; nothing was loaded.`));
          if (handle.signal.aborted) return cancelled();
          const adopt = ctx.provided.adoptWeights;
          if (!adopt) return fail(error('import.noWeightStore', 'This host has no weight store to keep the model’s weights in.'));
          const { doc, weights, opset, producer, valueCount } = imported.value;
          const weightSet = adopt(
            fileName,
            [...weights].map(([name, values]) => ({ name, values })),
          );
          handle.log(
            'info',
            `Imported ${doc.nodes.length} layers and ${weights.size} weight tensors (${valueCount} values) from ${fileName} (opset ${opset}).`,
          );
          for (const d of imported.diagnostics ?? []) handle.log('warning', d.message);
          // The new project is named after the file, as a user names the model (exporters name graphs `main_graph`, `torch_jit`).
          return ok({ document: { ...doc, name: basename(fileName, extname(fileName)) }, weightSet, opset, producer }, imported.diagnostics);
        });
        return ok({ jobId: job.id });
      },
    };
  },
};
