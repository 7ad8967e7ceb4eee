/**
 * Writers of `.safetensors`, `.npy` and zip (`.npz`) files for tests: exactly the layouts the
 * reference writers produce (safetensors' header padded with spaces to 8 bytes; numpy's preamble
 * padded to 64 bytes), so the tests can write any model's weights in any dtype without Python.
 */
import { utf8Encode } from '../text-codec.js';
import { formulaTensor, type StateDictEntry } from './formula.js';

export interface RawTensor {
  name: string;
  /** safetensors' name for it: F32, F16, I64… */
  dtype: string;
  shape: number[];
  /** Little-endian element bytes. */
  data: Uint8Array;
}

/** A `.safetensors` file: the tensors' data laid end to end in the order given. */
export function encodeSafetensors(tensors: readonly RawTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let at = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + t.data.length] };
    at += t.data.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const headerBytes = utf8Encode(json);
  const out = new Uint8Array(8 + headerBytes.length + at);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 8);
  let offset = 8 + headerBytes.length;
  for (const t of tensors) {
    out.set(t.data, offset);
    offset += t.data.length;
  }
  return out;
}

/** Little-endian bytes of float32 values. */
export function float32Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** Little-endian bytes of int64 values. */
export function int64Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
}

/** A model's formula weights as safetensors tensors: floats as F32, integers (num_batches_tracked) as I64 scalars, as PyTorch saves them. */
export function formulaSafetensors(stateDict: readonly StateDictEntry[]): RawTensor[] {
  return stateDict.map(([name, shape, dtype]) =>
    dtype.startsWith('float')
      ? { name, dtype: 'F32', shape, data: float32Bytes(formulaTensor(name, shape, dtype)) }
      : { name, dtype: 'I64', shape, data: int64Bytes(new Array<number>(formulaTensor(name, shape, dtype).length).fill(0)) },
  );
}

/** A version 1.0 `.npy` of raw little-endian data, as numpy.save writes it. */
export function encodeNpy(descr: string, shape: readonly number[], data: Uint8Array, fortranOrder = false): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}

export interface ZipWriter {
  /** Raw DEFLATE of a whole buffer. */
  deflateRaw(bytes: Uint8Array): Uint8Array;
  crc32(bytes: Uint8Array): number;
}

/** A zip archive (no zip64) of the given files, each deflated or stored. */
export function encodeZip(files: readonly { name: string; data: Uint8Array; deflate: boolean }[], zlib: ZipWriter): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    const name = utf8Encode(f.name);
    const body = f.deflate ? zlib.deflateRaw(f.data) : f.data;
    const crc = zlib.crc32(f.data);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, f.deflate ? 8 : 0, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, f.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const entry = new Uint8Array(46 + name.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, f.deflate ? 8 : 0, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, f.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    entry.set(name, 46);
    parts.push(local, body);
    central.push(entry);
    offset += local.length + body.length;
  }
  const directoryBytes = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, directoryBytes, true);
  ev.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
