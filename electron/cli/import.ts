/**
 * `trt-studio import MODEL.onnx -o OUT.trtstudio [--weights-out OUT.wts] [--json]`: an ONNX model as a
 * project of catalog layers, its initializers as a `.wts` bound by name (next to the project unless
 * --weights-out says where). Exit 1 when the model has unsupported ops or cannot be mapped, 2 when
 * the file cannot be read as ONNX or an output cannot be written.
 */
import type { Diagnostic } from '../../core/diagnostics.js';
import { nodeFiles } from '../workflows/node-files.js';
import { defaultWeightsPath, importModelFile, writeImportedProject } from '../workflows/import.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand } from './command.js';
import { formatDiagnostic } from './project-io.js';

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import an ONNX model as a project of TensorRT layers, with its initializers as a .wts bound by name.',
  usage: 'import MODEL.onnx -o OUT.trtstudio [--weights-out OUT.wts] [--json]',
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, { output: { type: 'string', short: 'o' }, 'weights-out': { type: 'string' }, json: { type: 'boolean' } }, io);
    if (!parsed) return EXIT_USAGE;
    const [model, ...extra] = parsed.positionals;
    const output = parsed.values.output;
    const weightsOut = parsed.values['weights-out'];
    const json = parsed.values.json === true;
    if (!model || extra.length > 0 || typeof output !== 'string' || (weightsOut !== undefined && typeof weightsOut !== 'string')) {
      io.err(`Expected one .onnx file and -o OUT.trtstudio.\nUsage: trt-studio ${this.usage}`);
      return EXIT_USAGE;
    }
    const report = (exitCode: number, diagnostics: Diagnostic[], extraFields: Record<string, unknown> = {}): number => {
      if (json) io.out(JSON.stringify({ model, ok: exitCode === EXIT_OK, ...extraFields, diagnostics }, null, 2));
      else for (const d of diagnostics) io.err(formatDiagnostic(d));
      return exitCode;
    };
    const files = nodeFiles();
    const imported = await importModelFile(model, { files, progress: () => undefined });
    if (!imported.ok) return report('unreadable' in imported && imported.unreadable ? EXIT_USAGE : EXIT_INVALID, imported.diagnostics);
    const value = imported.value;
    const weightsPath = typeof weightsOut === 'string' ? weightsOut : defaultWeightsPath(output);
    const written = await writeImportedProject(value, output, weightsPath, files);
    if (!written.ok) return report(EXIT_USAGE, written.diagnostics);
    const summary = {
      project: output,
      weights: weightsPath,
      opset: value.opset,
      producer: value.producer,
      layers: value.doc.nodes.length,
      weightCount: value.weights.size,
      valueCount: value.valueCount,
      inputs: value.doc.inputs.map((i) => ({ name: i.name, dtype: i.dtype, dims: i.dims })),
      outputs: value.doc.outputs.map((o) => o.name),
      dynamicDims: value.dynamicDims,
      fixedDims: value.fixedDims,
    };
    if (json) return report(EXIT_OK, imported.diagnostics ?? [], summary);
    io.out(
      `Imported ${model} (opset ${value.opset}${value.producer ? `, ${value.producer}` : ''}): ${plural(summary.layers, 'layer')}, ${plural(summary.weightCount, 'weight')} (${plural(summary.valueCount, 'value')}).`,
    );
    io.out(`Wrote ${output} and ${weightsPath}.`);
    for (const d of imported.diagnostics ?? []) io.err(formatDiagnostic(d));
    for (const d of value.dynamicDims)
      io.out(
        `Input '${d.input}' dimension ${d.axis}${d.name ? ` ('${d.name}')` : ''} is dynamic (-1): builds and generated code use 1 for it (min = opt = max, as trtexec does) unless the input is given a shape profile.`,
      );
    return EXIT_OK;
  },
};
