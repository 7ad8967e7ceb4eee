/**
 * The Farm tab: the build matrix handed to the cluster's scheduler (Slurm). The user sets the
 * targets, sees the matrix's size, submits it in one action, watches each job's state with the
 * scheduler's reason (polled while any job is pending or running), cancels single jobs and compares
 * the finished jobs' results side by side. The farm builds the saved project file and its weights
 * file, which the host copies into each job's folder on the shared filesystem.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FarmJob, FarmRefusal, FarmResult, FarmScheduler, FarmTarget } from '../../core/api/farm-schemas.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { useEditor } from '../react/editor-context.js';
import { useHost } from '../react/host-context.js';
import { DiagnosticList, IterationsField } from './common.js';
import { cellLabel, isLive, previewMatrix, sortResults, stateSummary } from './farm-model.js';
import { FarmResults } from './FarmResults.js';
import { FarmTargets } from './FarmTargets.js';
import './farm.css';

/** How often the tab asks the scheduler while jobs are live: often enough to see a state change, rare enough for `squeue`. */
export const FARM_POLL_MS = 2000;

const JobsTable = memo(function JobsTable({ jobs, onCancel }: { jobs: readonly FarmJob[]; onCancel: (job: FarmJob) => void }) {
  return (
    <div className="wf-table-wrap">
      <table className="wf-table" data-testid="farm-jobs">
        <thead>
          <tr>
            <th>job</th>
            <th>target · precision · profile</th>
            <th>state</th>
            <th>scheduler&apos;s reason</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} data-testid="farm-job-row" data-job={j.id}>
              <td className="mono">{j.id}</td>
              <td className="mono">{cellLabel(j)}</td>
              <td>
                <span className={`wf-farm-state wf-farm-${j.state}`} data-testid="farm-job-state">
                  {j.state}
                </span>
              </td>
              <td className="wf-farm-reason" title={j.dir} data-testid="farm-job-reason">
                {j.reason ?? ''}
              </td>
              <td>
                {isLive(j) && (
                  <button className="small danger" onClick={() => onCancel(j)} data-testid="farm-job-cancel">
                    Cancel
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});

/** How long after the last edit of the targets they are written to the settings. */
const TARGETS_SAVE_DELAY_MS = 300;

export const FarmPanel = memo(function FarmPanel({ active = true, pollMs = FARM_POLL_MS }: { active?: boolean; pollMs?: number }) {
  const host = useHost();
  const projectPath = useEditor((s) => s.filePath);
  const unsaved = useEditor((s) => s.doc !== s.savedDoc);
  const weightsPath = useEditor((s) => s.weights?.set.path || null);
  const [targets, setTargets] = useState<FarmTarget[]>([]);
  const [iterations, setIterations] = useState(50);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [scheduler, setScheduler] = useState<FarmScheduler | undefined>();
  const [submission, setSubmission] = useState<string | undefined>();
  const [jobs, setJobs] = useState<FarmJob[]>([]);
  const [refused, setRefused] = useState<FarmRefusal[]>([]);
  const [results, setResults] = useState<FarmResult[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const preview = useMemo(() => previewMatrix(targets), [targets]);
  // The submission a late answer belongs to: an answer for an older one is dropped.
  const current = useRef<string | undefined>(undefined);
  current.current = submission;

  const refresh = useCallback(async () => {
    if (!host) return;
    const asked = current.current;
    const r = await host.call('farm.status', asked ? { submission: asked } : {});
    if (asked !== current.current) return;
    if (!r.ok) return setDiagnostics(r.diagnostics);
    setScheduler(r.value.scheduler);
    setJobs(r.value.jobs);
  }, [host]);

  // Ask once when the tab is first shown: whether a scheduler is there, the jobs it already has, and
  // the targets as last edited (kept in the host's settings, so a reload or a new launch has them).
  const asked = useRef(false);
  const saved = useRef<readonly FarmTarget[] | undefined>(undefined);
  useEffect(() => {
    if (!active || asked.current || !host) return;
    asked.current = true;
    void refresh();
    void host.call('settings.get', {}).then((r) => {
      if (!r.ok) return;
      saved.current = r.value.farmTargets;
      setTargets((current) => (current.length === 0 ? r.value.farmTargets : current));
    });
  }, [active, host, refresh]);
  // Each edit is saved to the settings a moment after the last keystroke.
  useEffect(() => {
    if (!host || saved.current === undefined || targets === saved.current) return;
    const timer = setTimeout(() => {
      saved.current = targets;
      void host.call('settings.update', { patch: { farmTargets: targets } }).then((r) => {
        if (!r.ok) setDiagnostics(r.diagnostics);
      });
    }, TARGETS_SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [host, targets]);

  const live = jobs.some(isLive);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => void refresh(), pollMs);
    return () => clearInterval(timer);
  }, [live, pollMs, refresh]);

  // Results follow the finished jobs: asked again whenever another job is done.
  const done = jobs.filter((j) => j.state === 'done').length;
  useEffect(() => {
    if (!host || done === 0) return;
    const asked = current.current;
    void host.call('farm.results', asked ? { submission: asked } : {}).then((r) => {
      if (asked !== current.current) return;
      if (r.ok) setResults(r.value.results);
      else setDiagnostics(r.diagnostics);
    });
  }, [host, done, submission]);

  const submit = async () => {
    if (!host || !projectPath) return;
    setSubmitting(true);
    setDiagnostics([]);
    const r = await host.call('farm.submit', { projectPath, weightsPath, targets, iterations });
    setSubmitting(false);
    if (!r.ok) return setDiagnostics(r.diagnostics);
    current.current = r.value.submission;
    setSubmission(r.value.submission);
    setJobs(r.value.jobs);
    setRefused(r.value.refused);
    setResults([]);
  };

  const cancel = async (job: FarmJob) => {
    if (!host) return;
    const r = await host.call('farm.cancel', { job: job.id });
    if (!r.ok) return setDiagnostics(r.diagnostics);
    setJobs((js) => js.map((j) => (j.id === r.value.id ? r.value : j)));
  };

  const sorted = useMemo(() => sortResults(results, targets), [results, targets]);
  const why = !host
    ? 'The farm needs the host.'
    : scheduler && !scheduler.available
      ? 'No scheduler is reachable (see above).'
      : !projectPath
        ? 'Save the project first: the farm builds the saved project file.'
        : preview.jobs === 0
          ? 'The matrix has no job to submit.'
          : undefined;

  return (
    <div className="wf-panel wf-farm" data-testid="farm-panel">
      {scheduler && !scheduler.available && (
        <div className="wf-diagnostic wf-warning" data-testid="farm-scheduler">
          The build farm cannot submit from this host: {scheduler.reason ?? 'no scheduler was found'}.
        </div>
      )}
      <FarmTargets targets={targets} onChange={setTargets} onDiagnostics={setDiagnostics} />
      <div className="wf-toolbar">
        <span data-testid="farm-matrix">
          {targets.length} target(s) × precisions × batch profiles = {preview.cells} cell(s)
          {preview.cells !== preview.jobs ? `, ${preview.jobs} job(s) to submit` : ''}
        </span>
        <IterationsField value={iterations} onChange={setIterations} testId="farm-iterations" />
        <button className="primary" onClick={() => void submit()} disabled={why !== undefined || submitting} title={why} data-testid="farm-submit">
          Submit matrix ({preview.jobs} job{preview.jobs === 1 ? '' : 's'})
        </button>
        {why && <span className="muted">{why}</span>}
        {!why && unsaved && <span className="muted">The farm builds the saved file; unsaved changes are not in it.</span>}
      </div>
      {preview.refused.length > 0 && (
        <ul className="wf-farm-refused" data-testid="farm-matrix-refused">
          {preview.refused.map((r) => (
            <li key={r.cell}>
              <span className="mono">{r.cell}</span>: {r.reason}
            </li>
          ))}
        </ul>
      )}
      <DiagnosticList diagnostics={[...preview.diagnostics, ...diagnostics]} testId="farm-diagnostics" />
      {refused.length > 0 && (
        <div data-testid="farm-refused">
          <strong>Refused by the scheduler</strong>
          <ul className="wf-farm-refused">
            {refused.map((r) => (
              <li key={cellLabel(r)}>
                <span className="mono">{cellLabel(r)}</span>: {r.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {jobs.length > 0 && (
        <>
          <div className="wf-toolbar">
            <strong>Jobs</strong>
            {submission && <span className="muted mono">submission {submission}</span>}
            <span className="muted" data-testid="farm-job-summary">
              {stateSummary(jobs)}
            </span>
            {live && <span className="muted">updating every {Math.round(pollMs / 1000)} s</span>}
          </div>
          <JobsTable jobs={jobs} onCancel={(j) => void cancel(j)} />
        </>
      )}
      <FarmResults results={sorted} onMessage={(message) => setDiagnostics([{ severity: 'info', code: 'farm.engine', message }])} />
    </div>
  );
});
