/**
 * NumPy `.npy` arrays as they arrive in pieces (from inside an `.npz`): the magic, the version
 * (1.0, 2.0 or 3.0), the header (a Python dict literal `{'descr': '<f4', 'fortran_order': False,
 * 'shape': (64, 3, 7, 7), }`, parsed strictly), then the data, converted into a Float32Array as it
 * comes. C order only: a Fortran-order array would load transposed weights, so it is refused.
 */
import { utf8Decode } from '../text-codec.js';
import { ELEMENT_BYTES, type ElementType, TensorFiller } from './element-types.js';
import { formatShape, shapeCount, TensorFileError } from './tensor-file.js';
import { error } from '../diagnostics.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** numpy writes headers of a few hundred bytes; a larger one is a damaged file, refused before it is buffered. */
const MAX_HEADER_BYTES = 1 << 20;

const KINDS: Record<string, ElementType> = {
  f2: 'f16',
  f4: 'f32',
  f8: 'f64',
  i1: 'i8',
  i2: 'i16',
  i4: 'i32',
  i8: 'i64',
  u1: 'u8',
  u2: 'u16',
  u4: 'u32',
  u8: 'u64',
  b1: 'bool',
};

export interface NpyHeader {
  /** As the header writes it: `<f4`. */
  descr: string;
  type: ElementType;
  littleEndian: boolean;
  shape: number[];
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return text;
}

/** `where` starts every message: `'weights.npz' entry 'fc.weight.npy'`. */
type Fail = (code: string, message: string) => never;

/** The dtype string of a header: `<f4`, `|u1`, `>i8`… */
function elementType(descr: string, fail: Fail): { type: ElementType; littleEndian: boolean } {
  const m = /^([<>|=])([fiub]\d)$/.exec(descr);
  const type = m ? KINDS[m[2]!] : undefined;
  if (!m || !type || (m[1] === '|' && ELEMENT_BYTES[type] !== 1))
    fail(
      'npz.dtype',
      `holds the dtype '${descr}'${descr.includes('O') ? ' (Python objects, which need pickle)' : ''}; expected a float ('<f4', '<f2', '<f8'), an integer ('<i8', '<i4', '|i1', '|u1') or bool ('|b1').`,
    );
  // '=' is the writer's native order; every platform numpy runs on for weights is little-endian.
  return { type: type!, littleEndian: m![1] !== '>' };
}

/** A strict reader of the header's dict literal: string keys; string, True/False or tuple-of-integers values. */
function parseHeaderDict(text: string, fail: Fail): Map<string, string | boolean | number[]> {
  let i = 0;
  const bad = (): never =>
    fail('npz.npy.header', `has the .npy header ${JSON.stringify(text.trim().slice(0, 120))}, which is not a dict of 'descr', 'fortran_order' and 'shape'.`);
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (c: string) => {
    space();
    if (text[i] !== c) bad();
    i++;
  };
  const string = (): string => {
    space();
    const quote = text[i];
    if (quote !== "'" && quote !== '"') bad();
    const end = text.indexOf(quote!, i + 1);
    if (end < 0) bad();
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const value = (): string | boolean | number[] => {
    space();
    if (text.startsWith('True', i) || text.startsWith('False', i)) {
      const v = text.startsWith('True', i);
      i += v ? 4 : 5;
      return v;
    }
    if (text[i] === '(') {
      i++;
      const dims: number[] = [];
      for (;;) {
        space();
        if (text[i] === ')') break;
        const m = /^(\d+)L?/.exec(text.slice(i, i + 24));
        if (!m) bad();
        dims.push(Number(m![1]));
        i += m![0].length;
        space();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') bad();
      }
      i++;
      return dims;
    }
    if (text[i] === '[') fail('npz.dtype', 'holds a structured array (a list of fields as its dtype); expected plain numbers.');
    return string();
  };
  const out = new Map<string, string | boolean | number[]>();
  expect('{');
  for (;;) {
    space();
    if (text[i] === '}') break;
    const key = string();
    expect(':');
    out.set(key, value());
    space();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') bad();
  }
  i++;
  space();
  if (i !== text.length) bad();
  return out;
}

/** Parse the text of a `.npy` header. */
export function parseNpyHeader(text: string, fail: Fail): NpyHeader {
  const dict = parseHeaderDict(text, fail);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string' || typeof fortran !== 'boolean' || !Array.isArray(shape) || dict.size !== 3)
    fail('npz.npy.header', `has the .npy header ${JSON.stringify(text.trim().slice(0, 120))}, which is not a dict of 'descr', 'fortran_order' and 'shape'.`);
  if (fortran)
    fail('npz.fortran', 'is stored in Fortran order (fortran_order: True); save it in C order (numpy.ascontiguousarray) so that it does not load transposed.');
  return { descr: descr as string, ...elementType(descr as string, fail), shape: shape as number[] };
}

/**
 * One `.npy` array fed in pieces. `push` throws when the bytes are not a `.npy` or run past the
 * array; `finish` throws when the array is incomplete, and returns it.
 */
export class NpyStream {
  private preamble: Uint8Array = new Uint8Array(0);
  private headerEnd = 0;
  private filler: TensorFiller | undefined;
  private header: NpyHeader | undefined;

  /** `where` begins each message (`'w.npz' entry 'fc.weight.npy'`); `fileName` goes in the Diagnostic's detail. */
  constructor(
    private readonly where: string,
    private readonly fileName: string,
  ) {}

  private fail: Fail = (code, message) => {
    throw new TensorFileError(error(code, `${this.where} ${message}`, { detail: this.fileName }));
  };

  push(piece: Uint8Array): void {
    if (this.filler) {
      if (this.filler.push(piece) < piece.length) this.tooLong();
      return;
    }
    // Collect the preamble (magic, version, header length, header) before the first data byte.
    const joined = new Uint8Array(this.preamble.length + piece.length);
    joined.set(this.preamble);
    joined.set(piece, this.preamble.length);
    if (joined.length >= 6 && MAGIC.some((b, k) => joined[k] !== b))
      this.fail('npz.npy.magic', 'is not a .npy array: it does not start with the \\x93NUMPY magic.');
    if (this.headerEnd === 0 && joined.length >= 12) {
      const major = joined[6]!;
      if (major < 1 || major > 3) this.fail('npz.npy.version', `is .npy format version ${major}.${joined[7]}; versions 1.0 to 3.0 are read.`);
      const view = new DataView(joined.buffer);
      const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
      if (length > MAX_HEADER_BYTES)
        this.fail('npz.npy.header', `has a ${length}-byte .npy header; numpy writes a few hundred bytes, so the array is damaged.`);
      this.headerEnd = (major === 1 ? 10 : 12) + length;
    }
    if (this.headerEnd === 0 || joined.length < this.headerEnd) {
      this.preamble = joined;
      return;
    }
    const start = joined[6] === 1 ? 10 : 12;
    const bytes = joined.subarray(start, this.headerEnd);
    // Versions 1 and 2 are latin-1 (the header is ASCII in practice), version 3 UTF-8.
    const text = joined[6] === 3 ? utf8Decode(bytes) : latin1(bytes);
    const header = parseNpyHeader(text, this.fail);
    const count = shapeCount(header.shape);
    if (count === undefined) this.fail('npz.npy.shape', `has the shape ${formatShape(header.shape)}, too large for any file.`);
    this.header = header;
    this.filler = new TensorFiller(header.type, count!, header.littleEndian);
    this.preamble = new Uint8Array(0);
    this.push(joined.subarray(this.headerEnd));
  }

  private tooLong(): never {
    const h = this.header!;
    this.fail(
      'npz.npy.extra',
      `has more data than its shape ${formatShape(h.shape)} of '${h.descr}' holds (${this.filler!.count * ELEMENT_BYTES[h.type]} bytes).`,
    );
  }

  /** The complete array, or a format error when it is cut short. */
  finish(): { shape: number[]; values: Float32Array; descr: string } {
    if (!this.filler) this.fail('npz.npy.truncated', 'ends inside its .npy header.');
    const left = this.filler!.bytesLeft;
    if (left > 0) {
      const h = this.header!;
      const need = this.filler!.count * ELEMENT_BYTES[h.type];
      this.fail('npz.npy.truncated', `is cut short: its shape ${formatShape(h.shape)} needs ${need} bytes of data, but ${need - left} follow the header.`);
    }
    return { shape: this.header!.shape, values: this.filler!.values, descr: this.header!.descr };
  }
}
