/** Host → UI events: one bus that every transport subscribes to, so both hosts see the same stream. */
import { validateEvent, type EventPayload } from '../../core/api/contract.js';
import type { EventName } from '../../core/api/names.js';
import type { HostLog } from './log.js';

export type EventListener = (event: EventName, payload: unknown) => void;

/** Broadcasts contract events to every connected client (Electron window, WebSocket clients). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly log: HostLog) {}

  /** Checks the payload against the contract first: a service bug is logged, not sent. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = validateEvent(event, payload);
    if (!checked.ok) {
      this.log.error(`Event '${event}' was not sent: ${checked.diagnostics.map((d) => d.message).join(' ')}`);
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event, checked.value.payload);
      } catch (e) {
        this.log.error(`A listener of '${event}' failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
