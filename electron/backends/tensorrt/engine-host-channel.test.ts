/**
 * The engine host's transport choice without Electron: a fake `process.parentPort` (what a utility
 * process has) and a fake IPC `process`, and a fake `utilityProcess` module whose "process" runs the
 * real serving code in this one over the TensorRT test double (not TensorRT), so both directions go
 * through the real schemas and structured clone.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createTensorRTHandlers, type HostCapabilities } from './host-handlers.js';
import { createTensorRTTestDouble, TEST_DOUBLE_CAPABILITIES } from './tensorrt-test-double.js';
import { EngineHostClient } from '../../engine-host/client.js';
import { selectHostChannel, serveEngineHost, type HostJobHandlers, type HostProcessLike, type ParentPortLike } from '../../engine-host/host-channel.js';
import type { NativeAddon, NativeBuildRequest } from '../../../native/lib/types.js';
import { parseHostReply } from '../../engine-host/protocol.js';
import {
  defaultEngineHostSpawner,
  engineHostEntry,
  setDefaultEngineHostSpawner,
  utilityProcessEngineHost,
  type UtilityProcessChild,
  type UtilityProcessModule,
} from '../../engine-host/spawn.js';

/** Handlers over the TensorRT test double (the addon "loads" and reports TensorRT 10.16.0). */
function doubleHandlers(addon: NativeAddon = createTensorRTTestDouble()): HostJobHandlers {
  return createTensorRTHandlers(() => ({ ok: true, addon, capabilities: addon.capabilities() }));
}

/** A fake Electron parentPort: `deliver` is a message from the parent; `sent` what the host posted. */
class FakeParentPort extends EventEmitter implements ParentPortLike {
  readonly sent: unknown[] = [];
  postMessage(message: unknown): void {
    this.sent.push(structuredClone(message));
  }
  deliver(data: unknown): void {
    this.emit('message', { data: structuredClone(data), ports: [] });
  }
}

/** A process-like object: `parentPort` and/or `send` as given, and its own events. */
function fakeProcess(parts: { parentPort?: ParentPortLike | null; send?: (message: unknown) => boolean }): HostProcessLike & EventEmitter {
  return Object.assign(new EventEmitter(), parts);
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('selectHostChannel', () => {
  it('takes process.parentPort in a utility process, the IPC channel in a forked one, and nothing when started by hand', () => {
    const port = new FakeParentPort();
    expect(selectHostChannel(fakeProcess({ parentPort: port }))?.kind).toBe('parentPort');
    // Electron's parentPort wins even if something defined process.send.
    expect(selectHostChannel(fakeProcess({ parentPort: port, send: () => true }))?.kind).toBe('parentPort');
    expect(selectHostChannel(fakeProcess({ parentPort: null, send: () => true }))?.kind).toBe('ipc');
    expect(selectHostChannel(fakeProcess({}))).toBeUndefined();
  });

  it('over a parentPort: ready first, then validated requests served and every reply valid under the reply schema', async () => {
    const port = new FakeParentPort();
    const channel = selectHostChannel(fakeProcess({ parentPort: port }))!;
    const exits: number[] = [];
    serveEngineHost(channel, { handlers: doubleHandlers(), pid: 4321, crashHookEnabled: false, crash: () => exits.push(-1), exit: (code) => exits.push(code) });
    expect(port.sent).toEqual([{ type: 'ready', pid: 4321 }]);

    port.deliver({ type: 'capabilities', id: 1 });
    // Malformed: weights must be Float32Arrays; the job with id 2 fails, the host keeps serving.
    port.deliver({
      type: 'build',
      id: 2,
      request: { program: { formatVersion: 1, name: 'bad', inputs: [], ops: [], outputs: [], weights: [] }, weights: { w: [1, 2] } },
    });
    port.deliver({ type: 'nonsense' });
    port.deliver({ type: 'crash', id: 3 });
    await settle();
    expect(port.sent.map((m) => parseHostReply(m).ok)).toEqual([true, true, true, true]);
    // The malformed and crash replies are immediate; the capabilities job answers after them.
    const replies = port.sent as { type: string; id: number; value?: HostCapabilities; diagnostics?: { code: string; message: string }[] }[];
    expect(replies.map((r) => r.type === 'ready' || r.id)).toEqual([true, 2, 3, 1]);
    const [capabilities, malformed, crash] = [1, 2, 3].map((id) => replies.find((r) => r.id === id));
    expect(capabilities!.type).toBe('result');
    expect(capabilities!.value?.native).toEqual(TEST_DOUBLE_CAPABILITIES);
    expect(malformed).toMatchObject({ type: 'failure', id: 2, diagnostics: [{ code: 'engine-host.protocol' }] });
    expect(malformed!.diagnostics![0]!.message).toMatch(/^The engine host received an invalid request: request\.weights\.w: /);
    expect(crash).toEqual({
      type: 'failure',
      id: 3,
      diagnostics: [{ severity: 'error', code: 'engine-host.crash-hook', message: 'The crash hook is enabled only when TRT_STUDIO_ENGINE_HOST_CRASH_HOOK=1.' }],
    });
    expect(exits).toEqual([]);
  });

  it('over IPC: replies go through process.send, and a lost parent ends the host', async () => {
    const sent: unknown[] = [];
    const proc = fakeProcess({ send: (m) => sent.push(m) > 0 });
    const exits: number[] = [];
    serveEngineHost(selectHostChannel(proc)!, {
      handlers: doubleHandlers(),
      pid: 7,
      crashHookEnabled: true,
      crash: () => exits.push(-1),
      exit: (code) => exits.push(code),
    });
    proc.emit('message', { type: 'capabilities', id: 5 });
    proc.emit('message', { type: 'crash', id: 6 });
    await settle();
    expect(sent.map((m) => (m as { type: string }).type)).toEqual(['ready', 'failure', 'result']);
    expect(exits).toEqual([-1]);
    proc.emit('disconnect');
    expect(exits).toEqual([-1, 0]);
  });
});

/**
 * A fake `utilityProcess` module: each fork runs serveEngineHost in this process behind a fake
 * parentPort; `crash` ends the "process" with exit code 139 as a SIGSEGV would.
 */
function fakeUtilityProcess(makeAddon?: () => NativeAddon): {
  module: UtilityProcessModule;
  forks: { modulePath: string; options: unknown; child: EventEmitter }[];
} {
  const forks: { modulePath: string; options: unknown; child: EventEmitter }[] = [];
  let nextPid = 100;
  const module: UtilityProcessModule = {
    fork(modulePath, _args, options) {
      const port = new EventEmitter() as EventEmitter & ParentPortLike;
      let pid: number | undefined = nextPid++;
      const child = Object.assign(new EventEmitter(), {
        get pid() {
          return pid;
        },
        postMessage: (message: unknown) => {
          const copy = structuredClone(message);
          queueMicrotask(() => port.emit('message', { data: copy }));
        },
        kill: () => {
          queueMicrotask(() => die(0));
          return true;
        },
      }) as EventEmitter & UtilityProcessChild;
      const die = (code: number) => {
        if (pid === undefined) return;
        pid = undefined;
        child.emit('exit', code);
      };
      port.postMessage = (message: unknown) => {
        const copy = structuredClone(message);
        queueMicrotask(() => pid !== undefined && child.emit('message', copy));
      };
      forks.push({ modulePath, options, child });
      serveEngineHost(selectHostChannel({ parentPort: port, on: () => undefined })!, {
        handlers: doubleHandlers(makeAddon?.()),
        pid: pid,
        crashHookEnabled: true,
        crash: () => queueMicrotask(() => die(139)),
        exit: die,
      });
      return child;
    },
  };
  return { module, forks };
}

describe('utilityProcessEngineHost', () => {
  it('forks the engine host entry as a utility process; jobs, a crash and the fresh host after it work as with fork', async () => {
    const utility = fakeUtilityProcess();
    const client = new EngineHostClient(utilityProcessEngineHost(utility.module, { TRT_STUDIO_ENGINE_HOST_CRASH_HOOK: '1' }));
    try {
      const caps = await client.request({ type: 'capabilities' });
      expect(caps.ok && (caps.value as HostCapabilities).available).toBe(true);
      expect(utility.forks).toHaveLength(1);
      const entry = engineHostEntry();
      expect(utility.forks[0]!.modulePath).toBe(entry.file);
      expect(utility.forks[0]!.options).toEqual({
        execArgv: entry.execArgv,
        env: { TRT_STUDIO_ENGINE_HOST_CRASH_HOOK: '1' },
        stdio: 'inherit',
        serviceName: 'TRT Studio engine host',
      });
      expect(client.pid).toBe(100);

      // Typed arrays cross both ways: a build's weights go in, the engine bytes come back.
      const built = await client.request({
        type: 'build',
        request: { program: { formatVersion: 1, name: 'empty', inputs: [], ops: [], outputs: [], weights: [] }, weights: { w: new Float32Array([1, 2]) } },
      });
      expect(built.ok && (built.value as { engine: unknown }).engine instanceof Uint8Array).toBe(true);

      const crashed = await client.request({ type: 'crash' });
      expect(crashed).toEqual({
        ok: false,
        diagnostics: [
          {
            severity: 'error',
            code: 'engine-host.crashed',
            message:
              'The engine host process exited with code 139 during the crash job, so the job failed. TensorRT or CUDA probably crashed; the next job starts a fresh engine host.',
          },
        ],
      });
      expect(client.pid).toBeUndefined();
      expect((await client.request({ type: 'capabilities' })).ok).toBe(true);
      expect(utility.forks).toHaveLength(2);
      expect(client.pid).toBe(101);
    } finally {
      client.dispose();
    }
  });

  it('a client made without a spawner uses the process-wide default, which the Electron shell replaces', async () => {
    const before = defaultEngineHostSpawner();
    const utility = fakeUtilityProcess();
    setDefaultEngineHostSpawner(utilityProcessEngineHost(utility.module));
    try {
      const client = new EngineHostClient();
      expect((await client.request({ type: 'capabilities' })).ok).toBe(true);
      expect(utility.forks).toHaveLength(1);
      expect(client.pid).toBe(100);
      client.dispose();
    } finally {
      setDefaultEngineHostSpawner(before);
    }
  });
});

/** A build request for the double whose network name says which job it is. */
function namedBuild(name: string): { type: 'build'; request: NativeBuildRequest } {
  return { type: 'build', request: { program: { formatVersion: 1, name, inputs: [], ops: [], outputs: [], weights: [] }, weights: {} } };
}

/** The TensorRT test double, but each build logs when it starts and ends and takes a little while. */
function loggingDouble(log: string[]): NativeAddon {
  const base = createTensorRTTestDouble();
  return {
    ...base,
    buildEngine(request, onEvent) {
      log.push(`start ${request.program.name}`);
      const handle = base.buildEngine(request, onEvent);
      const promise = handle.promise.then(async (result) => {
        await settle();
        log.push(`end ${request.program.name}`);
        return result;
      });
      return { promise, cancel: handle.cancel };
    },
  };
}

describe('the engine host queue', () => {
  it('runs TensorRT jobs one at a time in arrival order, answers capabilities at once, and cancels a waiting job before it starts', async () => {
    const log: string[] = [];
    const utility = fakeUtilityProcess(() => loggingDouble(log));
    const client = new EngineHostClient(utilityProcessEngineHost(utility.module));
    try {
      const cancel = new AbortController();
      const jobs = [client.request(namedBuild('a')), client.request(namedBuild('b'), { signal: cancel.signal }), client.request(namedBuild('c'))];
      const caps = await client.request({ type: 'capabilities' });
      expect(caps.ok).toBe(true);
      expect(log).toEqual(['start a']);
      cancel.abort();
      const [a, b, c] = await Promise.all(jobs);
      expect(log).toEqual(['start a', 'end a', 'start c', 'end c']);
      expect([a?.ok, c?.ok]).toEqual([true, true]);
      expect(b).toEqual({
        ok: false,
        diagnostics: [{ severity: 'error', code: 'job.cancelled', message: 'The build job was cancelled before it started.' }],
      });
    } finally {
      client.dispose();
    }
  });

  it('after a sticky CUDA error the host retires: the failed job says why, the waiting job runs on a fresh host', async () => {
    const sticky = {
      severity: 'error' as const,
      code: 'cuda.sticky',
      message:
        'CUDA failed to finish a run: an illegal memory access was encountered. The GPU context cannot be used after this error; the engine host restarts for the next job.',
    };
    const log: string[] = [];
    let hosts = 0;
    const utility = fakeUtilityProcess(() => {
      const host = ++hosts;
      return {
        ...loggingDouble(log),
        runEngine: () => {
          log.push(`run on host ${host}`);
          return Promise.reject(Object.assign(new Error(sticky.message), { diagnostics: [sticky] }));
        },
      };
    });
    const client = new EngineHostClient(utilityProcessEngineHost(utility.module));
    try {
      const run = client.request({ type: 'run', request: { engine: new Uint8Array([1]), inputs: {} } });
      const waiting = client.request(namedBuild('after'));
      expect(await run).toEqual({ ok: false, diagnostics: [sticky] });
      const after = await waiting;
      expect(after.ok).toBe(true);
      expect(log).toEqual(['run on host 1', 'start after', 'end after']);
      expect(utility.forks).toHaveLength(2);
      expect(client.pid).toBe(101);
      // The first host was stopped, and later jobs keep going to the fresh one.
      expect((await client.request(namedBuild('later'))).ok).toBe(true);
      expect(utility.forks).toHaveLength(2);
    } finally {
      client.dispose();
    }
  });
});
