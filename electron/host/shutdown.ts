/**
 * What the web host says before it stops: which clients have unsaved work (kept for recovery, and
 * where), and which files live only in the temporary folder that is deleted now. Said on Ctrl+C and
 * SIGTERM, so nobody learns it from a missing file the next day.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { UnsavedWork } from '../services/projects.js';
import { isInside } from '../services/files.js';

/** Every file under a folder (relative paths, sorted); an unreadable or missing folder has none. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(folder, join(e.parentPath, e.name)))
    .sort();
}

/** One project as a reader recognises it: its name and its file, or "never saved". */
function describeWork(work: { name: string; projectPath: string | null }): string {
  return `“${work.name}” (${work.projectPath ?? 'never saved'})`;
}

export interface ShutdownState {
  unsaved: readonly UnsavedWork[];
  /** Folders deleted when the host stops. */
  temporaryFolders: readonly string[];
}

/** The lines to print before stopping; none when nothing would be lost or left to recover. */
export async function shutdownNotice(state: ShutdownState): Promise<string[]> {
  const lines: string[] = [];
  if (state.unsaved.length > 0) {
    const who = state.unsaved.length === 1 ? 'One window has' : `${state.unsaved.length} windows have`;
    lines.push(`${who} unsaved work, kept for recovery (the next start offers it back): ${state.unsaved.map(describeWork).join(', ')}.`);
  }
  for (const folder of state.temporaryFolders) {
    const files = await filesUnder(folder);
    if (files.length === 0) continue;
    const shown = files.slice(0, 10).join(', ') + (files.length > 10 ? ` and ${files.length - 10} more` : '');
    lines.push(`Deleting the temporary folder ${folder} with ${files.length === 1 ? 'one uploaded file' : `${files.length} uploaded files`}: ${shown}.`);
    for (const work of state.unsaved) {
      if (work.weightsPath && isInside(folder, work.weightsPath))
        lines.push(`${describeWork(work)} uses the weights file ${work.weightsPath}, which exists only there; import it again from a real folder.`);
    }
  }
  return lines;
}
