import { describe, expect, it } from 'vitest';
import { parseClientMessage } from './wire.js';

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
  });

  it('refuses a request over its method’s limit before parsing it, answering its id', () => {
    const text = `{"type":"request","id":12,"method":"project.open","params":{"path":"${'a'.repeat(2 * 1024 * 1024)}"}}`;
    expect(parseClientMessage(text)).toEqual({
      ok: false,
      id: 12,
      diagnostics: [
        {
          severity: 'error',
          code: 'api.message.tooLarge',
          message:
            "The request 'project.open' was refused: it may be at most 1 MiB and this one is 2 MiB. Large data goes by file: import or upload it, then pass its path.",
        },
      ],
    });
  });

  it('checks the limit after parsing when the fields come in another order', () => {
    const text = `{"params":{"path":"${'a'.repeat(1024 * 1024)}"},"id":3,"method":"project.open","type":"request"}`;
    const r = parseClientMessage(text);
    expect(r.ok ? 'accepted' : [r.id, r.diagnostics[0]!.code]).toEqual([3, 'api.message.tooLarge']);
  });

  it('refuses a message over the largest limit of any method without parsing it', () => {
    const r = parseClientMessage(`{"params":{},"x":"${'a'.repeat(9 * 1024 * 1024)}"}`);
    expect(r.ok ? 'accepted' : r.diagnostics[0]!.message).toBe(
      'A message of 9 MiB was refused: the largest request may be 8 MiB. Large data goes by file: import or upload it, then pass its path.',
    );
  });
});
