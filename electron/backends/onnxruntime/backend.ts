/**
 * The `onnxruntime` backend: the program translated to ONNX (core/onnx) and run by onnxruntime-node
 * on the CPU, in a worker thread. Cancelling terminates the worker, which stops a run mid-way.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { error, type Diagnostic, type Result } from '../../../core/diagnostics.js';
import { translateProgram, type OnnxTranslation } from '../../../core/onnx/translate.js';
import type { TrtProgram } from '../../../core/program/types.js';
import type { Backend, BackendModel, BackendSession, NamedTensor, ProfileOptions, ProfileResult } from '../backend.js';
import { attributeOrtKernels } from '../profile-attribution.js';
import { CANCELLED_MESSAGE as CANCELLED, type CreateReply, type ProfileReply, type WorkerCommand, type WorkerReply, type WorkerRequest } from './protocol.js';

/** Start the worker: the bundled `onnxruntime-worker.mjs` beside the bundle, or the TypeScript source through tsx's loader (tests, dev). */
function startWorker(): Worker {
  const bundled = new URL('./onnxruntime-worker.mjs', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return new Worker(bundled);
  const source = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true });
}

function failure(code: string, message: string, extra: Partial<Diagnostic> = {}): { ok: false; diagnostics: Diagnostic[] } {
  return { ok: false, diagnostics: [error(code, message, extra)] };
}

/**
 * One worker thread holding one InferenceSession; requests are answered in order. Cancelling is a
 * message, never `terminate()`: ending a thread inside an ORT call aborts the whole process.
 */
class WorkerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: WorkerReply) => void }>();
  private exitReason: string | undefined;

  constructor() {
    this.worker = startWorker();
    this.worker.on('message', (reply: WorkerReply) => {
      this.pending.get(reply.id)?.resolve(reply.ok || !reply.cancelled ? reply : { ...reply, message: CANCELLED });
      this.pending.delete(reply.id);
    });
    const settleAll = (message: string) => {
      this.exitReason ??= message;
      for (const [id, p] of this.pending) p.resolve({ id, ok: false, message: this.exitReason });
      this.pending.clear();
    };
    this.worker.on('error', (e: Error) => settleAll(`The ONNX Runtime worker failed: ${e.message}`));
    this.worker.on('exit', (code) => settleAll(`The ONNX Runtime worker stopped (exit code ${code}).`));
  }

  request(message: WorkerCommand, signal?: AbortSignal): Promise<WorkerReply> {
    const id = this.nextId++;
    if (this.exitReason) return Promise.resolve({ id, ok: false, message: this.exitReason });
    if (signal?.aborted) return Promise.resolve({ id, ok: false, message: CANCELLED });
    return new Promise((resolve) => {
      const onAbort = () => this.worker.postMessage({ kind: 'cancel', id: this.nextId++ } satisfies WorkerRequest);
      this.pending.set(id, {
        resolve: (reply) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(reply);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.postMessage({ ...message, id } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    if (this.exitReason) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ kind: 'close', id: this.nextId++ } satisfies WorkerRequest);
    await exited;
  }
}

function batchOf(program: TrtProgram, inputs: readonly NamedTensor[]): number {
  const first = inputs[0] ?? { dims: program.inputs[0]?.dims ?? [1] };
  return Math.max(1, first.dims[0] ?? 1);
}

class OnnxRuntimeSession implements BackendSession {
  constructor(
    private readonly client: WorkerClient,
    private readonly program: TrtProgram,
    private readonly translation: OnnxTranslation,
    readonly outputs: readonly string[],
  ) {}

  get sizeBytes(): number {
    return this.translation.bytes.length;
  }

  get inputs() {
    return this.program.inputs.map((i) => ({ name: i.name, dims: i.dims, dtype: i.dtype }));
  }

  private checkInputs(inputs: readonly NamedTensor[]): Diagnostic[] {
    const problems: Diagnostic[] = [];
    for (const expected of this.program.inputs) {
      const given = inputs.find((t) => t.name === expected.name);
      if (!given) {
        problems.push(
          error('run.input.missing', `The network input '${expected.name}' [${expected.dims.join(', ')}] was given no data.`, { nodeId: expected.nodeId }),
        );
        continue;
      }
      const fits = given.dims.length === expected.dims.length && given.dims.every((d, i) => expected.dims[i] === -1 || expected.dims[i] === d);
      if (!fits)
        problems.push(
          error(
            'run.input.shape',
            `The data for input '${expected.name}' has dims [${given.dims.join(', ')}], but the network expects [${expected.dims.join(', ')}].`,
            {
              nodeId: expected.nodeId,
            },
          ),
        );
      const count = given.dims.reduce((a, b) => a * b, 1);
      if (count !== given.data.length)
        problems.push(
          error(
            'run.input.count',
            `The data for input '${expected.name}' holds ${given.data.length} values, but its dims [${given.dims.join(', ')}] need ${count}.`,
          ),
        );
    }
    for (const t of inputs)
      if (!this.program.inputs.some((i) => i.name === t.name))
        problems.push(
          error(
            'run.input.unknown',
            `'${t.name}' is not an input of this network; its inputs are ${this.program.inputs.map((i) => `'${i.name}'`).join(', ')}.`,
          ),
        );
    return problems;
  }

  async run(inputs: NamedTensor[], signal?: AbortSignal): Promise<Result<NamedTensor[]>> {
    const problems = this.checkInputs(inputs);
    if (problems.length > 0) return { ok: false, diagnostics: problems };
    const reply = await this.client.request({ kind: 'run', inputs }, signal);
    if (!reply.ok) return failure(reply.message === CANCELLED ? 'run.cancelled' : 'run.onnxruntime', reply.message);
    return { ok: true, value: reply.value as NamedTensor[] };
  }

  async profile(inputs: NamedTensor[], options: ProfileOptions): Promise<Result<ProfileResult>> {
    const problems = this.checkInputs(inputs);
    if (problems.length > 0) return { ok: false, diagnostics: problems };
    if (!Number.isInteger(options.iterations) || options.iterations < 1)
      return failure('profile.iterations', `The number of iterations must be a positive integer; got ${options.iterations}.`);
    const reply = await this.client.request(
      { kind: 'profile', inputs, iterations: options.iterations, warmup: options.warmup, batch: batchOf(this.program, inputs) },
      options.signal,
    );
    if (!reply.ok) return failure(reply.message === CANCELLED ? 'profile.cancelled' : 'profile.onnxruntime', reply.message);
    const value = reply.value as ProfileReply;
    const kernels = value.nodeMicroseconds.map(([name, microseconds, opName]) => ({ name, totalMs: microseconds / 1000, opName }));
    return { ok: true, value: { latency: value.latency, layers: attributeOrtKernels(this.program, this.translation, kernels, value.profiledRuns) } };
  }

  dispose(): Promise<void> {
    return this.client.close();
  }
}

/** The reference backend: available wherever onnxruntime-node installs. */
export const onnxRuntimeBackend: Backend = {
  name: 'onnxruntime',
  capabilities: { build: true, run: true, profile: true, exportExtension: '.onnx' },

  async available() {
    try {
      await import('onnxruntime-node');
      return { ok: true, value: true };
    } catch (e) {
      return failure('backend.onnxruntime.missing', `onnxruntime-node cannot be loaded: ${(e as Error).message}. Run 'npm install' to install it.`);
    }
  },

  async build(model: BackendModel, signal?: AbortSignal) {
    const translation = translateProgram(model.program, model.weights);
    if (!translation.ok) return translation;
    const client = new WorkerClient();
    // The worker keeps its own copy; the transfer list is not used so that the caller's bytes stay valid.
    const reply = await client.request({ kind: 'create', model: translation.value.bytes }, signal);
    if (!reply.ok) {
      await client.close();
      return failure(
        reply.message === CANCELLED ? 'build.cancelled' : 'build.onnxruntime',
        `ONNX Runtime could not load the translated model: ${reply.message}`,
      );
    }
    const created = reply.value as CreateReply;
    return { ok: true, value: new OnnxRuntimeSession(client, model.program, translation.value, created.outputs) };
  },

  async export(model: BackendModel) {
    const translation = translateProgram(model.program, model.weights);
    return translation.ok ? { ok: true, value: translation.value.bytes } : translation;
  },
};
