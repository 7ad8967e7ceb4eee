/**
 * The one contract between the UI and the host: every request with its
 * params, result and size limit, and every event, in two tables. The host validates each incoming
 * request against it (`host/validate.ts`) before a service sees it; the renderer's typed client
 * (`client.ts`) gets its types and checks from the same tables.
 */
import { z } from 'zod';
import { CompareOptionsSchema, CompareTensorsSchema } from './compare-schemas.js';
import type { Diagnostic, Result } from '../diagnostics.js';
import { fail, ok } from '../diagnostics.js';
import { MAX_DOCUMENT_BYTES, MAX_ITEMS, MAX_REQUEST_BYTES, quote } from '../network/limits.js';
import {
  BuildOptionsSchema,
  BuildResultSchema,
  DetectorHeadSchema,
  ExportFormatSchema,
  ImagePreviewSchema,
  JobFinishedSchema,
  JobInfoSchema,
  JobKindSchema,
  JobProgressSchema,
  JobStartedSchema,
  JobStatusSchema,
  PreprocessingSchema,
} from './job-schemas.js';
import { FarmJobSchema, FarmRefusalSchema, FarmResultSchema, FarmSchedulerSchema, FarmSubmissionIdSchema, FarmTargetSchema } from './farm-schemas.js';
import { isEventName, type EventName, type MethodName } from './names.js';
import {
  FilePurposeSchema,
  FileRootSchema,
  FolderListingSchema,
  OpenedProjectSchema,
  RecentEntrySchema,
  RecoveryOfferSchema,
  SavedProjectSchema,
  SettingsPatchSchema,
  SettingsSchema,
} from './project-schemas.js';
import {
  CapabilitiesSchema,
  Count,
  DiagnosticSchema,
  EmptySchema,
  IdSchema,
  NameSchema,
  NetworkDocumentSchema,
  PathSchema,
  TextSchema,
  Timestamp,
} from './schemas.js';
import { BindResultSchema, ProgramSchema, ShapeReportSchema, TensorStatsSchema, WeightSetSchema, WeightTensorSchema } from './weight-schemas.js';

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

// ---------------------------------------------------------------------------------------------
// The tables. `satisfies Record<MethodName, ...>` keeps them in step with `api/names.ts`.

/** One request: its params schema and its result schema. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  /** One line for docs and logs. */
  doc: string;
  /** The largest request accepted, in bytes of JSON: small unless the method carries a document; large data goes by file. */
  maxBytes: number;
}

function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R, doc: string, maxBytes = MAX_REQUEST_BYTES): MethodSpec<P, R> {
  return { params, result, doc, maxBytes };
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
    z.strictObject({
      path: PathSchema,
      document: NetworkDocumentSchema,
      /** The version the editor opened or last saved; when the file has changed since, the save is refused with code `project.conflict`. */
      baseVersion: z.string().max(128).nullable().default(null),
      /** Write even when the file changed on disk (the user answered "overwrite"). */
      overwrite: z.boolean().default(false),
      /** The project's weights file; stored relative to the project file. */
      weightsPath: PathSchema.nullable().default(null),
    }),
    SavedProjectSchema,
    'Validate and write atomically (temp file, fsync, rename); clears this session’s recovery file. Save-as is the same call with the new path.',
    MAX_DOCUMENT_BYTES,
  ),
  'project.recent': method(EmptySchema, z.object({ entries: z.array(RecentEntrySchema) }), 'Recently opened or saved projects, newest first.'),
  'project.forgetRecent': method(
    z.strictObject({ path: PathSchema }),
    z.object({ entries: z.array(RecentEntrySchema) }),
    'Remove one entry from the recent list.',
  ),
  'project.autosave': method(
    z.strictObject({ document: NetworkDocumentSchema, projectPath: PathSchema.nullable(), weightsPath: PathSchema.nullable().default(null) }),
    z.object({ scheduled: z.boolean() }),
    'Unsaved work, sent when it changes; written to this client’s recovery file at most every few seconds (project.autosaved tells how it went).',
    MAX_DOCUMENT_BYTES,
  ),
  'project.discardAutosave': method(EmptySchema, Nothing, 'The work is saved or thrown away: delete this session’s recovery file.'),
  'project.recovery': method(EmptySchema, z.object({ offers: z.array(RecoveryOfferSchema) }), 'Recovery files left by sessions that ended without saving.'),
  'project.restore': method(
    z.strictObject({ id: IdSchema }),
    OpenedProjectSchema,
    'Open a recovery file’s document (dirty); the file stays until saved or discarded.',
  ),
  'project.discardRecovery': method(z.strictObject({ id: IdSchema }), Nothing, 'Delete a recovery file.'),
  'project.resume': method(
    EmptySchema,
    z.object({ project: OpenedProjectSchema.nullable() }),
    'This client’s own unsaved work (after a page reload, or a host restart in browser mode): it stays this client’s; null when there is none.',
  ),
  'files.roots': method(EmptySchema, z.object({ roots: z.array(FileRootSchema) }), 'The folders the file browser may show.'),
  'files.list': method(
    z.strictObject({ path: PathSchema, purpose: FilePurposeSchema.optional() }),
    FolderListingSchema,
    'One folder inside an allowed root; with a purpose, only matching files (and folders).',
  ),
  'files.write': method(
    z.strictObject({ path: PathSchema, data: z.string().max(MAX_DOCUMENT_BYTES), encoding: z.enum(['utf8', 'base64']) }),
    z.object({ path: z.string(), bytes: Count }),
    'Write a small file the UI produced (a PNG/SVG of the graph) inside an allowed root, atomically.',
    MAX_DOCUMENT_BYTES,
  ),
  'dialog.open': method(
    z.strictObject({ purpose: FilePurposeSchema, multiple: z.boolean().default(false), title: NameSchema.optional(), folder: PathSchema.optional() }),
    z.object({ paths: z.array(z.string()) }),
    'Native open dialog (Electron only), starting in `folder` when given; no paths when cancelled. The chosen folder becomes browsable.',
  ),
  'dialog.save': method(
    z.strictObject({ purpose: FilePurposeSchema, defaultName: NameSchema.optional(), title: NameSchema.optional(), folder: PathSchema.optional() }),
    z.object({ path: z.string().nullable() }),
    'Native save dialog (Electron only), starting in `folder` when given; null when cancelled.',
  ),
  'weights.import': method(
    z.strictObject({ path: PathSchema }),
    JobStartedSchema,
    'Decode a weights file (.wts, .safetensors or .npz) in the host (job kind weights.import).',
  ),
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
    MAX_DOCUMENT_BYTES,
  ),
  'weights.unload': method(z.strictObject({ setId: IdSchema }), Nothing, 'Free a loaded weight file.'),
  'weights.bind': method(
    z.strictObject({ setId: IdSchema, document: NetworkDocumentSchema }),
    BindResultSchema,
    'Auto-map tensors to weight slots by PyTorch names; Diagnostics explain mismatched counts.',
    MAX_DOCUMENT_BYTES,
  ),
  'weights.save': method(
    z.strictObject({ setId: IdSchema, path: PathSchema }),
    z.object({ path: z.string() }),
    'Write a weight set as it is held (every tensor, in order, under its name) to a .wts; an imported model’s set has no file until then.',
  ),
  'model.import': method(
    z.strictObject({ path: PathSchema }),
    JobStartedSchema,
    'Import an .onnx model as a new network with its initializers as a bound weight set (job kind model.import).',
  ),
  'network.check': method(
    z.strictObject({ document: NetworkDocumentSchema }),
    ShapeReportSchema,
    'Validate the document, infer every output’s dims and report what run and build would stop on (the network check: lowering and the ONNX translation included).',
    MAX_DOCUMENT_BYTES,
  ),
  'network.lower': method(
    z.strictObject({ document: NetworkDocumentSchema, weightSetId: IdSchema.nullable() }),
    z.object({ program: ProgramSchema }),
    'Lowering preview: the TrtProgram the backends would receive.',
    MAX_DOCUMENT_BYTES,
  ),
  'build.start': method(
    z.strictObject({ document: NetworkDocumentSchema, weightSetId: IdSchema.nullable(), options: BuildOptionsSchema }),
    JobStartedSchema,
    'Build an engine (job kind build); one build at a time per engine host.',
    MAX_DOCUMENT_BYTES,
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
      /** When given, each image's result carries the candidates of this detector head (RunImageResult.detections). */
      detector: DetectorHeadSchema.nullable().default(null),
    }),
    JobStartedSchema,
    'Run test images (or .npy inputs) through one or more engines (job kind run); several engines are compared.',
    MAX_DOCUMENT_BYTES,
  ),
  'run.saveOutputs': method(
    z.strictObject({ jobId: IdSchema, dir: PathSchema }),
    z.object({ files: z.array(z.object({ engineId: IdSchema, image: z.string(), output: z.string(), npyPath: z.string() })) }),
    'Write every output of a finished run, whole, as float32 .npy files in a folder, without running again (the host keeps the outputs of its recent runs).',
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
    MAX_DOCUMENT_BYTES,
  ),
  'compare.start': method(
    CompareOptionsSchema,
    JobStartedSchema,
    'Compare every layer that has a reference (a PyTorch activation, or the same layer on a second backend) with a tolerance (job kind compare).',
    MAX_DOCUMENT_BYTES,
  ),
  'compare.tensors': method(
    z.strictObject({ jobId: IdSchema, layer: NameSchema }),
    CompareTensorsSchema,
    'The two tensors of one compared layer of a finished comparison: statistics, histogram and the worst elements (the host keeps recent comparisons).',
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
  'farm.submit': method(
    z.strictObject({
      projectPath: PathSchema,
      weightsPath: PathSchema.nullable(),
      targets: z.array(FarmTargetSchema).min(1).max(100),
      /** Images or `.npy` files each job runs (`trt-studio run`); none: the jobs profile (`trt-studio profile`). */
      inputs: z.array(PathSchema).max(1000).default([]),
      iterations: z.number().int().min(1).max(1_000_000).default(50),
    }),
    z.object({ submission: FarmSubmissionIdSchema, jobs: z.array(FarmJobSchema), refused: z.array(FarmRefusalSchema) }),
    'Submit the build matrix (targets × precisions × batch profiles) to the cluster scheduler, one job each; refused cells say why.',
    MAX_DOCUMENT_BYTES,
  ),
  'farm.status': method(
    z.strictObject({ submission: FarmSubmissionIdSchema.optional() }),
    z.object({ jobs: z.array(FarmJobSchema), scheduler: FarmSchedulerSchema }),
    'The farm jobs (of one submission, or all) with their states and the scheduler’s reasons; whether a scheduler is reachable.',
  ),
  'farm.cancel': method(z.strictObject({ job: z.string().regex(/^[0-9]{1,20}$/, 'must be a scheduler job number') }), FarmJobSchema, 'Cancel one farm job.'),
  'farm.results': method(
    z.strictObject({ submission: FarmSubmissionIdSchema.optional() }),
    z.object({ results: z.array(FarmResultSchema) }),
    'What the finished farm jobs wrote (their summary.json): latency, per-layer times, engine size.',
  ),
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
  /** How writing one client's recovery file went; `ok: false` means crash recovery is off for it until a write succeeds. */
  'project.autosaved': z.object({ client: z.string(), ok: z.boolean(), at: Timestamp, diagnostics: z.array(DiagnosticSchema) }),
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
// Diagnostics the contract words the same on both sides.

/** A Diagnostic about the conversation itself (a refused message, an unknown event), not about the user's data. */
export function protocolError(code: string, message: string): Diagnostic {
  return { severity: 'error', code, message };
}

/** Up to three schema issues as one sentence: `The request 'm' was refused: params.x: ... (found 42).` */
export function describeIssues(method: string, issues: readonly z.core.$ZodIssue[], input: unknown): string {
  const parts = issues.slice(0, 3).map((issue) => {
    const path = ['params', ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('').replace(/\.\[/g, '[');
    const found = issue.path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), input);
    const shown = issue.code === 'unrecognized_keys' ? '' : ` (found ${found === undefined ? 'nothing' : quote(found)})`;
    return `${path}: ${issue.message}${shown}`;
  });
  const more = issues.length > 3 ? ` and ${issues.length - 3} more problem(s)` : '';
  return `The request '${method}' was refused: ${parts.join('; ')}${more}.`;
}

/** Checks an event payload (used by the client, and by the host before sending). */
export function validateEvent(event: unknown, payload: unknown): Result<{ event: EventName; payload: unknown }> {
  if (!isEventName(event)) return fail(protocolError('api.event.unknown', `The event ${quote(event)} is not part of the TRT Studio API.`));
  const parsed = EVENTS[event].safeParse(payload);
  if (!parsed.success)
    return fail(protocolError('api.event.invalid', `The event '${event}' has an invalid payload: ${parsed.error.issues[0]?.message ?? 'unknown problem'}.`));
  return ok({ event, payload: parsed.data });
}

/** The Diagnostic a method answers while the service behind it is not plugged in yet. */
export function notAvailable(method: MethodName, why = 'its service is not available in this build yet'): Diagnostic {
  return { severity: 'error', code: 'host.notAvailable', message: `'${method}' cannot be used: ${why}.` };
}
