/**
 * Build: lower a bound network and make it runnable on a backend. `tensorrt` builds an engine in the
 * engine host (with the builder settings, build progress and timing cache); `onnxruntime`, the
 * reference runtime, translates the network to ONNX and loads it into an ONNX Runtime session.
 */
import type { BuildOptions } from '../../core/api/job-schemas.js';
import { checkNetwork } from '../../core/check/check-network.js';
import type { BackendId } from '../../core/api/schemas.js';
import { error, fail, ok, warning, type Diagnostic, type Result } from '../../core/diagnostics.js';
import { lowerToProgram, type LoweredProgram, type WeightLookup } from '../../core/lower/lower.js';
import type { NetworkDocument } from '../../core/network/types.js';
import type { BackendBuildOptions, BackendModel, BackendSession, BuildEvent } from '../backends/backend.js';
import { cancelled, type WorkflowContext } from './context.js';

export const ONNXRUNTIME_NOTE =
  'Built with ONNX Runtime, the reference runtime on the CPU: the network was lowered, translated to ONNX and loaded into an ONNX Runtime session. No TensorRT engine was built; precision, workspace, optimization level and timing cache apply to TensorRT builds only.';

/** A network bound to its weights: what build and export start from. */
export interface NetworkSource {
  doc: NetworkDocument;
  weights: WeightLookup;
}

/** The network lowered to the program backends consume, with the weight values it names. */
export function lowerNetwork(ctx: WorkflowContext, source: NetworkSource): Result<LoweredProgram> {
  // The preflight is the network check, so a build stops on exactly what `check` and the Problems panel report;
  // their note on a network without layers (not an error while the canvas is still empty) stops it too.
  const check = checkNetwork(source.doc).diagnostics;
  const errors = check.filter((d) => d.severity === 'error' || d.code === 'network.empty').map((d) => ({ ...d, severity: 'error' as const }));
  if (errors.length > 0) return fail(...errors);
  const lowered = lowerToProgram(source.doc, source.weights);
  if (!lowered.ok) return lowered;
  ctx.log('info', `Lowered '${source.doc.name}' to ${lowered.value.program.ops.length} TensorRT layers.`);
  return lowered;
}

export interface EngineBuildOptions {
  backend: BackendId;
  /** Builder settings; left out, the builder's defaults apply. */
  precision?: BuildOptions['precision'];
  workspaceMiB?: number;
  optimizationLevel?: number;
  /** Let FLOAT layers use TF32 on TensorRT; off unless asked, so an fp32 build computes in FP32. */
  tf32?: boolean;
  /** Read before the build when it exists, replaced by the builder's updated cache after it. */
  timingCachePath?: string | null;
  /** Dynamic-shape profiles by input name; they override the document's. */
  profiles?: BuildOptions['profiles'];
  /** Sees every build event as it comes (the CLI prints the phases). */
  onEvent?: (event: BuildEvent) => void;
}

export interface BuiltEngine {
  session: BackendSession;
  /** What was built, in one sentence for the user. */
  note: string;
}

/** Build events as progress (TensorRT's phases and steps) and log lines. */
function reportEvents(ctx: WorkflowContext): (event: BuildEvent) => void {
  const phases = new Map<string, number>();
  return (event) => {
    if (event.kind === 'diagnostic')
      ctx.log(event.diagnostic.severity === 'error' ? 'error' : event.diagnostic.severity === 'warning' ? 'warning' : 'info', event.diagnostic.message);
    else if (event.kind === 'phaseStart') {
      phases.set(event.phase, event.nbSteps);
      ctx.progress({ phase: event.phase, step: { index: 0, total: event.nbSteps } });
      ctx.log('verbose', `${event.phase} started`);
    } else if (event.kind === 'step') {
      const total = phases.get(event.phase) ?? 0;
      ctx.progress({
        phase: event.phase,
        step: { index: event.step + 1, total: Math.max(total, event.step + 1) },
        ...(total > 0 ? { fraction: Math.min(1, (event.step + 1) / total) } : {}),
      });
    } else ctx.log('verbose', `${event.phase} finished`);
  };
}

/** Build a lowered model on a backend; the caller owns (and disposes) the session. */
export async function buildEngine(ctx: WorkflowContext, model: BackendModel, options: EngineBuildOptions): Promise<Result<BuiltEngine>> {
  for (const [name, profile] of Object.entries(options.profiles ?? {})) {
    const input = model.program.inputs.find((i) => i.name === name);
    if (!input)
      return fail(
        error(
          'build.profile.input',
          `The optimization profile names the input '${name}', which the network does not have; its inputs are ${model.program.inputs.map((i) => `'${i.name}'`).join(', ')}.`,
          { field: 'profiles' },
        ),
      );
    input.profile = profile;
  }
  const backend = await ctx.backend(options.backend);
  if (!backend.ok) return backend;
  const diagnostics: Diagnostic[] = [];
  let session: BackendSession;
  if (options.backend === 'onnxruntime') {
    if (options.precision !== undefined && options.precision !== 'fp32')
      diagnostics.push(
        warning('build.precision.ignored', `ONNX Runtime runs the network in FP32; the precision ${options.precision} applies to TensorRT builds only.`, {
          field: 'precision',
        }),
      );
    ctx.progress({ phase: 'Creating the ONNX Runtime session', fraction: 0.5, step: { index: 2, total: 3 } });
    const built = await backend.value.build(model, ctx.signal);
    if (!built.ok) return built;
    session = built.value;
    ctx.log('info', ONNXRUNTIME_NOTE);
  } else {
    const report = reportEvents(ctx);
    const buildOptions: BackendBuildOptions = {
      ...(options.precision !== undefined ? { precision: options.precision } : {}),
      ...(options.workspaceMiB !== undefined ? { workspaceBytes: options.workspaceMiB * 1024 * 1024 } : {}),
      ...(options.optimizationLevel !== undefined ? { optimizationLevel: options.optimizationLevel } : {}),
      tf32: options.tf32 === true,
      onEvent: (event) => {
        report(event);
        options.onEvent?.(event);
      },
    };
    if (options.timingCachePath !== null && options.timingCachePath !== undefined) {
      const cache = await ctx.files.readIfExists(options.timingCachePath);
      if (!cache.ok)
        return fail(
          ...cache.diagnostics.map((d) => ({
            ...d,
            code: 'build.timingCache',
            message: d.message.replace(/^Cannot read /, 'Cannot read the timing cache '),
            field: 'timingCachePath',
          })),
        );
      if (cache.value) {
        buildOptions.timingCache = cache.value;
        ctx.log('info', `Read the timing cache ${options.timingCachePath} (${cache.value.length} bytes).`);
      } else ctx.log('info', `The timing cache ${options.timingCachePath} does not exist yet; the build will create it.`);
    }
    ctx.progress({ phase: 'Building the TensorRT engine', fraction: 0.3 });
    const built = await backend.value.build(model, ctx.signal, buildOptions);
    if (!built.ok) return built;
    session = built.value;
    diagnostics.push(...(built.diagnostics ?? []));
    // Never replace a saved cache with an empty one (TensorRT returns none for a cache from another device).
    if (options.timingCachePath && session.timingCache && session.timingCache.length > 0) {
      const saved = await ctx.files.write(options.timingCachePath, session.timingCache);
      if (!saved.ok) {
        await session.dispose();
        return saved;
      }
      ctx.log('info', `Saved the timing cache to ${saved.value}.`);
    }
  }
  if (ctx.signal?.aborted) {
    await session.dispose();
    return cancelled('build');
  }
  const note = options.backend === 'onnxruntime' ? ONNXRUNTIME_NOTE : `Built a TensorRT engine of ${session.sizeBytes} bytes.`;
  return ok({ session, note }, diagnostics);
}
