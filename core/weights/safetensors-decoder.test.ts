import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './safetensors-decoder.js';
import { encodeSafetensors, float32Bytes, type RawTensor } from './tensor-file-writers.testing.js';
import { type ByteSource, memorySource, type ShapedTensor, TensorFileError } from './tensor-file.js';
import { DTYPES_FIXTURE } from './tensor-file-fixture.testing.js';

const fixture = new Uint8Array(readFileSync(new URL('../../fixtures/weights/dtypes.safetensors', import.meta.url)));
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const u16 = (...bits: number[]): Uint8Array => new Uint8Array(Uint16Array.from(bits).buffer);

async function decode(bytes: Uint8Array, chunkBytes?: number): Promise<ShapedTensor[]> {
  return decodeSafetensors(memorySource(bytes), { fileName: 'w.safetensors', ...(chunkBytes ? { chunkBytes } : {}) });
}

/** The message of the format error decoding gives. */
async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await decode(bytes);
  } catch (e) {
    if (e instanceof TensorFileError) return `${e.diagnostic.code}: ${e.diagnostic.message}`;
    throw e;
  }
  throw new Error('decoded without an error');
}

/** A file with these header entries and `dataBytes` zero bytes of data. */
function withHeader(header: unknown, dataBytes = 0): Uint8Array {
  const json = ascii(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  return out;
}

describe('decoding .safetensors', () => {
  it("reads the reference writer's file (safetensors 0.8): every dtype as float32, shapes kept, in header order", async () => {
    const tensors = await decode(fixture);
    expect(tensors.map((t) => t.name)).toEqual(['big.int64', 'bn.num_batches_tracked', 'double', 'conv.weight', 'int32', 'half', 'int8', 'uint8', 'mask']);
    for (const t of tensors) expect([t.name, t.shape, [...t.values]]).toEqual([t.name, DTYPES_FIXTURE[t.name]!.shape, DTYPES_FIXTURE[t.name]!.values]);
  });

  it('gives the same tensors for any read size, and reads no piece larger than asked', async () => {
    const whole = await decode(fixture);
    for (const chunkBytes of [1, 3, 8, 13]) {
      let largest = 0;
      const source: ByteSource = {
        size: fixture.length,
        read: (position, length) => {
          // The 8-byte length and the header are read whole; data in pieces of at most chunkBytes.
          if (position >= 8 + 600) largest = Math.max(largest, length);
          return memorySource(fixture).read(position, length);
        },
      };
      expect(await decodeSafetensors(source, { fileName: 'w.safetensors', chunkBytes })).toEqual(whole);
      expect(largest).toBeLessThanOrEqual(Math.max(chunkBytes, 8));
    }
  });

  it('widens bfloat16 and float16 exactly, subnormals and infinities included', async () => {
    const tensors: RawTensor[] = [
      { name: 'bf', dtype: 'BF16', shape: [4], data: u16(0x3f80, 0xc049, 0x0001, 0xff80) },
      { name: 'h', dtype: 'F16', shape: [2, 2], data: u16(0x3c00, 0x0001, 0xfc00, 0x7bff) },
      { name: 'scalar', dtype: 'F32', shape: [], data: float32Bytes(Float32Array.of(-2)) },
      { name: 'empty', dtype: 'F32', shape: [0, 3], data: new Uint8Array(0) },
    ];
    const decoded = await decode(encodeSafetensors(tensors));
    expect(decoded.map((t) => [t.name, t.shape, [...t.values]])).toEqual([
      ['bf', [4], [1, -3.140625, 2 ** -133, -Infinity]],
      ['h', [2, 2], [1, 2 ** -24, -Infinity, 65504]],
      ['scalar', [], [-2]],
      ['empty', [0, 3], []],
    ]);
  });

  const conv = { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] };
  const cases: [string, Uint8Array, string][] = [
    [
      'a file shorter than the length prefix',
      ascii('{"a"'),
      "safetensors.truncated: 'w.safetensors' is 4 bytes; a .safetensors file starts with an 8-byte header length.",
    ],
    [
      'a header length beyond the limit (a .wts renamed)',
      ascii('122\nconv1.weight 150 3f800000'),
      "safetensors.header.size: 'w.safetensors': its first 8 bytes give a header length of 8533880815077175857 bytes, more than the 100000000 a .safetensors header may have; this is not a .safetensors file, or its start is damaged.",
    ],
    [
      'a header cut short',
      withHeader({ a: conv }).subarray(0, 20),
      "safetensors.header.truncated: 'w.safetensors': the header is 57 bytes, but only 12 follow its length; the file is cut short.",
    ],
    [
      'a header that is not JSON',
      (() => {
        const b = withHeader({ a: conv });
        b[8] = 0x5b;
        return b;
      })(),
      "safetensors.header.invalid: 'w.safetensors': the header does not begin with '{' (its first byte is 0x5b); this is not a .safetensors file.",
    ],
    [
      'broken JSON',
      (() => {
        const b = withHeader({ a: conv });
        b[b.length - 1] = 0x2c;
        return b;
      })(),
      "safetensors.header.json: 'w.safetensors': the 57-byte header is not valid JSON; the file is damaged or was not written as .safetensors.",
    ],
    [
      'an unsupported dtype',
      withHeader({ a: { ...conv, dtype: 'F8_E4M3', data_offsets: [0, 4] } }, 4),
      "safetensors.dtype.unsupported: 'w.safetensors': tensor 'a' has the dtype \"F8_E4M3\"; expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL.",
    ],
    [
      'a negative dimension',
      withHeader({ a: { ...conv, shape: [2, -2] } }, 16),
      "safetensors.shape.invalid: 'w.safetensors': tensor 'a' has the shape [2,-2]; expected a list of non-negative integers.",
    ],
    [
      'offsets the wrong way round',
      withHeader({ a: { ...conv, data_offsets: [16, 0] } }, 16),
      "safetensors.offsets.invalid: 'w.safetensors': tensor 'a' has the data_offsets [16,0]; expected [begin, end] with 0 ≤ begin ≤ end.",
    ],
    [
      'offsets that do not match the shape',
      withHeader({ a: { ...conv, data_offsets: [0, 12] } }, 12),
      "safetensors.offsets.size: 'w.safetensors': tensor 'a' (F32 [2, 2]) needs 16 bytes, but its data_offsets [0, 12] span 12.",
    ],
    [
      'data cut short',
      withHeader({ a: conv }, 10),
      "safetensors.offsets.range: 'w.safetensors': tensor 'a' has the data_offsets [0, 16], past the end of the 10-byte data section; the file is cut short.",
    ],
    [
      'overlapping tensors',
      withHeader({ a: conv, b: { ...conv, data_offsets: [8, 24] } }, 24),
      "safetensors.offsets.overlap: 'w.safetensors': tensors 'a' [0, 16] and 'b' [8, 24] overlap in the data section.",
    ],
    [
      'a hole between tensors',
      withHeader({ a: conv, b: { ...conv, data_offsets: [20, 36] } }, 36),
      "safetensors.offsets.gap: 'w.safetensors': bytes 16 to 20 of the data section belong to no tensor (they come before 'b'); the tensors must cover the data section without holes.",
    ],
    [
      'bytes after the last tensor',
      withHeader({ a: conv }, 20),
      "safetensors.offsets.trailing: 'w.safetensors': the data section is 20 bytes, but its tensors end at byte 16; the last 4 bytes belong to no tensor.",
    ],
    ['no tensors', withHeader({ __metadata__: { format: 'pt' } }), "safetensors.empty: 'w.safetensors': the header lists no tensors."],
    [
      'metadata that is not strings',
      withHeader({ __metadata__: { epochs: 3 }, a: conv }, 16),
      "safetensors.header.metadata: 'w.safetensors': '__metadata__' in the header must be an object of strings, but it is {\"epochs\":3}.",
    ],
    [
      'a tensor that is not described',
      withHeader({ a: [1, 2] }),
      'safetensors.header.tensor: \'w.safetensors\': tensor \'a\' is described by [1,2]; expected {"dtype", "shape", "data_offsets"}.',
    ],
    [
      'a dtype named after an object property',
      withHeader({ a: { ...conv, dtype: 'constructor' } }, 16),
      "safetensors.dtype.unsupported: 'w.safetensors': tensor 'a' has the dtype \"constructor\"; expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL.",
    ],
  ];
  for (const [what, bytes, message] of cases) it(`refuses ${what}`, async () => expect(await refusal(bytes)).toBe(message));
});
