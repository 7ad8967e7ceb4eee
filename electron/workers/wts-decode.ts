/**
 * The `.wts` decode worker: reads a file in chunks, decodes it with the streaming codec, computes
 * each tensor's statistics and hands the Float32Arrays to the main thread without copying
 * (transferred). Runs off the main thread so that importing a 1.2 GB file never blocks the host.
 * Cancellation is a shared flag checked between chunks, because synchronous reads keep this
 * thread's event loop busy until the file is done.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { error } from '../../core/diagnostics.js';
import { tensorStatistics } from '../../core/weights/statistics.js';
import { WtsDecoder } from '../../core/weights/wts-decoder.js';
import { WtsFormatError } from '../../core/weights/wts-errors.js';
import type { WtsTensor } from '../../core/weights/wts-format.js';
import type { DecodeReply, DecodeRequest, DecodedTensorMessage } from './wts-decode-protocol.js';

/** 4 MiB: large enough that reading costs little per byte, small enough to stay out of the memory budget. */
const DEFAULT_CHUNK_BYTES = 4 << 20;
/** Progress is posted at most this often (bytes), so a fast decode is not slowed by messages. */
const PROGRESS_STEP = 16 << 20;

const port = parentPort;
if (!port) throw new Error('wts-decode must run as a worker thread.');

function post(reply: DecodeReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(reply, transfer);
}

function decode(request: DecodeRequest): void {
  const { jobId, path, fileName } = request;
  const cancelled = new Int32Array(request.cancel);
  const chunkBytes = request.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  let fd: number;
  let totalBytes: number;
  try {
    fd = openSync(path, 'r');
    totalBytes = fstatSync(fd).size;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    post({ type: 'failed', jobId, unreadable: true, diagnostic: error('wts.unreadable', `Cannot read '${fileName}': ${reason}.`, { detail: path }) });
    return;
  }
  const start = performance.now();
  const decoder = new WtsDecoder({ fileName, totalBytes });
  const tensors: WtsTensor[] = [];
  const buffer = new Uint8Array(chunkBytes);
  let bytes = 0;
  let nextProgress = PROGRESS_STEP;
  try {
    for (;;) {
      if (Atomics.load(cancelled, 0) !== 0) {
        post({ type: 'cancelled', jobId });
        return;
      }
      const n = readSync(fd, buffer, 0, chunkBytes, null);
      if (n === 0) break;
      for (const t of decoder.push(buffer.subarray(0, n))) tensors.push(t);
      bytes += n;
      if (bytes >= nextProgress) {
        post({ type: 'progress', jobId, bytes, totalBytes });
        nextProgress = bytes + PROGRESS_STEP;
      }
    }
    for (const t of decoder.finish()) tensors.push(t);
  } catch (e) {
    if (e instanceof WtsFormatError) {
      post({ type: 'failed', jobId, unreadable: false, diagnostic: e.diagnostic });
      return;
    }
    const reason = e instanceof Error ? e.message : String(e);
    post({ type: 'failed', jobId, unreadable: true, diagnostic: error('wts.unreadable', `Cannot read '${fileName}': ${reason}.`, { detail: path }) });
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
    out.push({ name: t.name, count: t.count, line: t.line, values: t.values, statistics: tensorStatistics(t.values) });
  }
  const statisticsSeconds = (performance.now() - statsStart) / 1000;
  post(
    { type: 'done', jobId, totalBytes, decodeSeconds, statisticsSeconds, tensors: out },
    out.map((t) => t.values.buffer as ArrayBuffer),
  );
}

port.on('message', (request: DecodeRequest) => {
  if (request.type === 'decode') decode(request);
});
