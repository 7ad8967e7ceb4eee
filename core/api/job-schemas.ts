/** Jobs, and what the build, run, profile and export jobs take and produce (the compare job's in compare-schemas.ts). */
import { z } from 'zod';
import {
  BackendIdSchema,
  Count,
  DiagnosticSchema,
  DimsSchema,
  Finite,
  IdSchema,
  NameSchema,
  NetworkDocumentSchema,
  PathSchema,
  ShapeProfileSchema,
  TextSchema,
  Timestamp,
} from './schemas.js';
import { CompareReportSchema } from './compare-schemas.js';
import { WeightSetSchema } from './weight-schemas.js';
import { MAX_CANDIDATES } from '../run/detection-candidates.js';

export const JOB_KINDS = ['weights.import', 'model.import', 'build', 'run', 'profile', 'export', 'compare'] as const;
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
  preset: z.enum(['imagenet', 'mnist', 'letterbox', 'custom']),
  width: z.number().int().min(1).max(16384),
  height: z.number().int().min(1).max(16384),
  channels: z.union([z.literal(1), z.literal(3)]),
  colorOrder: z.enum(['RGB', 'BGR']).default('RGB'),
  /** `letterbox`: keep the aspect ratio and pad with grey 114 as ultralytics does (core/run/letterbox.ts). */
  resize: z.enum(['stretch', 'center-crop', 'letterbox']).default('stretch'),
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

/** Which output of a run is a detector head and how to read it (core/run/detection-candidates.ts). */
export const DetectorHeadSchema = z.strictObject({
  output: NameSchema,
  /** `v8`: [1, 4 + classes, anchors]; `v5`: [1, anchors, 5 + classes] with objectness; `rows`: [1, N, 6] after NMS in the network. */
  format: z.enum(['v8', 'v5', 'rows']),
  /** Centre and size (ultralytics' decoded heads) or corners. */
  box: z.enum(['cxcywh', 'xyxy']),
});
export type DetectorHead = z.infer<typeof DetectorHeadSchema>;

/**
 * One image's boxes scoring above `floor` (highest first, at most MAX_CANDIDATES), decoded by the host from the
 * whole output, so the panel thresholds and suppresses them live. Box i is boxes[4i … 4i + 3], corners in
 * network-input pixels; `image` and `input` say how to map them onto the original image.
 */
export const DetectionCandidatesSchema = z
  .object({
    output: z.string(),
    image: z.object({ width: Count, height: Count }),
    input: z.object({ width: Count, height: Count, resize: z.enum(['stretch', 'center-crop', 'letterbox']) }),
    floor: z.number().min(0).max(1),
    classes: z.array(Count).max(MAX_CANDIDATES),
    scores: z.array(Finite).max(MAX_CANDIDATES),
    boxes: z.array(Finite).max(4 * MAX_CANDIDATES),
    /** Boxes above the floor left out beyond the limit (the lowest-scoring). */
    dropped: Count,
  })
  .refine((c) => c.scores.length === c.classes.length && c.boxes.length === 4 * c.scores.length, {
    message: 'detection candidates need one class and four box values per score',
  });
export type DetectionCandidatesResult = z.infer<typeof DetectionCandidatesSchema>;

const RunImageResultSchema = z.object({
  path: z.string(),
  top: z.array(z.object({ index: Count, label: z.string().optional(), probability: z.number() })),
  outputs: z.array(OutputTensorSchema),
  elapsedMs: z.number().min(0),
  /** For a detector run (run.start's `detector`) on an image: the candidates of its head. */
  detections: DetectionCandidatesSchema.optional(),
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
    z.object({
      /** A layer, a fused group (`conv1.conv + conv1.bn.scale + conv1.relu`, TensorRT's `conv1 + relu1`) or the runtime's own kernel. */
      name: z.string(),
      /** The canvas node of the (first) layer. */
      nodeId: z.string().optional(),
      ms: z.number(),
      percent: z.number(),
      /** The layers one fused kernel ran, in program order. */
      fusedFrom: z.array(z.string()).optional(),
      /** Every canvas node a fused kernel ran layers of, when more than one. */
      nodeIds: z.array(z.string()).optional(),
      /** The runtime's own work (a layout conversion, a reformatting copy) in plain words; such a row has no layer. */
      internal: z.string().optional(),
    }),
  ),
  /** TensorRT's engine inspector output (JSON text), when the backend has one. */
  engineInspector: z.string().optional(),
});
export type ProfileResult = z.infer<typeof ProfileResultSchema>;

export const ExportFormatSchema = z.enum(['engine', 'onnx', 'wts', 'python', 'cpp']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const ExportResultSchema = z.object({ format: ExportFormatSchema, path: z.string(), bytes: Count });
export type ExportResult = z.infer<typeof ExportResultSchema>;

/**
 * An imported ONNX model: the network (its initializers bound by name) and the weight set the host now
 * holds them in. The set has no file of its own (`path` is ''): it lives in the host until saved.
 */
export const ModelImportResultSchema = z.object({
  document: NetworkDocumentSchema,
  weightSet: WeightSetSchema,
  opset: Count,
  producer: z.string(),
});
export type ModelImportResult = z.infer<typeof ModelImportResultSchema>;

const jobFinishedBase = {
  jobId: IdSchema,
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  diagnostics: z.array(DiagnosticSchema),
  elapsedMs: z.number().min(0),
};

/** The end of a job: its result is typed by its kind (present only when it succeeded). */
export const JobFinishedSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('weights.import'), result: WeightSetSchema.optional(), ...jobFinishedBase }),
  z.object({ kind: z.literal('model.import'), result: ModelImportResultSchema.optional(), ...jobFinishedBase }),
  z.object({ kind: z.literal('build'), result: BuildResultSchema.optional(), ...jobFinishedBase }),
  z.object({ kind: z.literal('run'), result: RunResultSchema.optional(), ...jobFinishedBase }),
  z.object({ kind: z.literal('profile'), result: ProfileResultSchema.optional(), ...jobFinishedBase }),
  z.object({ kind: z.literal('export'), result: ExportResultSchema.optional(), ...jobFinishedBase }),
  z.object({ kind: z.literal('compare'), result: CompareReportSchema.optional(), ...jobFinishedBase }),
]);
export type JobFinished = z.infer<typeof JobFinishedSchema>;
/** The result type of each job kind. */
export type JobResultOf<K extends JobKind> = NonNullable<Extract<JobFinished, { kind: K }>['result']>;
