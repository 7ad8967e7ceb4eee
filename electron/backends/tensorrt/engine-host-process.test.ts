import { afterEach, describe, expect, it } from 'vitest';
import type { HostCapabilities } from './host-handlers.js';
import { EngineHostClient } from '../../engine-host/client.js';
import { forkEngineHost } from '../../engine-host/spawn.js';

const clients: EngineHostClient[] = [];
function client(environment: NodeJS.ProcessEnv = process.env): EngineHostClient {
  const c = new EngineHostClient(() => forkEngineHost(environment));
  clients.push(c);
  return c;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});

describe('EngineHostClient with a real engine host process', () => {
  it('answers capabilities from the forked host, which loads the addon built without TensorRT', async () => {
    const host = client();
    const result = await host.request({ type: 'capabilities' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const caps = result.value as HostCapabilities;
    expect(caps.available).toBe(false);
    expect(caps.cause).toBe('built-without-tensorrt');
    expect(caps.explanation).toMatch(/^TensorRT is not available: the native addon was built without TensorRT\./);
    expect(caps.native?.builtWithTensorRT).toBe(false);
    expect(host.pid).toBeGreaterThan(0);
    expect(host.pid).not.toBe(process.pid);
  });

  it('fails a crashed job with a clear error, and the next job starts a fresh host', async () => {
    const host = client({ ...process.env, TRT_STUDIO_ENGINE_HOST_CRASH_HOOK: '1' });
    const first = await host.request({ type: 'capabilities' });
    expect(first.ok).toBe(true);
    const crashedPid = host.pid;

    const crashed = await host.request({ type: 'crash' });
    expect(crashed.ok).toBe(false);
    if (crashed.ok) return;
    expect(crashed.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'engine-host.crashed',
        message:
          'The engine host process was killed by signal SIGSEGV during the crash job, so the job failed. TensorRT or CUDA probably crashed; the next job starts a fresh engine host.',
      },
    ]);
    expect(host.pid).toBeUndefined();

    const after = await host.request({ type: 'capabilities' });
    expect(after.ok).toBe(true);
    expect(host.pid).toBeGreaterThan(0);
    expect(host.pid).not.toBe(crashedPid);
  });

  it('ignores the crash hook unless the environment enables it', async () => {
    const environment = { ...process.env };
    delete environment.TRT_STUDIO_ENGINE_HOST_CRASH_HOOK;
    const host = client(environment);
    const result = await host.request({ type: 'crash' });
    expect(result).toEqual({
      ok: false,
      diagnostics: [{ severity: 'error', code: 'engine-host.crash-hook', message: 'The crash hook is enabled only when TRT_STUDIO_ENGINE_HOST_CRASH_HOOK=1.' }],
    });
  });

  it('reports a build without TensorRT as unavailable with the loader explanation', async () => {
    const host = client();
    const result = await host.request({
      type: 'build',
      request: { program: { formatVersion: 1, name: 'empty', inputs: [], ops: [], outputs: [], weights: [] }, weights: {} },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]!.code).toBe('tensorrt.unavailable');
    expect(result.diagnostics[0]!.message).toContain('Possible solutions:');
  });

  it('rejects a malformed request inside the host with a Diagnostic', async () => {
    const host = client();
    // Deliberately wrong: weights must be Float32Arrays.
    const result = await host.request({
      type: 'build',
      request: {
        program: { formatVersion: 1, name: 'bad', inputs: [], ops: [], outputs: [], weights: [] },
        weights: { w1: [1, 2] as unknown as Float32Array },
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]!.code).toBe('engine-host.protocol');
    expect(result.diagnostics[0]!.message).toMatch(/^The engine host received an invalid request: request\.weights\.w1: /);
  });
});
