/**
 * The `.wts` decoder (tensorrtx's text weights format, ARCHITECTURE.md "The `.wts` format").
 *
 * Decoding is streaming: `WtsDecoder.push` takes byte chunks of any size and returns the tensors
 * completed so far, so a 1.2 GB file never exists as one buffer or string. It accepts every variant
 * in use (spaces or tabs, repeated separators, CRLF, no final newline, `0x`-prefixed or upper-case
 * hex, and the TensorRT samples' `name type count values...` records) and is strict about
 * everything that would otherwise load wrong weights silently: the first problem stops decoding with
 * a Diagnostic naming the file, the line and the tensor, and the caller imports nothing.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import { utf8Decode } from '../text-codec.js';
import { decodeHexRun, halfToFloat, HEX_VALUE, isBinaryByte, isDecimal } from './wts-bytes.js';
import { ordinal, quote, WtsFormatError } from './wts-errors.js';
import { CR, LF, SPACE, TAB, type WtsTensor } from './wts-format.js';

export interface WtsDecodeOptions {
  /** The file name used in messages. */
  fileName: string;
  /** The file's size in bytes when known: absurd headers and counts are then caught before any allocation. */
  totalBytes?: number;
}

/** Without a known file size, more tensors than this in a header is certainly a corrupt header. */
const MAX_TENSORS_UNSIZED = 10_000_000;
/** Without a known file size, a record of more values than this (4 GiB of floats) is certainly corrupt. */
const MAX_VALUES_UNSIZED = 2 ** 30;
/** Names are module paths; a longer "name" is a file without separators (binary or not a .wts at all). */
const MAX_NAME_BYTES = 4096;
/** How far the first chunk is scanned for binary bytes before parsing, so a binary file is named as such. */
const SNIFF_BYTES = 1024;

const enum State {
  BeforeHeader,
  Header,
  AfterHeader,
  LineStart,
  Name,
  BeforeField,
  Field,
  /** Undecided variant, after `name 0|1 t2`: what follows t2 on the line decides it. */
  AfterSecondField,
  Values,
  Value,
  /** After a record's last value: only whitespace may follow until the end of the line. */
  Done,
}

const enum Variant {
  Unknown,
  /** gen_wts: `name count values...` */
  Standard,
  /** TensorRT samples: `name type count values...`, type 0 FLOAT or 1 HALF. */
  Typed,
}

/**
 * The streaming decoder. Call `push` for each chunk and `finish` at the end of the file; both
 * return the tensors completed by that call and throw `WtsFormatError` on the first problem.
 */
export class WtsDecoder {
  private readonly fileName: string;
  private readonly totalBytes: number | undefined;
  private state = State.BeforeHeader;
  private variant = Variant.Unknown;
  private line = 1;
  private bytes = 0;
  private sawContent = false;
  private failed = false;

  private header = 0;
  private headerLine = 1;
  private records = 0;
  private readonly seen = new Map<string, number>();

  /** The token being read by the slow path (name, header or field), as raw bytes. */
  private token: number[] = [];
  private fields: string[] = [];

  private name = '';
  private recordLine = 0;
  /** Read by `decodeHexRun`: the record's count, its values' bits and how many are filled. */
  count = 0;
  bits: Uint32Array = new Uint32Array(0);
  filled = 0;
  private half = false;
  private values: Float32Array = new Float32Array(0);

  /** A hex value token in progress in the slow path. */
  private tokenValue = 0;
  private tokenDigits = 0;
  private tokenText = '';
  private tokenPrefixed = false;

  constructor(options: WtsDecodeOptions) {
    this.fileName = options.fileName;
    this.totalBytes = options.totalBytes;
  }

  /** Bytes consumed so far. */
  get bytesRead(): number {
    return this.bytes;
  }

  /** The number of tensors the header announces (0 until line 1 has been read). */
  get tensorCount(): number {
    return this.header;
  }

  /** Decode one chunk; returns the tensors whose records ended inside it. */
  push(chunk: Uint8Array): WtsTensor[] {
    if (this.failed) throw new Error('WtsDecoder.push was called after a format error.');
    const out: WtsTensor[] = [];
    try {
      this.run(chunk, out);
    } catch (e) {
      this.failed = true;
      throw e;
    }
    this.bytes += chunk.length;
    return out;
  }

  /** Signal the end of the file: completes a last record without a final newline and checks the record count. */
  finish(): WtsTensor[] {
    if (this.failed) throw new Error('WtsDecoder.finish was called after a format error.');
    const out: WtsTensor[] = [];
    try {
      this.endOfLine(out, true);
      if (!this.sawContent) this.raise('wts.empty', `'${this.fileName}' is empty; a .wts file starts with the number of tensors on line 1.`, 1);
      if (this.records < this.header)
        this.raise(
          'wts.records.missing',
          `'${this.fileName}' ends after ${this.records} tensor${this.records === 1 ? '' : 's'} on line ${this.line}, but its header on line ${this.headerLine} says ${this.header}.`,
          this.line,
        );
    } catch (e) {
      this.failed = true;
      throw e;
    }
    return out;
  }

  private raise(code: string, message: string, line: number): never {
    throw new WtsFormatError(error(code, message, { field: `line ${line}`, detail: this.fileName }));
  }

  private where(line = this.recordLine): string {
    return `'${this.fileName}' line ${line}`;
  }

  // The hot path: one record's values, ` xxxxxxxx` each, parsed with table lookups straight into the
  // tensor's Float32Array through a Uint32Array view of the same buffer (no strings, no parseInt).
  private run(chunk: Uint8Array, out: WtsTensor[]): void {
    const n = chunk.length;
    let i = 0;
    if (this.bytes === 0) {
      if (n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // UTF-8 byte-order mark
      let line = 1;
      for (let k = 0; k < Math.min(n, SNIFF_BYTES); k++) {
        if (chunk[k] === LF) line++;
        else if (isBinaryByte(chunk[k]!)) {
          this.line = line;
          this.step(chunk[k]!, out);
        }
      }
    }
    while (i < n) {
      if (this.state === State.Values && !this.half) {
        i = decodeHexRun(chunk, i, this);
        if (i >= n) break;
      }
      this.step(chunk[i]!, out);
      i++;
    }
  }

  /** The slow path: one byte of anything that is not a well-formed ` xxxxxxxx` value. */
  private step(b: number, out: WtsTensor[]): void {
    if (isBinaryByte(b)) {
      const hint = b === 0 ? ' (PyTorch .pt/.pth files are zip archives: write a .wts with gen_wts)' : '';
      this.raise(
        'wts.binary',
        `'${this.fileName}' line ${this.line} contains the byte 0x${b.toString(16).padStart(2, '0')}; this is a binary file, not a text .wts${hint}.`,
        this.line,
      );
    }
    const space = b === SPACE || b === TAB || b === CR;
    if (b === LF) {
      this.endOfLine(out, false);
      this.line++;
      return;
    }
    switch (this.state) {
      case State.BeforeHeader:
        if (space) return;
        this.sawContent = true;
        this.state = State.Header;
        this.token = [b];
        return;
      case State.Header:
        if (space) this.endHeader();
        else if (this.token.length < 64) this.token.push(b);
        return;
      case State.AfterHeader:
        if (space) return;
        this.raise(
          'wts.header.invalid',
          `'${this.fileName}' line ${this.headerLine}: the header must be only the number of tensors, but more text follows it; expected a line such as '122'.`,
          this.headerLine,
        );
        return;
      case State.LineStart:
        if (space) return;
        if (this.records >= this.header)
          this.raise(
            'wts.records.extra',
            `'${this.fileName}' line ${this.line}: another record follows the ${this.header} tensor${this.header === 1 ? '' : 's'} that the header on line ${this.headerLine} announces.`,
            this.line,
          );
        this.state = State.Name;
        this.recordLine = this.line;
        this.token = [b];
        return;
      case State.Name:
        if (space) this.endName();
        else if (this.token.length < MAX_NAME_BYTES) this.token.push(b);
        else
          this.raise(
            'wts.name.invalid',
            `${this.where()}: the tensor name is longer than ${MAX_NAME_BYTES} bytes; expected 'name count values...'.`,
            this.recordLine,
          );
        return;
      case State.BeforeField:
        if (space) return;
        this.state = State.Field;
        this.token = [b];
        return;
      case State.Field:
        if (space) this.endField();
        else if (this.token.length < 64) this.token.push(b);
        return;
      case State.AfterSecondField:
        if (space) return;
        this.decideTyped();
        this.step(b, out);
        return;
      case State.Values:
        if (space) return;
        this.startValue(b);
        return;
      case State.Value:
        if (space) this.endValue();
        else this.valueByte(b);
        return;
      case State.Done:
        if (space) return;
        this.tokenText = '';
        this.state = State.Value;
        this.tokenDigits = 0;
        this.tokenValue = 0;
        this.tokenPrefixed = false;
        this.valueByte(b);
        return;
    }
  }

  /** A line ended (or the file, with `atEof`): close whatever the line was reading. */
  private endOfLine(out: WtsTensor[], atEof: boolean): void {
    switch (this.state) {
      case State.BeforeHeader:
        return;
      case State.Header:
        this.endHeader();
        this.state = State.LineStart;
        return;
      case State.AfterHeader:
        this.state = State.LineStart;
        return;
      case State.LineStart:
        return;
      case State.Name:
        this.endName();
        this.missingCount();
        return;
      case State.BeforeField:
      case State.Field:
        if (this.state === State.Field) this.endField();
        if (this.state === State.BeforeField) {
          // `name 0` or `name 1` alone on its line can only be gen_wts's `name count`.
          if (this.variant === Variant.Typed || this.fields.length !== 1) this.missingCount();
          this.variant = Variant.Standard;
          this.startRecord(this.fields[0]!, false);
        }
        this.endOfLine(out, atEof);
        return;
      case State.AfterSecondField: {
        // `name 1 t2` and nothing more: gen_wts's one-value record, t2 being the value.
        this.decideStandardWithValue();
        this.endOfLine(out, atEof);
        return;
      }
      case State.Value:
        this.endValue();
        this.endOfLine(out, atEof);
        return;
      case State.Values:
      case State.Done:
        if (this.filled < this.count)
          this.raise(
            'wts.values.missing',
            `${this.where()}: tensor '${this.name}' has ${this.filled} value${this.filled === 1 ? '' : 's'}, but its count says ${this.count}${atEof ? ' (the file ends there)' : ''}.`,
            this.recordLine,
          );
        out.push({ name: this.name, count: this.count, values: this.values, line: this.recordLine });
        this.records++;
        this.values = new Float32Array(0);
        this.bits = new Uint32Array(0);
        this.state = State.LineStart;
        return;
    }
  }

  private tokenString(): string {
    const t = this.token;
    let ascii = true;
    for (const b of t) if (b >= 0x80) ascii = false;
    return ascii ? String.fromCharCode(...t) : utf8Decode(Uint8Array.from(t));
  }

  private endHeader(): void {
    const text = this.tokenString();
    this.headerLine = this.line;
    if (!isDecimal(text) || Number(text) < 1)
      this.raise(
        'wts.header.invalid',
        `'${this.fileName}' line ${this.line}: the header ${quote(text)} is not a positive integer; a .wts file starts with the number of tensors.`,
        this.line,
      );
    const header = Number(text);
    const limit = this.totalBytes === undefined ? MAX_TENSORS_UNSIZED : Math.floor(this.totalBytes / 3);
    if (header > limit)
      this.raise(
        'wts.header.absurd',
        `'${this.fileName}' line ${this.line}: the header says ${text} tensors, but ${this.totalBytes === undefined ? 'no .wts file holds more than 10000000' : `a ${this.totalBytes}-byte file can hold at most ${limit}`}; the header is corrupt.`,
        this.line,
      );
    this.header = header;
    this.state = State.AfterHeader;
  }

  private endName(): void {
    this.name = this.tokenString();
    const first = this.seen.get(this.name);
    if (first !== undefined)
      this.raise('wts.name.duplicate', `${this.where()}: tensor '${this.name}' appears a second time; it was first defined on line ${first}.`, this.recordLine);
    this.seen.set(this.name, this.recordLine);
    this.fields = [];
    this.state = State.BeforeField;
  }

  private missingCount(): never {
    this.raise(
      'wts.count.missing',
      `${this.where()}: tensor '${this.name}' has no element count; expected 'name count values...' on one line.`,
      this.recordLine,
    );
  }

  private endField(): void {
    const text = this.tokenString();
    this.fields.push(text);
    const [first, second] = this.fields;
    if (this.variant === Variant.Standard || (this.variant === Variant.Unknown && this.fields.length === 1 && !(first === '0' || first === '1'))) {
      this.variant = Variant.Standard;
      this.startRecord(first!, false);
      return;
    }
    if (this.variant === Variant.Typed) {
      if (this.fields.length === 1) {
        this.checkType(first!);
        this.state = State.BeforeField;
        return;
      }
      this.startRecord(second!, first === '1');
      return;
    }
    // Unknown variant and `name 0|1`: the second token may be a value (gen_wts) or a count (samples).
    if (this.fields.length === 1) {
      this.state = State.BeforeField;
      return;
    }
    this.state = State.AfterSecondField;
  }

  /** `name 0|1 t2 more...`: the samples' typed variant when t2 is a count; otherwise gen_wts with too many values. */
  private decideTyped(): void {
    const [first, second] = this.fields as [string, string];
    if (isDecimal(second)) {
      this.variant = Variant.Typed;
      this.startRecord(second, first === '1');
    } else {
      this.decideStandardWithValue();
    }
  }

  /** `name 0|1 t2` read as gen_wts's `name count value`. */
  private decideStandardWithValue(): void {
    const [first, second] = this.fields as [string, string];
    this.variant = Variant.Standard;
    this.startRecord(first, false);
    this.state = State.Value;
    this.tokenText = '';
    this.tokenDigits = 0;
    this.tokenValue = 0;
    this.tokenPrefixed = false;
    for (let k = 0; k < second.length; k++) this.valueByte(second.charCodeAt(k));
    this.endValue();
  }

  private checkType(text: string): void {
    if (text !== '0' && text !== '1')
      this.raise(
        'wts.type.unsupported',
        `${this.where()}: tensor '${this.name}' has the type ${quote(text)}; this file uses the TensorRT samples' 'name type count' records, whose type is 0 (FLOAT) or 1 (HALF).`,
        this.recordLine,
      );
  }

  private startRecord(countText: string, half: boolean): void {
    if (!isDecimal(countText))
      this.raise(
        'wts.count.invalid',
        `${this.where()}: the element count ${quote(countText)} of tensor '${this.name}' is not a non-negative decimal integer.`,
        this.recordLine,
      );
    const count = Number(countText);
    // Each value takes at least 2 bytes (a separator and a digit): a larger count cannot fit in the file.
    const left = this.totalBytes === undefined ? MAX_VALUES_UNSIZED : Math.ceil((this.totalBytes - this.bytes) / 2);
    if (count > left || count > MAX_VALUES_UNSIZED)
      this.raise(
        'wts.count.absurd',
        `${this.where()}: tensor '${this.name}' says it has ${countText} values, but ${this.totalBytes === undefined ? `a .wts record holds at most ${MAX_VALUES_UNSIZED}` : `the ${this.totalBytes - this.bytes} bytes left in the file hold at most ${left}`}; the count is corrupt.`,
        this.recordLine,
      );
    this.count = count;
    this.half = half;
    this.values = new Float32Array(count);
    this.bits = new Uint32Array(this.values.buffer);
    this.filled = 0;
    this.state = count === 0 ? State.Done : State.Values;
  }

  private startValue(b: number): void {
    this.state = State.Value;
    this.tokenText = '';
    this.tokenDigits = 0;
    this.tokenValue = 0;
    this.tokenPrefixed = false;
    this.valueByte(b);
  }

  private valueByte(b: number): void {
    if (this.tokenText.length < 32) this.tokenText += String.fromCharCode(b);
    const digit = HEX_VALUE[b]!;
    if ((b === 120 || b === 88) && !this.tokenPrefixed && this.tokenDigits === 1 && this.tokenValue === 0 && this.tokenText.length === 2) {
      this.tokenPrefixed = true;
      this.tokenDigits = 0;
      return;
    }
    if (digit > 15) {
      this.tokenDigits = 99;
      return;
    }
    this.tokenDigits++;
    this.tokenValue = (this.tokenValue * 16 + digit) % 2 ** 32;
  }

  private endValue(): void {
    const index = this.filled + 1;
    if (this.filled >= this.count)
      this.raise(
        'wts.values.extra',
        `${this.where()}: tensor '${this.name}' has more values than its count ${this.count} (the ${ordinal(index)} is ${quote(this.tokenText)}).`,
        this.recordLine,
      );
    // Exactly 8 (or 4) digits: a shorter token is a file cut inside its last value, which would load a wrong number.
    if (this.tokenDigits !== (this.half ? 4 : 8))
      this.raise(
        'wts.token.invalid',
        `${this.where()}: value ${index} of tensor '${this.name}' is ${quote(this.tokenText)}, not a hexadecimal ${this.half ? 'float16 (exactly 4 hex digits, e.g. 3c00)' : 'float32 (exactly 8 hex digits, e.g. 3f800000)'}.`,
        this.recordLine,
      );
    if (this.half) this.values[this.filled] = halfToFloat(this.tokenValue);
    else this.bits[this.filled] = this.tokenValue;
    this.filled++;
    this.state = this.filled === this.count ? State.Done : State.Values;
  }
}

/** Decode a whole `.wts` held in memory (or given as chunks); on any error nothing is returned but the Diagnostic. */
export function decodeWts(
  input: Uint8Array | Iterable<Uint8Array>,
  options: WtsDecodeOptions,
): { ok: true; tensors: WtsTensor[] } | { ok: false; diagnostic: Diagnostic } {
  const decoder = new WtsDecoder(input instanceof Uint8Array ? { totalBytes: input.length, ...options } : options);
  const tensors: WtsTensor[] = [];
  try {
    for (const chunk of input instanceof Uint8Array ? [input] : input) tensors.push(...decoder.push(chunk));
    tensors.push(...decoder.finish());
  } catch (e) {
    if (e instanceof WtsFormatError) return { ok: false, diagnostic: e.diagnostic };
    throw e;
  }
  return { ok: true, tensors };
}
