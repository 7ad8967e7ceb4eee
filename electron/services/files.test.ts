/** Paths checked against the roots: a file uploaded to a launch that has stopped is named as such, not as a path outside the roots. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAccess } from './files.js';

let dir: string;
let access: FileAccess;
/** This launch's upload folder, a temporary root. */
let uploads: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-files-'));
  uploads = join(dir, 'trt-studio-4242-aB3dE6', 'uploads');
  await mkdir(uploads, { recursive: true });
  await writeFile(join(uploads, 'cat.png'), 'png');
  await mkdir(join(dir, 'work'));
  access = new FileAccess();
  await access.addRoot(join(dir, 'work'), 'work');
  await access.addRoot(uploads, 'Uploads (temporary)', { temporary: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('an uploaded file', () => {
  it('of this launch is read from the upload folder', async () => {
    expect(await access.check(join(uploads, 'cat.png'), 'read')).toEqual({ ok: true, value: join(uploads, 'cat.png') });
  });

  it('of a launch that has stopped is refused with the reason and what to do', async () => {
    const gone = join(tmpdir(), 'trt-studio-1234-zZ9yY8', 'uploads', 'digit_06_label1.png');
    expect(await access.check(gone, 'read')).toEqual({
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'files.uploadGone',
          message: `digit_06_label1.png was uploaded to a host that has stopped since, and its uploads went with it (${gone}). Upload it again from this computer.`,
          detail: gone,
        },
      ],
    });
  });

  it('of this launch, deleted meanwhile, is not blamed on a stopped host', async () => {
    const r = await access.check(join(uploads, 'deleted.png'), 'read');
    expect(r.ok ? undefined : r.diagnostics[0]!.code).not.toBe('files.uploadGone');
  });

  it('is told apart from any other path outside the roots', async () => {
    const r = await access.check(join(tmpdir(), 'somewhere', 'uploads', 'cat.png'), 'read');
    expect(r.ok ? undefined : r.diagnostics[0]!.code).toBe('files.outsideRoots');
  });
});
