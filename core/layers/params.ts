/**
 * Reading, defaulting and validating parameters against a catalog schema. Documents hold
 * validated parameters, so layer code reads them with the small typed getters below.
 */
import type { InputDerivedParam, ParamSpec, ParamValue, Params, TensorInfo } from './types.js';
import { quote as quoteValue } from '../network/limits.js';

export function defaultParams(specs: readonly ParamSpec[]): Params {
  const params: Params = {};
  for (const spec of specs) params[spec.name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  return params;
}

/** `params` with every parameter the schema has and `params` lacks set to its default (composites give partial params). */
export function completeParams(specs: readonly ParamSpec[], params: Params): Params {
  const full: Params = { ...params };
  for (const spec of specs) if (!(spec.name in full)) full[spec.name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  return full;
}

/** Why `value` is not a valid value for `spec`, or undefined when it is. */
export function checkParam(spec: ParamSpec, value: unknown): string | undefined {
  const quote = quoteValue(value);
  switch (spec.kind) {
    case 'int':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a number, got ${quote}`;
      if (spec.kind === 'int' && !Number.isInteger(value)) return `expected an integer, got ${quote}`;
      if (spec.min !== undefined && value < spec.min) return `${quote} is below the minimum ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `${quote} is above the maximum ${spec.max}`;
      return undefined;
    }
    case 'bool':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${quote}`;
    case 'enum':
      if (typeof value !== 'string') return `expected one of ${spec.values.join(', ')}, got ${quote}`;
      return spec.values.includes(value) ? undefined : `'${value}' is not a ${spec.enumType}; expected one of ${spec.values.join(', ')}`;
    case 'string':
      return typeof value === 'string' ? undefined : `expected a string, got ${quote}`;
    case 'ints':
    case 'floats': {
      if (!Array.isArray(value)) return `expected a list of ${spec.kind === 'ints' ? 'integers' : 'numbers'}, got ${quote}`;
      for (const v of value) {
        if (typeof v !== 'number' || !Number.isFinite(v)) return `expected numbers, got ${quote}`;
        if (spec.kind === 'ints' && !Number.isInteger(v)) return `expected integers, got ${quote}`;
        if (spec.kind === 'ints' && spec.min !== undefined && v < spec.min) return `${quote} has a value below the minimum ${spec.min}`;
      }
      if (spec.minLength !== undefined && value.length < spec.minLength) return `${quote} has ${value.length} values; at least ${spec.minLength} expected`;
      if (spec.maxLength !== undefined && value.length > spec.maxLength) return `${quote} has ${value.length} values; at most ${spec.maxLength} expected`;
      return undefined;
    }
  }
}

/** Validated getters: a document's parameters have been checked against the schema on load and on edit. */
export function intParam(params: Params, name: string): number {
  return params[name] as number;
}
export function floatParam(params: Params, name: string): number {
  return params[name] as number;
}
export function boolParam(params: Params, name: string): boolean {
  return params[name] as boolean;
}
export function enumParam(params: Params, name: string): string {
  return params[name] as string;
}
export function stringParam(params: Params, name: string): string {
  return params[name] as string;
}
export function intsParam(params: Params, name: string): number[] {
  return params[name] as number[];
}

export function isParamValue(value: unknown): value is ParamValue {
  return (
    typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'number'))
  );
}
export function floatsParam(params: Params, name: string): number[] {
  return params[name] as number[];
}

/** `param` is the input's channel count (dim 1 of NCHW), as a block's `inplanes`. */
export function channelsFromInput(param: string): InputDerivedParam {
  return { param, what: 'channels', value: (t) => (t.dims.length >= 2 && t.dims[1]! >= 0 ? t.dims[1] : undefined) };
}

/** `param` is the size of one flattened sample (every dim after the batch), as Linear's `inFeatures`. */
export function featuresFromInput(param: string): InputDerivedParam {
  return {
    param,
    what: 'features per sample',
    value: (t) => (t.dims.length >= 2 && t.dims.slice(1).every((d) => d >= 0) ? t.dims.slice(1).reduce((a, b) => a * b, 1) : undefined),
  };
}

/** The parameters `spec` takes from `input`, where the input tells them. */
export function paramsFromInput(spec: { fromInput?: readonly InputDerivedParam[] }, input: TensorInfo): Params {
  const params: Params = {};
  for (const d of spec.fromInput ?? []) {
    const v = d.value(input);
    if (v !== undefined) params[d.param] = v;
  }
  return params;
}
