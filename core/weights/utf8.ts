/** UTF-8 without TextEncoder/TextDecoder, which core/ cannot assume (no DOM, no Node types). */

/** The UTF-8 bytes of a string. */
export function utf8Encode(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(bytes);
}

/** Decode UTF-8 bytes; an invalid sequence becomes U+FFFD, as TextDecoder does. */
export function utf8Decode(bytes: ArrayLike<number>): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let code: number;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    } else if (b >= 0xc2 && b < 0xe0) [need, code] = [1, b & 0x1f];
    else if (b >= 0xe0 && b < 0xf0) [need, code] = [2, b & 0x0f];
    else if (b >= 0xf0 && b < 0xf5) [need, code] = [3, b & 0x07];
    else {
      out += '\ufffd';
      i++;
      continue;
    }
    let j = 1;
    for (; j <= need && i + j < bytes.length && (bytes[i + j]! & 0xc0) === 0x80; j++) code = (code << 6) | (bytes[i + j]! & 0x3f);
    if (j <= need) {
      out += '\ufffd';
      i += j;
      continue;
    }
    out += String.fromCodePoint(code);
    i += need + 1;
  }
  return out;
}
