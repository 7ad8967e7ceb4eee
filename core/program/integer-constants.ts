/**
 * Weights a reduced-precision build hands to TensorRT as FLOAT, whatever the precision.
 *
 * A program's constants are FLOAT, so an integer constant (indices, a row count) is written as a constant
 * that only casts to an integer type read. Rounded to HALF its values are exact only up to 2048, to BF16
 * only up to 256 (257 becomes 256, and an index table of 300 rows repeats rows); as FLOAT up to 2^24. The
 * bridge (native/src/trt/network_builder.cc), the generated C++ and Python, and the recorder's reference
 * apply this one rule.
 */
import type { DataType } from '../network/types.js';
import type { TrtProgram } from './types.js';

/** Cast targets whose values must come out exact: integers, and BOOL (a tiny value rounded to 0 turns false). */
const INTEGER_TYPES: ReadonlySet<DataType> = new Set<DataType>(['INT4', 'INT8', 'INT32', 'INT64', 'UINT8', 'BOOL']);

/** The ids of the weights of constants read only by casts to an integer type (and by nothing else, outputs included). */
export function integerConstantWeights(program: TrtProgram): Set<string> {
  const readers = new Map<string, string[]>();
  const read = (tensor: string, by: string) => readers.set(tensor, [...(readers.get(tensor) ?? []), by]);
  for (const op of program.ops)
    for (const tensor of Object.values(op.inputs))
      read(tensor, op.op === 'addCast' && INTEGER_TYPES.has(op.params['toType'] as DataType) ? 'integer cast' : 'other');
  for (const output of program.outputs) read(output.tensor, 'output');

  const integer = new Set<string>();
  const real = new Set<string>();
  for (const op of program.ops) {
    const tensor = op.outputs['output'];
    const onlyIntegerCasts = op.op === 'addConstant' && tensor !== undefined && (readers.get(tensor) ?? ['none']).every((r) => r === 'integer cast');
    // A weight shared with any other use is a real number somewhere, so it follows the precision.
    for (const id of Object.values(op.weights)) (onlyIntegerCasts ? integer : real).add(id);
  }
  return new Set([...integer].filter((id) => !real.has(id)));
}
