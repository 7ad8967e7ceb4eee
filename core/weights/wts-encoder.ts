/**
 * The `.wts` encoder: writes exactly what PyTorch's `gen_wts` writes: `count\n`, then per tensor
 * `name count` followed by ` xxxxxxxx` (big-endian float32, lowercase hex) per value and `\n`.
 */
import { utf8Encode } from '../text-codec.js';
import { LF, SPACE, type WtsTensorData } from './wts-format.js';

/** Two lowercase hex digits per byte value, as char codes. */
const HEX_BYTE = (() => {
  const digits = '0123456789abcdef';
  const table = new Uint8Array(512);
  for (let i = 0; i < 256; i++) {
    table[2 * i] = digits.charCodeAt(i >> 4);
    table[2 * i + 1] = digits.charCodeAt(i & 15);
  }
  return table;
})();

function asciiBytes(text: string): Uint8Array {
  return utf8Encode(text);
}

/**
 * Encode tensors exactly as PyTorch's `gen_wts` does, yielding chunks of about `chunkBytes`.
 * `tensorCount` is written first, so the tensors can be produced lazily (a 1.2 GB file need not be in memory).
 */
export function* encodeWts(tensorCount: number, tensors: Iterable<WtsTensorData>, chunkBytes = 1 << 20): Generator<Uint8Array> {
  let buffer = new Uint8Array(chunkBytes + 64);
  let at = 0;
  const flushIfFull = function* (need: number): Generator<Uint8Array> {
    if (at + need <= buffer.length) return;
    if (at > 0) yield buffer.subarray(0, at);
    buffer = new Uint8Array(Math.max(chunkBytes + 64, need));
    at = 0;
  };
  const writeText = function* (text: string): Generator<Uint8Array> {
    const bytes = asciiBytes(text);
    yield* flushIfFull(bytes.length);
    buffer.set(bytes, at);
    at += bytes.length;
  };
  yield* writeText(`${tensorCount}\n`);
  for (const tensor of tensors) {
    const values = tensor.values;
    yield* writeText(`${tensor.name} ${values.length}`);
    // Read the float bits through a Uint32Array view: exact for every value, NaN payloads included.
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let k = 0; k < bits.length;) {
      if (at + 9 > buffer.length) yield* flushIfFull(chunkBytes);
      const stop = Math.min(bits.length, k + Math.floor((buffer.length - at) / 9));
      for (; k < stop; k++) {
        const v = bits[k]!;
        buffer[at] = SPACE;
        const b0 = (v >>> 24) * 2;
        const b1 = ((v >>> 16) & 255) * 2;
        const b2 = ((v >>> 8) & 255) * 2;
        const b3 = (v & 255) * 2;
        buffer[at + 1] = HEX_BYTE[b0]!;
        buffer[at + 2] = HEX_BYTE[b0 + 1]!;
        buffer[at + 3] = HEX_BYTE[b1]!;
        buffer[at + 4] = HEX_BYTE[b1 + 1]!;
        buffer[at + 5] = HEX_BYTE[b2]!;
        buffer[at + 6] = HEX_BYTE[b2 + 1]!;
        buffer[at + 7] = HEX_BYTE[b3]!;
        buffer[at + 8] = HEX_BYTE[b3 + 1]!;
        at += 9;
      }
    }
    yield* flushIfFull(1);
    buffer[at++] = LF;
  }
  if (at > 0) yield buffer.subarray(0, at);
}

/** Encode tensors into one buffer (small files and tests). */
export function encodeWtsBytes(tensors: readonly WtsTensorData[]): Uint8Array {
  const chunks = [...encodeWts(tensors.length, tensors)];
  const total = chunks.reduce((sum, c) => sum + c.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}
