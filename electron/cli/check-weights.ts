/**
 * Weights for CLI commands: decode a `.wts`, `.safetensors` or `.npz` in the weight store's worker, bind it onto a project
 * (auto-mapping by PyTorch names, keeping the project's own bindings), report the binding for
 * `check --weights`, and lower the bound network for `run`, `profile` and `export`.
 */
import { checkNetwork } from '../../core/check/check-network.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { hasErrors } from '../../core/diagnostics.js';
import { lowerToProgram, type LoweredProgram } from '../../core/lower/lower.js';
import type { NetworkDocument } from '../../core/network/types.js';
import type { ShapeReport } from '../../core/shapes/infer.js';
import { bindWeights, type BindingReport } from '../../core/weights/binding.js';
import { WeightStore, type WeightFileSummary } from '../services/weight-store.js';
import { EXIT_INVALID, EXIT_USAGE, type CliIo } from './command.js';
import { formatDiagnostic, loadProjectFile } from './project-io.js';

/** A failure of a CLI step: what to print and the exit code. */
export interface CliFailure {
  ok: false;
  exitCode: number;
  diagnostics: Diagnostic[];
  /** The project, when it was read: Diagnostics name its nodes. */
  doc?: NetworkDocument;
}

export interface LoadedWeights {
  ok: true;
  store: WeightStore;
  file: WeightFileSummary;
  values: (name: string) => Float32Array | undefined;
}

/** Decode a weights file off the main thread (its extension picks the format). The caller disposes `store`, also after a failure (it is disposed then already). */
export async function loadWeightsFile(path: string): Promise<LoadedWeights | CliFailure> {
  const store = new WeightStore();
  const result = await store.load(path);
  if (!result.ok) {
    await store.dispose();
    return { ok: false, exitCode: result.unreadable ? EXIT_USAGE : EXIT_INVALID, diagnostics: [result.diagnostic] };
  }
  const id = result.file.id;
  return { ok: true, store, file: result.file, values: (name) => store.tensor(id, name) };
}

/** How the slots of a binding report stand. */
export interface BindingCounts {
  slots: number;
  bound: number;
  /** Required slots with no tensor. */
  unbound: number;
  /** Optional slots left unbound (a convolution without bias): not an error. */
  optionalUnbound: number;
  /** Bound to a tensor of the wrong element count, or to a tensor the file does not have. */
  mismatched: number;
  unusedTensors: number;
}

export function bindingCounts(report: BindingReport): BindingCounts {
  const count = (...statuses: string[]) => report.slots.filter((s) => statuses.includes(s.status)).length;
  return {
    slots: report.slots.length,
    bound: count('bound'),
    unbound: count('missing'),
    optionalUnbound: count('unbound-optional'),
    mismatched: count('wrong-count', 'unknown-tensor'),
    unusedTensors: report.unused.length,
  };
}

/** One line for the binding: `Weights lenet5.wts: 10 tensors; 10 slots bound, 0 unbound, 0 mismatched; 0 tensors unused.` */
export function formatBindingLine(file: WeightFileSummary, counts: BindingCounts): string {
  const optional = counts.optionalUnbound > 0 ? ` (and ${counts.optionalUnbound} optional slot${counts.optionalUnbound === 1 ? '' : 's'} left empty)` : '';
  return (
    `Weights ${file.fileName}: ${file.tensors.length} tensors, ${file.valueCount} values; ` +
    `${counts.bound} slots bound, ${counts.unbound} unbound, ${counts.mismatched} mismatched${optional}; ${counts.unusedTensors} tensors unused.`
  );
}

/** Print Diagnostics one per line, naming nodes by their names. */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], doc?: NetworkDocument, toErr = true): void {
  const names = new Map<string, string>(doc ? [...doc.nodes.map((n) => [n.id, n.name] as const), ...doc.inputs.map((i) => [i.id, i.name] as const)] : []);
  for (const d of diagnostics) (toErr ? io.err : io.out)(formatDiagnostic(d, (id) => names.get(id)));
}

/** How a command ends on Diagnostics: `{ ok: false, diagnostics }` on stdout with --json, else lines on stderr; gives back the exit code. */
export function failureReporter(io: CliIo, json: boolean): (diagnostics: readonly Diagnostic[], exitCode: number, doc?: NetworkDocument) => number {
  return (diagnostics, exitCode, doc) => {
    if (json) io.out(JSON.stringify({ ok: false, diagnostics }, null, 2));
    else printDiagnostics(io, diagnostics, doc);
    return exitCode;
  };
}

export interface PreparedModel {
  ok: true;
  doc: NetworkDocument;
  weights: LoadedWeights;
  binding: BindingReport;
  /** Binding warnings and infos (unused tensors, ...), to show after the result. */
  notes: Diagnostic[];
}

/** Load a project and a weights file, bind them; binding errors fail (exit 1). The caller disposes `weights.store` on success. */
export async function prepareBound(projectPath: string, weightsPath: string): Promise<PreparedModel | CliFailure> {
  const loaded = await loadProjectFile(projectPath);
  if (!loaded.ok) return { ok: false, exitCode: loaded.exitCode, diagnostics: loaded.diagnostics };
  // The preflight `check` runs, so that run, profile and export stop on exactly what check reports.
  const { shapes, diagnostics: checked } = checkNetwork(loaded.doc);
  const errors = checked.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { ok: false, exitCode: EXIT_INVALID, diagnostics: errors, doc: loaded.doc };
  const weights = await loadWeightsFile(weightsPath);
  if (!weights.ok) return weights;
  const { doc, report } = bindWeights(
    loaded.doc,
    weights.file.tensors.map((t) => ({ name: t.name, count: t.count })),
    shapes,
  );
  if (hasErrors(report.diagnostics)) {
    await weights.store.dispose();
    return { ok: false, exitCode: EXIT_INVALID, diagnostics: report.diagnostics, doc };
  }
  return { ok: true, doc, weights, binding: report, notes: report.diagnostics };
}

/** `prepareBound`, then lowering to a TrtProgram with the weights' values. */
export async function prepareLowered(projectPath: string, weightsPath: string): Promise<(PreparedModel & { lowered: LoweredProgram }) | CliFailure> {
  const prepared = await prepareBound(projectPath, weightsPath);
  if (!prepared.ok) return prepared;
  const lowered = lowerToProgram(prepared.doc, prepared.weights.values);
  if (!lowered.ok) {
    await prepared.weights.store.dispose();
    return { ok: false, exitCode: EXIT_INVALID, diagnostics: lowered.diagnostics, doc: prepared.doc };
  }
  return { ...prepared, lowered: lowered.value };
}

/** What `check --weights` adds: the binding of the file onto the project (the bound network), its Diagnostics and counts. */
export async function checkWeights(
  doc: NetworkDocument,
  shapes: ShapeReport,
  weightsPath: string,
): Promise<{ ok: true; doc: NetworkDocument; diagnostics: Diagnostic[]; line: string; json: Record<string, unknown> } | CliFailure> {
  const weights = await loadWeightsFile(weightsPath);
  if (!weights.ok) return weights;
  try {
    const { doc: bound, report } = bindWeights(
      doc,
      weights.file.tensors.map((t) => ({ name: t.name, count: t.count })),
      shapes,
    );
    const counts = bindingCounts(report);
    return {
      ok: true,
      doc: bound,
      diagnostics: report.diagnostics,
      line: formatBindingLine(weights.file, counts),
      json: {
        file: weightsPath,
        tensorCount: weights.file.tensors.length,
        valueCount: weights.file.valueCount,
        ...counts,
        unused: report.unused,
        slots: report.slots,
      },
    };
  } finally {
    await weights.store.dispose();
  }
}

/** The `--weights` value of a command line, or a usage message. */
export function weightsOption(values: Record<string, unknown>): string | undefined {
  return typeof values.weights === 'string' ? values.weights : undefined;
}
