/**
 * `trt-studio build PROJECT --weights FILE.wts -o OUT.engine [--fp16] [--tf32] [--workspace MiB] [--timing-cache FILE] [--json]`:
 * bind the weights, lower the network and build a serialized TensorRT engine in the engine host.
 * Without TensorRT it exits 2 with the loader's reason and where to read about building the addon.
 */
import { hasErrors, type Diagnostic } from '../../core/diagnostics.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { inferShapes } from '../../core/shapes/infer.js';
import { bindWeights } from '../../core/weights/binding.js';
import type { BuildEvent } from '../backends/backend.js';
import { TensorRTBackend, type TensorRTBackendOptions } from '../backends/tensorrt/backend.js';
import { WeightStore } from '../services/weight-store.js';
import { buildEngine, lowerNetwork, nodeFiles, type WorkflowContext } from '../workflows/index.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand, type CliIo } from './command.js';
import { formatDiagnostic, loadProjectFile } from './project-io.js';

/** Where a user reads how to build the addon with TensorRT. */
export const NATIVE_README_HINT = 'See native/README.md for building the addon against TensorRT; `trt-studio doctor` shows what this machine has.';

function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], doc?: NetworkDocument): void {
  const names = new Map<string, string>(doc ? [...doc.nodes.map((n) => [n.id, n.name] as const), ...doc.inputs.map((i) => [i.id, i.name] as const)] : []);
  for (const d of diagnostics) io.err(formatDiagnostic(d, (id) => names.get(id)));
}

/** A positive whole number of MiB, or undefined. */
function parseMiB(text: string): number | undefined {
  return /^[1-9][0-9]{0,6}$/.test(text) ? Number(text) : undefined;
}

/** The build command over a given TensorRT backend factory (tests pass one over the TensorRT test double). */
export function createBuildCommand(makeBackend: (options: TensorRTBackendOptions) => TensorRTBackend = (options) => new TensorRTBackend(options)): CliCommand {
  return {
    name: 'build',
    summary: 'Build a TensorRT engine from a project and its .wts weights (needs TensorRT; see `doctor`).',
    usage: 'build PROJECT.trtstudio --weights FILE.wts -o OUT.engine [--fp16] [--tf32] [--workspace MiB] [--timing-cache FILE] [--json]',
    async run(args, io) {
      const parsed = parseCommandArgs(
        this,
        args,
        {
          weights: { type: 'string' },
          output: { type: 'string', short: 'o' },
          fp16: { type: 'boolean' },
          tf32: { type: 'boolean' },
          workspace: { type: 'string' },
          'timing-cache': { type: 'string' },
          json: { type: 'boolean' },
        },
        io,
      );
      if (!parsed) return EXIT_USAGE;
      const v = parsed.values;
      const [projectPath] = parsed.positionals;
      if (!projectPath || parsed.positionals.length > 1) {
        io.err(`Expected one project file.\nUsage: trt-studio ${this.usage}`);
        return EXIT_USAGE;
      }
      if (typeof v.weights !== 'string' || typeof v.output !== 'string') {
        io.err(`${typeof v.weights !== 'string' ? '--weights FILE.wts' : '-o OUT.engine'} is required.\nUsage: trt-studio ${this.usage}`);
        return EXIT_USAGE;
      }
      const workspaceMiB = typeof v.workspace === 'string' ? parseMiB(v.workspace) : 1024;
      if (workspaceMiB === undefined) {
        io.err(`--workspace must be a whole number of MiB from 1 to 9999999; got '${String(v.workspace)}'.`);
        return EXIT_USAGE;
      }
      const json = v.json === true;
      const cachePath = typeof v['timing-cache'] === 'string' ? v['timing-cache'] : undefined;

      const loaded = await loadProjectFile(projectPath);
      if (!loaded.ok) {
        printDiagnostics(io, loaded.diagnostics);
        return loaded.exitCode;
      }
      const shapes = inferShapes(loaded.doc);
      const shapeErrors = shapes.diagnostics.filter((d) => d.severity === 'error');
      if (shapeErrors.length > 0) {
        printDiagnostics(io, shapeErrors, loaded.doc);
        return EXIT_INVALID;
      }

      const store = new WeightStore();
      let backend: TensorRTBackend | undefined;
      try {
        const file = await store.load(v.weights);
        if (!file.ok) {
          printDiagnostics(io, [file.diagnostic]);
          return file.unreadable ? EXIT_USAGE : EXIT_INVALID;
        }
        const { doc, report } = bindWeights(
          loaded.doc,
          file.file.tensors.map((t) => ({ name: t.name, count: t.count })),
          shapes,
        );
        if (hasErrors(report.diagnostics)) {
          printDiagnostics(
            io,
            report.diagnostics.filter((d) => d.severity === 'error'),
            doc,
          );
          return EXIT_INVALID;
        }
        backend = makeBackend({});
        const tensorrt = backend;
        const capabilities = await tensorrt.hostCapabilities();
        if (!capabilities.ok) {
          printDiagnostics(io, capabilities.diagnostics, doc);
          return EXIT_USAGE;
        }
        if (!capabilities.value.available) {
          io.err(capabilities.value.explanation ?? 'TensorRT is not available.');
          io.err(NATIVE_README_HINT);
          return EXIT_USAGE;
        }
        const ctx: WorkflowContext = {
          backend: async () => ({ ok: true, value: tensorrt }),
          files: nodeFiles(),
          progress: () => undefined,
          log: () => undefined,
        };
        const model = lowerNetwork(ctx, { doc, weights: (name) => store.tensor(file.file.id, name) });
        if (!model.ok) {
          printDiagnostics(io, model.diagnostics, doc);
          return EXIT_INVALID;
        }
        // TensorRT's log arrives as events while it builds and again in the result: each is printed once.
        const printed = new Set<string>();
        const onEvent = (event: BuildEvent) => {
          if (json) return;
          if (event.kind === 'phaseStart' && event.parentPhase === undefined) io.err(`  ${event.phase}`);
          if (event.kind === 'diagnostic') {
            printed.add(JSON.stringify(event.diagnostic));
            printDiagnostics(io, [event.diagnostic], doc);
          }
        };
        const precision = v.fp16 === true ? 'fp16' : 'fp32';
        const tf32 = v.tf32 === true;
        const version = capabilities.value.native?.buildTensorRTVersion ?? '?';
        const program = model.value.program;
        if (!json)
          io.out(
            `Building '${program.name}' (${program.ops.length} layers) with TensorRT ${version}: ${precision.toUpperCase()} (TF32 ${tf32 ? 'on' : 'off'}), workspace ${workspaceMiB} MiB.`,
          );
        const built = await buildEngine(ctx, model.value, { backend: 'tensorrt', precision, tf32, workspaceMiB, timingCachePath: cachePath ?? null, onEvent });
        if (!built.ok) {
          printDiagnostics(io, built.diagnostics, doc);
          return built.diagnostics.some((d) => d.code === 'export.write' || d.code === 'file.read') ? EXIT_USAGE : EXIT_INVALID;
        }
        const engine = built.value.session.engineBytes ?? new Uint8Array();
        const written = await ctx.files.write(v.output, engine);
        if (!written.ok) {
          printDiagnostics(io, written.diagnostics);
          return EXIT_USAGE;
        }
        const diagnostics = built.diagnostics ?? [];
        if (json) {
          io.out(
            JSON.stringify(
              {
                engine: v.output,
                bytes: engine.length,
                tensorrt: version,
                precision: precision.toUpperCase(),
                tf32,
                workspaceMiB,
                timingCache: cachePath ?? null,
                diagnostics,
              },
              null,
              2,
            ),
          );
        } else {
          printDiagnostics(
            io,
            diagnostics.filter((d) => !printed.has(JSON.stringify(d))),
            doc,
          );
          const cacheSaved = (built.value.session.timingCache?.length ?? 0) > 0;
          const cacheNote = !cachePath
            ? ''
            : cacheSaved
              ? ` Timing cache saved to ${cachePath}.`
              : ` TensorRT returned no timing cache; ${cachePath} was left as it was.`;
          io.out(`Wrote ${v.output} (${engine.length} bytes).${cacheNote}`);
        }
        return EXIT_OK;
      } finally {
        backend?.dispose();
        await store.dispose();
      }
    },
  };
}

export const buildCommand: CliCommand = createBuildCommand();
