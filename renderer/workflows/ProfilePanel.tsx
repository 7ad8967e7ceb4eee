/**
 * The profile panel: latency statistics and throughput, per-layer time as a chart and a sortable
 * table; a row or bar selects and centres its node. A row is one runtime kernel: a fused one names
 * every layer it ran and every node they belong to, and the runtime's own work (layout conversions,
 * reformatting) says what it is. The canvas colours nodes by their kernels' time (`heatOf`, the
 * store's `heat`, which each node reads for itself).
 */
import { memo, useCallback, useMemo, useState } from 'react';
import type { ProfileResult } from '../../core/api/job-schemas.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { useHost } from '../react/host-context.js';
import { backendLabel } from './BuildPanel.js';
import { DiagnosticList, IterationsField, JobProgressBar, useTicker, type RunningJob } from './common.js';
import { formatMs, formatNumber } from './format.js';
import { cancelJob, describeEnd, runJob } from '../host/jobs.js';
import { heatColor } from '../editor/heat.js';
import { LayerChart, type ChartLayer } from './LayerChart.js';

type SortKey = 'name' | 'node' | 'ms' | 'percent';

type ProfileRow = ProfileResult['layers'][number];

/** The canvas nodes a row's kernel ran layers of; a runtime-internal row has none. */
export function nodesOf(row: ProfileRow): string[] {
  return row.nodeIds ?? (row.nodeId ? [row.nodeId] : []);
}

/**
 * Per node: the time of every kernel that ran any of its layers, relative to the slowest node (0..1),
 * rounded so unchanged nodes keep equal values. A fused kernel cannot be split between the layers it
 * ran, so each node it covers gets its whole time: a convolution, its BatchNorm and its ReLU on
 * separate nodes show the same colour, the kernel's. Runtime-internal rows colour nothing.
 */
export function heatOf(layers: readonly ProfileRow[]): Record<string, number> {
  const perNode = new Map<string, number>();
  for (const l of layers) for (const id of nodesOf(l)) perNode.set(id, (perNode.get(id) ?? 0) + l.ms);
  const max = Math.max(0, ...perNode.values());
  const heat: Record<string, number> = {};
  if (max <= 0) return heat;
  for (const [id, ms] of perNode) heat[id] = Math.round((ms / max) * 100) / 100;
  return heat;
}

const NO_NODES: readonly { id: string; name: string }[] = [];

/** What a row's tooltip says: what the fused kernel ran, or what the runtime's own work is. */
function rowTitle(l: ProfileRow): string | undefined {
  if (l.internal) return l.internal;
  if (!l.fusedFrom) return undefined;
  const layers = l.fusedFrom;
  return `One kernel ran ${layers.slice(0, -1).join(', ')} and ${layers[layers.length - 1]} together; the time is theirs together, and each of their nodes shows all of it on the canvas`;
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
  const nodeNames = useCallback(
    (l: ProfileRow) =>
      nodesOf(l)
        .map((id) => names.get(id) ?? id)
        .join(', '),
    [names],
  );
  const rows = useMemo(() => {
    const list = [...(result?.layers ?? [])];
    const value = (l: ProfileRow): string | number => (sort.key === 'node' ? nodeNames(l) : l[sort.key]);
    list.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.descending ? -c : c;
    });
    return list;
  }, [result, sort, nodeNames]);
  const maxMs = useMemo(() => Math.max(1e-9, ...(result?.layers ?? []).map((l) => l.ms)), [result]);

  const pick = (layer: ChartLayer & Pick<ProfileRow, 'nodeIds'>) => {
    const ids = (layer.nodeIds ?? (layer.nodeId ? [layer.nodeId] : [])).filter((id) => names.has(id));
    if (ids[0] === undefined) return;
    store.getState().focusNode(ids[0]);
    // A fused kernel's row selects every node it ran.
    if (ids.length > 1) store.getState().select(ids);
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
        <IterationsField value={iterations} onChange={setIterations} testId="profile-iterations" />
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
                      title={rowTitle(l)}
                    >
                      <td className="mono">
                        {l.name}
                        {l.fusedFrom && <span className="wf-badge">fused</span>}
                        {l.internal && <div className="wf-row-note">{l.internal}.</div>}
                      </td>
                      <td className="mono">{l.internal ? <span className="muted">runtime</span> : nodeNames(l) || '—'}</td>
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
