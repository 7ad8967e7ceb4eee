/**
 * The engine host's side of the conversation, apart from the process it runs in: which channel
 * reaches the parent (Electron's `process.parentPort` in a utility process, the IPC channel of
 * `child_process.fork` otherwise), and serving validated requests over it. electron/engine-host-main.ts
 * wires it to the real process; tests to fakes.
 */
import { error, type Result } from '../../core/diagnostics.js';
import { parseHostRequest, type HostReply, type JobRequest } from './protocol.js';

/**
 * What the host does with each job: the backend's work, injected by the process entry
 * (electron/engine-host-main.ts registers TensorRT's), so the host itself knows no backend.
 */
export interface HostJobHandlers {
  /** Do one job; `emit` sends a progress event to the client while it runs. */
  handle(request: JobRequest, emit: (event: unknown) => void): Promise<Result<unknown>>;
  /** Stop the job with this id; its own reply follows when it stops. */
  cancel(id: number): void;
  /** Why this process can run no more jobs (a sticky CUDA error), once a job has hit that; the host then replaces itself. */
  unusable(): string | undefined;
}

/** How the host hears requests and sends replies. */
export interface HostChannel {
  kind: 'parentPort' | 'ipc';
  send(reply: HostReply): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The parent is gone (IPC only: Electron ends a utility process together with its parent). */
  onDisconnect(listener: () => void): void;
}

/** Electron's ParentPort as far as the host uses it: messages arrive as events carrying `data`. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** The parts of `process` the channel choice looks at. */
export interface HostProcessLike {
  parentPort?: ParentPortLike | null;
  send?: (message: unknown) => boolean;
  on(event: 'message' | 'disconnect', listener: (message?: unknown) => void): unknown;
}

/** The utility process's parentPort when there is one, else the fork's IPC channel; undefined when neither exists (started by hand). */
export function selectHostChannel(proc: HostProcessLike): HostChannel | undefined {
  const port = proc.parentPort;
  if (port) {
    return {
      kind: 'parentPort',
      send: (reply) => port.postMessage(reply),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onDisconnect: () => undefined,
    };
  }
  const send = proc.send;
  if (typeof send !== 'function') return undefined;
  return {
    kind: 'ipc',
    send: (reply) => send.call(proc, reply),
    onMessage: (listener) => proc.on('message', listener),
    onDisconnect: (listener) => proc.on('disconnect', () => listener()),
  };
}

export interface ServeOptions {
  handlers: HostJobHandlers;
  /** The process id announced in the `ready` reply. */
  pid: number;
  /** TRT_STUDIO_ENGINE_HOST_CRASH_HOOK=1: a `crash` request kills the host as a native crash would. */
  crashHookEnabled: boolean;
  crash(): void;
  exit(code: number): void;
}

/**
 * Serve requests arriving on `channel`, one job at a time: each one is validated; a malformed one
 * with an id fails that job with a Diagnostic. When a job leaves the process unusable (a sticky CUDA
 * error) the host says it is retiring and answers nothing more.
 */
export function serveEngineHost(channel: HostChannel, options: ServeOptions): void {
  const { handlers } = options;
  // Jobs run one at a time, in the order they arrived: TensorRT keeps one logger per process and the
  // GPU is shared, so overlapping jobs would only compete (the addon also locks each TensorRT job).
  let queue: Promise<void> = Promise.resolve();
  const waiting = new Set<number>();
  const cancelledWhileWaiting = new Set<number>();
  let retiring = false;
  channel.onMessage((message) => {
    const parsed = parseHostRequest(message);
    if (!parsed.ok) {
      if (parsed.id !== undefined) channel.send({ type: 'failure', id: parsed.id, diagnostics: [error('engine-host.protocol', parsed.message)] });
      return;
    }
    const request = parsed.value;
    if (request.type === 'crash') {
      if (options.crashHookEnabled) options.crash();
      channel.send({
        type: 'failure',
        id: request.id,
        diagnostics: [error('engine-host.crash-hook', 'The crash hook is enabled only when TRT_STUDIO_ENGINE_HOST_CRASH_HOOK=1.')],
      });
      return;
    }
    if (request.type === 'cancel') {
      // Carries the id of the job to cancel; that job's own reply follows when it stops.
      if (waiting.has(request.id)) cancelledWhileWaiting.add(request.id);
      else handlers.cancel(request.id);
      return;
    }
    const serve = async (): Promise<void> => {
      const result = await handlers.handle(request, (event) => channel.send({ type: 'event', id: request.id, event }));
      channel.send(result.ok ? { type: 'result', id: request.id, value: result.value } : { type: 'failure', id: request.id, diagnostics: result.diagnostics });
      const reason = handlers.unusable();
      if (reason !== undefined && !retiring) {
        retiring = true;
        channel.send({ type: 'retiring', reason });
      }
    };
    // Capabilities touch no GPU work and must not wait behind a long build.
    if (request.type === 'capabilities') {
      void serve();
      return;
    }
    waiting.add(request.id);
    queue = queue.then(async () => {
      waiting.delete(request.id);
      // A retiring host answers nothing more: the client has sent its waiting jobs to a fresh host.
      if (retiring) return;
      if (cancelledWhileWaiting.delete(request.id)) {
        channel.send({ type: 'failure', id: request.id, diagnostics: [error('job.cancelled', `The ${request.type} job was cancelled before it started.`)] });
        return;
      }
      await serve();
    });
  });
  // Without a parent nothing could reach this process any more.
  channel.onDisconnect(() => options.exit(0));
  channel.send({ type: 'ready', pid: options.pid });
}
