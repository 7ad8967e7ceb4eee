/** The `onnxruntime` backend's worker thread: owns the InferenceSession so runs never block the host's event loop. */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { CANCELLED_MESSAGE, type WorkerReply, type WorkerRequest } from './protocol.js';
import { fromOrtResults, measureLatency, profileNodes, sessionOptions, toOrtFeeds } from './session.js';

let session: ort.InferenceSession | undefined;
let model: Uint8Array | undefined;
/** Set by a `cancel` request; checked between inferences. */
let cancelRequested = false;
const cancelled = () => cancelRequested;

/** How many runs the per-layer profile records at most: profiling slows runs, and the means settle quickly. */
const PROFILED_RUNS = 20;

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  if (request.kind === 'cancel') {
    cancelRequested = true;
    return { id: request.id, ok: true, value: null };
  }
  if (request.kind === 'close') {
    await session?.release();
    session = undefined;
    parentPort?.close();
    return { id: request.id, ok: true, value: null };
  }
  cancelRequested = false;
  if (request.kind === 'create') {
    model = request.model;
    session = await ort.InferenceSession.create(model, sessionOptions());
    return { id: request.id, ok: true, value: { inputs: [...session.inputNames], outputs: [...session.outputNames] } };
  }
  if (!session || !model) return { id: request.id, ok: false, message: 'The model has not been loaded into ONNX Runtime yet.' };
  const feeds = toOrtFeeds(request.inputs);
  if (request.kind === 'run') {
    const results = await session.run(feeds);
    if (cancelled()) return { id: request.id, ok: false, message: CANCELLED_MESSAGE, cancelled: true };
    return { id: request.id, ok: true, value: fromOrtResults(results, session.outputNames) };
  }
  const latency = await measureLatency(session, feeds, request.iterations, request.warmup, request.batch, cancelled);
  if (cancelled()) return { id: request.id, ok: false, message: CANCELLED_MESSAGE, cancelled: true };
  const runs = Math.min(PROFILED_RUNS, request.iterations);
  const nodes = await profileNodes(model, feeds, runs, cancelled);
  if (cancelled()) return { id: request.id, ok: false, message: CANCELLED_MESSAGE, cancelled: true };
  return {
    id: request.id,
    ok: true,
    value: { latency, nodeMicroseconds: [...nodes].map(([node, t]) => [node, t.microseconds, t.opName]), profiledRuns: runs },
  };
}

parentPort?.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (reply) => parentPort?.postMessage(reply),
    (e: unknown) => parentPort?.postMessage({ id: request.id, ok: false, message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply),
  );
});
