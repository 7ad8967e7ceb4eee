/**
 * Hand-built ONNX models for the import tests, encoded with ONNX's own schema (onnx-proto), so the
 * tests can use ops and attribute forms our export never writes.
 */
import onnxProto, { type onnx as OnnxSchema } from 'onnx-proto';
import { utf8Encode } from '../../text-codec.js';

const { onnx } = onnxProto;

export type AttributeValue = number | string | number[] | { floats: number[] } | { tensor: OnnxSchema.ITensorProto } | { graph: OnnxSchema.IGraphProto };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, AttributeValue>;
}

export interface ModelSpec {
  opset?: number;
  inputs: { name: string; dims: (number | string)[]; elemType?: number }[];
  outputs: { name: string; dims?: (number | string)[]; elemType?: number }[];
  nodes: NodeSpec[];
  initializers?: OnnxSchema.ITensorProto[];
}

/** A FLOAT initializer as raw_data. */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): OnnxSchema.ITensorProto {
  const data = Float32Array.from(values);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) };
}

/** An INT64 initializer in the typed int64_data field. */
export function int64Tensor(name: string, dims: number[], values: number[]): OnnxSchema.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.INT64, int64Data: values };
}

function attribute(name: string, v: AttributeValue): OnnxSchema.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: utf8Encode(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('floats' in v) return { name, type: T.FLOATS, floats: v.floats };
  if ('graph' in v) return { name, type: T.GRAPH, g: v.graph };
  return { name, type: T.TENSOR, t: v.tensor };
}

function valueInfo(name: string, dims: (number | string)[] | undefined, elemType = 1): OnnxSchema.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } : {}),
      },
    },
  };
}

/** Encode a model: IR version 8, ONNX's default domain at `opset` (17 unless given). */
export function buildModel(spec: ModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'import-test',
    opsetImport: [{ domain: '', version: spec.opset ?? 17 }],
    graph: {
      name: 'test',
      node: spec.nodes.map((n, i) => ({
        opType: n.op,
        name: n.name ?? `${n.op.toLowerCase()}_${i}`,
        input: n.inputs,
        output: n.outputs,
        domain: n.domain ?? '',
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: spec.initializers ?? [],
      input: spec.inputs.map((i) => valueInfo(i.name, i.dims, i.elemType)),
      output: spec.outputs.map((o) => valueInfo(o.name, o.dims, o.elemType)),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
