/**
 * Finds the host the renderer runs in: Electron's preload global, or the web host's WebSocket
 * (browser mode, opened as http://127.0.0.1:PORT/?token=TOKEN). Without either (a plain static
 * server) the editor still works, with files opened and saved through the browser.
 *
 * In browser mode the host can stop while the page stays open (Ctrl+C, a crash, a restart). The
 * connection is watched: when the socket closes, every request in flight fails at once, the status
 * turns to `lost` (the UI shows it and fails running jobs), and the page reconnects every second
 * until a host answers at the same address again.
 */
import { createHostApi, type HostApi, type HostTransport } from '../../core/api/client.js';
import { PRELOAD_GLOBAL, type PreloadBridge } from '../../core/api/names.js';
import { bridgeTransport, webSocketTransport } from '../../core/api/transports.js';
import { tabIdentity } from './tab-identity.js';

const TOKEN_KEY = 'trtstudio.token';
/** How long the page waits between attempts to reach a host that went away. */
export const RECONNECT_MS = 1000;

function preloadBridge(): PreloadBridge | undefined {
  const candidate = (window as unknown as Record<string, unknown>)[PRELOAD_GLOBAL];
  if (typeof candidate === 'object' && candidate !== null && 'call' in candidate && 'onEvent' in candidate) return candidate as PreloadBridge;
  return undefined;
}

/** The launch token: from the address bar once (then removed from it), afterwards from sessionStorage. */
function launchToken(): string | undefined {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** The launch token for the web host's HTTP endpoints (`POST /api/upload`); undefined in Electron or without a host. */
export function webHostToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** This tab's name towards the host once settled (see tab-identity.ts); undefined before, or outside browser mode. */
export function clientId(): string | undefined {
  return settledClientId;
}
let settledClientId: string | undefined;

/** Whether the page can reach its host: `lost` says why and since when. */
export type ConnectionStatus = { state: 'connecting' } | { state: 'connected'; reconnected: boolean } | { state: 'lost'; since: number; reason: string };

/** The connection's status and its changes; one per page. */
export interface ConnectionMonitor {
  get(): ConnectionStatus;
  subscribe(listener: (status: ConnectionStatus) => void): () => void;
}

function createMonitor(initial: ConnectionStatus): ConnectionMonitor & { set(status: ConnectionStatus): void } {
  let status = initial;
  const listeners = new Set<(status: ConnectionStatus) => void>();
  return {
    get: () => status,
    set(next) {
      status = next;
      for (const listener of [...listeners]) listener(next);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Electron's IPC does not drop; the page and the host live and die together. */
const alwaysConnected = createMonitor({ state: 'connected', reconnected: false });
let monitor: ConnectionMonitor = alwaysConnected;

/** The page's connection to its host (always `connected` in Electron or without a host). */
export function hostConnection(): ConnectionMonitor {
  return monitor;
}

/** Why a host answers no more, in the user's words, from an HTTP probe of the same address. */
async function whyUnreachable(token: string): Promise<string> {
  try {
    const r = await fetch('/api/capabilities', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (r.status === 401) return 'a host is running at this address again, but with another token: open the URL it printed';
    return `the host answered HTTP ${r.status}`;
  } catch {
    return 'the host is not running (it stopped or crashed); waiting for it to come back at this address';
  }
}

/**
 * A transport over a WebSocket that is opened again whenever it closes. Requests made while the
 * host is away fail at once with the reason, instead of waiting for an answer that cannot come.
 */
function reconnectingTransport(url: Promise<string>, token: string): { transport: HostTransport; monitor: ConnectionMonitor } {
  const status = createMonitor({ state: 'connecting' });
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  let current: HostTransport | undefined;
  let everOpened = false;
  const open = (url: string) => {
    const socket = new WebSocket(url);
    const inner = webSocketTransport(socket);
    inner.subscribe((event, payload) => eventListeners.forEach((l) => l(event, payload)));
    socket.addEventListener('open', () => {
      status.set({ state: 'connected', reconnected: everOpened });
      everOpened = true;
    });
    socket.addEventListener('close', () => {
      const before = status.get();
      const since = before.state === 'lost' ? before.since : Date.now();
      if (before.state !== 'lost') status.set({ state: 'lost', since, reason: 'the connection to the host closed' });
      void whyUnreachable(token).then((reason) => {
        if (status.get().state === 'lost') status.set({ state: 'lost', since, reason });
      });
      setTimeout(() => open(url), RECONNECT_MS);
    });
    current = inner;
  };
  // The socket opens once the tab knows its name; requests made before then wait for it.
  const opened = url.then(open);
  const transport: HostTransport = {
    async request(method, params) {
      const now = status.get();
      if (now.state === 'lost') throw new Error(now.reason);
      if (!current) await opened;
      return current!.request(method, params);
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
  };
  return { transport, monitor: status };
}

/** The typed host client, or undefined when the page is served without a host. */
export function connectToHost(): HostApi | undefined {
  const bridge = preloadBridge();
  if (bridge) return createHostApi(bridgeTransport(bridge), 'electron');
  const token = launchToken();
  if (!token) return undefined;
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = tabIdentity().then(({ clientId: id }) => {
    settledClientId = id;
    return `${scheme}://${window.location.host}/api/ws?token=${encodeURIComponent(token)}&client=${encodeURIComponent(id)}`;
  });
  const connection = reconnectingTransport(url, token);
  monitor = connection.monitor;
  return createHostApi(connection.transport, 'web');
}
