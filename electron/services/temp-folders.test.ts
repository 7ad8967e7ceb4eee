/**
 * What interrupted launches and saves leave behind is removed at the next start (only our own
 * files and folders, only when their owner is gone) and, when the process exits mid-way, at exit.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeOrphanTempFiles, tempPathFor, TEMP_NAME_PATTERN } from './atomic-write.js';
import { createHostServices } from './host-services.js';
import { memoryLog } from './log.js';
import { removeOrphanTempFolders } from './temp-folders.js';

let dir: string;
/** The id of a process that has ended. */
let deadPid: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-temp-folders-'));
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  deadPid = child.pid!;
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const HOUR_AGO = new Date(Date.now() - 3600_000);

describe('launch temp folders', () => {
  it('removes only folders named trt-studio-PID-XXXXXX whose process is gone', async () => {
    const parent = join(dir, 'tmp1');
    await mkdir(parent);
    const names = [
      `trt-studio-${deadPid}-a1B2c3`,
      `trt-studio-${process.pid}-d4E5f6`,
      `trt-studio-${process.ppid}-g7H8i9`,
      'trt-studio-j0K1l2',
      'trt-studio-ort-profile-m3N4o5',
      `trt-studio-${deadPid}-toolong`,
      `other-${deadPid}-p6Q7r8`,
    ];
    for (const name of names) await mkdir(join(parent, name));
    await writeFile(join(parent, `trt-studio-${deadPid}-s9T0u1`), 'a file, not a folder');
    await writeFile(join(parent, names[0]!, 'upload.wts'), '1\n');
    expect(await removeOrphanTempFolders(parent)).toEqual([join(parent, names[0]!)]);
    expect((await readdir(parent)).sort()).toEqual([...names.slice(1), `trt-studio-${deadPid}-s9T0u1`].sort());
  });
});

describe('temp files of interrupted saves', () => {
  it('match exactly the names the atomic write makes', () => {
    expect(TEMP_NAME_PATTERN.test(tempPathFor('/p/net.trtstudio').split('/').pop()!)).toBe(true);
    for (const name of ['net.trtstudio.0123abcd.tmp', '.net.trtstudio.0123ABCD.tmp', '.net.trtstudio.0123abc.tmp', '.x.0123abcd.tmp.bak', 'notes.tmp'])
      expect([name, TEMP_NAME_PATTERN.test(name)]).toEqual([name, false]);
  });

  it('removes old ones that match the pattern, and nothing else', async () => {
    const folder = join(dir, 'saves');
    await mkdir(folder);
    const files = ['.net.trtstudio.0123abcd.tmp', '.young.trtstudio.89abcdef.tmp', '.net.trtstudio.0123ABCD.tmp', 'notes.tmp', 'net.trtstudio'];
    for (const name of files) await writeFile(join(folder, name), 'x');
    await mkdir(join(folder, '.folder.0123abcd.tmp'));
    for (const name of [...files.filter((n) => !n.startsWith('.young')), '.folder.0123abcd.tmp']) await utimes(join(folder, name), HOUR_AGO, HOUR_AGO);
    expect(await removeOrphanTempFiles(folder)).toEqual([join(folder, '.net.trtstudio.0123abcd.tmp')]);
    expect((await readdir(folder)).sort()).toEqual([...files.slice(1), '.folder.0123abcd.tmp'].sort());
  });

  it('are removed, with the launch temp folder, when the process exits in the middle of a save', async () => {
    const target = join(dir, 'exit.trtstudio');
    const script = [
      "import { createLaunchTempFolder } from './electron/services/temp-folders.ts';",
      "import { writeFileAtomic } from './electron/services/atomic-write.ts';",
      `const folder = await createLaunchTempFolder(${JSON.stringify(dir)});`,
      'console.log(folder);',
      `await writeFileAtomic(${JSON.stringify(target)}, 'x', { afterTempWritten: (temp) => { console.log(temp); process.exit(0); } });`,
    ].join('\n');
    const [folder, temp] = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }).trim().split('\n');
    expect(folder).toMatch(/trt-studio-\d+-[A-Za-z0-9]{6}$/);
    expect(temp).toMatch(/\.exit\.trtstudio\.[0-9a-f]{8}\.tmp$/);
    expect([existsSync(folder!), existsSync(temp!), existsSync(target)]).toEqual([false, false, false]);
  });
});

describe('at start', () => {
  it('the host services remove what killed launches left: their temp folders and the temp files beside recent projects', async () => {
    const parent = join(dir, 'tmp2');
    const projects = join(dir, 'projects');
    const config = join(dir, 'config');
    await mkdir(parent);
    await mkdir(projects);
    await mkdir(config);
    const project = join(projects, 'net.trtstudio');
    await writeFile(join(config, 'recent.json'), JSON.stringify([{ path: project, name: 'net', openedAt: new Date().toISOString() }]));
    await mkdir(join(parent, `trt-studio-${deadPid}-a1B2c3`));
    const orphan = join(projects, '.net.trtstudio.0badf00d.tmp');
    await writeFile(orphan, 'half a project');
    await utimes(orphan, HOUR_AGO, HOUR_AGO);
    const log = memoryLog();
    const before = process.env.TMPDIR;
    process.env.TMPDIR = parent;
    try {
      const services = await createHostServices({ hostKind: 'web', configDir: config, log, modules: [] });
      expect(services.context.tempDir).toMatch(new RegExp(`^${parent}/trt-studio-${process.pid}-[A-Za-z0-9]{6}$`));
      expect(await readdir(parent)).toEqual([services.context.tempDir.split('/').pop()]);
      expect(await readdir(projects)).toEqual([]);
      expect(log.lines.filter((l) => l.includes('Removed'))).toEqual([
        `info Removed 1 temp folder(s) of TRT Studio launches that ended without cleaning up: ${join(parent, `trt-studio-${deadPid}-a1B2c3`)}`,
        `info Removed the temp files of interrupted saves: ${orphan}`,
      ]);
      await services.shutdown();
      expect(await readdir(parent)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });
});
