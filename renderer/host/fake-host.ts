/**
 * A scripted HostApi for component tests of the workflow panels, where the host is not the subject:
 * each method answers from a table (or "not available", as the real host does for a missing service),
 * every call is recorded, and the test sends job events itself.
 */
import type { HostApi } from '../../core/api/client.js';
import { notAvailable, type EventPayload, type MethodParams, type MethodResult } from '../../core/api/contract.js';
import type { EventName, MethodName } from '../../core/api/names.js';
import type { Result } from '../../core/diagnostics.js';

type Handler<M extends MethodName> = (params: MethodParams<M>) => Result<MethodResult<M>> | MethodResult<M>;
export type FakeHandlers = { [M in MethodName]?: Handler<M> };

export interface FakeHost extends HostApi {
  calls: { method: MethodName; params: unknown }[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** How many listeners an event has now (a test sees listeners that were never released). */
  listenerCount(event: EventName): number;
  handlers: FakeHandlers;
}

function isResult(v: unknown): v is Result<unknown> {
  return typeof v === 'object' && v !== null && 'ok' in v && typeof (v as { ok: unknown }).ok === 'boolean' && ('value' in v || 'diagnostics' in v);
}

export function fakeHost(handlers: FakeHandlers = {}, kind: 'web' | 'electron' = 'web'): FakeHost {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const host: FakeHost = {
    kind,
    calls: [],
    handlers,
    async call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<Result<MethodResult<M>>> {
      host.calls.push({ method, params });
      const handler = host.handlers[method] as Handler<M> | undefined;
      if (!handler) return { ok: false, diagnostics: [notAvailable(method)] };
      const answer = handler(params);
      return isResult(answer) ? (answer as Result<MethodResult<M>>) : { ok: true, value: answer };
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
  };
  return host;
}
