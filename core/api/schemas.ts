/**
 * The contract's building blocks: strings, ids, numbers and the network document, declared once as
 * zod schemas with the bounds of `core/network/limits.ts`, so the project loader and the API accept
 * the same documents.
 */
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import {
  MAX_BLOCK_PARAMS,
  MAX_BLOCKS,
  MAX_DIMS,
  MAX_ID_LENGTH,
  MAX_ITEMS,
  MAX_NAME_LENGTH,
  MAX_PARAM_LIST,
  MAX_PATH_LENGTH,
  MAX_REPEAT,
  MAX_TEXT_LENGTH,
} from '../network/limits.js';
import type { BlockDefinition, NetworkDocument, NodeRepeat, WeightBindings } from '../network/types.js';
import { DATA_TYPES } from '../network/types.js';

const noNul = (s: string) => !s.includes('\0');
/** An absolute or relative file path as the user sees it. */
export const PathSchema = z.string().min(1).max(MAX_PATH_LENGTH).refine(noNul, 'must not contain a NUL character');
export const NameSchema = z.string().min(1).max(MAX_NAME_LENGTH);
export const TextSchema = z.string().max(MAX_TEXT_LENGTH);
/** Ids the host hands out (jobs, weight sets, engines, recovery files). */
export const IdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1 to 128 letters, digits or _ . : -');
export const Count = z.number().int().min(0);
export const Finite = z.number().finite();
export const Timestamp = z.string().max(64); // ISO 8601

export const DiagnosticSchema: z.ZodType<Diagnostic> = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string().min(1).max(200),
  message: TextSchema,
  nodeId: z.string().max(MAX_NAME_LENGTH).optional(),
  field: z.string().max(MAX_NAME_LENGTH).optional(),
  detail: TextSchema.optional(),
});

export const DataTypeSchema = z.enum(DATA_TYPES);
export const DimsSchema = z.array(z.number().int().min(-1)).max(MAX_DIMS);
export const TensorInfoSchema = z.object({ dims: DimsSchema, dtype: DataTypeSchema });
export const ShapeProfileSchema = z.strictObject({ min: DimsSchema, opt: DimsSchema, max: DimsSchema });
export const ParamValueSchema = z.union([Finite, z.boolean(), TextSchema, z.array(Finite).max(MAX_PARAM_LIST)]);
export const NodeIdSchema = z.string().min(1).max(MAX_ID_LENGTH);
export const PortRefSchema = z.strictObject({ node: NodeIdSchema, port: z.string().min(1).max(MAX_ID_LENGTH) });
export const PointSchema = z.strictObject({ x: Finite, y: Finite });

const ParamsSchema = z.record(z.string().max(MAX_ID_LENGTH), ParamValueSchema);
const NodeRepeatSchema: z.ZodType<NodeRepeat> = z.strictObject({
  count: z.number().int().min(1).max(MAX_REPEAT),
  start: z.number().int().min(0).optional(),
  first: ParamsSchema.optional(),
  firstType: z.string().min(1).max(MAX_ID_LENGTH).optional(),
});
const NodeSchema = z.strictObject({
  id: NodeIdSchema,
  type: z.string().min(1).max(MAX_ID_LENGTH),
  name: NameSchema,
  params: ParamsSchema,
  repeat: NodeRepeatSchema.optional(),
});
const EdgeSchema = z.strictObject({ id: NodeIdSchema, from: PortRefSchema, to: PortRefSchema });
const OutputSchema = z.strictObject({ name: NameSchema, from: PortRefSchema });

/** A block definition's structure; its meaning is checked by `checkBlocks` (core/blocks/validate.ts). */
export const BlockDefinitionSchema: z.ZodType<BlockDefinition> = z.strictObject({
  name: z.string().min(1).max(MAX_ID_LENGTH),
  doc: TextSchema.optional(),
  params: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(MAX_ID_LENGTH),
        kind: z.enum(['int', 'float', 'bool', 'enum']),
        default: z.union([Finite, z.boolean(), z.string().max(MAX_ID_LENGTH)]),
        values: z.array(z.string().min(1).max(MAX_ID_LENGTH)).max(MAX_BLOCK_PARAMS).optional(),
        min: Finite.optional(),
        fromInput: z.literal('channels').optional(),
        doc: TextSchema.optional(),
      }),
    )
    .max(MAX_BLOCK_PARAMS),
  lets: z
    .array(z.strictObject({ name: z.string().min(1).max(MAX_ID_LENGTH), expr: TextSchema }))
    .max(MAX_BLOCK_PARAMS)
    .optional(),
  inputs: z.array(z.strictObject({ id: NodeIdSchema, name: z.string().min(1).max(MAX_ID_LENGTH) })).max(MAX_BLOCK_PARAMS),
  nodes: z
    .array(
      z.strictObject({
        id: NodeIdSchema,
        type: z.string().min(1).max(MAX_ID_LENGTH),
        name: NameSchema,
        params: ParamsSchema,
        exprs: z.record(z.string().max(MAX_ID_LENGTH), TextSchema).optional(),
      }),
    )
    .max(MAX_ITEMS),
  edges: z.array(EdgeSchema).max(MAX_ITEMS),
  outputs: z.array(OutputSchema).max(MAX_BLOCK_PARAMS),
  positions: z.record(NodeIdSchema, PointSchema).optional(),
});

/** The network document's structure; its meaning (types, ports, params) is checked by `parseProject` in the services. */
export const NetworkDocumentSchema: z.ZodType<NetworkDocument> = z.strictObject({
  name: NameSchema,
  inputs: z
    .array(
      z.strictObject({
        id: NodeIdSchema,
        name: NameSchema,
        dtype: DataTypeSchema,
        dims: DimsSchema,
        profile: ShapeProfileSchema.optional(),
        // The ONNX names of the dimensions ('' for a static or unnamed one), kept from an imported model.
        dimNames: z.array(z.string().max(MAX_NAME_LENGTH)).max(MAX_DIMS).optional(),
      }),
    )
    .max(MAX_ITEMS),
  nodes: z.array(NodeSchema).max(MAX_ITEMS),
  edges: z.array(EdgeSchema).max(MAX_ITEMS),
  outputs: z.array(OutputSchema).max(MAX_ITEMS),
  bindings: z.record(NodeIdSchema, z.record(z.string().max(MAX_ID_LENGTH), NameSchema)),
  ui: z.strictObject({
    positions: z.record(NodeIdSchema, PointSchema),
    groups: z
      .array(z.strictObject({ id: NodeIdSchema, name: NameSchema, nodeIds: z.array(NodeIdSchema).max(MAX_ITEMS), collapsed: z.boolean() }))
      .max(MAX_ITEMS),
    viewport: z.strictObject({ x: Finite, y: Finite, zoom: Finite }),
  }),
  blocks: z.array(BlockDefinitionSchema).max(MAX_BLOCKS).optional(),
});

export const WeightBindingsSchema: z.ZodType<WeightBindings> = z.record(NodeIdSchema, z.record(z.string().max(MAX_ID_LENGTH), NameSchema));

export const EmptySchema = z.strictObject({});

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
