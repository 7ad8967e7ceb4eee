/** What the weights, shape-check and lowering methods carry. */
import { z } from 'zod';
import type { TrtProgram } from '../program/types.js';
import {
  Count,
  DataTypeSchema,
  DimsSchema,
  DiagnosticSchema,
  IdSchema,
  ParamValueSchema,
  ShapeProfileSchema,
  TensorInfoSchema,
  Timestamp,
  WeightBindingsSchema,
} from './schemas.js';

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

/** `shape`: what a `.safetensors` or `.npz` gives (a `.wts` has none). */
export const WeightTensorSchema = z.object({ name: z.string(), count: Count, shape: z.array(Count).max(64).optional() });
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
        z.object({ kind: z.literal('values'), values: z.array(z.number()) }),
      ]),
      count: Count,
      shape: DimsSchema,
    }),
  ),
});
