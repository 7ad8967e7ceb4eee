/**
 * A zip archive's central directory, read from the end of the file (as `.npz` files are written by
 * numpy.savez and numpy.savez_compressed): the end record (and its zip64 form), then one entry per
 * file with where its data lies. Every length is checked against the file before it is read, and
 * the directory is bounded, so a damaged or hostile archive is refused without large allocations.
 * Read: stored and deflated entries, zip64 sizes and offsets (numpy always writes zip64 local
 * headers). Refused with a message: encryption, other compression methods, archives split in parts.
 */
import { utf8Decode } from '../text-codec.js';
import type { ByteSource } from './tensor-file.js';
import { tensorFileError } from './tensor-file.js';

export const STORED = 0;
export const DEFLATED = 8;

/** A directory larger than this (about 700,000 entries of .npy arrays) is not an .npz of weights. */
export const MAX_DIRECTORY_BYTES = 64 << 20;

const END = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const END_BYTES = 22;
const MAX_COMMENT = 65535;

const METHOD_NAMES: Record<number, string> = {
  1: 'shrink',
  6: 'implode',
  9: 'deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'XZ',
  99: 'AES encryption',
};

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** Where the entry's (compressed) data begins: after its local header. */
  dataOffset: number;
}

function u64(view: DataView, at: number, fail: (what: string) => never, what: string): number {
  const value = view.getUint32(at, true) + view.getUint32(at + 4, true) * 4294967296;
  return Number.isSafeInteger(value) ? value : fail(what);
}

/** The entries of the archive in directory order, each with its data offset; throws `TensorFileError` (code `npz.zip`) on any problem. */
export async function readZipDirectory(source: ByteSource, fileName: string): Promise<ZipEntry[]> {
  const fail = (message: string): never => tensorFileError('npz.zip', fileName, message);
  const size = source.size;
  if (size < END_BYTES) fail(` is ${size} bytes, too short for a zip archive; an .npz is a zip of .npy files (numpy.savez).`);

  // The end record is the last 22 bytes plus a comment of up to 64 KiB: search backwards for it.
  const tailStart = Math.max(0, size - END_BYTES - MAX_COMMENT);
  const tail = await source.read(tailStart, size - tailStart);
  const tailView = new DataView(tail.buffer, tail.byteOffset, tail.length);
  let endAt = -1;
  for (let i = tail.length - END_BYTES; i >= 0; i--)
    if (tailView.getUint32(i, true) === END && i + END_BYTES + tailView.getUint16(i + 20, true) === tail.length) {
      endAt = i;
      break;
    }
  if (endAt < 0) fail(' is not a zip archive (it has no end-of-directory record); an .npz is a zip of .npy files written by numpy.savez.');
  const endOffset = tailStart + endAt;
  let disk = tailView.getUint16(endAt + 4, true);
  let directoryDisk = tailView.getUint16(endAt + 6, true);
  let entriesHere = tailView.getUint16(endAt + 8, true);
  let entries = tailView.getUint16(endAt + 10, true);
  let directoryBytes = tailView.getUint32(endAt + 12, true);
  let directoryOffset = tailView.getUint32(endAt + 16, true);
  let directoryEnd = endOffset;

  if (entries === 0xffff || directoryBytes === 0xffffffff || directoryOffset === 0xffffffff) {
    // zip64: a locator right before the end record points at the zip64 end record.
    if (endAt < 20 || tailView.getUint32(endAt - 20, true) !== ZIP64_LOCATOR) fail(' says it is a zip64 archive, but its zip64 locator is missing.');
    const recordOffset = u64(tailView, endAt - 12, fail, 'its zip64 locator points past any possible file position.');
    if (recordOffset + 56 > endOffset - 20) fail(` has a zip64 end record at byte ${recordOffset}, past the end of the archive.`);
    const record = new DataView((await source.read(recordOffset, 56)).buffer);
    if (record.getUint32(0, true) !== ZIP64_END) fail(` has no zip64 end record at byte ${recordOffset}, where its locator points.`);
    disk = record.getUint32(16, true);
    directoryDisk = record.getUint32(20, true);
    entriesHere = u64(record, 24, fail, 'its zip64 entry count is absurd.');
    entries = u64(record, 32, fail, 'its zip64 entry count is absurd.');
    directoryBytes = u64(record, 40, fail, 'its zip64 directory size is absurd.');
    directoryOffset = u64(record, 48, fail, 'its zip64 directory offset is absurd.');
    directoryEnd = recordOffset;
  }
  if (disk !== 0 || directoryDisk !== 0 || entriesHere !== entries) fail(' is one part of a zip archive split into several files; join the parts first.');
  if (directoryOffset + directoryBytes > directoryEnd)
    fail(
      ` says its directory is ${directoryBytes} bytes at byte ${directoryOffset}, which runs past the directory's end at byte ${directoryEnd}; the file is cut short or damaged.`,
    );
  if (directoryBytes > MAX_DIRECTORY_BYTES)
    fail(` has a ${directoryBytes}-byte directory, more than the ${MAX_DIRECTORY_BYTES} bytes an .npz of weights needs.`);
  if (entries * 46 > directoryBytes) fail(` says it holds ${entries} files, but its ${directoryBytes}-byte directory cannot list that many.`);

  const directory = await source.read(directoryOffset, directoryBytes);
  const view = new DataView(directory.buffer, directory.byteOffset, directory.length);
  const out: ZipEntry[] = [];
  let at = 0;
  for (let index = 0; index < entries; index++) {
    if (at + 46 > directory.length || view.getUint32(at, true) !== CENTRAL)
      fail(` has a damaged directory: entry ${index + 1} of ${entries} is not where the one before it ends (byte ${directoryOffset + at}).`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > directory.length) fail(` has a damaged directory: entry ${index + 1} of ${entries} runs past its end.`);
    const name = utf8Decode(directory.subarray(at + 46, at + 46 + nameLength));
    if (flags & 0x41 || method === 99) fail(` entry '${name}' is encrypted; save the arrays with numpy.savez, which writes no password.`);
    if (method !== STORED && method !== DEFLATED)
      fail(
        ` entry '${name}' is compressed with ${METHOD_NAMES[method] ?? `method ${method}`}; an .npz is stored or deflated (numpy.savez, numpy.savez_compressed).`,
      );
    // zip64 extended information: 8-byte values for each field the fixed part set to 0xffffffff, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength;) {
      const id = view.getUint16(e, true);
      const length = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let f = e + 4;
        const field = (what: string): number => {
          if (f + 8 > e + 4 + length) fail(` entry '${name}' has a zip64 field too short for its ${what}.`);
          const value = u64(view, f, fail, `entry '${name}' has an absurd zip64 ${what}.`);
          f += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = field('size');
        if (compressedSize === 0xffffffff) compressedSize = field('compressed size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = field('offset');
      }
      e += 4 + length;
    }
    if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff)
      fail(` entry '${name}' needs zip64 sizes, but has no zip64 field.`);
    out.push({ name, method, crc32: crc, compressedSize, uncompressedSize, localHeaderOffset, dataOffset: 0 });
    at = next;
  }

  // Each entry's data follows its local header; the entries must not share bytes (overlapping entries are a zip bomb).
  const byOffset = [...out].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (const [i, entry] of byOffset.entries()) {
    if (entry.localHeaderOffset + 30 > directoryOffset) fail(` entry '${entry.name}' starts at byte ${entry.localHeaderOffset}, inside or past the directory.`);
    const local = new DataView((await source.read(entry.localHeaderOffset, 30)).buffer);
    if (local.getUint32(0, true) !== LOCAL)
      fail(` entry '${entry.name}' has no local header at byte ${entry.localHeaderOffset}, where the directory says it is.`);
    entry.dataOffset = entry.localHeaderOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
    const end = entry.dataOffset + entry.compressedSize;
    const limit = byOffset[i + 1]?.localHeaderOffset ?? directoryOffset;
    if (end > limit)
      fail(
        ` entry '${entry.name}' has ${entry.compressedSize} bytes of data from byte ${entry.dataOffset}, which run into ${byOffset[i + 1] ? `entry '${byOffset[i + 1]!.name}'` : 'the directory'}; the archive is damaged.`,
      );
  }
  return out;
}
