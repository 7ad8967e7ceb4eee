/**
 * Reading an `.onnx` file with ONNX's own schema (`onnx-proto`, onnx.proto compiled by protobufjs)
 * into plain data the importer walks. Initializers stay in typed arrays: a FLOAT `raw_data` whose
 * offset in the file is 4-byte aligned is viewed in place (protobufjs hands out subarrays of the
 * file's bytes, never copies); an unaligned one costs one copy, never a detour through JS numbers.
 */
import onnxProto, { type onnx as OnnxSchema } from 'onnx-proto';
import type { DataType } from '../../network/types.js';
import { utf8Decode } from '../../text-codec.js';

const { onnx } = onnxProto;

/** protobuf messages are limited to 2 GiB; larger models keep their tensors in external data files. */
export const ONNX_MAX_FILE_BYTES = 2 ** 31 - 1;

/** TensorProto.DataType numbers and the names our documents use. */
const ELEMENT_TYPES: Record<number, { name: string; dtype?: DataType }> = {
  1: { name: 'FLOAT', dtype: 'FLOAT' },
  2: { name: 'UINT8', dtype: 'UINT8' },
  3: { name: 'INT8', dtype: 'INT8' },
  4: { name: 'UINT16' },
  5: { name: 'INT16' },
  6: { name: 'INT32', dtype: 'INT32' },
  7: { name: 'INT64', dtype: 'INT64' },
  8: { name: 'STRING' },
  9: { name: 'BOOL', dtype: 'BOOL' },
  10: { name: 'FLOAT16', dtype: 'HALF' },
  11: { name: 'DOUBLE', dtype: 'FLOAT' },
  12: { name: 'UINT32' },
  13: { name: 'UINT64' },
  16: { name: 'BFLOAT16', dtype: 'BF16' },
};

/** An ONNX element type as our DataType, or undefined when the catalog has no such type. */
export function onnxDataType(elemType: number): DataType | undefined {
  return ELEMENT_TYPES[elemType]?.dtype;
}

export function onnxTypeName(elemType: number): string {
  return ELEMENT_TYPES[elemType]?.name ?? `type ${elemType}`;
}

/** A constant tensor: FLOAT values as a Float32Array, every integer and bool type as plain numbers (shapes, indices, axes). */
export interface ConstTensor {
  dtype: DataType;
  dims: number[];
  data: Float32Array | number[];
  /** The initializer (or Constant output) name while the values are unchanged: weights keep it. */
  name?: string;
  /** Set when the values are `source` transposed by `perm` (a MatMul can use the source with TRANSPOSE). */
  transposeOf?: { source: ConstTensor; perm: number[] };
}

export type OnnxAttributeValue = number | string | number[] | string[] | ConstTensor | undefined;

export interface OnnxNodeData {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttributeValue>;
}

/** A graph input or output: `dims` has -1 for a symbolic or unknown dimension, `dimNames` its name ('' if none). */
export interface OnnxValueInfo {
  name: string;
  elemType: number;
  dims: number[] | undefined;
  dimNames: string[];
}

export interface OnnxModelData {
  opset: number;
  irVersion: number;
  producer: string;
  /** Operator sets from domains other than ONNX's own. */
  otherDomains: string[];
  graphName: string;
  nodes: OnnxNodeData[];
  initializers: Map<string, ConstTensor>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

/** The bytes of an external data file next to the model, by its relative location; undefined when it cannot be read. */
export type ExternalDataReader = (location: string) => Uint8Array | undefined;

/** An unreadable or malformed file; the message names what is wrong. */
export class OnnxFileError extends Error {}

type Int64 = number | { toNumber(): number } | null | undefined;

function toNumber(v: Int64): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float16 bits → float32 value. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Typed view of raw little-endian bytes; copied only when the bytes are not aligned for the element size. */
function view<T>(raw: Uint8Array, size: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T {
  const count = raw.byteLength / size;
  if (raw.byteOffset % size === 0) return make(raw.buffer, raw.byteOffset, count);
  const aligned = new Uint8Array(raw.byteLength);
  aligned.set(raw);
  return make(aligned.buffer, 0, count);
}

function rawValues(raw: Uint8Array, elemType: number, count: number, where: string): Float32Array | number[] {
  if (!LITTLE_ENDIAN) throw new OnnxFileError('Reading ONNX tensors needs a little-endian platform.');
  const sizes: Record<number, number> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 16: 2 };
  const size = sizes[elemType];
  if (size === undefined) throw new OnnxFileError(`${where} has the element type ${onnxTypeName(elemType)}, which cannot be imported.`);
  if (raw.byteLength !== count * size)
    throw new OnnxFileError(`${where} holds ${raw.byteLength} bytes of data, but its dims need ${count} × ${size} = ${count * size}.`);
  switch (elemType) {
    case 1:
      return view(raw, 4, (b, o, n) => new Float32Array(b, o, n));
    case 11:
      return Float32Array.from(view(raw, 8, (b, o, n) => new Float64Array(b, o, n)));
    case 10:
      return Float32Array.from(
        view(raw, 2, (b, o, n) => new Uint16Array(b, o, n)),
        halfToFloat,
      );
    case 16:
      return Float32Array.from(
        view(raw, 2, (b, o, n) => new Uint16Array(b, o, n)),
        (h) => new Float32Array(new Uint32Array([h << 16]).buffer)[0]!,
      );
    case 6:
      return Array.from(view(raw, 4, (b, o, n) => new Int32Array(b, o, n)));
    case 7:
      return Array.from(
        view(raw, 8, (b, o, n) => new BigInt64Array(b, o, n)),
        Number,
      );
    case 3:
      return Array.from(new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength));
    default:
      return Array.from(raw);
  }
}

/** Where an external tensor's bytes are: onnx.proto's `location`, `offset` and `length` keys. */
function externalBytes(t: OnnxSchema.ITensorProto, where: string, readExternal: ExternalDataReader | undefined): Uint8Array {
  const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location') ?? '';
  if (location === '' || location.startsWith('/') || location.includes('\\') || location.split('/').includes('..') || /^[A-Za-z]:/.test(location))
    throw new OnnxFileError(`${where} keeps its data in the external file '${location}'; expected a file name relative to the model's folder, without '..'.`);
  const file = readExternal?.(location);
  if (!file) throw new OnnxFileError(`${where} keeps its data in '${location}' next to the model, which cannot be read.`);
  const offset = Number(entries.get('offset') ?? '0');
  const length = entries.has('length') ? Number(entries.get('length')) : file.byteLength - offset;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > file.byteLength)
    throw new OnnxFileError(`${where} reads bytes ${offset}…${offset + length} of '${location}', which has ${file.byteLength} bytes.`);
  return file.subarray(offset, offset + length);
}

/** One TensorProto (an initializer or a Constant's value) as a ConstTensor. */
export function readTensor(t: OnnxSchema.ITensorProto, where: string, readExternal?: ExternalDataReader): ConstTensor {
  const dims = (t.dims ?? []).map(toNumber);
  const elemType = t.dataType ?? 0;
  const dtype = onnxDataType(elemType);
  if (!dtype || dims.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new OnnxFileError(`${where} has the element type ${onnxTypeName(elemType)} and dims [${dims.join(', ')}], which cannot be imported.`);
  const count = dims.reduce((a, d) => a * d, 1);
  const name = t.name ?? '';
  let data: Float32Array | number[];
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) data = rawValues(externalBytes(t, where, readExternal), elemType, count, where);
  else if (t.rawData && t.rawData.byteLength > 0) data = rawValues(t.rawData, elemType, count, where);
  else {
    // The typed fields: float_data, double_data, int32_data (also bool, int8, uint8, float16 bits), int64_data.
    const list: number[] =
      elemType === 1 ? (t.floatData ?? []) : elemType === 11 ? (t.doubleData ?? []) : elemType === 7 ? (t.int64Data ?? []).map(toNumber) : (t.int32Data ?? []);
    if (list.length !== count) throw new OnnxFileError(`${where} holds ${list.length} values, but its dims [${dims.join(', ')}] need ${count}.`);
    if (elemType === 10) data = Float32Array.from(list, halfToFloat);
    else if (elemType === 16) data = Float32Array.from(list, (h) => new Float32Array(new Uint32Array([h << 16]).buffer)[0]!);
    else data = dtype === 'FLOAT' ? Float32Array.from(list) : list;
  }
  // HALF and BF16 values are widened to FLOAT above: the weights a document binds are FLOAT.
  return { dtype: dtype === 'HALF' || dtype === 'BF16' ? 'FLOAT' : dtype, dims, data, ...(name ? { name } : {}) };
}

function readAttribute(a: OnnxSchema.IAttributeProto, where: string, readExternal: ExternalDataReader | undefined): OnnxAttributeValue {
  const text = (b: Uint8Array) => utf8Decode(b);
  switch (a.type) {
    case onnx.AttributeProto.AttributeType.FLOAT:
      return a.f ?? 0;
    case onnx.AttributeProto.AttributeType.INT:
      return toNumber(a.i);
    case onnx.AttributeProto.AttributeType.STRING:
      return text(a.s ?? new Uint8Array());
    case onnx.AttributeProto.AttributeType.FLOATS:
      return [...(a.floats ?? [])];
    case onnx.AttributeProto.AttributeType.INTS:
      return (a.ints ?? []).map(toNumber);
    case onnx.AttributeProto.AttributeType.STRINGS:
      return (a.strings ?? []).map(text);
    case onnx.AttributeProto.AttributeType.TENSOR:
      return a.t ? readTensor(a.t, `${where} attribute '${a.name ?? ''}'`, readExternal) : undefined;
    default:
      // Graphs (If, Loop), sparse tensors and type protos: the ops that carry them are reported as unsupported.
      return undefined;
  }
}

function readValueInfo(v: OnnxSchema.IValueInfoProto): OnnxValueInfo {
  const tensor = v.type?.tensorType;
  // A dim with a dim_param (or neither field) is symbolic; protobufjs leaves an unset oneof member at its default.
  const dims = tensor?.shape?.dim?.map((d) => (!d.dimParam && Object.hasOwn(d, 'dimValue') ? toNumber(d.dimValue) : -1));
  const dimNames = tensor?.shape?.dim?.map((d) => d.dimParam ?? '') ?? [];
  return { name: v.name ?? '', elemType: tensor?.elemType ?? 0, dims, dimNames };
}

/** Decode an ONNX model. Throws OnnxFileError with a message that names the problem. */
export function readOnnxModel(bytes: Uint8Array, readExternal?: ExternalDataReader): OnnxModelData {
  if (bytes.byteLength > ONNX_MAX_FILE_BYTES)
    throw new OnnxFileError(
      `The file has ${bytes.byteLength} bytes; one ONNX protobuf holds at most 2 GiB, so larger models must keep their weights in external data files.`,
    );
  let model: OnnxSchema.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxFileError(`The file is not an ONNX model: its protobuf cannot be decoded (${(e as Error).message}).`);
  }
  const graph = model.graph;
  if (!graph || !model.opsetImport || model.opsetImport.length === 0)
    throw new OnnxFileError('The file is not an ONNX model: it has no graph or no opset_import.');
  const onnxOpset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const initializers = new Map<string, ConstTensor>();
  for (const t of graph.initializer ?? []) {
    const tensor = readTensor(t, `Initializer '${t.name ?? ''}'`, readExternal);
    initializers.set(t.name ?? '', tensor);
  }
  const nodes = (graph.node ?? []).map((n, i): OnnxNodeData => {
    const name = n.name || `${n.opType ?? 'node'}_${i}`;
    const attributes = new Map<string, OnnxAttributeValue>();
    for (const a of n.attribute ?? []) attributes.set(a.name ?? '', readAttribute(a, `Node '${name}'`, readExternal));
    return { name, opType: n.opType ?? '', domain: n.domain ?? '', inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attributes };
  });
  return {
    opset: onnxOpset ? toNumber(onnxOpset.version) : 0,
    irVersion: toNumber(model.irVersion),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    otherDomains: model.opsetImport.filter((o) => o !== onnxOpset).map((o) => o.domain ?? ''),
    graphName: graph.name ?? '',
    nodes,
    initializers,
    // Old exporters list initializers among the inputs too; those are not network inputs.
    inputs: (graph.input ?? []).map(readValueInfo).filter((v) => !initializers.has(v.name)),
    outputs: (graph.output ?? []).map(readValueInfo),
  };
}
