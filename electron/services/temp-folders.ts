/**
 * The per-launch temp folder (uploads, exports in progress): `trt-studio-PID-XXXXXX` in the system's
 * temp folder, removed at shutdown and, if the process ends without one, at exit. Folders that a
 * killed process left behind are removed at the next start — only ours: the exact name pattern, owned
 * by this user, and only when the process id in the name no longer runs.
 */
import { rmSync } from 'node:fs';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** The prefix before the process id. */
export const TEMP_FOLDER_PREFIX = 'trt-studio-';
/** `trt-studio-` + the owner's process id + `-` + mkdtemp's 6 characters. */
const FOLDER_PATTERN = /^trt-studio-([1-9][0-9]{0,9})-[A-Za-z0-9]{6}$/;

/** The folder inside a launch temp folder where the web host stores uploads. */
export const UPLOADS_FOLDER = 'uploads';

/**
 * Whether `path` names a file uploaded to some launch of the web host (`trt-studio-PID-XXXXXX/uploads/NAME`):
 * such a file lives only as long as the launch that received it.
 */
export function isLaunchUpload(path: string): boolean {
  const folder = dirname(path);
  return basename(folder) === UPLOADS_FOLDER && FOLDER_PATTERN.test(basename(dirname(folder)));
}

/** Temp folders of this process still to remove; the exit handler removes them synchronously. */
const live = new Set<string>();
process.once('exit', () => {
  for (const folder of live) rmSync(folder, { recursive: true, force: true });
});

/** Whether a process with this id runs (EPERM: it runs, as another user). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A fresh temp folder for this launch, named after this process. */
export async function createLaunchTempFolder(parent = tmpdir()): Promise<string> {
  const folder = await mkdtemp(join(parent, `${TEMP_FOLDER_PREFIX}${process.pid}-`));
  live.add(folder);
  return folder;
}

export async function removeLaunchTempFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  live.delete(folder);
}

/** Removes the launch temp folders whose process is gone; returns the folders removed. */
export async function removeOrphanTempFolders(parent = tmpdir(), runs: (pid: number) => boolean = processRuns): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of names) {
    const pid = FOLDER_PATTERN.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || runs(Number(pid))) continue;
    const folder = join(parent, name);
    try {
      const info = await lstat(folder);
      if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
      await rm(folder, { recursive: true, force: true });
      removed.push(folder);
    } catch {
      // Removed meanwhile, or not ours to remove.
    }
  }
  return removed;
}
