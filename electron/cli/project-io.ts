/** Reading project files for CLI commands, with the exit code each failure maps to. */
import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../../core/diagnostics.js';
import { parseProject } from '../../core/network/project-file.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { EXIT_INVALID, EXIT_USAGE } from './command.js';
import { fileErrorReason } from '../services/file-errors.js';

export type LoadedProject = { ok: true; doc: NetworkDocument } | { ok: false; exitCode: number; diagnostics: Diagnostic[] };

export async function loadProjectFile(path: string): Promise<LoadedProject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return { ok: false, exitCode: EXIT_USAGE, diagnostics: [{ severity: 'error', code: 'file.read', message: `Cannot read ${path}: ${fileErrorReason(e)}.` }] };
  }
  const parsed = parseProject(text, path);
  return parsed.ok ? { ok: true, doc: parsed.value } : { ok: false, exitCode: EXIT_INVALID, diagnostics: parsed.diagnostics };
}

/** One line per Diagnostic, as the CLI prints them: `error [code] message (node 'x', field y)`. */
export function formatDiagnostic(d: Diagnostic, nodeName?: (id: string) => string | undefined): string {
  const where: string[] = [];
  if (d.nodeId) where.push(`node '${nodeName?.(d.nodeId) ?? d.nodeId}'`);
  if (d.field) where.push(`field ${d.field}`);
  return `${d.severity} [${d.code}] ${d.message}${where.length ? ` (${where.join(', ')})` : ''}`;
}
