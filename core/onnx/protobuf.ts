/**
 * A minimal protocol-buffers writer: just the wire types the ONNX messages we emit need (varint,
 * 64-bit-free packed floats, length-delimited). Written here instead of taking a protobuf package
 * because ONNX needs six messages and a few dozen lines, and core/ must stay environment-free.
 */

import { utf8Encode } from '../text-codec.js';

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_LENGTH_DELIMITED = 2;

/** Appends protobuf fields to a growing byte buffer; a nested message is written by a callback. */
export class ProtoWriter {
  private buffer = new Uint8Array(1024);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  private byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** An unsigned varint; negative int64 values are written as their 10-byte two's complement. */
  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    if (v < 0x80n) {
      this.byte(Number(v));
      return;
    }
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  /** An int32, int64 or enum field. */
  int(field: number, value: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  /** A float field (fixed32). */
  float(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    new DataView(this.buffer.buffer, this.buffer.byteOffset + this.length, 4).setFloat32(0, value, true);
    this.length += 4;
  }

  string(field: number, value: string): void {
    this.bytes(field, utf8Encode(value));
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** A repeated int64 field, packed (proto3 default for repeated scalars). */
  packedInts(field: number, values: readonly number[]): void {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    this.bytes(field, inner.finish());
  }

  /** A repeated float field, packed. */
  packedFloats(field: number, values: readonly number[]): void {
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    this.bytes(field, data);
  }

  /** A nested message. */
  message(field: number, write: (writer: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    write(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
