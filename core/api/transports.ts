/**
 * The two transports under the typed client: Electron's preload bridge and the browser mode's
 * WebSocket (one JSON text frame per message: `{type:'request', id, method, params}` out,
 * `{type:'response', id, ok, value?, diagnostics?}` and `{type:'event', event, payload}` back).
 */
import type { HostTransport } from './client.js';
import type { PreloadBridge } from './names.js';

/** The Electron transport: the preload's `window.trtStudioHost`. */
export function bridgeTransport(bridge: PreloadBridge): HostTransport {
  return { request: (method, params) => bridge.call(method, params), subscribe: (listener) => bridge.onEvent(listener) };
}

/** The least a WebSocket must offer (the DOM's WebSocket and the `ws` package both do). */
export interface TextSocket {
  readonly readyState: number;
  send(text: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
  addEventListener(type: 'open', listener: () => void): void;
}

const SOCKET_OPEN = 1;

/**
 * The browser-mode transport: requests and responses matched by id over one WebSocket. Requests made
 * before the socket opens wait for it; a closed socket fails every pending request with a Diagnostic.
 */
export function webSocketTransport(socket: TextSocket): HostTransport {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const waitingForOpen: (() => void)[] = [];
  let closed = false;
  socket.addEventListener('open', () => waitingForOpen.splice(0).forEach((send) => send()));
  socket.addEventListener('close', () => {
    closed = true;
    for (const p of pending.values()) p.reject(new Error('the connection to the host closed'));
    pending.clear();
  });
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as { type?: unknown; id?: unknown; event?: unknown; payload?: unknown };
    if (m.type === 'response' && typeof m.id === 'number') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      const { type: _type, id: _id, ...envelope } = m;
      p.resolve(envelope);
    } else if (m.type === 'event' && typeof m.event === 'string') {
      for (const listener of eventListeners) listener(m.event, m.payload);
    }
  });
  return {
    request(method, params) {
      return new Promise((resolve, reject) => {
        if (closed) return reject(new Error('the connection to the host is closed'));
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const send = () => socket.send(JSON.stringify({ type: 'request', id, method, params }));
        if (socket.readyState === SOCKET_OPEN) send();
        else waitingForOpen.push(send);
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
  };
}
