/**
 * The weights decode worker: reads a weights file in chunks, decodes it with core's codec for its
 * format (`.wts` text, streaming; `.safetensors` and `.npz` binary, read piece by piece, `.npz`
 * entries inflated by Node's zlib), computes each tensor's statistics and hands the Float32Arrays
 * to the main thread without copying (transferred). Runs off the main thread so that importing a
 * 1.2 GB file never blocks the host. Cancellation is a shared flag checked between chunks, because
 * the synchronous reads keep this thread's event loop busy until the file is done.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { crc32, createInflateRaw } from 'node:zlib';
import { error } from '../../core/diagnostics.js';
import { decodeNpz, type Zlib } from '../../core/weights/npz-decoder.js';
import { decodeSafetensors } from '../../core/weights/safetensors-decoder.js';
import { tensorStatistics } from '../../core/weights/statistics.js';
import { type ByteSource, TensorFileError, weightFileFormat } from '../../core/weights/tensor-file.js';
import { WtsDecoder } from '../../core/weights/wts-decoder.js';
import { WtsFormatError } from '../../core/weights/wts-errors.js';
import type { DecodeReply, DecodeRequest, DecodedTensorMessage } from './weights-decode-protocol.js';

/** 4 MiB: large enough that reading costs little per byte, small enough to stay out of the memory budget. */
const DEFAULT_CHUNK_BYTES = 4 << 20;
/** Progress is posted at most this often (bytes), so a fast decode is not slowed by messages. */
const PROGRESS_STEP = 16 << 20;

const port = parentPort;
if (!port) throw new Error('weights-decode must run as a worker thread.');

function post(reply: DecodeReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(reply, transfer);
}

/** Thrown from a read once the main thread has set the cancel flag. */
class Cancelled extends Error {}

type Decoded = Omit<DecodedTensorMessage, 'statistics'>;

/** Counts bytes read and posts progress every PROGRESS_STEP. */
function progressCounter(jobId: number, totalBytes: number): (bytes: number) => void {
  let done = 0;
  let next = PROGRESS_STEP;
  return (bytes) => {
    done = Math.min(totalBytes, done + bytes);
    if (done >= next) {
      post({ type: 'progress', jobId, bytes: done, totalBytes });
      next = done + PROGRESS_STEP;
    }
  };
}

/** The `.wts` text codec over the whole file, chunk by chunk. */
function decodeWtsFile(fd: number, totalBytes: number, request: DecodeRequest, cancelled: Int32Array, progress: (bytes: number) => void): Decoded[] {
  const chunkBytes = request.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const decoder = new WtsDecoder({ fileName: request.fileName, totalBytes });
  const out: Decoded[] = [];
  const buffer = new Uint8Array(chunkBytes);
  for (;;) {
    if (Atomics.load(cancelled, 0) !== 0) throw new Cancelled();
    const n = readSync(fd, buffer, 0, chunkBytes, null);
    if (n === 0) break;
    for (const t of decoder.push(buffer.subarray(0, n))) out.push(t);
    progress(n);
  }
  for (const t of decoder.finish()) out.push(t);
  return out;
}

/** The file as the binary decoders read it: exact reads at positions, each checking the cancel flag first. */
function fileSource(fd: number, size: number, cancelled: Int32Array, progress: (bytes: number) => void): ByteSource {
  return {
    size,
    read: (position, length, into) => {
      if (Atomics.load(cancelled, 0) !== 0) return Promise.reject(new Cancelled());
      const out = into ?? new Uint8Array(length);
      for (let done = 0; done < length;) {
        const n = readSync(fd, out, done, length - done, position + done);
        if (n === 0) return Promise.reject(new Error(`the file ended at byte ${position + done} while it was being read; it changed during the import`));
        done += n;
      }
      progress(length);
      return Promise.resolve(out);
    },
  };
}

/** Node's zlib for `.npz` entries: one piece of compressed input buffered at a time, inflated in 256 KiB pieces. */
const nodeZlib: Zlib = {
  inflateRaw: (compressed) => {
    const inflater = createInflateRaw({ chunkSize: 256 << 10 });
    // Errors reach the reader through the inflater's iteration; the callback only ends the pipeline.
    pipeline(Readable.from(compressed, { highWaterMark: 1 }), inflater, () => undefined);
    return inflater;
  },
  crc32: (bytes, crc) => crc32(bytes, crc),
};

async function decode(request: DecodeRequest): Promise<void> {
  const { jobId, path, fileName } = request;
  const format = weightFileFormat(fileName);
  const cancelled = new Int32Array(request.cancel);
  const unreadable = (e: unknown) =>
    post({
      type: 'failed',
      jobId,
      unreadable: true,
      diagnostic: error(`${format}.unreadable`, `Cannot read '${fileName}': ${e instanceof Error ? e.message : String(e)}.`, { detail: path }),
    });
  let fd: number;
  let totalBytes: number;
  try {
    fd = openSync(path, 'r');
    totalBytes = fstatSync(fd).size;
  } catch (e) {
    unreadable(e);
    return;
  }
  const start = performance.now();
  const progress = progressCounter(jobId, totalBytes);
  let tensors: Decoded[];
  try {
    if (format === 'wts') tensors = decodeWtsFile(fd, totalBytes, request, cancelled, progress);
    else {
      const source = fileSource(fd, totalBytes, cancelled, progress);
      const options = { fileName, ...(request.chunkBytes ? { chunkBytes: request.chunkBytes } : {}) };
      const decoded = format === 'safetensors' ? await decodeSafetensors(source, options) : await decodeNpz(source, { ...options, zlib: nodeZlib });
      tensors = decoded.map((t) => ({ name: t.name, count: t.values.length, shape: t.shape, values: t.values }));
    }
  } catch (e) {
    if (e instanceof Cancelled) post({ type: 'cancelled', jobId });
    else if (e instanceof WtsFormatError || e instanceof TensorFileError) post({ type: 'failed', jobId, unreadable: false, diagnostic: e.diagnostic });
    else unreadable(e);
    return;
  } finally {
    closeSync(fd);
  }
  const decodeSeconds = (performance.now() - start) / 1000;
  post({ type: 'progress', jobId, bytes: totalBytes, totalBytes });
  const statsStart = performance.now();
  const out: DecodedTensorMessage[] = [];
  for (const t of tensors) {
    if (Atomics.load(cancelled, 0) !== 0) {
      post({ type: 'cancelled', jobId });
      return;
    }
    out.push({ ...t, statistics: tensorStatistics(t.values) });
  }
  const statisticsSeconds = (performance.now() - statsStart) / 1000;
  post(
    { type: 'done', jobId, totalBytes, decodeSeconds, statisticsSeconds, tensors: out },
    out.map((t) => t.values.buffer as ArrayBuffer),
  );
}

port.on('message', (request: DecodeRequest) => {
  if (request.type === 'decode') void decode(request);
});
