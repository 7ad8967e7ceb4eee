/**
 * The host's events, carried to a window's page. A window is one client of the services, named
 * after its webContents: its recovery file is its own, and so are the events about it (its
 * autosaves); events for every client (job progress, menu commands) reach every window.
 */
import { IPC_EVENT_CHANNEL } from '../../core/api/names.js';
import type { EventBus } from '../services/events.js';

/** What forwarding needs of a window's webContents (Electron's WebContents has it all). */
export interface WindowContents {
  readonly id: number;
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
}

/** A window's name towards the services, for its calls and for the events meant for it. */
export function windowClientId(contents: { readonly id: number }): string {
  return `window-${contents.id}`;
}

/**
 * Send the window's page the events it may hear, while it shows the app (`isAppPage`: never a page
 * it was navigated to). Returns the function that stops, for when the window closes.
 */
export function forwardEventsToWindow(events: EventBus, contents: WindowContents, isAppPage: (url: string) => boolean): () => void {
  return events.subscribe((event, payload) => {
    if (!contents.isDestroyed() && isAppPage(contents.getURL())) contents.send(IPC_EVENT_CHANNEL, event, payload);
  }, windowClientId(contents));
}
