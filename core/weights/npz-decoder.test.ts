import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { crc32, createInflateRaw, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeNpz, type Zlib } from './npz-decoder.js';
import { encodeNpy, encodeZip, float32Bytes } from './tensor-file-writers.testing.js';
import { DTYPES_FIXTURE } from './tensor-file-fixture.testing.js';
import { type ByteSource, memorySource, type ShapedTensor, TensorFileError } from './tensor-file.js';

/** Node's zlib, as the decode worker passes it. */
const nodeZlib: Zlib = {
  inflateRaw: (input) => {
    const inflater = createInflateRaw();
    pipeline(Readable.from(input), inflater, () => undefined);
    return inflater;
  },
  crc32: (bytes, crc) => crc32(bytes, crc),
};
const zipWriter = { deflateRaw: (b: Uint8Array) => new Uint8Array(deflateRawSync(b)), crc32: (b: Uint8Array) => crc32(b) };
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/weights/${name}`, import.meta.url)));
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

function decode(bytes: Uint8Array, chunkBytes?: number): Promise<ShapedTensor[]> {
  return decodeNpz(memorySource(bytes), { fileName: 'w.npz', zlib: nodeZlib, ...(chunkBytes ? { chunkBytes } : {}) });
}

async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await decode(bytes);
  } catch (e) {
    if (e instanceof TensorFileError) return `${e.diagnostic.code}: ${e.diagnostic.message}`;
    throw e;
  }
  throw new Error('decoded without an error');
}

const f32 = (...v: number[]) => float32Bytes(Float32Array.from(v));
const weight = encodeNpy('<f4', [2, 3], f32(1, 2, 3, 4, 5, 6));
const bias = encodeNpy('<f8', [2], new Uint8Array(Float64Array.of(0.5, -0.25).buffer));

/** A zip of these files; `patch` edits the bytes after writing. */
function zip(files: { name: string; data: Uint8Array; deflate?: boolean }[], patch?: (bytes: Uint8Array, view: DataView) => void): Uint8Array {
  const bytes = encodeZip(
    files.map((f) => ({ deflate: false, ...f })),
    zipWriter,
  );
  patch?.(bytes, new DataView(bytes.buffer));
  return bytes;
}
/** Where the central directory begins (the end record's offset field). */
const directoryAt = (view: DataView) => view.getUint32(view.byteLength - 6, true);

describe('decoding .npz', () => {
  const names = ['conv.weight', 'half', 'double', 'bn.num_batches_tracked', 'big.int64', 'int32', 'int8', 'uint8', 'mask'];
  for (const file of ['dtypes.npz', 'dtypes-compressed.npz'])
    it(`reads numpy's ${file} (zip64 local headers${file.includes('compressed') ? ', deflated' : ', stored'}): every dtype as float32, shapes kept`, async () => {
      const tensors = await decode(fixture(file));
      expect(tensors.map((t) => t.name)).toEqual(names);
      for (const t of tensors) expect([t.name, t.shape, [...t.values]]).toEqual([t.name, DTYPES_FIXTURE[t.name]!.shape, DTYPES_FIXTURE[t.name]!.values]);
    });

  it('reads a zip64 directory and end record (Python zipfile past its limits)', async () => {
    const tensors = await decode(fixture('zip64.npz'));
    expect(tensors.map((t) => [t.name, t.shape, [...t.values]])).toEqual([
      ['fc.weight', [2, 3], [0, 0.25, 0.5, 0.75, 1, 1.25]],
      ['fc.bias', [2], [-1.5, 2]],
    ]);
  });

  it('gives the same tensors for any read size, stored or deflated, reading no piece larger than asked', async () => {
    const bytes = zip([
      { name: 'fc.weight.npy', data: weight, deflate: true },
      { name: 'fc.bias.npy', data: bias },
    ]);
    const expected = [
      { name: 'fc.weight', shape: [2, 3], values: Float32Array.of(1, 2, 3, 4, 5, 6), descr: '<f4' },
      { name: 'fc.bias', shape: [2], values: Float32Array.of(0.5, -0.25), descr: '<f8' },
    ];
    for (const chunkBytes of [1, 5, 64, 1 << 20]) {
      const reads: number[] = [];
      const source: ByteSource = { size: bytes.length, read: (p, n) => (reads.push(n), memorySource(bytes).read(p, n)) };
      expect(await decodeNpz(source, { fileName: 'w.npz', zlib: nodeZlib, chunkBytes })).toEqual(expected);
      // The end of the file (directory search), the directory, two local headers, then data pieces.
      expect(Math.max(...reads.slice(4))).toBeLessThanOrEqual(chunkBytes);
    }
  });

  it('reads .npy versions 2.0 and 3.0 (4-byte header length) and big-endian arrays', async () => {
    /** A .npy of the given version, header text and data. */
    const npy = (major: number, header: string, data: Uint8Array): Uint8Array => {
      const text = new TextEncoder().encode(header);
      const out = new Uint8Array(12 + text.length + data.length);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
      new DataView(out.buffer).setUint32(8, text.length, true);
      out.set(text, 12);
      out.set(data, 12 + text.length);
      return out;
    };
    const bigEndian = new Uint8Array(8);
    new DataView(bigEndian.buffer).setFloat32(0, 1.5, false);
    new DataView(bigEndian.buffer).setFloat32(4, -2, false);
    const tensors = await decode(
      zip([
        { name: 'v2.npy', data: npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", f32(3, 4)) },
        { name: 'größe.npy', data: npy(3, "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2), }\n", bigEndian), deflate: true },
      ]),
    );
    expect(tensors.map((t) => [t.name, t.shape, [...t.values]])).toEqual([
      ['v2', [2], [3, 4]],
      ['größe', [1, 2], [1.5, -2]],
    ]);
  });

  const cases: [string, Uint8Array, string][] = [
    [
      'a file too short for a zip',
      ascii('PK\u0003\u0004'),
      "npz.zip: 'w.npz' is 4 bytes, too short for a zip archive; an .npz is a zip of .npy files (numpy.savez).",
    ],
    [
      'a text file',
      ascii('2\nfc.bias 2 3f800000 40000000\nfc.weight 1 3f800000\n'),
      "npz.zip: 'w.npz' is not a zip archive (it has no end-of-directory record); an .npz is a zip of .npy files written by numpy.savez.",
    ],
    [
      'a PyTorch checkpoint',
      zip([
        { name: 'archive/data.pkl', data: ascii('pickle') },
        { name: 'archive/data/0', data: f32(1) },
      ]),
      "npz.entry: 'w.npz' holds 'archive/data.pkl', which is not a .npy array. This is a PyTorch checkpoint (.pt/.pth); save its state_dict with safetensors or numpy.savez instead.",
    ],
    [
      'an entry that is not an array',
      zip([{ name: 'notes.txt', data: ascii('hi') }]),
      "npz.entry: 'w.npz' holds 'notes.txt', which is not a .npy array. An .npz holds only .npy arrays (numpy.savez).",
    ],
    [
      'an encrypted entry',
      zip([{ name: 'a.npy', data: weight }], (b, v) => v.setUint16(directoryAt(v) + 8, 1, true)),
      "npz.zip: 'w.npz' entry 'a.npy' is encrypted; save the arrays with numpy.savez, which writes no password.",
    ],
    [
      'another compression method',
      zip([{ name: 'a.npy', data: weight }], (b, v) => v.setUint16(directoryAt(v) + 10, 12, true)),
      "npz.zip: 'w.npz' entry 'a.npy' is compressed with bzip2; an .npz is stored or deflated (numpy.savez, numpy.savez_compressed).",
    ],
    [
      'a damaged stored entry',
      zip([{ name: 'a.npy', data: weight }], (b) => (b[30 + 5 + 128 + 3] = 0x40)),
      "npz.crc: 'w.npz' entry 'a.npy' is damaged: its data has the CRC-32 c6066997, but the archive recorded a2de9c7c.",
    ],
    [
      'damaged deflate data',
      zip([{ name: 'a.npy', data: weight, deflate: true }], (b) => (b[30 + 5] = 0xff)),
      "npz.deflate: 'w.npz' entry 'a.npy' is not valid deflate data (invalid block type); the archive is damaged.",
    ],
    [
      'a directory past the end of a file cut in the middle',
      (() => {
        const whole = zip([{ name: 'a.npy', data: weight }]);
        return Uint8Array.from([...whole.subarray(0, 100), ...whole.subarray(150)]);
      })(),
      "npz.zip: 'w.npz' says its directory is 51 bytes at byte 187, which runs past the directory's end at byte 188; the file is cut short or damaged.",
    ],
    [
      'entries that share bytes',
      zip(
        [
          { name: 'a.npy', data: weight },
          { name: 'b.npy', data: weight },
        ],
        (b, v) => v.setUint32(directoryAt(v) + 46 + 5 + 42, 0, true),
      ),
      "npz.zip: 'w.npz' entry 'a.npy' has 152 bytes of data from byte 35, which run into entry 'b.npy'; the archive is damaged.",
    ],
    [
      'a part of a split archive',
      zip([{ name: 'a.npy', data: weight }], (b, v) => v.setUint16(v.byteLength - 18, 1, true)),
      "npz.zip: 'w.npz' is one part of a zip archive split into several files; join the parts first.",
    ],
    [
      'the same array twice',
      zip([
        { name: 'a.npy', data: weight },
        { name: 'a.npy', data: weight },
      ]),
      "npz.duplicate: 'w.npz' holds the array 'a.npy' twice.",
    ],
    [
      'a Fortran-order array',
      zip([{ name: 'fc.weight.npy', data: encodeNpy('<f4', [2, 3], f32(1, 2, 3, 4, 5, 6), true) }]),
      "npz.fortran: 'w.npz' entry 'fc.weight.npy' is stored in Fortran order (fortran_order: True); save it in C order (numpy.ascontiguousarray) so that it does not load transposed.",
    ],
    [
      'complex numbers',
      zip([{ name: 'z.npy', data: encodeNpy('<c8', [1], new Uint8Array(8)) }]),
      "npz.dtype: 'w.npz' entry 'z.npy' holds the dtype '<c8'; expected a float ('<f4', '<f2', '<f8'), an integer ('<i8', '<i4', '|i1', '|u1') or bool ('|b1').",
    ],
    [
      'Python objects',
      zip([{ name: 'o.npy', data: encodeNpy('|O', [1], new Uint8Array(8)) }]),
      "npz.dtype: 'w.npz' entry 'o.npy' holds the dtype '|O' (Python objects, which need pickle); expected a float ('<f4', '<f2', '<f8'), an integer ('<i8', '<i4', '|i1', '|u1') or bool ('|b1').",
    ],
    [
      'an array cut short',
      zip([{ name: 'fc.weight.npy', data: encodeNpy('<f4', [2, 3], f32(1, 2, 3)) }]),
      "npz.npy.truncated: 'w.npz' entry 'fc.weight.npy' is cut short: its shape [2, 3] needs 24 bytes of data, but 12 follow the header.",
    ],
    [
      'an array with data past its shape',
      zip([{ name: 'fc.bias.npy', data: encodeNpy('<f4', [2], f32(1, 2, 3)) }]),
      "npz.npy.extra: 'w.npz' entry 'fc.bias.npy' has more data than its shape [2] of '<f4' holds (8 bytes).",
    ],
    [
      'an entry that is not a .npy',
      zip([{ name: 'fc.bias.npy', data: ascii('2\nfc.bias 2 3f800000 40000000\n') }]),
      "npz.npy.magic: 'w.npz' entry 'fc.bias.npy' is not a .npy array: it does not start with the \\x93NUMPY magic.",
    ],
    [
      'a header that is not a dict',
      zip([{ name: 'a.npy', data: Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 8, 0, ...ascii("{'a': 1}")]) }]),
      "npz.npy.header: 'w.npz' entry 'a.npy' has the .npy header \"{'a': 1}\", which is not a dict of 'descr', 'fortran_order' and 'shape'.",
    ],
  ];
  for (const [what, bytes, message] of cases) it(`refuses ${what}`, async () => expect(await refusal(bytes)).toBe(message));
});
