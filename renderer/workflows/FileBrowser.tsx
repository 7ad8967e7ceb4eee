/**
 * Choosing files on the host in browser mode: a browser of the folders the host allows
 * (`files.roots`, `files.list`), with an upload of a file from this computer. (Electron's native
 * dialog is asked first, by `host/file-picking.ts`.)
 */
import { memo, useCallback, useEffect, useState } from 'react';
import type { FolderListing } from '../../core/api/project-schemas.js';
import type { HostApi } from '../../core/api/client.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { DiagnosticList } from './common.js';
import { formatBytes } from './format.js';
import { rememberChosen, type FileRequest } from '../host/file-picking.js';
import { uploadFile } from '../host/upload.js';

/** A request for files, with where the answer goes. */
export interface FileBrowserRequest extends FileRequest {
  resolve: (paths: string[]) => void;
}

/** Whether `path` is `folder` or inside it (host paths, `/` or `\\` separated). */
function isInside(folder: string, path: string): boolean {
  const base = folder.replace(/[\\/]+$/, '');
  return path === base || path.startsWith(`${base}/`) || path.startsWith(`${base}\\`);
}

export const FileBrowser = memo(function FileBrowser({ host, request, close }: { host: HostApi; request: FileBrowserRequest; close: () => void }) {
  const [listing, setListing] = useState<FolderListing | undefined>();
  const [roots, setRoots] = useState<{ path: string; label: string }[]>([]);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [name, setName] = useState(request.defaultName ?? '');
  const [uploading, setUploading] = useState<string | undefined>();

  const list = useCallback(
    async (path: string): Promise<boolean> => {
      const r = await host.call('files.list', { path, purpose: request.purpose });
      if (r.ok) {
        setListing(r.value);
        setDiagnostics([]);
      } else setDiagnostics(r.diagnostics);
      return r.ok;
    },
    [host, request.purpose],
  );
  /** The roots' buttons, and the first folder: the request's when a root holds it, else the first root. */
  const start = useCallback(async () => {
    const r = await host.call('files.roots', {});
    if (!r.ok) return setDiagnostics(r.diagnostics);
    setRoots(r.value.roots);
    const first = r.value.roots[0]?.path;
    if (!first)
      return setDiagnostics([{ severity: 'error', code: 'files.noRoots', message: 'The host offers no folder to browse; start it with --root FOLDER.' }]);
    const wanted = request.folder;
    // Nothing is ever saved into the uploads folder (it is deleted when the host stops), so a save never starts there.
    const root = wanted && r.value.roots.find((root) => isInside(root.path, wanted) && !(request.mode === 'save' && root.temporary));
    // A folder that is gone (or no longer allowed) falls back to the first root without an error shown.
    if (!root || !(await list(wanted))) await list(first);
  }, [host, list, request.folder, request.mode]);
  useEffect(() => void start(), [start]);
  const load = (path: string) => void list(path);

  const finish = (paths: string[], uploaded = false) => {
    if (!uploaded) rememberChosen(request.purpose, paths);
    request.resolve(paths);
    close();
  };
  const toggle = (path: string) => {
    if (!request.multiple) return finish([path]);
    setChosen((c) => (c.includes(path) ? c.filter((p) => p !== path) : [...c, path]));
  };
  const upload = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const paths: string[] = [];
    for (const file of Array.from(files)) {
      setUploading(`Uploading ${file.name} (${formatBytes(file.size)})…`);
      const r = await uploadFile(file, (done, total) => setUploading(`Uploading ${file.name}: ${formatBytes(done)} of ${formatBytes(total)}`));
      if (!r.ok) {
        setUploading(undefined);
        return setDiagnostics(r.diagnostics);
      }
      paths.push(r.value.path);
    }
    setUploading(undefined);
    finish(paths, true);
  };
  const join = (folder: string, file: string) => `${folder.replace(/\/$/, '')}/${file}`;
  const files = listing?.entries.filter((e) => e.kind === 'file') ?? [];

  return (
    <div className="modal-backdrop" onMouseDown={() => finish([])}>
      <div className="modal file-dialog wf-file-browser" onMouseDown={(e) => e.stopPropagation()} data-testid="file-browser">
        <div className="modal-title">{request.title}</div>
        {roots.length > 1 && (
          <div className="wf-roots">
            {roots.map((r) => (
              <button key={r.path} className="small" onClick={() => load(r.path)} title={r.path}>
                {r.label}
              </button>
            ))}
          </div>
        )}
        <div className="mono muted" data-testid="file-browser-path">
          {listing?.path ?? '…'}
        </div>
        <div className="file-list">
          {listing?.parent && (
            <div className="file-entry dir" onClick={() => listing.parent && load(listing.parent)}>
              ↑ ..
            </div>
          )}
          {listing?.entries.map((e) => (
            <div
              key={e.path}
              className={`file-entry ${e.kind === 'directory' ? 'dir' : ''}${chosen.includes(e.path) ? ' chosen' : ''}`}
              onClick={() => (e.kind === 'directory' ? load(e.path) : request.mode === 'open' ? toggle(e.path) : setName(e.name))}
              data-testid="file-browser-entry"
              data-name={e.name}
            >
              <span>
                {e.kind === 'directory' ? '▸ ' : request.multiple ? (chosen.includes(e.path) ? '☑ ' : '☐ ') : ''}
                {e.name}
              </span>
              {e.kind === 'file' && <span className="wf-file-size">{formatBytes(e.size)}</span>}
            </div>
          ))}
          {listing && listing.entries.length === 0 && <div className="muted">No matching files here.</div>}
        </div>
        <DiagnosticList diagnostics={diagnostics} />
        {uploading && <div className="muted">{uploading}</div>}
        {request.mode === 'save' && (
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && listing && name.trim() && finish([join(listing.path, name.trim())])}
            placeholder="file name"
            data-testid="file-browser-name"
          />
        )}
        <div className="modal-actions">
          {request.mode === 'open' && request.purpose === 'folder' && (
            <button className="primary" disabled={!listing} onClick={() => listing && finish([listing.path])} data-testid="file-browser-folder">
              Choose this folder
            </button>
          )}
          {request.mode === 'open' && request.purpose !== 'folder' && host.kind === 'web' && (
            <label className="wf-upload button-like" title="Send a file from this computer to the host">
              Upload from this computer…
              <input type="file" multiple={request.multiple ?? false} onChange={(e) => void upload(e.target.files)} data-testid="file-browser-upload" hidden />
            </label>
          )}
          <span className="status-spacer" />
          <button onClick={() => finish([])}>Cancel</button>
          {request.mode === 'open' && request.multiple && (
            <>
              <button disabled={files.length === 0} onClick={() => finish(files.map((f) => f.path))} data-testid="file-browser-all">
                All {files.length} here
              </button>
              <button className="primary" disabled={chosen.length === 0} onClick={() => finish(chosen)} data-testid="file-browser-ok">
                Choose {chosen.length || ''}
              </button>
            </>
          )}
          {request.mode === 'save' && (
            <button
              className="primary"
              disabled={!listing || !name.trim()}
              onClick={() => listing && finish([join(listing.path, name.trim())])}
              data-testid="file-browser-ok"
            >
              Save
            </button>
          )}
        </div>
      </div>
    </div>
  );
});
