/**
 * The build panel: the backend (TensorRT when the host found it; otherwise the reference runtime,
 * said plainly), precision, workspace, optimisation level, timing cache and shape profiles of
 * dynamic inputs; live progress with phases, steps, elapsed time and log lines; cancel; the result
 * and the history of this session's builds with their settings.
 */
import { memo, useCallback, useEffect, useState } from 'react';
import type { BackendId } from '../../core/api/schemas.js';
import type { BuildOptions, BuildResult } from '../../core/api/job-schemas.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { useHost } from '../react/host-context.js';
import { DiagnosticList, JobLog, JobProgressBar, useTicker, type RunningJob } from './common.js';
import { formatBytes, formatMs, shortReason } from './format.js';
import { cancelJob, describeEnd, runJob } from '../host/jobs.js';
import { afterWeightsReload } from './WeightsPanel.js';
import { InputProfiles } from './InputProfiles.js';

const PRECISIONS = ['fp32', 'fp16', 'bf16', 'int8', 'fp8'] as const;
type Precision = (typeof PRECISIONS)[number];
const MAX_LOG_LINES = 500;

/** Plain words for a backend. */
export function backendLabel(id: string): string {
  return id === 'tensorrt' ? 'TensorRT' : id === 'onnxruntime' ? 'Reference runtime (ONNX Runtime)' : id;
}

/**
 * The backend a panel works on: TensorRT where this machine has it, else the reference runtime. The host
 * reports its backends after the panel mounts, so TensorRT is taken once it is known to be there.
 */
export function useBackendChoice(tensorrt: { available: boolean } | undefined): [BackendId, (id: BackendId) => void] {
  const [backend, setBackend] = useState<BackendId>(tensorrt?.available ? 'tensorrt' : 'onnxruntime');
  useEffect(() => {
    if (tensorrt?.available) setBackend('tensorrt');
  }, [tensorrt?.available]);
  return [backend, setBackend];
}

/** The backend picker; TensorRT is offered but disabled where this machine does not have it. */
export const BackendSelect = memo(function BackendSelect({
  value,
  onChange,
  tensorrt,
  testId,
}: {
  value: BackendId;
  onChange: (id: BackendId) => void;
  tensorrt: { available: boolean } | undefined;
  testId: string;
}) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value as BackendId)} data-testid={testId}>
      <option value="tensorrt" disabled={!tensorrt?.available}>
        {backendLabel('tensorrt')}
        {tensorrt?.available ? '' : ' (not available)'}
      </option>
      <option value="onnxruntime">{backendLabel('onnxruntime')}</option>
    </select>
  );
});

export const BuildPanel = memo(function BuildPanel() {
  const host = useHost();
  const store = useEditorStore();
  const backends = useEditor((s) => s.backends);
  const engines = useEditor((s) => s.engines);
  const errors = useEditor((s) => s.diagnostics.filter((d) => d.severity === 'error').length);
  const tensorrt = backends?.find((b) => b.name === 'tensorrt');
  const [backend, setBackend] = useBackendChoice(tensorrt);
  const [precision, setPrecision] = useState<Precision>('fp32');
  const [workspaceMiB, setWorkspace] = useState(1024);
  const [optimizationLevel, setLevel] = useState(3);
  // Off by default: an FP32 build then computes in FP32 (TensorRT's own default would allow TF32).
  const [tf32, setTf32] = useState(false);
  const [timingCache, setTimingCache] = useState('');
  // A shape profile field whose text is wrong: the build waits until it is fixed (the project keeps the last good profile).
  const [profileProblem, setProfileProblem] = useState<Diagnostic | undefined>();
  const [job, setJob] = useState<RunningJob | undefined>();
  const [log, setLog] = useState<{ line: string; severity: string }[]>([]);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [last, setLast] = useState<BuildResult | undefined>();
  useTicker(job !== undefined, () => setJob((j) => (j ? { ...j, now: Date.now() } : j)));

  const refreshHistory = useCallback(async () => {
    if (!host) return;
    const r = await host.call('build.history', {});
    if (r.ok) store.getState().setEngines(r.value.builds);
  }, [host, store]);
  useEffect(() => void refreshHistory(), [refreshHistory]);

  const build = async () => {
    if (!host) return;
    if (profileProblem) return setDiagnostics([profileProblem]);
    const options: BuildOptions = {
      backend,
      precision,
      workspaceMiB,
      optimizationLevel,
      tf32,
      timingCachePath: timingCache.trim() || null,
      // The inputs' own profiles (or the default one) come with the document.
      profiles: {},
    };
    setDiagnostics([]);
    setLog([]);
    setLast(undefined);
    setJob({ jobId: undefined, progress: { phase: 'Starting' }, startedAt: Date.now(), now: Date.now() });
    const outcome = await runJob(
      host,
      store,
      'build',
      `Build (${backendLabel(backend)})`,
      async () => {
        // After a reconnect the new host is given the weights again; the set to build with is the reloaded one.
        await afterWeightsReload();
        return host.call('build.start', { document: store.getState().doc, weightSetId: store.getState().weights?.set.id ?? null, options });
      },
      {
        onStarted: (jobId) => setJob((j) => (j ? { ...j, jobId } : j)),
        onProgress: (progress) => setJob((j) => (j ? { ...j, progress, now: Date.now() } : j)),
        onLog: (line, severity) => setLog((l) => [...l.slice(-(MAX_LOG_LINES - 1)), { line, severity }]),
      },
    );
    setJob(undefined);
    if (!outcome.started) return setDiagnostics(outcome.diagnostics);
    const { finished } = outcome;
    if (finished.status !== 'succeeded' || !finished.result) return setDiagnostics(describeEnd('The build', finished));
    setLast(finished.result);
    setDiagnostics(finished.diagnostics);
    const engines = store.getState().engines.filter((e) => e.engineId !== finished.result!.engineId);
    store.getState().setEngines([finished.result, ...engines], finished.result.engineId);
    void refreshHistory();
  };

  const strongTyped = tensorrt?.available && /^11\./.test(tensorrt.detail);
  return (
    <div className="wf-panel" data-testid="build-panel">
      <div className="wf-form">
        <label>
          Backend
          <BackendSelect value={backend} onChange={setBackend} tensorrt={tensorrt} testId="build-backend" />
        </label>
        <label>
          Precision
          <select
            value={precision}
            onChange={(e) => setPrecision(e.target.value as Precision)}
            disabled={backend !== 'tensorrt' || strongTyped}
            data-testid="build-precision"
          >
            {PRECISIONS.map((p) => (
              <option key={p} value={p}>
                {p.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <label title="Let FLOAT layers use TF32 tensor-core arithmetic (faster, about 10 mantissa bits); off, FP32 layers compute in FP32">
          <input type="checkbox" checked={tf32} onChange={(e) => setTf32(e.target.checked)} disabled={backend !== 'tensorrt'} data-testid="build-tf32" />
          TF32
        </label>
        <label>
          Workspace (MiB)
          <input
            type="number"
            min={1}
            value={workspaceMiB}
            onChange={(e) => setWorkspace(Math.max(1, Math.round(Number(e.target.value) || 1)))}
            disabled={backend !== 'tensorrt'}
            data-testid="build-workspace"
          />
        </label>
        <label>
          Optimisation level
          <select value={optimizationLevel} onChange={(e) => setLevel(Number(e.target.value))} disabled={backend !== 'tensorrt'} data-testid="build-level">
            {[0, 1, 2, 3, 4, 5].map((l) => (
              <option key={l} value={l}>
                {l}
                {l === 3 ? ' (default)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Timing cache
          <input value={timingCache} onChange={(e) => setTimingCache(e.target.value)} placeholder="path (optional)" disabled={backend !== 'tensorrt'} />
        </label>
        <button
          className="primary"
          onClick={() => void build()}
          disabled={!host || job !== undefined}
          data-testid="build-start"
          title={errors ? `${errors} problems: the build will report them` : 'Build the engine'}
        >
          Build
        </button>
      </div>
      <div className="wf-note" data-testid="build-backend-note" title={tensorrt?.available ? undefined : tensorrt?.detail}>
        {backends === undefined
          ? 'Builds run in the host; this page was opened without one.'
          : tensorrt?.available
            ? `TensorRT ${tensorrt.detail}.${strongTyped ? ' TensorRT 11 networks are strongly typed: precision comes from tensor types, not a builder flag.' : ''}`
            : `TensorRT is not available here (${shortReason(tensorrt?.detail ?? 'not found')}). Builds use the reference runtime: the network as ONNX, run by ONNX Runtime on the CPU, so results are checked without a GPU. Precision, workspace and optimisation level apply to TensorRT only.`}
      </div>
      <InputProfiles onProblem={setProfileProblem} />
      {job && (
        <JobProgressBar
          job={job}
          onCancel={() => host && job.jobId && void cancelJob(host, job.jobId).then((d) => d.length && setDiagnostics(d))}
          testId="build-progress"
        />
      )}
      <JobLog lines={log} testId="build-log" />
      <DiagnosticList diagnostics={diagnostics} />
      {last && (
        <div className="wf-summary" data-testid="build-result">
          Built {last.networkName} with {backendLabel(last.backend)} in {formatMs(last.buildMs)}: engine {last.engineId}, {formatBytes(last.sizeBytes)}.
        </div>
      )}
      {engines.length > 0 && (
        <table className="wf-table" data-testid="build-history">
          <thead>
            <tr>
              <th>built</th>
              <th>network</th>
              <th>backend</th>
              <th>precision</th>
              <th>workspace</th>
              <th>level</th>
              <th>size</th>
              <th>time</th>
              <th>engine</th>
            </tr>
          </thead>
          <tbody>
            {engines.map((e) => (
              <tr key={e.engineId}>
                <td>{new Date(e.builtAt).toLocaleTimeString()}</td>
                <td>{e.networkName}</td>
                <td>{backendLabel(e.backend)}</td>
                <td>{e.backend === 'tensorrt' ? e.options.precision.toUpperCase() : '—'}</td>
                <td>{e.backend === 'tensorrt' ? `${e.options.workspaceMiB} MiB` : '—'}</td>
                <td>{e.backend === 'tensorrt' ? e.options.optimizationLevel : '—'}</td>
                <td className="num">{formatBytes(e.sizeBytes)}</td>
                <td className="num">{formatMs(e.buildMs)}</td>
                <td className="mono">{e.engineId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
});
