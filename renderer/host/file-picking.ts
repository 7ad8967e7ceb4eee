/**
 * Choosing files on the host: Electron's native dialog when the host has one; otherwise the UI shows
 * its in-page browser of the folders the host allows (`workflows/FileBrowser.tsx`).
 */
import type { FilePurpose } from '../../core/api/project-schemas.js';
import type { HostApi } from '../../core/api/client.js';

/** What a panel asks for when it needs files. */
export interface FileRequest {
  purpose: FilePurpose;
  title: string;
  /** 'open' picks existing files; 'save' picks a folder and a file name. */
  mode: 'open' | 'save';
  multiple?: boolean;
  defaultName?: string;
}

/** How a panel asks for files: resolves with the chosen paths (none when cancelled). */
export type PickFiles = (request: FileRequest) => Promise<string[]>;

/** Ask Electron's native dialog when the host has one; undefined means "use the in-page browser". */
export async function nativePick(host: HostApi, request: FileRequest): Promise<string[] | undefined> {
  if (host.kind !== 'electron') return undefined;
  if (request.mode === 'open') {
    const r = await host.call('dialog.open', { purpose: request.purpose, multiple: request.multiple ?? false, title: request.title });
    return r.ok ? r.value.paths : undefined;
  }
  const r = await host.call('dialog.save', {
    purpose: request.purpose,
    title: request.title,
    ...(request.defaultName ? { defaultName: request.defaultName } : {}),
  });
  return r.ok ? (r.value.path ? [r.value.path] : []) : undefined;
}
