/**
 * What the binary weight formats share (`.safetensors`, NumPy `.npz`): the file as random-access
 * reads, the decoded tensor with its shape, the error that carries a Diagnostic, and which decoder
 * a file name picks. Unlike a `.wts`, these formats carry shapes; the weight store keeps them.
 */
import type { Diagnostic } from '../diagnostics.js';
import { error } from '../diagnostics.js';

/** The weight file formats, by what the weight store decodes. */
export type WeightFileFormat = 'wts' | 'safetensors' | 'npz';

/** The format a file name says: `.safetensors` and `.npz` by their extension, anything else is read as a `.wts`. */
export function weightFileFormat(fileName: string): WeightFileFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (lower.endsWith('.npz')) return 'npz';
  return 'wts';
}

/**
 * The file being decoded, read in pieces (the worker reads the file, tests an array): a decoder
 * holds at most one piece of the file at a time besides the tensors it has filled.
 */
export interface ByteSource {
  /** The file's size in bytes. */
  readonly size: number;
  /**
   * Exactly `length` bytes from `position`: into `into` (of that length) when given, so a decoder can
   * reuse one buffer; else in a new array. Rejects when the file cannot be read (or the import was cancelled).
   */
  read(position: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
}

/** A byte source over an array in memory. */
export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (position, length, into) => {
      if (position < 0 || position + length > bytes.length) return Promise.reject(new RangeError(`Read of ${length} bytes at ${position} past the end.`));
      if (!into) return Promise.resolve(bytes.slice(position, position + length));
      into.set(bytes.subarray(position, position + length));
      return Promise.resolve(into);
    },
  };
}

/** One decoded tensor, converted to float32 as the weight store holds every tensor. */
export interface ShapedTensor {
  name: string;
  shape: number[];
  values: Float32Array;
  /** The dtype the file stored before the conversion, as a `.npy` header writes it (`<f4`, `<f8`); set by the `.npz` decoder. */
  descr?: string;
}

export interface TensorFileOptions {
  /** The file name used in messages. */
  fileName: string;
  /** Bytes read per piece (4 MiB by default). */
  chunkBytes?: number;
}

export const DEFAULT_CHUNK_BYTES = 4 << 20;

/** Thrown on the first format error of a `.safetensors` or `.npz`; carries the Diagnostic to show. Nothing of the file is loaded. */
export class TensorFileError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** Throw a format error whose message starts with the quoted file name. */
export function tensorFileError(code: string, fileName: string, message: string): never {
  throw new TensorFileError(error(code, `'${fileName}'${message.startsWith(' ') ? '' : ': '}${message}`, { detail: fileName }));
}

/** A shape as the messages print it: `[64, 3, 7, 7]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Element count of a shape (1 for a scalar), or undefined when it is not a safe integer. */
export function shapeCount(shape: readonly number[]): number | undefined {
  let count = 1;
  for (const d of shape) count *= d;
  return Number.isSafeInteger(count) ? count : undefined;
}
