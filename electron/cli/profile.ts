/**
 * `trt-studio profile PROJECT --weights FILE.wts [--iterations N] [--warmup N]`: latency statistics over N
 * timed runs after warm-up, and the time per layer (mapped back to canvas nodes), slowest first.
 * `--engine FILE.engine` profiles an engine built earlier on the tensorrt backend.
 */
import type { NetworkDocument } from '../../core/network/types.js';
import type { BackendSession, LayerTime, NamedTensor, ProfileResult } from '../backends/backend.js';
import { npyInput, profileEngine } from '../workflows/index.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand } from './command.js';
import { failureReporter, printDiagnostics } from './check-weights.js';
import { chooseBackend, exitCodeOf, openRunSession, prepareRunModel } from './run.js';
import { cliWorkflowContext, defaultTensorRT, type MakeTensorRT } from './workflow-context.js';

function ms(x: number): string {
  return x >= 100 ? x.toFixed(1) : x >= 1 ? x.toFixed(3) : x.toFixed(4);
}

/** The canvas nodes a row covers, by name; a runtime-internal row has none. */
function nodeNamesOf(t: LayerTime, nodeName: ReadonlyMap<string, string>): string[] {
  const ids = t.nodeIds ?? (t.nodeId !== undefined ? [t.nodeId] : []);
  return ids.map((id) => nodeName.get(id) ?? id);
}

/**
 * The report as printed: the latency line, throughput, then one row per kernel. A fused kernel's row
 * names every layer it ran (`conv1.conv + conv1.bn.scale + conv1.relu`) and every canvas node they
 * belong to; the runtime's own kernels are listed after the table with what they do.
 */
export function formatProfile(name: string, backend: string, result: ProfileResult, doc: NetworkDocument, batch: number): string[] {
  const l = result.latency;
  const lines = [
    `${name} on ${backend}: ${l.iterations} timed runs after ${l.warmup} warm-up, batch ${batch}`,
    `  latency (ms)  min ${ms(l.minMs)}  p50 ${ms(l.p50Ms)}  p90 ${ms(l.p90Ms)}  p95 ${ms(l.p95Ms)}  p99 ${ms(l.p99Ms)}  max ${ms(l.maxMs)}  mean ${ms(l.meanMs)}`,
    `  throughput    ${l.throughput.toFixed(1)} inferences/s`,
  ];
  const nodeName = new Map(doc.nodes.map((n) => [n.id, n.name]));
  const rows = result.layers.map((t) => [
    t.layerName,
    t.internal !== undefined ? '(runtime)' : nodeNamesOf(t, nodeName).join(', ') || '-',
    ms(t.meanMs),
    `${(t.share * 100).toFixed(1)}%`,
  ]);
  const header = ['layer', 'node', 'mean ms', 'share'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows])
    lines.push(`  ${r.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
  if (result.layers.some((t) => t.fusedFrom))
    lines.push("  A row that joins layers with ' + ' is one fused kernel that ran them all; its time is theirs together.");
  const internal = result.layers.filter((t) => t.internal !== undefined);
  if (internal.length > 0) {
    lines.push("  The runtime's own work, part of no layer:");
    for (const t of internal) lines.push(`    ${t.layerName}: ${t.internal}.`);
  }
  return lines;
}

const OPTIONS = {
  weights: { type: 'string' },
  iterations: { type: 'string' },
  runs: { type: 'string' },
  warmup: { type: 'string' },
  input: { type: 'string', multiple: true },
  backend: { type: 'string' },
  engine: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The profile command over a given TensorRT backend factory (tests pass one over the TensorRT test double). */
export function createProfileCommand(makeTensorRT: MakeTensorRT = defaultTensorRT): CliCommand {
  return {
    name: 'profile',
    summary: 'Measure the network: latency statistics (min, p50, p90, p95, p99, mean, throughput) and the time per layer.',
    usage:
      'profile PROJECT.trtstudio (--weights FILE.wts | --engine FILE.engine) [--iterations N (or --runs N)] [--warmup N] [--input [NAME=]FILE.npy ...] ' +
      '[--backend onnxruntime|tensorrt] [--json]',
    async run(args, io) {
      const parsed = parseCommandArgs(this, args, OPTIONS, io);
      if (!parsed) return EXIT_USAGE;
      const v = parsed.values;
      const [project, ...extra] = parsed.positionals;
      const usage = (why: string) => {
        io.err(`${why}\nUsage: trt-studio ${this.usage}`);
        return EXIT_USAGE;
      };
      if (!project || extra.length > 0) return usage('Expected one project and --weights FILE.wts (or --engine FILE.engine).');
      const count = (value: unknown, fallback: number, min: number, flag: string): number | string => {
        if (value === undefined) return fallback;
        const n = Number(value);
        return Number.isInteger(n) && n >= min ? n : `${flag} must be an integer of at least ${min}; got '${String(value)}'.`;
      };
      const iterations = count(v.iterations ?? v.runs, 100, 1, v.iterations !== undefined ? '--iterations' : '--runs');
      const warmup = count(v.warmup, 10, 0, '--warmup');
      if (typeof iterations === 'string') return usage(iterations);
      if (typeof warmup === 'string') return usage(warmup);
      const chosen = chooseBackend(v.backend, v.engine, v.weights);
      if (!chosen.ok) return usage(chosen.message);
      const backendName = chosen.name;
      const enginePath = typeof v.engine === 'string' ? v.engine : undefined;
      const json = v.json === true;
      const report = failureReporter(io, json);

      const prepared = await prepareRunModel(project, typeof v.weights === 'string' ? v.weights : undefined);
      if (!prepared.ok) return report(prepared.diagnostics, prepared.exitCode, prepared.doc);
      const { program, doc } = prepared.value;
      const ctx = cliWorkflowContext(makeTensorRT);
      let session: BackendSession | undefined;
      try {
        const given = new Map<string, NamedTensor>();
        for (const arg of Array.isArray(v.input) ? v.input.filter((x): x is string => typeof x === 'string') : []) {
          const at = arg.indexOf('=');
          const name = at > 0 ? arg.slice(0, at) : program.inputs.length === 1 ? program.inputs[0]!.name : undefined;
          const path = at > 0 ? arg.slice(at + 1) : arg;
          const input = program.inputs.find((i) => i.name === name);
          if (name === undefined || !input) return usage(`The network has several inputs; name the one ${path} feeds as --input NAME=${path}.`);
          const tensor = await npyInput(ctx, path, input);
          if (!tensor.ok) return report(tensor.diagnostics, exitCodeOf(tensor.diagnostics));
          given.set(name, tensor.value);
        }
        const opened = await openRunSession(ctx, backendName, prepared.value, enginePath);
        if (!opened.ok) return report(opened.diagnostics, opened.exitCode, doc);
        session = opened.session;
        const profiled = await profileEngine(ctx, session, program.inputs, { iterations, warmup, given });
        if (!profiled.ok) return report(profiled.diagnostics, profiled.diagnostics[0]?.code === 'profile.input' ? EXIT_USAGE : EXIT_INVALID, doc);
        const result: ProfileResult = profiled.value;
        const inputs = profiled.value.inputs;
        const batch = Math.max(1, inputs[0]?.dims[0] ?? 1);
        if (json) {
          const nodeName = new Map(doc.nodes.map((n) => [n.id, n.name]));
          io.out(
            JSON.stringify(
              {
                ok: true,
                backend: backendName,
                ...(enginePath !== undefined ? { engine: enginePath } : {}),
                batch,
                latency: result.latency,
                layers: result.layers.map((l) => ({
                  ...l,
                  ...(l.nodeId !== undefined ? { nodeName: nodeName.get(l.nodeId) } : {}),
                  ...(l.nodeIds ? { nodeNames: nodeNamesOf(l, nodeName) } : {}),
                })),
                diagnostics: prepared.value.notes,
              },
              null,
              2,
            ),
          );
        } else {
          for (const line of formatProfile(doc.name, backendName, result, doc, batch)) io.out(line);
          printDiagnostics(io, prepared.value.notes, doc);
        }
        return EXIT_OK;
      } finally {
        await session?.dispose();
        ctx.close();
        await prepared.value.dispose();
      }
    },
  };
}

export const profileCommand: CliCommand = createProfileCommand();
