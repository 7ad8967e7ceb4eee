/**
 * The one contract between the UI and the host (ARCHITECTURE.md rule 5): every request, response and
 * event, declared once as zod schemas. The host validates every incoming request against it before a
 * service sees it; the renderer gets its typed client (`HostApi`) from the same declarations.
 *
 * ## Using it from the renderer
 *
 * ```ts
 * import { createHostApi, bridgeTransport, webSocketTransport, followJob } from '../core/api.js';
 *
 * // Electron: the preload exposes `window.trtStudioHost` (PRELOAD_GLOBAL, type PreloadBridge).
 * // Browser mode: the page was opened as http://127.0.0.1:8765/?token=TOKEN. Read the token from
 * // location.search once, keep it in sessionStorage, drop it from the address bar with
 * // history.replaceState, and open the WebSocket on the same origin:
 * //   new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws?token=${encodeURIComponent(token)}`)
 * const api: HostApi = bridge ? createHostApi(bridgeTransport(bridge), 'electron')
 *                             : createHostApi(webSocketTransport(socket), 'web');
 *
 * const opened = await api.call('project.open', { path: '/models/resnet18.trtstudio' });
 * if (opened.ok) store.load(opened.value.document); else problems.show(opened.diagnostics);
 *
 * const started = await api.call('weights.import', { path: '/models/resnet18.wts' });
 * if (started.ok) {
 *   const done = await followJob(api, started.value.jobId, (p) => progressBar.set(p));
 *   // done.status: 'succeeded' | 'failed' | 'cancelled'; done.result (typed per job kind); done.diagnostics
 * }
 * api.call('jobs.cancel', { jobId });
 * const off = api.on('menu.command', ({ command }) => run(command));
 * ```
 *
 * Every call resolves (never rejects) with `Result<T>`: `{ ok: true, value }` or `{ ok: false,
 * diagnostics }`. A transport failure becomes a Diagnostic with code `host.disconnected`.
 *
 * Browser-mode extras over HTTP (same token, `Authorization: Bearer TOKEN` or `?token=`):
 * `GET /api/capabilities` (Capabilities) and `POST /api/upload?name=FILE` with the raw bytes as body
 * (UploadResult: the path of the stored copy, which `weights.import`, `project.open` or
 * `images.preview` then accept). In Electron, a dropped file's path comes from
 * `bridge.pathForFile(file)` instead.
 *
 * Wire format of the WebSocket (one JSON text frame per message): the UI sends
 * `{type:'request', id, method, params}`; the host answers `{type:'response', id, ok, value?,
 * diagnostics?}` and pushes `{type:'event', event, payload}`.
 */
import { z } from 'zod';
import { fail, ok, type Diagnostic, type Result } from './diagnostics.js';
import type { NetworkDocument, WeightBindings } from './network/types.js';
import { DATA_TYPES } from './network/types.js';
import type { TrtProgram } from './program/types.js';
import { METHOD_NAMES, isEventName, isMethodName, type EventName, type MethodName, type PreloadBridge } from './api/names.js';

export { EVENT_NAMES, METHOD_NAMES, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, PRELOAD_GLOBAL, isEventName, isMethodName } from './api/names.js';
export type { EventName, MethodName, PreloadBridge } from './api/names.js';

// ---------------------------------------------------------------------------------------------
// Limits: hostile payloads are refused before any schema walks them.

/** Largest message accepted by either transport (a 2,000-node document is about 1 MiB). */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** Deepest nesting accepted in a payload; documents nest about 6 deep. */
export const MAX_DEPTH = 32;
/** Longest path, name and free text accepted. */
export const MAX_PATH_LENGTH = 4096;
export const MAX_NAME_LENGTH = 1024;
export const MAX_TEXT_LENGTH = 64 * 1024;
/** Most nodes, edges or list entries in one payload. */
export const MAX_ITEMS = 200_000;
/** Keys that could reach an object's prototype if a handler ever merged a payload into an object. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

// ---------------------------------------------------------------------------------------------
// Building blocks.

const noNul = (s: string) => !s.includes('\0');
/** An absolute or relative file path as the user sees it. */
export const PathSchema = z.string().min(1).max(MAX_PATH_LENGTH).refine(noNul, 'must not contain a NUL character');
export const NameSchema = z.string().min(1).max(MAX_NAME_LENGTH);
const TextSchema = z.string().max(MAX_TEXT_LENGTH);
/** Ids the host hands out (jobs, weight sets, engines, recovery files). */
export const IdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1 to 128 letters, digits or _ . : -');
const Count = z.number().int().min(0);
const Finite = z.number().finite();
const Timestamp = z.string().max(64); // ISO 8601

export const DiagnosticSchema: z.ZodType<Diagnostic> = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string().min(1).max(200),
  message: TextSchema,
  nodeId: z.string().max(MAX_NAME_LENGTH).optional(),
  field: z.string().max(MAX_NAME_LENGTH).optional(),
  detail: TextSchema.optional(),
});

const DataTypeSchema = z.enum(DATA_TYPES);
const DimsSchema = z.array(z.number().int().min(-1)).max(8);
const TensorInfoSchema = z.object({ dims: DimsSchema, dtype: DataTypeSchema });
const ShapeProfileSchema = z.strictObject({ min: DimsSchema, opt: DimsSchema, max: DimsSchema });
const ParamValueSchema = z.union([Finite, z.boolean(), TextSchema, z.array(Finite).max(4096)]);
const NodeIdSchema = z.string().min(1).max(256);
const PortRefSchema = z.strictObject({ node: NodeIdSchema, port: z.string().min(1).max(256) });
const PointSchema = z.strictObject({ x: Finite, y: Finite });

/** The network document's structure; its meaning (types, ports, params) is checked by `parseProject` in the services. */
export const NetworkDocumentSchema: z.ZodType<NetworkDocument> = z.strictObject({
  name: NameSchema,
  inputs: z
    .array(z.strictObject({ id: NodeIdSchema, name: NameSchema, dtype: DataTypeSchema, dims: DimsSchema, profile: ShapeProfileSchema.optional() }))
    .max(MAX_ITEMS),
  nodes: z
    .array(z.strictObject({ id: NodeIdSchema, type: z.string().min(1).max(256), name: NameSchema, params: z.record(z.string().max(256), ParamValueSchema) }))
    .max(MAX_ITEMS),
  edges: z.array(z.strictObject({ id: NodeIdSchema, from: PortRefSchema, to: PortRefSchema })).max(MAX_ITEMS),
  outputs: z.array(z.strictObject({ name: NameSchema, from: PortRefSchema })).max(MAX_ITEMS),
  bindings: z.record(NodeIdSchema, z.record(z.string().max(256), NameSchema)),
  ui: z.strictObject({
    positions: z.record(NodeIdSchema, PointSchema),
    groups: z
      .array(z.strictObject({ id: NodeIdSchema, name: NameSchema, nodeIds: z.array(NodeIdSchema).max(MAX_ITEMS), collapsed: z.boolean() }))
      .max(MAX_ITEMS),
    viewport: z.strictObject({ x: Finite, y: Finite, zoom: Finite }),
  }),
});

const WeightBindingsSchema: z.ZodType<WeightBindings> = z.record(NodeIdSchema, z.record(z.string().max(256), NameSchema));

const EmptySchema = z.strictObject({});

// ---------------------------------------------------------------------------------------------
// Host and backends.

export const BackendIdSchema = z.enum(['tensorrt', 'onnxruntime']);
export type BackendId = z.infer<typeof BackendIdSchema>;

export const BackendInfoSchema = z.object({
  id: BackendIdSchema,
  available: z.boolean(),
  /** e.g. `10.13.0` for TensorRT, `1.23.0` for ONNX Runtime. */
  version: z.string().optional(),
  /** Why it is missing, in a full sentence (no SDK when the addon was built, no libnvinfer, no GPU). */
  reason: z.string().optional(),
  /** The device it runs on, e.g. `NVIDIA H100 80GB HBM3` or `CPU`. */
  device: z.string().optional(),
  features: z.object({ build: z.boolean(), run: z.boolean(), profile: z.boolean(), export: z.boolean() }),
});
export type BackendInfo = z.infer<typeof BackendInfoSchema>;

export const CapabilitiesSchema = z.object({
  host: z.enum(['electron', 'web']),
  appVersion: z.string(),
  platform: z.string(),
  /** Electron has native open/save dialogs; in browser mode the UI uses `files.list` instead. */
  nativeDialogs: z.boolean(),
  /** Browser mode accepts uploads (`POST /api/upload`) up to this size; null in Electron. */
  uploadMaxBytes: Count.nullable(),
  backends: z.array(BackendInfoSchema),
});
export type Capabilities = z.infer<typeof CapabilitiesSchema>;

// ---------------------------------------------------------------------------------------------
// Jobs.

export const JOB_KINDS = ['weights.import', 'build', 'run', 'profile', 'export'] as const;
export const JobKindSchema = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof JobKindSchema>;

export const JobProgressSchema = z.object({
  /** What is happening now, in the user's words: `Decoding`, `Building engine`, `Timing tactics`. */
  phase: z.string().max(200),
  /** 0..1 when known. */
  fraction: z.number().min(0).max(1).optional(),
  message: TextSchema.optional(),
  /** Bytes done and total, for size and speed (weights import, upload). */
  bytes: z.object({ done: Count, total: Count }).optional(),
  /** Step counter when the work is counted (build phases, images). */
  step: z.object({ index: Count, total: Count }).optional(),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;

export const JobStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const JobInfoSchema = z.object({
  id: IdSchema,
  kind: JobKindSchema,
  title: z.string(),
  status: JobStatusSchema,
  queuedAt: Timestamp,
  startedAt: Timestamp.optional(),
  progress: JobProgressSchema.optional(),
});
export type JobInfo = z.infer<typeof JobInfoSchema>;

/** What every job-starting method returns at once. */
export const JobStartedSchema = z.object({ jobId: IdSchema });
export type JobStarted = z.infer<typeof JobStartedSchema>;

// ---------------------------------------------------------------------------------------------
// Projects, files, settings.

export const OpenedProjectSchema = z.object({
  /** null for a project that was never saved (a template, a restored recovery of a new project). */
  path: z.string().nullable(),
  document: NetworkDocumentSchema,
  /** True when the document differs from the file (restored from a recovery file). */
  dirty: z.boolean(),
});
export type OpenedProject = z.infer<typeof OpenedProjectSchema>;

export const SavedProjectSchema = z.object({ path: z.string(), savedAt: Timestamp, bytes: Count });
export type SavedProject = z.infer<typeof SavedProjectSchema>;

export const RecentEntrySchema = z.object({ path: z.string(), name: z.string(), openedAt: Timestamp, exists: z.boolean() });
export type RecentEntry = z.infer<typeof RecentEntrySchema>;

export const RecoveryOfferSchema = z.object({
  id: IdSchema,
  /** The network's name. */
  name: z.string(),
  /** The project file it belongs to; null for work never saved. */
  projectPath: z.string().nullable(),
  savedAt: Timestamp,
  nodeCount: Count,
});
export type RecoveryOffer = z.infer<typeof RecoveryOfferSchema>;

export const FileEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'directory']),
  size: Count,
  modifiedAt: Timestamp,
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const FolderListingSchema = z.object({
  path: z.string(),
  /** null at an allowed root: browsing stops there. */
  parent: z.string().nullable(),
  entries: z.array(FileEntrySchema),
});
export type FolderListing = z.infer<typeof FolderListingSchema>;

export const FileRootSchema = z.object({ path: z.string(), label: z.string() });
export type FileRoot = z.infer<typeof FileRootSchema>;

/** What a file dialog or the file browser is for; sets the filters. */
export const FilePurposeSchema = z.enum(['project', 'weights', 'images', 'folder', 'onnx', 'engine', 'export']);
export type FilePurpose = z.infer<typeof FilePurposeSchema>;

/** File extensions (lower case, with the dot) each purpose shows. */
export const FILE_PURPOSE_EXTENSIONS: Record<FilePurpose, readonly string[]> = {
  project: ['.trtstudio'],
  weights: ['.wts'],
  // Test inputs: images, or a NumPy array used as the input tensor as it is.
  images: ['.png', '.jpg', '.jpeg', '.bmp', '.webp', '.gif', '.tif', '.tiff', '.npy'],
  folder: [],
  onnx: ['.onnx'],
  engine: ['.engine', '.plan'],
  export: [],
};

export const UploadResultSchema = z.object({ path: z.string(), name: z.string(), bytes: Count });
export type UploadResult = z.infer<typeof UploadResultSchema>;

export const ThemeSchema = z.enum(['system', 'light', 'dark']);

/** Settings, stored as JSON in the config folder. Every field has a default, so a partial file is fine. */
export const SettingsSchema = z.object({
  /** Folders the file browser may show besides the ones the user opened (set in the file or with --root). */
  allowedRoots: z.array(PathSchema).max(100).default([]),
  recentLimit: z.number().int().min(0).max(50).default(10),
  autosaveIntervalSeconds: z.number().int().min(1).max(600).default(5),
  uploadLimitMiB: z.number().int().min(1).max(65536).default(4096),
  theme: ThemeSchema.default('system'),
  defaultBackend: BackendIdSchema.nullable().default(null),
  /** The folder the file browser opened last. */
  lastFolder: PathSchema.nullable().default(null),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** What the UI may change; `allowedRoots` is deliberately absent (a token holder must not widen file access). */
export const SettingsPatchSchema = z.strictObject({
  recentLimit: z.number().int().min(0).max(50).optional(),
  autosaveIntervalSeconds: z.number().int().min(1).max(600).optional(),
  uploadLimitMiB: z.number().int().min(1).max(65536).optional(),
  theme: ThemeSchema.optional(),
  defaultBackend: BackendIdSchema.nullable().optional(),
  lastFolder: PathSchema.nullable().optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

// ---------------------------------------------------------------------------------------------
// Weights.

export const WeightSetSchema = z.object({
  id: IdSchema,
  fileName: z.string(),
  path: z.string(),
  tensorCount: Count,
  elementCount: Count,
  fileBytes: Count,
  loadedAt: Timestamp,
});
export type WeightSet = z.infer<typeof WeightSetSchema>;

export const WeightTensorSchema = z.object({ name: z.string(), count: Count });
export type WeightTensor = z.infer<typeof WeightTensorSchema>;

export const TensorStatsSchema = z.object({
  name: z.string(),
  count: Count,
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  std: z.number(),
  zeros: Count,
  /** NaN and ±Infinity values. */
  nonFinite: Count,
  /** Equal-width bins between min and max. */
  histogram: z.array(Count).max(1024),
});
export type TensorStats = z.infer<typeof TensorStatsSchema>;

export const BindResultSchema = z.object({
  bindings: WeightBindingsSchema,
  tensorCount: Count,
  boundCount: Count,
  /** Tensors deliberately left out (`num_batches_tracked`). */
  ignored: z.array(z.string()),
  /** Tensors bound to nothing. */
  unused: z.array(z.string()),
  /** One line for the user: `318 of 320 tensors bound; 53 num_batches_tracked ignored`. */
  summary: z.string(),
});
export type BindResult = z.infer<typeof BindResultSchema>;

// ---------------------------------------------------------------------------------------------
// Shapes and lowering.

const WeightSlotSchema = z.object({
  name: z.string(),
  doc: z.string(),
  count: Count.optional(),
  shape: DimsSchema.optional(),
  optional: z.boolean().optional(),
  torchSuffix: z.string(),
});

export const ShapeReportSchema = z.object({
  nodes: z.record(z.string(), z.object({ outputs: z.record(z.string(), TensorInfoSchema), weights: z.array(WeightSlotSchema) })),
  order: z.array(z.string()),
  diagnostics: z.array(DiagnosticSchema),
});
export type ShapeReportMessage = z.infer<typeof ShapeReportSchema>;

/** The lowered program as JSON (weights by recipe and count; the values stay in the host). */
export const ProgramSchema: z.ZodType<TrtProgram> = z.object({
  formatVersion: z.literal(1),
  name: z.string(),
  inputs: z.array(z.object({ name: z.string(), dtype: DataTypeSchema, dims: DimsSchema, profile: ShapeProfileSchema.optional(), nodeId: z.string() })),
  ops: z.array(
    z.object({
      op: z.string(),
      layerName: z.string(),
      nodeId: z.string(),
      params: z.record(z.string(), ParamValueSchema),
      inputs: z.record(z.string(), z.string()),
      outputs: z.record(z.string(), z.string()),
      outputInfo: z.record(z.string(), TensorInfoSchema),
      weights: z.record(z.string(), z.string()),
    }),
  ),
  outputs: z.array(z.object({ name: z.string(), tensor: z.string() })),
  weights: z.array(
    z.object({
      id: z.string(),
      recipe: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('tensor'), tensor: z.string() }),
        z.object({ kind: z.literal('batchNormScale'), gamma: z.string(), var: z.string(), eps: z.number() }),
        z.object({ kind: z.literal('batchNormShift'), gamma: z.string(), beta: z.string(), mean: z.string(), var: z.string(), eps: z.number() }),
      ]),
      count: Count,
      shape: DimsSchema,
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Build, run, profile, export.

export const PrecisionSchema = z.enum(['fp32', 'fp16', 'bf16', 'int8', 'fp8']);

export const BuildOptionsSchema = z.strictObject({
  backend: BackendIdSchema,
  /** TensorRT 10 builder flag; TensorRT 11 networks are strongly typed and take precision from tensor types. */
  precision: PrecisionSchema.default('fp32'),
  workspaceMiB: z
    .number()
    .int()
    .min(1)
    .max(1024 * 1024)
    .default(1024),
  optimizationLevel: z.number().int().min(0).max(5).default(3),
  /** Let FLOAT layers use TF32 arithmetic (TensorRT's own default); absent or false, an fp32 build computes in FP32. */
  tf32: z.boolean().optional(),
  /** Read and updated when given. */
  timingCachePath: PathSchema.nullable().default(null),
  /** Per dynamic input name. */
  profiles: z.record(NameSchema, ShapeProfileSchema).default({}),
});
export type BuildOptions = z.infer<typeof BuildOptionsSchema>;

export const BuildResultSchema = z.object({
  engineId: IdSchema,
  backend: BackendIdSchema,
  networkName: z.string(),
  sizeBytes: Count,
  buildMs: z.number().min(0),
  builtAt: Timestamp,
  options: BuildOptionsSchema,
  /** What was built, in plain words (e.g. that ONNX Runtime, the reference runtime, loaded the translated model and no TensorRT engine exists). */
  note: z.string().optional(),
});
export type BuildResult = z.infer<typeof BuildResultSchema>;

export const PreprocessingSchema = z.strictObject({
  preset: z.enum(['imagenet', 'mnist', 'custom']),
  width: z.number().int().min(1).max(16384),
  height: z.number().int().min(1).max(16384),
  channels: z.union([z.literal(1), z.literal(3)]),
  colorOrder: z.enum(['RGB', 'BGR']).default('RGB'),
  resize: z.enum(['stretch', 'center-crop']).default('stretch'),
  /** value = (pixel * scale - mean[c]) / std[c]; scale is 1/255 for the presets. */
  scale: Finite.default(1 / 255),
  mean: z.array(Finite).max(4),
  std: z.array(Finite).max(4),
});
export type Preprocessing = z.infer<typeof PreprocessingSchema>;

export const ImagePreviewSchema = z.object({
  path: z.string(),
  width: Count,
  height: Count,
  /** The image as the network sees it after resizing, as a `data:image/png;base64,...` URL. */
  previewDataUrl: z.string(),
});
export type ImagePreview = z.infer<typeof ImagePreviewSchema>;

export const OutputTensorSchema = z.object({
  name: z.string(),
  dims: DimsSchema,
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  /** The first values (at most 65,536); `truncated` says whether there were more. */
  values: z.array(z.number()),
  truncated: z.boolean(),
  /** Where the whole tensor was saved as float32 `.npy`, when `run.start` was given `outputNpyDir`. */
  npyPath: z.string().optional(),
});

const RunImageResultSchema = z.object({
  path: z.string(),
  top: z.array(z.object({ index: Count, label: z.string().optional(), probability: z.number() })),
  outputs: z.array(OutputTensorSchema),
  elapsedMs: z.number().min(0),
});

export const RunResultSchema = z.object({
  engineId: IdSchema,
  backend: BackendIdSchema,
  images: z.array(RunImageResultSchema),
  /** The same images through the other engines of `engineIds`, in order (present when more than one ran). */
  others: z.array(z.object({ engineId: IdSchema, backend: BackendIdSchema, images: z.array(RunImageResultSchema) })).optional(),
  /** When more than one engine ran: agreement between each pair. */
  comparisons: z
    .array(z.object({ a: IdSchema, b: IdSchema, maxAbsDifference: z.number(), cosineSimilarity: z.number(), topKAgreement: z.number().min(0).max(1) }))
    .default([]),
});
export type RunResult = z.infer<typeof RunResultSchema>;

export const ProfileResultSchema = z.object({
  engineId: IdSchema,
  backend: BackendIdSchema,
  iterations: Count,
  latencyMs: z.object({ min: z.number(), mean: z.number(), median: z.number(), p90: z.number(), p95: z.number(), p99: z.number(), max: z.number() }),
  throughputPerSecond: z.number(),
  layers: z.array(
    z.object({ name: z.string(), nodeId: z.string().optional(), ms: z.number(), percent: z.number(), fusedFrom: z.array(z.string()).optional() }),
  ),
  /** TensorRT's engine inspector output (JSON text), when the backend has one. */
  engineInspector: z.string().optional(),
});
export type ProfileResult = z.infer<typeof ProfileResultSchema>;

export const ExportFormatSchema = z.enum(['engine', 'onnx', 'wts', 'python', 'cpp']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const ExportResultSchema = z.object({ format: ExportFormatSchema, path: z.string(), bytes: Count });
export type ExportResult = z.infer<typeof ExportResultSchema>;

// ---------------------------------------------------------------------------------------------
// Menu commands and events.

export const MENU_COMMANDS = [
  'file.new',
  'file.newFromTemplate',
  'file.open',
  'file.save',
  'file.saveAs',
  'file.importWeights',
  'file.export',
  'edit.undo',
  'edit.redo',
  'edit.cut',
  'edit.copy',
  'edit.paste',
  'edit.duplicate',
  'edit.delete',
  'edit.selectAll',
  'edit.find',
  'view.fit',
  'view.zoomIn',
  'view.zoomOut',
  'view.autoLayout',
  'view.toggleMinimap',
  'view.toggleProblems',
  'network.check',
  'network.group',
  'network.expandComposite',
  'network.build',
  'network.run',
  'network.profile',
  'help.shortcuts',
  'help.about',
] as const;
export const MenuCommandSchema = z.enum(MENU_COMMANDS);
export type MenuCommand = z.infer<typeof MenuCommandSchema>;

const jobFinishedBase = {
  jobId: IdSchema,
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  diagnostics: z.array(DiagnosticSchema),
  elapsedMs: z.number().min(0),
};

/** The end of a job: its result is typed by its kind (present only when it succeeded). */
export const JobFinishedSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('weights.import'), result: WeightSetSchema.optional(), ...jobFinishedBase }),
  z.object({ kind: z.literal('build'), result: BuildResultSchema.optional(), ...jobFinishedBase }),
  z.object({ kind: z.literal('run'), result: RunResultSchema.optional(), ...jobFinishedBase }),
  z.object({ kind: z.literal('profile'), result: ProfileResultSchema.optional(), ...jobFinishedBase }),
  z.object({ kind: z.literal('export'), result: ExportResultSchema.optional(), ...jobFinishedBase }),
]);
export type JobFinished = z.infer<typeof JobFinishedSchema>;
/** The result type of each job kind. */
export type JobResultOf<K extends JobKind> = NonNullable<Extract<JobFinished, { kind: K }>['result']>;

// ---------------------------------------------------------------------------------------------
// The tables. `satisfies Record<MethodName, ...>` keeps them in step with `api/names.ts`.

/** One request: its params schema and its result schema. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  /** One line for docs and logs. */
  doc: string;
}

function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R, doc: string): MethodSpec<P, R> {
  return { params, result, doc };
}

const Nothing = z.strictObject({});

export const METHODS = {
  'host.capabilities': method(EmptySchema, CapabilitiesSchema, 'Which host this is and which backends it found (and why one is missing).'),
  'host.startup': method(
    EmptySchema,
    z.object({ project: OpenedProjectSchema.nullable(), weightsJob: JobInfoSchema.nullable(), recoveryOffers: Count, diagnostics: z.array(DiagnosticSchema) }),
    'What the command line opened at start: a project, a weights import job, and how many recovery files wait.',
  ),
  'project.open': method(z.strictObject({ path: PathSchema }), OpenedProjectSchema, 'Read and validate a .trtstudio file; it joins the recent list.'),
  'project.save': method(
    z.strictObject({ path: PathSchema, document: NetworkDocumentSchema }),
    SavedProjectSchema,
    'Validate and write atomically (temp file, fsync, rename); clears this session’s recovery file. Save-as is the same call with the new path.',
  ),
  'project.recent': method(EmptySchema, z.object({ entries: z.array(RecentEntrySchema) }), 'Recently opened or saved projects, newest first.'),
  'project.forgetRecent': method(
    z.strictObject({ path: PathSchema }),
    z.object({ entries: z.array(RecentEntrySchema) }),
    'Remove one entry from the recent list.',
  ),
  'project.autosave': method(
    z.strictObject({ document: NetworkDocumentSchema, projectPath: PathSchema.nullable() }),
    z.object({ scheduled: z.boolean() }),
    'Unsaved work, sent when it changes; written to this session’s recovery file at most every few seconds.',
  ),
  'project.discardAutosave': method(EmptySchema, Nothing, 'The work is saved or thrown away: delete this session’s recovery file.'),
  'project.recovery': method(EmptySchema, z.object({ offers: z.array(RecoveryOfferSchema) }), 'Recovery files left by sessions that ended without saving.'),
  'project.restore': method(
    z.strictObject({ id: IdSchema }),
    OpenedProjectSchema,
    'Open a recovery file’s document (dirty); the file stays until saved or discarded.',
  ),
  'project.discardRecovery': method(z.strictObject({ id: IdSchema }), Nothing, 'Delete a recovery file.'),
  'files.roots': method(EmptySchema, z.object({ roots: z.array(FileRootSchema) }), 'The folders the file browser may show.'),
  'files.list': method(
    z.strictObject({ path: PathSchema, purpose: FilePurposeSchema.optional() }),
    FolderListingSchema,
    'One folder inside an allowed root; with a purpose, only matching files (and folders).',
  ),
  'files.write': method(
    z.strictObject({ path: PathSchema, data: z.string().max(MAX_MESSAGE_BYTES), encoding: z.enum(['utf8', 'base64']) }),
    z.object({ path: z.string(), bytes: Count }),
    'Write a small file the UI produced (a PNG/SVG of the graph) inside an allowed root, atomically.',
  ),
  'dialog.open': method(
    z.strictObject({ purpose: FilePurposeSchema, multiple: z.boolean().default(false), title: NameSchema.optional() }),
    z.object({ paths: z.array(z.string()) }),
    'Native open dialog (Electron only); no paths when cancelled. The chosen folder becomes browsable.',
  ),
  'dialog.save': method(
    z.strictObject({ purpose: FilePurposeSchema, defaultName: NameSchema.optional(), title: NameSchema.optional() }),
    z.object({ path: z.string().nullable() }),
    'Native save dialog (Electron only); null when cancelled.',
  ),
  'weights.import': method(z.strictObject({ path: PathSchema }), JobStartedSchema, 'Decode a .wts file in the host (job kind weights.import).'),
  'weights.list': method(EmptySchema, z.object({ sets: z.array(WeightSetSchema) }), 'Loaded weight files.'),
  'weights.tensors': method(
    z.strictObject({ setId: IdSchema }),
    z.object({ tensors: z.array(WeightTensorSchema) }),
    'Names and element counts, in file order.',
  ),
  'weights.stats': method(
    z.strictObject({ setId: IdSchema, names: z.array(NameSchema).max(MAX_ITEMS), bins: z.number().int().min(1).max(1024).default(32) }),
    z.object({ stats: z.array(TensorStatsSchema) }),
    'Statistics and a histogram per tensor.',
  ),
  'weights.unload': method(z.strictObject({ setId: IdSchema }), Nothing, 'Free a loaded weight file.'),
  'weights.bind': method(
    z.strictObject({ setId: IdSchema, document: NetworkDocumentSchema }),
    BindResultSchema,
    'Auto-map tensors to weight slots by PyTorch names; Diagnostics explain mismatched counts.',
  ),
  'network.check': method(z.strictObject({ document: NetworkDocumentSchema }), ShapeReportSchema, 'Validate the document and infer every output’s dims.'),
  'network.lower': method(
    z.strictObject({ document: NetworkDocumentSchema, weightSetId: IdSchema.nullable() }),
    z.object({ program: ProgramSchema }),
    'Lowering preview: the TrtProgram the backends would receive.',
  ),
  'build.start': method(
    z.strictObject({ document: NetworkDocumentSchema, weightSetId: IdSchema.nullable(), options: BuildOptionsSchema }),
    JobStartedSchema,
    'Build an engine (job kind build); one build at a time per engine host.',
  ),
  'build.history': method(EmptySchema, z.object({ builds: z.array(BuildResultSchema) }), 'Engines built in this session, newest first.'),
  'run.start': method(
    z.strictObject({
      engineIds: z.array(IdSchema).min(1).max(8),
      /** Images, or NumPy `.npy` files (used as the input tensor as they are; preprocessing is ignored for them). */
      images: z
        .array(z.strictObject({ path: PathSchema, preprocessing: PreprocessingSchema }))
        .min(1)
        .max(10_000),
      topK: z.number().int().min(1).max(100).default(5),
      /** When given, every output of every image is also written there as float32 `.npy` (see OutputTensor.npyPath). */
      outputNpyDir: PathSchema.nullable().default(null),
    }),
    JobStartedSchema,
    'Run test images (or .npy inputs) through one or more engines (job kind run); several engines are compared.',
  ),
  'profile.start': method(
    z.strictObject({
      engineId: IdSchema,
      iterations: z.number().int().min(1).max(1_000_000).default(100),
      warmupIterations: z.number().int().min(0).max(100_000).default(10),
    }),
    JobStartedSchema,
    'Latency statistics and per-layer times (job kind profile).',
  ),
  'export.start': method(
    z.strictObject({
      format: ExportFormatSchema,
      path: PathSchema,
      document: NetworkDocumentSchema.nullable(),
      weightSetId: IdSchema.nullable(),
      engineId: IdSchema.nullable(),
    }),
    JobStartedSchema,
    'Write an .engine (needs engineId), .onnx, .wts, Python or C++ file (job kind export).',
  ),
  'images.preview': method(
    z.strictObject({ path: PathSchema, preprocessing: PreprocessingSchema }),
    ImagePreviewSchema,
    'The image as the network will see it.',
  ),
  'jobs.list': method(EmptySchema, z.object({ jobs: z.array(JobInfoSchema) }), 'Queued and running jobs.'),
  'jobs.cancel': method(
    z.strictObject({ jobId: IdSchema }),
    z.object({ status: JobStatusSchema }),
    'Cancel a queued or running job; its job.finished event follows.',
  ),
  'settings.get': method(EmptySchema, SettingsSchema, 'The settings.'),
  'settings.update': method(z.strictObject({ patch: SettingsPatchSchema }), SettingsSchema, 'Change some settings; returns them all.'),
} satisfies Record<MethodName, MethodSpec>;

export const EVENTS = {
  'job.progress': z.object({ jobId: IdSchema, kind: JobKindSchema, progress: JobProgressSchema }),
  'job.log': z.object({ jobId: IdSchema, severity: z.enum(['verbose', 'info', 'warning', 'error']), line: TextSchema }),
  'job.finished': JobFinishedSchema,
  /** Files to open: from the menu, a drop on the window, the command line, or a second launch. */
  'host.openFiles': z.object({ paths: z.array(z.string()), source: z.enum(['menu', 'drop', 'commandLine', 'secondInstance']) }),
  'menu.command': z.object({ command: MenuCommandSchema }),
  'weights.changed': z.object({ sets: z.array(WeightSetSchema) }),
  'settings.changed': SettingsSchema,
  /** A message the host refused before acting on it (no request id to answer). */
  'host.protocolError': z.object({ diagnostics: z.array(DiagnosticSchema) }),
} satisfies Record<EventName, z.ZodType>;

type Methods = typeof METHODS;
/** What the caller passes (defaults may be left out). */
export type MethodParams<M extends MethodName> = z.input<Methods[M]['params']>;
/** What a handler receives: validated, defaults filled in. */
export type HandlerParams<M extends MethodName> = z.output<Methods[M]['params']>;
/** What a call resolves with on success. */
export type MethodResult<M extends MethodName> = z.output<Methods[M]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;

// Compile-time proof that both tables have no keys beyond the name lists.
type ExactKeys<T, K extends PropertyKey> = Exclude<keyof T, K> extends never ? (Exclude<K, keyof T> extends never ? true : false) : false;
const methodKeysExact: ExactKeys<Methods, MethodName> = true;
const eventKeysExact: ExactKeys<typeof EVENTS, EventName> = true;
void methodKeysExact;
void eventKeysExact;

// ---------------------------------------------------------------------------------------------
// Validation at the boundary.

/** Quote a value for a message without echoing a huge or hostile string back whole. */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Walks a parsed payload once before any schema: refuses prototype-pollution keys, excessive depth
 * and non-JSON values. Returns a sentence describing the first problem, or undefined.
 */
export function findHostileContent(value: unknown, maxDepth = MAX_DEPTH): string | undefined {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: 'params' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `${path} is ${String(v)}; expected a finite number.`;
      continue;
    }
    if (typeof v !== 'object') return `${path} is a ${typeof v}; expected JSON data.`;
    if (depth >= maxDepth) return `${path} is nested deeper than ${maxDepth} levels; expected a flatter payload.`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], depth: depth + 1, path: `${path}[${i}]` });
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return `${path} is not a plain object; expected JSON data.`;
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.includes(key)) return `${path} has the key ${quote(key)}, which is refused; rename the field.`;
      stack.push({ v: (v as Record<string, unknown>)[key], depth: depth + 1, path: `${path}.${key}` });
    }
  }
  return undefined;
}

function describeIssues(method: string, issues: readonly z.core.$ZodIssue[], input: unknown): string {
  const parts = issues.slice(0, 3).map((issue) => {
    const path = ['params', ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('').replace(/\.\[/g, '[');
    const found = issue.path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), input);
    const shown = issue.code === 'unrecognized_keys' ? '' : ` (found ${found === undefined ? 'nothing' : quote(found)})`;
    return `${path}: ${issue.message}${shown}`;
  });
  const more = issues.length > 3 ? ` and ${issues.length - 3} more problem(s)` : '';
  return `The request '${method}' was refused: ${parts.join('; ')}${more}.`;
}

/** A validated request, ready for its handler. */
export interface ValidRequest<M extends MethodName = MethodName> {
  method: M;
  params: HandlerParams<M>;
}

/**
 * Checks one request against the contract: the method must exist, the payload must be plain JSON
 * without hostile keys, and the params must match the method's schema. Never throws.
 */
export function validateRequest(method: unknown, params: unknown): Result<ValidRequest> {
  if (!isMethodName(method)) {
    return fail(
      protocolError(
        'api.method.unknown',
        `The request method ${quote(method)} is not part of the TRT Studio API; expected one of ${METHOD_NAMES.length} names such as 'project.open'.`,
      ),
    );
  }
  const hostile = findHostileContent(params ?? {});
  if (hostile) return fail(protocolError('api.params.refused', `The request '${method}' was refused: ${hostile}`));
  const parsed = METHODS[method].params.safeParse(params ?? {});
  if (!parsed.success) return fail(protocolError('api.params.invalid', describeIssues(method, parsed.error.issues, params)));
  return ok({ method, params: parsed.data as HandlerParams<MethodName> });
}

/** Checks what a handler returns before it leaves the host, so a service bug surfaces as a Diagnostic, not a broken UI. */
export function validateResult(method: MethodName, value: unknown): Result<unknown> {
  const parsed = METHODS[method].result.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  return fail(
    protocolError(
      'api.result.invalid',
      `The host produced an invalid result for '${method}': ${describeIssues(method, parsed.error.issues, value).replace(/^The request '[^']*' was refused: /, '')}`,
    ),
  );
}

/** Checks an event payload (used by the client, and by the host before sending). */
export function validateEvent(event: unknown, payload: unknown): Result<{ event: EventName; payload: unknown }> {
  if (!isEventName(event)) return fail(protocolError('api.event.unknown', `The event ${quote(event)} is not part of the TRT Studio API.`));
  const parsed = EVENTS[event].safeParse(payload);
  if (!parsed.success)
    return fail(protocolError('api.event.invalid', `The event '${event}' has an invalid payload: ${parsed.error.issues[0]?.message ?? 'unknown problem'}.`));
  return ok({ event, payload: parsed.data });
}

function protocolError(code: string, message: string): Diagnostic {
  return { severity: 'error', code, message };
}

/** The Diagnostic a method answers while the service behind it is not plugged in yet. */
export function notAvailable(method: MethodName, why = 'its service is not available in this build yet'): Diagnostic {
  return { severity: 'error', code: 'host.notAvailable', message: `'${method}' cannot be used: ${why}.` };
}

// ---------------------------------------------------------------------------------------------
// Wire messages (the WebSocket carries these as JSON text frames).

export const MAX_REQUEST_ID = 2 ** 31 - 1;

export const ClientMessageSchema = z.strictObject({
  type: z.literal('request'),
  id: z.number().int().min(0).max(MAX_REQUEST_ID),
  method: z.string().max(200),
  params: z.unknown(),
});
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export type HostMessage =
  | { type: 'response'; id: number; ok: true; value: unknown; diagnostics?: Diagnostic[] }
  | { type: 'response'; id: number; ok: false; diagnostics: Diagnostic[] }
  | { type: 'event'; event: EventName; payload: unknown };

/**
 * Parses one text frame from a client. On failure `id` is the request id when it could be read,
 * so the host can answer that request instead of leaving it hanging.
 */
export function parseClientMessage(
  text: string,
  maxBytes = MAX_MESSAGE_BYTES,
): { ok: true; id: number; method: unknown; params: unknown } | { ok: false; id?: number; diagnostics: Diagnostic[] } {
  if (text.length > maxBytes) {
    return { ok: false, diagnostics: [protocolError('api.message.tooLarge', `A message of ${text.length} characters was refused; the limit is ${maxBytes}.`)] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, diagnostics: [protocolError('api.message.json', `A message was refused because it is not JSON: ${(e as Error).message}.`)] };
  }
  const parsed = ClientMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const id = typeof raw === 'object' && raw !== null && Number.isInteger((raw as { id?: unknown }).id) ? (raw as { id: number }).id : undefined;
    const message = `A message was refused: expected {"type":"request","id":<integer>,"method":<name>,"params":{...}}; found ${quote(raw)}.`;
    return id === undefined
      ? { ok: false, diagnostics: [protocolError('api.message.shape', message)] }
      : { ok: false, id, diagnostics: [protocolError('api.message.shape', message)] };
  }
  return { ok: true, id: parsed.data.id, method: parsed.data.method, params: parsed.data.params };
}

// ---------------------------------------------------------------------------------------------
// The client side: one typed interface over any transport.

/** The typed client the renderer uses; the same interface over Electron IPC and the WebSocket. */
export interface HostApi {
  /** Which host the UI runs in: 'electron' has native dialogs and file paths; 'web' uploads dropped files. */
  readonly kind: 'electron' | 'web';
  /** Sends one request. Resolves with the result or the Diagnostics explaining why not; never rejects. */
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<Result<MethodResult<M>>>;
  /** Listens to one event; returns the function that stops listening. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** What a transport must do: carry raw requests and events. `createHostApi` adds types and checks. */
export interface HostTransport {
  /** Resolves with the response envelope `{ ok, value?, diagnostics? }`; may reject on a broken connection. */
  request(method: MethodName, params: unknown): Promise<unknown>;
  /** Raw events; returns the function that unsubscribes. */
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

const ResponseEnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown(), diagnostics: z.array(DiagnosticSchema).optional() }),
  z.object({ ok: z.literal(false), diagnostics: z.array(DiagnosticSchema) }),
]);

/** Wraps a transport into the typed `HostApi`. Responses and events are checked against the contract. */
export function createHostApi(transport: HostTransport, kind: 'electron' | 'web'): HostApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  transport.subscribe((event, payload) => {
    const checked = validateEvent(event, payload);
    if (!checked.ok) return; // An unknown or malformed event is dropped; the UI never sees it.
    for (const listener of listeners.get(event) ?? []) listener(checked.value.payload);
  });
  return {
    kind,
    async call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<Result<MethodResult<M>>> {
      let raw: unknown;
      try {
        raw = await transport.request(method, params);
      } catch (e) {
        return fail({
          severity: 'error',
          code: 'host.disconnected',
          message: `The request '${method}' could not reach the host: ${e instanceof Error ? e.message : String(e)}.`,
        });
      }
      const envelope = ResponseEnvelopeSchema.safeParse(raw);
      if (!envelope.success)
        return fail(protocolError('api.response.invalid', `The host answered '${method}' with something that is not a response: ${quote(raw)}.`));
      if (!envelope.data.ok) return fail(...envelope.data.diagnostics);
      const value = METHODS[method].result.safeParse(envelope.data.value);
      if (!value.success)
        return fail(
          protocolError('api.result.invalid', describeIssues(method, value.error.issues, envelope.data.value).replace(/^The request/, 'The response to')),
        );
      return ok(value.data as MethodResult<M>, envelope.data.diagnostics);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
  };
}

/** The Electron transport: the preload's `window.trtStudioHost`. */
export function bridgeTransport(bridge: PreloadBridge): HostTransport {
  return { request: (method, params) => bridge.call(method, params), subscribe: (listener) => bridge.onEvent(listener) };
}

/** The least a WebSocket must offer (the DOM's WebSocket and the `ws` package both do). */
export interface TextSocket {
  readonly readyState: number;
  send(text: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
  addEventListener(type: 'open', listener: () => void): void;
}

const SOCKET_OPEN = 1;

/**
 * The browser-mode transport: requests and responses matched by id over one WebSocket. Requests made
 * before the socket opens wait for it; a closed socket fails every pending request with a Diagnostic.
 */
export function webSocketTransport(socket: TextSocket): HostTransport {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const waitingForOpen: (() => void)[] = [];
  let closed = false;
  socket.addEventListener('open', () => waitingForOpen.splice(0).forEach((send) => send()));
  socket.addEventListener('close', () => {
    closed = true;
    for (const p of pending.values()) p.reject(new Error('the connection to the host closed'));
    pending.clear();
  });
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as { type?: unknown; id?: unknown; event?: unknown; payload?: unknown };
    if (m.type === 'response' && typeof m.id === 'number') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      const { type: _type, id: _id, ...envelope } = m;
      p.resolve(envelope);
    } else if (m.type === 'event' && typeof m.event === 'string') {
      for (const listener of eventListeners) listener(m.event, m.payload);
    }
  });
  return {
    request(method, params) {
      return new Promise((resolve, reject) => {
        if (closed) return reject(new Error('the connection to the host is closed'));
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const send = () => socket.send(JSON.stringify({ type: 'request', id, method, params }));
        if (socket.readyState === SOCKET_OPEN) send();
        else waitingForOpen.push(send);
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
  };
}

/**
 * Follows a job to its end: calls `onProgress` for each progress event and resolves with the
 * `job.finished` payload. Start listening before the job could finish: call it right after the start
 * call resolves (the host sends `job.finished` only after answering the start request).
 */
export function followJob(
  api: HostApi,
  jobId: string,
  onProgress?: (progress: JobProgress) => void,
  onLog?: (line: string, severity: string) => void,
): Promise<JobFinished> {
  return new Promise((resolve) => {
    const offProgress = api.on('job.progress', (e) => {
      if (e.jobId === jobId) onProgress?.(e.progress);
    });
    const offLog = api.on('job.log', (e) => {
      if (e.jobId === jobId) onLog?.(e.line, e.severity);
    });
    const offFinished = api.on('job.finished', (e) => {
      if (e.jobId !== jobId) return;
      offProgress();
      offLog();
      offFinished();
      resolve(e);
    });
  });
}
