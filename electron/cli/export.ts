/**
 * `trt-studio export PROJECT --weights FILE.wts [--onnx OUT.onnx] [--wts OUT.wts] [--python OUT.py] [--cpp OUTDIR]`:
 * write the network with its bound weights as an ONNX model (what the onnxruntime backend runs), the bound
 * weights as a `.wts` file byte-identical to what PyTorch's `gen_wts` writes for the same module names and
 * values, a TensorRT Python script, and/or a tensorrtx-style C++ program with its CMakeLists.txt (core/codegen;
 * the generated code reads the `.wts` when it runs).
 */
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { defaultCodeFileName } from '../../core/codegen/index.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { ONNX_OPSET } from '../../core/onnx/translate.js';
import { lowerNetwork, prepareExport, writeExport, type ExportFile, type ExportKind } from '../workflows/index.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand } from './command.js';
import { prepareBound, printDiagnostics, type PreparedModel } from './check-weights.js';
import { cliWorkflowContext } from './workflow-context.js';

function fail(io: Parameters<CliCommand['run']>[1], diagnostics: Diagnostic[], doc?: NetworkDocument): number {
  printDiagnostics(io, diagnostics, doc);
  return EXIT_INVALID;
}

/** What kind of thing is at `path`: a folder, a file, or nothing. */
async function pathKind(path: string): Promise<'folder' | 'file' | 'none'> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'none';
  }
}

interface ExportTargets {
  onnx?: string;
  wts?: string;
  python?: string;
  cpp?: string;
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary:
    'Write the network as an ONNX model (--onnx), its bound weights as a gen_wts-identical .wts (--wts), a TensorRT Python script (--python) and/or a tensorrtx-style C++ program with CMakeLists.txt (--cpp).',
  usage: 'export PROJECT.trtstudio --weights FILE.wts [--onnx OUT.onnx] [--wts OUT.wts] [--python OUT.py] [--cpp OUTDIR]',
  async run(args, io) {
    const parsed = parseCommandArgs(
      this,
      args,
      { weights: { type: 'string' }, onnx: { type: 'string' }, wts: { type: 'string' }, python: { type: 'string' }, cpp: { type: 'string' } },
      io,
    );
    if (!parsed) return EXIT_USAGE;
    const [project, ...extra] = parsed.positionals;
    const { weights } = parsed.values;
    const targets: ExportTargets = {};
    for (const key of ['onnx', 'wts', 'python', 'cpp'] as const) {
      const value = parsed.values[key];
      if (typeof value === 'string') targets[key] = value;
    }
    if (!project || extra.length > 0 || typeof weights !== 'string' || Object.keys(targets).length === 0) {
      io.err(
        `Expected one project, --weights FILE.wts and at least one of --onnx OUT.onnx, --wts OUT.wts, --python OUT.py, --cpp OUTDIR.\nUsage: trt-studio ${this.usage}`,
      );
      return EXIT_USAGE;
    }
    if (targets.python !== undefined && (targets.python.endsWith('/') || (await pathKind(targets.python)) === 'folder')) {
      io.err(`--python takes the script's file name (OUT.py); ${targets.python} is a folder.\nUsage: trt-studio ${this.usage}`);
      return EXIT_USAGE;
    }
    if (targets.cpp !== undefined && (await pathKind(targets.cpp)) === 'file') {
      io.err(`--cpp takes a folder for the C++ program and its CMakeLists.txt; ${targets.cpp} is a file.\nUsage: trt-studio ${this.usage}`);
      return EXIT_USAGE;
    }
    const prepared = await prepareBound(project, weights);
    if (!prepared.ok) {
      printDiagnostics(io, prepared.diagnostics, prepared.doc);
      return prepared.exitCode;
    }
    try {
      return await writeExports(io, prepared, weights, targets);
    } finally {
      await prepared.weights.store.dispose();
    }
  },
};

async function writeExports(io: Parameters<CliCommand['run']>[1], prepared: PreparedModel, weightsPath: string, targets: ExportTargets): Promise<number> {
  const { doc, weights } = prepared;
  const ctx = cliWorkflowContext();
  const network = { doc, weights: weights.values };
  const model = lowerNetwork(ctx, network);
  if (!model.ok) return fail(io, model.diagnostics, doc);
  const program = model.value.program;
  const source = { network, model: model.value, weightsFileName: basename(weightsPath) };
  // Translate and generate before writing anything, so that a network that cannot be exported leaves no files.
  const paths: [ExportKind, string | undefined][] = [
    ['onnx', targets.onnx],
    ['wts', targets.wts],
    ['python', targets.python],
    ['cpp', targets.cpp !== undefined ? join(targets.cpp, defaultCodeFileName(program, 'cpp')) : undefined],
  ];
  const made: { format: ExportKind; files: ExportFile[] }[] = [];
  for (const [format, path] of paths) {
    if (path === undefined) continue;
    const files = await prepareExport(ctx, format, path, source);
    if (!files.ok) return fail(io, files.diagnostics, doc);
    made.push({ format, files: files.value });
  }
  const layers = `${program.ops.length} layers from ${doc.nodes.length} nodes`;
  for (const { format, files } of made) {
    const written = await writeExport(ctx, files);
    if (!written.ok) {
      printDiagnostics(io, written.diagnostics);
      return EXIT_USAGE;
    }
    const [main, cmake] = written.value;
    const path = main!.path;
    if (format === 'onnx') io.out(`Wrote ${path}: ONNX opset ${ONNX_OPSET}, ${main!.bytes} bytes.`);
    else if (format === 'wts') io.out(`Wrote ${path}: ${files[0]!.tensors} tensors, ${files[0]!.values} values, ${main!.bytes} bytes.`);
    else if (format === 'python')
      io.out(`Wrote ${path}: a TensorRT 10/11 Python script for '${program.name}' (${layers}). Run: python3 ${path} --weights ${basename(weightsPath)}`);
    else {
      const cpp = targets.cpp!;
      io.out(`Wrote ${path}: a tensorrtx-style C++ program for '${program.name}' (${layers}).`);
      if (cmake && !cmake.written) io.out(`Left ${cmake.path} as it is (not generated by TRT Studio); add ${basename(path)} to it yourself.`);
      else if (cmake)
        io.out(`Wrote ${cmake.path}. Build: cmake -S ${cpp} -B ${join(cpp, 'build')} -DTENSORRT_ROOT=/path/to/TensorRT && cmake --build ${join(cpp, 'build')}`);
    }
  }
  printDiagnostics(io, prepared.notes, doc);
  return EXIT_OK;
}
