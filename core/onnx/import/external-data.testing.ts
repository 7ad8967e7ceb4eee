/**
 * PyTorch's exports stripped of their weights (fixtures/onnx/export_torch.py): every FLOAT
 * initializer of more than 16 values keeps its data in an external file that is not shipped. The
 * test makes that file from the weight formula by initializer name, at the offsets the model
 * gives, writes it beside the model and runs the model from that folder.
 */
import onnxProto, { type onnx as OnnxSchema } from 'onnx-proto';
import { formulaTensor, formulaUniform, fnv1a32, shapeVolume } from '../../weights/formula.js';

const { onnx } = onnxProto;

/** One initializer kept outside the model: where its bytes go. */
export interface ExternalTensor {
  name: string;
  dims: number[];
  location: string;
  offset: number;
  length: number;
}

function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  return v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber();
}

/** The model's initializers whose data is EXTERNAL, as its external_data entries place them. */
export function externalTensors(model: Uint8Array): ExternalTensor[] {
  const decoded = onnx.ModelProto.decode(model);
  return (decoded.graph?.initializer ?? [])
    .filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)
    .map((t: OnnxSchema.ITensorProto) => {
      const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
      if (t.dataType !== onnx.TensorProto.DataType.FLOAT) throw new Error(`External initializer '${t.name ?? ''}' is not FLOAT.`);
      const dims = (t.dims ?? []).map(toNumber);
      return {
        name: t.name ?? '',
        dims,
        location: entries.get('location') ?? '',
        offset: Number(entries.get('offset') ?? '0'),
        length: Number(entries.get('length') ?? String(4 * shapeVolume(dims))),
      };
    });
}

/**
 * The values written for one initializer: the formula by its name, and for a name in `positive`
 * (values PyTorch exported all > 0, such as BatchNorm variances) 1 + 0.25·(u + 1), in [1, 1.5).
 */
export function formulaValues(tensor: Pick<ExternalTensor, 'name' | 'dims'>, positive: ReadonlySet<string>): Float32Array {
  if (!positive.has(tensor.name)) return formulaTensor(tensor.name, tensor.dims);
  const values = new Float32Array(shapeVolume(tensor.dims));
  const seed = fnv1a32(tensor.name);
  for (let i = 0; i < values.length; i++) values[i] = 1 + 0.25 * (formulaUniform(seed, i) + 1);
  return values;
}

/**
 * The contents of every external data file `model` names, by location: each tensor's formula values
 * at its offset; and the values by initializer name.
 */
export function formulaExternalData(model: Uint8Array, positive: ReadonlySet<string>): { files: Map<string, Uint8Array>; values: Map<string, Float32Array> } {
  const byLocation = new Map<string, ExternalTensor[]>();
  for (const t of externalTensors(model)) byLocation.set(t.location, [...(byLocation.get(t.location) ?? []), t]);
  const files = new Map<string, Uint8Array>();
  const values = new Map<string, Float32Array>();
  for (const [location, list] of byLocation) {
    const bytes = new Uint8Array(Math.max(...list.map((t) => t.offset + t.length)));
    for (const t of list) {
      const v = formulaValues(t, positive);
      if (v.byteLength !== t.length) throw new Error(`External initializer '${t.name}' has ${v.byteLength} bytes of values but length ${t.length}.`);
      bytes.set(new Uint8Array(v.buffer), t.offset);
      values.set(t.name, v);
    }
    files.set(location, bytes);
  }
  return { files, values };
}
