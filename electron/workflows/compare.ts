/**
 * Compare: run the network once with every compared tensor exposed as an extra output, and check
 * each against its reference — PyTorch activations keyed by module name (an `.npz` or a folder of
 * `.npy`), or the same tensors on a second backend. The user's document is never changed: the
 * extra outputs are added to the lowered program only (core/compare/match.ts).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { crc32, createInflateRaw } from 'node:zlib';
import { pipeline, Readable } from 'node:stream';
import type { CompareAgainst, CompareReport } from '../../core/api/compare-schemas.js';
import type { BackendId } from '../../core/api/schemas.js';
import { canvasTargets, exposeTensors, matchReferenceKeys, ProgramTensors, type CompareTarget } from '../../core/compare/match.js';
import { readReferenceNpy, readReferenceNpz, type References } from '../../core/compare/references.js';
import { buildReport, type ComparedPair, type DimsTensor } from '../../core/compare/report.js';
import { error, fail, ok, type Diagnostic, type Result } from '../../core/diagnostics.js';
import type { Zlib } from '../../core/weights/npz-decoder.js';
import type { BackendSession, NamedTensor } from '../backends/backend.js';
import { fileErrorReason } from '../services/file-errors.js';
import { buildEngine, lowerNetwork, type NetworkSource } from './build.js';
import { cancelled, type WorkflowContext } from './context.js';
import { npyInput } from './run.js';

export interface CompareRequest {
  /** The backend whose layer outputs are checked. */
  backend: BackendId;
  against: CompareAgainst;
  /** The input as float32 `.npy`. */
  inputPath: string;
  tolerance: number;
}

export interface CompareOutcome {
  report: CompareReport;
  /** The tensors behind each row, in the report's order (for the side-by-side view). */
  pairs: ComparedPair[];
}

const BACKEND_NAMES: Record<BackendId, string> = { onnxruntime: 'ONNX Runtime', tensorrt: 'TensorRT' };

const nodeZlib: Zlib = {
  inflateRaw: (compressed) => {
    const inflater = createInflateRaw();
    pipeline(Readable.from(compressed, { highWaterMark: 1 }), inflater, () => undefined);
    return inflater;
  },
  crc32: (bytes, crc) => crc32(bytes, crc),
};

/** The references at `path`: an `.npz`, or every `.npy` in a folder (its key the file name without `.npy`). */
export async function readReferences(ctx: WorkflowContext, path: string): Promise<Result<References>> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch (e) {
    return fail(error('compare.reference.read', `Cannot read the reference ${path}: ${fileErrorReason(e)}.`, { detail: path }));
  }
  if (!isFolder) {
    const bytes = await ctx.files.read(path);
    if (!bytes.ok) return bytes;
    return readReferenceNpz(bytes.value, path, nodeZlib);
  }
  const names = (await readdir(path)).filter((n) => n.toLowerCase().endsWith('.npy')).sort();
  if (names.length === 0)
    return fail(
      error('compare.reference.empty', `The reference folder ${path} holds no .npy files; expected one <module name>.npy per layer.`, { detail: path }),
    );
  const references: References = new Map();
  for (const name of names) {
    const file = join(path, name);
    const bytes = await ctx.files.read(file);
    if (!bytes.ok) return bytes;
    const array = readReferenceNpy(bytes.value, file, name.slice(0, -'.npy'.length));
    if (!array.ok) return array;
    references.set(name.slice(0, -'.npy'.length), array.value);
  }
  return ok(references);
}

/** The backend, or why it cannot take part (TensorRT's reason is the one `host.capabilities` gives). */
async function checkBackend(ctx: WorkflowContext, id: BackendId): Promise<Result<true>> {
  const backend = await ctx.backend(id);
  if (backend.ok) return ok(true);
  return fail(...backend.diagnostics.map((d) => ({ ...d, message: `${BACKEND_NAMES[id]} cannot take part in this comparison: ${d.message}` })));
}

function toFloat32(data: NamedTensor['data']): Float32Array {
  if (data instanceof Float32Array) return data;
  return Float32Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Build the exposed program on a backend and run it once; the exposed tensors by tensor name. */
async function runExposed(
  ctx: WorkflowContext,
  backend: BackendId,
  model: Parameters<typeof buildEngine>[1],
  input: NamedTensor,
  outputOf: ReadonlyMap<string, string>,
): Promise<Result<Map<string, DimsTensor>>> {
  ctx.progress({ phase: `Building on ${BACKEND_NAMES[backend]}`, fraction: 0.2 });
  const built = await buildEngine(ctx, model, { backend });
  if (!built.ok) return built;
  const session: BackendSession = built.value.session;
  try {
    ctx.progress({ phase: `Running on ${BACKEND_NAMES[backend]}`, fraction: 0.5 });
    const ran = await session.run([input], ctx.signal);
    if (!ran.ok) return ran;
    const byName = new Map(ran.value.map((t) => [t.name, t]));
    const tensors = new Map<string, DimsTensor>();
    for (const [tensor, name] of outputOf) {
      const out = byName.get(name);
      if (out) tensors.set(tensor, { dims: out.dims, data: toFloat32(out.data) });
    }
    return ok(tensors);
  } finally {
    await session.dispose();
  }
}

/** Compare every layer that has a reference; a layer whose shapes differ is a failing row, never an error. */
export async function compareLayers(ctx: WorkflowContext, source: NetworkSource, request: CompareRequest): Promise<Result<CompareOutcome>> {
  const { backend, against, tolerance } = request;
  if (against.kind === 'backend' && against.backend === backend)
    return fail(
      error('compare.backend.same', `Both sides of the comparison are ${BACKEND_NAMES[backend]}; choose a different backend to compare against.`, {
        field: 'against',
      }),
    );
  for (const id of against.kind === 'backend' ? [backend, against.backend] : [backend]) {
    const checked = await checkBackend(ctx, id);
    if (!checked.ok) return checked;
  }

  let references: References | undefined;
  if (against.kind === 'reference') {
    ctx.progress({ phase: 'Reading the references', fraction: 0 });
    const read = await readReferences(ctx, against.path);
    if (!read.ok) return read;
    references = read.value;
  }

  const lowered = lowerNetwork(ctx, source);
  if (!lowered.ok) return lowered;
  const { program } = lowered.value;
  if (program.inputs.length !== 1)
    return fail(error('compare.inputs', `The network '${program.name}' has ${program.inputs.length} inputs; a comparison feeds one input from one .npy file.`));
  const input = await npyInput(ctx, request.inputPath, program.inputs[0]!);
  if (!input.ok) return input;
  const expected = program.inputs[0]!.dims;
  if (expected.length !== input.value.dims.length || expected.some((d, i) => d !== -1 && d !== input.value.dims[i]))
    return fail(
      error(
        'compare.input.shape',
        `The input ${basename(request.inputPath)} has the shape [${input.value.dims.join(', ')}], but the network's input '${program.inputs[0]!.name}' is [${expected.join(', ')}]; set the input's dims to the reference's.`,
        { detail: request.inputPath },
      ),
    );

  const tensors = new ProgramTensors(lowered.value);
  let targets: CompareTarget[];
  let unmatched: string[] = [];
  if (references && against.kind === 'reference') {
    const matched = matchReferenceKeys(tensors, [...references.keys()]);
    targets = matched.targets;
    unmatched = matched.unmatched;
    if (targets.length === 0)
      return fail(
        error(
          'compare.reference.noMatch',
          `No key of the reference ${against.path} names a layer of '${program.name}' (keys such as ${[...references.keys()]
            .slice(0, 3)
            .map((k) => `'${k}'`)
            .join(', ')}); the keys must be PyTorch module names that the layers carry.`,
        ),
      );
  } else
    targets = canvasTargets(
      tensors,
      source.doc.nodes.map((n) => n.name),
      against.kind === 'backend' ? against.backend : '',
    );

  const exposed = exposeTensors(program, [...new Set(targets.map((t) => t.tensor))]);
  const model = { program: exposed.program, weights: lowered.value.weights };
  ctx.log('info', `Comparing ${targets.length} layer output(s) of '${program.name}'.`);
  const actual = await runExposed(ctx, backend, model, input.value, exposed.outputOf);
  if (!actual.ok) return actual;
  let other: Map<string, DimsTensor> | undefined;
  if (against.kind === 'backend') {
    const ran = await runExposed(ctx, against.backend, model, input.value, exposed.outputOf);
    if (!ran.ok) return ran;
    other = ran.value;
  }
  if (ctx.signal?.aborted) return cancelled('compare');

  const missing: Diagnostic[] = [];
  const pairs: ComparedPair[] = [];
  for (const target of targets) {
    const mine = actual.value.get(target.tensor);
    const theirs = references ? references.get(target.reference) : other?.get(target.tensor);
    if (!mine || !theirs) {
      missing.push(error('compare.output.missing', `The run gave no values for '${target.layer}' (tensor '${target.tensor}').`));
      continue;
    }
    pairs.push({ target, actual: mine, reference: theirs });
  }
  if (missing.length > 0) return fail(...missing);
  ctx.progress({ phase: 'Compared', fraction: 1 });
  return ok({ report: buildReport({ pairs, backend, against, tolerance, unmatched }), pairs }, lowered.diagnostics);
}
