/**
 * Host → UI events: one bus that every transport subscribes to, so both hosts see the same stream.
 * Most events are for every client; an event about one client's own work (its autosave) goes only
 * to that client's subscription, so one window or tab never hears of another's.
 */
import { validateEvent, type EventPayload } from '../../core/api/contract.js';
import type { EventName } from '../../core/api/names.js';
import type { HostLog } from './log.js';

export type EventListener = (event: EventName, payload: unknown) => void;

/** Events meant for one client only, and how each names it. */
const ADDRESSED: { readonly [E in EventName]?: (payload: EventPayload<E>) => string } = {
  'project.autosaved': (payload) => payload.client,
};

/** The client an event is meant for, or undefined when every client gets it. */
export function eventRecipient<E extends EventName>(event: E, payload: EventPayload<E>): string | undefined {
  const recipient = ADDRESSED[event] as ((payload: EventPayload<E>) => string) | undefined;
  return recipient?.(payload);
}

/** Broadcasts contract events to every connected client (Electron window, WebSocket clients). */
export class EventBus {
  /** Each listener with the client it serves (undefined: it hears every event, as a log would). */
  private readonly listeners = new Map<EventListener, string | undefined>();

  constructor(private readonly log: HostLog) {}

  /** Checks the payload against the contract first: a service bug is logged, not sent. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = validateEvent(event, payload);
    if (!checked.ok) {
      this.log.error(`Event '${event}' was not sent: ${checked.diagnostics.map((d) => d.message).join(' ')}`);
      return;
    }
    const recipient = eventRecipient(event, checked.value.payload as EventPayload<E>);
    for (const [listener, client] of [...this.listeners]) {
      if (recipient !== undefined && client !== undefined && client !== recipient) continue;
      try {
        listener(event, checked.value.payload);
      } catch (e) {
        this.log.error(`A listener of '${event}' failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /**
   * Listen for the events a client may hear: every event for everyone, and those meant for `client`
   * (without `client`, all events). Returns the function that unsubscribes.
   */
  subscribe(listener: EventListener, client?: string): () => void {
    this.listeners.set(listener, client);
    return () => this.listeners.delete(listener);
  }
}
