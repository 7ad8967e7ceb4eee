/**
 * A finished job's summary.json: the cell it ran, the latency and per-layer times from the profile
 * (`trt-studio profile --json`), and the engine's size. Written on the node by `trt-studio farm summarize`.
 */
import { z } from 'zod';
import { FarmResultSchema, type FarmResult } from '../api/farm-schemas.js';
import { BackendIdSchema, NameSchema } from '../api/schemas.js';
import { PrecisionSchema } from '../api/job-schemas.js';
import { error, fail, ok, type Result } from '../diagnostics.js';

/** job.json: what the submission wrote into each job folder about its cell. */
export const FarmJobFileSchema = z.object({
  name: z.string().regex(/^[a-z0-9_.-]{1,200}$/),
  submission: z.string().max(64),
  target: NameSchema,
  precision: PrecisionSchema,
  profile: NameSchema,
  backend: BackendIdSchema,
});
export type FarmJobFile = z.infer<typeof FarmJobFileSchema>;

/** The part of `trt-studio profile --json` a summary reads. */
const ProfileOutputSchema = z.object({
  ok: z.literal(true),
  latency: z.object({ meanMs: z.number(), p50Ms: z.number(), p90Ms: z.number() }),
  layers: z.array(z.object({ layerName: z.string(), meanMs: z.number() })),
});

/** The summary of one job from its job.json and profile.json texts; the engine's size when it built one. */
export function makeSummary(
  jobId: string,
  jobFile: FarmJobFile,
  profileText: string,
  paths: { log: string; engine?: { path: string; bytes: number } },
): Result<FarmResult> {
  let json: unknown;
  try {
    json = JSON.parse(profileText);
  } catch (e) {
    return fail(error('farm.summary.profile', `profile.json is not JSON: ${(e as Error).message}.`));
  }
  const profile = ProfileOutputSchema.safeParse(json);
  if (!profile.success)
    return fail(
      error(
        'farm.summary.profile',
        `profile.json is not a successful profile: ${profile.error.issues[0]?.path.join('.') ?? ''} ${profile.error.issues[0]?.message ?? ''}.`,
      ),
    );
  const l = profile.data.latency;
  return ok(
    FarmResultSchema.parse({
      job: jobId,
      target: jobFile.target,
      precision: jobFile.precision,
      profile: jobFile.profile,
      backend: jobFile.backend,
      latencyMs: { mean: l.meanMs, median: l.p50Ms, p90: l.p90Ms },
      layers: profile.data.layers.map((x) => ({ name: x.layerName, ms: x.meanMs })),
      ...(paths.engine ? { enginePath: paths.engine.path, engineBytes: paths.engine.bytes } : {}),
      logPath: paths.log,
    }),
  );
}
