/**
 * A targets file (`targets.json`): read from text, every problem named by the file, the field and
 * what was expected; and written back in the same shape. The Farm tab and `trt-studio farm submit
 * --targets` read it through here, so both word a bad file the same way.
 */
import type { z } from 'zod';
import { FarmTargetsFileSchema, type FarmTarget } from '../api/farm-schemas.js';
import { error, fail, ok, type Diagnostic, type Result } from '../diagnostics.js';
import { quote } from '../network/limits.js';

/** The largest targets file read, in bytes of text: a hundred targets with their setup lines fit easily. */
export const MAX_TARGETS_FILE_BYTES = 1024 * 1024;

/** A schema issue's path as a reader writes it: `targets[1].profiles[0].max`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || 'the top level';
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), value);
}

function describeIssue(file: string, issue: z.core.$ZodIssue, input: unknown): Diagnostic {
  const field = fieldPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length === 0 ? 'at the top level' : `in ${field}`;
    return error('farm.targets.unknownField', `${file}: ${where}, the field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')} are not part of a targets file.`);
  }
  const found = valueAt(input, issue.path);
  return error('farm.targets.invalid', `${file}: ${field}: ${issue.message} (found ${found === undefined ? 'nothing' : quote(found)}).`);
}

/** The targets of a targets file's text; `file` names it in every message (its name or path). */
export function parseTargetsFile(text: string, file: string): Result<FarmTarget[]> {
  if (text.length > MAX_TARGETS_FILE_BYTES) return fail(error('farm.targets.tooLarge', `${file} is larger than a targets file may be (1 MiB).`));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(error('farm.targets.json', `${file} is not JSON: ${(e as Error).message}.`));
  }
  const parsed = FarmTargetsFileSchema.safeParse(json);
  if (!parsed.success) return fail(...parsed.error.issues.slice(0, 5).map((issue) => describeIssue(file, issue, json)));
  const seen = new Set<string>();
  for (const [i, target] of parsed.data.targets.entries()) {
    if (seen.has(target.name))
      return fail(
        error('farm.targets.duplicate', `${file}: targets[${i}].name: the name '${target.name}' is used by an earlier target; target names must be unique.`),
      );
    seen.add(target.name);
  }
  return ok(parsed.data.targets);
}

/** The text of a targets file for `targets`: what `parseTargetsFile` reads back as the same targets. */
export function formatTargetsFile(targets: readonly FarmTarget[]): string {
  return `${JSON.stringify({ targets }, null, 2)}\n`;
}
