import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.js';

const lenetPath = new URL('../../fixtures/lenet5.wts', import.meta.url).pathname;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('trt-studio weights inspect', () => {
  it('--json gives every tensor with its count, statistics and the decode time', async () => {
    const { code, out } = await cli('weights', 'inspect', lenetPath, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      ok: boolean;
      bytes: number;
      tensorCount: number;
      valueCount: number;
      decodeSeconds: number;
      tensors: { name: string; count: number; min: number; max: number; histogram: number[] }[];
    };
    expect([report.ok, report.bytes, report.tensorCount, report.valueCount]).toEqual([true, 555505, 10, 61706]);
    expect(report.decodeSeconds).toBeGreaterThan(0);
    expect(report.tensors.map((t) => [t.name, t.count])).toEqual([
      ['conv1.weight', 150],
      ['conv1.bias', 6],
      ['conv2.weight', 2400],
      ['conv2.bias', 16],
      ['fc1.weight', 48000],
      ['fc1.bias', 120],
      ['fc2.weight', 10080],
      ['fc2.bias', 84],
      ['fc3.weight', 840],
      ['fc3.bias', 10],
    ]);
    const fc3 = report.tensors[9]!;
    expect(fc3.histogram.reduce((a, b) => a + b, 0)).toBe(10);
    expect(fc3.min).toBeGreaterThanOrEqual(-0.05);
    expect(fc3.max).toBeLessThan(0.05);
  });

  it('prints a table', async () => {
    const { code, out } = await cli('weights', 'inspect', lenetPath);
    expect(code).toBe(0);
    expect(out).toMatch(/^lenet5\.wts: 10 tensors, 61706 values, 555505 bytes, decoded in \d+\.\d{3} s/);
    expect(out.split('\n')[1]).toMatch(/^ {2}name +count +min +max +mean +std +nan\/inf$/);
    expect(out).toMatch(/\n {2}fc3\.bias +10 /);
  });

  it('exits 1 with the Diagnostic for a malformed file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trt-weights-'));
    const bad = join(dir, 'short.wts');
    await writeFile(bad, '1\nfc.bias 3 3f800000 3f800000\n');
    const { code, err } = await cli('weights', 'inspect', bad);
    expect(code).toBe(1);
    expect(err).toBe("error [wts.values.missing] 'short.wts' line 2: tensor 'fc.bias' has 2 values, but its count says 3. (field line 2)");
  });

  it('exits 2 when the file cannot be read, and on a wrong command line', async () => {
    const missing = await cli('weights', 'inspect', '/nonexistent/x.wts', '--json');
    expect(missing.code).toBe(2);
    expect((JSON.parse(missing.out) as { diagnostics: { code: string }[] }).diagnostics[0]!.code).toBe('wts.unreadable');
    expect((await cli('weights', lenetPath)).code).toBe(2);
  });
});
