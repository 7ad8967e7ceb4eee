/**
 * The whole output tensors of recent runs, kept in the host so that "Save outputs…" writes those of
 * the run the user is looking at, without running the images again (a run's result carries only the
 * first values of each output). The newest runs are kept within a memory budget; an older one is
 * let go, and saving it says so.
 */
import { join } from 'node:path';
import { error, fail, ok, type Result } from '../../core/diagnostics.js';
import type { WorkflowFiles } from '../workflows/index.js';
import { writeNpy } from './npy.js';

/** Bytes of output data kept for saving later, over all runs kept. */
export const KEPT_OUTPUT_BYTES = 512 * 1024 * 1024;
/** Runs kept at most, whatever their size. */
const KEPT_RUNS = 16;

/** One output of one image through one engine. */
export interface RunOutput {
  engineId: string;
  /** The image (or `.npy` input) as the run was given it. */
  image: string;
  /** A file-name stem for the image, unique within the run. */
  stem: string;
  name: string;
  dims: number[];
  data: Float32Array;
}

/** Where one output was written. */
export interface SavedOutput {
  engineId: string;
  image: string;
  output: string;
  npyPath: string;
}

/** A file name part made from a tensor or image name. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '_') || 'output';
}

function elements(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * Write each output as float32 `.npy` in `dir`: `STEM.OUTPUT.npy`, or `STEM.ENGINE.OUTPUT.npy` when
 * the run went through several engines. The first write that fails stops it with its reason.
 */
export async function writeRunOutputs(files: WorkflowFiles, dir: string, outputs: readonly RunOutput[]): Promise<Result<SavedOutput[]>> {
  const several = new Set(outputs.map((o) => o.engineId)).size > 1;
  const saved: SavedOutput[] = [];
  for (const out of outputs) {
    const file = `${out.stem}${several ? `.${out.engineId}` : ''}.${safeName(out.name)}.npy`;
    const dims = elements(out.dims) === out.data.length ? out.dims : [out.data.length];
    const written = await files.write(join(dir, file), writeNpy(dims, out.data));
    if (!written.ok) return written;
    saved.push({ engineId: out.engineId, image: out.image, output: out.name, npyPath: written.value });
  }
  return ok(saved);
}

/** The outputs of the newest runs, by the run job's id. */
export class KeptRunOutputs {
  private readonly runs = new Map<string, readonly RunOutput[]>();

  constructor(private readonly budgetBytes = KEPT_OUTPUT_BYTES) {}

  /** Keep a finished run's outputs; older runs go first when the budget or the count is reached. A run larger than the budget is not kept. */
  keep(jobId: string, outputs: readonly RunOutput[]): void {
    const size = (run: readonly RunOutput[]) => run.reduce((n, o) => n + o.data.byteLength, 0);
    if (size(outputs) > this.budgetBytes) return;
    this.runs.set(jobId, outputs);
    let total = [...this.runs.values()].reduce((n, run) => n + size(run), 0);
    for (const [id, run] of this.runs) {
      if (total <= this.budgetBytes && this.runs.size <= KEPT_RUNS) break;
      total -= size(run);
      this.runs.delete(id);
    }
  }

  /** A kept run's outputs, or why they cannot be saved any more. */
  get(jobId: string): Result<readonly RunOutput[]> {
    const run = this.runs.get(jobId);
    if (run) return ok(run);
    return fail(
      error(
        'run.outputs.gone',
        `The outputs of run ${jobId} are no longer in the host (it keeps those of the last ${KEPT_RUNS} runs, up to ${Math.round(this.budgetBytes / 1024 / 1024)} MiB, until it stops); run the images again to save their outputs.`,
      ),
    );
  }
}
