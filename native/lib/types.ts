/**
 * The typed surface of the native addon (src/napi/jobs.cc). Only native/lib/loader.ts loads it;
 * everything else receives these types through electron/backends/tensorrt.
 */
import type { Diagnostic } from '../../core/diagnostics.js';
import type { TrtProgram } from '../../core/program/types.js';

export interface NativeGpu {
  name: string;
  /** `major.minor`, e.g. `9.0` for an H100. */
  computeCapability: string;
  totalMemoryBytes: number;
}

/** What the addon reports about itself and the machine (src/trt/capabilities.cc). */
export interface NativeCapabilities {
  builtWithTensorRT: boolean;
  /** The TensorRT headers' version the bridge was compiled against, e.g. `10.16.0`; empty without. */
  buildTensorRTVersion: string;
  buildTensorRTMajor: number;
  /** Why the bridge was left out of this build; empty when it is in. */
  withoutTensorRTReason: string;
  /** `getInferLibVersion()` of the libnvinfer that loads; 0 when none does. */
  runtimeLibVersion: number;
  /** The same, as `11.1.0`. */
  runtimeVersion: string;
  runtimeLibrary: string;
  runtimeLibraryError: string;
  cudaDriverVersion: number;
  cudaDriverError: string;
  gpus: NativeGpu[];
}

/** Builder settings (src/trt/program.h BuildOptions). */
export interface NativeBuildOptions {
  workspaceBytes?: number;
  optimizationLevel?: number;
  precision?: 'FP32' | 'FP16' | 'BF16' | 'INT8';
  /** TensorRT 10 only: build a strongly typed network (always so on 11). */
  stronglyTyped?: boolean;
  hardwareCompatibility?: 'NONE' | 'AMPERE_PLUS' | 'SAME_COMPUTE_CAPABILITY';
  versionCompatible?: boolean;
  /** Allow TF32 arithmetic in FLOAT layers; off unless asked, so that an FP32 build computes in FP32. */
  tf32?: boolean;
  timingCache?: Uint8Array;
  averageTimingIterations?: number;
}

export interface NativeBuildRequest {
  program: TrtProgram;
  /** Values by program weight id; handed over without copying and pinned until the build returns. */
  weights: Record<string, Float32Array>;
  /** Raw `.wts` tensors by name, for derived weights whose values are not in `weights`. */
  tensors?: Record<string, Float32Array>;
  options?: NativeBuildOptions;
}

/** One build event: an IProgressMonitor callback or a logged Diagnostic. */
export type NativeBuildEvent =
  | { kind: 'phaseStart'; phase: string; parentPhase?: string; nbSteps: number }
  | { kind: 'step'; phase: string; step: number }
  | { kind: 'phaseFinish'; phase: string }
  | { kind: 'diagnostic'; diagnostic: Diagnostic };

export interface NativeBuildResult {
  engine: Uint8Array;
  timingCache: Uint8Array;
  diagnostics: Diagnostic[];
}

export interface NativeBuildHandle {
  promise: Promise<NativeBuildResult>;
  /** Ask the build to stop at its next progress step (IProgressMonitor::stepComplete returns false). */
  cancel(): void;
}

export interface NativeRunRequest {
  engine: Uint8Array;
  /** FLOAT inputs by tensor name; `dims` is needed for dynamic inputs. */
  inputs: Record<string, { dims?: number[]; data: Float32Array }>;
  iterations?: number;
  warmup?: number;
  profileLayers?: boolean;
}

export interface NativeTensor {
  name: string;
  dtype: string;
  dims: number[];
  data: Float32Array;
}

export interface NativeLayerTime {
  /** The engine (fused) layer name, e.g. `conv1 + relu1`. */
  name: string;
  totalMs: number;
  count: number;
}

export interface NativeRunResult {
  outputs: NativeTensor[];
  latenciesMs: number[];
  layerTimes: NativeLayerTime[];
  diagnostics: Diagnostic[];
}

export interface NativeInspectResult {
  /** IEngineInspector::getEngineInformation(kJSON). */
  engine: string;
  /** One JSON string per engine layer (10.x and 11.x layouts differ). */
  layers: string[];
  diagnostics: Diagnostic[];
}

/** The addon's exports. Every job rejects with an Error carrying `diagnostics`. */
export interface NativeAddon {
  capabilities(): NativeCapabilities;
  supportedOps(): string[];
  buildEngine(request: NativeBuildRequest, onEvent?: (event: NativeBuildEvent) => void): NativeBuildHandle;
  runEngine(request: NativeRunRequest): Promise<NativeRunResult>;
  inspectEngine(engine: Uint8Array): Promise<NativeInspectResult>;
}

/** What `npm run build:native` recorded beside the addon (native/CMakeLists.txt, native/build.mjs). */
export interface NativeBuildInfo {
  addonBuilt: boolean;
  builtWithTensorRT: boolean;
  tensorrtVersion?: string;
  tensorrtMajor?: number;
  reason: string;
}
