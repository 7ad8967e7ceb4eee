/**
 * The window's security settings as plain data, so that a test can hold them in place: an isolated,
 * sandboxed page without Node; no request leaves the app's own scheme; no permission is granted.
 */
import { APP_SCHEME, isAppUrl } from './app-origin.js';

/** The BrowserWindow's webPreferences (the subset the shell sets; everything else keeps Electron's safe defaults). */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  spellcheck: false;
}

export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** The page's own scheme plus what Chromium uses inside a page (data:, blob: for workers and images) and its developer tools. */
const INTERNAL_SCHEMES = ['data:', 'blob:', 'devtools:'];

/**
 * True when the window may make this request. Everything else (http, https, file, ws) is cancelled:
 * the app is offline by construction, and a page script cannot read local files by URL.
 */
export function requestAllowed(url: string): boolean {
  if (isAppUrl(url)) return true;
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
  return INTERNAL_SCHEMES.includes(scheme);
}

/** Navigation is refused whatever the target: the one page stays the one page (in-page anchors do not navigate). */
export function navigationAllowed(_url: string): boolean {
  return false;
}

/**
 * Permissions the page may get. Only writing plain text to the clipboard (copying a network as JSON);
 * no camera, microphone, notifications, geolocation or the like.
 */
export function permissionAllowed(permission: string, requestingUrl: string): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingUrl);
}

/** The scheme registration (before the app is ready) that gives app:// a real origin with fetch, workers and modules. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true },
} as const;
