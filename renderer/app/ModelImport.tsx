/**
 * Opening an ONNX model: the host imports it as a job (`model.import`, progress and cancel shown
 * here), and the network opens as a new unsaved project named after the file, laid out, with the
 * model's initializers as its bound weight set. A model that cannot be imported shows the host's
 * whole message (every unsupported op) and leaves the open project as it was.
 *
 * Files reach it from Open (the file browser or native dialog), from a drop on the window (in
 * Electron the window hands dropped paths to the host, which sends them back as `host.openFiles`;
 * in a browser the file is uploaded to the host first) and from the OS (a second launch).
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { HostApi } from '../../core/api/client.js';
import { FILE_PURPOSE_EXTENSIONS } from '../../core/api/project-schemas.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { emptyDocument, type NetworkDocument } from '../../core/network/types.js';
import { count } from '../../core/words.js';
import { laidOut } from '../editor/commands.js';
import type { EditorStore } from '../editor/editor-store.js';
import { cancelJob, describeEnd, runJob } from '../host/jobs.js';
import { uploadFile } from '../host/upload.js';
import { useEditorStore } from '../react/editor-context.js';
import { useHost } from '../react/host-context.js';
import { JobProgressBar, type RunningJob } from '../workflows/common.js';
import { replaceProject } from './project.js';
import { fileName as fileNameOf } from '../host/host-paths.js';

/** Whether a path names an ONNX model (`.onnx`, any case). */
export function isOnnxFile(path: string): boolean {
  const lower = path.toLowerCase();
  return FILE_PURPOSE_EXTENSIONS.onnx.some((extension) => lower.endsWith(extension));
}

/** What the import overlay shows: the running job, or why the last import failed. */
type ImportView = { kind: 'running'; fileName: string; job: RunningJob } | { kind: 'failed'; fileName: string; diagnostics: Diagnostic[] } | undefined;

let view: ImportView;
const listeners = new Set<() => void>();
function show(next: ImportView): void {
  view = next;
  for (const listener of listeners) listener();
}
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Models up to this many layers are laid out with ELK before they are shown (well under a second). */
const LAYOUT_FIRST_MAX_LAYERS = 400;

/** The document laid out left to right by ELK; the document as it was when the layout fails (said in a notice). */
function arrange(store: EditorStore, doc: NetworkDocument): Promise<NetworkDocument> {
  return laidOut(doc, 'LR').catch((e: unknown) => {
    store.getState().notify('error', `The imported network could not be laid out: ${(e as Error).message}`);
    return doc;
  });
}

/**
 * Import `path` (a file the host can read) and open it as a new unsaved project. Resolves true when
 * the network was opened. The caller has already asked about unsaved changes.
 */
export async function importModel(store: EditorStore, host: HostApi, path: string, startedAt = Date.now()): Promise<boolean> {
  const fileName = fileNameOf(path);
  const running = (job: Partial<RunningJob>) =>
    show({
      kind: 'running',
      fileName,
      job: { jobId: undefined, progress: undefined, startedAt, ...(view?.kind === 'running' ? view.job : {}), ...job, now: Date.now() },
    });
  running({ progress: { phase: `Importing ${fileName}` } });
  const outcome = await runJob(host, store, 'model.import', `Import ${fileName}`, () => host.call('model.import', { path }), {
    onStarted: (jobId) => running({ jobId }),
    onProgress: (progress) => running({ progress }),
  });
  const failed = (diagnostics: Diagnostic[]) => {
    show({ kind: 'failed', fileName, diagnostics });
    return false;
  };
  if (!outcome.started) return failed(outcome.diagnostics);
  const { finished } = outcome;
  if (finished.status === 'cancelled') {
    show(undefined);
    store.getState().notify('info', `The import of ${fileName} was cancelled; nothing changed.`);
    return false;
  }
  if (finished.status !== 'succeeded' || !finished.result) return failed(describeEnd(`The import of ${fileName}`, finished));
  const { document, weightSet } = finished.result;
  // Laid out with ELK before it is shown, as a template is, when the model is small. ELK takes
  // seconds for thousands of layers: a big model opens at once in the importer's simple layout and
  // takes ELK's when it is ready (below).
  const big = document.nodes.length > LAYOUT_FIRST_MAX_LAYERS;
  if (!big) running({ progress: { phase: 'Laying out the network', fraction: 1 } });
  const doc = big ? document : await arrange(store, document);
  const previous = store.getState().weights?.set.id;
  // The tensor list first, so the network is loaded, checked and drawn once, with its weights bound.
  const tensors = await host.call('weights.tensors', { setId: weightSet.id });
  replaceProject(store, doc, undefined, null, tensors.ok ? { set: weightSet, tensors: tensors.value.tensors } : undefined);
  // A new project that exists only here: marked unsaved, so Save asks for a path and closing asks first.
  store.setState({ savedDoc: emptyDocument() });
  if (previous && previous !== weightSet.id) void host.call('weights.unload', { setId: previous });
  show(undefined);
  if (!tensors.ok) for (const d of tensors.diagnostics) store.getState().notify('error', d.message);
  store.getState().notify('info', `Imported ${fileName}: ${count(document.nodes.length, 'layer')}, ${count(weightSet.tensorCount, 'weight tensor')}.`);
  // Started after the next paint, so the layout worker does not compete with the first render.
  // Its positions are not an edit (nothing to undo) and land only if nothing was edited meanwhile.
  if (big)
    requestAnimationFrame(() =>
      setTimeout(() => {
        void arrange(store, document).then((arranged) => {
          const s = store.getState();
          if (s.doc !== document || arranged === document) return;
          s.load(arranged, undefined);
          store.setState({ savedDoc: emptyDocument() });
        });
      }, 0),
    );
  return true;
}

/** Upload a file dropped from this computer (browser mode) and import it. */
async function uploadAndImport(store: EditorStore, host: HostApi, file: File): Promise<void> {
  const startedAt = Date.now();
  const uploading = (done: number, total: number) =>
    show({
      kind: 'running',
      fileName: file.name,
      job: { jobId: undefined, progress: { phase: `Uploading ${file.name}`, bytes: { done, total } }, startedAt, now: Date.now() },
    });
  uploading(0, file.size);
  const r = await uploadFile(file, uploading);
  if (!r.ok) return show({ kind: 'failed', fileName: file.name, diagnostics: r.diagnostics });
  await importModel(store, host, r.value.path, startedAt);
}

/**
 * The import's progress bar (with Cancel) or its failure, over the editor; and the routes by which
 * `.onnx` files arrive other than Open. `confirmReplace` asks about unsaved changes first.
 */
export function ModelImport({ confirmReplace }: { confirmReplace: () => Promise<boolean> }) {
  const store = useEditorStore();
  const host = useHost();
  const current = useSyncExternalStore(subscribe, () => view);

  // Electron: dropped on the window, chosen from the menu or handed over by a second launch.
  useEffect(() => {
    if (!host) return;
    return host.on('host.openFiles', ({ paths }) => {
      const model = paths.find(isOnnxFile);
      if (model) void confirmReplace().then((go) => go && importModel(store, host, model));
    });
  }, [host, store, confirmReplace]);

  // Browser: a model dropped anywhere on the page (not on a panel that took the drop) is uploaded.
  useEffect(() => {
    if (host?.kind !== 'web') return;
    const modelIn = (e: DragEvent) => Array.from(e.dataTransfer?.files ?? []).find((f) => isOnnxFile(f.name));
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      if (e.defaultPrevented) return;
      const file = modelIn(e);
      if (!file) return;
      e.preventDefault();
      void confirmReplace().then((go) => (go ? uploadAndImport(store, host, file) : undefined));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [host, store, confirmReplace]);

  if (!current) return null;
  return (
    <div className="modal-backdrop">
      <div className="modal" data-testid="model-import">
        <div className="modal-title">
          {current.kind === 'running' ? 'Importing' : 'Cannot import'} {current.fileName}
        </div>
        {current.kind === 'running' ? (
          <JobProgressBar
            job={current.job}
            onCancel={() => host && current.job.jobId && void cancelJob(host, current.job.jobId)}
            testId="model-import-progress"
          />
        ) : (
          <>
            {current.diagnostics.map((d, i) => (
              <p key={i} className="wf-error" data-testid="model-import-error">
                {d.message}
              </p>
            ))}
            <p className="muted">Nothing was opened; the project shown is unchanged.</p>
            <div className="modal-actions">
              <button className="primary" onClick={() => show(undefined)} data-testid="model-import-close">
                Close
              </button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
