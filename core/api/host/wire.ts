/**
 * The WebSocket's wire format, host side (one JSON text frame per message): the UI sends
 * `{type:'request', id, method, params}`; the host answers `{type:'response', id, ok, value?,
 * diagnostics?}` and pushes `{type:'event', event, payload}`.
 */
import { z } from 'zod';
import type { Diagnostic } from '../../diagnostics.js';
import { formatBytes, quote } from '../../network/limits.js';
import { METHODS, protocolError } from '../contract.js';
import { isMethodName, type EventName } from '../names.js';
import { tooLargeMessage } from './validate.js';

export const MAX_REQUEST_ID = 2 ** 31 - 1;

export const ClientMessageSchema = z.strictObject({
  type: z.literal('request'),
  id: z.number().int().min(0).max(MAX_REQUEST_ID),
  method: z.string().max(200),
  params: z.unknown(),
});
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export type HostMessage =
  | { type: 'response'; id: number; ok: true; value: unknown; diagnostics?: Diagnostic[] }
  | { type: 'response'; id: number; ok: false; diagnostics: Diagnostic[] }
  | { type: 'event'; event: EventName; payload: unknown };

/** The largest request any method accepts: a bigger frame is refused before it is parsed. */
export const LARGEST_REQUEST_BYTES = Math.max(...Object.values(METHODS).map((m) => m.maxBytes));

/** The start of a request as the client's transport writes it, read without parsing the rest. */
const REQUEST_HEAD = /^\s*\{\s*"type"\s*:\s*"request"\s*,\s*"id"\s*:\s*(\d{1,10})\s*,\s*"method"\s*:\s*"([A-Za-z.]{1,100})"/;

type ParsedMessage = { ok: true; id: number; method: unknown; params: unknown } | { ok: false; id?: number; diagnostics: Diagnostic[] };

function tooLarge(method: string, id: number | undefined, bytes: number): ParsedMessage | undefined {
  if (!isMethodName(method) || bytes <= METHODS[method].maxBytes) return undefined;
  const diagnostics = [protocolError('api.message.tooLarge', tooLargeMessage(method, bytes))];
  return id === undefined || id > MAX_REQUEST_ID ? { ok: false, diagnostics } : { ok: false, id, diagnostics };
}

/**
 * Parses one text frame from a client, `bytes` long. Each method's size limit is checked before
 * the text is parsed when its start names the method (as the client writes it), so an oversized
 * request costs nothing. On failure `id` is the request id when it could be read, so the host can
 * answer that request instead of leaving it hanging.
 */
export function parseClientMessage(text: string, bytes = text.length): ParsedMessage {
  const head = REQUEST_HEAD.exec(text.slice(0, 300));
  const early = head ? tooLarge(head[2]!, Number(head[1]), bytes) : undefined;
  if (early) return early;
  if (bytes > LARGEST_REQUEST_BYTES) {
    const message = `A message of ${formatBytes(bytes)} was refused: the largest request may be ${formatBytes(LARGEST_REQUEST_BYTES)}. Large data goes by file: import or upload it, then pass its path.`;
    return { ok: false, diagnostics: [protocolError('api.message.tooLarge', message)] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, diagnostics: [protocolError('api.message.json', `A message was refused because it is not JSON: ${(e as Error).message}.`)] };
  }
  const parsed = ClientMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const id = typeof raw === 'object' && raw !== null && Number.isInteger((raw as { id?: unknown }).id) ? (raw as { id: number }).id : undefined;
    const message = `A message was refused: expected {"type":"request","id":<integer>,"method":<name>,"params":{...}}; found ${quote(raw)}.`;
    return id === undefined
      ? { ok: false, diagnostics: [protocolError('api.message.shape', message)] }
      : { ok: false, id, diagnostics: [protocolError('api.message.shape', message)] };
  }
  const late = tooLarge(parsed.data.method, parsed.data.id, bytes);
  if (late) return late;
  return { ok: true, id: parsed.data.id, method: parsed.data.method, params: parsed.data.params };
}
