/**
 * NumPy `.npy` files: network inputs given instead of images, and outputs saved for comparison
 * with PyTorch. Reads versions 1–3 in C order (float32/64, int8/16/32/64, uint8, bool, converted
 * to float32); writes float32, little-endian, C order, version 1.0.
 */
import { error, type Result } from '../../core/diagnostics.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

type Reader = (view: DataView, offset: number) => number;

const READERS: Record<string, { size: number; read: Reader }> = {
  '<f4': { size: 4, read: (v, o) => v.getFloat32(o, true) },
  '<f8': { size: 8, read: (v, o) => v.getFloat64(o, true) },
  '<i2': { size: 2, read: (v, o) => v.getInt16(o, true) },
  '<i4': { size: 4, read: (v, o) => v.getInt32(o, true) },
  '<i8': { size: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
  '|i1': { size: 1, read: (v, o) => v.getInt8(o) },
  '|u1': { size: 1, read: (v, o) => v.getUint8(o) },
  '|b1': { size: 1, read: (v, o) => v.getUint8(o) },
  '>f4': { size: 4, read: (v, o) => v.getFloat32(o, false) },
};

/** Parse a `.npy` file; `fileName` is quoted in messages. */
export function readNpy(bytes: Uint8Array, fileName: string): Result<NpyArray> {
  const bad = (message: string) => ({ ok: false as const, diagnostics: [error('npy.format', message, { detail: fileName })] });
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    return bad(`${fileName} is not a NumPy .npy file: it does not start with the \\x93NUMPY magic.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) return bad(`${fileName} is .npy format version ${major}.${bytes[7]}; versions 1 to 3 are supported.`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLength > bytes.length) return bad(`${fileName} is truncated: its header says ${headerLength} bytes, but the file ends first.`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    return bad(`${fileName} has an unreadable .npy header: ${JSON.stringify(header.trim())}.`);
  if (fortran === 'True') return bad(`${fileName} is stored in Fortran order; save it in C order (numpy.ascontiguousarray) instead.`);
  const reader = READERS[descr];
  if (!reader) return bad(`${fileName} holds dtype '${descr}'; expected float32 ('<f4'), float64, an integer type or bool.`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) return bad(`${fileName} has an invalid shape (${shapeText}).`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  if (bytes.length - dataStart < count * reader.size)
    return bad(
      `${fileName} is truncated: shape (${shape.join(', ')}) needs ${count * reader.size} bytes of data, but ${bytes.length - dataStart} follow the header.`,
    );
  const data = new Float32Array(count);
  if (descr === '<f4' && (bytes.byteOffset + dataStart) % 4 === 0) data.set(new Float32Array(bytes.buffer, bytes.byteOffset + dataStart, count));
  else for (let i = 0; i < count; i++) data[i] = reader.read(view, dataStart + i * reader.size);
  return { ok: true, value: { shape, data } };
}

/** Encode float32 values as a version 1.0 `.npy` file. */
export function writeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`Cannot write ${data.length} values as an array of shape (${shape.join(', ')}), which holds ${count}.`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // The whole preamble (magic, version, length, header, newline) is padded to a multiple of 64 bytes.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < data.length; i++) body.setFloat32(i * 4, data[i]!, true);
  return out;
}
