import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createHostApi, followJob, type HostApi } from '../../core/api/client.js';
import type { JobProgress, RunResult } from '../../core/api/job-schemas.js';
import { webSocketTransport, type TextSocket } from '../../core/api/transports.js';
import { ok } from '../../core/diagnostics.js';
import { emptyDocument } from '../../core/network/types.js';
import { createHostServices, type HostServices } from '../services/host-services.js';
import { memoryLog } from '../services/log.js';
import type { ServiceModule } from '../services/service-types.js';
import { startWebHost, type WebHost } from './server.js';

/**
 * A test-only slow job, plugged in the way a real service plugs in: it counts to 200 in 10 ms steps,
 * reporting progress, and stops when cancelled.
 */
const slowRunModule: ServiceModule = {
  name: 'test slow run',
  handlers: (ctx) => ({
    'run.start': () => {
      const job = ctx.jobs.start({ kind: 'run', title: 'Counting slowly', exclusive: 'engine-host' }, async (handle) => {
        for (let i = 1; i <= 200; i++) {
          if (handle.signal.aborted) break;
          await new Promise((r) => setTimeout(r, 10));
          handle.progress({ phase: 'Counting', fraction: i / 200, step: { index: i, total: 200 } });
        }
        const result: RunResult = { engineId: 'e1', backend: 'onnxruntime', images: [], comparisons: [] };
        return ok(result);
      });
      return ok({ jobId: job.id });
    },
  }),
};

let dir: string;
let services: HostServices;
let host: WebHost;
let base: string;
const log = memoryLog();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-webhost-'));
  const renderer = join(dir, 'renderer');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>TRT Studio</title><script type="module" src="/assets/app.js"></script>');
  await writeFile(join(renderer, 'assets', 'app.js'), 'console.log("app");');
  await writeFile(join(renderer, 'assets', 'style.css'), 'body{}');
  await writeFile(join(dir, 'package.json'), '{"secret": "SECRET-OUTSIDE"}');
  await mkdir(join(dir, 'work'));
  services = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config'), log, roots: [join(dir, 'work')], extraModules: [slowRunModule] });
  host = await startWebHost({ services, port: 0, host: '127.0.0.1', rendererDir: renderer });
  base = `http://127.0.0.1:${host.port}`;
});

afterAll(async () => {
  await host.close();
  await services.shutdown();
  await rm(dir, { recursive: true, force: true });
});

/** Sends a request line exactly as written (fetch and http.request would normalise `..`). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(host.port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d.toString('utf8')));
    socket.on('end', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body, headers: head });
    });
    socket.on('error', reject);
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n${extra}\r\n`);
  });
}

function openSocket(query: string, headers: Record<string, string> = {}): Promise<{ socket?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/api/ws${query}`, { headers });
    socket.on('open', () => resolve({ socket }));
    socket.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    socket.on('error', () => resolve({}));
  });
}

async function client(name?: string): Promise<{ api: HostApi; socket: WebSocket; frames: unknown[] }> {
  const { socket } = await openSocket(`?token=${host.token}${name ? `&client=${name}` : ''}`, { Origin: `http://127.0.0.1:${host.port}` });
  if (!socket) throw new Error('The WebSocket did not open.');
  const frames: unknown[] = [];
  socket.on('message', (d) => frames.push(JSON.parse(d.toString())));
  return { api: createHostApi(webSocketTransport(socket as unknown as TextSocket), 'web'), socket, frames };
}

describe('the token', () => {
  it('is required by the HTTP API (401 without or with a wrong one)', async () => {
    expect((await fetch(`${base}/api/capabilities`)).status).toBe(401);
    expect((await fetch(`${base}/api/capabilities?token=wrong`)).status).toBe(401);
    expect((await fetch(`${base}/api/capabilities`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
    const body = (await (await fetch(`${base}/api/capabilities`)).json()) as { diagnostics: { code: string }[] };
    expect(body.diagnostics[0]!.code).toBe('host.unauthorized');
  });

  it('opens the HTTP API as a Bearer header or a query parameter', async () => {
    const a = await fetch(`${base}/api/capabilities`, { headers: { Authorization: `Bearer ${host.token}` } });
    expect(a.status).toBe(200);
    const caps = (await a.json()) as { host: string; backends: { id: string; available: boolean }[]; nativeDialogs: boolean };
    expect(caps.host).toBe('web');
    expect(caps.nativeDialogs).toBe(false);
    expect(caps.backends.map((b) => b.id)).toEqual(['tensorrt', 'onnxruntime']);
    expect((await fetch(`${base}/api/capabilities?token=${host.token}`)).status).toBe(200);
  });

  it('is required by the WebSocket', async () => {
    expect((await openSocket('')).status).toBe(401);
    expect((await openSocket('?token=wrong')).status).toBe(401);
  });

  it('opens the WebSocket as a Bearer header too (for clients that are not browsers)', async () => {
    const { socket } = await openSocket('', { Authorization: `Bearer ${host.token}` });
    expect(socket?.readyState).toBe(WebSocket.OPEN);
    const api = createHostApi(webSocketTransport(socket as unknown as TextSocket), 'web');
    const caps = await api.call('host.capabilities', {});
    expect(caps.ok && caps.value.host).toBe('web');
    socket?.close();
    expect((await openSocket('', { Authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('is printed in the URL', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe('the WebSocket origin and the Host header', () => {
  it('refuses another origin even with the token', async () => {
    expect((await openSocket(`?token=${host.token}`, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await openSocket(`?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port + 1}` })).status).toBe(403);
  });

  it('accepts the page’s own origin', async () => {
    const { socket } = await openSocket(`?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port}` });
    expect(socket?.readyState).toBe(WebSocket.OPEN);
    socket?.close();
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await new Promise<number>((resolve) => {
      const socket = connect(host.port, '127.0.0.1');
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('end', () => resolve(Number(data.split(' ')[1])));
      socket.write(`GET /api/capabilities?token=${host.token} HTTP/1.1\r\nHost: evil.example:${host.port}\r\nConnection: close\r\n\r\n`);
    });
    expect(r).toBe(421);
  });
});

describe('static files', () => {
  it('serves the app with its content types and a CSP without inline or remote scripts', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|http)/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${base}/assets/style.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('falls back to index.html for app routes and answers 404 for missing assets', async () => {
    const route = await fetch(`${base}/projects/resnet`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>TRT Studio</title>');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('refuses path traversal in every spelling', async () => {
    const attempts = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/%2e%2e%2fpackage.json',
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/..%5cpackage.json',
      '/%252e%252e/package.json',
      '/assets/..%00/package.json',
      '/%c0%ae%c0%ae/package.json',
    ];
    for (const path of attempts) {
      const r = await rawGet(path);
      expect(r.body, path).not.toContain('SECRET-OUTSIDE');
      expect([400, 403, 404], `${path} answered ${r.status}`).toContain(r.status);
    }
    expect((await rawGet('/../package.json')).status).toBe(403);
  });
});

describe('the contract over the WebSocket', () => {
  it('answers a real request', async () => {
    const { api, socket } = await client();
    const doc = emptyDocument('Tiny');
    doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 3, 8, 8] });
    const r = await api.call('network.check', { document: doc });
    expect(r.ok && r.value.nodes['in']?.outputs['output']).toEqual({ dims: [1, 3, 8, 8], dtype: 'FLOAT' });
    socket.close();
  });

  it('keeps a tab’s own client name, so its recovery file survives a reconnect', async () => {
    const first = await client('tab-1');
    await first.api.call('project.autosave', { document: emptyDocument('Tab one'), projectPath: null });
    first.socket.close();
    const again = await client('tab-1');
    await again.api.call('project.autosave', { document: emptyDocument('Tab one, later'), projectPath: null });
    await services.context.projects.flushAutosave();
    expect(services.context.projects.unsavedWork().map((w) => [w.client, w.name])).toEqual([['tab-1', 'Tab one, later']]);
    await again.api.call('project.discardAutosave', {});
    again.socket.close();
  });

  it('tells each tab how its own autosave went, and no other tab', async () => {
    const a = await client('tab-a');
    const b = await client('tab-b');
    const heardByA: string[] = [];
    const heardByB: string[] = [];
    a.api.on('project.autosaved', (e) => heardByA.push(e.client));
    b.api.on('project.autosaved', (e) => heardByB.push(e.client));
    await a.api.call('project.autosave', { document: emptyDocument('Tab A'), projectPath: null });
    await services.context.projects.flushAutosave();
    await b.api.call('project.autosave', { document: emptyDocument('Tab B'), projectPath: null });
    await services.context.projects.flushAutosave();
    // A request after the events makes sure both sockets have delivered what they were sent.
    await Promise.all([a.api.call('project.discardAutosave', {}), b.api.call('project.discardAutosave', {})]);
    expect(heardByA).toEqual(['tab-a']);
    expect(heardByB).toEqual(['tab-b']);
    a.socket.close();
    b.socket.close();
  });

  it('refuses malformed and hostile messages with a Diagnostic, and logs them', async () => {
    const { socket, frames } = await client();
    socket.send('{not json');
    socket.send(JSON.stringify({ type: 'request', id: 1, method: 'fs.rm', params: {} }));
    socket.send('{"type":"request","id":2,"method":"settings.update","params":{"patch":{"__proto__":{"admin":true}}}}');
    socket.send(JSON.stringify({ type: 'request', id: 3, method: 'project.open', params: { path: 'x'.repeat(100_000) } }));
    socket.send(Buffer.from([1, 2, 3]));
    await new Promise((r) => setTimeout(r, 300));
    const byId = (id: number) => frames.find((f) => (f as { id?: number }).id === id) as { ok: boolean; diagnostics: { code: string }[] };
    expect(byId(1).diagnostics[0]!.code).toBe('api.method.unknown');
    expect(byId(2).diagnostics[0]!.code).toBe('api.params.refused');
    expect(byId(3).diagnostics[0]!.code).toBe('api.params.invalid');
    const protocolErrors = frames.filter((f) => (f as { event?: string }).event === 'host.protocolError') as { payload: { diagnostics: { code: string }[] } }[];
    expect(protocolErrors.map((f) => f.payload.diagnostics[0]!.code)).toEqual(['api.message.json', 'api.message.binary']);
    expect(log.lines.filter((l) => l.startsWith('warn Refused')).length).toBeGreaterThanOrEqual(5);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    socket.close();
  });

  it('runs a job with progress events and cancels it by id', async () => {
    const { api, socket } = await client();
    const started = await api.call('run.start', {
      engineIds: ['e1'],
      images: [{ path: '/x.png', preprocessing: { preset: 'mnist', width: 28, height: 28, channels: 1, mean: [0], std: [1] } }],
    });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const progress: JobProgress[] = [];
    let cancelled = false;
    const finished = await followJob(api, started.value.jobId, (p) => {
      progress.push(p);
      if (progress.length === 3 && !cancelled) {
        cancelled = true;
        void api.call('jobs.cancel', { jobId: started.value.jobId }).then((r) => expect(r).toEqual({ ok: true, value: { status: 'running' } }));
      }
    });
    expect(finished.status).toBe('cancelled');
    expect(finished.kind).toBe('run');
    expect(finished.diagnostics).toEqual([{ severity: 'info', code: 'job.cancelled', message: 'The run was cancelled.' }]);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.length).toBeLessThan(50);
    const fractions = progress.map((p) => p.fraction ?? 0);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    const jobs = await api.call('jobs.list', {});
    expect(jobs).toEqual({ ok: true, value: { jobs: [] } });
    socket.close();
  });

  it('queues a second job on the same engine host and cancels it before it starts', async () => {
    const { api, socket } = await client();
    const params = {
      engineIds: ['e1'],
      images: [{ path: '/x.png', preprocessing: { preset: 'mnist' as const, width: 28, height: 28, channels: 1 as const, mean: [0], std: [1] } }],
    };
    const a = await api.call('run.start', params);
    const b = await api.call('run.start', params);
    if (!a.ok || !b.ok) throw new Error('jobs did not start');
    const listed = await api.call('jobs.list', {});
    expect(listed.ok && listed.value.jobs.map((j) => [j.id, j.status])).toEqual([
      [a.value.jobId, 'running'],
      [b.value.jobId, 'queued'],
    ]);
    const second = followJob(api, b.value.jobId);
    expect(await api.call('jobs.cancel', { jobId: b.value.jobId })).toEqual({ ok: true, value: { status: 'queued' } });
    expect((await second).diagnostics[0]!.message).toBe('The run was cancelled before it started.');
    const first = followJob(api, a.value.jobId);
    await api.call('jobs.cancel', { jobId: a.value.jobId });
    expect((await first).status).toBe('cancelled');
    socket.close();
  });
});

describe('upload', () => {
  it('stores a dropped file in the per-launch folder under a harmless name', async () => {
    const r = await fetch(`${base}/api/upload?name=${encodeURIComponent('../../evil name?.wts')}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${host.token}` },
      body: '1\nw 1 3f800000\n',
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { path: string; name: string; bytes: number };
    expect(body.name).toBe('evil name_.wts');
    expect(body.bytes).toBe(15);
    expect(body.path.startsWith(host.uploadDir)).toBe(true);
    expect(await readFile(body.path, 'utf8')).toBe('1\nw 1 3f800000\n');
    // Uploads keep their names in one folder; a second file of the same name gets a numbered one.
    expect(body.path).toBe(join(host.uploadDir, 'evil name_.wts'));
    const again = async () =>
      (
        (await (
          await fetch(`${base}/api/upload?name=${encodeURIComponent('evil name?.wts')}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${host.token}` },
            body: 'x',
          })
        ).json()) as { path: string; name: string }
      ).name;
    expect([await again(), await again()]).toEqual(['evil name_ (2).wts', 'evil name_ (3).wts']);
    expect(await readFile(body.path, 'utf8')).toBe('1\nw 1 3f800000\n');
    // The upload folder is browsable (it is an allowed root), after the real folders, and never a place to save into.
    const { api, socket } = await client();
    const roots = await api.call('files.roots', {});
    expect(roots.ok && roots.value.roots.map((x) => x.label)).toEqual(['work', 'Uploads (temporary)']);
    const into = join(host.uploadDir, 'saved.trtstudio');
    const saved = await api.call('project.save', { path: into, document: emptyDocument('Lost') });
    expect(saved).toEqual({
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'files.temporary',
          message: `Cannot write ${JSON.stringify(into)}: ${host.uploadDir} is a temporary folder that is deleted when the host stops; save into a real folder such as ${join(dir, 'work')}, or download the file.`,
        },
      ],
    });
    socket.close();
  });

  it('needs the token and refuses a body over the limit', async () => {
    expect((await fetch(`${base}/api/upload?name=a.wts`, { method: 'POST', body: 'x' })).status).toBe(401);
    await services.context.settings.update({ uploadLimitMiB: 1 });
    const big = new Uint8Array(2 * 1024 * 1024);
    const r = await fetch(`${base}/api/upload?name=big.wts&token=${host.token}`, { method: 'POST', body: big }).catch((e: Error) => e);
    if (!(r instanceof Response)) throw new Error(`The oversized upload got no answer: ${r.message}`);
    expect(r.status).toBe(413);
    const body = (await r.json()) as { diagnostics: { code: string }[] };
    expect(body.diagnostics[0]!.code).toBe('upload.tooLarge');
    expect((await readdir(host.uploadDir, { recursive: true })).filter((n) => n.endsWith('big.wts'))).toEqual([]);
    await services.context.settings.update({ uploadLimitMiB: 4096 });
  });
});

/** Asks for a download ticket with the token in a header, as the page does. */
async function ticketFor(path: string | undefined): Promise<Response> {
  const query = path === undefined ? '' : `?path=${encodeURIComponent(path)}`;
  return fetch(`${base}/api/download/ticket${query}`, { method: 'POST', headers: { Authorization: `Bearer ${host.token}` } });
}

describe('upload quota', () => {
  it('refuses an upload that would take the uploads of this launch over the quota, naming it', async () => {
    const quotaServices = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config-quota'), log, modules: [] });
    const small = await startWebHost({ services: quotaServices, port: 0, host: '127.0.0.1', rendererDir: join(dir, 'renderer'), uploadQuotaBytes: 40 });
    try {
      const upload = (body: string, name: string) =>
        fetch(`http://127.0.0.1:${small.port}/api/upload?name=${name}`, { method: 'POST', headers: { Authorization: `Bearer ${small.token}` }, body });
      expect((await upload('x'.repeat(30), 'a.wts')).status).toBe(200);
      const r = await upload('y'.repeat(20), 'b.wts');
      expect(r.status).toBe(413);
      expect(await r.json()).toEqual({
        diagnostics: [
          {
            severity: 'error',
            code: 'upload.quota',
            message:
              "The upload of 20 bytes was refused: this launch's uploads would total 50 bytes, over the quota of 40 bytes for all uploads of one launch. Restart the host to empty its upload folder, or pass the file's path on the host instead.",
          },
        ],
      });
      // Without a Content-Length the count stops the copy at the quota; nothing of it stays.
      const streamed = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(20));
          controller.close();
        },
      });
      const chunked = await fetch(`http://127.0.0.1:${small.port}/api/upload?name=c.wts`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${small.token}` },
        body: streamed,
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(((await chunked.json()) as { diagnostics: { code: string }[] }).diagnostics[0]!.code).toBe('upload.quota');
      expect((await readdir(small.uploadDir, { recursive: true })).filter((n) => n.endsWith('.wts')).map((n) => n.split(/[\\/]/).pop())).toEqual(['a.wts']);
      // A refused upload does not count: 10 more bytes still fit.
      expect((await upload('z'.repeat(10), 'd.wts')).status).toBe(200);
    } finally {
      await small.close();
      await quotaServices.shutdown();
    }
  });
});

describe('download', () => {
  it('hands a file inside the allowed folders to the browser as an attachment, byte for byte, through a one-time ticket', async () => {
    const bytes = Buffer.from([0x08, 0x07, 0x12, 0x00, 0xff, 0x80, 0x0a, 0x0d]);
    const file = join(dir, 'work', 'model é.onnx');
    await writeFile(file, bytes);
    const issued = await ticketFor(file);
    expect(issued.status).toBe(200);
    const { ticket, url } = (await issued.json()) as { ticket: string; url: string };
    expect(url).toBe(`/api/download?ticket=${ticket}`);
    expect(url).not.toContain(host.token);
    // No token with the download itself.
    const r = await fetch(`${base}${url}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="model _.onnx"; filename*=UTF-8''model%20%C3%A9.onnx`);
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await r.arrayBuffer())).toEqual(bytes);
    // The ticket works once.
    const again = await fetch(`${base}${url}`);
    expect(again.status).toBe(404);
    expect(((await again.json()) as { diagnostics: { code: string; message: string }[] }).diagnostics[0]).toMatchObject({
      code: 'download.ticket',
      message: 'This download link is not valid: each link works once, within 60 seconds. Start the download again in TRT Studio.',
    });
  });

  it('needs the token for a ticket, and a ticket (not a path, not the token) for the download', async () => {
    const file = join(dir, 'work', 'model é.onnx');
    expect((await fetch(`${base}/api/download/ticket?path=${encodeURIComponent(file)}`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${base}/api/download?path=${encodeURIComponent(file)}&token=${host.token}`)).status).toBe(404);
    expect((await fetch(`${base}/api/download?ticket=made-up`)).status).toBe(404);
  });

  it('refuses files outside the allowed folders the same way whether they exist or not, also through ..', async () => {
    const answers: unknown[] = [];
    for (const path of [join(dir, 'package.json'), `${join(dir, 'work')}/../package.json`, join(dir, 'no-such-file.json'), '/no/such/folder/file']) {
      const r = await ticketFor(path);
      const body = (await r.json()) as { diagnostics: { code: string; message: string }[] };
      expect(JSON.stringify(body)).not.toContain('SECRET-OUTSIDE');
      answers.push([r.status, body.diagnostics[0]!.code, body.diagnostics[0]!.message.replace(JSON.stringify(path), 'PATH')]);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual([403, 'files.outsideRoots', expect.stringMatching(/^The path PATH is outside the folders TRT Studio may access;/)]);
  });

  it('answers 404 for a missing file or a folder inside the roots and 400 without a path, with a clear message', async () => {
    const missing = join(dir, 'work', 'nothing.onnx');
    let r = await ticketFor(missing);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { diagnostics: { message: string }[] }).diagnostics[0]!.message).toBe(
      `Cannot open ${JSON.stringify(missing)}: it does not exist.`,
    );
    r = await ticketFor(join(dir, 'work'));
    expect(r.status).toBe(404);
    expect(((await r.json()) as { diagnostics: { message: string }[] }).diagnostics[0]!.message).toBe(
      `${JSON.stringify(join(dir, 'work'))} is a folder; only files can be downloaded.`,
    );
    r = await ticketFor(undefined);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { diagnostics: { code: string }[] }).diagnostics[0]!.code).toBe('download.noPath');
  });
});

describe('tokens', () => {
  it('reads the Authorization scheme in any case (RFC 7235)', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER'])
      expect((await fetch(`${base}/api/capabilities`, { headers: { Authorization: `${scheme} ${host.token}` } })).status).toBe(200);
    expect((await fetch(`${base}/api/capabilities`, { headers: { Authorization: `Basic ${host.token}` } })).status).toBe(401);
  });

  it('opens the page for a browser it started through a one-time launch URL without the token', async () => {
    const launch = host.launchUrl();
    expect(launch).toMatch(new RegExp(`^${base}/\\?launch=[A-Za-z0-9_-]{22}$`));
    expect(launch).not.toContain(host.token);
    const r = await fetch(launch, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/?token=${host.token}`);
    const again = await fetch(launch, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(await again.text()).toBe('This launch link works once and was already used (or has expired); open the URL the host printed when it started.\n');
  });
});
