/**
 * The element types of binary tensor files and their conversion to float32, the one type the weight
 * store holds (a `.wts` stores `num_batches_tracked` as float too). Integers and booleans become the
 * nearest float32; float16 and bfloat16 widen exactly.
 */
import { halfToFloat } from './wts-bytes.js';

export type ElementType = 'f64' | 'f32' | 'f16' | 'bf16' | 'i64' | 'i32' | 'i16' | 'i8' | 'u64' | 'u32' | 'u16' | 'u8' | 'bool';

export const ELEMENT_BYTES: Record<ElementType, number> = {
  f64: 8,
  f32: 4,
  f16: 2,
  bf16: 2,
  i64: 8,
  i32: 4,
  i16: 2,
  i8: 1,
  u64: 8,
  u32: 4,
  u16: 2,
  u8: 1,
  bool: 1,
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float16 bit pattern → float32, built on first use (256 KiB): one lookup per element. */
let halfTable: Float32Array | undefined;
function halves(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfTable[bits] = halfToFloat(bits);
  }
  return halfTable;
}

/** Convert whole elements of `type` in `src` into `out` from element `at`. `src.length` is a multiple of the element size. */
function convert(type: ElementType, littleEndian: boolean, src: Uint8Array, out: Float32Array, at: number): void {
  const n = src.length / ELEMENT_BYTES[type];
  if (type === 'f32' && littleEndian === HOST_LITTLE_ENDIAN) {
    // The common case is one byte copy into the tensor's own buffer.
    new Uint8Array(out.buffer, out.byteOffset + at * 4, src.length).set(src);
    return;
  }
  const view = new DataView(src.buffer, src.byteOffset, src.length);
  const le = littleEndian;
  switch (type) {
    case 'f32':
      for (let i = 0; i < n; i++) out[at + i] = view.getFloat32(i * 4, le);
      return;
    case 'f64':
      for (let i = 0; i < n; i++) out[at + i] = view.getFloat64(i * 8, le);
      return;
    case 'f16': {
      const table = halves();
      for (let i = 0; i < n; i++) out[at + i] = table[view.getUint16(i * 2, le)]!;
      return;
    }
    case 'bf16': {
      // bfloat16 is the top half of a float32.
      const bits = new Uint32Array(out.buffer, out.byteOffset + at * 4, n);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, le) << 16;
      return;
    }
    case 'i64':
      // hi · 2^32 + lo is exact below 2^53 and rounds once above, like float(int) in Python.
      for (let i = 0; i < n; i++) out[at + i] = view.getInt32(i * 8 + (le ? 4 : 0), le) * 4294967296 + view.getUint32(i * 8 + (le ? 0 : 4), le);
      return;
    case 'u64':
      for (let i = 0; i < n; i++) out[at + i] = view.getUint32(i * 8 + (le ? 4 : 0), le) * 4294967296 + view.getUint32(i * 8 + (le ? 0 : 4), le);
      return;
    case 'i32':
      for (let i = 0; i < n; i++) out[at + i] = view.getInt32(i * 4, le);
      return;
    case 'u32':
      for (let i = 0; i < n; i++) out[at + i] = view.getUint32(i * 4, le);
      return;
    case 'i16':
      for (let i = 0; i < n; i++) out[at + i] = view.getInt16(i * 2, le);
      return;
    case 'u16':
      for (let i = 0; i < n; i++) out[at + i] = view.getUint16(i * 2, le);
      return;
    case 'i8':
      for (let i = 0; i < n; i++) out[at + i] = view.getInt8(i);
      return;
    case 'u8':
      for (let i = 0; i < n; i++) out[at + i] = src[i]!;
      return;
    case 'bool':
      for (let i = 0; i < n; i++) out[at + i] = src[i] === 0 ? 0 : 1;
      return;
  }
}

/**
 * Fills one tensor's Float32Array from its raw bytes as they arrive in pieces of any length: whole
 * elements are converted straight into the tensor, an element split between two pieces is carried.
 */
export class TensorFiller {
  readonly values: Float32Array;
  private readonly size: number;
  private filled = 0;
  private readonly carry: Uint8Array;
  private carried = 0;

  constructor(
    readonly type: ElementType,
    readonly count: number,
    private readonly littleEndian = true,
  ) {
    this.values = new Float32Array(count);
    this.size = ELEMENT_BYTES[type];
    this.carry = new Uint8Array(this.size);
  }

  /** Bytes still expected. */
  get bytesLeft(): number {
    return (this.count - this.filled) * this.size - this.carried;
  }

  /** Take bytes from `piece` until the tensor is full; returns how many were taken (the rest belongs to what follows). */
  push(piece: Uint8Array): number {
    const take = Math.min(piece.length, this.bytesLeft);
    let i = 0;
    if (this.carried > 0) {
      const need = Math.min(this.size - this.carried, take);
      this.carry.set(piece.subarray(0, need), this.carried);
      this.carried += need;
      i = need;
      if (this.carried < this.size) return take;
      convert(this.type, this.littleEndian, this.carry, this.values, this.filled++);
      this.carried = 0;
    }
    const whole = Math.floor((take - i) / this.size);
    if (whole > 0) {
      convert(this.type, this.littleEndian, piece.subarray(i, i + whole * this.size), this.values, this.filled);
      this.filled += whole;
      i += whole * this.size;
    }
    if (i < take) {
      this.carry.set(piece.subarray(i, take));
      this.carried = take - i;
    }
    return take;
  }
}
