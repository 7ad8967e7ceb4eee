/**
 * The weight store (ARCHITECTURE.md rule 4): weight files (`.wts`, `.safetensors`, NumPy `.npz`)
 * decoded once, off the main thread, into Float32Arrays owned here. Several files can be loaded and unloaded; tensors are found by name;
 * statistics are computed once, in the worker. The renderer gets `WeightFileSummary` metadata only.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { WeightTensorInfo } from '../../core/weights/binding.js';
import { tensorStatistics, type TensorStatistics } from '../../core/weights/statistics.js';
import type { DecodeReply, DecodeRequest } from '../workers/weights-decode-protocol.js';

/** What the renderer sees of one tensor: never the values. */
export interface TensorSummary {
  name: string;
  count: number;
  /** Line of the tensor's record in a `.wts`. */
  line?: number;
  /** The shape a `.safetensors` or `.npz` gives (a `.wts` carries none: its slot gives one). */
  shape?: number[];
  statistics: TensorStatistics;
}

/** What the renderer sees of one loaded file. */
export interface WeightFileSummary {
  id: string;
  path: string;
  fileName: string;
  bytes: number;
  valueCount: number;
  decodeSeconds: number;
  statisticsSeconds: number;
  tensors: TensorSummary[];
}

export interface ImportProgress {
  bytes: number;
  totalBytes: number;
  /** bytes / totalBytes, 0…1. */
  fraction: number;
}

export interface LoadOptions {
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
  /** Bytes read per chunk (benchmarks vary it). */
  chunkBytes?: number;
}

/**
 * A failed import: the Diagnostic, and whether the file could not be read at all (the CLI exits 2
 * then, 1 for a format error). A cancelled import has the code `wts.cancelled`.
 */
export type LoadResult = { ok: true; file: WeightFileSummary } | { ok: false; diagnostic: Diagnostic; unreadable: boolean };

interface LoadedFile {
  summary: WeightFileSummary;
  values: Map<string, Float32Array>;
}

interface PendingJob {
  resolve: (result: LoadResult) => void;
  path: string;
  fileName: string;
  options: LoadOptions;
  cancel: Int32Array;
}

/**
 * Where the decode worker is: beside this module in the esbuild bundle (`dist/weights-decode-worker.mjs`),
 * else the TypeScript source, started through tsx (vitest and `tsx` runs).
 */
function resolveDecodeWorker(moduleUrl: string = import.meta.url): { url: URL; fromSource: boolean } {
  const bundled = new URL('./weights-decode-worker.mjs', moduleUrl);
  if (moduleUrl.startsWith('file:') && existsSync(fileURLToPath(bundled))) return { url: bundled, fromSource: false };
  return { url: new URL('../workers/weights-decode.ts', moduleUrl), fromSource: true };
}

function startWorker(location: { url: URL; fromSource: boolean }): Worker {
  if (!location.fromSource) return new Worker(location.url);
  // Node cannot run TypeScript in a worker by itself: register tsx's loader first, then import the source.
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(location.url.href)}); })`;
  return new Worker(bootstrap, { eval: true });
}

export class WeightStore {
  private readonly files = new Map<string, LoadedFile>();
  private worker: Worker | undefined;
  private readonly jobs = new Map<number, PendingJob>();
  private nextJob = 1;
  private nextFile = 1;

  /** `workerLocation` overrides where the decode worker is found (an Electron main bundle passes its own). */
  constructor(private readonly workerLocation: { url: URL; fromSource: boolean } = resolveDecodeWorker()) {}

  /** Decode a weights file in the worker (its extension picks the format) and keep its tensors. A file with any error loads nothing. */
  load(path: string, options: LoadOptions = {}): Promise<LoadResult> {
    const fileName = basename(path);
    if (options.signal?.aborted) return Promise.resolve(cancelledResult(fileName));
    const jobId = this.nextJob++;
    const cancelBuffer = new SharedArrayBuffer(4);
    const cancel = new Int32Array(cancelBuffer);
    const worker = this.ensureWorker();
    // Keep the process alive while an import runs (the CLI awaits only this promise); idle, the worker holds nothing up.
    worker.ref();
    return new Promise<LoadResult>((resolvePromise) => {
      const finish = (result: LoadResult) => {
        if (this.jobs.size === 0) worker.unref();
        resolvePromise(result);
      };
      this.jobs.set(jobId, { resolve: finish, path: resolve(path), fileName, options, cancel });
      options.signal?.addEventListener('abort', () => Atomics.store(cancel, 0, 1), { once: true });
      const request: DecodeRequest = {
        type: 'decode',
        jobId,
        path: resolve(path),
        fileName,
        cancel: cancelBuffer,
        ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}),
      };
      worker.postMessage(request);
    });
  }

  /**
   * Keep tensors that were decoded elsewhere (an ONNX model's initializers) as one more weight set,
   * under `fileName`, with no file behind it (`path` ''). The arrays are kept as they are, not copied.
   * Each tensor's statistics are computed here, once, when first read: not while the import that
   * adopts the set waits (a 2,000-layer model's 21 M values took 0.3 s, before the network could open).
   * `statisticsSeconds` is then 0.
   */
  adopt(fileName: string, tensors: readonly { name: string; values: Float32Array; shape?: readonly number[] }[]): WeightFileSummary {
    const summaries: TensorSummary[] = tensors.map((t) => {
      let statistics: TensorStatistics | undefined;
      return {
        name: t.name,
        count: t.values.length,
        ...(t.shape ? { shape: [...t.shape] } : {}),
        get statistics() {
          return (statistics ??= tensorStatistics(t.values));
        },
      };
    });
    const id = `w${this.nextFile++}`;
    const summary: WeightFileSummary = {
      id,
      path: '',
      fileName,
      bytes: tensors.reduce((sum, t) => sum + t.values.byteLength, 0),
      valueCount: tensors.reduce((sum, t) => sum + t.values.length, 0),
      decodeSeconds: 0,
      statisticsSeconds: 0,
      tensors: summaries,
    };
    this.files.set(id, { summary, values: new Map(tensors.map((t) => [t.name, t.values])) });
    return summary;
  }

  /** Forget a file and release its tensors; false when no file has this id. */
  unload(fileId: string): boolean {
    return this.files.delete(fileId);
  }

  /** Metadata of every loaded file, in load order: what the renderer may see. */
  list(): WeightFileSummary[] {
    return [...this.files.values()].map((f) => f.summary);
  }

  summary(fileId: string): WeightFileSummary | undefined {
    return this.files.get(fileId)?.summary;
  }

  /** A tensor's values (main process only: builds, exports, the reference runtime). */
  tensor(fileId: string, name: string): Float32Array | undefined {
    return this.files.get(fileId)?.values.get(name);
  }

  /** Names and counts of a file's tensors, as binding takes them. */
  tensorInfos(fileId: string): WeightTensorInfo[] {
    return this.files.get(fileId)?.summary.tensors.map((t) => ({ name: t.name, count: t.count })) ?? [];
  }

  /** Stop the worker (pending imports end as cancelled). */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    for (const [jobId, job] of this.jobs) {
      this.jobs.delete(jobId);
      job.resolve(cancelledResult(job.fileName));
    }
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(this.workerLocation);
    worker.on('message', (reply: DecodeReply) => this.onReply(reply));
    // A worker that dies (out of memory, a bug) fails its jobs with a message instead of hanging them.
    const failAll = (reason: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [jobId, job] of this.jobs) {
        this.jobs.delete(jobId);
        job.resolve({
          ok: false,
          unreadable: true,
          diagnostic: {
            severity: 'error',
            code: 'wts.worker',
            message: `Decoding '${job.fileName}' stopped: ${reason}. Nothing was loaded.`,
            detail: job.path,
          },
        });
      }
    };
    worker.on('error', (e: unknown) => failAll(e instanceof Error ? e.message : String(e)));
    worker.on('exit', (code) => failAll(`the decode worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private onReply(reply: DecodeReply): void {
    const job = this.jobs.get(reply.jobId);
    if (!job) return;
    switch (reply.type) {
      case 'progress':
        job.options.onProgress?.({ bytes: reply.bytes, totalBytes: reply.totalBytes, fraction: reply.totalBytes > 0 ? reply.bytes / reply.totalBytes : 1 });
        return;
      case 'cancelled':
        this.jobs.delete(reply.jobId);
        job.resolve(cancelledResult(job.fileName));
        return;
      case 'failed':
        this.jobs.delete(reply.jobId);
        job.resolve({ ok: false, diagnostic: reply.diagnostic, unreadable: reply.unreadable });
        return;
      case 'done': {
        this.jobs.delete(reply.jobId);
        // Cancelled after the worker finished: still nothing is loaded.
        if (Atomics.load(job.cancel, 0) !== 0) {
          job.resolve(cancelledResult(job.fileName));
          return;
        }
        const id = `w${this.nextFile++}`;
        const values = new Map(reply.tensors.map((t) => [t.name, t.values]));
        const summary: WeightFileSummary = {
          id,
          path: job.path,
          fileName: job.fileName,
          bytes: reply.totalBytes,
          valueCount: reply.tensors.reduce((sum, t) => sum + t.count, 0),
          decodeSeconds: reply.decodeSeconds,
          statisticsSeconds: reply.statisticsSeconds,
          tensors: reply.tensors.map(({ values: _values, ...summary }) => summary),
        };
        this.files.set(id, { summary, values });
        job.resolve({ ok: true, file: summary });
        return;
      }
    }
  }
}

function cancelledResult(fileName: string): LoadResult {
  return {
    ok: false,
    unreadable: false,
    diagnostic: { severity: 'info', code: 'wts.cancelled', message: `Importing '${fileName}' was cancelled; nothing was loaded.` },
  };
}
