/**
 * Profile: latency over timed runs after warm-up and the time per layer, on inputs given or made
 * here, and, where the backend offers it, the runtime's own view of the engine.
 */
import { error, fail, ok, type Diagnostic, type Result } from '../../core/diagnostics.js';
import type { ProgramInput } from '../../core/program/types.js';
import { formulaInput } from '../../core/weights/formula.js';
import type { BackendSession, NamedTensor, ProfileResult } from '../backends/backend.js';
import type { WorkflowContext } from './context.js';

/**
 * Deterministic data for an input: the weight formula's values in [-1, 1) for FLOAT, zeros for
 * INT32, INT64, UINT8 and BOOL; timing does not depend on them. Dynamic dims take their profile's opt, else 1.
 */
export function syntheticInput(input: ProgramInput): Result<NamedTensor> {
  const dims = input.dims.map((d, i) => (d >= 0 ? d : (input.profile?.opt[i] ?? 1)));
  const count = dims.reduce((a, b) => a * b, 1);
  const base = { name: input.name, dims };
  switch (input.dtype) {
    case 'FLOAT':
      return ok({ ...base, dtype: 'FLOAT', data: formulaInput(dims) });
    case 'INT32':
      return ok({ ...base, dtype: 'INT32', data: new Int32Array(count) });
    case 'INT64':
      return ok({ ...base, dtype: 'INT64', data: new BigInt64Array(count) });
    case 'UINT8':
    case 'BOOL':
      return ok({ ...base, dtype: input.dtype, data: new Uint8Array(count) });
    default:
      return fail(
        error('profile.input', `Cannot profile: the input '${input.name}' is ${input.dtype}, which profile cannot make data for; give its data.`, {
          nodeId: input.nodeId,
        }),
      );
  }
}

export interface ProfileOutcome extends ProfileResult {
  /** The inputs the runs were given. */
  inputs: NamedTensor[];
  /** The runtime's view of the engine (TensorRT's engine inspector), where the backend has one. */
  engineInspector?: string;
}

export interface ProfileRequest {
  iterations: number;
  warmup: number;
  /** Inputs by name; the others are made by syntheticInput. */
  given?: ReadonlyMap<string, NamedTensor>;
}

/** Profile a session of the program whose inputs are `programInputs`. */
export async function profileEngine(
  ctx: WorkflowContext,
  session: BackendSession,
  programInputs: readonly ProgramInput[],
  request: ProfileRequest,
): Promise<Result<ProfileOutcome>> {
  const inputs: NamedTensor[] = [];
  for (const input of programInputs) {
    const given = request.given?.get(input.name);
    if (given) inputs.push(given);
    else {
      const made = syntheticInput(input);
      if (!made.ok) return made;
      inputs.push(made.value);
    }
  }
  ctx.progress({ phase: 'Profiling', fraction: 0, message: `${request.warmup} warm-up and ${request.iterations} timed runs` });
  const profiled = await session.profile(inputs, { iterations: request.iterations, warmup: request.warmup, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  if (!profiled.ok) return profiled;
  const diagnostics: Diagnostic[] = [...(profiled.diagnostics ?? [])];
  let engineInspector: string | undefined;
  if (session.inspect) {
    ctx.progress({ phase: 'Inspecting the engine', fraction: 0.9 });
    const inspected = await session.inspect(ctx.signal);
    if (inspected.ok) engineInspector = inspected.value;
    else
      diagnostics.push(
        ...inspected.diagnostics.map((d) => ({
          ...d,
          severity: 'warning' as const,
          message: `The engine inspector gave no view of the fused layers: ${d.message}`,
        })),
      );
  }
  ctx.progress({ phase: 'Profiled', fraction: 1 });
  return ok({ ...profiled.value, inputs, ...(engineInspector !== undefined ? { engineInspector } : {}) }, diagnostics);
}
