/**
 * What every backend (ARCHITECTURE.md "Backends": `onnxruntime`, `tensorrt`) offers the services
 * and the CLI: turn a lowered program into something runnable, run it on named inputs, measure it,
 * and export it. Every failure is a Diagnostic; long calls take an AbortSignal.
 */
import type { BuildOptions } from '../../core/api/job-schemas.js';
import type { BackendId } from '../../core/api/schemas.js';
import type { Diagnostic, Result } from '../../core/diagnostics.js';
import type { DataType } from '../../core/network/types.js';
import type { ProgramWeightData, TrtProgram } from '../../core/program/types.js';

export type { BackendId } from '../../core/api/schemas.js';

export interface BackendCapabilities {
  build: boolean;
  run: boolean;
  profile: boolean;
  /** File extension of what `export` writes, e.g. `.onnx` or `.engine`. */
  exportExtension: string;
}

/** A lowered program with its weight values: what backends consume. */
export interface BackendModel {
  program: TrtProgram;
  weights: ProgramWeightData;
}

/** A tensor passed in or out of a backend, by its network input or output name. */
export interface NamedTensor {
  name: string;
  dtype: DataType;
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
}

/** Latency over timed runs after warm-up, in milliseconds; throughput in inferences per second. */
export interface LatencyStats {
  iterations: number;
  warmup: number;
  minMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Batch items per second: batch size × 1000 / mean. */
  throughput: number;
}

/** Time spent in one layer of the program, per inference. */
export interface LayerTime {
  /** The row's name: a layer, a fused group (`conv1.conv + conv1.bn.scale + conv1.relu`, or TensorRT's `conv1 + relu1`), or the runtime's kernel. */
  layerName: string;
  /** The canvas node the layer belongs to (the composite for expanded layers). */
  nodeId?: string;
  /** Mean milliseconds per inference. */
  meanMs: number;
  /** Share of the summed layer time, 0 to 1. */
  share: number;
  /** Layers the runtime fused into this one kernel (e.g. a convolution, its BatchNorm and its ReLU), in program order. */
  fusedFrom?: string[];
  /** Every canvas node the kernel ran layers of, when more than one (`nodeId` is the first). */
  nodeIds?: string[];
  /** The runtime's own work (a layout conversion, a reformatting copy), in plain words; such a row has no layer. */
  internal?: string;
}

export interface ProfileResult {
  latency: LatencyStats;
  /** Slowest first. */
  layers: LayerTime[];
}

export interface ProfileOptions {
  iterations: number;
  warmup: number;
  signal?: AbortSignal;
}

/** Progress of a build, as the builder reports it (TensorRT's phases and steps, and its log). */
export type BuildEvent =
  | { kind: 'phaseStart'; phase: string; parentPhase?: string; nbSteps: number }
  | { kind: 'step'; phase: string; step: number }
  | { kind: 'phaseFinish'; phase: string }
  | { kind: 'diagnostic'; diagnostic: Diagnostic };

/** Builder settings; a backend that has no such setting (ONNX Runtime) ignores them. */
export interface BackendBuildOptions {
  precision?: BuildOptions['precision'];
  workspaceBytes?: number;
  optimizationLevel?: number;
  /** Let FLOAT layers use TF32 (TensorRT's default); off unless asked, so an fp32 build computes in FP32. */
  tf32?: boolean;
  /** A timing cache from an earlier build, to start from. */
  timingCache?: Uint8Array;
  onEvent?: (event: BuildEvent) => void;
}

/**
 * A built model ready to run; `dispose` frees it (and its worker or engine host context). The
 * optional members are what only some backends offer: callers test for them, never for a class.
 */
export interface BackendSession {
  readonly inputs: readonly { name: string; dims: number[]; dtype: DataType }[];
  readonly outputs: readonly string[];
  /** Size of what was built: the serialised engine, or the translated ONNX model. */
  readonly sizeBytes: number;
  run(inputs: NamedTensor[], signal?: AbortSignal): Promise<Result<NamedTensor[]>>;
  profile(inputs: NamedTensor[], options: ProfileOptions): Promise<Result<ProfileResult>>;
  /** The serialised engine, for backends that build one (a `.engine` file). */
  readonly engineBytes?: Uint8Array;
  /** The builder's timing cache after this build, to save for the next one. */
  readonly timingCache?: Uint8Array;
  /** The runtime's own view of the built engine (TensorRT's engine inspector, JSON text). */
  inspect?(signal?: AbortSignal): Promise<Result<string>>;
  dispose(): Promise<void>;
}

export interface Backend {
  readonly name: BackendId;
  readonly capabilities: BackendCapabilities;
  /** Whether the backend can work on this machine, and if not, why (a Diagnostic naming the cause). */
  available(): Promise<Result<true>>;
  build(model: BackendModel, signal?: AbortSignal, options?: BackendBuildOptions): Promise<Result<BackendSession>>;
  /** A session for an engine built earlier (a `.engine` file); `program` names its inputs and maps layers to nodes. */
  openEngine?(engine: Uint8Array, program?: TrtProgram): BackendSession;
  /** The file the user can keep: an `.onnx` model or a serialised engine. */
  export(model: BackendModel, signal?: AbortSignal): Promise<Result<Uint8Array>>;
}
