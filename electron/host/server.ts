/**
 * The web host (browser mode, ARCHITECTURE.md rule 5): serves the built renderer and carries the
 * contract over a WebSocket at /api/ws, plus a few HTTP endpoints under /api/. Listens on 127.0.0.1
 * by default. Everything under /api/ needs the per-launch token (`?token=` or `Authorization:
 * Bearer`) except a download, which needs a one-time ticket instead (issued to a caller with the
 * token), so the token never sits in a download URL; the WebSocket also needs a same-origin Origin;
 * the Host header must name this machine (a DNS-rebinding page cannot reach the API even if it
 * guessed the token).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { LARGEST_REQUEST_BYTES, parseClientMessage, type HostMessage } from '../../core/api/host/wire.js';
import type { UploadResult } from '../../core/api/project-schemas.js';
import { MAX_MESSAGE_BYTES } from '../../core/network/limits.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { HostServices } from '../services/host-services.js';
import { UPLOADS_FOLDER } from '../services/temp-folders.js';
import { contentSecurityPolicy, rendererMissingPage, resolveStaticFile } from './static-files.js';
import { OneTimeTickets } from './tickets.js';

export const DEFAULT_PORT = 8765;
export const DEFAULT_HOST = '127.0.0.1';
/** A client name a tab may choose (`/api/ws?client=`): the contract's id characters. */
const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** All uploads of one launch together (16 GiB): each file has its own limit, this bounds the temp folder. */
export const DEFAULT_UPLOAD_QUOTA_BYTES = 16 * 1024 ** 3;
/** How long a download or launch ticket stays valid: long enough for a browser to follow it. */
export const TICKET_LIFETIME_MS = 60_000;

export interface WebHostOptions {
  services: HostServices;
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Random per launch when not given. */
  token?: string;
  /** Defaults to DEFAULT_UPLOAD_QUOTA_BYTES. */
  uploadQuotaBytes?: number;
}

export interface WebHost {
  /** The URL to open, with the token: `http://127.0.0.1:8765/?token=...`. */
  url: string;
  /**
   * A URL for a browser started by the host: `http://127.0.0.1:8765/?launch=TICKET`, which works once
   * and redirects to `url`, so the token is not in the browser's command line (the process list).
   */
  launchUrl(): string;
  port: number;
  token: string;
  /** Where uploads are stored (inside the per-launch temp folder, removed at shutdown). */
  uploadDir: string;
  close(): Promise<void>;
}

/** A fresh token: 192 random bits, URL-safe. */
function createToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries, from `Authorization: Bearer` (the scheme in any case, RFC 7235) or the `token` query parameter. */
export function requestToken(req: IncomingMessage): string | undefined {
  const bearer = /^bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1];
  const query = (req.url ?? '').split('?')[1];
  return query ? (new URLSearchParams(query).get('token') ?? undefined) : undefined;
}

/** Host names that may appear in the Host header: loopback names, IP literals, and the name we listen on. */
function hostHeaderAllowed(hostHeader: string | undefined, listenHost: string): boolean {
  if (!hostHeader) return false;
  let name: string;
  try {
    name = new URL(`http://${hostHeader}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return name === 'localhost' || isIP(name) !== 0 || name === listenHost;
}

/** A browser's Origin must be this very page: `http://` plus the Host header it sent. Non-browser clients send none. */
function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  return hostHeader !== undefined && (origin === `http://${hostHeader}` || origin === `https://${hostHeader}`);
}

/**
 * A new file for an upload named `name` in the upload folder, under its own name (`digit.png`) or,
 * when that is taken, a numbered one (`digit (2).png`): the folder reads like the files the user
 * chose, and a second upload of the same name never overwrites the first. Created exclusively, so
 * two uploads at once cannot claim the same name.
 */
async function claimUploadPath(dir: string, name: string): Promise<{ target: string; file: FileHandle }> {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n++) {
    const target = join(dir, n === 1 ? name : `${stem} (${n})${ext}`);
    try {
      return { target, file: await open(target, 'wx') };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Keeps an uploaded file's name readable but harmless: no folders, no odd characters. */
function safeUploadName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[^A-Za-z0-9._ -]/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 200);
  return cleaned === '' ? 'upload' : cleaned;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function problem(code: string, message: string): { diagnostics: Diagnostic[] } {
  return { diagnostics: [{ severity: 'error', code, message }] };
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { services } = options;
  const { log } = services.context;
  const token = options.token ?? createToken();
  const uploadDir = join(services.context.tempDir, UPLOADS_FOLDER);
  await mkdir(uploadDir, { recursive: true });
  // Uploads are copies of the user's files: readable, never a place to save work into.
  await services.context.files.addRoot(uploadDir, 'Uploads (temporary)', { temporary: true });
  let clientCounter = 0;
  const uploadQuota = options.uploadQuotaBytes ?? DEFAULT_UPLOAD_QUOTA_BYTES;
  /** Bytes of the uploads stored (or being stored) in this launch. */
  let uploadedBytes = 0;
  const downloads = new OneTimeTickets<string>(TICKET_LIFETIME_MS);
  const launches = new OneTimeTickets<true>(TICKET_LIFETIME_MS);

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sockets = new Set<WebSocket>();

  const securityHeaders = (extra: Record<string, string | number> = {}): Record<string, string | number> => ({
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    // The token travels in the page's URL; no Referer may carry it anywhere.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ...extra,
  });

  async function serveStatic(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders({ Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }));
      res.end('Only GET and HEAD are served here.\n');
      return;
    }
    const found = await resolveStaticFile(options.rendererDir, path);
    if (found.kind === 'refused') {
      log.warn(`Refused static path ${JSON.stringify(path)}: ${found.reason}`);
      res.writeHead(403, securityHeaders({ 'Content-Type': 'text/plain; charset=utf-8' }));
      res.end(`${found.reason}\n`);
      return;
    }
    if (found.kind === 'missing') {
      const isPage = path === '/' || path === '/index.html';
      const body = isPage ? rendererMissingPage(options.rendererDir) : `Not found: ${path}\n`;
      res.writeHead(isPage ? 503 : 404, securityHeaders({ 'Content-Type': isPage ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8' }));
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const isHtml = found.contentType.startsWith('text/html');
    res.writeHead(200, securityHeaders({ 'Content-Type': found.contentType, 'Content-Length': found.size, 'Cache-Control': isHtml ? 'no-store' : 'no-cache' }));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(createReadStream(found.path), res).catch(() => res.destroy());
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const limit = services.context.settings.get().uploadLimitMiB * 1024 * 1024;
    const declared = Number(req.headers['content-length'] ?? NaN);
    const overQuota = (bytes: number) =>
      problem(
        'upload.quota',
        `The upload of ${bytes} bytes was refused: this launch's uploads would total ${uploadedBytes + bytes} bytes, over the quota of ${uploadQuota} bytes for all uploads of one launch. Restart the host to empty its upload folder, or pass the file's path on the host instead.`,
      );
    if (Number.isFinite(declared) && uploadedBytes + declared > uploadQuota) {
      res.setHeader('Connection', 'close');
      sendJson(res, 413, overQuota(declared));
      req.resume();
      return;
    }
    if (Number.isFinite(declared) && declared > limit) {
      res.setHeader('Connection', 'close');
      sendJson(
        res,
        413,
        problem('upload.tooLarge', `The upload of ${declared} bytes was refused; the limit is ${limit} bytes (uploadLimitMiB in the settings).`),
      );
      req.resume();
      return;
    }
    const { target, file } = await claimUploadPath(uploadDir, safeUploadName(query.get('name') ?? 'upload'));
    const name = basename(target);
    let bytes = 0;
    let tooLarge = false;
    let quotaReached = false;
    // Counting in a transform stops the copy at the limit (and the quota) without trusting Content-Length.
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        uploadedBytes += chunk.length;
        if (bytes > limit) {
          tooLarge = true;
          callback(new Error(`more than ${limit} bytes`));
        } else if (uploadedBytes > uploadQuota) {
          quotaReached = true;
          callback(new Error(`over the upload quota of ${uploadQuota} bytes`));
        } else callback(null, chunk);
      },
    });
    req.on('close', () => {
      if (!req.complete) counter.destroy(new Error('the connection closed before the upload finished'));
    });
    req.pipe(counter);
    try {
      await pipeline(counter, file.createWriteStream());
    } catch (e) {
      req.unpipe(counter);
      uploadedBytes -= bytes;
      await unlink(target).catch(() => undefined);
      // Close the connection once answered instead of reading the rest of an oversized body.
      res.setHeader('Connection', 'close');
      res.on('finish', () => req.destroy());
      if (tooLarge)
        sendJson(
          res,
          413,
          problem('upload.tooLarge', `The upload was refused after ${limit} bytes; the limit is ${limit} bytes (uploadLimitMiB in the settings).`),
        );
      else if (quotaReached) sendJson(res, 413, overQuota(bytes));
      else sendJson(res, 400, problem('upload.failed', `The upload of ${name} failed: ${(e as Error).message}.`));
      return;
    }
    log.info(`Stored upload ${target} (${bytes} bytes)`);
    sendJson(res, 200, { path: target, name, bytes } satisfies UploadResult);
  }

  /**
   * `POST /api/download/ticket?path=...` (with the token): checks that the file is inside the allowed
   * roots and answers a one-time ticket for it. A path outside the roots gets the same answer whether
   * or not something exists there.
   */
  async function issueDownloadTicket(res: ServerResponse, query: URLSearchParams): Promise<void> {
    const path = query.get('path');
    if (!path) {
      sendJson(res, 400, problem('download.noPath', 'POST /api/download/ticket needs ?path= with the absolute path of a file inside the allowed folders.'));
      return;
    }
    const checked = await services.context.files.check(path, 'read');
    if (!checked.ok) {
      const status = checked.diagnostics.some((d) => d.code === 'files.outsideRoots') ? 403 : 404;
      log.warn(`Refused the download of ${JSON.stringify(path)}: ${checked.diagnostics.map((d) => d.message).join(' ')}`);
      sendJson(res, status, { diagnostics: checked.diagnostics });
      return;
    }
    if (!(await stat(checked.value)).isFile()) {
      sendJson(res, 404, problem('download.notFile', `${JSON.stringify(path)} is a folder; only files can be downloaded.`));
      return;
    }
    const ticket = downloads.issue(checked.value);
    sendJson(res, 200, { ticket, url: `/api/download?ticket=${ticket}` });
  }

  /**
   * `GET /api/download?ticket=...`: hands a file the host wrote (an export, an engine, saved outputs)
   * to the browser, which may be on another machine (SSH). The ticket works once, for a minute.
   */
  async function handleDownload(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const path = downloads.redeem(query.get('ticket'));
    const info = path === undefined ? undefined : await stat(path).catch(() => undefined);
    if (path === undefined || !info?.isFile()) {
      sendJson(
        res,
        404,
        problem(
          'download.ticket',
          `This download link is not valid: each link works once, within ${TICKET_LIFETIME_MS / 1000} seconds. Start the download again in TRT Studio.`,
        ),
      );
      return;
    }
    const name = basename(path);
    // An ASCII fallback name plus the exact UTF-8 one (RFC 6266).
    const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
    res.writeHead(
      200,
      securityHeaders({
        'Content-Type': 'application/octet-stream',
        'Content-Length': info.size,
        'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        'Cache-Control': 'no-store',
      }),
    );
    log.info(`Download of ${path} (${info.size} bytes)`);
    await pipeline(createReadStream(path), res).catch(() => res.destroy());
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    // The ticket stands for the token here (the one URL a browser fetches without our headers).
    if (path === '/api/download' && req.method === 'GET') return handleDownload(req, res, query);
    if (!tokenMatches(token, requestToken(req))) {
      sendJson(res, 401, problem('host.unauthorized', 'This request needs the token printed when the host started (?token=... or Authorization: Bearer ...).'));
      return;
    }
    const call = { transport: 'web' as const, clientId: 'http' };
    if (path === '/api/capabilities' && req.method === 'GET') {
      const r = await services.dispatch('host.capabilities', {}, call);
      sendJson(res, r.ok ? 200 : 500, r.ok ? r.value : { diagnostics: r.diagnostics });
      return;
    }
    if (path === '/api/upload' && req.method === 'POST') return handleUpload(req, res, query);
    if (path === '/api/download/ticket' && req.method === 'POST') return issueDownloadTicket(res, query);
    sendJson(res, 404, problem('host.notFound', `There is no endpoint ${req.method ?? ''} ${path}; the contract is served over the WebSocket at /api/ws.`));
  }

  /** `/?launch=TICKET`, the URL a browser started by the host opens: once, it leads on to the page with the token. */
  function redeemLaunch(res: ServerResponse, ticket: string | null): void {
    if (launches.redeem(ticket)) {
      res.writeHead(303, securityHeaders({ Location: `/?token=${token}`, 'Cache-Control': 'no-store' }));
      res.end();
      return;
    }
    res.writeHead(401, securityHeaders({ 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }));
    res.end('This launch link works once and was already used (or has expired); open the URL the host printed when it started.\n');
  }

  const server: Server = createServer((req, res) => {
    const raw = req.url ?? '/';
    const [path = '/', queryText = ''] = raw.split('?', 2);
    const query = new URLSearchParams(queryText);
    if (!hostHeaderAllowed(req.headers.host, options.host)) {
      sendJson(res, 421, problem('host.badHost', `The Host header ${JSON.stringify(req.headers.host ?? '')} does not name this machine.`));
      return;
    }
    if (path === '/' && query.has('launch')) return redeemLaunch(res, query.get('launch'));
    const work = path === '/api' || path.startsWith('/api/') ? handleApi(req, res, path, query) : serveStatic(req, res, path);
    work.catch((e: unknown) => {
      log.error(`HTTP ${req.method} ${path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) sendJson(res, 500, problem('host.internal', `The request failed: ${e instanceof Error ? e.message : String(e)}.`));
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    const refuse = (status: number, text: string) => {
      log.warn(`Refused a WebSocket from ${socket.remoteAddress}: ${text}`);
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (path !== '/api/ws') return refuse(404, 'Not Found');
    if (!hostHeaderAllowed(req.headers.host, options.host)) return refuse(421, 'Misdirected Request');
    if (!tokenMatches(token, requestToken(req))) return refuse(401, 'Unauthorized');
    if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(403, 'Forbidden');
    const client = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('client');
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws, client));
  });

  /**
   * One WebSocket client. A tab names itself (`?client=`, kept across reloads and reconnects) so its
   * recovery file stays its own; without a valid name, each connection is a client of its own.
   */
  function connect(ws: WebSocket, requested: string | null): void {
    ++clientCounter;
    const clientId = requested && CLIENT_ID.test(requested) ? requested : `ws-${clientCounter}`;
    sockets.add(ws);
    services.context.projects.clientConnected(clientId, true);
    log.info(`WebSocket client ${clientId} connected`);
    const send = (message: HostMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    // The events every client hears, and those about this client's own work.
    const stopEvents = services.context.events.subscribe((event, payload) => send({ type: 'event', event, payload }), clientId);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        const diagnostics: Diagnostic[] = [
          { severity: 'error', code: 'api.message.binary', message: 'A binary message was refused; the contract is JSON text.' },
        ];
        log.warn(`Refused a message from ${clientId}: ${diagnostics[0]!.message}`);
        send({ type: 'event', event: 'host.protocolError', payload: { diagnostics } });
        return;
      }
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      // A frame larger than any request is refused from its first bytes (which name the method and id), never decoded whole.
      const text = bytes.length > LARGEST_REQUEST_BYTES ? bytes.subarray(0, 300).toString('utf8') : bytes.toString('utf8');
      const parsed = parseClientMessage(text, bytes.length);
      if (!parsed.ok) {
        log.warn(`Refused a message from ${clientId}: ${parsed.diagnostics.map((d) => d.message).join(' ')}`);
        if (parsed.id !== undefined) send({ type: 'response', id: parsed.id, ok: false, diagnostics: parsed.diagnostics });
        else send({ type: 'event', event: 'host.protocolError', payload: { diagnostics: parsed.diagnostics } });
        return;
      }
      void services.dispatch(parsed.method, parsed.params, { transport: 'web', clientId }).then((result) => {
        send(
          result.ok
            ? { type: 'response', id: parsed.id, ok: true, value: result.value, ...(result.diagnostics ? { diagnostics: result.diagnostics } : {}) }
            : { type: 'response', id: parsed.id, ok: false, diagnostics: result.diagnostics },
        );
      });
    });
    ws.on('close', () => {
      stopEvents();
      sockets.delete(ws);
      services.context.projects.clientConnected(clientId, false);
      log.info(`WebSocket client ${clientId} disconnected`);
    });
    ws.on('error', (e) => log.warn(`WebSocket client ${clientId}: ${e.message}`));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const urlHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : isIP(options.host) === 6 ? `[${options.host}]` : options.host;

  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    launchUrl: () => `http://${urlHost}:${port}/?launch=${launches.issue(true)}`,
    port,
    token,
    uploadDir,
    close: async () => {
      for (const socket of sockets) socket.close(1001, 'The host is shutting down.');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
