/**
 * Every bound on what TRT Studio accepts, in one place: the project loader and the API contract both
 * read these, so a file the loader opens is always a document the API accepts, and a refusal names
 * the same limit whichever way the data came in. With them, the one walk that enforces nesting and
 * size before anything recursive touches the data, and the quoting that keeps messages short.
 */

/** Deepest nesting accepted in a payload or a project file; a document nests about 6 deep. */
export const MAX_DEPTH = 32;
/** Longest file path. */
export const MAX_PATH_LENGTH = 4096;
/** Longest name (network, layer, input, output, group, weight tensor). */
export const MAX_NAME_LENGTH = 1024;
/** Longest id (node, edge, input) and the longest port, parameter or layer-type name. */
export const MAX_ID_LENGTH = 256;
/** Longest free text (a message, a string parameter). */
export const MAX_TEXT_LENGTH = 64 * 1024;
/** Most entries in one list (nodes, edges, inputs, outputs, groups, names). */
export const MAX_ITEMS = 200_000;
/** Longest list-valued layer parameter. */
export const MAX_PARAM_LIST = 4096;
/** Most dimensions of a tensor (TensorRT's Dims::MAX_DIMS). */
export const MAX_DIMS = 8;
/** Most JSON values (numbers, strings, lists, objects...) in one payload; a 2,000-layer document has about 41,000. */
export const MAX_VALUES = 2_000_000;

/** Most block definitions in one project, and most exposed parameters and computed values of one block. */
export const MAX_BLOCKS = 1000;
export const MAX_BLOCK_PARAMS = 64;
/** Most copies of one repeated block instance (ResNet-152's deepest stage has 36). */
export const MAX_REPEAT = 1000;

/** A request without a document (open a file, start a job) is small: large data goes by file. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/**
 * A request carrying a network document or a file the UI made: a 2,000-layer document is about
 * 0.5 MiB. Parsing 8 MiB of the worst shape (two million one-element lists) takes the web host to a
 * peak RSS near 450 MB (memory.test.ts); a larger limit would pass 500 MB.
 */
export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;
/** The transport's ceiling: a WebSocket frame above it closes the connection; below it, each method's own limit answers. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** A project file on disk: a document at MAX_DOCUMENT_BYTES, pretty-printed, fits. */
export const MAX_PROJECT_BYTES = 32 * 1024 * 1024;

/** Keys that could reach an object's prototype if a handler ever merged a payload into an object. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** The most characters of a bad value a message quotes. */
export const MAX_QUOTE_LENGTH = 200;

/** A byte count as people read it: `512 bytes`, `1.5 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
}

/**
 * A value quoted for a message: JSON, at most MAX_QUOTE_LENGTH characters, ending in an ellipsis and
 * the full size when cut. Never serialises more than it shows, so a 50 MB value costs nothing.
 */
export function quote(value: unknown): string {
  if (typeof value === 'string') {
    if (value.length <= MAX_QUOTE_LENGTH) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, MAX_QUOTE_LENGTH))}… (${value.length} characters)`;
  }
  const out = { text: '', full: true };
  preview(value, out, 0);
  if (out.full) return out.text;
  const size = Array.isArray(value) ? ` (${value.length} items)` : isRecord(value) ? ` (${Object.keys(value).length} keys)` : '';
  return `${out.text.slice(0, MAX_QUOTE_LENGTH)}…${size}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Writes JSON into `out.text` until it holds MAX_QUOTE_LENGTH characters, then stops (`out.full` false). */
function preview(value: unknown, out: { text: string; full: boolean }, depth: number): void {
  const room = () => out.text.length < MAX_QUOTE_LENGTH;
  if (!room()) {
    out.full = false;
    return;
  }
  if (typeof value === 'string') {
    const shown = value.slice(0, MAX_QUOTE_LENGTH - out.text.length + 1);
    out.text += JSON.stringify(shown);
    if (shown.length < value.length) out.full = false;
    return;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') {
    out.text += Number.isFinite(value) || typeof value !== 'number' ? JSON.stringify(value) : String(value);
    return;
  }
  if (typeof value !== 'object') {
    out.text += String(value);
    return;
  }
  if (depth >= MAX_DEPTH) {
    out.text += '…';
    out.full = false;
    return;
  }
  const array = Array.isArray(value);
  // Arrays by index: for..in would list every index of a huge array before the first one is shown.
  const count = array ? value.length : 0;
  const keys = array ? undefined : Object.keys(value);
  out.text += array ? '[' : '{';
  for (let i = 0; i < (keys ? keys.length : count); i++) {
    if (!room()) {
      out.full = false;
      return;
    }
    if (i > 0) out.text += ',';
    if (keys) out.text += `${JSON.stringify(keys[i])}:`;
    preview(keys ? (value as Record<string, unknown>)[keys[i]!] : (value as unknown[])[i], out, depth + 1);
    if (!out.full) return;
  }
  out.text += array ? ']' : '}';
}

/** How a walk reports where it found a problem: `params.document.nodes[3].params`. */
export interface JsonBounds {
  /** The name of the whole value in messages (`params`, `network`); '' starts paths at the first key. */
  root: string;
  maxDepth?: number;
  /** Checked against an estimate that never exceeds the JSON text's real length. */
  maxBytes?: number;
  maxValues?: number;
  /** Refuse non-finite numbers, non-plain objects and FORBIDDEN_KEYS (a request); a parsed file has none of the first two. */
  strict?: boolean;
}

/** What a walk found: which bound broke, and a sentence naming the place and the limit. */
export interface JsonProblem {
  bound: 'depth' | 'bytes' | 'values' | 'items' | 'content';
  message: string;
}

/** One container being walked: its keys (objects) or null (arrays), and the position reached. */
interface Frame {
  container: Record<string, unknown> | unknown[];
  keys: string[] | null;
  next: number;
}

/**
 * Walks parsed JSON once, without recursion and without allocating per element, and returns a
 * sentence naming the first bound it breaks (depth, size, value count, hostile content), or
 * undefined. The path to the problem is built only when there is one. Run it before any schema or
 * recursive code (JSON.stringify, zod) sees the value.
 */
export function findJsonProblem(value: unknown, bounds: JsonBounds): JsonProblem | undefined {
  const maxDepth = bounds.maxDepth ?? MAX_DEPTH;
  const maxBytes = bounds.maxBytes ?? Infinity;
  const maxValues = bounds.maxValues ?? MAX_VALUES;
  const frames: Frame[] = [];
  const path = () => {
    const text = bounds.root + frames.map((f) => (f.keys ? `.${clipKey(f.keys[f.next - 1]!)}` : `[${f.next - 1}]`)).join('');
    return text.startsWith('.') ? text.slice(1) : text || 'the value';
  };
  let bytes = 0;
  let values = 0;
  let current: unknown = value;
  for (;;) {
    values++;
    if (values > maxValues) return problem('values', `${path()} holds more than ${maxValues} values; expected a smaller payload.`);
    if (typeof current === 'string') bytes += current.length + 2;
    else if (typeof current === 'number') {
      bytes += 1;
      if (bounds.strict && !Number.isFinite(current)) return problem('content', `${path()} is ${String(current)}; expected a finite number.`);
    } else if (current === null || typeof current === 'boolean') bytes += 4;
    else if (typeof current !== 'object') return problem('content', `${path()} is a ${typeof current}; expected JSON data.`);
    else {
      if (frames.length >= maxDepth) return problem('depth', `${path()} is nested deeper than ${maxDepth} levels; expected a flatter payload.`);
      bytes += 2;
      if (Array.isArray(current)) {
        if (current.length > MAX_ITEMS) return problem('items', `${path()} is a list of ${current.length} entries; the limit is ${MAX_ITEMS}.`);
        frames.push({ container: current, keys: null, next: 0 });
      } else {
        if (bounds.strict) {
          const proto: unknown = Object.getPrototypeOf(current);
          if (proto !== Object.prototype && proto !== null) return problem('content', `${path()} is not a plain object; expected JSON data.`);
        }
        const keys = Object.keys(current);
        if (bounds.strict)
          for (const key of keys)
            if (FORBIDDEN_KEYS.includes(key)) return problem('content', `${path()} has the key ${quote(key)}, which is refused; rename the field.`);
        frames.push({ container: current as Record<string, unknown>, keys, next: 0 });
      }
    }
    if (bytes > maxBytes) return problem('bytes', `${bounds.root} is larger than ${formatBytes(maxBytes)}; large data goes by file.`);
    // Move to the next value: the next entry of the innermost unfinished container.
    let top = frames[frames.length - 1];
    while (top && top.next >= (top.keys ? top.keys.length : (top.container as unknown[]).length)) {
      frames.pop();
      top = frames[frames.length - 1];
    }
    if (!top) return undefined;
    if (top.keys) {
      // `"key":` plus the comma before every entry but the first.
      const key = top.keys[top.next]!;
      bytes += key.length + 3 + (top.next > 0 ? 1 : 0);
      top.next++;
      current = (top.container as Record<string, unknown>)[key];
    } else {
      if (top.next > 0) bytes += 1;
      current = (top.container as unknown[])[top.next++];
    }
  }
}

/** A key in a path: long keys are cut, so the path stays readable. */
function clipKey(key: string): string {
  return key.length <= 40 ? key : `${key.slice(0, 40)}…`;
}

function problem(bound: JsonProblem['bound'], message: string): JsonProblem {
  return { bound, message };
}
