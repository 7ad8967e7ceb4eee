import { describe, expect, it } from 'vitest';
import { FarmTargetSchema } from '../../core/api/farm-schemas.js';
import { cellLabel, formatProfiles, parseProfiles, previewMatrix, sortResults, stateSummary } from './farm-model.js';

describe('the Farm tab’s model', () => {
  it('reads batch profiles as the table writes them, and says which part is wrong', () => {
    const r = parseProfiles(' b1=1/1/1, b8 = 1 / 8 / 16 ');
    expect(r).toEqual({
      ok: true,
      profiles: [
        { name: 'b1', min: 1, opt: 1, max: 1 },
        { name: 'b8', min: 1, opt: 8, max: 16 },
      ],
    });
    expect(r.ok && formatProfiles(r.profiles)).toBe('b1=1/1/1, b8=1/8/16');
    expect(parseProfiles('')).toEqual({ ok: true, profiles: [] });
    expect(parseProfiles('b1=1/1/1, b8:8')).toEqual({ ok: false, message: "The batch profile 'b8:8' is not name=min/opt/max (for example b8=1/8/16)." });
    expect(parseProfiles('z=0/1/1')).toEqual({ ok: false, message: "The batch profile 'z' needs 1 ≤ min ≤ opt ≤ max; it has 0/1/1." });
  });

  it('previews the matrix with the cells the submission would refuse, and names that collide', () => {
    const t = (x: object) => FarmTargetSchema.parse(x);
    expect(previewMatrix([t({ name: 'a', precisions: ['fp32', 'int8'] })])).toEqual({
      jobs: 1,
      cells: 2,
      refused: [{ cell: 'a · int8 · default', reason: 'trt-studio build offers fp32 and fp16, not int8.' }],
      diagnostics: [],
    });
    const clash = previewMatrix([t({ name: 'L4 a' }), t({ name: 'l4-a' })]);
    expect([clash.jobs, clash.diagnostics.map((d) => d.code)]).toEqual([0, ['farm.matrix.duplicate']]);
  });

  it('summarises states in the order jobs pass through them', () => {
    const j = (state: 'pending' | 'running' | 'done' | 'failed' | 'cancelled') => ({
      id: '1',
      submission: 's',
      target: 't',
      precision: 'fp32' as const,
      profile: 'p',
      state,
      dir: '/d',
      submittedAt: '2026-01-01T00:00:00Z',
    });
    expect(stateSummary([j('done'), j('failed'), j('pending'), j('done')])).toBe('1 pending · 2 done · 1 failed');
  });

  it('orders results as the matrix lists its cells: targets, precisions, profiles in the targets’ order; unknown targets last', () => {
    const targets = [
      FarmTargetSchema.parse({
        name: 'T4',
        precisions: ['fp32', 'fp16'],
        profiles: [
          { name: 'b8', min: 1, opt: 8, max: 8 },
          { name: 'b1', min: 1, opt: 1, max: 1 },
        ],
      }),
      FarmTargetSchema.parse({ name: 'A100' }),
    ];
    const r = (target: string, precision: 'fp32' | 'fp16', profile: string) => ({
      job: `${target}${precision}${profile}`,
      target,
      precision,
      profile,
      backend: 'tensorrt' as const,
      latencyMs: { mean: 1, median: 1, p90: 1 },
      layers: [],
      logPath: '/l',
    });
    const results = [r('old', 'fp32', 'default'), r('A100', 'fp32', 'default'), r('T4', 'fp16', 'b1'), r('T4', 'fp32', 'b1'), r('T4', 'fp32', 'b8')];
    expect(sortResults(results, targets).map(cellLabel)).toEqual([
      'T4 · fp32 · b8',
      'T4 · fp32 · b1',
      'T4 · fp16 · b1',
      'A100 · fp32 · default',
      'old · fp32 · default',
    ]);
  });
});
