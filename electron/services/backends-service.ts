/**
 * Build, run, profile and export over the backends (ARCHITECTURE.md "Backends"): every one a job
 * with progress, cancel and Diagnostics. `tensorrt` builds engines in the engine host when TensorRT
 * is there; `onnxruntime`, the reference runtime, "builds" by lowering the network, translating it
 * to ONNX and loading it into an ONNX Runtime session, and says so in the result. Built engines stay
 * in this process (the session and the lowered model) under an engine id until the host stops.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type {
  BackendId,
  BackendInfo,
  BuildOptions,
  BuildResult,
  ExportFormat,
  HandlerParams,
  ProfileResult as ProfileResultMessage,
  RunResult,
} from '../../core/api.js';
import { error, fail, ok, warning, type Diagnostic, type Result } from '../../core/diagnostics.js';
import { cppTargetName, generateCpp, generateCppCMake, generatePython } from '../../core/codegen/index.js';
import { lowerToProgram, type WeightLookup } from '../../core/lower/lower.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { boundWeightsForExport } from '../../core/weights/binding.js';
import { formulaInput } from '../../core/weights/formula.js';
import { encodeWtsBytes } from '../../core/weights/wts-codec.js';
import type { Backend, BackendModel, BackendSession, NamedTensor } from '../backends/backend.js';
import { onnxRuntimeBackend } from '../backends/onnxruntime/backend.js';
import { TensorRTBackend, TensorRTSession, type NativeBuildEvent, type NativeBuildOptions } from '../backends/tensorrt/backend.js';
import { writeFileAtomic } from './atomic-write.js';
import { imageToTensor, loadImage, loadImagenetLabels, topK } from './images.js';
import type { JobHandle } from './jobs.js';
import { checkDocument } from './network.js';
import { readNpy, writeNpy } from './npy.js';
import type { ServiceContext, ServiceModule } from './service-types.js';

/** Engines kept ready to run; building more releases the oldest (its history entry stays). */
export const MAX_LIVE_ENGINES = 8;
/** Values returned per run in all (the rest is in `.npy` files when asked); each output keeps at least 16. */
const VALUE_BUDGET = 2_000_000;
const MAX_VALUES_PER_OUTPUT = 65_536;

export const ONNXRUNTIME_NOTE =
  'Built with ONNX Runtime, the reference runtime on the CPU: the network was lowered, translated to ONNX and loaded into an ONNX Runtime session. No TensorRT engine was built; precision, workspace, optimization level and timing cache apply to TensorRT builds only.';

interface ExportFiles {
  bytes: Uint8Array;
  beside?: { name: string; bytes: Uint8Array };
}

interface Engine {
  result: BuildResult;
  session: BackendSession;
  model: BackendModel;
  document: NetworkDocument;
  weightSetId: string | null;
}

export interface BackendsModuleOptions {
  /** The reference backend (default: onnxruntime-node in a worker). */
  onnxruntime?: Backend;
  /** Makes the TensorRT backend on first use, given where its build events go (default: one over a forked engine host). */
  tensorrt?: (onBuildEvent: (event: NativeBuildEvent) => void) => TensorRTBackend;
}

const PRECISIONS: Record<BuildOptions['precision'], NativeBuildOptions['precision'] | undefined> = {
  fp32: 'FP32',
  fp16: 'FP16',
  bf16: 'BF16',
  int8: 'INT8',
  fp8: undefined,
};

function errnoReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
}

function elements(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function toFloat32(data: NamedTensor['data']): Float32Array {
  if (data instanceof Float32Array) return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]!);
  return out;
}

/** A file name part made from a tensor or image name. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '_') || 'output';
}

/** Mean of each output's statistics over all values. */
function outputStats(data: Float32Array): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return data.length === 0 ? { min: 0, max: 0, mean: 0 } : { min, max, mean: sum / data.length };
}

/** Agreement of two engines' outputs over the same images. */
export function compareOutputs(
  a: Float32Array[][],
  b: Float32Array[][],
  topA: number[][],
  topB: number[][],
): { maxAbsDifference: number; cosineSimilarity: number; topKAgreement: number } {
  let maxAbs = 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++)
    for (let o = 0; o < Math.min(a[i]!.length, b[i]?.length ?? 0); o++) {
      const x = a[i]![o]!;
      const y = b[i]![o]!;
      for (let k = 0; k < Math.min(x.length, y.length); k++) {
        maxAbs = Math.max(maxAbs, Math.abs(x[k]! - y[k]!));
        dot += x[k]! * y[k]!;
        na += x[k]! * x[k]!;
        nb += y[k]! * y[k]!;
      }
    }
  let agree = 0;
  for (let i = 0; i < topA.length; i++) {
    const sa = [...(topA[i] ?? [])].sort((p, q) => p - q).join(',');
    const sb = [...(topB[i] ?? [])].sort((p, q) => p - q).join(',');
    if (sa === sb) agree++;
  }
  return {
    maxAbsDifference: maxAbs,
    cosineSimilarity: na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : na === nb ? 1 : 0,
    topKAgreement: topA.length > 0 ? agree / topA.length : 1,
  };
}

export function createBackendsModule(options: BackendsModuleOptions = {}): ServiceModule {
  return {
    name: 'backends',
    handlers: (ctx: ServiceContext) => {
      const ort = options.onnxruntime ?? onnxRuntimeBackend;
      let trt: TensorRTBackend | undefined;
      /** Build events of the TensorRT build in flight (builds of the engine host run one at a time). */
      let onTrtEvent: ((event: NativeBuildEvent) => void) | undefined;
      const tensorrt = (): TensorRTBackend => {
        const onBuildEvent = (event: NativeBuildEvent): void => onTrtEvent?.(event);
        trt ??= options.tensorrt ? options.tensorrt(onBuildEvent) : new TensorRTBackend({ onBuildEvent });
        return trt;
      };
      const engines = new Map<string, Engine>();
      const history: BuildResult[] = [];
      let nextEngine = 1;
      let labels: Promise<string[] | undefined> | undefined;
      const imagenetLabels = (): Promise<string[] | undefined> =>
        (labels ??= loadImagenetLabels().catch((e: unknown) => {
          ctx.log.warn(`ImageNet class names are unavailable: ${(e as Error).message}`);
          return undefined;
        }));

      ctx.onShutdown(async () => {
        for (const engine of engines.values()) await engine.session.dispose().catch(() => undefined);
        engines.clear();
        trt?.dispose();
      });

      // --- capabilities -------------------------------------------------------------------------
      let ortInfo: Promise<BackendInfo> | undefined;
      let trtInfo: Promise<BackendInfo> | undefined;
      ctx.provided.backends.push(
        () =>
          (ortInfo ??= (async (): Promise<BackendInfo> => {
            const found = await ort.available();
            if (!found.ok)
              return {
                id: 'onnxruntime',
                available: false,
                reason: found.diagnostics[0]?.message ?? 'ONNX Runtime cannot be loaded.',
                features: { build: false, run: false, profile: false, export: false },
              };
            const module = await import('onnxruntime-node');
            return {
              id: 'onnxruntime',
              available: true,
              version: module.env.versions.node ?? module.env.versions.common,
              device: 'CPU',
              features: { build: true, run: true, profile: true, export: true },
            };
          })()),
        () =>
          (trtInfo ??= (async (): Promise<BackendInfo> => {
            const caps = await tensorrt().hostCapabilities();
            const none = { build: false, run: false, profile: false, export: false };
            if (!caps.ok) {
              // The engine host itself failed (not TensorRT missing): ask again next time.
              trtInfo = undefined;
              return { id: 'tensorrt', available: false, reason: caps.diagnostics.map((d) => d.message).join(' '), features: none };
            }
            const native = caps.value.native;
            if (!caps.value.available)
              return { id: 'tensorrt', available: false, reason: caps.value.explanation ?? 'TensorRT is not available on this machine.', features: none };
            return {
              id: 'tensorrt',
              available: true,
              ...(native?.runtimeVersion ? { version: native.runtimeVersion } : {}),
              ...(native?.gpus[0] ? { device: native.gpus[0].name } : {}),
              features: { build: true, run: true, profile: true, export: true },
            };
          })()),
      );

      // --- helpers ------------------------------------------------------------------------------
      const lookupFor = (weightSetId: string | null): Result<WeightLookup> => {
        if (weightSetId === null) return ok(() => undefined);
        const found = ctx.provided.weightLookup?.(weightSetId);
        if (!found)
          return fail(error('weights.unknownSet', `There is no loaded weight file with id ${JSON.stringify(weightSetId)}; import the .wts file first.`));
        return ok(found);
      };

      const lower = (document: NetworkDocument, weightSetId: string | null): Result<{ doc: NetworkDocument; model: BackendModel }> => {
        const checked = checkDocument(document);
        if (!checked.ok) return checked;
        const lookup = lookupFor(weightSetId);
        if (!lookup.ok) return lookup;
        const lowered = lowerToProgram(checked.value, lookup.value);
        if (!lowered.ok) return lowered;
        return ok({ doc: checked.value, model: lowered.value }, lowered.diagnostics);
      };

      const engineOf = (engineId: string): Result<Engine> => {
        const engine = engines.get(engineId);
        if (engine) return ok(engine);
        const built = history.some((b) => b.engineId === engineId);
        return fail(
          error(
            'engine.unknown',
            built
              ? `The engine ${JSON.stringify(engineId)} was released to make room for newer builds (at most ${MAX_LIVE_ENGINES} are kept); build it again.`
              : `There is no engine ${JSON.stringify(engineId)}; build the network first.`,
          ),
        );
      };

      const keep = async (engine: Engine): Promise<void> => {
        engines.set(engine.result.engineId, engine);
        while (engines.size > MAX_LIVE_ENGINES) {
          const [oldest, old] = engines.entries().next().value as [string, Engine];
          engines.delete(oldest);
          await old.session.dispose().catch(() => undefined);
        }
      };

      const writeOutput = async (path: string, bytes: Uint8Array): Promise<Result<string>> => {
        const checked = await ctx.files.check(path, 'write');
        if (!checked.ok) return checked;
        try {
          await writeFileAtomic(checked.value, bytes);
          return ok(checked.value);
        } catch (e) {
          return fail(error('export.write', `Cannot write ${path}: ${errnoReason(e)}.`));
        }
      };

      // --- build --------------------------------------------------------------------------------
      async function buildOnnxRuntime(job: JobHandle, model: BackendModel): Promise<Result<BackendSession>> {
        job.progress({ phase: 'Creating the ONNX Runtime session', fraction: 0.5, step: { index: 2, total: 3 } });
        const built = await ort.build(model, job.signal);
        if (built.ok && job.signal.aborted) {
          await built.value.dispose();
          return fail(error('build.cancelled', 'The build was cancelled.'));
        }
        return built;
      }

      async function buildTensorRT(
        job: JobHandle,
        model: BackendModel,
        opts: BuildOptions,
      ): Promise<Result<{ session: BackendSession; diagnostics: Diagnostic[] }>> {
        const backend = tensorrt();
        const available = await backend.available();
        if (!available.ok) return available;
        const precision = PRECISIONS[opts.precision];
        if (!precision)
          return fail(
            error('build.precision', `The precision ${opts.precision} is not offered by TensorRT builds here; choose fp32, fp16, bf16 or int8.`, {
              field: 'precision',
            }),
          );
        const buildOptions: NativeBuildOptions = {
          precision,
          workspaceBytes: opts.workspaceMiB * 1024 * 1024,
          optimizationLevel: opts.optimizationLevel,
          tf32: opts.tf32 === true,
        };
        if (opts.timingCachePath !== null) {
          const checked = await ctx.files.check(opts.timingCachePath, 'write');
          if (!checked.ok) return checked;
          try {
            buildOptions.timingCache = await readFile(checked.value);
            job.log('info', `Read the timing cache ${checked.value} (${buildOptions.timingCache.length} bytes).`);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
              return fail(error('build.timingCache', `Cannot read the timing cache ${opts.timingCachePath}: ${errnoReason(e)}.`, { field: 'timingCachePath' }));
            job.log('info', `The timing cache ${checked.value} does not exist yet; the build will create it.`);
          }
        }
        const phases = new Map<string, number>();
        onTrtEvent = (event) => {
          if (event.kind === 'diagnostic')
            job.log(event.diagnostic.severity === 'error' ? 'error' : event.diagnostic.severity === 'warning' ? 'warning' : 'info', event.diagnostic.message);
          else if (event.kind === 'phaseStart') {
            phases.set(event.phase, event.nbSteps);
            job.progress({ phase: event.phase, step: { index: 0, total: event.nbSteps } });
            job.log('verbose', `${event.phase} started`);
          } else if (event.kind === 'step') {
            const total = phases.get(event.phase) ?? 0;
            job.progress({
              phase: event.phase,
              step: { index: event.step + 1, total: Math.max(total, event.step + 1) },
              ...(total > 0 ? { fraction: Math.min(1, (event.step + 1) / total) } : {}),
            });
          } else job.log('verbose', `${event.phase} finished`);
        };
        job.progress({ phase: 'Building the TensorRT engine', fraction: 0.3 });
        const built = await backend.buildEngine(model, { buildOptions, signal: job.signal }).finally(() => (onTrtEvent = undefined));
        if (!built.ok) return built;
        if (opts.timingCachePath !== null && built.value.timingCache.length > 0) {
          const saved = await writeOutput(opts.timingCachePath, built.value.timingCache);
          if (!saved.ok) return saved;
          job.log('info', `Saved the timing cache to ${saved.value}.`);
        }
        return ok({ session: backend.openEngine(built.value.engine, model.program), diagnostics: built.value.diagnostics });
      }

      // --- run ----------------------------------------------------------------------------------
      /** The input tensor of one run entry: a `.npy` file as it is, or an image through its preprocessing. */
      async function inputFor(entry: HandlerParams<'run.start'>['images'][number], input: { name: string; dims: number[] }): Promise<Result<NamedTensor>> {
        const checked = await ctx.files.check(entry.path, 'read');
        if (!checked.ok) return checked;
        if (extname(checked.value).toLowerCase() === '.npy') {
          let bytes: Uint8Array;
          try {
            bytes = await readFile(checked.value);
          } catch (e) {
            return fail(error('npy.read', `Cannot read ${entry.path}: ${errnoReason(e)}.`));
          }
          const array = readNpy(bytes, basename(checked.value));
          if (!array.ok) return array;
          // A sample without its batch dimension gets batch 1.
          const dims = array.value.shape.length === input.dims.length - 1 ? [1, ...array.value.shape] : array.value.shape;
          return ok({ name: input.name, dtype: 'FLOAT', dims, data: array.value.data });
        }
        const image = await loadImage(checked.value);
        if (!image.ok) return image;
        const p = entry.preprocessing;
        try {
          const data = await imageToTensor(image.value, p);
          return ok({ name: input.name, dtype: 'FLOAT', dims: [1, p.channels, p.height, p.width], data });
        } catch (e) {
          return fail(error('image.preprocess', `${basename(entry.path)} could not be preprocessed: ${(e as Error).message}.`, { detail: entry.path }));
        }
      }

      // --- handlers -----------------------------------------------------------------------------
      return {
        'build.start': ({ document, weightSetId, options: opts }) => {
          const backendId: BackendId = opts.backend;
          const job = ctx.jobs.start(
            {
              kind: 'build',
              title: `Building ${document.name} with ${backendId === 'tensorrt' ? 'TensorRT' : 'ONNX Runtime'}`,
              ...(backendId === 'tensorrt' ? { exclusive: 'engine-host' } : {}),
            },
            async (handle) => {
              const started = performance.now();
              handle.progress({ phase: 'Lowering the network', fraction: 0, step: { index: 1, total: 3 } });
              const lowered = lower(document, weightSetId);
              if (!lowered.ok) return lowered;
              const diagnostics: Diagnostic[] = [...(lowered.diagnostics ?? [])];
              const { doc, model } = lowered.value;
              handle.log('info', `Lowered '${doc.name}' to ${model.program.ops.length} TensorRT layers.`);
              // Dynamic-shape profiles from the build panel override the document's.
              for (const [name, profile] of Object.entries(opts.profiles)) {
                const input = model.program.inputs.find((i) => i.name === name);
                if (!input)
                  return fail(
                    error(
                      'build.profile.input',
                      `The optimization profile names the input '${name}', which the network does not have; its inputs are ${model.program.inputs.map((i) => `'${i.name}'`).join(', ')}.`,
                      { field: 'profiles' },
                    ),
                  );
                input.profile = profile;
              }
              let session: BackendSession;
              let note: string | undefined;
              if (backendId === 'onnxruntime') {
                if (opts.precision !== 'fp32')
                  diagnostics.push(
                    warning(
                      'build.precision.ignored',
                      `ONNX Runtime runs the network in FP32; the precision ${opts.precision} applies to TensorRT builds only.`,
                      { field: 'precision' },
                    ),
                  );
                const built = await buildOnnxRuntime(handle, model);
                if (!built.ok) return built;
                session = built.value;
                note = ONNXRUNTIME_NOTE;
                handle.log('info', note);
              } else {
                const built = await buildTensorRT(handle, model, opts);
                if (!built.ok) return built;
                session = built.value.session;
                diagnostics.push(...built.value.diagnostics);
                note = `Built a TensorRT engine of ${session.sizeBytes} bytes.`;
              }
              const result: BuildResult = {
                engineId: `engine-${nextEngine++}`,
                backend: backendId,
                networkName: doc.name,
                sizeBytes: session.sizeBytes,
                buildMs: performance.now() - started,
                builtAt: new Date().toISOString(),
                options: opts,
                note,
              };
              await keep({ result, session, model, document: doc, weightSetId });
              history.unshift(result);
              handle.progress({ phase: 'Built', fraction: 1, step: { index: 3, total: 3 } });
              return ok(result, diagnostics);
            },
          );
          return ok({ jobId: job.id });
        },

        'build.history': () => ok({ builds: [...history] }),

        'run.start': ({ engineIds, images, topK: k, outputNpyDir }) => {
          const found: Engine[] = [];
          for (const id of engineIds) {
            const engine = engineOf(id);
            if (!engine.ok) return engine;
            found.push(engine.value);
          }
          for (const engine of found)
            if (engine.session.inputs.length !== 1)
              return fail(
                error(
                  'run.inputs',
                  `The network '${engine.result.networkName}' has ${engine.session.inputs.length} inputs; test images feed networks with exactly one input.`,
                ),
              );
          const usesTrt = found.some((e) => e.result.backend === 'tensorrt');
          const title = images.length === 1 ? `Running ${basename(images[0]!.path)}` : `Running ${images.length} images`;
          const job = ctx.jobs.start({ kind: 'run', title, ...(usesTrt ? { exclusive: 'engine-host' } : {}) }, async (handle) => {
            const names = await imagenetLabels();
            let npyDir: string | undefined;
            if (outputNpyDir !== null) {
              const checked = await ctx.files.check(outputNpyDir, 'read');
              if (!checked.ok) return checked;
              npyDir = checked.value;
            }
            const outputCount = found.reduce((n, e) => n + e.session.outputs.length, 0);
            const perOutput = Math.max(16, Math.min(MAX_VALUES_PER_OUTPUT, Math.floor(VALUE_BUDGET / Math.max(1, images.length * outputCount))));
            const perEngine = found.map(() => ({ images: [] as RunResult['images'], data: [] as Float32Array[][], tops: [] as number[][] }));
            const stems = new Map<string, number>();
            for (let i = 0; i < images.length; i++) {
              if (handle.signal.aborted) return fail(error('run.cancelled', 'The run was cancelled.'));
              const entry = images[i]!;
              handle.progress({ phase: 'Running', fraction: i / images.length, step: { index: i, total: images.length }, message: basename(entry.path) });
              let stem = safeName(basename(entry.path, extname(entry.path)));
              const seen = stems.get(stem) ?? 0;
              stems.set(stem, seen + 1);
              if (seen > 0) stem = `${stem}_${seen + 1}`;
              for (let e = 0; e < found.length; e++) {
                const engine = found[e]!;
                const input = await inputFor(entry, engine.session.inputs[0]!);
                if (!input.ok) return input;
                const t0 = performance.now();
                const ran = await engine.session.run([input.value], handle.signal);
                const elapsedMs = performance.now() - t0;
                // Say which image a failed run was given (the backend's message names the input and dims).
                if (!ran.ok) return fail(...ran.diagnostics.map((d) => ({ ...d, detail: d.detail ?? `${entry.path} (engine ${engine.result.engineId})` })));
                const outputs: RunResult['images'][number]['outputs'] = [];
                const data: Float32Array[] = [];
                for (const out of ran.value) {
                  const values = toFloat32(out.data);
                  data.push(values);
                  const shown = Array.from(values.subarray(0, perOutput));
                  let npyPath: string | undefined;
                  if (npyDir !== undefined) {
                    const file = `${stem}${found.length > 1 ? `.${engine.result.engineId}` : ''}.${safeName(out.name)}.npy`;
                    const written = await writeOutput(join(npyDir, file), writeNpy(elements(out.dims) === values.length ? out.dims : [values.length], values));
                    if (!written.ok) return written;
                    npyPath = written.value;
                  }
                  outputs.push({
                    name: out.name,
                    dims: out.dims,
                    ...outputStats(values),
                    values: shown,
                    truncated: values.length > shown.length,
                    ...(npyPath ? { npyPath } : {}),
                  });
                }
                // Classes from the first output's first sample; ImageNet names when it has 1,000 classes.
                const first = ran.value[0];
                let top: RunResult['images'][number]['top'] = [];
                if (first && data[0]) {
                  const batch = first.dims.length >= 2 ? Math.max(1, first.dims[0]!) : 1;
                  const sample = data[0].subarray(0, Math.floor(data[0].length / batch));
                  top = topK(sample, Math.min(k, sample.length), sample.length === 1000 ? names : undefined);
                }
                perEngine[e]!.images.push({ path: entry.path, top, outputs, elapsedMs });
                perEngine[e]!.data.push(data);
                perEngine[e]!.tops.push(top.map((t) => t.index));
              }
            }
            handle.progress({ phase: 'Done', fraction: 1, step: { index: images.length, total: images.length } });
            const comparisons: RunResult['comparisons'] = [];
            for (let a = 0; a < found.length; a++)
              for (let b = a + 1; b < found.length; b++)
                comparisons.push({
                  a: found[a]!.result.engineId,
                  b: found[b]!.result.engineId,
                  ...compareOutputs(perEngine[a]!.data, perEngine[b]!.data, perEngine[a]!.tops, perEngine[b]!.tops),
                });
            const result: RunResult = {
              engineId: found[0]!.result.engineId,
              backend: found[0]!.result.backend,
              images: perEngine[0]!.images,
              comparisons,
              ...(found.length > 1
                ? {
                    others: found
                      .slice(1)
                      .map((engine, i) => ({ engineId: engine.result.engineId, backend: engine.result.backend, images: perEngine[i + 1]!.images })),
                  }
                : {}),
            };
            return ok(result);
          });
          return ok({ jobId: job.id });
        },

        'profile.start': ({ engineId, iterations, warmupIterations }) => {
          const found = engineOf(engineId);
          if (!found.ok) return found;
          const engine = found.value;
          const job = ctx.jobs.start(
            {
              kind: 'profile',
              title: `Profiling ${engine.result.networkName} (${iterations} runs)`,
              ...(engine.result.backend === 'tensorrt' ? { exclusive: 'engine-host' } : {}),
            },
            async (handle) => {
              // A deterministic input of the network's shape (dynamic dims at their profile's opt, else 1).
              const inputs: NamedTensor[] = engine.model.program.inputs.map((input) => {
                const dims = input.dims.map((d, i) => (d >= 0 ? d : (input.profile?.opt[i] ?? 1)));
                return { name: input.name, dtype: 'FLOAT', dims, data: formulaInput(dims) };
              });
              handle.progress({ phase: 'Profiling', fraction: 0, message: `${warmupIterations} warm-up and ${iterations} timed runs` });
              const profiled = await engine.session.profile(inputs, { iterations, warmup: warmupIterations, signal: handle.signal });
              if (!profiled.ok) return profiled;
              const { latency, layers } = profiled.value;
              const diagnostics: Diagnostic[] = [...(profiled.diagnostics ?? [])];
              let engineInspector: string | undefined;
              if (engine.session instanceof TensorRTSession) {
                handle.progress({ phase: 'Inspecting the engine', fraction: 0.9 });
                const inspected = await engine.session.inspect(handle.signal);
                if (inspected.ok) engineInspector = inspected.value;
                else
                  diagnostics.push(
                    ...inspected.diagnostics.map((d) => ({
                      ...d,
                      severity: 'warning' as const,
                      message: `The engine inspector gave no view of the fused layers: ${d.message}`,
                    })),
                  );
              }
              handle.progress({ phase: 'Profiled', fraction: 1 });
              const result: ProfileResultMessage = {
                engineId,
                backend: engine.result.backend,
                iterations: latency.iterations,
                latencyMs: {
                  min: latency.minMs,
                  mean: latency.meanMs,
                  median: latency.p50Ms,
                  p90: latency.p90Ms,
                  p95: latency.p95Ms,
                  p99: latency.p99Ms,
                  max: latency.maxMs,
                },
                throughputPerSecond: latency.throughput,
                layers: layers.map((l) => ({
                  name: l.layerName,
                  ...(l.nodeId ? { nodeId: l.nodeId } : {}),
                  ms: l.meanMs,
                  percent: l.share * 100,
                  ...(l.fusedFrom ? { fusedFrom: l.fusedFrom } : {}),
                })),
                ...(engineInspector !== undefined ? { engineInspector } : {}),
              };
              return ok(result, diagnostics);
            },
          );
          return ok({ jobId: job.id });
        },

        'export.start': ({ format, path, document, weightSetId, engineId }) => {
          let engine: Engine | undefined;
          if (engineId !== null) {
            const found = engineOf(engineId);
            if (!found.ok) return found;
            engine = found.value;
          }
          if (format === 'engine' && !engine)
            return fail(
              error('export.engine.none', 'Exporting an .engine needs a TensorRT build: build the network with the tensorrt backend and pass its engine id.'),
            );
          if (format !== 'engine' && document === null && !engine)
            return fail(error('export.nothing', `Exporting ${format} needs the network (document) or a built engine.`));
          const job = ctx.jobs.start({ kind: 'export', title: `Exporting ${basename(path)}` }, async (handle) => {
            handle.progress({ phase: 'Preparing', fraction: 0 });
            const files = await exportBytes(handle, format, basename(path), document, weightSetId, engine);
            if (!files.ok) return files;
            if (handle.signal.aborted) return fail(error('export.cancelled', 'The export was cancelled.'));
            handle.progress({ phase: 'Writing', fraction: 0.9 });
            const written = await writeOutput(path, files.value.bytes);
            if (!written.ok) return written;
            const beside = files.value.beside;
            if (beside) {
              const target = join(dirname(written.value), beside.name);
              if (existsSync(target)) handle.log('info', `${target} exists already; it was left as it is.`);
              else {
                const extra = await writeOutput(target, beside.bytes);
                if (!extra.ok) return extra;
                handle.log('info', `Wrote ${extra.value} beside it.`);
              }
            }
            handle.progress({ phase: 'Written', fraction: 1 });
            return ok({ format, path: written.value, bytes: files.value.bytes.length }, files.diagnostics);
          });
          return ok({ jobId: job.id });
        },
      };

      /** What an export writes: the file, and for C++ the CMakeLists.txt that builds it (written beside it unless one is there). */
      async function exportBytes(
        job: JobHandle,
        format: ExportFormat,
        fileName: string,
        document: NetworkDocument | null,
        weightSetId: string | null,
        engine: Engine | undefined,
      ): Promise<Result<ExportFiles>> {
        if (format === 'engine') {
          if (!engine || !(engine.session instanceof TensorRTSession))
            return fail(
              error(
                'export.engine.backend',
                `The engine ${JSON.stringify(engine?.result.engineId ?? '')} was built with ONNX Runtime, the reference runtime, which makes no TensorRT engine; export .onnx instead, or build with the tensorrt backend.`,
              ),
            );
          return ok({ bytes: engine.session.engine });
        }
        // onnx, wts and code work from the document sent (the canvas now), else from the engine's.
        const doc = document ?? engine!.document;
        const setId = document !== null ? weightSetId : (weightSetId ?? engine!.weightSetId);
        if (format === 'python' || format === 'cpp') {
          // The generated program reads the .wts at run time; the lowered program names its tensors.
          let program = engine?.model.program;
          let diagnostics: Diagnostic[] = [];
          if (document !== null) {
            job.progress({ phase: 'Lowering the network', fraction: 0.2 });
            const lowered = lower(doc, setId);
            if (!lowered.ok) return lowered;
            program = lowered.value.model.program;
            diagnostics = lowered.diagnostics ?? [];
          }
          job.progress({ phase: format === 'python' ? 'Generating Python' : 'Generating C++', fraction: 0.5 });
          const code = format === 'python' ? generatePython(program!) : generateCpp(program!);
          if (!code.ok) return code;
          const bytes = new TextEncoder().encode(code.value);
          // The CMakeLists.txt names the source after the network; point it at the file written.
          const cmake = () =>
            generateCppCMake(program!)
              .split(`${cppTargetName(program!)}.cpp`)
              .join(fileName);
          const beside = format === 'cpp' ? { name: 'CMakeLists.txt', bytes: new TextEncoder().encode(cmake()) } : undefined;
          return ok({ bytes, ...(beside ? { beside } : {}) }, [...diagnostics, ...(code.diagnostics ?? [])]);
        }
        if (format === 'onnx') {
          let model: BackendModel;
          let diagnostics: Diagnostic[] = [];
          if (document === null) model = engine!.model;
          else {
            job.progress({ phase: 'Lowering the network', fraction: 0.2 });
            const lowered = lower(doc, setId);
            if (!lowered.ok) return lowered;
            model = lowered.value.model;
            diagnostics = lowered.diagnostics ?? [];
          }
          job.progress({ phase: 'Translating to ONNX', fraction: 0.5 });
          const bytes = await ort.export(model, job.signal);
          return bytes.ok ? ok({ bytes: bytes.value }, [...diagnostics, ...(bytes.diagnostics ?? [])]) : bytes;
        }
        // wts: the bound tensors, named after the layers they are bound to.
        if (setId === null)
          return fail(error('export.wts.noWeights', 'Exporting .wts needs a loaded weight file (weightSetId): import one and bind it first.'));
        const checked = checkDocument(doc);
        if (!checked.ok) return checked;
        const lookup = lookupFor(setId);
        if (!lookup.ok) return lookup;
        const tensors = boundWeightsForExport(checked.value, lookup.value);
        if (tensors.length === 0)
          return fail(
            error(
              'export.wts.empty',
              `No weight slot of '${checked.value.name}' is bound to a loaded tensor, so there is nothing to write; bind the weights first (auto-map).`,
            ),
          );
        job.progress({ phase: 'Encoding .wts', fraction: 0.5 });
        return ok({ bytes: encodeWtsBytes(tensors) });
      }
    },
  };
}

export const backendsModule: ServiceModule = createBackendsModule();
