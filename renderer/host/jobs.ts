/**
 * Running a host job from a panel: start it, follow its progress and log lines, keep the store's job
 * list current, and hand back how it ended. Every path resolves; a refused start or a host that is
 * not there comes back as Diagnostics, shown as they are.
 */
import { followJob, type HostApi } from '../../core/api/client.js';
import type { JobFinished, JobKind, JobProgress } from '../../core/api/job-schemas.js';
import type { Diagnostic, Result } from '../../core/diagnostics.js';
import type { EditorStore } from '../editor/editor-store.js';
import { hostConnection } from './host-connection.js';

export interface JobCallbacks {
  /** Called once the host accepted the job, with its id (for cancel). */
  onStarted?: (jobId: string) => void;
  onProgress?: (progress: JobProgress) => void;
  onLog?: (line: string, severity: string) => void;
}

/** The job's end, or the Diagnostics that stopped it from starting. */
export type JobOutcome<K extends JobKind> = { started: false; diagnostics: Diagnostic[] } | { started: true; finished: Extract<JobFinished, { kind: K }> };

/**
 * Start a job with `start` (a host call returning `{ jobId }`) and follow it to its end. The store's
 * `jobs` list shows it while it runs.
 */
export async function runJob<K extends JobKind>(
  host: HostApi,
  store: EditorStore,
  kind: K,
  label: string,
  start: () => Promise<Result<{ jobId: string }>>,
  callbacks: JobCallbacks = {},
): Promise<JobOutcome<K>> {
  const started = await start();
  if (!started.ok) return { started: false, diagnostics: started.diagnostics };
  const { jobId } = started.value;
  store.getState().trackJob({ id: jobId, kind, label, progress: undefined });
  callbacks.onStarted?.(jobId);
  const startedAt = Date.now();
  const end = await followWhileConnected(
    host,
    jobId,
    (progress) => {
      store.getState().trackJob({ id: jobId, kind, label, progress: progress.fraction });
      callbacks.onProgress?.(progress);
    },
    callbacks.onLog,
  );
  const finished: JobFinished =
    'lost' in end
      ? ({
          kind,
          jobId,
          status: 'failed',
          elapsedMs: Date.now() - startedAt,
          diagnostics: [{ severity: 'error', code: 'host.disconnected', message: `${label} failed: the connection to the host was lost (${end.lost}).` }],
        } as JobFinished)
      : end;
  store.getState().endJob(jobId);
  if (finished.kind !== kind) {
    return {
      started: false,
      diagnostics: [{ severity: 'error', code: 'job.kind', message: `The host finished job ${jobId} as a '${finished.kind}' job; expected '${kind}'.` }],
    };
  }
  return { started: true, finished: finished as Extract<JobFinished, { kind: K }> };
}

/**
 * Follow a job to its `job.finished`, or until the connection to the host is lost (a host that goes
 * away sends no job.finished) with the reason, or until `stop` aborts (the caller learnt the end
 * another way). Whichever end comes first releases every listener.
 */
export function followWhileConnected(
  host: HostApi,
  jobId: string,
  onProgress?: (progress: JobProgress) => void,
  onLog?: (line: string, severity: string) => void,
): Promise<JobFinished | { lost: string }>;
export function followWhileConnected(
  host: HostApi,
  jobId: string,
  onProgress: ((progress: JobProgress) => void) | undefined,
  onLog: ((line: string, severity: string) => void) | undefined,
  stop: AbortSignal,
): Promise<JobFinished | { lost: string } | { stopped: true }>;
export async function followWhileConnected(
  host: HostApi,
  jobId: string,
  onProgress?: (progress: JobProgress) => void,
  onLog?: (line: string, severity: string) => void,
  stop?: AbortSignal,
): Promise<JobFinished | { lost: string } | { stopped: true }> {
  const following = new AbortController();
  let stopWatching = () => {};
  const hostLost = new Promise<{ lost: string }>((resolve) => {
    stopWatching = hostConnection().subscribe((status) => {
      if (status.state === 'lost') resolve({ lost: status.reason });
    });
  });
  const stopped = new Promise<{ stopped: true }>((resolve) => {
    if (stop?.aborted) resolve({ stopped: true });
    stop?.addEventListener('abort', () => resolve({ stopped: true }), { signal: following.signal });
  });
  const end = await Promise.race([followJob(host, jobId, onProgress, onLog, following.signal), hostLost, stopped]);
  following.abort();
  stopWatching();
  return end;
}

/** Ask the host to cancel a job; its job.finished event (status 'cancelled') ends the panel's wait. */
export async function cancelJob(host: HostApi, jobId: string): Promise<Diagnostic[]> {
  const r = await host.call('jobs.cancel', { jobId });
  return r.ok ? [] : r.diagnostics;
}

/** A sentence for a job that did not succeed, when the host sent no Diagnostics. */
export function describeEnd(what: string, finished: { status: string; diagnostics: Diagnostic[] }): Diagnostic[] {
  if (finished.status === 'cancelled') return [{ severity: 'info', code: 'job.cancelled', message: `${what} was cancelled; nothing changed.` }];
  if (finished.diagnostics.length > 0) return finished.diagnostics;
  return [{ severity: 'error', code: 'job.failed', message: `${what} failed without an explanation from the host.` }];
}
