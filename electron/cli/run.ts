/**
 * `trt-studio run PROJECT --weights FILE.wts IMAGE... | --input [NAME=]FILE.npy ...`: run test images (or NumPy
 * inputs) through the network on a backend and print the top-k classes with their softmax probabilities and
 * class names, or each output's statistics; outputs can be saved as float32 `.npy`. `--engine FILE.engine`
 * runs an engine built earlier on the tensorrt backend (the project still names the inputs and layers).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Preprocessing } from '../../core/api/job-schemas.js';
import { programForCodegen } from '../../core/codegen/index.js';
import { error, type Diagnostic } from '../../core/diagnostics.js';
import type { LoweredProgram } from '../../core/lower/lower.js';
import type { DataType, NetworkDocument } from '../../core/network/types.js';
import type { TrtProgram } from '../../core/program/types.js';
import type { Backend, BackendModel, BackendSession, NamedTensor } from '../backends/backend.js';
import { onnxRuntimeBackend } from '../backends/onnxruntime/backend.js';
import { TensorRTBackend } from '../backends/tensorrt/backend.js';
import {
  imagesToBatch,
  loadImage,
  loadImagenetLabels,
  parseLabels,
  PREPROCESSING_PRESETS,
  summarizeTensor,
  topK,
  type DecodedImage,
  type TensorSummary,
  type TopClass,
} from '../services/images.js';
import { readNpy, writeNpy } from '../services/npy.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand, type CliIo } from './command.js';
import { prepareLowered, printDiagnostics, type CliFailure } from './check-weights.js';
import { loadProjectFile } from './project-io.js';

export const BACKEND_NAMES = ['onnxruntime', 'tensorrt'] as const;

/** Makes the tensorrt backend (over a forked engine host); tests pass one over the TensorRT test double. */
export type MakeTensorRT = () => TensorRTBackend;
const defaultTensorRT: MakeTensorRT = () => new TensorRTBackend();

/** What `--engine` adds when TensorRT is not available here. */
export const ENGINE_HINT = 'To run this network without TensorRT, leave out --engine and use --backend onnxruntime with --weights FILE.wts.';

/** A backend for a CLI command, checked to be available here; `close` releases it (TensorRT's engine host). */
export async function openBackend(
  name: string,
  makeTensorRT: MakeTensorRT = defaultTensorRT,
): Promise<{ ok: true; backend: Backend; close: () => void } | { ok: false; diagnostics: Diagnostic[] }> {
  if (name === 'onnxruntime') {
    const available = await onnxRuntimeBackend.available();
    return available.ok ? { ok: true, backend: onnxRuntimeBackend, close: () => undefined } : available;
  }
  const tensorrt = makeTensorRT();
  const available = await tensorrt.available();
  if (!available.ok) {
    tensorrt.dispose();
    return available;
  }
  return { ok: true, backend: tensorrt, close: () => tensorrt.dispose() };
}

/** Build the lowered model on a backend; the caller disposes the session and closes the backend. */
export async function buildSession(
  backendName: string,
  model: BackendModel,
  makeTensorRT: MakeTensorRT = defaultTensorRT,
): Promise<{ ok: true; session: BackendSession; close: () => void } | { ok: false; exitCode: number; diagnostics: Diagnostic[] }> {
  const opened = await openBackend(backendName, makeTensorRT);
  if (!opened.ok) return { ok: false, exitCode: EXIT_USAGE, diagnostics: opened.diagnostics };
  const built = await opened.backend.build(model);
  if (!built.ok) {
    opened.close();
    return { ok: false, exitCode: EXIT_INVALID, diagnostics: built.diagnostics };
  }
  return { ok: true, session: built.value, close: opened.close };
}

/**
 * A session for a `.engine` file built earlier, on the tensorrt backend; `program` maps its layers to nodes.
 * A file that cannot be read exits 2, and so does a machine without TensorRT (with the loader's reason and ENGINE_HINT).
 */
export async function openEngineSession(
  enginePath: string,
  program: TrtProgram,
  makeTensorRT: MakeTensorRT = defaultTensorRT,
): Promise<{ ok: true; session: BackendSession; close: () => void } | { ok: false; exitCode: number; diagnostics: Diagnostic[] }> {
  let engine: Uint8Array;
  try {
    engine = new Uint8Array(await readFile(enginePath));
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (e as Error).message;
    return { ok: false, exitCode: EXIT_USAGE, diagnostics: [error('engine.read', `Cannot read the engine ${enginePath}: ${reason}.`)] };
  }
  const tensorrt = makeTensorRT();
  const available = await tensorrt.available();
  if (!available.ok) {
    tensorrt.dispose();
    return { ok: false, exitCode: EXIT_USAGE, diagnostics: [...available.diagnostics, { severity: 'info', code: 'run.engine.hint', message: ENGINE_HINT }] };
  }
  return { ok: true, session: tensorrt.openEngine(engine, program), close: () => tensorrt.dispose() };
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
  backendName: string,
  model: RunModel,
  enginePath: string | undefined,
  makeTensorRT: MakeTensorRT,
): Promise<{ ok: true; session: BackendSession; close: () => void } | { ok: false; exitCode: number; diagnostics: Diagnostic[] }> {
  if (enginePath !== undefined) return openEngineSession(enginePath, model.program, makeTensorRT);
  if (!model.weights) return { ok: false, exitCode: EXIT_USAGE, diagnostics: [error('run.weights', 'Building the network needs --weights FILE.wts.')] };
  return buildSession(backendName, { program: model.program, weights: model.weights }, makeTensorRT);
}

/**
 * The backend `--engine` and `--backend` choose, or a usage message: an engine file runs on tensorrt
 * only, and without one the network needs its weights.
 */
export function chooseBackend(backend: unknown, engine: unknown, weights: unknown): { ok: true; name: string } | { ok: false; message: string } {
  const name = typeof backend === 'string' ? backend : typeof engine === 'string' ? 'tensorrt' : 'onnxruntime';
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) return { ok: false, message: `--backend must be onnxruntime or tensorrt; got '${name}'.` };
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

function toFloat(data: NamedTensor['data']): Float32Array {
  if (data instanceof Float32Array) return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]!);
  return out;
}

/** Outputs of several runs joined along the batch (first) dimension. */
function concatBatches(parts: readonly NamedTensor[]): { name: string; dims: number[]; data: Float32Array } {
  const first = parts[0]!;
  if (parts.length === 1) return { name: first.name, dims: [...first.dims], data: toFloat(first.data) };
  const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(toFloat(p.data), at);
    at += p.data.length;
  }
  return { name: first.name, dims: [parts.reduce((n, p) => n + (p.dims[0] ?? 1), 0), ...first.dims.slice(1)], data };
}

/** Class scores per sample: dims [N, K] or [N, K, 1, 1] with K > 1. */
function classCount(dims: readonly number[]): number | undefined {
  if (dims.length < 2 || dims[1]! < 2 || dims.slice(2).some((d) => d !== 1)) return undefined;
  return dims[1];
}

function preprocessingFor(dims: readonly number[], preset: 'imagenet' | 'mnist' | undefined): Preprocessing | string {
  if (dims.length !== 4 || (dims[1] !== 1 && dims[1] !== 3) || dims[2]! < 1 || dims[3]! < 1)
    return `images need an input of dims [N, 1 or 3, H, W], but it is [${dims.join(', ')}]; give the data as --input FILE.npy instead`;
  const channels = dims[1] as 1 | 3;
  const base = PREPROCESSING_PRESETS[preset ?? (channels === 1 ? 'mnist' : 'imagenet')];
  return { ...base, channels, height: dims[2]!, width: dims[3]! };
}

interface Sample {
  source: string;
  outputs: { name: string; top?: TopClass[]; summary?: TensorSummary }[];
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
} as const;

/** The run command over a given TensorRT backend factory (tests pass one over the TensorRT test double). */
export function createRunCommand(makeTensorRT: MakeTensorRT = defaultTensorRT): CliCommand {
  return {
    name: 'run',
    summary: 'Run test images (or .npy inputs) through the network: top-k classes with probabilities and names, or output statistics.',
    usage:
      'run PROJECT.trtstudio (--weights FILE.wts | --engine FILE.engine) (IMAGE... | --image IMG ... | --input [NAME=]FILE.npy ...) [--preset imagenet|mnist] ' +
      '[--labels FILE.txt] [--top K] [--output-npy DIR] [--backend onnxruntime|tensorrt] [--json]',
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
      if (v.preset !== undefined && v.preset !== 'imagenet' && v.preset !== 'mnist')
        return usage(`--preset must be imagenet or mnist; got '${String(v.preset)}'.`);
      const chosen = chooseBackend(v.backend, v.engine, v.weights);
      if (!chosen.ok) return usage(chosen.message);
      const backendName = chosen.name;
      const enginePath = typeof v.engine === 'string' ? v.engine : undefined;
      const npyDir = typeof v['output-npy'] === 'string' ? v['output-npy'] : typeof v['save-npy'] === 'string' ? v['save-npy'] : undefined;
      const json = v.json === true;

      const report = (diagnostics: Diagnostic[], exitCode: number, doc?: Parameters<typeof printDiagnostics>[2]) => {
        if (json) io.out(JSON.stringify({ ok: false, diagnostics }, null, 2));
        else printDiagnostics(io, diagnostics, doc);
        return exitCode;
      };

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
      let close = () => undefined as void;
      let session: BackendSession | undefined;
      try {
        // Inputs: batches of images, or the .npy arrays.
        const batches: { sources: string[]; inputs: NamedTensor[] }[] = [];
        const programInputs = program.inputs;
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
          const p = preprocessingFor(input.dims, v.preset as 'imagenet' | 'mnist' | undefined);
          if (typeof p === 'string') return report([error('run.images.dims', `The input '${input.name}': ${p}.`, { nodeId: input.nodeId })], EXIT_INVALID, doc);
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
            const decoded: DecodedImage[] = [];
            for (const path of paths) {
              const image = await loadImage(path);
              if (!image.ok) return report(image.diagnostics, image.diagnostics[0]?.code === 'image.read' ? EXIT_USAGE : EXIT_INVALID);
              decoded.push(image.value);
            }
            const tensor = await imagesToBatch(decoded, p);
            batches.push({ sources: paths, inputs: [{ name: input.name, dtype: 'FLOAT', dims: tensor.dims, data: tensor.data }] });
          }
        } else {
          const inputs: NamedTensor[] = [];
          for (const arg of npyInputs) {
            const name = arg.name ?? (programInputs.length === 1 ? programInputs[0]!.name : undefined);
            if (name === undefined)
              return report(
                [
                  error(
                    'run.input.name',
                    `The network has ${programInputs.length} inputs (${programInputs.map((i) => `'${i.name}'`).join(', ')}); name the one ${arg.path} feeds as --input NAME=${arg.path}.`,
                  ),
                ],
                EXIT_USAGE,
              );
            let bytes: Uint8Array;
            try {
              bytes = await readFile(arg.path);
            } catch (e) {
              return report(
                [
                  error(
                    'npy.read',
                    `Cannot read ${arg.path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (e as Error).message}.`,
                  ),
                ],
                EXIT_USAGE,
              );
            }
            const array = readNpy(bytes, arg.path);
            if (!array.ok) return report(array.diagnostics, EXIT_INVALID);
            const dtype: DataType = programInputs.find((i) => i.name === name)?.dtype ?? 'FLOAT';
            if (dtype !== 'FLOAT')
              return report([error('run.input.dtype', `The input '${name}' is ${dtype}; .npy inputs feed FLOAT inputs only.`)], EXIT_INVALID);
            inputs.push({ name, dtype, dims: array.value.shape, data: array.value.data });
          }
          const n = inputs[0]!.dims[0] ?? 1;
          const base = npyInputs.map((a) => basename(a.path)).join(' + ');
          batches.push({ sources: n === 1 ? [base] : Array.from({ length: n }, (_, i) => `${base}[${i}]`), inputs });
        }

        const built = await openRunSession(backendName, prepared.value, enginePath, makeTensorRT);
        if (!built.ok) return report(built.diagnostics, built.exitCode, doc);
        session = built.session;
        close = built.close;

        const perOutput = new Map<string, NamedTensor[]>();
        for (const b of batches) {
          const result = await session.run(b.inputs);
          if (!result.ok) return report(result.diagnostics, EXIT_INVALID, doc);
          for (const t of result.value) perOutput.set(t.name, [...(perOutput.get(t.name) ?? []), t]);
        }
        const outputs = [...perOutput.values()].map(concatBatches);
        const sources = batches.flatMap((b) => b.sources);

        if (!labels && outputs.some((o) => classCount(o.dims) === 1000)) labels = await loadImagenetLabels();
        const samples: Sample[] = sources.map((source, i) => ({
          source,
          outputs: outputs.map((o) => {
            // An output with one entry per sample is read per sample; any other is shown whole.
            const perSample = o.dims[0] === sources.length;
            const size = o.data.length / sources.length;
            const data = perSample ? o.data.subarray(i * size, (i + 1) * size) : o.data;
            const k = classCount(o.dims);
            if (perSample && k !== undefined) return { name: o.name, top: topK(data, Math.min(top, k), labels) };
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
          printDiagnostics(io, prepared.value.notes, doc);
        }
        return EXIT_OK;
      } finally {
        await session?.dispose();
        close();
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
      if (o.top) {
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
