/**
 * The weights panel: import a `.wts`, `.safetensors` or NumPy `.npz` (file browser, upload or drop) with a progress bar, size, speed
 * and cancel, mapped by name at once; every tensor with its count, the shape its slot gives it,
 * statistics and a small histogram, and where it is bound; auto-map with one click; bind a selected
 * layer's slots by hand from a list filtered to tensors of the right count. The values stay in the
 * host (ARCHITECTURE.md rule 4).
 */
import { memo, useCallback, useEffect, useMemo, useState, type DragEvent } from 'react';
import type { HostApi } from '../../core/api/client.js';
import { FILE_PURPOSE_EXTENSIONS } from '../../core/api/project-schemas.js';
import type { TensorStats, WeightSet } from '../../core/api/weight-schemas.js';
import { ok, type Diagnostic } from '../../core/diagnostics.js';
import { autoMapWeights as mapByName, bindSlot, checkBindings, unbindSlot, type SlotStatus } from '../../core/weights/binding.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { useHost, usePickFiles } from '../react/host-context.js';
import type { EditorStore } from '../editor/editor-store.js';
import { DiagnosticList, JobProgressBar, useTicker, type RunningJob } from './common.js';
import { formatBytes, formatDimsList, formatNumber } from './format.js';
import { cancelJob, describeEnd, runJob, type JobCallbacks } from '../host/jobs.js';
import { TENSOR_DRAG_TYPE, useTensorDropOnNodes } from './tensor-drop.js';
import { uploadFile } from '../host/upload.js';
import type { WeightBindings } from '../../core/network/types.js';
import { fileName } from '../host/host-paths.js';

/** Bins of the small histogram in each row. */
const HISTOGRAM_BINS = 16;

/** Load a weight set's tensor list into the store (replacing the one shown). */
export async function showWeightSet(host: HostApi, store: EditorStore, set: WeightSet): Promise<Diagnostic[]> {
  const r = await host.call('weights.tensors', { setId: set.id });
  if (!r.ok) return r.diagnostics;
  store.getState().setWeights({ set, tensors: r.value.tensors });
  return [];
}

/** Whether two binding tables bind the same slots to the same tensors (key order aside). */
function sameBindings(a: WeightBindings, b: WeightBindings): boolean {
  const flat = (t: WeightBindings) =>
    Object.entries(t)
      .flatMap(([node, slots]) => Object.entries(slots).map(([slot, tensor]) => `${node}\u0000${slot}\u0000${tensor}`))
      .sort()
      .join('\n');
  return flat(a) === flat(b);
}

/**
 * Bind the loaded set's tensors to the network by PyTorch names, in the editor (it holds every
 * tensor's name and count, so no host call). Bindings to tensors this set does not have are dropped
 * first, so nothing from a previous file lingers; hand bindings to tensors it has are kept.
 */
export function autoMapWeights(store: EditorStore): { summary?: string; diagnostics: Diagnostic[] } {
  const s = store.getState();
  if (!s.weights) return { diagnostics: [] };
  const present = new Set(s.weights.tensors.map((t) => t.name));
  const kept: WeightBindings = {};
  for (const [nodeId, slots] of Object.entries(s.doc.bindings)) {
    const still = Object.entries(slots).filter(([, tensor]) => present.has(tensor));
    if (still.length > 0) kept[nodeId] = Object.fromEntries(still);
  }
  const outcome = mapByName({ ...s.doc, bindings: kept }, s.weights.tensors, s.shapes);
  // Unchanged bindings are no edit: opening a saved project with its weights leaves it saved.
  if (!sameBindings(outcome.doc.bindings, s.doc.bindings)) s.apply((d) => ok({ ...d, bindings: outcome.doc.bindings }));
  return { summary: outcome.summary, diagnostics: outcome.report.diagnostics };
}

/** Whether a path names a weights file the host decodes (`.wts`, `.safetensors`, `.npz`). */
export function isWeightsFile(path: string): boolean {
  const lower = path.toLowerCase();
  return FILE_PURPOSE_EXTENSIONS.weights.some((extension) => lower.endsWith(extension));
}

/**
 * Import a weights file, show it and auto-map it at once (the panel promises that tensors bind by
 * their PyTorch names). The previous set is unloaded once the new one is shown.
 */
export async function importWeights(
  host: HostApi,
  store: EditorStore,
  path: string,
  callbacks: JobCallbacks = {},
): Promise<{ summary?: string; diagnostics: Diagnostic[] }> {
  const loaded = await loadWeightSet(host, store, path, `Import ${fileName(path)}`, callbacks);
  if (!loaded.ok) return { diagnostics: loaded.diagnostics };
  const mapped = autoMapWeights(store);
  return { ...mapped, diagnostics: [...loaded.diagnostics, ...mapped.diagnostics] };
}

/**
 * A host that restarted lost the weights the old one held, so build and run would find no set: load
 * the same file again. The bindings stay exactly as they are (they name tensors of that same file);
 * no auto-map, so a slot the user left unbound stays unbound.
 */
export function reloadWeights(host: HostApi, store: EditorStore): Promise<{ reloaded?: string; diagnostics: Diagnostic[] }> {
  const work = reloadInto(host, store);
  pendingReload = work;
  void work.finally(() => {
    if (pendingReload === work) pendingReload = undefined;
  });
  return work;
}

/** The reload a reconnect started, while it runs; a build started meanwhile waits for it instead of naming the gone set. */
let pendingReload: Promise<unknown> | undefined;

/** Resolves once no weights reload is under way (at once when none is). */
export async function afterWeightsReload(): Promise<void> {
  while (pendingReload) await pendingReload.catch(() => undefined);
}

async function reloadInto(host: HostApi, store: EditorStore): Promise<{ reloaded?: string; diagnostics: Diagnostic[] }> {
  const set = store.getState().weights?.set;
  if (!set?.path) return { diagnostics: [] };
  const path = set.path;
  // The connection only blinked and the same host still holds the set: nothing to do.
  if ((await host.call('weights.tensors', { setId: set.id })).ok) return { diagnostics: [] };
  const file = fileName(path);
  const loaded = await loadWeightSet(host, store, path, `Reload ${file} into the new host`, {});
  return loaded.ok ? { reloaded: file, diagnostics: [] } : { diagnostics: loaded.diagnostics };
}

/** Import a weights file as a job and show its set, unloading the set shown before. */
async function loadWeightSet(
  host: HostApi,
  store: EditorStore,
  path: string,
  title: string,
  callbacks: JobCallbacks,
): Promise<{ ok: boolean; diagnostics: Diagnostic[] }> {
  const previous = store.getState().weights?.set.id;
  const outcome = await runJob(host, store, 'weights.import', title, () => host.call('weights.import', { path }), callbacks);
  if (!outcome.started) return { ok: false, diagnostics: outcome.diagnostics };
  const { finished } = outcome;
  if (finished.status !== 'succeeded' || !finished.result) return { ok: false, diagnostics: describeEnd(`The import of ${path}`, finished) };
  const problems = await showWeightSet(host, store, finished.result);
  if (problems.length > 0) return { ok: false, diagnostics: [...finished.diagnostics, ...problems] };
  if (previous && previous !== finished.result.id) void host.call('weights.unload', { setId: previous });
  return { ok: true, diagnostics: finished.diagnostics };
}

export const Histogram = memo(function Histogram({ bins }: { bins: readonly number[] }) {
  const max = Math.max(1, ...bins);
  const w = 64;
  const h = 16;
  const bw = w / Math.max(1, bins.length);
  return (
    <svg className="wf-histogram" width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-label="histogram">
      {bins.map((b, i) => {
        const bh = b === 0 ? 0 : Math.max(1, (b / max) * h);
        return <rect key={i} x={i * bw} y={h - bh} width={Math.max(1, bw - 0.5)} height={bh} />;
      })}
    </svg>
  );
});

/** The selected layer's weight slots, each with a list of the loaded tensors that fit it. */
const SlotBinder = memo(function SlotBinder({ slots, tensors }: { slots: SlotStatus[]; tensors: { name: string; count: number }[] }) {
  const store = useEditorStore();
  const nodeId = useEditor((s) => (s.selected.length === 1 ? s.selected[0] : undefined));
  const nodeName = useEditor((s) => s.doc.nodes.find((n) => n.id === nodeId)?.name);
  const [showAll, setShowAll] = useState(false);
  if (!nodeId || !nodeName) return <div className="muted">Select a layer on the canvas to bind its weight slots by hand.</div>;
  const mine = slots.filter((s) => s.nodeId === nodeId);
  if (mine.length === 0) return <div className="muted">Layer ‘{nodeName}’ has no weight slots.</div>;
  const bind = (slot: string, tensor: string) =>
    store.getState().apply((doc) => (tensor === '' ? ok(unbindSlot(doc, nodeId, slot)) : bindSlot(doc, nodeId, slot, tensor, store.getState().shapes)));
  return (
    <div className="wf-slots" data-testid="slot-binder">
      <div className="wf-row">
        <b>{nodeName}</b>
        <label className="wf-check">
          <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> list tensors of any count
        </label>
      </div>
      {mine.map((s) => {
        const fits = tensors.filter((t) => showAll || s.expected === undefined || t.count === s.expected || t.name === s.tensor);
        return (
          <div key={s.slot} className={`wf-slot wf-slot-${s.status}`}>
            <span className="mono">{s.slot}</span>
            <span className="muted">{s.expected !== undefined ? `${s.expected} values${s.shape ? ` ${formatDimsList(s.shape)}` : ''}` : 'count unknown'}</span>
            <select value={s.tensor ?? ''} onChange={(e) => bind(s.slot, e.target.value)} data-testid={`bind-${s.slot}`}>
              <option value="">— not bound —</option>
              {fits.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name} ({t.count})
                </option>
              ))}
            </select>
            <span className="wf-slot-status">{s.status.replace('-', ' ')}</span>
          </div>
        );
      })}
    </div>
  );
});

export const WeightsPanel = memo(function WeightsPanel({ active = true }: { active?: boolean }) {
  const host = useHost();
  const pickFiles = usePickFiles();
  const store = useEditorStore();
  const weights = useEditor((s) => s.weights);
  // While the tab is hidden the panel does not follow edits (no re-render, no binding check per edit).
  const doc = useEditor((s) => (active ? s.doc : undefined));
  const shapes = useEditor((s) => (active ? s.shapes : undefined));
  const [job, setJob] = useState<RunningJob | undefined>();
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [stats, setStats] = useState<Record<string, TensorStats>>({});
  const [summary, setSummary] = useState<string | undefined>();
  const [filter, setFilter] = useState('');
  const [dropping, setDropping] = useState(false);
  useTicker(job !== undefined, () => setJob((j) => (j ? { ...j, now: Date.now() } : j)));
  useTensorDropOnNodes(store);

  const report = useMemo(() => (weights && doc && shapes ? checkBindings(doc, weights.tensors, shapes) : undefined), [doc, weights, shapes]);
  const boundTo = useMemo(() => {
    const names = new Map((doc?.nodes ?? []).map((n) => [n.id, n.name]));
    const map = new Map<string, string[]>();
    for (const s of report?.slots ?? []) if (s.tensor) map.set(s.tensor, [...(map.get(s.tensor) ?? []), `${names.get(s.nodeId) ?? s.nodeId}.${s.slot}`]);
    return map;
  }, [report, doc?.nodes]);
  const mappingProblems = useMemo(
    () => (report?.diagnostics ?? []).filter((d) => d.code === 'weights.count' || d.code === 'weights.missing' || d.code === 'weights.binding.unknown'),
    [report],
  );

  // Weights belong to a project: the project, a reload or the command line loads them (see
  // renderer/app/project.ts), never a set another tab imported. A set unloaded elsewhere goes.
  useEffect(() => {
    if (!host) return;
    return host.on('weights.changed', ({ sets }) => {
      const current = store.getState().weights;
      if (current && !sets.some((s) => s.id === current.set.id)) store.getState().setWeights(undefined);
    });
  }, [host, store]);

  // Statistics for the tensors of the set shown, fetched once per set.
  const setId = weights?.set.id;
  useEffect(() => {
    if (!host || !setId) return setStats({});
    const names = store.getState().weights?.tensors.map((t) => t.name) ?? [];
    let live = true;
    void host.call('weights.stats', { setId, names, bins: HISTOGRAM_BINS }).then((r) => {
      if (!live) return;
      if (r.ok) setStats(Object.fromEntries(r.value.stats.map((s) => [s.name, s])));
      else setDiagnostics(r.diagnostics);
    });
    return () => {
      live = false;
    };
  }, [host, setId, store]);

  const importPath = useCallback(
    async (path: string, startedAt = Date.now()) => {
      if (!host) return;
      setDiagnostics([]);
      setSummary(undefined);
      setJob({ jobId: undefined, progress: { phase: 'Starting' }, startedAt, now: Date.now() });
      const imported = await importWeights(host, store, path, {
        onStarted: (jobId) => setJob((j) => (j ? { ...j, jobId } : j)),
        onProgress: (progress) => setJob((j) => (j ? { ...j, progress, now: Date.now() } : j)),
      });
      setJob(undefined);
      setSummary(imported.summary);
      setDiagnostics(imported.diagnostics);
    },
    [host, store],
  );

  // A weights file opened from the menu, dropped on the Electron window or given on a second launch.
  useEffect(() => {
    if (!host) return;
    return host.on('host.openFiles', ({ paths }) => {
      const weightsFile = paths.find(isWeightsFile);
      if (weightsFile) void importPath(weightsFile);
    });
  }, [host, importPath]);

  const chooseFile = async () => {
    const [path] = await pickFiles({ purpose: 'weights', title: 'Import weights (.wts, .safetensors, .npz)', mode: 'open' });
    if (path) await importPath(path);
  };

  const onDrop = async (e: DragEvent) => {
    // In Electron the window hands dropped files to the host, which sends them back as host.openFiles.
    if (host?.kind !== 'web') return;
    e.preventDefault();
    setDropping(false);
    const file = e.dataTransfer.files[0];
    if (!file || !host) return;
    const startedAt = Date.now();
    setJob({ jobId: undefined, progress: { phase: `Uploading ${file.name}`, bytes: { done: 0, total: file.size } }, startedAt, now: startedAt });
    const r = await uploadFile(file, (done, total) =>
      setJob((j) => (j ? { ...j, progress: { phase: `Uploading ${file.name}`, bytes: { done, total } }, now: Date.now() } : j)),
    );
    if (!r.ok) {
      setJob(undefined);
      return setDiagnostics(r.diagnostics);
    }
    await importPath(r.value.path, startedAt);
  };

  const autoMap = () => {
    const mapped = autoMapWeights(store);
    setSummary(mapped.summary);
    setDiagnostics(mapped.diagnostics);
  };

  const unload = async () => {
    if (!host || !weights) return;
    const r = await host.call('weights.unload', { setId: weights.set.id });
    if (!r.ok) return setDiagnostics(r.diagnostics);
    store.getState().setWeights(undefined);
    setSummary(undefined);
  };

  const needle = filter.trim().toLowerCase();
  const rows = (weights?.tensors ?? []).filter(
    (t) => !needle || t.name.toLowerCase().includes(needle) || (boundTo.get(t.name) ?? []).some((b) => b.toLowerCase().includes(needle)),
  );
  const boundCount = weights ? weights.tensors.filter((t) => boundTo.has(t.name)).length : 0;

  return (
    <div
      className={`wf-panel${dropping ? ' wf-dropping' : ''}`}
      data-testid="weights-panel"
      onDragOver={(e) => {
        if (host?.kind === 'web' && e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDropping(true);
        }
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(e) => void onDrop(e)}
    >
      <div className="wf-toolbar">
        <button className="primary" onClick={() => void chooseFile()} disabled={!host || job !== undefined} data-testid="weights-import">
          Import weights…
        </button>
        <button
          onClick={autoMap}
          disabled={!weights || job !== undefined}
          data-testid="weights-automap"
          title="Bind every slot whose PyTorch name (layer name + suffix) is in the file"
        >
          Auto-map
        </button>
        <button onClick={() => void unload()} disabled={!weights || job !== undefined}>
          Unload
        </button>
        <input
          className="wf-filter"
          placeholder="Filter tensors or layers"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-testid="weights-filter"
        />
        {weights && (
          <span className="muted" data-testid="weights-file">
            {weights.set.fileName} · {weights.set.tensorCount} tensors · {formatBytes(weights.set.fileBytes)} · {boundCount} bound
          </span>
        )}
      </div>
      {!host && <div className="muted">Weights are decoded by the host; this page was opened without one.</div>}
      {job && (
        <JobProgressBar
          job={job}
          onCancel={() => host && job.jobId && void cancelJob(host, job.jobId).then((d) => d.length && setDiagnostics(d))}
          testId="weights-progress"
        />
      )}
      {summary && (
        <div className="wf-summary" data-testid="weights-summary">
          {summary}
        </div>
      )}
      <DiagnosticList diagnostics={diagnostics} />
      {!weights && !job && host && (
        <div className="muted wf-hint">
          Import a .wts, .safetensors or .npz file, or drop one here. Its tensors are listed here and auto-mapped to layers by their PyTorch names; drag a
          tensor onto a layer to bind it by hand.
        </div>
      )}
      {weights && active && (
        <div className="wf-split">
          <div className="wf-table-wrap">
            <table className="wf-table" data-testid="weights-table">
              <thead>
                <tr>
                  <th>tensor</th>
                  <th>count</th>
                  <th>shape</th>
                  <th>min</th>
                  <th>max</th>
                  <th>mean</th>
                  <th>std</th>
                  <th>histogram</th>
                  <th>bound to</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => {
                  const st = stats[t.name];
                  const bound = boundTo.get(t.name);
                  const shape = report?.shapes[t.name] ?? t.shape;
                  return (
                    <tr
                      key={t.name}
                      className={bound ? 'bound' : 'unused'}
                      data-testid="weights-row"
                      data-tensor={t.name}
                      draggable
                      title="Drag onto a layer on the canvas to bind it"
                      onDragStart={(e) => {
                        e.dataTransfer.setData(TENSOR_DRAG_TYPE, t.name);
                        e.dataTransfer.effectAllowed = 'link';
                      }}
                    >
                      <td className="mono">{t.name}</td>
                      <td className="num">{t.count}</td>
                      <td className="mono">{shape ? formatDimsList(shape) : '—'}</td>
                      <td className="num">{st ? formatNumber(st.min) : ''}</td>
                      <td className="num">{st ? formatNumber(st.max) : ''}</td>
                      <td className="num">{st ? formatNumber(st.mean) : ''}</td>
                      <td className="num">{st ? formatNumber(st.std) : ''}</td>
                      <td>{st && <Histogram bins={st.histogram} />}</td>
                      <td className={bound ? 'mono' : 'muted'} data-testid="weights-bound-to">
                        {bound ? bound.join(', ') : 'unused'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="wf-side">
            <div className="inspector-section">Bind by hand</div>
            <SlotBinder slots={report?.slots ?? []} tensors={weights.tensors} />
            {mappingProblems.length > 0 && (
              <>
                <div className="inspector-section">Mapping problems ({mappingProblems.length})</div>
                <DiagnosticList diagnostics={mappingProblems.slice(0, 50)} testId="mapping-problems" />
              </>
            )}
          </div>
        </div>
      )}
    </div>
  );
});
