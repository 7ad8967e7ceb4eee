import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultRoots } from './browser-mode.js';
import { shutdownNotice } from './shutdown.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-shutdown-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('what the host says before it stops', () => {
  it('names the unsaved work, the uploads it deletes and weights that exist only there', async () => {
    const uploads = join(dir, 'uploads');
    await mkdir(join(uploads, 'a'), { recursive: true });
    await writeFile(join(uploads, 'a', 'lenet5_digits.wts'), '0\n');
    const lines = await shutdownNotice({
      unsaved: [
        { client: 'tab-a', name: 'lenet', projectPath: null, weightsPath: join(uploads, 'a', 'lenet5_digits.wts'), recoveryFile: '/c/r/a.json' },
        { client: 'tab-b', name: 'resnet18', projectPath: '/work/resnet18.trtstudio', weightsPath: null, recoveryFile: '/c/r/b.json' },
      ],
      temporaryFolders: [uploads],
    });
    expect(lines).toEqual([
      '2 windows have unsaved work, kept for recovery (the next start offers it back): “lenet” (never saved), “resnet18” (/work/resnet18.trtstudio).',
      `Deleting the temporary folder ${uploads} with one uploaded file: ${join('a', 'lenet5_digits.wts')}.`,
      `“lenet” (never saved) uses the weights file ${join(uploads, 'a', 'lenet5_digits.wts')}, which exists only there; import it again from a real folder.`,
    ]);
  });

  it('says nothing when nothing would be lost', async () => {
    expect(await shutdownNotice({ unsaved: [], temporaryFolders: [join(dir, 'empty')] })).toEqual([]);
  });
});

describe('the folders browser mode offers', () => {
  it('are the folder it was started in and the home folder, once each', () => {
    expect(defaultRoots('/srv/models', '/home/ana')).toEqual(['/srv/models', '/home/ana']);
    expect(defaultRoots('/home/ana', '/home/ana')).toEqual(['/home/ana']);
  });
});
