import { describe, expect, it } from 'vitest';
import { KeptRunOutputs, type RunOutput } from './run-outputs.js';

/** One output of `floats` values. */
function output(floats: number): RunOutput[] {
  return [{ engineId: 'engine-1', image: '/data/a.png', stem: 'a', name: 'prob', dims: [1, floats], data: new Float32Array(floats) }];
}

describe('outputs kept for saving later', () => {
  it('keeps the newest runs within the budget and says a dropped run is gone', () => {
    const kept = new KeptRunOutputs(1000);
    kept.keep('job-1', output(100)); // 400 bytes
    kept.keep('job-2', output(100));
    kept.keep('job-3', output(100)); // over 1000 bytes in all: job-1 goes
    expect(['job-1', 'job-2', 'job-3'].map((id) => kept.get(id).ok)).toEqual([false, true, true]);
    // Larger than the whole budget: not kept, and nothing else is dropped for it.
    kept.keep('job-4', output(300));
    expect(['job-2', 'job-3', 'job-4'].map((id) => kept.get(id).ok)).toEqual([true, true, false]);
    const gone = kept.get('job-1');
    expect(gone.ok ? undefined : gone.diagnostics[0]!.code).toBe('run.outputs.gone');
  });
});
