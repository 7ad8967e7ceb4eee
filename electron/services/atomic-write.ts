/**
 * Atomic file replacement: write a temporary file beside the target, fsync it, rename it over the
 * target, then fsync the folder. A crash at any point leaves either the old file or the new one,
 * never a torn mix. A kill can leave the temporary file behind: it is named so that it is
 * recognisable, removed at exit when the process ends normally mid-save, and swept at the next start.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { lstat, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The step hooks exist so tests can simulate a crash between steps; production code passes none. */
export interface AtomicWriteHooks {
  /** Called after the temporary file has been written and before it is synced and renamed. */
  afterTempWritten?: (tempPath: string) => Promise<void> | void;
}

/** Prefix and suffix of the temporary files, so a folder listing can hide them. */
export const TEMP_SUFFIX = '.tmp';

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/** Exactly the names tempPathFor makes: `.NAME.` + 8 lowercase hex digits + `.tmp`. Nothing else is ever removed. */
export const TEMP_NAME_PATTERN = /^\..+\.[0-9a-f]{8}\.tmp$/;

/** An interrupted save's temp file younger than this may still belong to a save in progress (another window, the CLI). */
export const ORPHAN_AGE_MS = 10 * 60_000;

/** Temp files of saves in progress in this process, removed at exit if a crash or a kill cut a save short. */
const inProgress = new Set<string>();
process.once('exit', () => {
  for (const temp of inProgress) {
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or removed.
    }
  }
});

/**
 * Removes the temp files interrupted saves left in a folder: only regular files named by our exact
 * pattern and older than ORPHAN_AGE_MS. Returns the paths removed; a folder that cannot be read is skipped.
 */
export async function removeOrphanTempFiles(folder: string, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => TEMP_NAME_PATTERN.test(n))) {
    const path = join(folder, name);
    try {
      const info = await lstat(path);
      if (!info.isFile() || now - info.mtimeMs < ORPHAN_AGE_MS) continue;
      await unlink(path);
      removed.push(path);
    } catch {
      // Removed meanwhile, or not ours to remove.
    }
  }
  return removed;
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  const temp = tempPathFor(target);
  let renamed = false;
  inProgress.add(temp);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await hooks.afterTempWritten?.(temp);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    renamed = true;
    await syncFolder(dirname(target));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
    inProgress.delete(temp);
  }
}

/** Makes the rename durable; some platforms (Windows) cannot open a folder, which is fine there. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Folders cannot be fsynced everywhere; the rename itself is still atomic.
  }
}
