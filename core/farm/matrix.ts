/**
 * The build matrix: every target × each of its precisions × each of its batch profiles is one
 * scheduler job with a stable name (`<target>-<precision>-<profile>`), which also names its folder.
 * Cells the CLI cannot build are refused here with the reason, before anything reaches the scheduler.
 */
import type { FarmBatchProfile, FarmRefusal, FarmTarget } from '../api/farm-schemas.js';
import type { z } from 'zod';
import type { PrecisionSchema } from '../api/job-schemas.js';
import { error, fail, ok, type Diagnostic, type Result } from '../diagnostics.js';
import type { NetworkDocument } from '../network/types.js';

type Precision = z.infer<typeof PrecisionSchema>;

/** The profile name of a target that lists no batch profiles: the project's input as it is. */
export const DEFAULT_PROFILE = 'default';

/** The precisions `trt-studio build` offers (`--fp16`, or none). */
export const FARM_PRECISIONS: readonly Precision[] = ['fp32', 'fp16'];

/** One cell of the matrix: one job. */
export interface FarmCell {
  /** Stable and safe as a folder and Slurm job name: letters, digits, `_`, `.`, `-`. */
  name: string;
  target: FarmTarget;
  precision: Precision;
  /** Null: the project's own input shapes (profile name `default`). */
  profile: FarmBatchProfile | null;
  profileName: string;
}

/** A name as a folder and job name: lower case, runs of anything else than letters, digits, `_` and `.` as one `-`. */
export function slug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9_.]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return s === '' ? 'x' : s.slice(0, 60);
}

/**
 * The matrix of the targets, in their order; refused cells carry the reason in `refused`. Names that collide are an error.
 * `scheduler` picks whose targets become cells (Slurm's for `farm submit`, Kubernetes' for the generated Job manifests).
 */
export function expandMatrix(
  targets: readonly FarmTarget[],
  scheduler: FarmTarget['scheduler'] = 'slurm',
): Result<{ cells: FarmCell[]; refused: FarmRefusal[] }> {
  const cells: FarmCell[] = [];
  const refused: FarmRefusal[] = [];
  const seen = new Map<string, string>();
  const problems: Diagnostic[] = [];
  for (const target of targets) {
    const profiles: (FarmBatchProfile | null)[] = target.profiles.length > 0 ? target.profiles : [null];
    for (const precision of target.precisions) {
      for (const profile of profiles) {
        const profileName = profile?.name ?? DEFAULT_PROFILE;
        if (target.scheduler !== scheduler) {
          refused.push({
            target: target.name,
            precision,
            profile: profileName,
            reason: `The target '${target.name}' is for ${target.scheduler}; ${scheduler === 'slurm' ? 'only Slurm targets are submitted' : 'only Kubernetes targets become Kubernetes Jobs'}.`,
          });
          continue;
        }
        if (!FARM_PRECISIONS.includes(precision)) {
          refused.push({
            target: target.name,
            precision,
            profile: profileName,
            reason: `trt-studio build offers ${FARM_PRECISIONS.join(' and ')}, not ${precision}.`,
          });
          continue;
        }
        if (profile && !(profile.min <= profile.opt && profile.opt <= profile.max)) {
          refused.push({
            target: target.name,
            precision,
            profile: profileName,
            reason: `The batch profile '${profileName}' must have min ≤ opt ≤ max; it has ${profile.min}, ${profile.opt}, ${profile.max}.`,
          });
          continue;
        }
        const name = `${slug(target.name)}-${precision}-${slug(profileName)}`;
        const earlier = seen.get(name);
        if (earlier !== undefined) {
          problems.push(
            error(
              'farm.matrix.duplicate',
              `Two cells of the matrix would both be named '${name}' (${earlier}, and target '${target.name}' ${precision} ${profileName}); rename a target or profile.`,
            ),
          );
          continue;
        }
        seen.set(name, `target '${target.name}' ${precision} ${profileName}`);
        cells.push({ name, target, precision, profile, profileName });
      }
    }
  }
  return problems.length > 0 ? fail(...problems) : ok({ cells, refused });
}

/**
 * The project as a cell builds it: with a batch profile, every input's first dimension becomes dynamic
 * with that profile's min/opt/max batch (profiling runs at opt); without one, the project unchanged.
 */
export function applyBatchProfile(doc: NetworkDocument, profile: FarmBatchProfile | null): Result<NetworkDocument> {
  if (!profile) return ok(doc);
  const problems: Diagnostic[] = [];
  const inputs = doc.inputs.map((input) => {
    if (input.dims.length === 0) {
      problems.push(error('farm.profile.scalar', `The input '${input.name}' has no batch dimension for the batch profile '${profile.name}'.`));
      return input;
    }
    const rest = input.dims.slice(1);
    if (rest.some((d) => d < 0)) {
      problems.push(
        error(
          'farm.profile.dynamic',
          `The input '${input.name}' has dynamic dimensions besides the batch [${input.dims.join(', ')}]; a batch profile sets only the batch.`,
        ),
      );
      return input;
    }
    return { ...input, dims: [-1, ...rest], profile: { min: [profile.min, ...rest], opt: [profile.opt, ...rest], max: [profile.max, ...rest] } };
  });
  return problems.length > 0 ? fail(...problems) : ok({ ...doc, inputs });
}
