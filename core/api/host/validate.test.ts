import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../../network/types.js';
import { METHOD_NAMES } from '../names.js';
import { findHostileContent, validateRequest, validateResult } from './validate.js';

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
      expect(r.diagnostics[0]!.message).toBe(
        `The request 'project.open' was refused: params.path: Too big: expected string to have <=4096 characters (found "${'a'.repeat(200)}"… (1000000 characters)).`,
      );
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
    expect(findHostileContent({ a: deep })?.message).toBe(
      'params.a[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0] is nested deeper than 32 levels; expected a flatter payload.',
    );
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

describe('the size limits', () => {
  it('refuses a request over its method’s size limit, naming the method and the limit, without a path per element', () => {
    const document = { ...emptyDocument('Big'), nodes: new Array(180_000).fill('x'.repeat(100)) };
    const r = validateRequest('network.check', { document });
    expect(r).toEqual({
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'api.message.tooLarge',
          message:
            "The request 'network.check' was refused: it may be at most 8 MiB and this one is larger than that. Large data goes by file: import or upload it, then pass its path.",
        },
      ],
    });
    const small = validateRequest('project.open', { path: '/a.trtstudio', extra: 'x'.repeat(2 * 1024 * 1024) });
    expect(small.ok ? 'accepted' : small.diagnostics[0]!.message).toBe(
      "The request 'project.open' was refused: it may be at most 1 MiB and this one is larger than that. Large data goes by file: import or upload it, then pass its path.",
    );
  });

  it('refuses a list longer than the shared item limit before any schema sees it', () => {
    const r = validateRequest('weights.stats', { setId: 'w1', names: new Array(200_001).fill(0) });
    expect(r.ok ? 'accepted' : r.diagnostics[0]!.message).toBe(
      "The request 'weights.stats' was refused: params.names is a list of 200001 entries; the limit is 200000.",
    );
  });
});
