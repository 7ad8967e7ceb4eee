import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeProject } from '../../core/network/project-file.js';
import { emptyDocument, type NetworkDocument } from '../../core/network/types.js';
import { writeFileAtomic } from './atomic-write.js';
import { createHostServices, type HostServices } from './host-services.js';
import { memoryLog } from './log.js';

function lenet(name = 'LeNet'): NetworkDocument {
  const doc = emptyDocument(name);
  doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 1, 32, 32] });
  return doc;
}

let dir: string;
const hosts: HostServices[] = [];

async function host(extra: Partial<Parameters<typeof createHostServices>[0]> = {}): Promise<HostServices> {
  const h = await createHostServices({ hostKind: 'web', configDir: join(dir, 'config'), log: memoryLog(), roots: [join(dir, 'work')], ...extra });
  hosts.push(h);
  return h;
}

const call = { transport: 'web', clientId: 'test' } as const;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-projects-'));
  await mkdir(join(dir, 'work'));
});
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('atomic save', () => {
  it('leaves the previous file intact when the process dies mid-write', async () => {
    const target = join(dir, 'work', 'net.trtstudio');
    await writeFile(target, serializeProject(lenet('Before')));
    // A real crash: a child process writes the temporary file, then kills itself before the rename.
    const script = `
      import { writeFileAtomic } from ${JSON.stringify(new URL('./atomic-write.ts', import.meta.url).pathname)};
      await writeFileAtomic(${JSON.stringify(target)}, 'x'.repeat(1 << 20), { afterTempWritten: () => process.kill(process.pid, 'SIGKILL') });
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    expect(JSON.parse(await readFile(target, 'utf8')).network.name).toBe('Before');
    // The torn temporary file is left beside it, hidden, and never mistaken for the project.
    const names = await readdir(join(dir, 'work'));
    expect(names.filter((n) => n.startsWith('.net.trtstudio.') && n.endsWith('.tmp'))).toHaveLength(1);
  });

  it('leaves the previous file intact and removes the temporary file when a write step fails', async () => {
    const target = join(dir, 'work', 'net.trtstudio');
    await writeFile(target, serializeProject(lenet('Before')));
    const h = await host({ writeHooks: { afterTempWritten: () => Promise.reject(new Error('disk full')) } });
    const r = await h.dispatch('project.save', { path: target, document: lenet('After') }, call);
    expect(r).toEqual({ ok: false, diagnostics: [{ severity: 'error', code: 'project.write', message: `Cannot save ${target}: disk full.` }] });
    expect(JSON.parse(await readFile(target, 'utf8')).network.name).toBe('Before');
    expect(await readdir(join(dir, 'work'))).toEqual(['net.trtstudio']);
  });

  it('saves, reopens the same document and lists it as recent', async () => {
    const h = await host();
    const target = join(dir, 'work', 'net.trtstudio');
    const saved = await h.dispatch('project.save', { path: target, document: lenet() }, call);
    expect(saved.ok).toBe(true);
    const opened = await h.dispatch('project.open', { path: target }, call);
    expect(opened.ok && opened.value).toEqual({
      path: target,
      document: lenet(),
      dirty: false,
      version: saved.ok && (saved.value as { version: string }).version,
      weightsPath: null,
    });
    const recent = await h.dispatch('project.recent', {}, call);
    expect(recent.ok && (recent.value as { entries: { path: string; exists: boolean }[] }).entries.map((e) => [e.path, e.exists])).toEqual([[target, true]]);
  });

  it('refuses to save a document that would not load back, and a name without the extension', async () => {
    const h = await host();
    const bad = lenet();
    bad.nodes.push({ id: 'n1', type: 'addNoSuchLayer', name: 'x', params: {} });
    const r = await h.dispatch('project.save', { path: join(dir, 'work', 'bad.trtstudio'), document: bad }, call);
    expect(r.ok).toBe(false);
    expect(await readdir(join(dir, 'work'))).toEqual([]);
    const e = await h.dispatch('project.save', { path: join(dir, 'work', 'net.json'), document: lenet() }, call);
    expect(e.ok ? '' : e.diagnostics[0]!.message).toBe(`Cannot save to ${join(dir, 'work', 'net.json')}: a project file name must end in .trtstudio.`);
  });
});

describe('browser-mode file access', () => {
  it('refuses paths outside the allowed roots, also through symbolic links and ..', async () => {
    const h = await host();
    await writeFile(join(dir, 'secret.trtstudio'), serializeProject(lenet()));
    await symlink(dir, join(dir, 'work', 'escape'));
    for (const path of [join(dir, 'secret.trtstudio'), join(dir, 'work', '..', 'secret.trtstudio'), join(dir, 'work', 'escape', 'secret.trtstudio')]) {
      const r = await h.dispatch('project.open', { path }, call);
      expect(r.ok ? 'opened' : r.diagnostics[0]!.code).toBe('files.outsideRoots');
    }
    const listing = await h.dispatch('files.list', { path: dir }, call);
    expect(listing.ok ? 'listed' : listing.diagnostics[0]!.code).toBe('files.outsideRoots');
  });

  it('lists a root with folders first, filtered by purpose, and stops at the root', async () => {
    const h = await host();
    await mkdir(join(dir, 'work', 'models'));
    await writeFile(join(dir, 'work', 'a.wts'), '0\n');
    await writeFile(join(dir, 'work', 'b.trtstudio'), '{}');
    await writeFile(join(dir, 'work', '.hidden.wts'), '0\n');
    const r = await h.dispatch('files.list', { path: join(dir, 'work'), purpose: 'weights' }, call);
    expect(r.ok).toBe(true);
    if (r.ok) {
      const listing = r.value as { parent: string | null; entries: { name: string; kind: string }[] };
      expect(listing.parent).toBeNull();
      expect(listing.entries.map((e) => `${e.kind}:${e.name}`)).toEqual(['directory:models', 'file:a.wts']);
    }
  });
});

describe('recovery', () => {
  it('offers a crashed session’s unsaved work back to the next session', async () => {
    const first = await host({ sessionId: 'crashed' });
    await first.dispatch('project.autosave', { document: lenet('Unsaved work'), projectPath: null }, call);
    await first.context.projects.flushAutosave();
    // Simulate the crash: the file claims a process that no longer exists.
    const file = join(dir, 'config', 'recovery', 'crashed.test.json');
    const content = JSON.parse(await readFile(file, 'utf8'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    content.pid = Number(dead.stdout);
    await writeFile(file, JSON.stringify(content));

    const second = await host();
    const offers = await second.dispatch('project.recovery', {}, call);
    expect(offers.ok && (offers.value as { offers: { id: string; name: string; nodeCount: number }[] }).offers.map((o) => [o.id, o.name])).toEqual([
      ['crashed.test', 'Unsaved work'],
    ]);
    const restored = await second.dispatch('project.restore', { id: 'crashed.test' }, call);
    expect(restored.ok && restored.value).toEqual({ path: null, document: lenet('Unsaved work'), dirty: true, weightsPath: null });
    // The work now belongs to the second session; the old file is gone.
    expect((await readdir(join(dir, 'config', 'recovery'))).sort()).toEqual([`${second.context.projects.sessionId}.test.json`]);
  });

  it('does not offer the file of a session that is still running, and drops the file on save', async () => {
    const live = await host({ sessionId: 'live' });
    await live.dispatch('project.autosave', { document: lenet('Live'), projectPath: null }, call);
    await live.context.projects.flushAutosave();
    const other = await host();
    const offers = await other.dispatch('project.recovery', {}, call);
    expect(offers.ok && offers.value).toEqual({ offers: [] });
    await live.dispatch('project.save', { path: join(dir, 'work', 'live.trtstudio'), document: lenet('Live') }, call);
    expect(await readdir(join(dir, 'config', 'recovery'))).toEqual([]);
  });

  it('writes at most once per interval, always the latest document', async () => {
    const h = await host({ sessionId: 'throttle' });
    await h.dispatch('settings.update', { patch: { autosaveIntervalSeconds: 1 } }, call);
    for (let i = 0; i < 5; i++) await h.dispatch('project.autosave', { document: lenet(`v${i}`), projectPath: null }, call);
    await new Promise((r) => setTimeout(r, 100));
    const file = join(dir, 'config', 'recovery', 'throttle.test.json');
    expect(JSON.parse(await readFile(file, 'utf8')).document.name).toBe('v4');
    await h.dispatch('project.autosave', { document: lenet('v5'), projectPath: null }, call);
    await new Promise((r) => setTimeout(r, 200));
    expect(JSON.parse(await readFile(file, 'utf8')).document.name).toBe('v4');
    await new Promise((r) => setTimeout(r, 1000));
    expect(JSON.parse(await readFile(file, 'utf8')).document.name).toBe('v5');
  });
});

describe('several clients on one host', () => {
  const tabA = { transport: 'web', clientId: 'tab-a' } as const;
  const tabB = { transport: 'web', clientId: 'tab-b' } as const;

  it('keeps one recovery file per client: one tab saving or autosaving leaves the other tab’s work alone', async () => {
    const h = await host({ sessionId: 'two-tabs' });
    await h.dispatch('project.autosave', { document: lenet('A work'), projectPath: null }, tabA);
    await h.dispatch('project.autosave', { document: lenet('B work'), projectPath: null }, tabB);
    await h.context.projects.flushAutosave();
    const recovery = join(dir, 'config', 'recovery');
    const nameIn = async (f: string) => JSON.parse(await readFile(join(recovery, f), 'utf8')).document.name as string;
    expect((await readdir(recovery)).sort()).toEqual(['two-tabs.tab-a.json', 'two-tabs.tab-b.json']);
    expect([await nameIn('two-tabs.tab-a.json'), await nameIn('two-tabs.tab-b.json')]).toEqual(['A work', 'B work']);
    await h.dispatch('project.save', { path: join(dir, 'work', 'b.trtstudio'), document: lenet('B work') }, tabB);
    expect(await readdir(recovery)).toEqual(['two-tabs.tab-a.json']);
    expect(h.context.projects.unsavedWork().map((w) => [w.client, w.name])).toEqual([['tab-a', 'A work']]);
  });

  it('gives a tab its own work back after a reload, and after its host died, never another tab’s', async () => {
    const first = await host({ sessionId: 'died' });
    await first.dispatch('project.autosave', { document: lenet('A work'), projectPath: null }, tabA);
    await first.dispatch('project.autosave', { document: lenet('B work'), projectPath: null }, tabB);
    await first.context.projects.flushAutosave();
    const reloaded = await first.dispatch('project.resume', {}, tabA);
    expect(reloaded.ok && (reloaded.value as { project: { document: NetworkDocument } }).project.document.name).toBe('A work');
    // The host dies: its files now name a process that is gone.
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    for (const name of await readdir(join(dir, 'config', 'recovery'))) {
      const file = join(dir, 'config', 'recovery', name);
      await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), pid: dead }));
    }
    const second = await host({ sessionId: 'next' });
    const resumedB = await second.dispatch('project.resume', {}, tabB);
    expect(resumedB.ok && resumedB.value).toEqual({ project: { path: null, document: lenet('B work'), dirty: true, weightsPath: null } });
    const offers = await second.dispatch('project.recovery', {}, tabA);
    expect(offers.ok && (offers.value as { offers: { client: string; name: string }[] }).offers.map((o) => [o.client, o.name])).toEqual([['tab-a', 'A work']]);
    const nothing = await second.dispatch('project.resume', {}, { transport: 'web', clientId: 'tab-c' });
    expect(nothing.ok && nothing.value).toEqual({ project: null });
  });

  it('refuses to save over a file that changed since it was opened, and overwrites when told to', async () => {
    const h = await host();
    const target = join(dir, 'work', 'shared.trtstudio');
    await writeFile(target, serializeProject(lenet('First')));
    const openedA = await h.dispatch('project.open', { path: target }, tabA);
    const openedB = await h.dispatch('project.open', { path: target }, tabB);
    const versionA = openedA.ok ? (openedA.value as { version: string }).version : '';
    const versionB = openedB.ok ? (openedB.value as { version: string }).version : '';
    expect(versionA).toBe(versionB);
    const savedB = await h.dispatch('project.save', { path: target, document: lenet('Newer from B'), baseVersion: versionB }, tabB);
    expect(savedB.ok).toBe(true);
    const stale = await h.dispatch('project.save', { path: target, document: lenet('Stale from A'), baseVersion: versionA }, tabA);
    expect(stale).toEqual({
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'project.conflict',
          message: `${target} changed on disk since this window opened or saved it (another tab, window or program wrote it); saving now would overwrite those changes.`,
        },
      ],
    });
    expect(JSON.parse(await readFile(target, 'utf8')).network.name).toBe('Newer from B');
    const forced = await h.dispatch('project.save', { path: target, document: lenet('Stale from A'), baseVersion: versionA, overwrite: true }, tabA);
    expect(forced.ok).toBe(true);
    expect(JSON.parse(await readFile(target, 'utf8')).network.name).toBe('Stale from A');
  });

  it('tells the client when its recovery file cannot be written, with the reason', async () => {
    // A file where the recovery folder should be: every write fails, as on a full or read-only disk.
    await mkdir(join(dir, 'config'), { recursive: true });
    await writeFile(join(dir, 'config', 'recovery'), 'not a folder');
    const h = await host({ sessionId: 'blocked' });
    const events: unknown[] = [];
    h.context.events.subscribe((event, payload) => event === 'project.autosaved' && events.push(payload));
    await h.dispatch('project.autosave', { document: lenet('Unsaved'), projectPath: null }, tabA);
    await h.context.projects.flushAutosave();
    expect(events).toEqual([
      {
        client: 'tab-a',
        ok: false,
        at: expect.any(String),
        diagnostics: [
          {
            severity: 'error',
            code: 'project.autosave',
            message: `Cannot write the recovery file ${join(dir, 'config', 'recovery', 'blocked.tab-a.json')}: EEXIST: file already exists, mkdir '${join(dir, 'config', 'recovery')}'; crash recovery is off until a save or an autosave succeeds.`,
          },
        ],
      },
    ]);
  });

  it('remembers the project’s weights file relative to the project, and finds it again on open', async () => {
    const h = await host();
    await mkdir(join(dir, 'work', 'weights'));
    const weights = join(dir, 'work', 'weights', 'lenet.wts');
    await writeFile(weights, '0\n');
    const target = join(dir, 'work', 'net.trtstudio');
    await h.dispatch('project.save', { path: target, document: lenet(), weightsPath: weights }, call);
    expect(JSON.parse(await readFile(target, 'utf8')).weights).toBe('weights/lenet.wts');
    const opened = await h.dispatch('project.open', { path: target }, call);
    expect(opened.ok && (opened.value as { weightsPath: string }).weightsPath).toBe(weights);
    await rm(weights);
    const missing = await h.dispatch('project.open', { path: target }, call);
    expect(missing.ok && [(missing.value as { weightsPath: string | null }).weightsPath, missing.diagnostics?.map((d) => d.message)]).toEqual([
      null,
      [`net.trtstudio names the weights file weights/lenet.wts, which is not there (${weights}); import the weights again and save.`],
    ]);
  });
});

describe('settings', () => {
  it('falls back to defaults with a warning when the file is damaged, and saves changes', async () => {
    await mkdir(join(dir, 'config'), { recursive: true });
    await writeFile(join(dir, 'config', 'settings.json'), '{"recentLimit": "many"}');
    const h = await host();
    const startup = await h.dispatch('host.startup', {}, call);
    expect(startup.ok && (startup.value as { diagnostics: { message: string }[] }).diagnostics.map((d) => d.message)).toEqual([
      `${join(dir, 'config', 'settings.json')} has an invalid setting 'recentLimit': Invalid input: expected number, received string; using the default settings.`,
    ]);
    const updated = await h.dispatch('settings.update', { patch: { theme: 'dark' } }, call);
    expect(updated.ok && (updated.value as { theme: string; recentLimit: number })).toMatchObject({ theme: 'dark', recentLimit: 10 });
    expect(JSON.parse(await readFile(join(dir, 'config', 'settings.json'), 'utf8')).theme).toBe('dark');
  });
});

describe('services not plugged in yet', () => {
  it('answer with a clear Diagnostic', async () => {
    // No modules at all: every method keeps the default answer.
    const h = await host({ modules: [] });
    const r = await h.dispatch('build.history', {}, call);
    expect(r).toEqual({
      ok: false,
      diagnostics: [
        { severity: 'error', code: 'host.notAvailable', message: "'build.history' cannot be used: its service is not available in this build yet." },
      ],
    });
  });
});

// Keep the atomic writer's direct use honest too.
describe('writeFileAtomic', () => {
  it('replaces the content in one step', async () => {
    const target = join(dir, 'f.txt');
    await writeFileAtomic(target, 'one');
    await writeFileAtomic(target, 'two');
    expect(await readFile(target, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['f.txt', 'work']);
  });
});
