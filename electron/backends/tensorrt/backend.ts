/**
 * The `tensorrt` backend: builds engines, runs and profiles them in the engine host process
 * (electron/engine-host), never in this one. With no TensorRT it reports itself unavailable with the
 * loader's explanation, and every job fails with that explanation and the onnxruntime alternative.
 */
import { error, fail, ok, type Diagnostic, type Result } from '../../../core/diagnostics.js';
import { DATA_TYPES, type DataType } from '../../../core/network/types.js';
import type { TrtProgram } from '../../../core/program/types.js';
import { EngineHostClient } from '../../engine-host/client.js';
import { describeAddonCandidates, describeCapabilities } from '../../../native/lib/loader.js';
import type {
  Backend,
  BackendBuildOptions,
  BackendCapabilities,
  BackendModel,
  BackendSession,
  LatencyStats,
  NamedTensor,
  ProfileOptions,
  ProfileResult,
} from '../backend.js';
import type { NativeBuildEvent, NativeBuildOptions, NativeBuildResult, NativeInspectResult, NativeRunResult } from '../../../native/lib/types.js';
import type { HostCapabilities } from './host-handlers.js';
import { parseEngineInspection, type EngineInspection } from './inspector.js';
import { attributeEngineLayers } from '../profile-attribution.js';

export type { HostCapabilities } from './host-handlers.js';
export type { NativeBuildEvent, NativeBuildOptions } from '../../../native/lib/types.js';

export interface TensorRTBuildOutput {
  engine: Uint8Array;
  timingCache: Uint8Array;
  /** Warnings TensorRT logged, linked to nodes where a message names a layer. */
  diagnostics: Diagnostic[];
}

export interface TensorRTBackendOptions {
  /** Builder settings for every build (precision, workspace, timing cache, ...). */
  buildOptions?: NativeBuildOptions;
  /** Progress and log events of builds. */
  onBuildEvent?: (event: NativeBuildEvent) => void;
  /** The engine host to use; default: a forked Node process, started on first use. */
  host?: EngineHostClient;
}

/** The builder precision of each precision the build panel offers; fp8 is not offered by these builds. */
const PRECISIONS: Record<NonNullable<BackendBuildOptions['precision']>, NativeBuildOptions['precision'] | undefined> = {
  fp32: 'FP32',
  fp16: 'FP16',
  bf16: 'BF16',
  int8: 'INT8',
  fp8: undefined,
};

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Latency statistics of the timed runs the engine host measured with CUDA events. */
export function latencyFromRuns(timesMs: readonly number[], warmup: number, batch: number): LatencyStats {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    iterations: sorted.length,
    warmup,
    minMs: sorted[0] ?? NaN,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    meanMs: mean,
    throughput: (batch * 1000) / mean,
  };
}

function toDataType(name: string): DataType {
  return (DATA_TYPES as readonly string[]).includes(name) ? (name as DataType) : 'FLOAT';
}

/** Float32 inputs by name for the engine host; other types are refused with a Diagnostic. */
function engineInputs(inputs: NamedTensor[]): Result<Record<string, { dims: number[]; data: Float32Array }>> {
  const result: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (const input of inputs) {
    if (!(input.data instanceof Float32Array))
      return fail(error('tensorrt.run.input-type', `Input '${input.name}' is ${input.dtype}; the tensorrt backend runs engines on FLOAT inputs only.`));
    result[input.name] = { dims: input.dims, data: input.data };
  }
  return ok(result);
}

/** A built engine, run in the engine host. */
export class TensorRTSession implements BackendSession {
  readonly inputs: readonly { name: string; dims: number[]; dtype: DataType }[];
  readonly outputs: readonly string[];

  constructor(
    private readonly host: EngineHostClient,
    readonly engine: Uint8Array,
    private readonly program: TrtProgram | undefined,
    readonly timingCache?: Uint8Array,
  ) {
    this.inputs = program?.inputs.map((i) => ({ name: i.name, dims: i.dims, dtype: i.dtype })) ?? [];
    this.outputs = program?.outputs.map((o) => o.name) ?? [];
  }

  get sizeBytes(): number {
    return this.engine.length;
  }

  get engineBytes(): Uint8Array {
    return this.engine;
  }

  async run(inputs: NamedTensor[], signal?: AbortSignal): Promise<Result<NamedTensor[]>> {
    const feeds = engineInputs(inputs);
    if (!feeds.ok) return feeds;
    const result = await this.host.request({ type: 'run', request: { engine: this.engine, inputs: feeds.value } }, { signal });
    if (!result.ok) return result;
    const value = result.value as NativeRunResult;
    return ok(value.outputs.map((o) => ({ name: o.name, dtype: toDataType(o.dtype), dims: o.dims, data: o.data })));
  }

  async profile(inputs: NamedTensor[], options: ProfileOptions): Promise<Result<ProfileResult>> {
    const feeds = engineInputs(inputs);
    if (!feeds.ok) return feeds;
    const request = { engine: this.engine, inputs: feeds.value, iterations: options.iterations, warmup: options.warmup, profileLayers: true };
    const result = await this.host.request({ type: 'run', request }, { signal: options.signal });
    if (!result.ok) return result;
    const value = result.value as NativeRunResult;
    const batch = Math.max(1, inputs[0]?.dims[0] ?? 1);
    const program = this.program ?? { formatVersion: 1, name: '', inputs: [], ops: [], outputs: [], weights: [] };
    return ok({
      latency: latencyFromRuns(value.latenciesMs, options.warmup, batch),
      layers: attributeEngineLayers(program, value.layerTimes, options.iterations),
    });
  }

  /** TensorRT's engine inspector output for this engine (IEngineInspector, JSON text). */
  async inspect(signal?: AbortSignal): Promise<Result<string>> {
    const result = await this.host.request({ type: 'inspect', engine: this.engine }, { signal });
    if (!result.ok) return result;
    const value = result.value as NativeInspectResult;
    return ok(value.engine, value.diagnostics);
  }

  /** The engine inspector's view read from either TensorRT layout, engine layers mapped to program layers and canvas nodes. */
  async inspectLayers(signal?: AbortSignal): Promise<Result<EngineInspection>> {
    const result = await this.host.request({ type: 'inspect', engine: this.engine }, { signal });
    if (!result.ok) return result;
    const value = result.value as NativeInspectResult;
    const parsed = parseEngineInspection(value, this.program);
    if (!parsed.ok) return fail(...value.diagnostics, ...parsed.diagnostics);
    return ok(parsed.value, [...value.diagnostics, ...parsed.value.diagnostics]);
  }

  async dispose(): Promise<void> {
    // The engine lives in the host only for the duration of a job; nothing to free here.
  }
}

export class TensorRTBackend implements Backend {
  readonly name = 'tensorrt' as const;
  readonly capabilities: BackendCapabilities = { build: true, run: true, profile: true, exportExtension: '.engine' };
  private readonly host: EngineHostClient;

  constructor(private readonly options: TensorRTBackendOptions = {}) {
    this.host = options.host ?? new EngineHostClient();
  }

  /** What the engine host found: the addon's capabilities and, when unavailable, the loader's explanation. */
  async hostCapabilities(): Promise<Result<HostCapabilities>> {
    const result = await this.host.request({ type: 'capabilities' });
    return result.ok ? ok(result.value as HostCapabilities) : result;
  }

  async available(): Promise<Result<true>> {
    const caps = await this.hostCapabilities();
    if (!caps.ok) return caps;
    if (caps.value.available) return ok(true);
    return fail(error('tensorrt.unavailable', caps.value.explanation ?? 'TensorRT is not available.', { detail: caps.value.cause }));
  }

  /** Build a serialized engine (with the timing cache to save) from a lowered program. */
  async buildEngine(
    model: BackendModel,
    options: { buildOptions?: NativeBuildOptions; signal?: AbortSignal; onEvent?: (event: NativeBuildEvent) => void } = {},
  ): Promise<Result<TensorRTBuildOutput>> {
    const weights = Object.fromEntries(model.weights);
    const buildOptions = { ...this.options.buildOptions, ...options.buildOptions };
    const result = await this.host.request(
      { type: 'build', request: { program: model.program, weights, options: buildOptions } },
      {
        signal: options.signal,
        onEvent: (event) => {
          this.options.onBuildEvent?.(event as NativeBuildEvent);
          options.onEvent?.(event as NativeBuildEvent);
        },
      },
    );
    if (!result.ok) return result;
    const value = result.value as NativeBuildResult;
    return ok({ engine: value.engine, timingCache: value.timingCache, diagnostics: value.diagnostics });
  }

  /** What the engine host found, and the same as lines for a person to read (`trt-studio doctor`). */
  async describe(): Promise<{ capabilities: HostCapabilities | { available: false; explanation: string; cause: string }; lines: string[] }> {
    const caps = await this.hostCapabilities();
    const capabilities = caps.ok
      ? caps.value
      : { available: false as const, explanation: caps.diagnostics.map((d) => d.message).join(' '), cause: 'engine-host-failed' };
    const native = 'native' in capabilities ? capabilities.native : undefined;
    // A build with one addon per TensorRT major lists each, and which one this machine uses.
    const addons = 'addons' in capabilities && capabilities.addons ? describeAddonCandidates(capabilities.addons) : [];
    return { capabilities, lines: [...addons, ...(native ? describeCapabilities(native) : [`Addon: not loaded (${capabilities.cause ?? 'unknown cause'}).`])] };
  }

  async build(model: BackendModel, signal?: AbortSignal, options: BackendBuildOptions = {}): Promise<Result<BackendSession>> {
    const precision = options.precision === undefined ? undefined : PRECISIONS[options.precision];
    if (options.precision !== undefined && !precision)
      return fail(
        error('build.precision', `The precision ${options.precision} is not offered by TensorRT builds here; choose fp32, fp16, bf16 or int8.`, {
          field: 'precision',
        }),
      );
    const buildOptions: NativeBuildOptions = {
      ...(precision ? { precision } : {}),
      ...(options.workspaceBytes !== undefined ? { workspaceBytes: options.workspaceBytes } : {}),
      ...(options.optimizationLevel !== undefined ? { optimizationLevel: options.optimizationLevel } : {}),
      ...(options.timingCache ? { timingCache: options.timingCache } : {}),
      tf32: options.tf32 === true,
    };
    const built = await this.buildEngine(model, { buildOptions, signal, ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
    if (!built.ok) return built;
    return ok(new TensorRTSession(this.host, built.value.engine, model.program, built.value.timingCache), built.value.diagnostics);
  }

  /** A session for an engine built earlier (`--engine FILE.engine`); the program, if given, maps layers to nodes. */
  openEngine(engine: Uint8Array, program?: TrtProgram): TensorRTSession {
    return new TensorRTSession(this.host, engine, program);
  }

  async export(model: BackendModel, signal?: AbortSignal): Promise<Result<Uint8Array>> {
    const built = await this.buildEngine(model, { signal });
    return built.ok ? ok(built.value.engine, built.value.diagnostics) : built;
  }

  /** Stop the engine host (the CLI calls this before exiting). */
  dispose(): void {
    this.host.dispose();
  }
}
