/**
 * Serving the built renderer: only files inside its folder, never a path that climbs out (decoded or
 * not, through `..`, backslashes or symbolic links), with the right content type, and the page's
 * Content-Security-Policy. Shared by the web host and the Electron shell's app protocol.
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { isInside } from '../services/files.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The type for a file name; unknown types are sent as bytes (with nosniff, a browser will not run them). */
function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The renderer's Content-Security-Policy: scripts only from the app itself (no inline, no eval, no
 * remote), connections only back to the host. Inline style attributes are allowed because React Flow
 * positions nodes with them.
 */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${connectSources.map((s) => ` ${s}`).join('')}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export type StaticLookup = { kind: 'file'; path: string; size: number; contentType: string } | { kind: 'refused'; reason: string } | { kind: 'missing' };

/**
 * Maps a URL path (still percent-encoded, without the query) to a file inside `root`. Paths without
 * an extension fall back to index.html (the single-page app's routes); missing assets are missing.
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'refused', reason: `The path ${JSON.stringify(urlPath)} is not valid percent-encoding.` };
  }
  if (decoded.includes('\0') || decoded.includes('\\'))
    return { kind: 'refused', reason: `The path ${JSON.stringify(urlPath)} contains a NUL or a backslash.` };
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return { kind: 'refused', reason: `The path ${JSON.stringify(urlPath)} climbs out of the app folder.` };
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { kind: 'missing' };
  }
  const relativePath = segments.filter((s) => s !== '').join('/');
  const candidate = resolve(realRoot, relativePath === '' ? 'index.html' : relativePath);
  if (!isInside(realRoot, candidate)) return { kind: 'refused', reason: `The path ${JSON.stringify(urlPath)} is outside the app folder.` };
  const found = await fileInside(realRoot, candidate);
  if (found) return found;
  if (extname(relativePath) === '') {
    const index = await fileInside(realRoot, join(realRoot, 'index.html'));
    if (index) return index;
  }
  return { kind: 'missing' };
}

async function fileInside(realRoot: string, candidate: string): Promise<StaticLookup | undefined> {
  try {
    const real = await realpath(candidate);
    if (!isInside(realRoot, real)) return { kind: 'refused', reason: 'A link inside the app folder points outside it.' };
    const info = await stat(real);
    if (!info.isFile()) return undefined;
    return { kind: 'file', path: real, size: info.size, contentType: contentTypeFor(real) };
  } catch {
    return undefined;
  }
}

/** The page served when dist/renderer has not been built yet (no scripts at all). */
export function rendererMissingPage(rendererDir: string): string {
  const folder = rendererDir.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>TRT Studio</title></head><body style="font-family:sans-serif;margin:3em"><h1>TRT Studio</h1><p>The host is running, but the user interface has not been built: ${folder} has no index.html.</p><p>Run <code>npm run build:renderer</code> and reload this page.</p></body></html>`;
}
