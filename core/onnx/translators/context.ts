// The interface a per-op ONNX translator works through, and the small readers and builders every translator shares.
import type { TensorInfo } from '../../layers/types.js';
import type { ParamValue } from '../../network/types.js';
import type { ProgramOp } from '../../program/types.js';
import type { OnnxAttribute } from '../model.js';

/** What a translator may do: read its op, add nodes and initializers, name intermediate tensors. */
export interface TranslateContext {
  readonly op: ProgramOp;
  /** The tensor name wired to an input port, or undefined when an optional port is unconnected. */
  input(port: string): string;
  optionalInput(port: string): string | undefined;
  /** Dims and type of the tensor on an input port. */
  inputInfo(port: string): TensorInfo;
  /** The name of an output port's tensor. */
  output(port: string): string;
  /** A fresh intermediate tensor name inside this layer. */
  temp(suffix: string): string;
  /** Add a node; the first node of a layer gets the layer's name, later ones `<layer>/<suffix>`. */
  node(opType: string, inputs: string[], outputs: string[], attributes?: OnnxAttribute[]): void;
  /** The initializer holding a bound weight slot, in the given dims (default: the weight's own shape). */
  weight(slot: string, dims?: readonly number[]): string | undefined;
  /** A constant initializer of this layer. */
  floats(suffix: string, values: readonly number[], dims?: readonly number[]): string;
  int64s(suffix: string, values: readonly number[], dims?: readonly number[]): string;
  bools(suffix: string, values: Uint8Array, dims: readonly number[]): string;
  /** Report that the layer cannot be expressed exactly in ONNX. */
  fail(message: string, field?: string): never;
}

export type OpTranslator = (ctx: TranslateContext) => void;

export function ints(params: Record<string, ParamValue>, name: string): number[] {
  return params[name] as number[];
}
export function num(params: Record<string, ParamValue>, name: string): number {
  return params[name] as number;
}
export function str(params: Record<string, ParamValue>, name: string): string {
  return params[name] as string;
}
export function bool(params: Record<string, ParamValue>, name: string): boolean {
  return params[name] as boolean;
}

export const attr = {
  int: (name: string, value: number): OnnxAttribute => ({ name, kind: 'int', value }),
  float: (name: string, value: number): OnnxAttribute => ({ name, kind: 'float', value }),
  ints: (name: string, value: readonly number[]): OnnxAttribute => ({ name, kind: 'ints', value }),
  string: (name: string, value: string): OnnxAttribute => ({ name, kind: 'string', value }),
};

/** The tensors on a variadic port (`inputs.0`, `inputs.1`, ...), in index order. */
export function variadic(ctx: TranslateContext, base: string): string[] {
  return Object.keys(ctx.op.inputs)
    .filter((k) => k.startsWith(`${base}.`))
    .sort((a, b) => Number(a.slice(base.length + 1)) - Number(b.slice(base.length + 1)))
    .map((port) => ctx.input(port));
}
