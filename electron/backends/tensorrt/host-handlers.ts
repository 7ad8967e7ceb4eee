/**
 * What the engine host process does with each request: the TensorRT addon's jobs, loaded through
 * native/lib's loader once per process. Runs only inside the engine host (electron/engine-host-main.ts).
 */
import { error, fail, ok, type Diagnostic } from '../../../core/diagnostics.js';
import type { HostJobHandlers } from '../../engine-host/host-channel.js';
import { loadTensorRT, type LoadResult } from '../../../native/lib/loader.js';
import type { NativeCapabilities } from '../../../native/lib/types.js';

/** The capabilities request's answer: whether TensorRT jobs can run here, and if not why. */
export interface HostCapabilities {
  available: boolean;
  /** The loader's one-message explanation with possible solutions, when unavailable. */
  explanation?: string;
  cause?: string;
  /** The addon's own report, when it loaded. */
  native?: NativeCapabilities;
  supportedOps: string[];
}

/** Turn an addon rejection (an Error with `diagnostics`) into Diagnostics. */
function diagnosticsOf(e: unknown, code: string): Diagnostic[] {
  if (e instanceof Error && 'diagnostics' in e && Array.isArray(e.diagnostics) && e.diagnostics.length > 0) return e.diagnostics as Diagnostic[];
  return [error(code, `The TensorRT addon failed: ${e instanceof Error ? e.message : String(e)}`)];
}

/** The engine host's jobs over the TensorRT addon, loaded on the first request. */
export function createTensorRTHandlers(load: () => LoadResult = () => loadTensorRT()): HostJobHandlers {
  let loaded: LoadResult | undefined;
  const cancels = new Map<number, () => void>();
  const addon = (): LoadResult => (loaded ??= load());

  return {
    cancel(id) {
      cancels.get(id)?.();
    },
    async handle(request, emit) {
      const state = addon();
      if (request.type === 'capabilities') {
        const value: HostCapabilities = state.ok
          ? { available: true, native: state.capabilities, supportedOps: state.addon.supportedOps() }
          : {
              available: false,
              explanation: state.explanation,
              cause: state.cause,
              native: state.capabilities,
              supportedOps: state.addon?.supportedOps() ?? [],
            };
        return ok(value);
      }
      if (!state.ok) return fail(error('tensorrt.unavailable', state.explanation, { detail: state.cause }));
      try {
        switch (request.type) {
          case 'build': {
            const handle = state.addon.buildEngine(request.request, emit);
            cancels.set(request.id, () => handle.cancel());
            try {
              return ok(await handle.promise);
            } finally {
              cancels.delete(request.id);
            }
          }
          case 'run':
            return ok(await state.addon.runEngine(request.request));
          case 'inspect':
            return ok(await state.addon.inspectEngine(request.engine));
        }
      } catch (e) {
        return fail(...diagnosticsOf(e, `tensorrt.${request.type}`));
      }
    },
  };
}
