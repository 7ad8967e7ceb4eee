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
import type { FileRequest } from '../host/file-picking.js';
import { uploadFile } from '../host/upload.js';

/** A request for files, with where the answer goes. */
export interface FileBrowserRequest extends FileRequest {
  resolve: (paths: string[]) => void;
}

export const FileBrowser = memo(function FileBrowser({ host, request, close }: { host: HostApi; request: FileBrowserRequest; close: () => void }) {
  const [listing, setListing] = useState<FolderListing | undefined>();
  const [roots, setRoots] = useState<{ path: string; label: string }[]>([]);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [name, setName] = useState(request.defaultName ?? '');
  const [uploading, setUploading] = useState<string | undefined>();

  const load = useCallback(
    async (path?: string) => {
      let target = path;
      if (!target) {
        const r = await host.call('files.roots', {});
        if (!r.ok) return setDiagnostics(r.diagnostics);
        setRoots(r.value.roots);
        target = r.value.roots[0]?.path;
        if (!target)
          return setDiagnostics([{ severity: 'error', code: 'files.noRoots', message: 'The host offers no folder to browse; start it with --root FOLDER.' }]);
      }
      const r = await host.call('files.list', { path: target, purpose: request.purpose });
      if (r.ok) {
        setListing(r.value);
        setDiagnostics([]);
      } else setDiagnostics(r.diagnostics);
    },
    [host, request.purpose],
  );
  useEffect(() => void load(), [load]);

  const finish = (paths: string[]) => {
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
    finish(paths);
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
              <button key={r.path} className="small" onClick={() => void load(r.path)} title={r.path}>
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
            <div className="file-entry dir" onClick={() => void load(listing.parent ?? undefined)}>
              ↑ ..
            </div>
          )}
          {listing?.entries.map((e) => (
            <div
              key={e.path}
              className={`file-entry ${e.kind === 'directory' ? 'dir' : ''}${chosen.includes(e.path) ? ' chosen' : ''}`}
              onClick={() => (e.kind === 'directory' ? void load(e.path) : request.mode === 'open' ? toggle(e.path) : setName(e.name))}
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
