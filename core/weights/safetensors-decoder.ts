/**
 * The `.safetensors` decoder (Hugging Face's format): 8 bytes giving the header length N as a
 * little-endian u64, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__}`,
 * then the data section, which the tensors' offsets (relative to its start) must cover exactly:
 * in range, no overlaps, no holes. The header is checked whole before any tensor is allocated;
 * the data is then read in pieces straight into each tensor's Float32Array, so a file needs its
 * float32 size in memory and one piece more.
 */
import { utf8Decode } from '../text-codec.js';
import { ELEMENT_BYTES, type ElementType, TensorFiller } from './element-types.js';
import { type ByteSource, DEFAULT_CHUNK_BYTES, formatShape, shapeCount, type ShapedTensor, tensorFileError, type TensorFileOptions } from './tensor-file.js';

/** The reference implementation refuses headers above 100 MB; a larger "length" is a damaged or foreign file. */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/** The dtypes read, by the names the header uses. */
const DTYPES: Record<string, ElementType> = {
  F64: 'f64',
  F32: 'f32',
  F16: 'f16',
  BF16: 'bf16',
  I64: 'i64',
  I32: 'i32',
  I16: 'i16',
  I8: 'i8',
  U64: 'u64',
  U32: 'u32',
  U16: 'u16',
  U8: 'u8',
  BOOL: 'bool',
};
const DTYPE_LIST = Object.keys(DTYPES).join(', ');
const bytesOf = (dtype: string): number => ELEMENT_BYTES[DTYPES[dtype]!];

interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Check the parsed header against the format and the data section's length; returns the tensors in header order. */
function checkHeader(header: unknown, dataBytes: number, fileName: string): HeaderEntry[] {
  const fail = (code: string, message: string): never => tensorFileError(`safetensors.${code}`, fileName, message);
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail(
      'header.invalid',
      `the header is ${Array.isArray(header) ? 'a JSON array' : `the JSON value ${JSON.stringify(header)}`}; expected an object of tensors.`,
    );
  const entries: HeaderEntry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const strings = typeof info === 'object' && info !== null && !Array.isArray(info) && Object.values(info).every((v) => typeof v === 'string');
      if (!strings) fail('header.metadata', `'__metadata__' in the header must be an object of strings, but it is ${JSON.stringify(info).slice(0, 80)}.`);
      continue;
    }
    const described = `tensor '${name}'`;
    if (typeof info !== 'object' || info === null || Array.isArray(info))
      fail('header.tensor', `${described} is described by ${JSON.stringify(info).slice(0, 80)}; expected {"dtype", "shape", "data_offsets"}.`);
    const { dtype, shape, data_offsets: offsets } = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPES, dtype))
      fail('dtype.unsupported', `${described} has the dtype ${JSON.stringify(dtype ?? null)}; expected one of ${DTYPE_LIST}.`);
    if (!Array.isArray(shape) || !shape.every(isCount))
      fail('shape.invalid', `${described} has the shape ${JSON.stringify(shape ?? null)}; expected a list of non-negative integers.`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0]! > offsets[1]!)
      fail('offsets.invalid', `${described} has the data_offsets ${JSON.stringify(offsets ?? null)}; expected [begin, end] with 0 ≤ begin ≤ end.`);
    const [begin, end] = offsets as [number, number];
    const dims = shape as number[];
    const count = shapeCount(dims);
    const need = count === undefined ? undefined : count * bytesOf(dtype as string);
    if (need !== end - begin)
      fail(
        'offsets.size',
        `${described} (${dtype} ${formatShape(dims)}) needs ${need ?? 'more than 2^53'} bytes, but its data_offsets [${begin}, ${end}] span ${end - begin}.`,
      );
    if (end > dataBytes)
      fail('offsets.range', `${described} has the data_offsets [${begin}, ${end}], past the end of the ${dataBytes}-byte data section; the file is cut short.`);
    entries.push({ name, dtype: dtype as string, shape: dims, count: count!, begin, end });
  }
  if (entries.length === 0) fail('empty', 'the header lists no tensors.');
  // The data section is the tensors laid end to end: sorted by offset, each begins where the one before ends.
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: HeaderEntry | undefined;
  for (const e of byOffset) {
    if (e.begin < at)
      fail(
        'offsets.overlap',
        `tensors '${previous!.name}' [${previous!.begin}, ${previous!.end}] and '${e.name}' [${e.begin}, ${e.end}] overlap in the data section.`,
      );
    if (e.begin > at)
      fail(
        'offsets.gap',
        `bytes ${at} to ${e.begin} of the data section belong to no tensor (they come before '${e.name}'); the tensors must cover the data section without holes.`,
      );
    at = e.end;
    previous = e;
  }
  if (at !== dataBytes)
    fail(
      'offsets.trailing',
      `the data section is ${dataBytes} bytes, but its tensors end at byte ${at}; the last ${dataBytes - at} bytes belong to no tensor.`,
    );
  return entries;
}

/** Decode a whole `.safetensors`; throws `TensorFileError` on the first problem (nothing is returned then). */
export async function decodeSafetensors(source: ByteSource, options: TensorFileOptions): Promise<ShapedTensor[]> {
  const { fileName } = options;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const fail = (code: string, message: string): never => tensorFileError(`safetensors.${code}`, fileName, message);
  if (source.size < 8) fail('truncated', ` is ${source.size} bytes; a .safetensors file starts with an 8-byte header length.`);
  const prefix = new DataView((await source.read(0, 8)).buffer);
  const headerBytes = prefix.getUint32(0, true) + prefix.getUint32(4, true) * 4294967296;
  if (headerBytes > MAX_SAFETENSORS_HEADER_BYTES)
    fail(
      'header.size',
      `its first 8 bytes give a header length of ${prefix.getBigUint64(0, true)} bytes, more than the ${MAX_SAFETENSORS_HEADER_BYTES} a .safetensors header may have; this is not a .safetensors file, or its start is damaged.`,
    );
  if (8 + headerBytes > source.size)
    fail('header.truncated', `the header is ${headerBytes} bytes, but only ${source.size - 8} follow its length; the file is cut short.`);
  const raw = await source.read(8, headerBytes);
  if (raw[0] !== 0x7b)
    fail(
      'header.invalid',
      `the header does not begin with '{' (its first byte is 0x${(raw[0] ?? 0).toString(16).padStart(2, '0')}); this is not a .safetensors file.`,
    );
  let header: unknown;
  try {
    header = JSON.parse(utf8Decode(raw));
  } catch {
    // The parser's own message differs between JavaScript engines; the length and the cause are what help.
    fail('header.json', `the ${headerBytes}-byte header is not valid JSON; the file is damaged or was not written as .safetensors.`);
  }
  const dataStart = 8 + headerBytes;
  const entries = checkHeader(header, source.size - dataStart, fileName);

  // Read the data section front to back (the offsets were checked to tile it) through one reused
  // buffer: besides the tensors, a decode holds one piece of the file, not a trail of garbage pieces.
  const values = new Map<string, Float32Array>();
  const piece = new Uint8Array(Math.min(chunkBytes, source.size - dataStart));
  for (const e of [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    const filler = new TensorFiller(DTYPES[e.dtype]!, e.count);
    for (let at = e.begin; at < e.end; at += piece.length) {
      const length = Math.min(piece.length, e.end - at);
      filler.push(await source.read(dataStart + at, length, piece.subarray(0, length)));
    }
    values.set(e.name, filler.values);
  }
  return entries.map((e) => ({ name: e.name, shape: e.shape, values: values.get(e.name)! }));
}
