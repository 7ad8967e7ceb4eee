/**
 * The NumPy `.npz` decoder: a zip archive (stored by numpy.savez, deflated by
 * numpy.savez_compressed) of `.npy` arrays, one per tensor, named `<tensor>.npy`. The directory is
 * read first (core/weights/zip-directory.ts); each entry is then streamed, inflated by the host's
 * zlib, into its tensor's Float32Array, and checked against the size and CRC-32 the directory gives.
 * Memory: the tensors as float32 plus one piece of the file.
 */
import { error } from '../diagnostics.js';
import { NpyStream } from './npy-decoder.js';
import { type ByteSource, DEFAULT_CHUNK_BYTES, type ShapedTensor, TensorFileError, tensorFileError, type TensorFileOptions } from './tensor-file.js';
import { DEFLATED, readZipDirectory, type ZipEntry } from './zip-directory.js';

/** What the decoder needs of zlib, which core/ cannot import: the host passes Node's. */
export interface Zlib {
  /** Raw DEFLATE (no zlib header), as a stream: compressed pieces in, uncompressed pieces out. */
  inflateRaw(compressed: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>;
  /** Continue a CRC-32 over `bytes` (start with 0). */
  crc32(bytes: Uint8Array, crc: number): number;
}

export interface NpzDecodeOptions extends TensorFileOptions {
  zlib: Zlib;
}

/** Deflate turns at most 258 bytes into 2 bits, a ratio of 1032; an entry claiming more is damaged (or a bomb). */
const MAX_DEFLATE_RATIO = 1032;

/** A PyTorch checkpoint is a zip too; its entries say so. */
function pytorchHint(entries: readonly ZipEntry[]): string {
  return entries.some((e) => e.name.endsWith('data.pkl'))
    ? ' This is a PyTorch checkpoint (.pt/.pth); save its state_dict with safetensors or numpy.savez instead.'
    : ' An .npz holds only .npy arrays (numpy.savez).';
}

/** Decode a whole `.npz`; throws `TensorFileError` on the first problem (nothing is returned then). */
export async function decodeNpz(source: ByteSource, options: NpzDecodeOptions): Promise<ShapedTensor[]> {
  const { fileName, zlib } = options;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const entries = await readZipDirectory(source, fileName);
  const fail = (code: string, message: string): never => tensorFileError(code, fileName, message);
  if (entries.length === 0) fail('npz.empty', ' is an empty zip archive; it holds no arrays.');
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!entry.name.endsWith('.npy')) fail('npz.entry', ` holds '${entry.name}', which is not a .npy array.${pytorchHint(entries)}`);
    const name = entry.name.slice(0, -'.npy'.length);
    if (seen.has(name)) fail('npz.duplicate', ` holds the array '${entry.name}' twice.`);
    seen.add(name);
    if (entry.method !== DEFLATED && entry.compressedSize !== entry.uncompressedSize)
      fail(
        'npz.zip',
        ` entry '${entry.name}' is stored uncompressed, but its directory gives ${entry.compressedSize} stored bytes for ${entry.uncompressedSize}.`,
      );
    if (entry.method === DEFLATED && entry.uncompressedSize > entry.compressedSize * MAX_DEFLATE_RATIO + 1024)
      fail(
        'npz.zip',
        ` entry '${entry.name}' claims ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed, more than deflate can give; the archive is damaged.`,
      );
  }

  const tensors: ShapedTensor[] = [];
  for (const entry of entries) {
    const where = `'${fileName}' entry '${entry.name}'`;
    const npy = new NpyStream(where, fileName);
    // A failed read (or a cancel) is passed on as it is; anything else the inflater throws means bad data.
    let readFailure: unknown;
    async function* compressed(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < entry.compressedSize; at += chunkBytes) {
        try {
          yield await source.read(entry.dataOffset + at, Math.min(chunkBytes, entry.compressedSize - at));
        } catch (e) {
          readFailure ??= e;
          throw e;
        }
      }
    }
    let bytes = 0;
    let crc = 0;
    try {
      for await (const piece of entry.method === DEFLATED ? zlib.inflateRaw(compressed()) : compressed()) {
        bytes += piece.length;
        if (bytes > entry.uncompressedSize)
          fail('npz.zip', ` entry '${entry.name}' inflates to more than the ${entry.uncompressedSize} bytes its directory gives; the archive is damaged.`);
        crc = zlib.crc32(piece, crc);
        npy.push(piece);
      }
    } catch (e) {
      if (readFailure !== undefined) throw readFailure;
      if (e instanceof TensorFileError) throw e;
      throw new TensorFileError(
        error('npz.deflate', `${where} is not valid deflate data (${e instanceof Error ? e.message : String(e)}); the archive is damaged.`, {
          detail: fileName,
        }),
      );
    }
    if (bytes !== entry.uncompressedSize)
      fail('npz.zip', ` entry '${entry.name}' gives ${bytes} bytes, but its directory says ${entry.uncompressedSize}; the archive is damaged.`);
    if (crc !== entry.crc32)
      fail(
        'npz.crc',
        ` entry '${entry.name}' is damaged: its data has the CRC-32 ${crc.toString(16).padStart(8, '0')}, but the archive recorded ${entry.crc32.toString(16).padStart(8, '0')}.`,
      );
    const array = npy.finish();
    tensors.push({ name: entry.name.slice(0, -'.npy'.length), shape: array.shape, values: array.values, descr: array.descr });
  }
  return tensors;
}
