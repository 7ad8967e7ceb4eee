/**
 * Where the Electron window's page comes from, and who may call the host. The renderer is served on
 * a private scheme (`app://trt-studio/`) instead of file:// so that it has an origin of its own: the
 * CSP's 'self' means the app and nothing else on disk, and the main side can tell its own page from
 * anything else that might end up in a frame.
 */

export const APP_SCHEME = 'app';
const APP_HOST = 'trt-studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True for a URL of the app's own page or assets (same scheme and host, nothing else). */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/** What the main side knows about the frame that sent an IPC message. */
export interface SenderFrame {
  /** The frame's URL, or undefined when the frame is gone (navigated away or destroyed). */
  url: string | undefined;
  /** False for an iframe inside the page. */
  isMainFrame: boolean;
  /** True when the message came from the app's own window (not some other webContents). */
  fromAppWindow: boolean;
}

/**
 * Why a sender is refused, or undefined when it may call the host: only the main frame of the app's
 * window, showing the app's own page.
 */
export function senderRefusal(sender: SenderFrame): string | undefined {
  if (!sender.fromAppWindow) return 'the message did not come from the TRT Studio window';
  if (sender.url === undefined) return 'the sending frame no longer exists';
  if (!sender.isMainFrame) return `the message came from an embedded frame (${JSON.stringify(sender.url.slice(0, 200))})`;
  if (!isAppUrl(sender.url)) return `the sending page ${JSON.stringify(sender.url.slice(0, 200))} is not the app's own page (${APP_ORIGIN}/)`;
  return undefined;
}

/**
 * The user's arguments out of `process.argv`: a packaged app gets `[exe, ...args]`, a development
 * run (`electron . args`, `process.defaultApp` set) gets `[electron, appPath, ...args]`.
 */
export function userArguments(argv: readonly string[], defaultApp: boolean): string[] {
  return argv.slice(defaultApp ? 2 : 1);
}
