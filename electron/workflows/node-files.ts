/** WorkflowFiles over the file system, for the host (paths checked against its roots first) and the CLI. */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { error, fail, ok, type Result } from '../../core/diagnostics.js';
import { tempPathFor, writeFileAtomic } from '../services/atomic-write.js';
import { fileErrorReason } from '../services/file-errors.js';
import type { WorkflowFiles } from './context.js';

/** Replace a file with chunks: a temporary file beside it, renamed over it when complete. */
async function writeChunks(target: string, chunks: Iterable<Uint8Array>): Promise<void> {
  const temp = tempPathFor(target);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      for (const chunk of chunks) await handle.write(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    renamed = true;
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/**
 * Files on this machine; `check` (the host's root and permission check) resolves a path before any
 * access, the CLI passes none.
 */
export function nodeFiles(check?: (path: string, mode: 'read' | 'write') => Promise<Result<string>>): WorkflowFiles {
  const resolve = (path: string, mode: 'read' | 'write') => (check ? check(path, mode) : Promise.resolve(ok(path)));
  return {
    async read(path) {
      const checked = await resolve(path, 'read');
      if (!checked.ok) return checked;
      try {
        return ok(new Uint8Array(await readFile(checked.value)));
      } catch (e) {
        return fail(error('file.read', `Cannot read ${path}: ${fileErrorReason(e)}.`));
      }
    },
    async readIfExists(path) {
      // A file that may not exist yet is checked as a place to write.
      const checked = await resolve(path, 'write');
      if (!checked.ok) return checked;
      try {
        return ok(new Uint8Array(await readFile(checked.value)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(undefined);
        return fail(error('file.read', `Cannot read ${path}: ${fileErrorReason(e)}.`));
      }
    },
    async write(path, data) {
      const checked = await resolve(path, 'write');
      if (!checked.ok) return checked;
      try {
        await mkdir(dirname(checked.value), { recursive: true });
        if (data instanceof Uint8Array) await writeFileAtomic(checked.value, data);
        else await writeChunks(checked.value, data);
        return ok(checked.value);
      } catch (e) {
        return fail(error('export.write', `Cannot write ${path}: ${fileErrorReason(e)}.`));
      }
    },
  };
}
