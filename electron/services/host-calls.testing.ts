/**
 * Calling a test's host as the UI does, for the service tests: a method's value (its Diagnostics thrown
 * as one error), a job started and waited for, and a finished job's result.
 */
import type { JobFinished } from '../../core/api/job-schemas.js';
import type { Result } from '../../core/diagnostics.js';
import type { HostServices } from './host-services.js';

const CALL = { transport: 'web', clientId: 'test' } as const;

/** Calls on the host `host()` gives at each call, so a test may create its host in beforeAll. */
export function hostCalls(host: () => HostServices) {
  /** The method's value; its Diagnostics' messages thrown as one error. */
  async function value<T>(method: string, params: unknown): Promise<T> {
    const r = (await host().dispatch(method, params, CALL)) as Result<T>;
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    return r.value;
  }
  /** Start a job and wait for its job.finished. */
  async function job(method: string, params: unknown): Promise<JobFinished> {
    const { jobId } = await value<{ jobId: string }>(method, params);
    return host().context.jobs.finished(jobId)!;
  }
  return { value, job };
}

/** A finished job's result; a job that did not succeed throws its status and Diagnostics. */
export function succeeded<T>(finished: JobFinished): T {
  if (finished.status !== 'succeeded') throw new Error(`${finished.status}: ${finished.diagnostics.map((d) => d.message).join('\n')}`);
  return finished.result as T;
}
