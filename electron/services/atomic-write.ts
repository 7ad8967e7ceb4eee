/**
 * Atomic file replacement: write a temporary file beside the target, fsync it, rename it over the
 * target, then fsync the folder. A crash at any point leaves either the old file or the new one,
 * never a torn mix (the temporary file may be left behind; it is named so that it is recognisable).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
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

export async function writeFileAtomic(target: string, data: string | Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  const temp = tempPathFor(target);
  let renamed = false;
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
