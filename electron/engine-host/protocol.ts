/**
 * Messages between the services and the engine host process (ARCHITECTURE.md rule 6). Both sides
 * validate what they receive with these schemas: a malformed message fails one job with a
 * Diagnostic instead of confusing the other process.
 */
import { z } from 'zod';
import type { Diagnostic } from '../../core/diagnostics.js';
import { DATA_TYPES } from '../../core/network/types.js';

const diagnosticSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  field: z.string().optional(),
  detail: z.string().optional(),
});

// z.custom keeps the plain Float32Array/Uint8Array types (any ArrayBuffer), which z.instanceof narrows.
const float32Array = z.custom<Float32Array>((value) => value instanceof Float32Array, 'expected a Float32Array');
const uint8Array = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected a Uint8Array');

/** The lowered program, checked for the fields the bridge reads (core/program/types.ts). */
const programSchema = z.object({
  formatVersion: z.literal(1),
  name: z.string(),
  inputs: z.array(
    z.object({
      name: z.string(),
      dtype: z.enum(DATA_TYPES),
      dims: z.array(z.number().int()),
      profile: z.object({ min: z.array(z.number().int()), opt: z.array(z.number().int()), max: z.array(z.number().int()) }).optional(),
      nodeId: z.string(),
    }),
  ),
  ops: z.array(
    z.object({
      op: z.string(),
      layerName: z.string(),
      nodeId: z.string(),
      params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string(), z.array(z.number())])),
      inputs: z.record(z.string(), z.string()),
      outputs: z.record(z.string(), z.string()),
      outputInfo: z.record(z.string(), z.object({ dims: z.array(z.number()), dtype: z.enum(DATA_TYPES) })),
      weights: z.record(z.string(), z.string()),
    }),
  ),
  outputs: z.array(z.object({ name: z.string(), tensor: z.string() })),
  weights: z.array(
    z.object({
      id: z.string(),
      recipe: z.union([
        z.object({ kind: z.literal('tensor'), tensor: z.string() }),
        z.object({ kind: z.literal('batchNormScale'), gamma: z.string(), var: z.string(), eps: z.number() }),
        z.object({ kind: z.literal('batchNormShift'), gamma: z.string(), beta: z.string(), mean: z.string(), var: z.string(), eps: z.number() }),
        z.object({ kind: z.literal('values'), values: z.array(z.number()) }),
      ]),
      count: z.number().int(),
      shape: z.array(z.number().int()),
    }),
  ),
});

const buildOptionsSchema = z.object({
  workspaceBytes: z.number().nonnegative().optional(),
  optimizationLevel: z.number().int().min(0).max(5).optional(),
  precision: z.enum(['FP32', 'FP16', 'BF16', 'INT8']).optional(),
  stronglyTyped: z.boolean().optional(),
  hardwareCompatibility: z.enum(['NONE', 'AMPERE_PLUS', 'SAME_COMPUTE_CAPABILITY']).optional(),
  versionCompatible: z.boolean().optional(),
  tf32: z.boolean().optional(),
  timingCache: uint8Array.optional(),
  averageTimingIterations: z.number().int().positive().optional(),
});

const hostRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('capabilities'), id: z.number().int() }),
  z.object({
    type: z.literal('build'),
    id: z.number().int(),
    request: z.object({
      program: programSchema,
      weights: z.record(z.string(), float32Array),
      tensors: z.record(z.string(), float32Array).optional(),
      options: buildOptionsSchema.optional(),
    }),
  }),
  z.object({ type: z.literal('cancel'), id: z.number().int() }),
  z.object({
    type: z.literal('run'),
    id: z.number().int(),
    request: z.object({
      engine: uint8Array,
      inputs: z.record(z.string(), z.object({ dims: z.array(z.number().int()).optional(), data: float32Array })),
      iterations: z.number().int().positive().optional(),
      warmup: z.number().int().nonnegative().optional(),
      profileLayers: z.boolean().optional(),
    }),
  }),
  z.object({ type: z.literal('inspect'), id: z.number().int(), engine: uint8Array }),
  /** Kills the host as a native crash would; honoured only when TRT_STUDIO_ENGINE_HOST_CRASH_HOOK=1 (tests). */
  z.object({ type: z.literal('crash'), id: z.number().int() }),
]);

export type HostRequest = z.infer<typeof hostRequestSchema>;

/** A request that starts work in the host's handlers (crash and cancel are the host's own). */
export type JobRequest = Exclude<HostRequest, { type: 'crash' } | { type: 'cancel' }>;

const hostReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({ type: z.literal('event'), id: z.number().int(), event: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), value: z.unknown() }),
  z.object({ type: z.literal('failure'), id: z.number().int(), diagnostics: z.array(diagnosticSchema).min(1) }),
  /** The host can run no more jobs (a sticky CUDA error): the client moves its waiting jobs to a fresh host and stops this one. */
  z.object({ type: z.literal('retiring'), reason: z.string() }),
]);

export type HostReply = z.infer<typeof hostReplySchema>;

/** Parse a message, or say in one sentence what is wrong with it. */
export function parseHostRequest(message: unknown): { ok: true; value: HostRequest } | { ok: false; id?: number; message: string } {
  const parsed = hostRequestSchema.safeParse(message);
  if (parsed.success) return { ok: true, value: parsed.data };
  const id = typeof message === 'object' && message !== null && 'id' in message && typeof message.id === 'number' ? message.id : undefined;
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    id,
    message: `The engine host received an invalid request: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'unknown problem'}.`,
  };
}

export function parseHostReply(message: unknown): { ok: true; value: HostReply } | { ok: false; message: string } {
  const parsed = hostReplySchema.safeParse(message);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    message: `The engine host sent an invalid reply: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'unknown problem'}.`,
  };
}

export type { Diagnostic };
