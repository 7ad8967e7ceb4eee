/**
 * What the farm checks before it writes a job folder or calls sbatch: a submission with any bad
 * part is refused whole, every problem named, and leaves nothing on disk. (The happy path runs on
 * a real Slurm in farm-slurm.test.ts.)
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FarmTargetSchema } from '../../core/api/farm-schemas.js';
import { serializeProject } from '../../core/network/project-file.js';
import { buildTemplate } from '../../core/templates/index.js';
import { SlurmDriver } from './slurm.js';
import { FarmStore } from './store.js';

const weights = fileURLToPath(new URL('../../fixtures/lenet5.wts', import.meta.url));
let dir: string;
let store: FarmStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-farm-store-'));
  await writeFile(join(dir, 'lenet5.trtstudio'), serializeProject(buildTemplate('lenet5')!));
  // An empty PATH: had anything reached sbatch, it would have been refused as missing.
  store = new FarmStore(join(dir, 'config'), new SlurmDriver({ PATH: join(dir, 'no-bin') }));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const messages = (r: { ok: boolean; diagnostics?: { message: string }[] }) => (r.ok ? [] : r.diagnostics!.map((d) => d.message));

describe('a farm submission', () => {
  it('is refused whole, every problem named, and writes nothing', async () => {
    await writeFile(join(dir, 'notes.txt'), 'hello');
    const r = await store.submit({
      projectPath: join(dir, 'lenet5.trtstudio'),
      weightsPath: join(dir, 'missing.wts'),
      targets: [FarmTargetSchema.parse({ name: 'h100', gres: 'gpu:h100:1 --wrap=reboot', backend: 'onnxruntime' })],
      inputs: [join(dir, 'notes.txt')],
      iterations: 5,
    });
    expect(messages(r)).toEqual([
      'The target \'h100\' has the GRES "gpu:h100:1 --wrap=reboot"; expected name[:type][:count] such as gpu:h100:1.',
      `Cannot read the weights file ${join(dir, 'missing.wts')}.`,
      `The input ${join(dir, 'notes.txt')} is not an image or .npy file (expected .png, .jpg, .jpeg, .bmp, .webp, .gif, .tif, .tiff, .npy).`,
    ]);
    expect((await readdir(dir)).sort()).toEqual(['lenet5.trtstudio', 'notes.txt']);
  });

  it('needs weights: given, or named by the project', async () => {
    const r = await store.submit({
      projectPath: join(dir, 'lenet5.trtstudio'),
      weightsPath: null,
      targets: [FarmTargetSchema.parse({ name: 'cpu', backend: 'onnxruntime' })],
      inputs: [],
      iterations: 5,
    });
    expect(messages(r)).toEqual(['The project lenet5.trtstudio names no weights file; give one (--weights).']);
  });

  it('refuses a batch profile on an input whose other dimensions are dynamic', async () => {
    const doc = buildTemplate('lenet5')!;
    const input = doc.inputs[0]!;
    const dynamic = { ...doc, inputs: [{ ...input, dims: [1, 1, -1, -1], profile: { min: [1, 1, 28, 28], opt: [1, 1, 32, 32], max: [1, 1, 64, 64] } }] };
    await writeFile(join(dir, 'dynamic.trtstudio'), serializeProject(dynamic));
    const r = await store.submit({
      projectPath: join(dir, 'dynamic.trtstudio'),
      weightsPath: weights,
      targets: [FarmTargetSchema.parse({ name: 'cpu', backend: 'onnxruntime', profiles: [{ name: 'b8', min: 1, opt: 8, max: 8 }] })],
      inputs: [],
      iterations: 5,
    });
    expect(messages(r)).toEqual([`The input '${input.name}' has dynamic dimensions besides the batch [1, 1, -1, -1]; a batch profile sets only the batch.`]);
  });

  it('status of a submission that does not exist says so', async () => {
    expect(messages(await store.status('20260101-000000-abcd'))).toEqual(["There is no farm submission '20260101-000000-abcd'."]);
  });
});
