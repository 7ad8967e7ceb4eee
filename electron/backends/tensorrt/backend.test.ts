import { afterAll, describe, expect, it } from 'vitest';
import type { TrtProgram } from '../../../core/program/types.js';
import { EngineHostClient } from '../../engine-host/client.js';
import type { EngineHostTransport } from '../../engine-host/spawn.js';
import { latencyFromRuns, TensorRTBackend } from './backend.js';

const PROGRAM: TrtProgram = {
  formatVersion: 1,
  name: 'tiny',
  inputs: [{ name: 'input', dtype: 'FLOAT', dims: [2, 3], nodeId: 'in' }],
  ops: [
    {
      op: 'addActivation',
      layerName: 'layer1.0.conv',
      nodeId: 'n1',
      params: { type: 'RELU', alpha: 0, beta: 0 },
      inputs: { input: 'input' },
      outputs: { output: 't1' },
      outputInfo: {},
      weights: {},
    },
    {
      op: 'addActivation',
      layerName: 'layer1.0.conv1',
      nodeId: 'n2',
      params: { type: 'SIGMOID', alpha: 0, beta: 0 },
      inputs: { input: 't1' },
      outputs: { output: 't2' },
      outputInfo: {},
      weights: {},
    },
  ],
  outputs: [{ name: 'output', tensor: 't2' }],
  weights: [],
};

describe('the tensorrt backend on a machine without TensorRT (real engine host)', () => {
  const backend = new TensorRTBackend();
  afterAll(() => backend.dispose());

  it('reports itself unavailable with the loader explanation', async () => {
    const result = await backend.available();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]!.code).toBe('tensorrt.unavailable');
    expect(result.diagnostics[0]!.message).toMatch(/^TensorRT is not available: the native addon was built without TensorRT\./);
    expect(result.diagnostics[0]!.message).toContain('--backend onnxruntime');
  });

  it('fails a build with the same explanation instead of throwing', async () => {
    const result = await backend.build({ program: PROGRAM, weights: new Map() });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]!.code).toBe('tensorrt.unavailable');
  });
});

/** A TensorRT stand-in: an engine host transport that answers like the addon would, without a GPU. */
function tensorRTStandIn(): EngineHostTransport {
  let listener: (message: unknown) => void = () => undefined;
  const reply = (message: unknown): void => void Promise.resolve().then(() => listener(message));
  return {
    pid: 4242,
    onMessage: (l) => (listener = l),
    onExit: () => undefined,
    kill: () => undefined,
    send: (message) => {
      const m = message as { type: string; id: number; request?: { iterations?: number } };
      if (m.type === 'build') {
        reply({ type: 'event', id: m.id, event: { kind: 'phaseStart', phase: 'Building', nbSteps: 2 } });
        reply({ type: 'result', id: m.id, value: { engine: new Uint8Array([1, 2, 3]), timingCache: new Uint8Array([9]), diagnostics: [] } });
      }
      if (m.type === 'run')
        reply({
          type: 'result',
          id: m.id,
          value: {
            outputs: [{ name: 'output', dtype: 'FLOAT', dims: [2, 3], data: new Float32Array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]) }],
            latenciesMs: [4, 1, 3, 2],
            layerTimes: [
              { name: 'layer1.0.conv + layer1.0.conv1', totalMs: 6, count: 4 },
              { name: 'Reformatting CopyNode for Input Tensor 0 to layer1.0.conv1', totalMs: 2, count: 4 },
            ],
            diagnostics: [],
          },
        });
    },
  };
}

describe('the tensorrt backend against a TensorRT stand-in', () => {
  it('builds, runs and profiles through the engine host protocol', async () => {
    const events: unknown[] = [];
    const backend = new TensorRTBackend({ host: new EngineHostClient(tensorRTStandIn), onBuildEvent: (e) => events.push(e) });
    const session = await backend.build({ program: PROGRAM, weights: new Map() });
    expect(session.ok).toBe(true);
    if (!session.ok) return;
    expect(events).toEqual([{ kind: 'phaseStart', phase: 'Building', nbSteps: 2 }]);
    expect(session.value.inputs).toEqual([{ name: 'input', dims: [2, 3], dtype: 'FLOAT' }]);
    const input = { name: 'input', dtype: 'FLOAT' as const, dims: [2, 3], data: new Float32Array(6) };
    const run = await session.value.run([input]);
    expect(run.ok && run.value[0]!.data[0]).toBe(0.5);
    const profile = await session.value.profile([input], { iterations: 4, warmup: 1 });
    expect(profile.ok).toBe(true);
    if (!profile.ok) return;
    expect(profile.value.latency).toMatchObject({ iterations: 4, warmup: 1, minMs: 1, p50Ms: 2, maxMs: 4, meanMs: 2.5, throughput: 800 });
    expect(profile.value.layers).toEqual([
      {
        layerName: 'layer1.0.conv + layer1.0.conv1',
        nodeId: 'n1',
        nodeIds: ['n1', 'n2'],
        meanMs: 1.5,
        share: 0.75,
        fusedFrom: ['layer1.0.conv', 'layer1.0.conv1'],
      },
      {
        layerName: 'Reformatting CopyNode for Input Tensor 0 to layer1.0.conv1',
        meanMs: 0.5,
        share: 0.25,
        internal: 'TensorRT converting an input of layer1.0.conv1 to another memory layout or precision; the network has no such layer',
      },
    ]);
  });

  it('refuses non-FLOAT inputs with a Diagnostic', async () => {
    const backend = new TensorRTBackend({ host: new EngineHostClient(tensorRTStandIn) });
    const session = backend.openEngine(new Uint8Array([1]), PROGRAM);
    const result = await session.run([{ name: 'input', dtype: 'INT32', dims: [1], data: new Int32Array(1) }]);
    expect(result).toEqual({
      ok: false,
      diagnostics: [
        { severity: 'error', code: 'tensorrt.run.input-type', message: "Input 'input' is INT32; the tensorrt backend runs engines on FLOAT inputs only." },
      ],
    });
  });
});

describe('profile helpers', () => {
  it('computes nearest-rank percentiles and throughput per batch', () => {
    const stats = latencyFromRuns([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 5, 8);
    expect(stats).toEqual({
      iterations: 10,
      warmup: 5,
      minMs: 10,
      p50Ms: 50,
      p90Ms: 90,
      p95Ms: 100,
      p99Ms: 100,
      maxMs: 100,
      meanMs: 55,
      throughput: (8 * 1000) / 55,
    });
  });
});
