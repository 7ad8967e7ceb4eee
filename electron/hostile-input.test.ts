/**
 * The hostile-input corpus through the CLI and the web host (HTTP and WebSocket): every case ends
 * in its exact refusal, and none in an internal error or a stack trace. The Electron cases run in
 * main.test.ts, under the stand-in electron module.
 */
import { request } from 'node:http';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runCli } from './cli/main.js';
import { allHostileCases, expandCase, FIXTURES_DIR, HOSTILE_DIR, hostileCases, internalErrorIn, type Placeholders } from './hostile-corpus.testing.js';
import { startWebHost, type WebHost } from './host/server.js';
import { createHostServices, type HostServices } from './services/host-services.js';
import { memoryLog } from './services/log.js';

let dir: string;
let services: HostServices;
let host: WebHost;
let socket: WebSocket;
const frames: {
  type: string;
  id?: number;
  event?: string;
  payload?: { jobId?: string; diagnostics?: unknown[] };
  ok?: boolean;
  value?: unknown;
  diagnostics?: unknown[];
}[] = [];
let places: Placeholders;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-hostile-'));
  await mkdir(join(dir, 'renderer'));
  const lenet5 = join(dir, 'lenet5.trtstudio');
  if ((await runCli(['template', 'lenet5', '-o', lenet5], { out: () => undefined, err: () => undefined })) !== 0) throw new Error('No lenet5 project.');
  services = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config'), log: memoryLog(), roots: [HOSTILE_DIR, FIXTURES_DIR] });
  host = await startWebHost({ services, port: 0, host: '127.0.0.1', rendererDir: join(dir, 'renderer') });
  socket = new WebSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${host.token}`, { headers: { Origin: `http://127.0.0.1:${host.port}` } });
  socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as (typeof frames)[number]));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  places = {
    lenet5,
    token: host.token,
    roots: services.context.files
      .listRoots()
      .map((r) => r.path)
      .join(', '),
  };
});

afterAll(async () => {
  socket?.close();
  await host?.close();
  await services?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

async function until<T>(find: () => T | undefined): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}

function httpRequest(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let nextId = 1;

describe('the hostile-input corpus', () => {
  it('gives every case a unique id, where it came from, and an exact expectation', () => {
    const cases = allHostileCases();
    expect(cases.length).toBeGreaterThan(20);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      expect([c.id, c.source.length > 10]).toEqual([c.id, true]);
      const expected = c.entry === 'cli' ? c.expect.stderr : c.expect.message;
      expect([c.id, expected.length > 20, internalErrorIn(expected)]).toEqual([c.id, true, undefined]);
    }
  });

  it('recognises an internal error or a stack trace in an answer', () => {
    expect(internalErrorIn("'images.preview' failed unexpectedly: Array buffer allocation failed.")).toBe('an internal error');
    expect(internalErrorIn('{"code":"host.internal"}')).toBe('an internal error');
    expect(internalErrorIn('internal error: Maximum call stack size exceeded')).toBe('an internal error');
    expect(internalErrorIn('RangeError: x\n    at decodeBmp (/app/electron/services/images.ts:80:17)')).toBe('a stack trace');
    expect(internalErrorIn("'a.wts' line 2: value 2 of tensor 'a' is '3f8', not a hexadecimal float32 (exactly 8 hex digits, e.g. 3f800000).")).toBeUndefined();
  });

  for (const raw of hostileCases('cli'))
    it(`trt-studio ${raw.args[0]}${raw.args[0] === 'weights' ? ` ${raw.args[1]}` : ''}: ${raw.id}`, async () => {
      const c = expandCase(raw, places);
      const out: string[] = [];
      const err: string[] = [];
      const exitCode = await runCli(c.args, { out: (t) => out.push(t), err: (t) => err.push(t) });
      expect(internalErrorIn([...out, ...err].join('\n'))).toBeUndefined();
      expect({ exitCode, stderr: err.join('\n') }).toEqual(c.expect);
    });

  for (const raw of hostileCases('http'))
    it(`HTTP ${raw.method} ${raw.path.split('?')[0]}: ${raw.id}`, async () => {
      const c = expandCase(raw, places);
      const auth: Record<string, string> = (c.auth ?? 'bearer') === 'bearer' ? { Authorization: `Bearer ${host.token}` } : {};
      const { status, text } = await httpRequest(c.method, c.path, { ...auth, ...c.headers }, c.body);
      expect(internalErrorIn(text)).toBeUndefined();
      const first = (JSON.parse(text) as { diagnostics: { code: string; message: string }[] }).diagnostics[0];
      expect({ status, code: first?.code, message: first?.message }).toEqual(c.expect);
    });

  for (const raw of hostileCases('ws'))
    it(`WebSocket ${raw.method}: ${raw.id}`, async () => {
      const c = expandCase(raw, places);
      const id = nextId++;
      socket.send(JSON.stringify({ type: 'request', id, method: c.method, params: c.params }));
      const response = await until(() => frames.find((f) => f.type === 'response' && f.id === id));
      let diagnostics = response.diagnostics;
      const jobId = response.ok ? (response.value as { jobId?: string }).jobId : undefined;
      if (jobId !== undefined) {
        const finished = await until(() => frames.find((f) => f.event === 'job.finished' && f.payload?.jobId === jobId));
        diagnostics = finished.payload?.diagnostics;
      }
      expect(internalErrorIn(JSON.stringify(diagnostics ?? []))).toBeUndefined();
      const first = diagnostics?.[0] as { code: string; message: string } | undefined;
      expect({ code: first?.code, message: first?.message }).toEqual(c.expect);
    });
});
