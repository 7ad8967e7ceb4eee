/**
 * Test support shared by the codegen tests: one op of every type code generation knows, each with the
 * catalog's default parameters, all reading the input `data` (shapes are not meant to fit).
 */
import { getLayerSpec } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import type { TrtProgram } from '../program/types.js';
import { CODEGEN_OPS } from './common.js';

/** Weight slots of the ops that take weights, as the emitters read them. */
const WEIGHT_SLOTS: Record<string, string[]> = {
  addConvolutionNd: ['kernel', 'bias'],
  addDeconvolutionNd: ['kernel', 'bias'],
  addScale: ['shift', 'scale', 'power'],
  addConstant: ['weights'],
};

/** One op of every type code generation knows, each with the catalog's default parameters, all reading `data`. */
export function everyOpProgram(): TrtProgram {
  const ops = CODEGEN_OPS.map((type, i) => {
    const spec = getLayerSpec(type);
    if (!spec) throw new Error(`Code generation lists '${type}', which the layer catalog does not define.`);
    const inputs: Record<string, string> = {};
    for (const port of spec.inputs) {
      if (port.variadic) for (const k of [0, 1]) inputs[`${port.name}.${k}`] = 'data';
      else inputs[port.name] = 'data';
    }
    return {
      op: type,
      layerName: `${type}.layer`,
      nodeId: `n${i}`,
      params: completeParams(spec.params, {}),
      inputs,
      outputs: Object.fromEntries(spec.outputs.map((p) => [p.name, `${type}:${p.name}`])),
      outputInfo: Object.fromEntries(spec.outputs.map((p) => [p.name, { dims: [1, 3, 8, 8], dtype: 'FLOAT' as const }])),
      weights: Object.fromEntries((WEIGHT_SLOTS[type] ?? []).map((slot) => [slot, 'w0'])),
    };
  });
  return {
    formatVersion: 1,
    name: 'every_op',
    inputs: [{ name: 'data', dtype: 'FLOAT', dims: [1, 3, 8, 8], nodeId: 'in' }],
    ops,
    outputs: [{ name: 'out', tensor: 'addUnsqueeze:output' }],
    weights: [{ id: 'w0', recipe: { kind: 'tensor', tensor: 'w' }, count: 1, shape: [1] }],
  };
}
