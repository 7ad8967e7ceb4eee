/**
 * Choosing files on the host: Electron's native dialog when the host has one; otherwise the UI shows
 * its in-page browser of the folders the host allows (`workflows/FileBrowser.tsx`).
 */
import type { FilePurpose } from '../../core/api/project-schemas.js';
import type { HostApi } from '../../core/api/client.js';
import { folderOf } from './host-paths.js';

/** What a panel asks for when it needs files. */
export interface FileRequest {
  purpose: FilePurpose;
  title: string;
  /** 'open' picks existing files; 'save' picks a folder and a file name. */
  mode: 'open' | 'save';
  multiple?: boolean;
  defaultName?: string;
  /** The folder the dialog starts in; without one, the folder of the last file chosen in this tab. */
  folder?: string;
}

/** How a panel asks for files: resolves with the chosen paths (none when cancelled). */
export type PickFiles = (request: FileRequest) => Promise<string[]>;

/**
 * The folder of the last file chosen in a dialog of this tab (opened, saved or exported), so that
 * the next dialog starts where the user was, not in the host's start folder. Uploads never count.
 * Kept in the tab's session storage, so a reload keeps it; a new launch starts in the host's folders.
 */
const RECENT_FOLDER_KEY = 'trt-studio.recentFolder';

function recentFolder(): string | undefined {
  try {
    return sessionStorage.getItem(RECENT_FOLDER_KEY) ?? undefined;
  } catch {
    return undefined; // no storage (a test environment, or storage disabled): dialogs start in the host's folders
  }
}

/** Remember where the user chose files: the folder itself for a folder, else the first file's folder. */
export function rememberChosen(purpose: FilePurpose, paths: readonly string[]): void {
  const [first] = paths;
  if (!first) return;
  try {
    sessionStorage.setItem(RECENT_FOLDER_KEY, purpose === 'folder' ? first : folderOf(first));
  } catch {
    // Without storage the next dialog starts in the host's folders; nothing else depends on it.
  }
}

/**
 * Where a dialog starts: the request's own folder, else the project file's folder (its exports and
 * weights usually live beside it), else the folder last chosen in this tab (an imported model's).
 */
export function startFolder(request: Pick<FileRequest, 'folder'>, projectPath: string | undefined): string | undefined {
  return request.folder ?? (projectPath ? folderOf(projectPath) : recentFolder());
}

/** Ask Electron's native dialog when the host has one; undefined means "use the in-page browser". */
export async function nativePick(host: HostApi, request: FileRequest): Promise<string[] | undefined> {
  if (host.kind !== 'electron') return undefined;
  const folder = request.folder ? { folder: request.folder } : {};
  if (request.mode === 'open') {
    const r = await host.call('dialog.open', { purpose: request.purpose, multiple: request.multiple ?? false, title: request.title, ...folder });
    if (r.ok) rememberChosen(request.purpose, r.value.paths);
    return r.ok ? r.value.paths : undefined;
  }
  const r = await host.call('dialog.save', {
    purpose: request.purpose,
    title: request.title,
    ...(request.defaultName ? { defaultName: request.defaultName } : {}),
    ...folder,
  });
  if (r.ok && r.value.path) rememberChosen(request.purpose, [r.value.path]);
  return r.ok ? (r.value.path ? [r.value.path] : []) : undefined;
}
