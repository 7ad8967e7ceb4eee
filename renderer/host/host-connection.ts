/**
 * Finds the host the renderer runs in: Electron's preload global, or the web host's WebSocket
 * (browser mode, opened as http://127.0.0.1:PORT/?token=TOKEN). Without either (a plain static
 * server) the editor still works, with files opened and saved through the browser.
 */
import { createHostApi, type HostApi } from '../../core/api/client.js';
import { PRELOAD_GLOBAL, type PreloadBridge } from '../../core/api/names.js';
import { bridgeTransport, webSocketTransport } from '../../core/api/transports.js';

const TOKEN_KEY = 'trtstudio.token';

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

/** The typed host client, or undefined when the page is served without a host. */
export function connectToHost(): HostApi | undefined {
  const bridge = preloadBridge();
  if (bridge) return createHostApi(bridgeTransport(bridge), 'electron');
  const token = launchToken();
  if (!token) return undefined;
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = new WebSocket(`${scheme}://${window.location.host}/api/ws?token=${encodeURIComponent(token)}`);
  return createHostApi(webSocketTransport(socket), 'web');
}
