/**
 * Problems are data (ARCHITECTURE.md rule 7): every failure the app reports is one of these,
 * shown on the node, in the Problems panel and by the CLI.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable, machine-readable identifier, e.g. `shape.conv.channels` or `project.edge.dangling`. */
  code: string;
  /** A full sentence that quotes the bad value and says what was expected. */
  message: string;
  /** The canvas node the problem belongs to, when there is one. */
  nodeId?: string;
  /** Where inside the node or file: a parameter name, a port, a weight slot, `line 12`. */
  field?: string;
  /** Extra, free-form context (a file name, a hint). */
  detail?: string;
}

export function error(code: string, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { severity: 'error', code, message, ...extra };
}

export function warning(code: string, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { severity: 'warning', code, message, ...extra };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** The result of an operation that either succeeds or explains why it did not. */
export type Result<T> = { ok: true; value: T; diagnostics?: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

export function ok<T>(value: T, diagnostics?: Diagnostic[]): Result<T> {
  return diagnostics && diagnostics.length > 0 ? { ok: true, value, diagnostics } : { ok: true, value };
}

export function fail<T = never>(...diagnostics: Diagnostic[]): Result<T> {
  return { ok: false, diagnostics };
}
