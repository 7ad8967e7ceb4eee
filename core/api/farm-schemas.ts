/**
 * The build farm: build targets, the matrix submitted to a cluster scheduler (Slurm), its jobs and
 * their results. One schema for the project file's `farm` targets, the CLI (`trt-studio farm …`) and the UI's Farm tab.
 */
import { z } from 'zod';
import { BackendIdSchema, Count, NameSchema, PathSchema, Timestamp } from './schemas.js';
import { PrecisionSchema } from './job-schemas.js';

/** A batch profile of the matrix: the input's batch size for min, opt and max. */
export const FarmBatchProfileSchema = z.strictObject({
  name: NameSchema,
  min: z.number().int().min(1),
  opt: z.number().int().min(1),
  max: z.number().int().min(1),
});
export type FarmBatchProfile = z.infer<typeof FarmBatchProfileSchema>;

/** A place engines are built: one GPU model with one TensorRT version, as the scheduler knows it. */
export const FarmTargetSchema = z.strictObject({
  name: NameSchema,
  scheduler: z.enum(['slurm', 'kubernetes']).default('slurm'),
  /** Slurm partition (`--partition`); absent: the cluster's default. */
  partition: z.string().max(200).optional(),
  /** Slurm GRES for the GPU, e.g. `gpu:h100:1`; absent: no GPU requested (the reference runtime on CPU). */
  gres: z.string().max(200).optional(),
  /** Shell lines run before `trt-studio` in the job, e.g. `module load tensorrt/10.8` or a container line. */
  setup: z.array(z.string().max(1000)).max(50).default([]),
  /** The backend the job builds and profiles with: tensorrt on GPU targets, onnxruntime where none is. */
  backend: BackendIdSchema.default('tensorrt'),
  precisions: z.array(PrecisionSchema).min(1).max(5).default(['fp32']),
  profiles: z.array(FarmBatchProfileSchema).max(16).default([]),
  /** Kubernetes only: the node label value of `nvidia.com/gpu.product` and the container image. */
  kubernetes: z.strictObject({ gpuProduct: z.string().max(200).optional(), image: z.string().max(500) }).optional(),
});
export type FarmTarget = z.infer<typeof FarmTargetSchema>;

/** A targets file (`targets.json`) or a project's `farm` section. */
export const FarmTargetsFileSchema = z.strictObject({ targets: z.array(FarmTargetSchema).min(1).max(100) });

export const FarmJobStateSchema = z.enum(['pending', 'running', 'done', 'failed', 'cancelled']);
export type FarmJobState = z.infer<typeof FarmJobStateSchema>;

/** One cell of the matrix: target × precision × batch profile, one scheduler job. */
export const FarmJobSchema = z.object({
  /** The scheduler's job id (Slurm's number as text). */
  id: z.string().max(64),
  submission: z.string().max(64),
  target: NameSchema,
  precision: PrecisionSchema,
  /** The batch profile's name, or `default` when the target lists none. */
  profile: NameSchema,
  state: FarmJobStateSchema,
  /** The scheduler's reason for pending or failed jobs, in its words (`Resources`, `ReqNodeNotAvail`, exit code…). */
  reason: z.string().max(2000).optional(),
  /** The job directory on the shared filesystem: project, weights, inputs, engine, log, profile.json, summary.json. */
  dir: PathSchema,
  submittedAt: Timestamp,
});
export type FarmJob = z.infer<typeof FarmJobSchema>;

/** What a finished job wrote (its summary.json). */
export const FarmResultSchema = z.object({
  job: z.string().max(64),
  target: NameSchema,
  precision: PrecisionSchema,
  profile: NameSchema,
  backend: BackendIdSchema,
  latencyMs: z.object({ mean: z.number(), median: z.number(), p90: z.number() }),
  layers: z.array(z.object({ name: z.string(), ms: z.number() })),
  /** The built engine file and its size (absent for the reference runtime, which builds no engine). */
  enginePath: PathSchema.optional(),
  engineBytes: Count.optional(),
  logPath: PathSchema,
});
export type FarmResult = z.infer<typeof FarmResultSchema>;

/** The id of one submission of the matrix: its folder's name under the farm folder. */
export const FarmSubmissionIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 letters, digits or _ . -');

/** A cell of the matrix the scheduler would not take, with its reason in the scheduler's words. */
export const FarmRefusalSchema = z.object({ target: NameSchema, precision: PrecisionSchema, profile: NameSchema, reason: z.string().max(2000) });
export type FarmRefusal = z.infer<typeof FarmRefusalSchema>;

/** Whether the host can reach a scheduler, and why not. */
export const FarmSchedulerSchema = z.object({ available: z.boolean(), reason: z.string().max(2000).optional() });
export type FarmScheduler = z.infer<typeof FarmSchedulerSchema>;
