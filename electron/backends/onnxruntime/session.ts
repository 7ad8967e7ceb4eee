/**
 * The ONNX Runtime side of the `onnxruntime` backend, run inside its worker thread: session
 * creation, runs, latency statistics and the per-layer profile from ORT's profiler.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DataType } from '../../../core/network/types.js';
import type { LatencyStats, NamedTensor } from '../backend.js';

/** Session options shared by our runs and the benchmark, so that comparisons use the same settings. */
export function sessionOptions(extra: ort.InferenceSession.SessionOptions = {}): ort.InferenceSession.SessionOptions {
  return { executionProviders: ['cpu'], graphOptimizationLevel: 'all', ...extra };
}

const ORT_TYPES: Partial<Record<DataType, ort.Tensor.Type>> = {
  FLOAT: 'float32',
  HALF: 'float16',
  INT8: 'int8',
  UINT8: 'uint8',
  INT32: 'int32',
  INT64: 'int64',
  BOOL: 'bool',
};

const FROM_ORT: Partial<Record<string, DataType>> = {
  float32: 'FLOAT',
  float16: 'HALF',
  int8: 'INT8',
  uint8: 'UINT8',
  int32: 'INT32',
  int64: 'INT64',
  bool: 'BOOL',
};

export function toOrtFeeds(inputs: readonly NamedTensor[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const t of inputs) {
    const type = ORT_TYPES[t.dtype];
    if (!type) throw new Error(`Input '${t.name}' has the data type ${t.dtype}, which ONNX Runtime cannot be fed here.`);
    feeds[t.name] = new ort.Tensor(type, t.data, t.dims);
  }
  return feeds;
}

export function fromOrtResults(results: ort.InferenceSession.OnnxValueMapType, names: readonly string[]): NamedTensor[] {
  return names.map((name) => {
    const t = results[name] as ort.Tensor;
    const dtype = FROM_ORT[t.type];
    if (!dtype) throw new Error(`Output '${name}' has the ONNX Runtime type ${t.type}, which is not supported.`);
    return { name, dtype, dims: [...t.dims], data: t.data as NamedTensor['data'] };
  });
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Latency statistics of timed runs; `batch` items per run for throughput. */
export function latencyStats(timesMs: readonly number[], warmup: number, batch: number): LatencyStats {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    iterations: sorted.length,
    warmup,
    minMs: sorted[0]!,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1]!,
    meanMs: mean,
    throughput: (batch * 1000) / mean,
  };
}

/** Run `warmup` untimed then `iterations` timed inferences. */
export async function measureLatency(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  iterations: number,
  warmup: number,
  batch: number,
  cancelled: () => boolean = () => false,
): Promise<LatencyStats> {
  for (let i = 0; i < warmup && !cancelled(); i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < iterations && !cancelled(); i++) {
    const start = performance.now();
    await session.run(feeds);
    times.push(performance.now() - start);
  }
  return latencyStats(times, warmup, batch);
}

/** One kernel event of ORT's Chrome-trace profile. */
export interface ProfileEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string };
}

/** Summed kernel time of one ORT node and the kernel it ran (`Conv`, `FusedConv`, ...). */
export interface NodeTime {
  microseconds: number;
  opName: string;
}

/** Summed kernel microseconds per ONNX node name, from ORT's profile JSON, skipping the first `skipRuns` runs. */
export function nodeTimesFromProfile(events: readonly ProfileEvent[], skipRuns = 0): Map<string, NodeTime> {
  const runStarts = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run' && typeof e.ts === 'number')
    .map((e) => e.ts!)
    .sort((a, b) => a - b);
  const from = skipRuns > 0 ? (runStarts[skipRuns] ?? Infinity) : -Infinity;
  const totals = new Map<string, NodeTime>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || typeof e.dur !== 'number') continue;
    if ((e.ts ?? 0) < from) continue;
    const node = e.name.slice(0, -'_kernel_time'.length);
    const entry = totals.get(node);
    if (entry) entry.microseconds += e.dur;
    else totals.set(node, { microseconds: e.dur, opName: e.args?.op_name ?? '' });
  }
  return totals;
}

/**
 * Profile `iterations` runs with ORT's profiler on (after warm-up runs of a plain session elsewhere)
 * and return the summed kernel time per ONNX node, in microseconds.
 */
export async function profileNodes(
  model: Uint8Array,
  feeds: Record<string, ort.Tensor>,
  iterations: number,
  cancelled: () => boolean,
): Promise<Map<string, NodeTime>> {
  const dir = await mkdtemp(join(tmpdir(), 'trt-studio-ort-profile-'));
  try {
    const session = await ort.InferenceSession.create(model, sessionOptions({ enableProfiling: true, profileFilePrefix: join(dir, 'profile') }));
    // The first run is ORT's own warm-up (allocations); it is left out of the totals.
    for (let i = 0; i < iterations + 1 && !cancelled(); i++) await session.run(feeds);
    session.endProfiling();
    await session.release();
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    const last = files[files.length - 1];
    if (!last) return new Map();
    const events = JSON.parse(await readFile(join(dir, last), 'utf8')) as ProfileEvent[];
    return nodeTimesFromProfile(events, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
