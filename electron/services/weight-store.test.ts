import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formulaTensor, type StateDictEntry } from '../../core/weights/formula.js';
import { tensorStatistics } from '../../core/weights/statistics.js';
import { encodeWts } from '../../core/weights/wts-encoder.js';
import { WeightStore, type ImportProgress } from './weight-store.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const lenetPath = join(new URL('.', FIXTURES).pathname, 'lenet5.wts');
const dir = mkdtempSync(join(tmpdir(), 'weight-store-'));
const store = new WeightStore();

afterAll(async () => {
  await store.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function writeModel(name: string, path: string): void {
  const models = JSON.parse(readFileSync(new URL('models.json', FIXTURES), 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>;
  const entries = models[name]!.state_dict;
  const fd = openSync(path, 'w');
  const tensors = (function* () {
    for (const [n, shape, dtype] of entries) yield { name: n, values: formulaTensor(n, shape, dtype) };
  })();
  for (const chunk of encodeWts(entries.length, tensors)) writeSync(fd, chunk);
  closeSync(fd);
}

describe('WeightStore', () => {
  it('decodes lenet5.wts in the worker, with progress, statistics and tensors by name', async () => {
    const progress: ImportProgress[] = [];
    const result = await store.load(lenetPath, { onProgress: (p) => progress.push(p) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const file = result.file;
    expect([file.fileName, file.bytes, file.valueCount, file.tensors.length]).toEqual(['lenet5.wts', 555505, 61706, 10]);
    expect(progress.at(-1)).toEqual({ bytes: 555505, totalBytes: 555505, fraction: 1 });
    const conv1 = store.tensor(file.id, 'conv1.weight')!;
    expect(conv1).toEqual(formulaTensor('conv1.weight', [6, 1, 5, 5]));
    expect(file.tensors[0]).toEqual({ name: 'conv1.weight', count: 150, line: 2, statistics: tensorStatistics(conv1) });
    expect(store.tensorInfos(file.id).slice(0, 2)).toEqual([
      { name: 'conv1.weight', count: 150 },
      { name: 'conv1.bias', count: 6 },
    ]);
    // The metadata view carries no values.
    expect(JSON.stringify(store.list()).length).toBeLessThan(20_000);
  });

  it('holds several files and unloads one', async () => {
    const other = join(dir, 'copy.wts');
    writeFileSync(other, readFileSync(lenetPath));
    const a = await store.load(lenetPath);
    const b = await store.load(other);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    const before = store.list().length;
    expect(store.unload(a.file.id)).toBe(true);
    expect(store.list().length).toBe(before - 1);
    expect(store.tensor(a.file.id, 'conv1.weight')).toBeUndefined();
    expect(store.tensor(b.file.id, 'fc3.bias')).toHaveLength(10);
    expect(store.unload(a.file.id)).toBe(false);
  });

  it('loads nothing from a malformed file and names the line', async () => {
    const bad = join(dir, 'bad.wts');
    writeFileSync(bad, '2\na 1 3f800000\na 1 3f800000\n');
    const before = store.list().length;
    const result = await store.load(bad);
    expect(result).toEqual({
      ok: false,
      unreadable: false,
      diagnostic: {
        severity: 'error',
        code: 'wts.name.duplicate',
        message: "'bad.wts' line 3: tensor 'a' appears a second time; it was first defined on line 2.",
        field: 'line 3',
        detail: 'bad.wts',
      },
    });
    expect(store.list().length).toBe(before);
  });

  it('reports a file that cannot be read', async () => {
    const result = await store.load(join(dir, 'missing.wts'));
    expect(!result.ok && [result.unreadable, result.diagnostic.code]).toEqual([true, 'wts.unreadable']);
    expect(!result.ok && result.diagnostic.message).toMatch(/^Cannot read 'missing.wts': ENOENT/);
  });

  it('cancels an import in progress, keeping nothing', async () => {
    const big = join(dir, 'resnet18.wts');
    writeModel('resnet18', big);
    const before = store.list().length;
    const controller = new AbortController();
    const fractions: number[] = [];
    const result = await store.load(big, {
      chunkBytes: 1 << 20,
      onProgress: (p) => {
        fractions.push(p.fraction);
        controller.abort();
      },
      signal: controller.signal,
    });
    expect(!result.ok && result.diagnostic).toEqual({
      severity: 'info',
      code: 'wts.cancelled',
      message: "Importing 'resnet18.wts' was cancelled; nothing was loaded.",
    });
    expect(fractions[0]).toBeGreaterThan(0);
    expect(fractions[0]).toBeLessThan(1);
    expect(store.list().length).toBe(before);
    // The worker is still usable after a cancel.
    const again = await store.load(big);
    expect(again.ok && again.file.tensors.length).toBe(122);
  });
});
