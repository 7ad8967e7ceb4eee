/**
 * How services plug into the host: each service module returns handlers for some contract methods;
 * the host joins them into one table (every method not handled answers "not available yet").
 */
import type { HandlerParams, MethodResult } from '../../core/api/contract.js';
import type { MethodName } from '../../core/api/names.js';
import type { BackendId, BackendInfo } from '../../core/api/schemas.js';
import type { WeightSet } from '../../core/api/weight-schemas.js';
import type { Result } from '../../core/diagnostics.js';
import type { WeightLookup } from '../../core/lower/lower.js';
import type { Backend } from '../backends/backend.js';
import type { EventBus } from './events.js';
import type { FileAccess } from './files.js';
import type { JobService } from './jobs.js';
import type { HostLog } from './log.js';
import type { ProjectService } from './projects.js';
import type { SettingsService } from './settings.js';

/** Who is calling: the transport and one id per window or WebSocket connection. */
export interface CallContext {
  transport: 'electron' | 'web';
  clientId: string;
}

/** One method's handler: gets validated params (defaults filled in), answers a Result. */
export type Handler<M extends MethodName> = (params: HandlerParams<M>, call: CallContext) => Promise<Result<MethodResult<M>>> | Result<MethodResult<M>>;

/** The one table from method name to handler. */
export type HandlerTable = { [M in MethodName]: Handler<M> };

/** Reports one backend (called for every `host.capabilities`, so it should cache what it probes). */
export type BackendProbe = () => Promise<BackendInfo>;

/**
 * Things services offer to each other. A service fills its slot in `handlers()`; services listed
 * later in SERVICE_MODULES can use it (e.g. lowering reads weights through `weightLookup`).
 */
export interface ProvidedServices {
  backends: BackendProbe[];
  /** The loaded tensors of one weight set, by tensor name; undefined for an unknown set id. */
  weightLookup?: (setId: string) => WeightLookup | undefined;
  /** Keep tensors decoded elsewhere (an ONNX model's initializers) as a new weight set, announced like an imported file. */
  adoptWeights?: (fileName: string, tensors: readonly { name: string; values: Float32Array }[]) => WeightSet;
  /** The file name a weight set was imported from (generated code reads it by default). */
  weightFileName?: (setId: string) => string | undefined;
  /** A backend checked to be available here (the one the build jobs use), or why not: for workflows of later modules. */
  backend?: (id: BackendId) => Promise<Result<Backend>>;
}

/** What the command line asked to open at start (filled by the launcher, read by host.startup). */
export interface StartupState {
  projectPath?: string;
  weightsPath?: string;
}

/** Everything a service module may use. The same objects serve both transports. */
export interface ServiceContext {
  hostKind: 'electron' | 'web';
  appVersion: string;
  configDir: string;
  /** A per-launch folder, removed at shutdown (uploads live here). */
  tempDir: string;
  log: HostLog;
  events: EventBus;
  jobs: JobService;
  settings: SettingsService;
  files: FileAccess;
  projects: ProjectService;
  provided: ProvidedServices;
  startup: StartupState;
  /** Called at shutdown in reverse registration order. */
  onShutdown(task: () => Promise<void> | void): void;
}

/** A service: a name (for logs) and the handlers it contributes. */
export interface ServiceModule {
  name: string;
  handlers(ctx: ServiceContext): Partial<HandlerTable> | Promise<Partial<HandlerTable>>;
}
