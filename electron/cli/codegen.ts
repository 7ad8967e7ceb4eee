/**
 * `trt-studio codegen PROJECT --lang python|cpp -o FILE|DIR/ [--weights FILE.wts]`: print the project's
 * network as a TensorRT Python script or a tensorrtx-style C++ program (core/codegen). The C++
 * program gets a CMakeLists.txt beside it. Generated code reads the `.wts` when it runs.
 */
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { error, type Diagnostic } from '../../core/diagnostics.js';
import { defaultCodeFileName, programForCodegen } from '../../core/codegen/index.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { WeightStore } from '../services/weight-store.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand, type CliIo } from './command.js';
import { formatDiagnostic, loadProjectFile } from './project-io.js';
import { prepareExport, writeExport } from '../workflows/index.js';
import { cliWorkflowContext } from './workflow-context.js';

function report(io: CliIo, diagnostics: readonly Diagnostic[], doc?: NetworkDocument): void {
  const names = new Map<string, string>(doc ? [...doc.nodes.map((n) => [n.id, n.name] as const), ...doc.inputs.map((i) => [i.id, i.name] as const)] : []);
  for (const d of diagnostics) io.err(formatDiagnostic(d, (id) => names.get(id)));
}

/** The names and counts of a `.wts` file's tensors; the worker decodes it, the values are dropped. */
async function readTensorNames(
  path: string,
): Promise<{ ok: true; tensors: { name: string; count: number }[] } | { ok: false; exitCode: number; diagnostic: Diagnostic }> {
  const store = new WeightStore();
  try {
    const loaded = await store.load(path);
    if (!loaded.ok) return { ok: false, exitCode: loaded.unreadable ? EXIT_USAGE : EXIT_INVALID, diagnostic: loaded.diagnostic };
    return { ok: true, tensors: loaded.file.tensors.map((t) => ({ name: t.name, count: t.count })) };
  } finally {
    await store.dispose();
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export const codegenCommand: CliCommand = {
  name: 'codegen',
  summary: 'Generate a TensorRT Python script or a tensorrtx-style C++ program (with CMakeLists.txt) that builds the engine.',
  usage: 'codegen PROJECT.trtstudio --lang python|cpp -o FILE|DIR/ [--weights FILE.wts]',
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, { lang: { type: 'string' }, output: { type: 'string', short: 'o' }, weights: { type: 'string' } }, io);
    if (!parsed) return EXIT_USAGE;
    const [projectPath] = parsed.positionals;
    const { lang, weights } = parsed.values;
    if (!projectPath || parsed.positionals.length > 1) {
      io.err(`Expected one project file.\nUsage: trt-studio ${this.usage}`);
      return EXIT_USAGE;
    }
    if (lang !== 'python' && lang !== 'cpp') {
      io.err(`--lang must be 'python' or 'cpp'; got ${typeof lang === 'string' ? `'${lang}'` : 'nothing'}.\nUsage: trt-studio ${this.usage}`);
      return EXIT_USAGE;
    }
    let output = parsed.values.output;
    if (typeof output !== 'string') {
      io.err(`-o FILE is required: where to write the ${lang === 'python' ? 'Python script' : 'C++ program'}.\nUsage: trt-studio ${this.usage}`);
      return EXIT_USAGE;
    }
    const loaded = await loadProjectFile(projectPath);
    if (!loaded.ok) {
      report(io, loaded.diagnostics);
      return loaded.exitCode;
    }
    let tensors: { name: string; count: number }[] | undefined;
    if (typeof weights === 'string') {
      const names = await readTensorNames(weights);
      if (!names.ok) {
        report(io, [names.diagnostic]);
        return names.exitCode;
      }
      tensors = names.tensors;
    }
    const program = programForCodegen(loaded.doc, tensors);
    if (!program.ok) {
      report(io, program.diagnostics, loaded.doc);
      return EXIT_INVALID;
    }
    const weightsPath = typeof weights === 'string' ? basename(weights) : undefined;
    // `-o DIR` (an existing folder, or a path ending in '/') writes the default file name into it.
    if (output.endsWith('/') || (await isDirectory(output))) {
      try {
        await mkdir(output, { recursive: true });
      } catch (e) {
        report(io, [error('file.write', `Cannot create the folder ${output}: ${(e as Error).message}.`)]);
        return EXIT_USAGE;
      }
      output = join(output, defaultCodeFileName(program.value, lang));
    }
    const ctx = cliWorkflowContext();
    const files = await prepareExport(ctx, lang, output, {
      model: { program: program.value, weights: new Map() },
      doc: loaded.doc,
      ...(weightsPath ? { weightsFileName: weightsPath } : {}),
    });
    if (!files.ok) {
      report(io, files.diagnostics, loaded.doc);
      return EXIT_INVALID;
    }
    const written = await writeExport(ctx, files.value);
    if (!written.ok) {
      report(io, written.diagnostics);
      return EXIT_USAGE;
    }
    const layers = `${program.value.ops.length} layers from ${loaded.doc.nodes.length} nodes`;
    if (lang === 'python') {
      io.out(
        `Wrote ${output}: a TensorRT 10/11 Python script for '${program.value.name}' (${layers}). Run: python3 ${output} --weights ${weightsPath ?? `${program.value.name}.wts`}`,
      );
      return EXIT_OK;
    }
    io.out(`Wrote ${output}: a tensorrtx-style C++ program for '${program.value.name}' (${layers}).`);
    // The CMakeLists.txt beside the program; one the user wrote is never overwritten.
    const cmake = written.value[1]!;
    if (!cmake.written) io.out(`Left ${cmake.path} as it is (not generated by TRT Studio); add ${basename(output)} to it yourself.`);
    else io.out(`Wrote ${cmake.path}. Build: cmake -S ${dirname(output)} -B build -DTENSORRT_ROOT=/path/to/TensorRT && cmake --build build`);
    return EXIT_OK;
  },
};
