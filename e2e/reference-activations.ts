/**
 * For the comparison e2e: every layer's output of a template with `.wts` weights bound by name, run
 * on ONNX Runtime as the app runs it, stands in for the PyTorch activations a reference script saves
 * (keyed by the layers' names, which are the PyTorch module names in a template).
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { lowerToProgram } from '../core/lower/lower.js';
import { buildTemplate } from '../core/templates/index.js';
import { autoBindWeights } from '../core/weights/binding.js';
import { decodeWts } from '../core/weights/wts-decoder.js';
import { encodeNpy, encodeZip, float32Bytes } from '../core/weights/tensor-file-writers.testing.js';
import { onnxRuntimeBackend } from '../electron/backends/onnxruntime/backend.js';

export interface Activation {
  dims: number[];
  data: Float32Array;
}

/** Each layer's output, by layer name, for `input` fed to the template's input `data`. */
export async function templateActivations(template: string, wts: Uint8Array, input: Activation): Promise<Map<string, Activation>> {
  const decoded = decodeWts(wts, { fileName: `${template}.wts` });
  if (!decoded.ok) throw new Error(decoded.diagnostic.message);
  const tensors = new Map(decoded.tensors.map((t) => [t.name, t.values]));
  const bound = autoBindWeights(
    buildTemplate(template)!,
    decoded.tensors.map((t) => ({ name: t.name, count: t.count })),
  );
  // Every layer's output becomes an output of the network, named after the layer.
  const doc = { ...bound, outputs: bound.nodes.map((n) => ({ name: `${n.name}_out`, from: { node: n.id, port: 'output' } })) };
  const lowered = lowerToProgram(doc, (name) => tensors.get(name));
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const built = await onnxRuntimeBackend.build(lowered.value);
  if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join('\n'));
  try {
    const ran = await built.value.run([{ name: 'data', dtype: 'FLOAT', dims: input.dims, data: input.data }]);
    if (!ran.ok) throw new Error(ran.diagnostics.map((d) => d.message).join('\n'));
    return new Map(ran.value.map((o) => [o.name.replace(/_out$/, ''), { dims: o.dims, data: o.data as Float32Array }]));
  } finally {
    await built.value.dispose();
  }
}

/** A float32 `.npy`. */
export function npyOf(a: Activation): Uint8Array {
  return encodeNpy('<f4', a.dims, float32Bytes(a.data));
}

/** An `.npz` as numpy.savez_compressed writes it: one deflated `.npy` per key. */
export function npzOf(arrays: ReadonlyMap<string, Activation>): Uint8Array {
  return encodeZip(
    [...arrays].map(([key, a]) => ({ name: `${key}.npy`, data: npyOf(a), deflate: true })),
    { deflateRaw: (b) => new Uint8Array(deflateRawSync(b)), crc32: (b) => crc32(b) },
  );
}
