/** Small pieces the workflow panels share: Diagnostics shown as sentences, a progress bar, a job log. */
import { memo, useEffect, useRef } from 'react';
import type { JobProgress } from '../../core/api/job-schemas.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { formatBytes, formatMs, formatSpeed } from './format.js';

/** Diagnostics as the host or core wrote them: full sentences, with their code. */
export const DiagnosticList = memo(function DiagnosticList({
  diagnostics,
  testId = 'workflow-diagnostics',
}: {
  diagnostics: readonly Diagnostic[];
  testId?: string;
}) {
  if (diagnostics.length === 0) return null;
  return (
    <div className="wf-diagnostics" data-testid={testId}>
      {diagnostics.map((d, i) => (
        <div key={`${d.code}-${i}`} className={`wf-diagnostic wf-${d.severity}`} title={d.detail}>
          <span className="wf-diagnostic-icon">{d.severity === 'error' ? '●' : d.severity === 'warning' ? '▲' : 'i'}</span>
          <span className="wf-diagnostic-message">{d.message}</span>
          <span className="problem-code">{d.code}</span>
        </div>
      ))}
    </div>
  );
});

/** What a running job shows: phase, a bar, size and speed when bytes are counted, steps, elapsed time. */
export interface RunningJob {
  jobId: string | undefined;
  progress: JobProgress | undefined;
  startedAt: number;
  /** Set by the panel on each progress event; `now` ticks the elapsed time. */
  now: number;
}

export function progressText(job: RunningJob): string {
  const p = job.progress;
  const elapsedMs = Math.max(0, job.now - job.startedAt);
  const parts: string[] = [p?.phase ?? 'Starting'];
  if (p?.step) parts.push(`step ${p.step.index} of ${p.step.total}`);
  if (p?.bytes) {
    parts.push(`${formatBytes(p.bytes.done)} of ${formatBytes(p.bytes.total)}`);
    if (elapsedMs > 0 && p.bytes.done > 0) parts.push(formatSpeed((p.bytes.done * 1000) / elapsedMs));
  }
  parts.push(`${formatMs(elapsedMs)} elapsed`);
  if (p?.message) parts.push(p.message);
  return parts.join(' · ');
}

export const JobProgressBar = memo(function JobProgressBar({ job, onCancel, testId }: { job: RunningJob; onCancel: () => void; testId: string }) {
  const fraction =
    job.progress?.fraction ?? (job.progress?.bytes && job.progress.bytes.total > 0 ? job.progress.bytes.done / job.progress.bytes.total : undefined);
  return (
    <div className="wf-progress" data-testid={testId}>
      <div className={`wf-bar${fraction === undefined ? ' indeterminate' : ''}`}>
        <div className="wf-bar-fill" style={{ width: `${Math.round((fraction ?? 0.3) * 100)}%` }} />
      </div>
      <div className="wf-progress-row">
        <span className="wf-progress-text" data-testid={`${testId}-text`}>
          {progressText(job)}
        </span>
        <button className="small danger" onClick={onCancel} disabled={!job.jobId} data-testid={`${testId}-cancel`}>
          Cancel
        </button>
      </div>
    </div>
  );
});

/** Log lines of a job, scrolled to the newest. */
export const JobLog = memo(function JobLog({ lines, testId }: { lines: readonly { line: string; severity: string }[]; testId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);
  if (lines.length === 0) return null;
  return (
    <div className="wf-log mono" ref={ref} data-testid={testId}>
      {lines.map((l, i) => (
        <div key={i} className={`wf-log-${l.severity}`}>
          {l.line}
        </div>
      ))}
    </div>
  );
});

/** Ticks a clock while `active`, so elapsed times move between progress events. */
export function useTicker(active: boolean, tick: () => void): void {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => tickRef.current(), 250);
    return () => clearInterval(timer);
  }, [active]);
}

/** The timed-iterations field of profiling: a whole number, at least 1 (a cleared or bad entry reads as 1). */
export const IterationsField = memo(function IterationsField({ value, onChange, testId }: { value: number; onChange: (n: number) => void; testId: string }) {
  return (
    <label>
      Iterations
      <input type="number" min={1} value={value} onChange={(e) => onChange(Math.max(1, Math.round(Number(e.target.value) || 1)))} data-testid={testId} />
    </label>
  );
});
