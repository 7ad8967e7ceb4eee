/**
 * Layer-by-layer comparison: what a comparison job takes and what it reports. One schema for the CLI
 * (`trt-studio compare --json` prints a `CompareReport` less the UI-only fields) and the UI (job kind `compare`).
 */
import { z } from 'zod';
import { BackendIdSchema, Count, DimsSchema, IdSchema, NetworkDocumentSchema, PathSchema } from './schemas.js';

/** What the network's layers are compared against: a reference file of PyTorch activations, or a second backend. */
export const CompareAgainstSchema = z.discriminatedUnion('kind', [
  /** An `.npz`, or a folder of `.npy` files, keyed by PyTorch module names (the reference script's output). */
  z.strictObject({ kind: z.literal('reference'), path: PathSchema }),
  /** The same network on another backend (e.g. TensorRT against the reference runtime), every marked layer. */
  z.strictObject({ kind: z.literal('backend'), backend: BackendIdSchema }),
]);
export type CompareAgainst = z.infer<typeof CompareAgainstSchema>;

export const CompareOptionsSchema = z.strictObject({
  document: NetworkDocumentSchema,
  weightSetId: IdSchema.nullable(),
  /** The backend whose layer outputs are checked. */
  backend: BackendIdSchema,
  against: CompareAgainstSchema,
  /** The input tensor as float32 `.npy` (the reference script saves it beside the activations). */
  inputPath: PathSchema,
  /** Pass when maxAbsError ≤ tolerance × the reference tensor's largest absolute value. */
  tolerance: z.number().positive().max(1).default(1e-4),
});
export type CompareOptions = z.infer<typeof CompareOptionsSchema>;

/** One compared layer, in topological order of the network. */
export const CompareLayerSchema = z.object({
  /** The canvas name: a layer's name or a composite instance's name (`layer3.0`). */
  layer: z.string(),
  nodeId: z.string().optional(),
  /** The reference's key (a module name), or the other backend's id. */
  reference: z.string(),
  dims: DimsSchema,
  maxAbsError: z.number(),
  /** maxAbsError divided by the reference's largest absolute value. */
  relError: z.number(),
  cosine: z.number(),
  pass: z.boolean(),
  /** Why a layer could not be compared as numbers (shapes differ, NaN…), in plain words; then pass is false. */
  note: z.string().optional(),
});
export type CompareLayer = z.infer<typeof CompareLayerSchema>;

export const CompareReportSchema = z.object({
  /** The first layer in topological order that fails, or null when all pass. */
  firstFailing: z.string().nullable(),
  layers: z.array(CompareLayerSchema),
  backend: BackendIdSchema,
  against: CompareAgainstSchema,
  tolerance: z.number(),
  /** Reference keys that name no layer of the network (shown, never silently dropped). */
  unmatched: z.array(z.string()).default([]),
});
export type CompareReport = z.infer<typeof CompareReportSchema>;

/** The two tensors of one compared layer, for the side-by-side view. */
export const TensorSummarySchema = z.object({
  dims: DimsSchema,
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  std: z.number(),
  histogram: z.object({ edges: z.array(z.number()), counts: z.array(Count) }),
});
export const CompareTensorsSchema = z.object({
  layer: z.string(),
  actual: TensorSummarySchema,
  reference: TensorSummarySchema,
  /** The elements with the largest absolute errors, largest first (at most 20). */
  worst: z.array(z.object({ index: z.array(Count), actual: z.number(), reference: z.number(), absError: z.number() })),
});
export type CompareTensors = z.infer<typeof CompareTensorsSchema>;
