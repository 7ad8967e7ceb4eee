/**
 * What a workflow (build, run, profile, export) is given: the backends, file access, progress, a
 * log and an abort signal. The app's service handlers and the CLI commands each make one and adapt
 * the workflow's result to their own output; the workflows know nothing of jobs, the API contract
 * or the command line.
 */
import type { JobProgress } from '../../core/api/job-schemas.js';
import type { BackendId } from '../../core/api/schemas.js';
import { error, fail, type Result } from '../../core/diagnostics.js';
import type { Backend } from '../backends/backend.js';

export type LogSeverity = 'verbose' | 'info' | 'warning' | 'error';

export interface WorkflowFiles {
  /** The file's bytes; a missing file is an error naming it. */
  read(path: string): Promise<Result<Uint8Array>>;
  /** The file's bytes, or undefined when nothing is there yet (a timing cache, a CMakeLists.txt). */
  readIfExists(path: string): Promise<Result<Uint8Array | undefined>>;
  /** Replace the file (creating its folder); bytes may come in chunks (a 1 GB `.wts` is never one buffer). Returns the path written. */
  write(path: string, data: Uint8Array | Iterable<Uint8Array>): Promise<Result<string>>;
}

export interface WorkflowContext {
  /** The backend of an id, checked to be available on this machine. */
  backend(id: BackendId): Promise<Result<Backend>>;
  files: WorkflowFiles;
  progress(progress: JobProgress): void;
  log(severity: LogSeverity, line: string): void;
  signal?: AbortSignal;
}

/** A workflow's context for a host job: its progress, log and cancel signal, with the host's backends and files. */
export function jobWorkflowContext(
  job: { progress(progress: JobProgress): void; log(severity: LogSeverity, line: string): void; signal: AbortSignal },
  backend: WorkflowContext['backend'],
  files: WorkflowFiles,
): WorkflowContext {
  return {
    backend,
    files,
    progress: (progress) => job.progress(progress),
    log: (severity, line) => job.log(severity, line),
    signal: job.signal,
  };
}

/** The Diagnostic of a cancelled workflow, e.g. `The run was cancelled.` */
export function cancelled<T>(what: 'build' | 'run' | 'profile' | 'export' | 'compare'): Result<T> {
  return fail(error(`${what}.cancelled`, `The ${what === 'compare' ? 'comparison' : what} was cancelled.`));
}
