/**
 * Build, run, profile and export over the backends (ARCHITECTURE.md "Backends"), as jobs with
 * progress, cancel and Diagnostics. The work itself is electron/workflows, shared with the CLI;
 * these handlers resolve ids (weight sets, engines), start the jobs and shape the results for the
 * API contract. Built engines stay in this process (the session and the lowered model) under an
 * engine id until the host stops.
 */
import { basename, extname } from 'node:path';
import type { HandlerParams } from '../../core/api/contract.js';
import type {
  BuildResult,
  DetectionCandidatesResult,
  DetectorHead,
  Preprocessing,
  ProfileResult as ProfileResultMessage,
  RunResult,
} from '../../core/api/job-schemas.js';
import type { BackendId, BackendInfo } from '../../core/api/schemas.js';
import { error, fail, ok, warning, type Result } from '../../core/diagnostics.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { compareOutputs } from '../../core/run/compare.js';
import { CANDIDATE_FLOOR, MAX_CANDIDATES, yoloCandidates } from '../../core/run/detection-candidates.js';
import type { Backend, BackendModel, BackendSession } from '../backends/backend.js';
import { onnxRuntimeBackend } from '../backends/onnxruntime/backend.js';
import { TensorRTBackend } from '../backends/tensorrt/backend.js';
import {
  buildEngine,
  exportFiles,
  imagesInput,
  jobWorkflowContext,
  lowerNetwork,
  nodeFiles,
  npyInput,
  profileEngine,
  runInputs,
  type NetworkSource,
  type WorkflowContext,
} from '../workflows/index.js';
import { loadImagenetLabels } from './images.js';
import type { JobHandle } from './jobs.js';
import { checkDocument, weightsOf } from './network.js';
import { KeptRunOutputs, safeName, writeRunOutputs, type RunOutput, type SavedOutput } from './run-outputs.js';
import type { ServiceContext, ServiceModule } from './service-types.js';

export { ONNXRUNTIME_NOTE } from '../workflows/index.js';

/** Engines kept ready to run; building more releases the oldest (its history entry stays). */
export const MAX_LIVE_ENGINES = 8;
/** Values returned per run in all (the rest is in `.npy` files when asked); each output keeps at least 16. */
const VALUE_BUDGET = 2_000_000;
const MAX_VALUES_PER_OUTPUT = 65_536;

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
  /** Makes the TensorRT backend on first use (default: one over a forked engine host). */
  tensorrt?: () => TensorRTBackend;
}

/** Minimum, maximum and mean of an output. */
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

/**
 * The detector head's candidates for one image (core/run/detection-candidates.ts), or a sentence saying why
 * the chosen output cannot be read as that head.
 */
function detectionsOf(
  outputs: readonly { name: string; dims: number[]; data: Float32Array }[],
  head: DetectorHead,
  image: { width: number; height: number },
  p: Preprocessing,
  limit: number,
): DetectionCandidatesResult | string {
  const out = outputs.find((o) => o.name === head.output);
  if (!out) return `The network has no output '${head.output}' to read detections from; its outputs are ${outputs.map((o) => `'${o.name}'`).join(', ')}.`;
  try {
    const c = yoloCandidates(out.data, out.dims, head, CANDIDATE_FLOOR, limit);
    return { output: out.name, image, input: { width: p.width, height: p.height, resize: p.resize }, ...c };
  } catch (e) {
    return `The output '${out.name}' cannot be read as a detector head: ${(e as Error).message}.`;
  }
}

/** Each output of the result names the `.npy` file it went to (`saved` is in run order: image, engine, output). */
function attachNpyPaths(perEngine: readonly { images: RunResult['images'] }[], saved: readonly SavedOutput[]): void {
  let n = 0;
  const imageCount = perEngine[0]?.images.length ?? 0;
  for (let i = 0; i < imageCount; i++) for (const run of perEngine) for (const out of run.images[i]!.outputs) out.npyPath = saved[n++]!.npyPath;
}

export function createBackendsModule(options: BackendsModuleOptions = {}): ServiceModule {
  return {
    name: 'backends',
    handlers: (ctx: ServiceContext) => {
      const ort = options.onnxruntime ?? onnxRuntimeBackend;
      let trt: TensorRTBackend | undefined;
      const tensorrt = (): TensorRTBackend => (trt ??= options.tensorrt ? options.tensorrt() : new TensorRTBackend());
      const engines = new Map<string, Engine>();
      const kept = new KeptRunOutputs();
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

      // --- ids to things -------------------------------------------------------------------------
      const files = nodeFiles((path, mode) => ctx.files.check(path, mode));
      const backendOf = async (id: BackendId): Promise<Result<Backend>> => {
        const backend = id === 'onnxruntime' ? ort : tensorrt();
        const available = await backend.available();
        return available.ok ? ok(backend) : available;
      };
      ctx.provided.backend = backendOf;
      /** The workflows' view of a job. */
      const contextOf = (job: JobHandle): WorkflowContext => jobWorkflowContext(job, backendOf, files);

      /** The document checked against the contract, with the weight set's values. */
      const sourceOf = (document: NetworkDocument, weightSetId: string | null): Result<NetworkSource> => {
        const checked = checkDocument(document);
        if (!checked.ok) return checked;
        const weights = weightsOf(ctx.provided, weightSetId);
        return weights.ok ? ok({ doc: checked.value, weights: weights.value }) : weights;
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

      /** The input tensor of one run entry: a `.npy` file as it is, or an image through its preprocessing (its size into `sizes`). */
      const inputFor = (
        wf: WorkflowContext,
        entry: HandlerParams<'run.start'>['images'][number],
        input: BackendSession['inputs'][number],
        sizes: { width: number; height: number }[],
      ) => (extname(entry.path).toLowerCase() === '.npy' ? npyInput(wf, entry.path, input) : imagesInput(wf, [entry.path], input, entry.preprocessing, sizes));

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
              const wf = contextOf(handle);
              handle.progress({ phase: 'Lowering the network', fraction: 0, step: { index: 1, total: 3 } });
              const source = sourceOf(document, weightSetId);
              if (!source.ok) return source;
              const model = lowerNetwork(wf, source.value);
              if (!model.ok) return model;
              const built = await buildEngine(wf, model.value, opts);
              if (!built.ok) return built;
              const { session, note } = built.value;
              const result: BuildResult = {
                engineId: `engine-${nextEngine++}`,
                backend: backendId,
                networkName: source.value.doc.name,
                sizeBytes: session.sizeBytes,
                buildMs: performance.now() - started,
                builtAt: new Date().toISOString(),
                options: opts,
                note,
              };
              await keep({ result, session, model: model.value, document: source.value.doc, weightSetId });
              history.unshift(result);
              handle.progress({ phase: 'Built', fraction: 1, step: { index: 3, total: 3 } });
              return ok(result, [...(model.diagnostics ?? []), ...(built.diagnostics ?? [])]);
            },
          );
          return ok({ jobId: job.id });
        },

        'build.history': () => ok({ builds: [...history] }),

        'run.start': ({ engineIds, images, topK: k, outputNpyDir, detector }) => {
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
            const wf = contextOf(handle);
            let npyDir: string | undefined;
            if (outputNpyDir !== null) {
              const checked = await ctx.files.check(outputNpyDir, 'read');
              if (!checked.ok) return checked;
              npyDir = checked.value;
            }
            const outputCount = found.reduce((n, e) => n + e.session.outputs.length, 0);
            const perOutput = Math.max(16, Math.min(MAX_VALUES_PER_OUTPUT, Math.floor(VALUE_BUDGET / Math.max(1, images.length * outputCount))));
            const perEngine = found.map(() => ({ images: [] as RunResult['images'], data: [] as Float32Array[][], tops: [] as number[][] }));
            const candidateLimit = Math.max(20, Math.min(MAX_CANDIDATES, Math.floor(VALUE_BUDGET / 6 / Math.max(1, images.length * found.length))));
            const detectorProblems = new Set<string>();
            const whole: RunOutput[] = [];
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
                const sizes: { width: number; height: number }[] = [];
                const input = await inputFor(wf, entry, engine.session.inputs[0]!, sizes);
                if (!input.ok) return input;
                const ran = await runInputs(wf, engine.session, [input.value], { topK: k, imagenetLabels });
                // Say which image a failed run was given (the backend's message names the input and dims).
                if (!ran.ok) return fail(...ran.diagnostics.map((d) => ({ ...d, detail: d.detail ?? `${entry.path} (engine ${engine.result.engineId})` })));
                const outputs: RunResult['images'][number]['outputs'] = [];
                for (const out of ran.value.outputs) {
                  const shown = Array.from(out.data.subarray(0, perOutput));
                  outputs.push({ name: out.name, dims: out.dims, ...outputStats(out.data), values: shown, truncated: out.data.length > shown.length });
                  whole.push({ engineId: engine.result.engineId, image: entry.path, stem, name: out.name, dims: out.dims, data: out.data });
                }
                // The classes of the first output's first sample, when it is a class output.
                const top = ran.value.outputs[0]?.top?.[0] ?? [];
                const detections = detector && sizes[0] ? detectionsOf(ran.value.outputs, detector, sizes[0], entry.preprocessing, candidateLimit) : undefined;
                if (typeof detections === 'string') detectorProblems.add(detections);
                perEngine[e]!.images.push({
                  path: entry.path,
                  top,
                  outputs,
                  elapsedMs: ran.value.elapsedMs,
                  ...(detections && typeof detections !== 'string' ? { detections } : {}),
                });
                perEngine[e]!.data.push(ran.value.outputs.map((o) => o.data));
                perEngine[e]!.tops.push(top.map((t) => t.index));
              }
            }
            if (npyDir !== undefined) {
              handle.progress({ phase: 'Saving outputs', fraction: 1, step: { index: images.length, total: images.length } });
              const saved = await writeRunOutputs(files, npyDir, whole);
              if (!saved.ok) return saved;
              attachNpyPaths(perEngine, saved.value);
            }
            kept.keep(handle.id, whole);
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
            return ok(
              result,
              [...detectorProblems].map((message) => warning('run.detector', message)),
            );
          });
          return ok({ jobId: job.id });
        },

        'run.saveOutputs': async ({ jobId, dir }) => {
          const outputs = kept.get(jobId);
          if (!outputs.ok) return outputs;
          const checked = await ctx.files.check(dir, 'read');
          if (!checked.ok) return checked;
          const saved = await writeRunOutputs(files, checked.value, outputs.value);
          return saved.ok ? ok({ files: saved.value }) : saved;
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
              const profiled = await profileEngine(contextOf(handle), engine.session, engine.model.program.inputs, { iterations, warmup: warmupIterations });
              if (!profiled.ok) return profiled;
              const { latency, layers, engineInspector } = profiled.value;
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
                  ...(l.nodeIds ? { nodeIds: l.nodeIds } : {}),
                  ...(l.internal !== undefined ? { internal: l.internal } : {}),
                })),
                ...(engineInspector !== undefined ? { engineInspector } : {}),
              };
              return ok(result, profiled.diagnostics);
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
          // The document sent (the canvas now) wins over the engine's; so do its weights.
          const setId = document !== null ? weightSetId : (weightSetId ?? engine!.weightSetId);
          if (format === 'wts' && setId === null)
            return fail(error('export.wts.noWeights', 'Exporting .wts needs a loaded weight file (weightSetId): import one and bind it first.'));
          const job = ctx.jobs.start({ kind: 'export', title: `Exporting ${basename(path)}` }, async (handle) => {
            let network: NetworkSource | undefined;
            if (format === 'wts' || document !== null) {
              const source = sourceOf(document ?? engine!.document, setId);
              if (!source.ok) return source;
              network = source.value;
            }
            const weightsFileName = setId !== null ? ctx.provided.weightFileName?.(setId) : undefined;
            const written = await exportFiles(contextOf(handle), format, path, {
              ...(network ? { network } : {}),
              ...(engine ? { session: engine.session, engineId: engine.result.engineId } : {}),
              ...(engine && document === null ? { model: engine.model, doc: engine.document } : {}),
              ...(weightsFileName ? { weightsFileName } : {}),
            });
            if (!written.ok) return written;
            const [main, ...beside] = written.value;
            for (const file of beside) if (file.written) handle.log('info', `Wrote ${file.path} beside it.`);
            return ok({ format, path: main!.path, bytes: main!.bytes }, written.diagnostics);
          });
          return ok({ jobId: job.id });
        },
      };
    },
  };
}

export const backendsModule: ServiceModule = createBackendsModule();
