/**
 * Reference activations: an `.npz` (numpy.savez of one array per module name, as the reference
 * script writes it) or a folder of `<module name>.npy` files. Read with the weights' `.npz`/`.npy`
 * decoders; every array must be float32, and a problem names the file and the key.
 */
import { error, fail, ok, type Result } from '../diagnostics.js';
import { NpyStream } from '../weights/npy-decoder.js';
import { decodeNpz, type Zlib } from '../weights/npz-decoder.js';
import { memorySource, TensorFileError } from '../weights/tensor-file.js';
import type { DimsTensor } from './report.js';

/** Reference arrays by key (module name), in file order. */
export type References = Map<string, DimsTensor>;

/** float32 in either byte order, as a `.npy` header writes it. */
function isFloat32(descr: string | undefined): boolean {
  return descr !== undefined && /^[<>=]f4$/.test(descr);
}

function notFloat32(file: string, key: string, descr: string) {
  return error(
    'compare.reference.dtype',
    `The reference '${key}' in ${file} is '${descr}', not float32 ('<f4'); save every activation as float32 (tensor.float().numpy()).`,
    { detail: file },
  );
}

function unreadable(e: unknown): Result<never> {
  if (e instanceof TensorFileError) return fail({ ...e.diagnostic, code: 'compare.reference.read' });
  throw e;
}

/** An `.npz` of references; `file` names it in messages. */
export async function readReferenceNpz(bytes: Uint8Array, file: string, zlib: Zlib): Promise<Result<References>> {
  let decoded: Awaited<ReturnType<typeof decodeNpz>>;
  try {
    decoded = await decodeNpz(memorySource(bytes), { fileName: file, zlib });
  } catch (e) {
    return unreadable(e);
  }
  const references: References = new Map();
  for (const t of decoded) {
    if (!isFloat32(t.descr)) return fail(notFloat32(file, t.name, t.descr ?? 'unknown'));
    references.set(t.name, { dims: t.shape, data: t.values });
  }
  return ok(references);
}

/** One `.npy` file of a folder of references: its key is the file name without `.npy`. */
export function readReferenceNpy(bytes: Uint8Array, file: string, key: string): Result<DimsTensor> {
  try {
    const stream = new NpyStream(`'${file}'`, file);
    stream.push(bytes);
    const array = stream.finish();
    if (!isFloat32(array.descr)) return fail(notFloat32(file, key, array.descr));
    return ok({ dims: array.shape, data: array.values });
  } catch (e) {
    return unreadable(e);
  }
}
