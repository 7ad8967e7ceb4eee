/** Helpers for the catalog's unit tests: run one entry's shape inference on hand-made tensors. */
import { evaluate } from '../shapes/infer.js';
import { getLayerSpec } from './catalog.js';
import { completeParams } from './params.js';
import type { DataType, Params, TensorInfo, WeightSlot } from './types.js';

/** A tensor description for tests. */
export function tensor(dims: number[], dtype: DataType = 'FLOAT'): TensorInfo {
  return { dims, dtype };
}

export interface LayerRun {
  /** Output tensors by port name (empty on error). */
  outputs: Record<string, TensorInfo>;
  weights: WeightSlot[];
  /** The first error's message and field, as shape inference reports it. */
  error?: { message: string; field?: string };
}

/** Infer one catalog entry with `params` laid over its defaults. */
export function runLayer(type: string, params: Params, inputs: Record<string, TensorInfo>): LayerRun {
  const spec = getLayerSpec(type);
  if (!spec) throw new Error(`No catalog entry '${type}'.`);
  const result = evaluate(spec, completeParams(spec.params, params), inputs);
  const first = result.errors[0];
  return {
    outputs: result.outputs ?? {},
    weights: result.weights,
    ...(first ? { error: { message: first.message, ...(first.field ? { field: first.field } : {}) } } : {}),
  };
}

/** The dims of output `port` (default `output`), or the error message prefixed with `error: `. */
export function outDims(type: string, params: Params, inputs: Record<string, TensorInfo>, port = 'output'): number[] | string {
  const run = runLayer(type, params, inputs);
  if (run.error) return `error: ${run.error.message}`;
  const t = run.outputs[port];
  if (!t) throw new Error(`'${type}' has no output '${port}'.`);
  return t.dims;
}
