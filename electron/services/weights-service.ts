/**
 * The weights methods of the contract over the weight store (ARCHITECTURE.md rule 4): `weights.import`
 * decodes a `.wts`, `.safetensors` or `.npz` file as a job (byte progress, cancel, a Diagnostic naming file and line when the
 * file is bad, nothing loaded then); list, tensors, statistics and unload answer metadata only;
 * `weights.bind` auto-maps by PyTorch names. It provides `weightLookup` for lowering, builds and exports.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { BindResult, TensorStats, WeightSet } from '../../core/api/weight-schemas.js';
import { error, fail, ok, type Result } from '../../core/diagnostics.js';
import { autoMapWeights } from '../../core/weights/binding.js';
import { HISTOGRAM_BINS } from '../../core/weights/statistics.js';
import { encodeWts } from '../../core/weights/wts-encoder.js';
import { nodeFiles } from '../workflows/node-files.js';
import { checkDocument } from './network.js';
import type { ServiceContext, ServiceModule } from './service-types.js';
import { WeightStore, type WeightFileSummary } from './weight-store.js';

/** Equal-width bins between min and max over the finite values (the last bin includes max). */
function histogram(values: Float32Array, min: number, max: number, bins: number): number[] {
  const out = new Array<number>(bins).fill(0);
  const width = max - min;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const bin = width > 0 ? Math.min(bins - 1, Math.floor(((v - min) / width) * bins)) : 0;
    out[bin]!++;
  }
  return out;
}

function countZeros(values: Float32Array): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  return zeros;
}

export function createWeightsModule(makeStore: () => WeightStore = () => new WeightStore()): ServiceModule {
  return {
    name: 'weights',
    handlers: (ctx: ServiceContext) => {
      const store = makeStore();
      const loadedAt = new Map<string, string>();
      /** Zero counts, computed on the first statistics request per tensor. */
      const zeros = new Map<string, number>();
      ctx.onShutdown(() => store.dispose());

      const toSet = (file: WeightFileSummary): WeightSet => ({
        id: file.id,
        fileName: file.fileName,
        path: file.path,
        tensorCount: file.tensors.length,
        elementCount: file.valueCount,
        fileBytes: file.bytes,
        loadedAt: loadedAt.get(file.id) ?? new Date().toISOString(),
      });
      const sets = (): WeightSet[] => store.list().map(toSet);
      const changed = (): void => ctx.events.emit('weights.changed', { sets: sets() });
      const unknownSet = (setId: string): Result<never> =>
        fail(error('weights.unknownSet', `There is no loaded weight file with id ${JSON.stringify(setId)}; import the .wts file first.`));

      ctx.provided.weightLookup = (setId) => (store.summary(setId) ? (name: string) => store.tensor(setId, name) : undefined);
      const files = nodeFiles((path, mode) => ctx.files.check(path, mode));
      ctx.provided.adoptWeights = (fileName, tensors) => {
        const file = store.adopt(fileName, tensors);
        loadedAt.set(file.id, new Date().toISOString());
        changed();
        return toSet(file);
      };
      ctx.provided.weightFileName = (setId) => store.summary(setId)?.fileName;

      return {
        'weights.import': async ({ path }) => {
          const checked = await ctx.files.check(path, 'read');
          if (!checked.ok) return checked;
          const real = checked.value;
          const fileName = basename(real);
          const job = ctx.jobs.start({ kind: 'weights.import', title: `Importing ${fileName}` }, async (handle) => {
            // The size at once, so the progress bar can show it before the first chunk is decoded.
            const size = await stat(real).then(
              (s) => s.size,
              () => undefined,
            );
            handle.progress({ phase: 'Decoding', fraction: 0, message: fileName, ...(size !== undefined ? { bytes: { done: 0, total: size } } : {}) });
            const loaded = await store.load(real, {
              signal: handle.signal,
              onProgress: (p) => handle.progress({ phase: 'Decoding', fraction: p.fraction, message: fileName, bytes: { done: p.bytes, total: p.totalBytes } }),
            });
            if (!loaded.ok) return fail(loaded.diagnostic);
            if (handle.signal.aborted) {
              // Cancelled after the worker finished: the job reports cancelled, so nothing may stay loaded.
              store.unload(loaded.file.id);
              return fail(error('wts.cancelled', `Importing '${fileName}' was cancelled; nothing was loaded.`));
            }
            loadedAt.set(loaded.file.id, new Date().toISOString());
            const file = loaded.file;
            handle.log('info', `Decoded ${file.tensors.length} tensors (${file.valueCount} values) from ${fileName} in ${file.decodeSeconds.toFixed(3)} s.`);
            changed();
            return ok(toSet(file));
          });
          return ok({ jobId: job.id });
        },

        'weights.list': () => ok({ sets: sets() }),

        'weights.tensors': ({ setId }) => {
          const file = store.summary(setId);
          if (!file) return unknownSet(setId);
          return ok({ tensors: file.tensors.map((t) => ({ name: t.name, count: t.count, ...(t.shape ? { shape: t.shape } : {}) })) });
        },

        'weights.stats': ({ setId, names, bins }) => {
          const file = store.summary(setId);
          if (!file) return unknownSet(setId);
          const byName = new Map(file.tensors.map((t) => [t.name, t]));
          const missing = names.filter((n) => !byName.has(n));
          if (missing.length > 0)
            return fail(
              error(
                'weights.unknownTensor',
                `'${file.fileName}' has no tensor ${missing
                  .slice(0, 5)
                  .map((n) => `'${n}'`)
                  .join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}.`,
              ),
            );
          const stats: TensorStats[] = names.map((name) => {
            const tensor = byName.get(name)!;
            const values = store.tensor(setId, name) ?? new Float32Array(0);
            const s = tensor.statistics;
            const key = `${setId}\u0000${name}`;
            let zeroCount = zeros.get(key);
            if (zeroCount === undefined) zeros.set(key, (zeroCount = countZeros(values)));
            return {
              name,
              count: tensor.count,
              min: s.min,
              max: s.max,
              mean: s.mean,
              std: s.std,
              zeros: zeroCount,
              nonFinite: s.nanCount + s.infCount,
              histogram: bins === HISTOGRAM_BINS ? [...s.histogram] : histogram(values, s.min, s.max, bins),
            };
          });
          return ok({ stats });
        },

        'weights.unload': ({ setId }) => {
          if (!store.unload(setId)) return unknownSet(setId);
          loadedAt.delete(setId);
          for (const key of [...zeros.keys()]) if (key.startsWith(`${setId}\u0000`)) zeros.delete(key);
          changed();
          return ok({});
        },

        'weights.save': async ({ setId, path }) => {
          const file = store.summary(setId);
          if (!file) return unknownSet(setId);
          const tensors = file.tensors.map((t) => ({ name: t.name, values: store.tensor(setId, t.name)! }));
          // In chunks, through the checked file access (a 1 GB set is never one buffer).
          const written = await files.write(path, encodeWts(tensors.length, tensors, 4 << 20));
          return written.ok ? ok({ path: written.value }) : written;
        },

        'weights.bind': ({ setId, document }) => {
          const file = store.summary(setId);
          if (!file) return unknownSet(setId);
          const checked = checkDocument(document);
          if (!checked.ok) return checked;
          const { doc, report, tensorCount, boundCount, ignored, unused, summary } = autoMapWeights(checked.value, store.tensorInfos(setId));
          const result: BindResult = { bindings: doc.bindings, tensorCount, boundCount, ignored, unused, summary };
          return ok(result, report.diagnostics);
        },
      };
    },
  };
}

export const weightsModule: ServiceModule = createWeightsModule();
