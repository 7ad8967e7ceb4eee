/**
 * For the compare tests: a small GoogLeNet-shaped network (BasicConv2d, max-pool, an Inception with
 * its nested BasicConv2d and BatchNorm2d, average pool, Linear), its formula weights as a `.wts`, the
 * formula input as `.npy`, and reference activations made here on ONNX Runtime — the tensors named
 * explicitly by the lowering's names, not through the matcher under test — written as an `.npz`
 * keyed by the module names PyTorch would use.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { lowerToProgram } from '../../core/lower/lower.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { inferShapes } from '../../core/shapes/infer.js';
import { templateBuilder } from '../../core/templates/builder.js';
import { autoBindWeights, torchTensorName } from '../../core/weights/binding.js';
import { formulaInput, formulaTensor } from '../../core/weights/formula.js';
import { encodeNpy, encodeZip, float32Bytes } from '../../core/weights/tensor-file-writers.testing.js';
import { onnxRuntimeBackend } from '../backends/onnxruntime/backend.js';

export const INPUT_SHAPE = [1, 3, 16, 16];

/** conv1 (BasicConv2d) → maxpool1 → inception3a (Inception) → avgpool → fc (Linear) → logits. */
export function miniGoogLeNet(): NetworkDocument {
  const b = templateBuilder('mini_googlenet');
  let x = b.input('data', INPUT_SHAPE);
  x = b.chain('BasicConv2d', 'conv1', { outChannels: 8, kernelSize: 3, padding: 1 }, x);
  x = b.chain('addPoolingNd', 'maxpool1', { type: 'MAX', windowSize: [2, 2], stride: [2, 2] }, x);
  x = b.chain('Inception', 'inception3a', { inChannels: 8, ch1x1: 4, ch3x3red: 4, ch3x3: 8, ch5x5red: 2, ch5x5: 4, poolProj: 4 }, x);
  x = b.chain('addReduce', 'avgpool', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, x);
  x = b.chain('Linear', 'fc', { inFeatures: 20, outFeatures: 10, bias: true }, x);
  b.output('logits', x);
  return b.finish();
}

/** Every weight the network asks for, by its PyTorch name, with the formula's values. */
export function formulaWeights(doc: NetworkDocument): { name: string; values: Float32Array }[] {
  const shapes = inferShapes(doc);
  return doc.nodes.flatMap((node) =>
    (shapes.nodes[node.id]?.weights ?? []).map((slot) => {
      const name = torchTensorName(node.name, slot);
      return { name, values: formulaTensor(name, slot.shape ?? [slot.count ?? 0]) };
    }),
  );
}

/**
 * Module name → the lowered tensor holding that module's output, as lowering names tensors
 * (`<layer>:<port>`; a BatchNorm2d is the Scale layer `<bn>.scale`; the network output is renamed).
 */
export const MODULE_TENSORS: Readonly<Record<string, string>> = {
  'conv1.conv': 'conv1.conv:output',
  'conv1.bn': 'conv1.bn.scale:output',
  conv1: 'conv1.relu:output',
  maxpool1: 'maxpool1:output',
  'inception3a.branch1': 'inception3a.branch1.relu:output',
  'inception3a.branch2.0.bn': 'inception3a.branch2.0.bn.scale:output',
  'inception3a.branch2.0': 'inception3a.branch2.0.relu:output',
  'inception3a.branch2': 'inception3a.branch2.1.relu:output',
  'inception3a.branch4.0': 'inception3a.branch4.0:output',
  inception3a: 'inception3a.cat:output',
  avgpool: 'avgpool:output',
  fc: 'logits',
  output: 'logits',
};

/** The formula input as a float32 `.npy`. */
export function inputNpy(): Uint8Array {
  return encodeNpy('<f4', INPUT_SHAPE, float32Bytes(formulaInput(INPUT_SHAPE)));
}

/** The network's module outputs on ONNX Runtime, by module name (MODULE_TENSORS' keys). */
export async function moduleOutputs(doc: NetworkDocument): Promise<Map<string, { dims: number[]; data: Float32Array }>> {
  const weights = new Map(formulaWeights(doc).map((w) => [w.name, w.values]));
  const bound = autoBindWeights(
    doc,
    [...weights].map(([name, values]) => ({ name, count: values.length })),
  );
  const lowered = lowerToProgram(bound, (name) => weights.get(name));
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const program = lowered.value.program;
  const extra = Object.values(MODULE_TENSORS).filter((t) => !program.outputs.some((o) => o.tensor === t));
  const exposed = { ...program, outputs: [...program.outputs, ...[...new Set(extra)].map((t) => ({ name: t, tensor: t }))] };
  const built = await onnxRuntimeBackend.build({ program: exposed, weights: lowered.value.weights });
  if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join('\n'));
  try {
    const ran = await built.value.run([{ name: 'data', dtype: 'FLOAT', dims: INPUT_SHAPE, data: formulaInput(INPUT_SHAPE) }]);
    if (!ran.ok) throw new Error(ran.diagnostics.map((d) => d.message).join('\n'));
    const byName = new Map(ran.value.map((t) => [t.name, t]));
    return new Map(
      Object.entries(MODULE_TENSORS).map(([module, tensor]) => {
        const t = byName.get(tensor)!;
        return [module, { dims: t.dims, data: Float32Array.from(t.data as Float32Array) }];
      }),
    );
  } finally {
    await built.value.dispose();
  }
}

/** An `.npz` as numpy.savez writes it: one `<key>.npy` per array, here float32 unless `descr` says otherwise. */
export function referenceNpz(arrays: ReadonlyMap<string, { dims: number[]; data: Float32Array }>, descr: Record<string, string> = {}): Uint8Array {
  const files = [...arrays].map(([key, a]) => {
    const type = descr[key] ?? '<f4';
    const bytes = type === '<f8' ? float64Bytes(a.data) : float32Bytes(a.data);
    return { name: `${key}.npy`, data: encodeNpy(type, a.dims, bytes), deflate: false };
  });
  return encodeZip(files, { deflateRaw: (b) => new Uint8Array(deflateRawSync(b)), crc32: (b) => crc32(b) });
}

function float64Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return out;
}
