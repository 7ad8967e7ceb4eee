import { describe, expect, it } from 'vitest';
import { FarmTargetSchema } from '../api/farm-schemas.js';
import { buildTemplate } from '../templates/index.js';
import { applyBatchProfile, expandMatrix, slug } from './matrix.js';

const target = (t: unknown) => FarmTargetSchema.parse(t);

describe('the build matrix', () => {
  it('is targets × precisions × batch profiles, one stably named cell each', () => {
    const r = expandMatrix([
      target({
        name: 'T4 (us-east)',
        gres: 'gpu:t4:1',
        precisions: ['fp32', 'fp16'],
        profiles: [
          { name: 'b1', min: 1, opt: 1, max: 1 },
          { name: 'B 8', min: 1, opt: 8, max: 16 },
        ],
      }),
      target({ name: 'cpu', backend: 'onnxruntime' }),
    ]);
    expect(r.ok && r.value.cells.map((c) => c.name)).toEqual([
      't4-us-east-fp32-b1',
      't4-us-east-fp32-b-8',
      't4-us-east-fp16-b1',
      't4-us-east-fp16-b-8',
      'cpu-fp32-default',
    ]);
    expect(r.ok && r.value.refused).toEqual([]);
  });

  it('refuses cells the CLI cannot build, with the reason, and keeps the rest', () => {
    const r = expandMatrix([
      target({ name: 'a100', precisions: ['int8', 'fp16'] }),
      target({ name: 'k8s', scheduler: 'kubernetes', kubernetes: { image: 'x' } }),
      target({ name: 'bad', profiles: [{ name: 'p', min: 4, opt: 2, max: 8 }] }),
    ]);
    if (!r.ok) throw new Error('expected a matrix');
    expect(r.value.cells.map((c) => c.name)).toEqual(['a100-fp16-default']);
    expect(r.value.refused).toEqual([
      { target: 'a100', precision: 'int8', profile: 'default', reason: 'trt-studio build offers fp32 and fp16, not int8.' },
      { target: 'k8s', precision: 'fp32', profile: 'default', reason: "The target 'k8s' is for kubernetes; only Slurm targets are submitted." },
      { target: 'bad', precision: 'fp32', profile: 'p', reason: "The batch profile 'p' must have min ≤ opt ≤ max; it has 4, 2, 8." },
    ]);
  });

  it('refuses two cells that would share a name', () => {
    const r = expandMatrix([target({ name: 'L4 a' }), target({ name: 'l4-a' })]);
    expect(r).toEqual({
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'farm.matrix.duplicate',
          message:
            "Two cells of the matrix would both be named 'l4-a-fp32-default' (target 'L4 a' fp32 default, and target 'l4-a' fp32 default); rename a target or profile.",
        },
      ],
    });
  });

  it('slugs names to folder-safe words', () => {
    expect([slug('H100 / SXM'), slug('../../etc'), slug('日本'), slug('v1.2_x')]).toEqual(['h100-sxm', 'etc', 'x', 'v1.2_x']);
  });
});

describe('a batch profile applied to the project', () => {
  const doc = buildTemplate('lenet5')!;

  it('makes the batch dynamic with the profile’s min/opt/max', () => {
    const r = applyBatchProfile(doc, { name: 'b8', min: 1, opt: 8, max: 16 });
    const rest = doc.inputs[0]!.dims.slice(1);
    expect(r.ok && r.value.inputs[0]).toMatchObject({ dims: [-1, ...rest], profile: { min: [1, ...rest], opt: [8, ...rest], max: [16, ...rest] } });
  });

  it('leaves the project as it is without one', () => {
    expect(applyBatchProfile(doc, null)).toEqual({ ok: true, value: doc });
  });
});
