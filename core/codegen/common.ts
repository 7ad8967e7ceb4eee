/**
 * What the Python and C++ generators share: options, checking a program before printing it,
 * identifiers made from tensor and layer names, tensor ranks, axis masks and literals.
 * Everything here is deterministic: the same program always prints the same text.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { ParamValue } from '../network/types.js';
import type { ProgramOp, TrtProgram } from '../program/types.js';
import type { DetectorOutput } from '../run/detector.js';

export interface CodegenOptions {
  /** Default `.wts` path of the generated program's `--weights` option; `<network>.wts` when absent. */
  weightsPath?: string;
  /** Default engine path of the generated program's `--engine` option; `<network>.engine` when absent. */
  enginePath?: string;
  /** Default workspace limit in MiB (`--workspace`); 1024 when absent. */
  workspaceMiB?: number;
  /**
   * The output holding detections (core/run/detector.ts `detectorOutputs`): the C++ program's `-d --image`
   * then prints the detections, with these default thresholds (0.25 and 0.45 when absent).
   */
  detector?: DetectorOutput & { conf?: number; iou?: number };
}

export interface ResolvedOptions {
  weightsPath: string;
  enginePath: string;
  workspaceMiB: number;
}

export function resolveOptions(program: TrtProgram, options: CodegenOptions): ResolvedOptions {
  return {
    weightsPath: options.weightsPath ?? `${program.name}.wts`,
    enginePath: options.enginePath ?? `${program.name}.engine`,
    workspaceMiB: options.workspaceMiB ?? 1024,
  };
}

/**
 * Ops both generators print, in the bridge's table order (native/src/trt/layer_table.cc). Adding a
 * primitive: one line in that table, one emitter in python.ts and one in cpp-emitters.ts.
 */
export const CODEGEN_OPS: readonly string[] = [
  'addActivation',
  'addCast',
  'addConcatenation',
  'addConstant',
  'addConvolutionNd',
  'addDeconvolutionNd',
  'addEinsum',
  'addElementWise',
  'addGatherV2',
  'addIdentity',
  'addLRN',
  'addMatrixMultiply',
  'addNMS',
  'addNormalizationV2',
  'addPaddingNd',
  'addParametricReLU',
  'addPoolingNd',
  'addReduce',
  'addResize',
  'addScale',
  'addSelect',
  'addShape',
  'addShuffle',
  'addSlice',
  'addSoftMax',
  'addSqueeze',
  'addTopK',
  'addUnary',
  'addUnsqueeze',
];

/** The TensorRT version (major, minor) an op first appears in, when later than 10.0. */
export const OP_MIN_VERSION: Readonly<Record<string, readonly [number, number]>> = {
  addSqueeze: [10, 7],
  addUnsqueeze: [10, 7],
  addNormalizationV2: [10, 15],
};

/** Output ports of each op, in `ILayer::getOutput` order. */
export function outputPorts(op: string): string[] {
  if (op === 'addTopK') return ['values', 'indices'];
  return op === 'addNMS' ? ['selectedIndices', 'numOutputBoxes'] : ['output'];
}

/** Every reason the generators cannot print this program, as Diagnostics naming the node. */
export function checkProgram(program: TrtProgram): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const known = new Set(program.inputs.map((i) => i.name));
  const weights = new Set(program.weights.map((w) => w.id));
  for (const op of program.ops) {
    if (!CODEGEN_OPS.includes(op.op)) {
      diagnostics.push(
        error(
          'codegen.op.unknown',
          `Layer '${op.layerName}' uses '${op.op}', which code generation does not implement; supported: ${CODEGEN_OPS.join(', ')}.`,
          {
            nodeId: op.nodeId,
          },
        ),
      );
      continue;
    }
    for (const [port, tensor] of Object.entries(op.inputs))
      if (!known.has(tensor))
        diagnostics.push(
          error(
            'codegen.tensor.unknown',
            `Layer '${op.layerName}' reads tensor '${tensor}' on input '${port}', which no earlier op or network input produces.`,
            {
              nodeId: op.nodeId,
              field: port,
            },
          ),
        );
    for (const [slot, id] of Object.entries(op.weights))
      if (!weights.has(id))
        diagnostics.push(
          error('codegen.weight.unknown', `Layer '${op.layerName}' uses weight '${id}' in slot '${slot}', which the program does not define.`, {
            nodeId: op.nodeId,
            field: slot,
          }),
        );
    for (const tensor of Object.values(op.outputs)) known.add(tensor);
  }
  for (const output of program.outputs)
    if (!known.has(output.tensor))
      diagnostics.push(
        error('codegen.output.unknown', `Network output '${output.name}' reads tensor '${output.tensor}', which no op produces.`, { field: output.name }),
      );
  return diagnostics;
}

const PYTHON_RESERVED = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda ' +
    'nonlocal not or pass raise return try while with yield np trt sys argparse network builder config dtype W wts args'
  ).split(' '),
);
const CPP_RESERVED = new Set(
  (
    'alignas alignof and and_eq asm auto bitand bitor bool break case catch char char16_t char32_t class compl const constexpr const_cast ' +
    'continue decltype default delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline int long ' +
    'mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public register reinterpret_cast return short ' +
    'signed sizeof static static_assert static_cast struct switch template this thread_local throw true try typedef typeid typename union ' +
    'unsigned using virtual void volatile wchar_t while xor xor_eq network weights type dims permutation std main'
  ).split(' '),
);

/** Unique identifiers for names, in first-come order; the same names always get the same identifiers. */
export class Namer {
  private readonly used = new Set<string>();
  private readonly byKey = new Map<string, string>();

  constructor(private readonly language: 'python' | 'cpp') {}

  /** The identifier for `key` (made from `hint` the first time). */
  get(key: string, hint: string = key): string {
    const existing = this.byKey.get(key);
    if (existing) return existing;
    let base = hint.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 't';
    if (/^[0-9]/.test(base)) base = `t${base}`;
    const reserved = this.language === 'python' ? PYTHON_RESERVED : CPP_RESERVED;
    let name = base;
    for (let i = 2; this.used.has(name) || reserved.has(name) || name.startsWith('__'); i++) name = `${base}_${i}`;
    this.used.add(name);
    this.byKey.set(key, name);
    return name;
  }
}

/** Ranks of every tensor of the program (network inputs and op outputs as inferred). */
export function tensorRanks(program: TrtProgram): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const input of program.inputs) ranks.set(input.name, input.dims.length);
  for (const op of program.ops)
    for (const [port, tensor] of Object.entries(op.outputs)) {
      const info = op.outputInfo[port];
      if (info) ranks.set(tensor, info.dims.length);
    }
  return ranks;
}

/** Accessors for an op's parameters; a missing or mistyped one throws naming the layer. */
export class OpParams {
  constructor(readonly op: ProgramOp) {}

  private get(name: string): ParamValue {
    const value = this.op.params[name];
    if (value === undefined) throw new Error(`Layer '${this.op.layerName}' (${this.op.op}) has no parameter '${name}'.`);
    return value;
  }

  int(name: string): number {
    const value = this.get(name);
    if (typeof value !== 'number' || !Number.isInteger(value))
      throw new Error(`Layer '${this.op.layerName}' (${this.op.op}): parameter '${name}' must be an integer; got ${JSON.stringify(value)}.`);
    return value;
  }

  num(name: string): number {
    const value = this.get(name);
    if (typeof value !== 'number')
      throw new Error(`Layer '${this.op.layerName}' (${this.op.op}): parameter '${name}' must be a number; got ${JSON.stringify(value)}.`);
    return value;
  }

  bool(name: string): boolean {
    const value = this.get(name);
    if (typeof value !== 'boolean')
      throw new Error(`Layer '${this.op.layerName}' (${this.op.op}): parameter '${name}' must be true or false; got ${JSON.stringify(value)}.`);
    return value;
  }

  str(name: string): string {
    const value = this.get(name);
    if (typeof value !== 'string')
      throw new Error(`Layer '${this.op.layerName}' (${this.op.op}): parameter '${name}' must be a name; got ${JSON.stringify(value)}.`);
    return value;
  }

  /** An enum parameter, checked to be an identifier so it can be printed after `trt.X.` / `X::k`. */
  enumName(name: string): string {
    const value = this.str(name);
    if (!/^[A-Z][A-Z0-9_]*$/.test(value))
      throw new Error(`Layer '${this.op.layerName}' (${this.op.op}): parameter '${name}' is '${value}', which is not a TensorRT enum name.`);
    return value;
  }

  ints(name: string): number[] {
    const value = this.get(name);
    if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v)))
      throw new Error(`Layer '${this.op.layerName}' (${this.op.op}): parameter '${name}' must be a list of integers; got ${JSON.stringify(value)}.`);
    return value;
  }

  nums(name: string): number[] {
    const value = this.get(name);
    if (!Array.isArray(value))
      throw new Error(`Layer '${this.op.layerName}' (${this.op.op}): parameter '${name}' must be a list of numbers; got ${JSON.stringify(value)}.`);
    return value;
  }
}

/** A possibly negative axis made non-negative for a tensor of `rank`; out of range throws naming the layer. */
export function normaliseAxis(op: ProgramOp, axis: number, rank: number, field: string): number {
  const value = axis < 0 ? axis + rank : axis;
  if (value < 0 || value >= rank)
    throw new Error(`Layer '${op.layerName}' (${op.op}): axis ${axis} in '${field}' is out of range for a tensor of rank ${rank}.`);
  return value;
}

/** TensorRT's axes bit mask (`1 << axis` per axis). */
export function axesMask(op: ProgramOp, axes: number[], rank: number, field: string): number {
  let mask = 0;
  for (const axis of axes) mask |= 1 << normaliseAxis(op, axis, rank, field);
  return mask >>> 0;
}

/**
 * A float literal Python and C++ read back as exactly this double (shortest round-trip digits,
 * always with a dot or an exponent). Values already rounded to float32 (such as a BatchNorm eps
 * from the catalog) print with all their digits, so derived weights are recomputed bit for bit.
 */
export function floatLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`Cannot print the non-finite number ${value} as a literal.`);
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

/** A double-quoted string literal valid in Python and C++: ASCII printable kept, control characters as 3-digit octal, the rest as \\u/\\U escapes. */
export function stringLiteral(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code < 0x80) out += `\\${code.toString(8).padStart(3, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** A comment line's text with newlines flattened, so a name can never end the comment. */
export function commentText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
