import { describe, expect, test } from 'vitest';
import { utf8Decode, utf8Encode } from './text-codec.js';

describe('UTF-8', () => {
  test('encodes one to four bytes per character', () => {
    expect([...utf8Encode('aé€😀')]).toEqual([0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
  });

  test('decodes what it encodes, keeps a leading byte-order mark and replaces a broken sequence with U+FFFD', () => {
    expect(utf8Decode(utf8Encode('conv1.weight·ü'))).toBe('conv1.weight·ü');
    expect(utf8Decode(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61))).toBe('\ufeffa');
    expect(utf8Decode(Uint8Array.of(0x61, 0xc3, 0x62))).toBe('a\ufffdb');
  });
});
