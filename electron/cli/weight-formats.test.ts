/**
 * `--weights` with a `.safetensors` or `.npz`: the CLI binds them like a `.wts`, and `export --wts`
 * of ResNet-18's formula weights read from either is byte for byte the formula `.wts` that
 * PyTorch's gen_wts writes (fixtures/models.json gives its SHA-256).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../core/network/project-file.js';
import { buildTemplate } from '../../core/templates/index.js';
import type { StateDictEntry } from '../../core/weights/formula.js';
import { encodeNpy, encodeSafetensors, encodeZip, formulaSafetensors } from '../../core/weights/tensor-file-writers.testing.js';
import { runCli } from './main.js';

interface ModelFacts {
  state_dict: StateDictEntry[];
  wts_sha256: string;
  wts_bytes: number;
}
const MODELS = JSON.parse(readFileSync(new URL('../../fixtures/models.json', import.meta.url), 'utf8')) as Record<string, ModelFacts>;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-weight-formats-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The formula weights as numpy.savez_compressed writes them: one deflated .npy per tensor, integers as int64. */
function formulaNpz(entries: readonly StateDictEntry[]): Uint8Array {
  const files = formulaSafetensors(entries).map((t) => ({
    name: `${t.name}.npy`,
    data: encodeNpy(t.dtype === 'F32' ? '<f4' : '<i8', t.shape, t.data),
    deflate: true,
  }));
  return encodeZip(files, { deflateRaw: (b) => new Uint8Array(deflateRawSync(b)), crc32: (b) => crc32(b) });
}

describe('--weights with .safetensors and .npz', () => {
  const facts = MODELS.resnet18!;
  for (const format of ['safetensors', 'npz'] as const)
    it(`export --wts of ResNet-18 from a .${format} writes the formula .wts byte for byte`, async () => {
      const source = join(dir, `resnet18.${format}`);
      await writeFile(source, format === 'safetensors' ? encodeSafetensors(formulaSafetensors(facts.state_dict)) : formulaNpz(facts.state_dict));
      const project = join(dir, `resnet18-${format}.trtstudio`);
      await writeFile(project, serializeProject(buildTemplate('resnet18')!));
      const out = join(dir, `resnet18-${format}.wts`);
      const result = await cli('export', project, '--weights', source, '--wts', out);
      // The counters were read (as int64 scalars) and are reported as unused, as for a .wts.
      expect([result.code, result.err]).toEqual([
        0,
        "info [weights.unused.num_batches_tracked] 20 num_batches_tracked tensors are not used: BatchNorm's training counter plays no part in inference.",
      ]);
      expect(result.out.split('\n')[0]).toBe(
        `Wrote ${out}: 122 tensors, ${facts.state_dict.reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0)} values, ${facts.wts_bytes} bytes.`,
      );
      expect(
        createHash('sha256')
          .update(await readFile(out))
          .digest('hex'),
      ).toBe(facts.wts_sha256);
    }, 90_000);

  it('check --weights binds a .safetensors like a .wts', async () => {
    const source = join(dir, 'lenet5.safetensors');
    await writeFile(source, encodeSafetensors(formulaSafetensors(MODELS.lenet5!.state_dict)));
    const project = join(dir, 'lenet5.trtstudio');
    await writeFile(project, serializeProject(buildTemplate('lenet5')!));
    const { code, out } = await cli('check', project, '--weights', source);
    expect(code).toBe(0);
    expect(out.split('\n')).toContain('Weights lenet5.safetensors: 10 tensors, 61706 values; 10 slots bound, 0 unbound, 0 mismatched; 0 tensors unused.');
  });

  it('weights inspect prints the shapes these files carry', async () => {
    const { code, out } = await cli('weights', 'inspect', new URL('../../fixtures/weights/zip64.npz', import.meta.url).pathname);
    expect(code).toBe(0);
    expect(out.split('\n').slice(1)).toEqual([
      '  name       count   shape   min   max   mean       std  nan/inf',
      '  fc.weight      6  [2, 3]     0  1.25  0.625  0.426956        0',
      '  fc.bias        2     [2]  -1.5     2   0.25      1.75        0',
    ]);
  });
});
