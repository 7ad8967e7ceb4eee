/**
 * The services' side of the engine host: starts the host on first use, sends typed requests,
 * routes events and results back, and turns a crash of the host into a failed job. The next job
 * after a crash starts a fresh host.
 */
import { error, fail, ok, type Result } from '../../core/diagnostics.js';
import { parseHostReply, type HostRequest } from './protocol.js';
import { defaultEngineHostSpawner, type EngineHostTransport, type SpawnEngineHost } from './spawn.js';

type RequestBody = HostRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface PendingJob {
  type: HostRequest['type'];
  /** The request as sent, to send again to a fresh host if this one retires before answering. */
  body: RequestBody;
  resolve: (result: Result<unknown>) => void;
  onEvent?: (event: unknown) => void;
}

interface RunningHost {
  transport: EngineHostTransport;
  pending: Map<number, PendingJob>;
}

export class EngineHostClient {
  private host: RunningHost | undefined;
  private nextId = 1;

  /** `spawnHost` defaults to the process-wide spawner (a fork, or the Electron shell's utilityProcess). */
  constructor(private readonly spawnHost: SpawnEngineHost = defaultEngineHostSpawner()) {}

  /** Send one request; resolves with the host's value or the Diagnostics of its failure (a crash included). */
  request(body: RequestBody, options: { onEvent?: (event: unknown) => void; signal?: AbortSignal } = {}): Promise<Result<unknown>> {
    const id = this.nextId++;
    return new Promise<Result<unknown>>((resolve) => {
      const finish = (result: Result<unknown>): void => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      // Sent to whichever host holds the job now (a retiring host hands its jobs to a fresh one).
      const onAbort = (): void => {
        if (this.host?.pending.has(id)) this.host.transport.send({ type: 'cancel', id });
      };
      if (options.signal?.aborted) {
        resolve(fail(error('job.cancelled', `The ${body.type} job was cancelled before it started.`)));
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.send(id, { type: body.type, body, resolve: finish, onEvent: options.onEvent });
    });
  }

  /** The process id of the running host, if one runs (tests use it to see a fresh host). */
  get pid(): number | undefined {
    return this.host?.transport.pid;
  }

  /** Stop the host; jobs still pending fail. */
  dispose(): void {
    const host = this.host;
    this.host = undefined;
    if (!host) return;
    for (const job of host.pending.values())
      job.resolve(fail(error('engine-host.stopped', `The ${job.type} job was stopped because the engine host was shut down.`)));
    host.pending.clear();
    host.transport.kill();
  }

  private send(id: number, job: PendingJob): void {
    const host = this.ensureHost();
    host.pending.set(id, job);
    host.transport.send({ ...job.body, id });
  }

  /** The host said it can run no more jobs: its unanswered jobs go to a fresh host, and it is stopped. */
  private retire(host: RunningHost): void {
    if (this.host === host) this.host = undefined;
    const waiting = [...host.pending];
    host.pending.clear();
    host.transport.kill();
    for (const [id, job] of waiting) this.send(id, job);
  }

  private ensureHost(): RunningHost {
    if (this.host) return this.host;
    const transport = this.spawnHost();
    const host: RunningHost = { transport, pending: new Map() };
    transport.onMessage((message) => this.receive(host, message));
    transport.onExit((code, signal) => this.exited(host, code, signal));
    this.host = host;
    return host;
  }

  private receive(host: RunningHost, message: unknown): void {
    const parsed = parseHostReply(message);
    if (!parsed.ok) {
      // A reply we cannot read cannot be matched to its job either; fail them all rather than hang.
      for (const job of host.pending.values()) job.resolve(fail(error('engine-host.protocol', parsed.message)));
      host.pending.clear();
      return;
    }
    const reply = parsed.value;
    if (reply.type === 'ready') return;
    if (reply.type === 'retiring') {
      this.retire(host);
      return;
    }
    const job = host.pending.get(reply.id);
    if (!job) return;
    if (reply.type === 'event') {
      job.onEvent?.(reply.event);
      return;
    }
    host.pending.delete(reply.id);
    job.resolve(reply.type === 'result' ? ok(reply.value) : fail(...reply.diagnostics));
  }

  private exited(host: RunningHost, code: number | null, signal: string | null): void {
    if (this.host === host) this.host = undefined;
    const how = signal ? `was killed by signal ${signal}` : `exited with code ${String(code)}`;
    for (const job of host.pending.values()) {
      job.resolve(
        fail(
          error(
            'engine-host.crashed',
            `The engine host process ${how} during the ${job.type} job, so the job failed. TensorRT or CUDA probably crashed; the next job starts a fresh engine host.`,
          ),
        ),
      );
    }
    host.pending.clear();
  }
}
