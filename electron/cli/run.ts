/**
 * `trt-studio run PROJECT --weights FILE.wts IMAGE... | --input [NAME=]FILE.npy ...`: run test images (or NumPy
 * inputs) through the network on a backend and print the top-k classes with their softmax probabilities and
 * class names, or each output's statistics; outputs can be saved as float32 `.npy`. `--engine FILE.engine`
 * runs an engine built earlier on the tensorrt backend (the project still names the inputs and layers).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BackendIdSchema, type BackendId } from '../../core/api/schemas.js';
import { programForCodegen } from '../../core/codegen/index.js';
import { error, warning, type Diagnostic } from '../../core/diagnostics.js';
import type { LoweredProgram } from '../../core/lower/lower.js';
import type { NetworkDocument } from '../../core/network/types.js';
import type { TrtProgram } from '../../core/program/types.js';
import type { TopClass } from '../../core/run/classes.js';
import { detectorOutputs, type NamedDetection } from '../../core/run/detector.js';
import type { Preprocessing } from '../../core/api/job-schemas.js';
import { PRESET_NAMES, presetSizedFor, type PresetName } from '../../core/run/preprocessing.js';
import type { Backend, BackendModel, BackendSession, NamedTensor } from '../backends/backend.js';
import { loadImagenetLabels, parseLabels, summarizeTensor, type TensorSummary } from '../services/images.js';
import { writeNpy } from '../services/npy.js';
import { buildEngine, imagesInput, npyInput, runInputs, type RunOutput, type WorkflowContext } from '../workflows/index.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand, type CliIo } from './command.js';
import { failureReporter, prepareLowered, printDiagnostics, type CliFailure } from './check-weights.js';
import { loadProjectFile } from './project-io.js';
import { fileErrorReason } from '../services/file-errors.js';
import { cliWorkflowContext, defaultTensorRT, type MakeTensorRT } from './workflow-context.js';
import { DETECTION_OPTIONS, detectionLines, detectionSettings, loadClassNames, loadOriginals, sampleDetections, writeAnnotated } from './run-detections.js';

export type { MakeTensorRT } from './workflow-context.js';

function isBackendId(name: string): name is BackendId {
  return BackendIdSchema.safeParse(name).success;
}

/** What `--engine` adds when TensorRT is not available here. */
export const ENGINE_HINT = 'To run this network without TensorRT, leave out --engine and use --backend onnxruntime with --weights FILE.wts.';

/** Exit code of a failed step: a file that cannot be read, or a backend missing here, is a usage problem (2); the rest an invalid network (1). */
export function exitCodeOf(diagnostics: readonly Diagnostic[]): number {
  const usage = ['file.read', 'image.read', 'npy.read', 'engine.read', 'files.missing', 'tensorrt.unavailable', 'backend.onnxruntime.missing', 'export.write'];
  return diagnostics.some((d) => usage.includes(d.code)) ? EXIT_USAGE : EXIT_INVALID;
}

/** Build the lowered model on a backend through the build workflow; the caller disposes the session and closes. */
export async function buildSession(
  ctx: WorkflowContext,
  backendName: BackendId,
  model: BackendModel,
): Promise<{ ok: true; session: BackendSession } | { ok: false; exitCode: number; diagnostics: Diagnostic[] }> {
  const built = await buildEngine(ctx, model, { backend: backendName });
  if (!built.ok) return { ok: false, exitCode: exitCodeOf(built.diagnostics), diagnostics: built.diagnostics };
  return { ok: true, session: built.value.session };
}

/**
 * A session for a `.engine` file built earlier, on the tensorrt backend; `program` maps its layers to nodes.
 * A file that cannot be read exits 2, and so does a machine without TensorRT (with the loader's reason and ENGINE_HINT).
 */
export async function openEngineSession(
  ctx: WorkflowContext,
  enginePath: string,
  program: TrtProgram,
): Promise<{ ok: true; session: BackendSession } | { ok: false; exitCode: number; diagnostics: Diagnostic[] }> {
  let engine: Uint8Array;
  try {
    engine = new Uint8Array(await readFile(enginePath));
  } catch (e) {
    return { ok: false, exitCode: EXIT_USAGE, diagnostics: [error('engine.read', `Cannot read the engine ${enginePath}: ${fileErrorReason(e)}.`)] };
  }
  const backend: { ok: true; value: Backend } | { ok: false; diagnostics: Diagnostic[] } = await ctx.backend('tensorrt');
  if (!backend.ok)
    return { ok: false, exitCode: EXIT_USAGE, diagnostics: [...backend.diagnostics, { severity: 'info', code: 'run.engine.hint', message: ENGINE_HINT }] };
  if (!backend.value.openEngine)
    return { ok: false, exitCode: EXIT_USAGE, diagnostics: [error('run.engine.backend', 'This backend cannot open engine files.')] };
  return { ok: true, session: backend.value.openEngine(engine, program) };
}

/** The network a run or profile uses: lowered with its weights, or (for `--engine` alone) only for its inputs and layer names. */
export interface RunModel {
  doc: NetworkDocument;
  program: TrtProgram;
  /** The lowered weights; absent when an engine file brings its own. */
  weights?: LoweredProgram['weights'];
  /** Binding warnings and infos to show after the result. */
  notes: Diagnostic[];
  dispose(): Promise<void>;
}

/** Load the project, with `--weights` bound and lowered; without them (only with `--engine`) the program names inputs and layers. */
export async function prepareRunModel(project: string, weights: string | undefined): Promise<{ ok: true; value: RunModel } | CliFailure> {
  if (weights !== undefined) {
    const prepared = await prepareLowered(project, weights);
    if (!prepared.ok) return prepared;
    const { doc, notes, lowered } = prepared;
    return { ok: true, value: { doc, program: lowered.program, weights: lowered.weights, notes, dispose: () => prepared.weights.store.dispose() } };
  }
  const loaded = await loadProjectFile(project);
  if (!loaded.ok) return { ok: false, exitCode: loaded.exitCode, diagnostics: loaded.diagnostics };
  const program = programForCodegen(loaded.doc);
  if (!program.ok) return { ok: false, exitCode: EXIT_INVALID, diagnostics: program.diagnostics, doc: loaded.doc };
  return { ok: true, value: { doc: loaded.doc, program: program.value, notes: [], dispose: () => Promise.resolve() } };
}

/** The session a run or profile measures: the `--engine` file, or the model built on the backend. */
export async function openRunSession(
  ctx: WorkflowContext,
  backendName: BackendId,
  model: RunModel,
  enginePath: string | undefined,
): Promise<{ ok: true; session: BackendSession } | { ok: false; exitCode: number; diagnostics: Diagnostic[] }> {
  if (enginePath !== undefined) return openEngineSession(ctx, enginePath, model.program);
  if (!model.weights) return { ok: false, exitCode: EXIT_USAGE, diagnostics: [error('run.weights', 'Building the network needs --weights FILE.wts.')] };
  return buildSession(ctx, backendName, { program: model.program, weights: model.weights });
}

/**
 * The backend `--engine` and `--backend` choose, or a usage message: an engine file runs on tensorrt
 * only, and without one the network needs its weights.
 */
export function chooseBackend(backend: unknown, engine: unknown, weights: unknown): { ok: true; name: BackendId } | { ok: false; message: string } {
  const name = typeof backend === 'string' ? backend : typeof engine === 'string' ? 'tensorrt' : 'onnxruntime';
  if (!isBackendId(name)) return { ok: false, message: `--backend must be onnxruntime or tensorrt; got '${name}'.` };
  if (typeof engine === 'string' && name !== 'tensorrt')
    return { ok: false, message: `--engine runs a TensorRT engine, so it takes --backend tensorrt (or no --backend); got '${name}'.` };
  if (typeof engine !== 'string' && typeof weights !== 'string')
    return { ok: false, message: 'Expected one project and --weights FILE.wts (or --engine FILE.engine).' };
  return { ok: true, name };
}

/** `--input [NAME=]FILE.npy` */
function parseInputArg(arg: string): { name?: string; path: string } {
  const at = arg.indexOf('=');
  return at > 0 && !arg.slice(0, at).includes('/') ? { name: arg.slice(0, at), path: arg.slice(at + 1) } : { path: arg };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
}

/** An output name as a file name: anything but letters, digits, `_`, `.` and `-` becomes `_`. */
export function npyFileName(output: string): string {
  return `${output.replace(/[^A-Za-z0-9_.-]/g, '_')}.npy`;
}

/** One output of several runs joined along the batch (first) dimension, with the top classes of every sample. */
function concatBatches(parts: readonly RunOutput[]): { name: string; dims: number[]; data: Float32Array; top?: TopClass[][] } {
  const first = parts[0]!;
  const top = first.top ? parts.flatMap((p) => p.top ?? []) : undefined;
  if (parts.length === 1) return { name: first.name, dims: [...first.dims], data: first.data, ...(top ? { top } : {}) };
  const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p.data, at);
    at += p.data.length;
  }
  return { name: first.name, dims: [parts.reduce((n, p) => n + (p.dims[0] ?? 1), 0), ...first.dims.slice(1)], data, ...(top ? { top } : {}) };
}

interface Sample {
  source: string;
  outputs: { name: string; top?: TopClass[]; summary?: TensorSummary; detections?: NamedDetection[] }[];
}

const OPTIONS = {
  weights: { type: 'string' },
  image: { type: 'string', multiple: true },
  input: { type: 'string', multiple: true },
  preset: { type: 'string' },
  labels: { type: 'string' },
  top: { type: 'string' },
  'output-npy': { type: 'string' },
  'save-npy': { type: 'string' },
  backend: { type: 'string' },
  engine: { type: 'string' },
  json: { type: 'boolean' },
  ...DETECTION_OPTIONS,
} as const;

/** The run command over a given TensorRT backend factory (tests pass one over the TensorRT test double). */
export function createRunCommand(makeTensorRT: MakeTensorRT = defaultTensorRT): CliCommand {
  return {
    name: 'run',
    summary:
      'Run test images (or .npy inputs) through the network: top-k classes with probabilities and names, detections of a YOLO detector, or output statistics.',
    usage:
      'run PROJECT.trtstudio (--weights FILE.wts | --engine FILE.engine) (IMAGE... | --image IMG ... | --input [NAME=]FILE.npy ...) [--preset imagenet|mnist|letterbox] ' +
      '[--labels FILE.txt] [--top K] [--conf 0.25] [--iou 0.45] [--names FILE.txt] [--annotate DIR] [--output-npy DIR] [--backend onnxruntime|tensorrt] [--json]',
    async run(args, io) {
      const parsed = parseCommandArgs(this, args, OPTIONS, io);
      if (!parsed) return EXIT_USAGE;
      const v = parsed.values;
      const [project, ...positionalImages] = parsed.positionals;
      const images = [...positionalImages, ...strings(v.image)];
      const npyInputs = strings(v.input).map(parseInputArg);
      const usage = (why: string) => {
        io.err(`${why}\nUsage: trt-studio ${this.usage}`);
        return EXIT_USAGE;
      };
      if (!project) return usage('Expected one project and --weights FILE.wts (or --engine FILE.engine).');
      if (images.length === 0 && npyInputs.length === 0) return usage('Expected at least one image or --input FILE.npy.');
      if (images.length > 0 && npyInputs.length > 0) return usage('Give images or --input .npy files, not both.');
      const top = v.top === undefined ? 5 : Number(v.top);
      if (!Number.isInteger(top) || top < 1) return usage(`--top must be a positive integer; got '${String(v.top)}'.`);
      if (v.preset !== undefined && !PRESET_NAMES.includes(v.preset as PresetName))
        return usage(`--preset must be one of ${PRESET_NAMES.join(', ')}; got '${String(v.preset)}'.`);
      const detection = detectionSettings(v);
      if (typeof detection === 'string') return usage(detection);
      if (detection.annotateDir !== undefined && images.length === 0)
        return usage('--annotate draws boxes on test images; give images, not --input .npy files.');
      const chosen = chooseBackend(v.backend, v.engine, v.weights);
      if (!chosen.ok) return usage(chosen.message);
      const backendName = chosen.name;
      const enginePath = typeof v.engine === 'string' ? v.engine : undefined;
      const npyDir = typeof v['output-npy'] === 'string' ? v['output-npy'] : typeof v['save-npy'] === 'string' ? v['save-npy'] : undefined;
      const json = v.json === true;

      const report = failureReporter(io, json);

      let labels: string[] | undefined;
      if (typeof v.labels === 'string') {
        try {
          labels = parseLabels(await readFile(v.labels, 'utf8'));
        } catch (e) {
          return report([error('labels.read', `Cannot read the labels file ${v.labels}: ${(e as Error).message}.`)], EXIT_USAGE);
        }
      }

      const prepared = await prepareRunModel(project, typeof v.weights === 'string' ? v.weights : undefined);
      if (!prepared.ok) return report(prepared.diagnostics, prepared.exitCode, prepared.doc);
      const { program, doc } = prepared.value;
      const detectors = detectorOutputs(doc);
      if (detection.annotateDir !== undefined && detectors.length === 0) {
        await prepared.value.dispose();
        return report(
          [
            error(
              'run.annotate.detector',
              'Only a detector has boxes to draw: no network output comes from a YOLO head (YoloV8Detect, YoloV5Detect) or a YOLO postprocess.',
            ),
          ],
          EXIT_USAGE,
        );
      }
      const classNames = await loadClassNames(detection, detectors);
      if (!classNames.ok) {
        await prepared.value.dispose();
        return report(classNames.diagnostics, EXIT_USAGE);
      }
      const ctx = cliWorkflowContext(makeTensorRT);
      let session: BackendSession | undefined;
      try {
        // Inputs: batches of images, or the .npy arrays.
        const batches: { sources: string[]; inputs: NamedTensor[] }[] = [];
        const programInputs = program.inputs;
        let preprocessing: Preprocessing | undefined;
        if (images.length > 0) {
          if (programInputs.length !== 1)
            return report(
              [
                error(
                  'run.images.inputs',
                  `Images feed a network with one input; this one has ${programInputs.length}. Give each input as --input NAME=FILE.npy.`,
                ),
              ],
              EXIT_USAGE,
            );
          const input = programInputs[0]!;
          // A detector's images are letterboxed as ultralytics does, unless --preset says otherwise.
          const p = presetSizedFor(input.dims, (v.preset as PresetName | undefined) ?? (detectors.length > 0 ? 'letterbox' : undefined));
          if (typeof p === 'string')
            return report(
              [error('run.images.dims', `The input '${input.name}': ${p}; give the data as --input FILE.npy instead.`, { nodeId: input.nodeId })],
              EXIT_INVALID,
              doc,
            );
          preprocessing = p;
          const batch = input.dims[0] === -1 ? images.length : input.dims[0]!;
          if (images.length % batch !== 0)
            return report(
              [
                error(
                  'run.images.batch',
                  `The input '${input.name}' takes batches of ${batch} images; ${images.length} were given. Give a multiple of ${batch}.`,
                ),
              ],
              EXIT_USAGE,
            );
          for (let at = 0; at < images.length; at += batch) {
            const paths = images.slice(at, at + batch);
            const tensor = await imagesInput(ctx, paths, input, p);
            if (!tensor.ok) return report(tensor.diagnostics, exitCodeOf(tensor.diagnostics));
            batches.push({ sources: paths, inputs: [tensor.value] });
          }
        } else {
          const inputs: NamedTensor[] = [];
          for (const arg of npyInputs) {
            const name = arg.name ?? (programInputs.length === 1 ? programInputs[0]!.name : undefined);
            const input = programInputs.find((i) => i.name === name);
            if (name === undefined || !input)
              return report(
                [
                  error(
                    'run.input.name',
                    `The network has ${programInputs.length} inputs (${programInputs.map((i) => `'${i.name}'`).join(', ')}); name the one ${arg.path} feeds as --input NAME=${arg.path}.`,
                  ),
                ],
                EXIT_USAGE,
              );
            const tensor = await npyInput(ctx, arg.path, input);
            if (!tensor.ok) return report(tensor.diagnostics, exitCodeOf(tensor.diagnostics));
            inputs.push(tensor.value);
          }
          const n = inputs[0]!.dims[0] ?? 1;
          const base = npyInputs.map((a) => basename(a.path)).join(' + ');
          batches.push({ sources: n === 1 ? [base] : Array.from({ length: n }, (_, i) => `${base}[${i}]`), inputs });
        }

        const built = await openRunSession(ctx, backendName, prepared.value, enginePath);
        if (!built.ok) return report(built.diagnostics, built.exitCode, doc);
        session = built.session;

        const perOutput = new Map<string, RunOutput[]>();
        for (const b of batches) {
          const result = await runInputs(ctx, session, b.inputs, { topK: top, ...(labels ? { labels } : {}), imagenetLabels: loadImagenetLabels });
          if (!result.ok) return report(result.diagnostics, EXIT_INVALID, doc);
          for (const t of result.value.outputs) perOutput.set(t.name, [...(perOutput.get(t.name) ?? []), t]);
        }
        const outputs = [...perOutput.values()].map(concatBatches);
        const sources = batches.flatMap((b) => b.sources);
        const originals = detectors.length > 0 && images.length > 0 ? await loadOriginals(images) : undefined;
        if (originals && !originals.ok) return report(originals.diagnostics, exitCodeOf(originals.diagnostics));

        const samples: Sample[] = sources.map((source, i) => ({
          source,
          outputs: outputs.map((o) => {
            // An output with one entry per sample is read per sample; any other is shown whole.
            const perSample = o.dims[0] === sources.length;
            const size = o.data.length / sources.length;
            const data = perSample ? o.data.subarray(i * size, (i + 1) * size) : o.data;
            const detector = detectors.find((d) => d.output === o.name);
            if (perSample && detector) {
              const image = originals?.ok ? originals.images[i] : undefined;
              const original = image && preprocessing ? { image, preprocessing } : undefined;
              try {
                return { name: o.name, detections: sampleDetections(data, [1, ...o.dims.slice(1)], detector, detection, classNames.names, original) };
              } catch (e) {
                // An output whose dims do not fit its head's layout is shown as numbers, with why.
                if (i === 0)
                  prepared.value.notes.push(warning('run.detections', `The output '${o.name}' was not read as detections: ${(e as Error).message}.`));
              }
            }
            if (perSample && o.top?.[i]) return { name: o.name, top: o.top[i] };
            return { name: o.name, summary: summarizeTensor(o.name, perSample ? [1, ...o.dims.slice(1)] : o.dims, data) };
          }),
        }));

        const written = new Map<string, string>();
        if (npyDir !== undefined) {
          try {
            await mkdir(npyDir, { recursive: true });
            for (const o of outputs) {
              const path = join(npyDir, npyFileName(o.name));
              await writeFile(path, writeNpy(o.dims, o.data));
              written.set(o.name, path);
            }
          } catch (e) {
            return report([error('run.npy.write', `Cannot write the outputs to ${npyDir}: ${(e as Error).message}.`)], EXIT_USAGE);
          }
        }

        let annotated: string[] = [];
        if (detection.annotateDir !== undefined && originals?.ok) {
          const drawn = await writeAnnotated(
            detection.annotateDir,
            images.map((path, i) => ({ path, image: originals.images[i]!, detections: samples[i]!.outputs.find((o) => o.detections)?.detections ?? [] })),
          );
          if (!drawn.ok) return report(drawn.diagnostics, EXIT_USAGE);
          annotated = drawn.paths;
        }

        if (json) {
          io.out(
            JSON.stringify(
              {
                ok: true,
                backend: backendName,
                ...(enginePath !== undefined ? { engine: enginePath } : {}),
                samples,
                outputs: outputs.map((o) => ({
                  ...summarizeTensor(o.name, o.dims, o.data),
                  ...(written.has(o.name) ? { npyPath: written.get(o.name) } : o.data.length <= 10_000 ? { values: Array.from(o.data) } : {}),
                })),
                ...(detection.annotateDir !== undefined ? { annotated } : {}),
                diagnostics: prepared.value.notes,
              },
              null,
              2,
            ),
          );
        } else {
          printSamples(io, samples);
          for (const [name, path] of written) {
            const o = outputs.find((x) => x.name === name)!;
            io.out(`Wrote ${path}: '${name}' [${o.dims.join(', ')}] float32.`);
          }
          for (const path of annotated) io.out(`Wrote ${path}.`);
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

export const runCommand: CliCommand = createRunCommand();

/** A number with at most 6 significant digits. */
function short(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+(e|$)/, '$1');
}

function printSamples(io: CliIo, samples: readonly Sample[]): void {
  for (const s of samples) {
    for (const o of s.outputs) {
      if (o.detections) for (const line of detectionLines(s.source, o.name, o.detections)) io.out(line);
      else if (o.top) {
        io.out(`${s.source}: ${o.name}, top ${o.top.length}`);
        for (const c of o.top) io.out(`  ${String(c.index).padStart(5)}  ${c.probability.toFixed(6)}${c.label !== undefined ? `  ${c.label}` : ''}`);
      } else if (o.summary) {
        const t = o.summary;
        io.out(
          `${s.source}: ${o.name} [${t.dims.join(', ')}] min ${short(t.min)} max ${short(t.max)} mean ${short(t.mean)} std ${short(t.std)}; first ${t.first.map(short).join(', ')}`,
        );
      }
    }
  }
}
