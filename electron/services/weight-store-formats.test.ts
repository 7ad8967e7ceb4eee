/**
 * The weight store with `.safetensors` and `.npz` files: decoded in the same worker as `.wts`, into
 * the same entries (names, counts, values, statistics), with the shapes these formats carry.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formulaTensor, type StateDictEntry } from '../../core/weights/formula.js';
import { tensorStatistics } from '../../core/weights/statistics.js';
import { DTYPES_FIXTURE } from '../../core/weights/tensor-file-fixture.testing.js';
import { encodeSafetensors, formulaSafetensors } from '../../core/weights/tensor-file-writers.testing.js';
import { WeightStore } from './weight-store.js';

const fixture = (name: string) => new URL(`../../fixtures/weights/${name}`, import.meta.url).pathname;
const models = JSON.parse(readFileSync(new URL('../../fixtures/models.json', import.meta.url), 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>;
const dir = mkdtempSync(join(tmpdir(), 'weight-formats-'));
const store = new WeightStore();

afterAll(async () => {
  await store.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('WeightStore with .safetensors and .npz', () => {
  for (const file of ['dtypes.safetensors', 'dtypes.npz', 'dtypes-compressed.npz'])
    it(`decodes ${file} in the worker: every tensor as float32 with its shape and statistics`, async () => {
      const result = await store.load(fixture(file));
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const { tensors, id } = result.file;
      expect(tensors).toHaveLength(9);
      for (const t of tensors) {
        const expected = DTYPES_FIXTURE[t.name]!;
        const values = store.tensor(id, t.name)!;
        expect([t.name, t.shape, t.count, [...values]]).toEqual([t.name, expected.shape, expected.values.length, expected.values]);
        expect(t.statistics).toEqual(tensorStatistics(values));
        expect(t.line).toBeUndefined();
      }
      expect(result.file.valueCount).toBe(Object.values(DTYPES_FIXTURE).reduce((n, e) => n + e.values.length, 0));
      expect(store.tensorInfos(id).find((t) => t.name === 'bn.num_batches_tracked')).toEqual({ name: 'bn.num_batches_tracked', count: 1 });
    });

  it("loads ResNet-18's formula weights from a .safetensors with byte progress, and cancels one midway keeping nothing", async () => {
    const entries = models.resnet18!.state_dict;
    const path = join(dir, 'resnet18.safetensors');
    writeFileSync(path, encodeSafetensors(formulaSafetensors(entries)));
    const fractions: number[] = [];
    const loaded = await store.load(path, { chunkBytes: 1 << 20, onProgress: (p) => fractions.push(p.fraction) });
    expect(loaded.ok && loaded.file.tensors.length).toBe(122);
    if (!loaded.ok) return;
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.length).toBeGreaterThan(2);
    for (const [name, shape, dtype] of [entries[0]!, entries.at(-1)!, entries.find(([n]) => n.endsWith('num_batches_tracked'))!]) {
      expect(store.tensor(loaded.file.id, name)).toEqual(formulaTensor(name, shape, dtype));
      expect(loaded.file.tensors.find((t) => t.name === name)?.shape).toEqual(shape);
    }
    store.unload(loaded.file.id);

    const before = store.list().length;
    const controller = new AbortController();
    const cancelled = await store.load(path, { chunkBytes: 1 << 20, signal: controller.signal, onProgress: () => controller.abort() });
    expect(!cancelled.ok && cancelled.diagnostic).toEqual({
      severity: 'info',
      code: 'wts.cancelled',
      message: "Importing 'resnet18.safetensors' was cancelled; nothing was loaded.",
    });
    expect(store.list().length).toBe(before);
  });

  it('loads nothing from a damaged file and names it; a missing file is unreadable', async () => {
    const bad = join(dir, 'cut.safetensors');
    const whole = encodeSafetensors(formulaSafetensors(models.lenet5!.state_dict));
    writeFileSync(bad, whole.subarray(0, whole.length - 100));
    const before = store.list().length;
    const result = await store.load(bad);
    expect(!result.ok && [result.unreadable, result.diagnostic.code, result.diagnostic.message]).toEqual([
      false,
      'safetensors.offsets.range',
      "'cut.safetensors': tensor 'fc3.weight' has the data_offsets [243424, 246784], past the end of the 246724-byte data section; the file is cut short.",
    ]);
    expect(store.list().length).toBe(before);
    const missing = await store.load(join(dir, 'missing.npz'));
    expect(!missing.ok && [missing.unreadable, missing.diagnostic.code]).toEqual([true, 'npz.unreadable']);
    expect(!missing.ok && missing.diagnostic.message).toMatch(/^Cannot read 'missing.npz': ENOENT/);
  });
});
