/**
 * The typed client the renderer uses: one interface (`HostApi`) over either transport, with every
 * response and event checked against the contract.
 *
 * ## Using it from the renderer
 *
 * ```ts
 * import { createHostApi, followJob } from '../core/api/client.js';
 * import { bridgeTransport, webSocketTransport } from '../core/api/transports.js';
 *
 * // Electron: the preload exposes `window.trtStudioHost` (PRELOAD_GLOBAL, type PreloadBridge).
 * // Browser mode: the page was opened as http://127.0.0.1:8765/?token=TOKEN. Read the token from
 * // location.search once, keep it in sessionStorage, drop it from the address bar with
 * // history.replaceState, and open the WebSocket on the same origin:
 * //   new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws?token=${encodeURIComponent(token)}`)
 * const api: HostApi = bridge ? createHostApi(bridgeTransport(bridge), 'electron')
 *                             : createHostApi(webSocketTransport(socket), 'web');
 *
 * const opened = await api.call('project.open', { path: '/models/resnet18.trtstudio' });
 * if (opened.ok) store.load(opened.value.document); else problems.show(opened.diagnostics);
 *
 * const started = await api.call('weights.import', { path: '/models/resnet18.wts' });
 * if (started.ok) {
 *   const done = await followJob(api, started.value.jobId, (p) => progressBar.set(p));
 *   // done.status: 'succeeded' | 'failed' | 'cancelled'; done.result (typed per job kind); done.diagnostics
 * }
 * api.call('jobs.cancel', { jobId });
 * const off = api.on('menu.command', ({ command }) => run(command));
 * ```
 *
 * Every call resolves (never rejects) with `Result<T>`: `{ ok: true, value }` or `{ ok: false,
 * diagnostics }`. A transport failure becomes a Diagnostic with code `host.disconnected`.
 *
 * Browser-mode extras over HTTP (same token, `Authorization: Bearer TOKEN` or `?token=`):
 * `GET /api/capabilities` (Capabilities) and `POST /api/upload?name=FILE` with the raw bytes as body
 * (UploadResult: the path of the stored copy, which `weights.import`, `project.open` or
 * `images.preview` then accept). In Electron, a dropped file's path comes from
 * `bridge.pathForFile(file)` instead.
 */
import { z } from 'zod';
import { fail, ok, type Result } from '../diagnostics.js';
import { quote } from '../network/limits.js';
import { METHODS, describeIssues, protocolError, validateEvent, type EventPayload, type MethodParams, type MethodResult } from './contract.js';
import type { JobFinished, JobProgress } from './job-schemas.js';
import type { EventName, MethodName } from './names.js';
import { DiagnosticSchema } from './schemas.js';

/** The typed client the renderer uses; the same interface over Electron IPC and the WebSocket. */
export interface HostApi {
  /** Which host the UI runs in: 'electron' has native dialogs and file paths; 'web' uploads dropped files. */
  readonly kind: 'electron' | 'web';
  /** Sends one request. Resolves with the result or the Diagnostics explaining why not; never rejects. */
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<Result<MethodResult<M>>>;
  /** Listens to one event; returns the function that stops listening. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** What a transport must do: carry raw requests and events. `createHostApi` adds types and checks. */
export interface HostTransport {
  /** Resolves with the response envelope `{ ok, value?, diagnostics? }`; may reject on a broken connection. */
  request(method: MethodName, params: unknown): Promise<unknown>;
  /** Raw events; returns the function that unsubscribes. */
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

const ResponseEnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown(), diagnostics: z.array(DiagnosticSchema).optional() }),
  z.object({ ok: z.literal(false), diagnostics: z.array(DiagnosticSchema) }),
]);

/** Wraps a transport into the typed `HostApi`. Responses and events are checked against the contract. */
export function createHostApi(transport: HostTransport, kind: 'electron' | 'web'): HostApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  transport.subscribe((event, payload) => {
    const checked = validateEvent(event, payload);
    if (!checked.ok) return; // An unknown or malformed event is dropped; the UI never sees it.
    for (const listener of listeners.get(event) ?? []) listener(checked.value.payload);
  });
  return {
    kind,
    async call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<Result<MethodResult<M>>> {
      let raw: unknown;
      try {
        raw = await transport.request(method, params);
      } catch (e) {
        return fail({
          severity: 'error',
          code: 'host.disconnected',
          message: `The request '${method}' could not reach the host: ${e instanceof Error ? e.message : String(e)}.`,
        });
      }
      const envelope = ResponseEnvelopeSchema.safeParse(raw);
      if (!envelope.success)
        return fail(protocolError('api.response.invalid', `The host answered '${method}' with something that is not a response: ${quote(raw)}.`));
      if (!envelope.data.ok) return fail(...envelope.data.diagnostics);
      const value = METHODS[method].result.safeParse(envelope.data.value);
      if (!value.success)
        return fail(
          protocolError('api.result.invalid', describeIssues(method, value.error.issues, envelope.data.value).replace(/^The request/, 'The response to')),
        );
      return ok(value.data as MethodResult<M>, envelope.data.diagnostics);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
  };
}

/** An AbortSignal as far as `followJob` uses it (core has neither the DOM's nor Node's types). */
export interface StopSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * Follows a job to its end: calls `onProgress` for each progress event and resolves with the
 * `job.finished` payload. Start listening before the job could finish: call it right after the start
 * call resolves (the host sends `job.finished` only after answering the start request).
 *
 * `signal` stops following when the caller knows the end another way (the host went away, so no
 * `job.finished` will come): the listeners are released and the promise stays pending.
 */
export function followJob(
  api: HostApi,
  jobId: string,
  onProgress?: (progress: JobProgress) => void,
  onLog?: (line: string, severity: string) => void,
  signal?: StopSignal,
): Promise<JobFinished> {
  return new Promise((resolve) => {
    if (signal?.aborted) return;
    const offProgress = api.on('job.progress', (e) => {
      if (e.jobId === jobId) onProgress?.(e.progress);
    });
    const offLog = api.on('job.log', (e) => {
      if (e.jobId === jobId) onLog?.(e.line, e.severity);
    });
    const stop = () => {
      offProgress();
      offLog();
      offFinished();
      signal?.removeEventListener('abort', stop);
    };
    const offFinished = api.on('job.finished', (e) => {
      if (e.jobId !== jobId) return;
      stop();
      resolve(e);
    });
    signal?.addEventListener('abort', stop);
  });
}
