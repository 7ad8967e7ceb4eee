/**
 * Answers the window's requests on the app's private scheme (`app://trt-studio/...`) from the built
 * renderer folder, through the same traversal-proof lookup as the web host, with the same
 * Content-Security-Policy (no inline, eval'd or remote scripts). The shell wraps the answer in a
 * Response for Electron's `protocol.handle`.
 */
import { contentSecurityPolicy, rendererMissingPage, resolveStaticFile } from '../host/static-files.js';
import { APP_ORIGIN, isAppUrl } from './app-origin.js';

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  /** The file to send as the body. */
  file?: string;
  /** Or a short text body. */
  body?: string;
}

/** Headers on every answer: the page may only run the app's own scripts and is never framed. */
function appSecurityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function text(status: number, message: string): AppResponse {
  return { status, headers: { ...appSecurityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' }, body: `${message}\n` };
}

export async function answerAppRequest(rendererDir: string, requestUrl: string, method: string): Promise<AppResponse> {
  if (!isAppUrl(requestUrl)) return text(404, `Only ${APP_ORIGIN}/ is served here.`);
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'Only GET and HEAD are served here.');
  // The path as sent, still percent-encoded: resolveStaticFile decodes it once and checks every segment.
  const afterOrigin = requestUrl.slice(requestUrl.indexOf('//') + 2);
  const slash = afterOrigin.indexOf('/');
  const path = (slash < 0 ? '/' : afterOrigin.slice(slash)).split(/[?#]/, 1)[0] ?? '/';
  const found = await resolveStaticFile(rendererDir, path);
  if (found.kind === 'refused') return text(403, found.reason);
  if (found.kind === 'missing') {
    if (path === '/' || path === '/index.html')
      return { status: 503, headers: { ...appSecurityHeaders(), 'Content-Type': 'text/html; charset=utf-8' }, body: rendererMissingPage(rendererDir) };
    return text(404, `Not found: ${path}`);
  }
  return { status: 200, headers: { ...appSecurityHeaders(), 'Content-Type': found.contentType, 'Cache-Control': 'no-cache' }, file: found.path };
}
