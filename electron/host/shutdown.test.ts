import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultRoots, fixedToken } from './browser-mode.js';
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

describe('a token kept across restarts (TRT_STUDIO_TOKEN)', () => {
  it('is used when long enough, refused when it could be guessed', () => {
    expect(fixedToken(undefined)).toBeUndefined();
    expect(fixedToken('first-hour-e2e-token-0123456789abcdef')).toBe('first-hour-e2e-token-0123456789abcdef');
    expect(() => fixedToken('secret')).toThrow('TRT_STUDIO_TOKEN must be at least 16 letters, digits, _ or -; it has 6 characters.');
  });
});
