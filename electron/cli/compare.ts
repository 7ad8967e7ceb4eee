/**
 * `trt-studio compare PROJECT --weights W.wts --input x.npy --reference ref.npz [--tolerance 1e-4] [--json]`:
 * every layer whose name has a PyTorch reference (an `.npz` or a folder of `.npy`, keyed by module
 * names) compared with it; `--against tensorrt` compares two backends instead. Prints the table in
 * topological order and the first failing layer. Exit 0 when all pass, 1 when one fails (or the
 * network has errors), 2 when a file cannot be read or the command line is wrong.
 * `trt-studio reference-script` prints the PyTorch snippet that writes such references.
 */
import type { CompareAgainst, CompareReport } from '../../core/api/compare-schemas.js';
import { BackendIdSchema, type BackendId } from '../../core/api/schemas.js';
import { SHAPES_DIFFER } from '../../core/compare/metrics.js';
import { REFERENCE_SCRIPT } from '../../core/compare/reference-script.js';
import { compareLayers } from '../workflows/index.js';
import { failureReporter, prepareBound } from './check-weights.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand, type CliIo } from './command.js';
import { cliWorkflowContext, defaultTensorRT, type MakeTensorRT } from './workflow-context.js';

/** Codes of a file that cannot be read, or a backend missing here: exit 2. */
const UNREADABLE = new Set([
  'file.read',
  'npy.read',
  'npy.format',
  'compare.reference.read',
  'compare.reference.dtype',
  'compare.reference.empty',
  'compare.input.shape',
  'tensorrt.unavailable',
  'backend.onnxruntime.missing',
]);

const OPTIONS = {
  weights: { type: 'string' },
  input: { type: 'string' },
  reference: { type: 'string' },
  against: { type: 'string' },
  backend: { type: 'string' },
  tolerance: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function backendId(value: unknown, option: string): BackendId | string {
  const parsed = BackendIdSchema.safeParse(value ?? 'onnxruntime');
  return parsed.success ? parsed.data : `${option} must be onnxruntime or tensorrt; got '${String(value)}'.`;
}

/** `1.23e-5`, or `—` where the row has no numbers (shapes differ). */
function number(value: number, digits: number, shown: boolean): string {
  if (!shown) return '—';
  return value === 0 ? '0' : Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toPrecision(digits) : value.toExponential(digits - 1);
}

/** The per-layer table and its verdict, as the terminal shows it. */
export function formatCompareTable(report: CompareReport): string {
  const rows = report.layers.map((l) => {
    const shown = !(l.note ?? '').startsWith(SHAPES_DIFFER);
    return [
      l.layer,
      l.reference,
      number(l.maxAbsError, 3, shown),
      number(l.relError, 3, shown),
      shown ? l.cosine.toFixed(6) : '—',
      `${l.pass ? 'pass' : 'FAIL'}${l.note ? `  ${l.note}` : ''}`,
    ];
  });
  const header = ['layer', 'reference', 'max abs error', 'rel error', 'cosine', 'result'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : c >= 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const lines = [line(header), ...rows.map(line)];
  const failing = report.layers.filter((l) => !l.pass).length;
  lines.push('');
  if (report.firstFailing === null)
    lines.push(`All ${report.layers.length} compared layers pass (tolerance ${report.tolerance} of each reference's largest value).`);
  else
    lines.push(
      `First failing layer: ${report.firstFailing} (${failing} of ${report.layers.length} layers fail at tolerance ${report.tolerance} of each reference's largest value).`,
    );
  if (report.unmatched.length > 0)
    lines.push(`${report.unmatched.length} reference key(s) name no layer of the network and were not compared: ${report.unmatched.join(', ')}.`);
  return lines.join('\n');
}

/** The `--json` object: exactly firstFailing and the rows' six fields, in topological order. */
export function compareJson(report: CompareReport): { firstFailing: string | null; layers: Record<string, unknown>[] } {
  return {
    firstFailing: report.firstFailing,
    layers: report.layers.map((l) => ({
      layer: l.layer,
      reference: l.reference,
      maxAbsError: l.maxAbsError,
      relError: l.relError,
      cosine: l.cosine,
      pass: l.pass,
    })),
  };
}

export function createCompareCommand(makeTensorRT: MakeTensorRT = defaultTensorRT): CliCommand {
  return {
    name: 'compare',
    summary: 'Compare every layer with PyTorch reference activations (or with a second backend) and name the first layer that differs.',
    usage:
      'compare PROJECT.trtstudio --weights FILE.wts --input x.npy (--reference ref.npz|FOLDER | --against onnxruntime|tensorrt) ' +
      '[--backend onnxruntime|tensorrt] [--tolerance 1e-4] [--json]',
    async run(args, io: CliIo) {
      const parsed = parseCommandArgs(this, args, OPTIONS, io);
      if (!parsed) return EXIT_USAGE;
      const v = parsed.values;
      const usage = (why: string) => {
        io.err(`${why}\nUsage: trt-studio ${this.usage}`);
        return EXIT_USAGE;
      };
      const [project, ...extra] = parsed.positionals;
      if (!project || extra.length > 0) return usage('Expected one project.');
      if (typeof v.weights !== 'string') return usage('Expected --weights FILE.wts.');
      if (typeof v.input !== 'string') return usage('Expected --input x.npy (the reference script saves it beside the references).');
      if ((typeof v.reference === 'string') === (typeof v.against === 'string')) return usage('Expected either --reference ref.npz or --against BACKEND.');
      const tolerance = v.tolerance === undefined ? 1e-4 : Number(v.tolerance);
      if (!(tolerance > 0 && tolerance <= 1)) return usage(`--tolerance must be a number above 0 and at most 1; got '${String(v.tolerance)}'.`);
      const backend = backendId(v.backend, '--backend');
      if (backend !== 'onnxruntime' && backend !== 'tensorrt') return usage(backend);
      let against: CompareAgainst;
      if (typeof v.reference === 'string') against = { kind: 'reference', path: v.reference };
      else {
        const other = backendId(v.against, '--against');
        if (other !== 'onnxruntime' && other !== 'tensorrt') return usage(other);
        against = { kind: 'backend', backend: other };
      }
      const json = v.json === true;
      const report = failureReporter(io, json);

      const prepared = await prepareBound(project, v.weights);
      if (!prepared.ok) return report(prepared.diagnostics, prepared.exitCode, prepared.doc);
      const ctx = cliWorkflowContext(makeTensorRT);
      try {
        const compared = await compareLayers(ctx, { doc: prepared.doc, weights: prepared.weights.values }, { backend, against, inputPath: v.input, tolerance });
        if (!compared.ok)
          return report(compared.diagnostics, compared.diagnostics.some((d) => UNREADABLE.has(d.code)) ? EXIT_USAGE : EXIT_INVALID, prepared.doc);
        const result = compared.value.report;
        io.out(json ? JSON.stringify(compareJson(result), null, 2) : formatCompareTable(result));
        return result.firstFailing === null ? EXIT_OK : EXIT_INVALID;
      } finally {
        ctx.close();
        await prepared.weights.store.dispose();
      }
    },
  };
}

export const compareCommand = createCompareCommand();

export const referenceScriptCommand: CliCommand = {
  name: 'reference-script',
  summary: "Print a PyTorch snippet that saves every module's output (the references `compare` reads) and the input.",
  usage: 'reference-script',
  run(args, io) {
    if (args.length > 0) {
      io.err(`reference-script takes no arguments; got '${args.join(' ')}'.\nUsage: trt-studio ${this.usage}`);
      return Promise.resolve(EXIT_USAGE);
    }
    io.out(REFERENCE_SCRIPT.trimEnd());
    return Promise.resolve(EXIT_OK);
  },
};
