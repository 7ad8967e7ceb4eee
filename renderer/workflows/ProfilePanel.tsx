/**
 * The profile panel: latency statistics and throughput, per-layer time as a chart and a sortable
 * table; a row or bar selects and centres its node; the canvas colours nodes by their share of the
 * slowest layer's time (the store's `heat`, which each node reads for itself).
 */
import { memo, useMemo, useState } from 'react';
import type { ProfileResult } from '../../core/api/job-schemas.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { useHost } from '../react/host-context.js';
import { backendLabel } from './BuildPanel.js';
import { DiagnosticList, JobProgressBar, useTicker, type RunningJob } from './common.js';
import { formatMs, formatNumber } from './format.js';
import { cancelJob, describeEnd, runJob } from '../host/jobs.js';
import { heatColor } from '../editor/heat.js';
import { LayerChart, type ChartLayer } from './LayerChart.js';

type SortKey = 'name' | 'node' | 'ms' | 'percent';

/** Per node: its layers' summed time relative to the slowest node (0..1), rounded so unchanged nodes keep equal values. */
export function heatOf(layers: ProfileResult['layers']): Record<string, number> {
  const perNode = new Map<string, number>();
  for (const l of layers) if (l.nodeId) perNode.set(l.nodeId, (perNode.get(l.nodeId) ?? 0) + l.ms);
  const max = Math.max(0, ...perNode.values());
  const heat: Record<string, number> = {};
  if (max <= 0) return heat;
  for (const [id, ms] of perNode) heat[id] = Math.round((ms / max) * 100) / 100;
  return heat;
}

const NO_NODES: readonly { id: string; name: string }[] = [];

/**
 * What a profile row of no layer is: ONNX Runtime's own kernels (`ReorderInput…`, `ReorderOutput…`
 * convert tensors to and from its blocked NCHWc layout around convolutions; `Memcpy…` copies
 * between devices). Their time belongs to no single layer of the network.
 */
export function internalNote(name: string): string | undefined {
  if (/^Reorder(Input|Output)/i.test(name))
    return "ONNX Runtime's layout conversion (to or from its blocked NCHWc layout around convolutions); it belongs to no single layer";
  if (/^Memcpy/i.test(name)) return "ONNX Runtime's copy between devices; it belongs to no single layer";
  return undefined;
}

export const ProfilePanel = memo(function ProfilePanel({ active = true }: { active?: boolean }) {
  const host = useHost();
  const store = useEditorStore();
  const engineId = useEditor((s) => s.engineId);
  const engines = useEditor((s) => s.engines);
  // Layer names follow edits only while the tab is shown.
  const nodes = useEditor((s) => (active ? s.doc.nodes : NO_NODES));
  const heatShown = useEditor((s) => s.heatLegend?.source === 'profile');
  const [iterations, setIterations] = useState(100);
  const [job, setJob] = useState<RunningJob | undefined>();
  const [result, setResult] = useState<ProfileResult | undefined>();
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'ms', descending: true });
  useTicker(job !== undefined, () => setJob((j) => (j ? { ...j, now: Date.now() } : j)));

  const names = useMemo(() => new Map(nodes.map((n) => [n.id, n.name])), [nodes]);
  const rows = useMemo(() => {
    const list = [...(result?.layers ?? [])];
    const value = (l: ProfileResult['layers'][number]): string | number =>
      sort.key === 'node' ? (l.nodeId ? (names.get(l.nodeId) ?? l.nodeId) : '') : l[sort.key];
    list.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.descending ? -c : c;
    });
    return list;
  }, [result, sort, names]);
  const maxMs = useMemo(() => Math.max(1e-9, ...(result?.layers ?? []).map((l) => l.ms)), [result]);

  const pick = (layer: ChartLayer) => {
    if (layer.nodeId && names.has(layer.nodeId)) store.getState().focusNode(layer.nodeId);
  };

  const profile = async () => {
    if (!host || !engineId) return;
    setDiagnostics([]);
    setJob({ jobId: undefined, progress: { phase: 'Starting' }, startedAt: Date.now(), now: Date.now() });
    const outcome = await runJob(
      host,
      store,
      'profile',
      `Profile ${engineId}`,
      () => host.call('profile.start', { engineId, iterations, warmupIterations: Math.min(10, iterations) }),
      {
        onStarted: (jobId) => setJob((j) => (j ? { ...j, jobId } : j)),
        onProgress: (progress) => setJob((j) => (j ? { ...j, progress, now: Date.now() } : j)),
      },
    );
    setJob(undefined);
    if (!outcome.started) return setDiagnostics(outcome.diagnostics);
    const { finished } = outcome;
    if (finished.status !== 'succeeded' || !finished.result) return setDiagnostics(describeEnd('The profile', finished));
    setResult(finished.result);
    setDiagnostics(finished.diagnostics);
    store.getState().setHeat(heatOf(finished.result.layers));
  };

  const header = (key: SortKey, label: string) => (
    <th
      className="sortable"
      onClick={() => setSort((s) => ({ key, descending: s.key === key ? !s.descending : key === 'ms' || key === 'percent' }))}
      data-testid={`profile-sort-${key}`}
    >
      {label}
      {sort.key === key ? (sort.descending ? ' ▾' : ' ▴') : ''}
    </th>
  );
  const engine = engines.find((e) => e.engineId === engineId);
  const reason = !host ? 'Profiling needs the host.' : !engineId ? 'Build an engine first (Build tab).' : undefined;

  return (
    <div className="wf-panel" data-testid="profile-panel">
      <div className="wf-toolbar">
        <span className="muted">{engine ? `${backendLabel(engine.backend)} · ${engine.engineId}` : 'no engine'}</span>
        <label>
          Iterations
          <input
            type="number"
            min={1}
            value={iterations}
            onChange={(e) => setIterations(Math.max(1, Math.round(Number(e.target.value) || 1)))}
            data-testid="profile-iterations"
          />
        </label>
        <button
          className="primary"
          onClick={() => void profile()}
          disabled={reason !== undefined || job !== undefined}
          title={reason}
          data-testid="profile-start"
        >
          Profile
        </button>
        <label className="wf-check">
          <input
            type="checkbox"
            checked={heatShown}
            disabled={!result}
            onChange={(e) => store.getState().setHeat(e.target.checked && result ? heatOf(result.layers) : {})}
            data-testid="profile-heat"
          />{' '}
          heat on canvas
        </label>
        {reason && <span className="muted">{reason}</span>}
      </div>
      {job && (
        <JobProgressBar
          job={job}
          onCancel={() => host && job.jobId && void cancelJob(host, job.jobId).then((d) => d.length && setDiagnostics(d))}
          testId="profile-progress"
        />
      )}
      <DiagnosticList diagnostics={diagnostics} />
      {result && (
        <>
          <div className="wf-stats" data-testid="profile-latency">
            {(['min', 'mean', 'median', 'p90', 'p95', 'p99', 'max'] as const).map((k) => (
              <div key={k} className="wf-stat">
                <span className="wf-stat-label">{k}</span>
                <span className="wf-stat-value">{formatMs(result.latencyMs[k])}</span>
              </div>
            ))}
            <div className="wf-stat">
              <span className="wf-stat-label">throughput</span>
              <span className="wf-stat-value">{formatNumber(result.throughputPerSecond)}/s</span>
            </div>
            <div className="wf-stat">
              <span className="wf-stat-label">iterations</span>
              <span className="wf-stat-value">{result.iterations}</span>
            </div>
          </div>
          <div className="wf-split">
            <LayerChart layers={result.layers} onPick={pick} />
            <div className="wf-table-wrap">
              <table className="wf-table" data-testid="profile-table">
                <thead>
                  <tr>
                    {header('name', 'layer')}
                    {header('node', 'node')}
                    {header('ms', 'time')}
                    {header('percent', 'share')}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((l, i) => (
                    <tr
                      key={`${l.name}-${i}`}
                      className={l.nodeId && names.has(l.nodeId) ? 'clickable' : ''}
                      onClick={() => pick(l)}
                      data-testid="profile-row"
                      title={l.fusedFrom ? `One kernel ran ${l.fusedFrom.join(' and ')} together; its time is charged to the first` : internalNote(l.name)}
                    >
                      <td className="mono">
                        {l.name}
                        {l.fusedFrom && <span className="muted"> (fused: {l.fusedFrom.join(' + ')})</span>}
                      </td>
                      <td className="mono">
                        {l.nodeId ? (names.get(l.nodeId) ?? l.nodeId) : internalNote(l.name) ? <span className="muted">runtime internal</span> : '—'}
                      </td>
                      <td className="num">
                        <span className="wf-heat-dot" style={{ background: heatColor(l.ms / maxMs) }} />
                        {formatMs(l.ms)}
                      </td>
                      <td className="num">{l.percent.toFixed(1)}%</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          {result.engineInspector && (
            <details className="wf-inspector" data-testid="profile-engine-inspector">
              <summary>Engine inspector (TensorRT’s layer information, fused layers included)</summary>
              <pre className="mono">{result.engineInspector}</pre>
            </details>
          )}
        </>
      )}
    </div>
  );
});
