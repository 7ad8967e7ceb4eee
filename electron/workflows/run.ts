/**
 * Run: feed inputs (test images through their preprocessing, or `.npy` arrays) to a built session
 * and read the outputs back, with the top classes of every class output (core/run/classes.ts).
 */
import { basename } from 'node:path';
import type { Preprocessing } from '../../core/api/job-schemas.js';
import { error, fail, ok, type Result } from '../../core/diagnostics.js';
import { classCount, IMAGENET_CLASSES, topPerSample, type TopClass } from '../../core/run/classes.js';
import type { BackendSession, NamedTensor } from '../backends/backend.js';
import { decodeImage, imagesToBatch, type DecodedImage } from '../services/images.js';
import { readNpy } from '../services/npy.js';
import { cancelled, type WorkflowContext } from './context.js';

/** A file of a run; a read failure says what the file was for (`image.read`: "Cannot read the image …"). */
async function readFor(ctx: WorkflowContext, path: string, what: 'image' | 'npy'): Promise<Result<Uint8Array>> {
  const read = await ctx.files.read(path);
  if (read.ok) return read;
  return fail(
    ...read.diagnostics.map((d) =>
      d.code !== 'file.read'
        ? d
        : { ...d, code: `${what}.read`, message: what === 'image' ? d.message.replace(/^Cannot read /, 'Cannot read the image ') : d.message },
    ),
  );
}

/**
 * Test images as one batch for an input, through the preprocessing (dims [images, C, H, W]); `sizes`, when
 * given, receives each image's original width and height (to map boxes found in the input back onto it).
 */
export async function imagesInput(
  ctx: WorkflowContext,
  paths: readonly string[],
  input: { name: string },
  p: Preprocessing,
  sizes?: { width: number; height: number }[],
): Promise<Result<NamedTensor>> {
  const images: DecodedImage[] = [];
  for (const path of paths) {
    const bytes = await readFor(ctx, path, 'image');
    if (!bytes.ok) return bytes;
    const image = await decodeImage(bytes.value, basename(path));
    if (!image.ok) return image;
    images.push(image.value);
    sizes?.push({ width: image.value.width, height: image.value.height });
  }
  try {
    const batch = await imagesToBatch(images, p);
    return ok({ name: input.name, dtype: 'FLOAT', dims: batch.dims, data: batch.data });
  } catch (e) {
    const name = paths.length === 1 ? basename(paths[0]!) : `${paths.length} images`;
    return fail(error('image.preprocess', `${name} could not be preprocessed: ${(e as Error).message}.`, { detail: paths.join(', ') }));
  }
}

/** A `.npy` array for an input; a sample without its batch dimension gets batch 1. FLOAT inputs only. */
export async function npyInput(
  ctx: WorkflowContext,
  path: string,
  input: { name: string; dims: readonly number[]; dtype: string },
): Promise<Result<NamedTensor>> {
  if (input.dtype !== 'FLOAT') return fail(error('run.input.dtype', `The input '${input.name}' is ${input.dtype}; .npy inputs feed FLOAT inputs only.`));
  const bytes = await readFor(ctx, path, 'npy');
  if (!bytes.ok) return bytes;
  const array = readNpy(bytes.value, basename(path));
  if (!array.ok) return array;
  const dims = array.value.shape.length === input.dims.length - 1 ? [1, ...array.value.shape] : array.value.shape;
  return ok({ name: input.name, dtype: 'FLOAT', dims, data: array.value.data });
}

export interface RunOutput {
  name: string;
  dims: number[];
  data: Float32Array;
  /** For a class output: the top classes of every sample. */
  top?: TopClass[][];
}

export interface RunOptions {
  topK: number;
  /** Class names the user gave; else ImageNet's for 1,000 classes, when `imagenetLabels` has them. */
  labels?: readonly string[];
  imagenetLabels?: () => Promise<readonly string[] | undefined>;
}

export interface RunOutcome {
  outputs: RunOutput[];
  elapsedMs: number;
}

function toFloat32(data: NamedTensor['data']): Float32Array {
  if (data instanceof Float32Array) return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]!);
  return out;
}

/** Run the session once on the inputs; outputs as float32, class outputs with their top classes. */
export async function runInputs(ctx: WorkflowContext, session: BackendSession, inputs: NamedTensor[], options: RunOptions): Promise<Result<RunOutcome>> {
  if (ctx.signal?.aborted) return cancelled('run');
  const t0 = performance.now();
  const ran = await session.run(inputs, ctx.signal);
  const elapsedMs = performance.now() - t0;
  if (!ran.ok) return ran;
  const outputs: RunOutput[] = [];
  for (const out of ran.value) {
    const data = toFloat32(out.data);
    const classes = classCount(out.dims);
    const labels = options.labels ?? (classes === IMAGENET_CLASSES ? await options.imagenetLabels?.() : undefined);
    const top = topPerSample(out.dims, data, options.topK, labels);
    outputs.push({ name: out.name, dims: out.dims, data, ...(top ? { top } : {}) });
  }
  return ok({ outputs, elapsedMs }, ran.diagnostics);
}
