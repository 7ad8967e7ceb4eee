/** Messages between the `onnxruntime` backend and its worker thread. */
import type { LatencyStats, NamedTensor } from '../backend.js';

export const CANCELLED_MESSAGE = 'The ONNX Runtime job was cancelled.';

export type WorkerCommand =
  | { kind: 'create'; model: Uint8Array }
  | { kind: 'run'; inputs: NamedTensor[] }
  | { kind: 'profile'; inputs: NamedTensor[]; iterations: number; warmup: number; batch: number }
  /** Stop the request in flight after its current inference (ORT cannot stop one mid-way). */
  | { kind: 'cancel' }
  /** Release the session and end the worker. */
  | { kind: 'close' };

export type WorkerRequest = WorkerCommand & { id: number };

export interface ProfileReply {
  latency: LatencyStats;
  /** Summed kernel microseconds per ONNX node over `profiledRuns` runs, with ORT's kernel name. */
  nodeMicroseconds: [node: string, microseconds: number, opName: string][];
  profiledRuns: number;
}

export interface CreateReply {
  inputs: string[];
  outputs: string[];
}

export type WorkerReply =
  { id: number; ok: true; value: CreateReply | NamedTensor[] | ProfileReply | null } | { id: number; ok: false; message: string; cancelled?: boolean };
