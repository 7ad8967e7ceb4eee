/**
 * TEST DOUBLE — not TensorRT. No machine in this project's CI has TensorRT, so tests of what the
 * CLI and services do *when TensorRT is present* run against this stand-in: a `NativeAddon` that
 * claims to be built with TensorRT 10.16.0 on one fake GPU, "builds" an engine whose bytes are a
 * readable JSON summary of the program and options it was given, and an engine host transport
 * that serves it in this process through the real request handlers and the real message schemas.
 * The app never uses it; nothing here computes what TensorRT would.
 */
import { parseHostRequest, type HostReply } from '../../engine-host/protocol.js';
import type { EngineHostTransport, SpawnEngineHost } from '../../engine-host/spawn.js';
import type { NativeAddon, NativeBuildEvent, NativeBuildRequest, NativeCapabilities } from '../../../native/lib/types.js';
import type { AddonCandidate } from '../../../native/lib/loader.js';
import { createTensorRTHandlers } from './host-handlers.js';

/** The first line of every engine the double "builds", so no test mistakes one for a real plan. */
const TEST_DOUBLE_ENGINE_MAGIC = 'TRT-STUDIO-TEST-DOUBLE-ENGINE';

export const TEST_DOUBLE_CAPABILITIES: NativeCapabilities = {
  builtWithTensorRT: true,
  buildTensorRTVersion: '10.16.0',
  buildTensorRTMajor: 10,
  withoutTensorRTReason: '',
  runtimeLibVersion: 101600,
  runtimeVersion: '10.16.0',
  runtimeLibrary: 'libnvinfer.so.10 (test double)',
  runtimeLibraryError: '',
  cudaDriverVersion: 13000,
  cudaDriverError: '',
  gpus: [{ name: 'Test Double GPU', computeCapability: '9.0', totalMemoryBytes: 80 * 2 ** 30 }],
};

/** What the double's engine bytes hold (after the magic line). */
export interface TestDoubleEngine {
  network: string;
  layers: string[];
  weightIds: string[];
  options: NativeBuildRequest['options'];
}

/** Decode an engine the double built; undefined for any other bytes. */
export function readTestDoubleEngine(bytes: Uint8Array): TestDoubleEngine | undefined {
  const text = new TextDecoder().decode(bytes);
  if (!text.startsWith(`${TEST_DOUBLE_ENGINE_MAGIC}\n`)) return undefined;
  return JSON.parse(text.slice(TEST_DOUBLE_ENGINE_MAGIC.length + 1)) as TestDoubleEngine;
}

/** TEST DOUBLE of the native addon (see the file comment). */
export function createTensorRTTestDouble(): NativeAddon {
  return {
    capabilities: () => TEST_DOUBLE_CAPABILITIES,
    supportedOps: () => ['addActivation', 'addConvolutionNd'],
    buildEngine(request, onEvent) {
      let cancelled = false;
      const emit = (event: NativeBuildEvent) => onEvent?.(event);
      const promise = (async () => {
        const layers = request.program.ops.map((op) => op.layerName);
        emit({ kind: 'phaseStart', phase: 'Building a network (test double)', nbSteps: layers.length });
        for (let step = 0; step < layers.length; step++) {
          if (cancelled)
            throw Object.assign(new Error('cancelled'), { diagnostics: [{ severity: 'error', code: 'build.cancelled', message: 'The build was cancelled.' }] });
          emit({ kind: 'step', phase: 'Building a network (test double)', step });
        }
        emit({ kind: 'phaseFinish', phase: 'Building a network (test double)' });
        const { timingCache, ...options } = request.options ?? {};
        const engine: TestDoubleEngine = { network: request.program.name, layers, weightIds: Object.keys(request.weights).sort(), options };
        return {
          engine: new TextEncoder().encode(`${TEST_DOUBLE_ENGINE_MAGIC}\n${JSON.stringify(engine)}`),
          timingCache: new TextEncoder().encode(`test double timing cache (${timingCache?.length ?? 0} bytes given)`),
          diagnostics: [],
        };
      })();
      return { promise, cancel: () => (cancelled = true) };
    },
    runEngine: () =>
      Promise.reject(
        Object.assign(new Error('not simulated'), {
          diagnostics: [{ severity: 'error', code: 'test-double', message: 'The TensorRT test double does not run engines.' }],
        }),
      ),
    // An 11.x-layout inspector answer with one engine layer per program layer (nothing fused).
    inspectEngine: (bytes) => {
      const engine = readTestDoubleEngine(bytes);
      if (!engine)
        return Promise.reject(
          Object.assign(new Error('not a test double engine'), {
            diagnostics: [{ severity: 'error', code: 'engine.deserialize', message: 'The TensorRT test double reads only engines it built.' }],
          }),
        );
      const layers = engine.layers.map((name) => ({ Name: name, LayerType: 'TestDouble', Inputs: [], Outputs: [] }));
      return Promise.resolve({ engine: JSON.stringify({ Layers: layers, 'I/O Tensors': [] }), layers: layers.map((l) => JSON.stringify(l)), diagnostics: [] });
    },
  };
}

/**
 * TEST DOUBLE of the engine host process: requests are validated with the real schema and served
 * in this process by the real handlers over `addon`; messages are structured-cloned like IPC.
 * `candidates` stands for the per-major addons the loader would have found.
 */
export function testDoubleEngineHost(addon: NativeAddon = createTensorRTTestDouble(), candidates?: AddonCandidate[]): SpawnEngineHost {
  return () => {
    const handlers = createTensorRTHandlers(() => ({ ok: true, addon, capabilities: addon.capabilities(), ...(candidates ? { candidates } : {}) }));
    const listeners: ((message: unknown) => void)[] = [];
    let exitListener: ((code: number | null, signal: string | null) => void) | undefined;
    let alive = true;
    const reply = (message: HostReply) => {
      const copy = structuredClone(message);
      queueMicrotask(() => alive && listeners.forEach((l) => l(copy)));
    };
    const transport: EngineHostTransport = {
      pid: -1,
      send(message) {
        const parsed = parseHostRequest(structuredClone(message));
        if (!parsed.ok) return;
        const request = parsed.value;
        if (request.type === 'crash' || request.type === 'cancel') {
          if (request.type === 'cancel') handlers.cancel(request.id);
          return;
        }
        void handlers
          .handle(request, (event) => reply({ type: 'event', id: request.id, event }))
          .then((result) =>
            reply(result.ok ? { type: 'result', id: request.id, value: result.value } : { type: 'failure', id: request.id, diagnostics: result.diagnostics }),
          );
      },
      onMessage: (listener) => listeners.push(listener),
      onExit: (listener) => (exitListener = listener),
      kill() {
        if (!alive) return;
        alive = false;
        exitListener?.(0, null);
      },
    };
    reply({ type: 'ready', pid: 1 });
    return transport;
  };
}
