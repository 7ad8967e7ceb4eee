/**
 * What the editor knows about its project file beyond the document: the version it read or wrote
 * (so a save over a file changed meanwhile is caught), and the last refused save or autosave, shown
 * until a save succeeds. One per page, like the editor itself; components read it with
 * `useSaveStatus`. The project's path is also kept in sessionStorage so a reload reopens it.
 */
import { useSyncExternalStore } from 'react';

/** A refused save or a failed autosave, with the host's reason. */
export interface SaveProblem {
  kind: 'save' | 'autosave';
  message: string;
}

export interface SaveStatus {
  /** The content version of the project file as this page last read or wrote it; null for a new project. */
  version: string | null;
  problem: SaveProblem | undefined;
}

const PROJECT_KEY = 'trtstudio.projectPath';

let status: SaveStatus = { version: null, problem: undefined };
const listeners = new Set<() => void>();

function update(next: Partial<SaveStatus>): void {
  status = { ...status, ...next };
  for (const listener of [...listeners]) listener();
}

export function saveStatus(): SaveStatus {
  return status;
}

/** The project file this page now works on (null: a new, never saved project). */
export function projectFileChanged(path: string | null, version: string | null): void {
  update({ version, problem: undefined });
  if (path) sessionStorage.setItem(PROJECT_KEY, path);
  else sessionStorage.removeItem(PROJECT_KEY);
}

/** The project file this tab had open before a reload. */
export function sessionProjectPath(): string | undefined {
  return sessionStorage.getItem(PROJECT_KEY) ?? undefined;
}

export function reportSaveProblem(problem: SaveProblem): void {
  update({ problem });
}

/** A successful autosave ends an autosave problem; a refused save stays until a save succeeds. */
export function autosaveSucceeded(): void {
  if (status.problem?.kind === 'autosave') update({ problem: undefined });
}

export function useSaveStatus(): SaveStatus {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => status,
  );
}
