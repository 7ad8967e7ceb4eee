// The .wts decoder's byte-level helpers: hex lookup tables, the hot loop over ` xxxxxxxx` values, and byte/number checks.
import { CR, LF, SPACE, TAB } from './wts-format.js';

/** Hex digit value per byte, 255 for anything else: the decoder's hot loop is one table lookup per digit. */
export const HEX_VALUE = (() => {
  const table = new Uint8Array(256).fill(255);
  for (let i = 0; i < 10; i++) table[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[65 + i] = 10 + i;
    table[97 + i] = 10 + i;
  }
  return table;
})();

/** Byte value of each pair of hex digits (`(first << 8) | second`), 0xffff for anything else: 4 lookups per float32. */
const HEX_PAIR = (() => {
  const table = new Uint16Array(65536).fill(0xffff);
  for (let a = 0; a < 256; a++) {
    const high = HEX_VALUE[a]!;
    if (high > 15) continue;
    for (let b = 0; b < 256; b++) {
      const low = HEX_VALUE[b]!;
      if (low <= 15) table[(a << 8) | b] = (high << 4) | low;
    }
  }
  return table;
})();

/**
 * The hot loop, kept small and separate so V8 optimises it early: from `i`, parse values of the form
 * optional space, 8 hex digits, separator (left for the next value) straight into the record's bits.
 * Stops at anything else (the slow path takes over) and returns the new position.
 */
export function decodeHexRun(chunk: Uint8Array, start: number, record: { count: number; bits: Uint32Array; filled: number }): number {
  const n = chunk.length;
  const view = new DataView(chunk.buffer, chunk.byteOffset, n);
  const bits = record.bits;
  const end = record.count;
  let filled = record.filled;
  let i = start;
  while (filled < end && i + 9 < n) {
    const j = chunk[i] === SPACE ? i + 1 : i;
    const p0 = HEX_PAIR[view.getUint16(j)]!;
    const p1 = HEX_PAIR[view.getUint16(j + 2)]!;
    const p2 = HEX_PAIR[view.getUint16(j + 4)]!;
    const p3 = HEX_PAIR[view.getUint16(j + 6)]!;
    if ((p0 | p1 | p2 | p3) > 255) break;
    const t = chunk[j + 8]!;
    if (t !== SPACE && t !== LF && t !== CR && t !== TAB) break;
    bits[filled++] = (p0 << 24) | (p1 << 16) | (p2 << 8) | p3;
    i = j + 8;
  }
  record.filled = filled;
  return i;
}

/** Bytes that can only come from a binary file: control characters other than tab, LF and CR, and DEL. */
export function isBinaryByte(b: number): boolean {
  return (b < 32 && b !== TAB && b !== LF && b !== CR) || b === 127;
}

export function isDecimal(text: string): boolean {
  return /^[0-9]+$/.test(text);
}

/** An IEEE half (binary16) bit pattern as a float. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
