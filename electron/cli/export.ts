/**
 * `trt-studio export PROJECT --weights FILE.wts [--onnx OUT.onnx] [--wts OUT.wts]`: write the network with its
 * bound weights as an ONNX model (what the onnxruntime backend runs) and/or the bound weights as a `.wts`
 * file byte-identical to what PyTorch's `gen_wts` writes for the same module names and values.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Diagnostic } from '../../core/diagnostics.js';
import { lowerToProgram } from '../../core/lower/lower.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { ONNX_OPSET, translateProgram } from '../../core/onnx/translate.js';
import { boundWeightsForExport } from '../../core/weights/binding.js';
import { encodeWts, type WtsTensorData } from '../../core/weights/wts-codec.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand } from './command.js';
import { prepareBound, printDiagnostics, type PreparedModel } from './check-weights.js';

const COUNTER = 'num_batches_tracked';

/**
 * The bound weights in layer order, named after the layers they are bound to, as `gen_wts` would write the
 * module's `state_dict`: a BatchNorm's `num_batches_tracked` (bound to nothing, but written by `gen_wts`
 * right after `running_var`) is kept where the source file had one for that module.
 */
export function weightsForWtsExport(doc: NetworkDocument, values: (name: string) => Float32Array | undefined): WtsTensorData[] {
  // Which source tensor each exported one came from (the store hands out one array per tensor).
  const sourceOf = new Map<Float32Array, string>();
  for (const slots of Object.values(doc.bindings))
    for (const tensor of Object.values(slots)) {
      const data = values(tensor);
      if (data) sourceOf.set(data, tensor);
    }
  const out: WtsTensorData[] = [];
  for (const tensor of boundWeightsForExport(doc, values)) {
    out.push(tensor);
    const source = sourceOf.get(tensor.values);
    if (!tensor.name.endsWith('.running_var') || !source?.endsWith('.running_var')) continue;
    const counter = values(`${source.slice(0, -'running_var'.length)}${COUNTER}`);
    if (counter) out.push({ name: `${tensor.name.slice(0, -'running_var'.length)}${COUNTER}`, values: counter });
  }
  return out;
}

/** Stream tensors into a `.wts` file (a 1.2 GB file is never one string); returns the bytes written. */
export function writeWtsFile(path: string, tensors: readonly WtsTensorData[]): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    for (const chunk of encodeWts(tensors.length, tensors, 4 << 20)) bytes += writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function fail(io: Parameters<CliCommand['run']>[1], diagnostics: Diagnostic[], doc?: NetworkDocument): number {
  printDiagnostics(io, diagnostics, doc);
  return EXIT_INVALID;
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Write the network with its weights as an ONNX model (--onnx) and/or its bound weights as a gen_wts-identical .wts (--wts).',
  usage: 'export PROJECT.trtstudio --weights FILE.wts [--onnx OUT.onnx] [--wts OUT.wts]',
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, { weights: { type: 'string' }, onnx: { type: 'string' }, wts: { type: 'string' } }, io);
    if (!parsed) return EXIT_USAGE;
    const [project, ...extra] = parsed.positionals;
    const { weights, onnx, wts } = parsed.values;
    if (!project || extra.length > 0 || typeof weights !== 'string' || (typeof onnx !== 'string' && typeof wts !== 'string')) {
      io.err(`Expected one project, --weights FILE.wts and at least one of --onnx OUT.onnx, --wts OUT.wts.\nUsage: trt-studio ${this.usage}`);
      return EXIT_USAGE;
    }
    const prepared = await prepareBound(project, weights);
    if (!prepared.ok) {
      printDiagnostics(io, prepared.diagnostics, prepared.doc);
      return prepared.exitCode;
    }
    try {
      return await writeExports(io, prepared, typeof onnx === 'string' ? onnx : undefined, typeof wts === 'string' ? wts : undefined);
    } finally {
      await prepared.weights.store.dispose();
    }
  },
};

async function writeExports(io: Parameters<CliCommand['run']>[1], prepared: PreparedModel, onnx: string | undefined, wts: string | undefined): Promise<number> {
  const { doc, weights } = prepared;
  let onnxBytes: Uint8Array | undefined;
  if (onnx !== undefined) {
    // Translate before writing anything, so that a network that cannot be exported leaves no files.
    const lowered = lowerToProgram(doc, weights.values);
    if (!lowered.ok) return fail(io, lowered.diagnostics, doc);
    const translation = translateProgram(lowered.value.program, lowered.value.weights);
    if (!translation.ok) return fail(io, translation.diagnostics, doc);
    onnxBytes = translation.value.bytes;
  }
  try {
    if (onnx !== undefined && onnxBytes) {
      await writeFile(onnx, onnxBytes);
      io.out(`Wrote ${onnx}: ONNX opset ${ONNX_OPSET}, ${onnxBytes.length} bytes.`);
    }
    if (wts !== undefined) {
      const tensors = weightsForWtsExport(doc, weights.values);
      const bytes = writeWtsFile(wts, tensors);
      io.out(`Wrote ${wts}: ${tensors.length} tensors, ${tensors.reduce((n, t) => n + t.values.length, 0)} values, ${bytes} bytes.`);
    }
  } catch (e) {
    io.err(`error [export.write] Cannot write the export: ${(e as Error).message}.`);
    return EXIT_USAGE;
  }
  printDiagnostics(io, prepared.notes, doc);
  return EXIT_OK;
}
