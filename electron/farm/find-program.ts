/**
 * Where a scheduler's command lives: the first executable of that name on PATH. The farm asks before
 * running anything, so that a host without Slurm answers one clear sentence instead of an ENOENT.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/** The absolute path of `name` on `path` (defaults to this process's PATH), or null when none is executable. */
export async function findProgram(name: string, path = process.env['PATH'] ?? ''): Promise<string | null> {
  for (const dir of path.split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; the next folder.
    }
  }
  return null;
}
