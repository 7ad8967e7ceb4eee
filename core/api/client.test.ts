import { describe, expect, it } from 'vitest';
import { createHostApi, type HostTransport } from './client.js';
import { webSocketTransport, type TextSocket } from './transports.js';

describe('createHostApi', () => {
  it('types results, drops malformed events and turns transport failure into a Diagnostic', async () => {
    let emit: (event: string, payload: unknown) => void = () => {};
    const transport: HostTransport = {
      request: async (method) => {
        if (method === 'jobs.cancel') throw new Error('socket closed');
        return { ok: true, value: { status: 'cancelled' } };
      },
      subscribe: (l) => ((emit = l), () => {}),
    };
    const api = createHostApi(transport, 'web');
    const seen: unknown[] = [];
    api.on('menu.command', (p) => seen.push(p.command));
    emit('menu.command', { command: 'file.save' });
    emit('menu.command', { command: 'rm -rf' });
    emit('no.such.event', {});
    expect(seen).toEqual(['file.save']);
    const r = await api.call('jobs.cancel', { jobId: 'j1' });
    expect(r).toEqual({
      ok: false,
      diagnostics: [{ severity: 'error', code: 'host.disconnected', message: "The request 'jobs.cancel' could not reach the host: socket closed." }],
    });
  });

  it('matches responses to requests by id over a text socket', async () => {
    const sent: string[] = [];
    const handlers: Record<string, ((e: { data: unknown }) => void)[]> = { message: [], open: [], close: [] };
    const socket: TextSocket = {
      readyState: 1,
      send: (t) => sent.push(t),
      addEventListener: ((type: string, l: (e: { data: unknown }) => void) => handlers[type]!.push(l)) as TextSocket['addEventListener'],
    };
    const api = createHostApi(webSocketTransport(socket), 'web');
    const a = api.call('settings.get', {});
    const b = api.call('jobs.list', {});
    const [ra, rb] = sent.map((t) => JSON.parse(t) as { id: number; method: string });
    expect([ra!.method, rb!.method]).toEqual(['settings.get', 'jobs.list']);
    handlers.message!.forEach((l) => l({ data: JSON.stringify({ type: 'response', id: rb!.id, ok: true, value: { jobs: [] } }) }));
    handlers.message!.forEach((l) =>
      l({ data: JSON.stringify({ type: 'response', id: ra!.id, ok: false, diagnostics: [{ severity: 'error', code: 'x', message: 'No.' }] }) }),
    );
    expect(await b).toEqual({ ok: true, value: { jobs: [] } });
    expect(await a).toEqual({ ok: false, diagnostics: [{ severity: 'error', code: 'x', message: 'No.' }] });
  });
});
