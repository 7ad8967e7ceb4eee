import { describe, expect, it } from 'vitest';
import { emptyDocument } from './network/types.js';
import {
  EVENTS,
  METHOD_NAMES,
  METHODS,
  createHostApi,
  findHostileContent,
  parseClientMessage,
  validateRequest,
  validateResult,
  webSocketTransport,
  type HostTransport,
  type TextSocket,
} from './api.js';
import { EVENT_NAMES } from './api/names.js';

describe('the contract tables', () => {
  it('declare exactly the names the preload checks against', () => {
    expect(Object.keys(METHODS).sort()).toEqual([...METHOD_NAMES].sort());
    expect(Object.keys(EVENTS).sort()).toEqual([...EVENT_NAMES].sort());
  });
});

describe('validateRequest', () => {
  it('accepts a well-formed request and fills defaults', () => {
    const r = validateRequest('dialog.open', { purpose: 'weights' });
    expect(r).toEqual({ ok: true, value: { method: 'dialog.open', params: { purpose: 'weights', multiple: false } } });
  });

  it('accepts a whole document', () => {
    const r = validateRequest('network.check', { document: emptyDocument('Net') });
    expect(r.ok).toBe(true);
  });

  it('refuses an unknown method, quoting it', () => {
    const r = validateRequest('fs.deleteEverything', {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostics[0]!.code).toBe('api.method.unknown');
      expect(r.diagnostics[0]!.message).toBe(
        `The request method "fs.deleteEverything" is not part of the TRT Studio API; expected one of ${METHOD_NAMES.length} names such as 'project.open'.`,
      );
    }
  });

  it('refuses inherited names such as toString and __proto__ as methods', () => {
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      const r = validateRequest(name, {});
      expect(r.ok ? 'accepted' : r.diagnostics[0]!.code).toBe('api.method.unknown');
    }
  });

  it('refuses a wrong type with the path and the value found', () => {
    const r = validateRequest('project.open', { path: 42 });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.diagnostics[0]!.message).toBe(
        "The request 'project.open' was refused: params.path: Invalid input: expected string, received number (found 42).",
      );
  });

  it('refuses unknown fields instead of ignoring them', () => {
    const r = validateRequest('project.open', { path: '/a.trtstudio', extra: true });
    expect(r.ok ? 'accepted' : r.diagnostics[0]!.code).toBe('api.params.invalid');
  });

  it('refuses a huge string and does not echo it back whole', () => {
    const r = validateRequest('project.open', { path: 'a'.repeat(1_000_000) });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostics[0]!.message.length).toBeLessThan(300);
      expect(r.diagnostics[0]!.message).toContain('params.path: Too big');
    }
  });

  it('refuses prototype-pollution keys anywhere in the payload', () => {
    const doc = JSON.parse(`{"document": ${JSON.stringify(emptyDocument())}}`);
    doc.document.bindings = JSON.parse('{"n1": {"__proto__": {"polluted": 1}}}');
    const r = validateRequest('network.check', doc);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.diagnostics[0]!.message).toBe(
        `The request 'network.check' was refused: params.document.bindings.n1 has the key "__proto__", which is refused; rename the field.`,
      );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const c = validateRequest('settings.update', JSON.parse('{"patch": {"constructor": {"prototype": {"x": 1}}}}'));
    expect(c.ok ? 'accepted' : c.diagnostics[0]!.code).toBe('api.params.refused');
  });

  it('refuses deeply nested payloads', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(findHostileContent({ a: deep })).toMatch(/nested deeper than 32 levels/);
    const r = validateRequest('project.open', { path: deep });
    expect(r.ok ? 'accepted' : r.diagnostics[0]!.code).toBe('api.params.refused');
  });

  it('does not let the UI widen the allowed roots through settings', () => {
    const r = validateRequest('settings.update', { patch: { allowedRoots: ['/'] } });
    expect(r.ok ? 'accepted' : r.diagnostics[0]!.code).toBe('api.params.invalid');
  });

  it('refuses paths with NUL characters', () => {
    const r = validateRequest('project.open', { path: '/tmp/a\0.trtstudio' });
    expect(r.ok ? 'accepted' : r.diagnostics[0]!.message).toContain('must not contain a NUL character');
  });
});

describe('validateResult', () => {
  it('catches a service returning the wrong shape', () => {
    const r = validateResult('jobs.cancel', { status: 'exploded' });
    expect(r.ok ? 'accepted' : r.diagnostics[0]!.code).toBe('api.result.invalid');
  });
});

describe('parseClientMessage', () => {
  it('reads a request', () => {
    expect(parseClientMessage('{"type":"request","id":7,"method":"settings.get","params":{}}')).toEqual({
      ok: true,
      id: 7,
      method: 'settings.get',
      params: {},
    });
  });
  it('keeps the id of a malformed request so it can be answered', () => {
    const r = parseClientMessage('{"type":"request","id":9,"method":5}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.id).toBe(9);
  });
  it('refuses text that is not JSON and oversized text', () => {
    const a = parseClientMessage('{nope');
    expect(a.ok ? 'accepted' : a.diagnostics[0]!.code).toBe('api.message.json');
    const b = parseClientMessage('x'.repeat(101), 100);
    expect(b.ok ? 'accepted' : b.diagnostics[0]!.message).toBe('A message of 101 characters was refused; the limit is 100.');
  });
});

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
