/**
 * `trt-studio check PROJECT.trtstudio [--weights FILE.wts] [--json]`: load, validate and check that the network runs
 * (shapes, lowering, ONNX translation: core/check/check-network.ts); print dims and every Diagnostic. With
 * `--weights`, also bind the file onto the network and report the binding.
 */
import { checkNetwork } from '../../core/check/check-network.js';
import { hasErrors, type Diagnostic } from '../../core/diagnostics.js';
import { inferShapes } from '../../core/shapes/infer.js';
import { formatDims } from '../../core/shapes/dims.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand } from './command.js';
import { checkWeights } from './check-weights.js';
import { formatDiagnostic, loadProjectFile } from './project-io.js';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: "Validate a project, infer every layer's output dims and check that it lowers and translates as run and build will; exit 1 on errors.",
  usage: 'check PROJECT.trtstudio [--weights FILE.wts] [--json]',
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, { json: { type: 'boolean' }, weights: { type: 'string' } }, io);
    if (!parsed) return EXIT_USAGE;
    const [path] = parsed.positionals;
    if (!path || parsed.positionals.length > 1) {
      io.err(`Expected one project file.\nUsage: trt-studio ${this.usage}`);
      return EXIT_USAGE;
    }
    const json = parsed.values.json === true;
    const loaded = await loadProjectFile(path);
    if (!loaded.ok) {
      if (json) io.out(JSON.stringify({ file: path, ok: false, nodes: [], diagnostics: loaded.diagnostics }, null, 2));
      else for (const d of loaded.diagnostics) io.err(formatDiagnostic(d));
      return loaded.exitCode;
    }
    const doc = loaded.doc;
    const report = inferShapes(doc);
    const weightsPath = parsed.values.weights;
    const weights = typeof weightsPath === 'string' ? await checkWeights(doc, report, weightsPath) : undefined;
    if (weights && !weights.ok) {
      if (json) io.out(JSON.stringify({ file: path, ok: false, nodes: [], diagnostics: weights.diagnostics }, null, 2));
      else for (const d of weights.diagnostics) io.err(formatDiagnostic(d));
      return weights.exitCode;
    }
    // With a weights file, check the network as run binds it: an optional slot the file fills (a bias) is lowered and translated too.
    const diagnostics: Diagnostic[] = [...checkNetwork(weights ? weights.doc : doc, report).diagnostics, ...(weights?.diagnostics ?? [])];
    const names = new Map<string, string>([...doc.nodes.map((n) => [n.id, n.name] as const), ...doc.inputs.map((i) => [i.id, i.name] as const)]);
    const rows = [
      ...doc.inputs.map((i) => ({ id: i.id, name: i.name, type: 'input', outputs: report.nodes[i.id]?.outputs ?? {} })),
      ...report.order.map((id) => {
        const node = doc.nodes.find((n) => n.id === id)!;
        return { id, name: node.name, type: node.type, outputs: report.nodes[id]?.outputs ?? {} };
      }),
    ];
    const ok = !hasErrors(diagnostics);
    if (json) {
      io.out(JSON.stringify({ file: path, ok, nodes: rows, ...(weights ? { weights: weights.json } : {}), diagnostics }, null, 2));
    } else {
      io.out(`${doc.name}: ${doc.inputs.length} input(s), ${doc.nodes.length} layer(s), ${doc.outputs.length} output(s)`);
      const width = Math.max(8, ...rows.map((r) => r.name.length));
      for (const r of rows) {
        const dims = Object.entries(r.outputs).map(([port, t]) => (Object.keys(r.outputs).length > 1 ? `${port}=` : '') + `${formatDims(t.dims)} ${t.dtype}`);
        io.out(`  ${r.name.padEnd(width)}  ${r.type.padEnd(20)} ${dims.join('  ') || '(not inferred)'}`);
      }
      if (weights) io.out(weights.line);
      for (const d of diagnostics) io.out(formatDiagnostic(d, (id) => names.get(id)));
      io.out(ok ? 'No errors.' : `${diagnostics.filter((d) => d.severity === 'error').length} error(s).`);
    }
    return ok ? EXIT_OK : EXIT_INVALID;
  },
};
