/**
 * What the engine host process does with each request: the TensorRT addon's jobs, loaded through
 * native/lib's loader once per process. Runs only inside the engine host (electron/engine-host-main.ts).
 */
import { error, fail, ok, type Diagnostic, type Result } from '../../../core/diagnostics.js';
import type { HostJobHandlers } from '../../engine-host/host-channel.js';
import type { JobRequest } from '../../engine-host/protocol.js';
import { loadTensorRT, type AddonCandidate, type LoadResult } from '../../../native/lib/loader.js';
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
  /** The addon built for each TensorRT major, and which one loaded; absent for a single-addon build. */
  addons?: AddonCandidate[];
}

/**
 * The Diagnostic code of a CUDA error after which the process's GPU context is corrupt (the addon's
 * kStickyCudaErrorCode): every later job in the same process would fail the same way.
 */
export const STICKY_CUDA_ERROR_CODE = 'cuda.sticky';

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
  let unusable: string | undefined;

  const runJob = async (request: Exclude<JobRequest, { type: 'capabilities' }>, emit: (event: unknown) => void): Promise<Result<unknown>> => {
    if (unusable !== undefined) return fail(error('engine-host.restarting', `This engine host can run no more jobs: ${unusable}`));
    const state = addon();
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
      const diagnostics = diagnosticsOf(e, `tensorrt.${request.type}`);
      const sticky = diagnostics.find((d) => d.code === STICKY_CUDA_ERROR_CODE);
      if (sticky) unusable = sticky.message;
      return fail(...diagnostics);
    }
  };

  return {
    cancel(id) {
      cancels.get(id)?.();
    },
    unusable: () => unusable,
    async handle(request, emit) {
      if (request.type !== 'capabilities') return runJob(request, emit);
      const state = addon();
      const value: HostCapabilities = state.ok
        ? { available: true, native: state.capabilities, supportedOps: state.addon.supportedOps() }
        : {
            available: false,
            explanation: state.explanation,
            cause: state.cause,
            native: state.capabilities,
            supportedOps: state.addon?.supportedOps() ?? [],
          };
      return ok(state.candidates ? { ...value, addons: state.candidates } : value);
    },
  };
}
