/**
 * Long work is a job (ARCHITECTURE.md rule 6): `start` returns an id at once, the work reports
 * progress through its handle, and `cancel` aborts it through an AbortController. Jobs that share an
 * `exclusive` key (one engine host) run one at a time, in the order they were started.
 */
import { randomBytes } from 'node:crypto';
import { validateEvent } from '../../core/api/contract.js';
import { type JobFinished, type JobInfo, type JobKind, type JobProgress, type JobResultOf, type JobStatus } from '../../core/api/job-schemas.js';
import type { Diagnostic, Result } from '../../core/diagnostics.js';
import type { EventBus } from './events.js';
import type { HostLog } from './log.js';

/** What the work of a job sees. */
export interface JobHandle {
  readonly id: string;
  /** Aborted when the user cancels; pass it to streams, workers and the engine host. */
  readonly signal: AbortSignal;
  progress(progress: JobProgress): void;
  log(severity: 'verbose' | 'info' | 'warning' | 'error', line: string): void;
}

export interface JobSpec<K extends JobKind> {
  kind: K;
  /** Shown in the jobs list: `Importing resnet18.wts`. */
  title: string;
  /** Jobs with the same key run one at a time (e.g. `engine-host` for builds). */
  exclusive?: string;
}

export type JobWork<K extends JobKind> = (job: JobHandle) => Promise<Result<JobResultOf<K>>>;

interface JobRecord {
  info: JobInfo;
  controller: AbortController;
  exclusive: string | undefined;
  run: () => void;
  finished: Promise<JobFinished>;
  settle: (event: JobFinished) => void;
  lastProgressSent: number;
}

/** Progress events are sent at most this often per job (the last one of a phase always goes out). */
const PROGRESS_INTERVAL_MS = 50;

const VERB: Record<JobKind, string> = {
  'weights.import': 'weights import',
  'model.import': 'model import',
  build: 'build',
  run: 'run',
  profile: 'profile',
  export: 'export',
  compare: 'comparison',
};

export class JobService {
  private readonly jobs = new Map<string, JobRecord>();
  /** Queues of waiting job ids per exclusive key; the head is the running one. */
  private readonly lanes = new Map<string, string[]>();

  constructor(
    private readonly events: EventBus,
    private readonly log: HostLog,
  ) {}

  /** Queues the work and returns at once; the work starts after the caller's response has been sent. */
  start<K extends JobKind>(spec: JobSpec<K>, work: JobWork<K>): JobInfo {
    const id = `job-${randomBytes(6).toString('hex')}`;
    const controller = new AbortController();
    const info: JobInfo = { id, kind: spec.kind, title: spec.title, status: 'queued', queuedAt: new Date().toISOString() };
    let settle: (f: JobFinished) => void = () => {};
    const finished = new Promise<JobFinished>((resolve) => (settle = resolve));
    const record: JobRecord = {
      info,
      controller,
      exclusive: spec.exclusive,
      finished,
      settle: (event) => settle(event),
      lastProgressSent: 0,
      run: () => {
        if (info.status !== 'queued') return;
        info.status = 'running';
        info.startedAt = new Date().toISOString();
        const started = performance.now();
        void this.execute(spec.kind, record, work).then(({ status, result, diagnostics }) => {
          info.status = status;
          const payload = {
            jobId: id,
            kind: spec.kind,
            status,
            diagnostics,
            elapsedMs: performance.now() - started,
            ...(result !== undefined ? { result } : {}),
          };
          const checked = validateEvent('job.finished', payload);
          const event = checked.ok
            ? (checked.value.payload as JobFinished)
            : ({
                jobId: id,
                kind: spec.kind,
                status: 'failed',
                elapsedMs: payload.elapsedMs,
                diagnostics: [...diagnostics, ...checked.diagnostics],
              } as JobFinished);
          this.finish(record, event);
        });
      },
    };
    this.jobs.set(id, record);
    if (spec.exclusive) {
      const lane = this.lanes.get(spec.exclusive) ?? [];
      lane.push(id);
      this.lanes.set(spec.exclusive, lane);
      if (lane.length === 1) setImmediate(record.run);
    } else {
      setImmediate(record.run);
    }
    this.log.info(`Job ${id} (${spec.kind}) queued: ${spec.title}`);
    return { ...info };
  }

  private async execute<K extends JobKind>(
    kind: K,
    record: JobRecord,
    work: JobWork<K>,
  ): Promise<{ status: JobStatus; result?: unknown; diagnostics: Diagnostic[] }> {
    const { controller, info } = record;
    const handle: JobHandle = {
      id: info.id,
      signal: controller.signal,
      progress: (progress) => this.progress(record, progress),
      log: (severity, line) => {
        if (!controller.signal.aborted) this.events.emit('job.log', { jobId: info.id, severity, line: line.slice(0, 64 * 1024) });
      },
    };
    const cancelled = (): Diagnostic => ({ severity: 'info', code: 'job.cancelled', message: `The ${VERB[kind]} was cancelled.` });
    try {
      const result = await work(handle);
      if (controller.signal.aborted) return { status: 'cancelled', diagnostics: [cancelled()] };
      if (!result.ok) return { status: 'failed', diagnostics: result.diagnostics };
      return { status: 'succeeded', result: result.value, diagnostics: result.diagnostics ?? [] };
    } catch (e) {
      if (controller.signal.aborted) return { status: 'cancelled', diagnostics: [cancelled()] };
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`Job ${info.id} (${kind}) threw: ${e instanceof Error ? (e.stack ?? message) : message}`);
      return { status: 'failed', diagnostics: [{ severity: 'error', code: 'job.internal', message: `The ${VERB[kind]} failed unexpectedly: ${message}.` }] };
    }
  }

  private progress(record: JobRecord, progress: JobProgress): void {
    if (record.info.status !== 'running' || record.controller.signal.aborted) return;
    const phaseChanged = record.info.progress?.phase !== progress.phase;
    record.info.progress = progress;
    const now = performance.now();
    if (!phaseChanged && progress.fraction !== 1 && now - record.lastProgressSent < PROGRESS_INTERVAL_MS) return;
    record.lastProgressSent = now;
    this.events.emit('job.progress', { jobId: record.info.id, kind: record.info.kind, progress });
  }

  private finish(record: JobRecord, event: JobFinished): void {
    record.info.status = event.status;
    this.jobs.delete(record.info.id);
    this.log.info(`Job ${record.info.id} (${record.info.kind}) ${event.status} after ${Math.round(event.elapsedMs)} ms`);
    this.events.emit('job.finished', event);
    record.settle(event);
    if (record.exclusive) {
      const lane = this.lanes.get(record.exclusive) ?? [];
      const index = lane.indexOf(record.info.id);
      if (index >= 0) lane.splice(index, 1);
      if (lane.length === 0) this.lanes.delete(record.exclusive);
      else {
        const next = this.jobs.get(lane[0]!);
        if (next) setImmediate(next.run);
      }
    }
  }

  /**
   * Cancels a job. A queued job ends at once; a running one is aborted and ends when its work
   * returns. Returns the status it had, or undefined for an unknown (or already finished) id.
   */
  cancel(id: string): JobStatus | undefined {
    const record = this.jobs.get(id);
    if (!record) return undefined;
    const status = record.info.status;
    record.controller.abort();
    if (status === 'queued') {
      record.info.status = 'cancelled';
      const event: JobFinished = {
        jobId: id,
        kind: record.info.kind,
        status: 'cancelled',
        elapsedMs: 0,
        diagnostics: [{ severity: 'info', code: 'job.cancelled', message: `The ${VERB[record.info.kind]} was cancelled before it started.` }],
      };
      // Emitted after the cancel call's answer, like every job.finished.
      setImmediate(() => this.finish(record, event));
      return 'queued';
    }
    return status;
  }

  /** Queued and running jobs. */
  list(): JobInfo[] {
    return [...this.jobs.values()].map((r) => ({ ...r.info }));
  }

  /** The job.finished payload of a job that is still known (for the host's own use and tests). */
  finished(id: string): Promise<JobFinished> | undefined {
    return this.jobs.get(id)?.finished;
  }

  /** Cancels everything and waits for running work to return (host shutdown). */
  async shutdown(): Promise<void> {
    const pending = [...this.jobs.values()].map((r) => r.finished);
    for (const id of [...this.jobs.keys()]) this.cancel(id);
    await Promise.all(pending);
  }
}
