/** Messages between the weight store (main thread) and the weights decode worker. */
import type { Diagnostic } from '../../core/diagnostics.js';
import type { TensorStatistics } from '../../core/weights/statistics.js';

export interface DecodeRequest {
  type: 'decode';
  jobId: number;
  path: string;
  /** The name used in messages (the file's base name); its extension picks the format. */
  fileName: string;
  /** One Int32: the main thread stores 1 to cancel; the worker checks it between chunks. */
  cancel: SharedArrayBuffer;
  /** Bytes read per chunk. */
  chunkBytes?: number;
}

export interface DecodedTensorMessage {
  name: string;
  count: number;
  /** The record's line in a `.wts`. */
  line?: number;
  /** The shape a `.safetensors` or `.npz` gives (a `.wts` has none). */
  shape?: number[];
  values: Float32Array;
  statistics: TensorStatistics;
}

export type DecodeReply =
  | { type: 'progress'; jobId: number; bytes: number; totalBytes: number }
  | { type: 'done'; jobId: number; totalBytes: number; decodeSeconds: number; statisticsSeconds: number; tensors: DecodedTensorMessage[] }
  | { type: 'failed'; jobId: number; diagnostic: Diagnostic; unreadable: boolean }
  | { type: 'cancelled'; jobId: number };
