import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formulaTensor, type StateDictEntry } from './formula.js';
import { halfToFloat } from './wts-bytes.js';
import { decodeWts, WtsDecoder } from './wts-decoder.js';
import { encodeWts, encodeWtsBytes } from './wts-encoder.js';
import type { WtsTensor } from './wts-format.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

interface ModelFacts {
  input_shape: number[];
  wts_sha256: string;
  wts_bytes: number;
  state_dict: StateDictEntry[];
}
const models = JSON.parse(readFileSync(new URL('models.json', FIXTURES), 'utf8')) as Record<string, ModelFacts>;

function decodeText(text: string | Uint8Array, fileName = 'test.wts'): WtsTensor[] {
  const result = decodeWts(typeof text === 'string' ? ascii(text) : text, { fileName });
  if (!result.ok) throw new Error(result.diagnostic.message);
  return result.tensors;
}

describe('decoding the fixture lenet5.wts', () => {
  const bytes = new Uint8Array(readFileSync(new URL('lenet5.wts', FIXTURES)));

  it('yields every tensor with the formula values PyTorch wrote', () => {
    const tensors = decodeText(bytes, 'lenet5.wts');
    const facts = models.lenet5!.state_dict;
    expect(tensors.map((t) => [t.name, t.count])).toEqual(facts.map(([name, shape]) => [name, shape.reduce((a, b) => a * b, 1)]));
    for (const [i, [name, shape, dtype]] of facts.entries()) expect(tensors[i]!.values).toEqual(formulaTensor(name, shape, dtype));
    expect(tensors[0]!.values[0]).toBe(Math.fround(0.4452377259731293));
  });

  it('gives the same tensors whatever the chunk boundaries', () => {
    const whole = decodeText(bytes);
    for (const size of [1, 7, 9, 10, 4096]) {
      const decoder = new WtsDecoder({ fileName: 'lenet5.wts' });
      const parts: WtsTensor[] = [];
      for (let at = 0; at < bytes.length; at += size) parts.push(...decoder.push(bytes.subarray(at, at + size)));
      parts.push(...decoder.finish());
      expect(parts.length).toBe(whole.length);
      parts.forEach((t, i) => expect(t.values).toEqual(whole[i]!.values));
    }
  });

  it('encodes back to the identical bytes', () => {
    expect(Buffer.from(encodeWtsBytes(decodeText(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('the encoder', () => {
  it("regenerates resnet18's .wts with the SHA-256 of PyTorch's gen_wts", () => {
    const facts = models.resnet18!;
    const hash = createHash('sha256');
    let size = 0;
    const tensors = facts.state_dict.map(([name, shape, dtype]) => ({ name, values: formulaTensor(name, shape, dtype) }));
    for (const chunk of encodeWts(tensors.length, tensors)) {
      hash.update(chunk);
      size += chunk.length;
    }
    expect(size).toBe(facts.wts_bytes);
    expect(hash.digest('hex')).toBe(facts.wts_sha256);
  });

  it('writes NaN payloads, infinities and negative zero bit for bit', () => {
    const bits = new Uint32Array([0x7fc00001, 0x7f800000, 0xff800000, 0x80000000, 0x00000001]);
    const text = Buffer.from(encodeWtsBytes([{ name: 'odd', values: new Float32Array(bits.buffer) }])).toString();
    expect(text).toBe('1\nodd 5 7fc00001 7f800000 ff800000 80000000 00000001\n');
    expect(new Uint32Array(decodeText(text)[0]!.values.buffer)).toEqual(bits);
  });
});

describe('accepted variants', () => {
  // Each variant is written by some tool in use; all must decode to the same two tensors.
  const expected = [
    { name: 'a', values: [1, -2] },
    { name: 'b', values: [0.5] },
  ];
  const variants: { text: string; source: string }[] = [
    { text: '2\na 2 3f800000 c0000000\nb 1 3f000000\n', source: "gen_wts's exact output" },
    { text: '2\na 2  3f800000  c0000000\nb 1  3f000000\n', source: 'older gen_wts scripts write "{} {} " and then " " per value: two spaces' },
    { text: '2\r\na 2 3f800000 c0000000\r\nb 1 3f000000\r\n', source: 'a file saved on Windows (CRLF)' },
    { text: '2\na\t2\t3f800000\tc0000000\nb\t1\t3f000000', source: 'tab-separated, no final newline' },
    { text: '2\na 2 0x3f800000 0XC0000000\nb 1 0x3f000000\n', source: 'C\'s printf("%#x")' },
    { text: '2\na 2 3F800000 C0000000\nb 1 3F000000\n', source: 'upper-case hex' },
    { text: '2\na 0 2 3f800000 c0000000\nb 0 1 3f000000\n', source: "TensorRT samples' 'name type count' records, type 0 = FLOAT" },
    { text: '2\na 1 2 3c00 c000\nb 1 1 3800\n', source: "TensorRT samples' records with type 1 = HALF" },
    { text: '\ufeff2\na 2 3f800000 c0000000\nb 1 3f000000\n\n\n', source: 'a UTF-8 byte-order mark and trailing blank lines (Windows editors)' },
  ];
  for (const { text, source } of variants)
    it(source, () => {
      const bytes = text.startsWith('\ufeff') ? Uint8Array.from([0xef, 0xbb, 0xbf, ...ascii(text.slice(1))]) : ascii(text);
      expect(decodeText(bytes).map((t) => ({ name: t.name, values: [...t.values] }))).toEqual(expected);
    });

  it('reads a one-value gen_wts record that starts like a typed record', () => {
    expect([...decodeText('2\none 1 40000000\nzero 0\n').map((t) => [...t.values])]).toEqual([[2], []]);
  });

  it('converts half floats exactly', () => {
    expect([halfToFloat(0x3c00), halfToFloat(0xc000), halfToFloat(0x0001), halfToFloat(0x7c00), halfToFloat(0x7bff)]).toEqual([
      1,
      -2,
      2 ** -24,
      Infinity,
      65504,
    ]);
  });
});

/**
 * The malformed corpus: every entry is a file that some real situation produces (the `source`),
 * with the exact Diagnostic it must give. Nothing of a bad file is imported.
 */
interface BadCase {
  file: string;
  source: string;
  content: string | Uint8Array;
  code: string;
  message: string;
}

const CORPUS: BadCase[] = [
  {
    file: 'empty.wts',
    source: 'a download or copy that failed before the first byte',
    content: '',
    code: 'wts.empty',
    message: "'empty.wts' is empty; a .wts file starts with the number of tensors on line 1.",
  },
  {
    file: 'blank.wts',
    source: 'an editor that saved an emptied buffer with newlines',
    content: '\n \n\t\n',
    code: 'wts.empty',
    message: "'blank.wts' is empty; a .wts file starts with the number of tensors on line 1.",
  },
  {
    file: 'model.pth',
    source: 'torch.save output (a zip archive) renamed to .wts',
    content: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]),
    code: 'wts.binary',
    message: "'model.pth' line 1 contains the byte 0x03; this is a binary file, not a text .wts.",
  },
  {
    file: 'utf16.wts',
    source: 'a .wts re-saved as UTF-16 by a Windows editor',
    content: Uint8Array.from([0xff, 0xfe, 0x31, 0x00, 0x0a, 0x00]),
    code: 'wts.binary',
    message:
      "'utf16.wts' line 1 contains the byte 0x00; this is a binary file, not a text .wts (PyTorch .pt/.pth files are zip archives: write a .wts with gen_wts).",
  },
  {
    file: 'nul-late.wts',
    source: 'a file system that filled a torn write with zero bytes, past the first kilobyte',
    content: Uint8Array.from([...ascii(`1\nw 300${' 3f800000'.repeat(150)}`), 0, ...ascii(' 3f800000\n')]),
    code: 'wts.binary',
    message:
      "'nul-late.wts' line 2 contains the byte 0x00; this is a binary file, not a text .wts (PyTorch .pt/.pth files are zip archives: write a .wts with gen_wts).",
  },
  {
    file: 'words.wts',
    source: 'a README or HTML error page saved as .wts',
    content: '<html>\n',
    code: 'wts.header.invalid',
    message: "'words.wts' line 1: the header '<html>' is not a positive integer; a .wts file starts with the number of tensors.",
  },
  {
    file: 'zero.wts',
    source: 'gen_wts run on an empty state_dict',
    content: '0\n',
    code: 'wts.header.invalid',
    message: "'zero.wts' line 1: the header '0' is not a positive integer; a .wts file starts with the number of tensors.",
  },
  {
    file: 'negative.wts',
    source: 'a hand-written header',
    content: '-2\na 1 3f800000\n',
    code: 'wts.header.invalid',
    message: "'negative.wts' line 1: the header '-2' is not a positive integer; a .wts file starts with the number of tensors.",
  },
  {
    file: 'float-header.wts',
    source: 'a script that wrote len() / 1 in Python 3',
    content: '2.0\na 1 3f800000\nb 1 3f800000\n',
    code: 'wts.header.invalid',
    message: "'float-header.wts' line 1: the header '2.0' is not a positive integer; a .wts file starts with the number of tensors.",
  },
  {
    file: 'header-words.wts',
    source: 'a header with a comment after the count',
    content: '2 tensors\na 1 3f800000\nb 1 3f800000\n',
    code: 'wts.header.invalid',
    message: "'header-words.wts' line 1: the header must be only the number of tensors, but more text follows it; expected a line such as '122'.",
  },
  {
    file: 'cr-only.wts',
    source: 'classic Mac OS line endings (CR without LF): the whole file is one line',
    content: '1\ra 1 3f800000\r',
    code: 'wts.header.invalid',
    message: "'cr-only.wts' line 1: the header must be only the number of tensors, but more text follows it; expected a line such as '122'.",
  },
  {
    file: 'huge-header.wts',
    source: "a corrupt header; tensorrtx's loader trusts it and loops until the stream fails",
    content: '1000000000000\na 1 3f800000\n',
    code: 'wts.header.absurd',
    message: "'huge-header.wts' line 1: the header says 1000000000000 tensors, but a 27-byte file can hold at most 9; the header is corrupt.",
  },
  {
    file: 'fewer-records.wts',
    source: 'a file cut at a line boundary by an interrupted copy',
    content: '3\na 1 3f800000\nb 1 3f800000\n',
    code: 'wts.records.missing',
    message: "'fewer-records.wts' ends after 2 tensors on line 4, but its header on line 1 says 3.",
  },
  {
    file: 'more-records.wts',
    source: 'two .wts files concatenated, or a header not updated after appending a tensor',
    content: '1\na 1 3f800000\nb 1 3f800000\n',
    code: 'wts.records.extra',
    message: "'more-records.wts' line 3: another record follows the 1 tensor that the header on line 1 announces.",
  },
  {
    file: 'fewer-values.wts',
    source: 'a record whose count was edited by hand',
    content: '1\nconv1.weight 3 3f800000 3f800000\n',
    code: 'wts.values.missing',
    message: "'fewer-values.wts' line 2: tensor 'conv1.weight' has 2 values, but its count says 3.",
  },
  {
    file: 'more-values.wts',
    source: 'a script that wrote numel() of the wrong tensor',
    content: '1\nconv1.bias 2 3f800000 3f800000 40000000\n',
    code: 'wts.values.extra',
    message: "'more-values.wts' line 2: tensor 'conv1.bias' has more values than its count 2 (the 3rd is '40000000').",
  },
  {
    file: 'truncated.wts',
    source: 'a download cut in the middle of a record',
    content: '2\na 1 3f800000\nfc.weight 4 3f800000 3f800000',
    code: 'wts.values.missing',
    message: "'truncated.wts' line 3: tensor 'fc.weight' has 2 values, but its count says 4 (the file ends there).",
  },
  {
    file: 'wrapped.wts',
    source: 'a writer that wraps long records over several lines',
    content: '1\na 2 3f800000\n 3f800000\n',
    code: 'wts.values.missing',
    message: "'wrapped.wts' line 2: tensor 'a' has 1 value, but its count says 2.",
  },
  {
    file: 'bad-digit.wts',
    source: 'a bit flip that turned a hex digit into a letter',
    content: '1\nfc.bias 2 3f800000 3f8g0000\n',
    code: 'wts.token.invalid',
    message: "'bad-digit.wts' line 2: value 2 of tensor 'fc.bias' is '3f8g0000', not a hexadecimal float32 (exactly 8 hex digits, e.g. 3f800000).",
  },
  {
    file: 'decimal-values.wts',
    source: 'a script that wrote the floats in decimal instead of hex',
    content: '1\nfc.bias 2 0.5 -1.25\n',
    code: 'wts.token.invalid',
    message: "'decimal-values.wts' line 2: value 1 of tensor 'fc.bias' is '0.5', not a hexadecimal float32 (exactly 8 hex digits, e.g. 3f800000).",
  },
  {
    file: 'float64.wts',
    source: "struct.pack('>d') instead of '>f': 16 hex digits per value",
    content: '1\nfc.bias 1 3ff0000000000000\n',
    code: 'wts.token.invalid',
    message: "'float64.wts' line 2: value 1 of tensor 'fc.bias' is '3ff0000000000000', not a hexadecimal float32 (exactly 8 hex digits, e.g. 3f800000).",
  },
  {
    file: 'bare-prefix.wts',
    source: 'a printf format with %#x and an empty argument',
    content: '1\nfc.bias 1 0x\n',
    code: 'wts.token.invalid',
    message: "'bare-prefix.wts' line 2: value 1 of tensor 'fc.bias' is '0x', not a hexadecimal float32 (exactly 8 hex digits, e.g. 3f800000).",
  },
  {
    file: 'cut-in-value.wts',
    source: 'a download cut inside the last value (it loaded as 1.4e-42 where the value was 1.0)',
    content: '1\na 2 3f800000 3f8',
    code: 'wts.token.invalid',
    message: "'cut-in-value.wts' line 2: value 2 of tensor 'a' is '3f8', not a hexadecimal float32 (exactly 8 hex digits, e.g. 3f800000).",
  },
  {
    file: 'short-tokens.wts',
    source: 'a writer that dropped leading zeros (printf("%x")): each short value would load as a different float',
    content: '1\nz 3 0 1 ff\n',
    code: 'wts.token.invalid',
    message: "'short-tokens.wts' line 2: value 1 of tensor 'z' is '0', not a hexadecimal float32 (exactly 8 hex digits, e.g. 3f800000).",
  },
  {
    file: 'half-short.wts',
    source: "a TensorRT samples' HALF record cut inside its last value",
    content: '1\na 1 2 3c00 3c',
    code: 'wts.token.invalid',
    message: "'half-short.wts' line 2: value 2 of tensor 'a' is '3c', not a hexadecimal float16 (exactly 4 hex digits, e.g. 3c00).",
  },
  {
    file: 'duplicate.wts',
    source: 'two state_dicts merged (backbone + head) with a shared name',
    content: '3\nfc.weight 1 3f800000\nfc.bias 1 3f800000\nfc.weight 1 40000000\n',
    code: 'wts.name.duplicate',
    message: "'duplicate.wts' line 4: tensor 'fc.weight' appears a second time; it was first defined on line 2.",
  },
  {
    file: 'count-word.wts',
    source: 'a record with the shape written instead of the count',
    content: '1\nfc.weight [10,84] 3f800000\n',
    code: 'wts.count.invalid',
    message: "'count-word.wts' line 2: the element count '[10,84]' of tensor 'fc.weight' is not a non-negative decimal integer.",
  },
  {
    file: 'count-negative.wts',
    source: 'an overflowed 32-bit count',
    content: '1\nfc.weight -5 3f800000\n',
    code: 'wts.count.invalid',
    message: "'count-negative.wts' line 2: the element count '-5' of tensor 'fc.weight' is not a non-negative decimal integer.",
  },
  {
    file: 'count-missing.wts',
    source: 'a name-only line',
    content: '1\nfc.weight\n',
    code: 'wts.count.missing',
    message: "'count-missing.wts' line 2: tensor 'fc.weight' has no element count; expected 'name count values...' on one line.",
  },
  {
    file: 'name-at-end.wts',
    source: 'a download cut right after a tensor name',
    content: '2\na 1 3f800000\nfc.bias',
    code: 'wts.count.missing',
    message: "'name-at-end.wts' line 3: tensor 'fc.bias' has no element count; expected 'name count values...' on one line.",
  },
  {
    file: 'huge-count.wts',
    source: 'a corrupt count that would make a loader allocate 4 TB',
    content: '1\nfc.weight 1000000000000 3f800000\n',
    code: 'wts.count.absurd',
    message:
      "'huge-count.wts' line 2: tensor 'fc.weight' says it has 1000000000000 values, but the 35 bytes left in the file hold at most 18; the count is corrupt.",
  },
  {
    file: 'typed-bad-type.wts',
    source: "a TensorRT samples' file with a data type this format does not carry (2 = INT8)",
    content: '2\na 0 1 3f800000\nb 2 1 01\n',
    code: 'wts.type.unsupported',
    message:
      "'typed-bad-type.wts' line 3: tensor 'b' has the type '2'; this file uses the TensorRT samples' 'name type count' records, whose type is 0 (FLOAT) or 1 (HALF).",
  },
  {
    file: 'typed-half-too-long.wts',
    source: 'float32 values under a HALF type field',
    content: '1\na 1 1 3f800000\n',
    code: 'wts.token.invalid',
    message: "'typed-half-too-long.wts' line 2: value 1 of tensor 'a' is '3f800000', not a hexadecimal float16 (exactly 4 hex digits, e.g. 3c00).",
  },
];

describe('the malformed corpus', () => {
  it('has at least 25 cases with distinct files', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(25);
    expect(new Set(CORPUS.map((c) => c.file)).size).toBe(CORPUS.length);
  });
  for (const c of CORPUS)
    it(`${c.file}: ${c.source}`, () => {
      const bytes = typeof c.content === 'string' ? ascii(c.content) : c.content;
      const result = decodeWts(bytes, { fileName: c.file });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect({ code: result.diagnostic.code, message: result.diagnostic.message }).toEqual({ code: c.code, message: c.message });
      expect(result.diagnostic.severity).toBe('error');
      expect(result.diagnostic.detail).toBe(c.file);
      expect(result.diagnostic.field).toMatch(/^line \d+$/);
    });

  it('catches an absurd header without knowing the file size', () => {
    const decoder = new WtsDecoder({ fileName: 'pipe.wts' });
    expect(() => decoder.push(ascii('1000000000000\n'))).toThrow(
      "'pipe.wts' line 1: the header says 1000000000000 tensors, but no .wts file holds more than 10000000; the header is corrupt.",
    );
  });
});
