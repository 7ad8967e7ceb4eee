/**
 * Import: an `.onnx` file (and external data files next to it) becomes a network document and its
 * weight set; `writeImportedProject` saves them as a project and a `.wts`. Written once for the
 * CLI and the app, over the workflow context's files.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import { error, fail, ok, type Diagnostic, type Result } from '../../core/diagnostics.js';
import { serializeProject } from '../../core/network/project-file.js';
import { importOnnx, type OnnxImport } from '../../core/onnx/import/import.js';
import { encodeWts } from '../../core/weights/wts-encoder.js';
import { fileErrorReason } from '../services/file-errors.js';
import type { WorkflowContext } from './context.js';

export interface ImportOutcome extends OnnxImport {
  /** Element count over all weights. */
  valueCount: number;
}

/** A failed import and whether the file itself could not be read (the CLI's exit code 2) or the model is invalid (1). */
export type ImportFailure = { ok: false; unreadable: boolean; diagnostics: Diagnostic[] };

/**
 * External data is read synchronously while the protobuf is decoded; each location is checked to lie
 * inside the model's folder and read once.
 */
function externalReader(modelPath: string): (location: string) => Uint8Array | undefined {
  const folder = resolve(dirname(modelPath));
  const cache = new Map<string, Uint8Array | undefined>();
  return (location) => {
    const path = resolve(folder, location);
    if (!path.startsWith(folder + sep)) return undefined;
    if (!cache.has(path)) {
      try {
        cache.set(path, new Uint8Array(readFileSync(path)));
      } catch {
        cache.set(path, undefined);
      }
    }
    return cache.get(path);
  };
}

/** Read and import an ONNX model. */
export async function importModelFile(
  path: string,
  ctx: Pick<WorkflowContext, 'files' | 'progress' | 'signal'>,
): Promise<Result<ImportOutcome> | ImportFailure> {
  ctx.progress({ phase: 'Reading the model', fraction: 0 });
  const bytes = await ctx.files.read(path);
  if (!bytes.ok) return { ok: false, unreadable: true, diagnostics: bytes.diagnostics };
  if (ctx.signal?.aborted) return fail(error('import.cancelled', 'The import was cancelled.'));
  ctx.progress({ phase: 'Importing layers and weights', fraction: 0.3 });
  const imported = importOnnx(bytes.value, { name: basename(path, extname(path)), readExternal: externalReader(path) });
  if (!imported.ok) {
    const unreadable = imported.diagnostics.some((d) => d.code === 'onnx.file');
    return { ok: false, unreadable, diagnostics: imported.diagnostics.map((d) => (d.code === 'onnx.file' ? { ...d, message: `${path}: ${d.message}` } : d)) };
  }
  let valueCount = 0;
  for (const values of imported.value.weights.values()) valueCount += values.length;
  ctx.progress({ phase: 'Imported', fraction: 1 });
  // Warnings (a dynamic dimension fixed at 1) travel with the result.
  return ok({ ...imported.value, valueCount }, imported.diagnostics);
}

/** The `.wts` path a project gets when none is given: the project's path with `.wts`. */
export function defaultWeightsPath(projectPath: string): string {
  return projectPath.slice(0, projectPath.length - extname(projectPath).length) + '.wts';
}

/** Write the weights (`.wts`, encoded in chunks) and then the project that names them relative to itself. */
export async function writeImportedProject(
  imported: OnnxImport,
  projectPath: string,
  weightsPath: string,
  files: WorkflowContext['files'],
): Promise<Result<{ project: string; weights: string }>> {
  const tensors = [...imported.weights].map(([name, values]) => ({ name, values }));
  const wts = await files.write(weightsPath, encodeWts(tensors.length, tensors));
  if (!wts.ok) return wts;
  const relativeWeights = relative(dirname(resolve(projectPath)), resolve(weightsPath))
    .split(sep)
    .join('/');
  try {
    const project = await files.write(projectPath, new TextEncoder().encode(serializeProject(imported.doc, relativeWeights)));
    if (!project.ok) return project;
    return ok({ project: project.value, weights: wts.value });
  } catch (e) {
    return fail(error('file.write', `Cannot write ${projectPath}: ${fileErrorReason(e)}.`));
  }
}
