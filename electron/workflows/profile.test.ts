import { describe, expect, it } from 'vitest';
import type { ProgramInput } from '../../core/program/types.js';
import { formulaInput } from '../../core/weights/formula.js';
import { syntheticInput } from './profile.js';

const input = (dtype: ProgramInput['dtype'], dims: number[], extra: Partial<ProgramInput> = {}): ProgramInput => ({
  name: 'x',
  nodeId: 'n1',
  dtype,
  dims,
  ...extra,
});

describe('profile inputs', () => {
  it('are the formula values for FLOAT and zeros for integer inputs', () => {
    const made = [input('FLOAT', [1, 3, 2, 2]), input('INT32', [2, 3]), input('INT64', [4]), input('UINT8', [1, 5])].map(syntheticInput);
    expect(made.map((m) => (m.ok ? [m.value.dtype, m.value.dims, m.value.data.constructor.name, m.value.data.length] : m.diagnostics))).toEqual([
      ['FLOAT', [1, 3, 2, 2], 'Float32Array', 12],
      ['INT32', [2, 3], 'Int32Array', 6],
      ['INT64', [4], 'BigInt64Array', 4],
      ['UINT8', [1, 5], 'Uint8Array', 5],
    ]);
    const float = made[0]!;
    expect(float.ok && float.value.data).toEqual(formulaInput([1, 3, 2, 2]));
  });

  it('take dynamic dims at their profile opt, else 1', () => {
    const withProfile = syntheticInput(input('FLOAT', [-1, 3, 8, 8], { profile: { min: [1, 3, 8, 8], opt: [4, 3, 8, 8], max: [8, 3, 8, 8] } }));
    const without = syntheticInput(input('FLOAT', [-1, 3, 8, 8]));
    expect([withProfile.ok && withProfile.value.dims, without.ok && without.value.dims]).toEqual([
      [4, 3, 8, 8],
      [1, 3, 8, 8],
    ]);
  });
});
