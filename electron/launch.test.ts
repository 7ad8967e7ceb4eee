import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-launch-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** `node electron/launch.mjs ARGS`, with the Electron package pointed at `electronDir` (ELECTRON_OVERRIDE_DIST_PATH). */
function launch(
  args: string[],
  electronDir: string,
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, ['electron/launch.mjs', ...args], {
    cwd: root,
    env: { ...process.env, ...env, ELECTRON_OVERRIDE_DIST_PATH: electronDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, output: () => out, exited };
}

async function until(condition: () => boolean, what: () => string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out waiting; output so far: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm start (electron/launch.mjs)', () => {
  it('falls back to browser mode without the Electron binary, prints the tokenised URL, and stops on SIGTERM', async () => {
    const run = launch(['--port', '0', '--config-dir', join(dir, 'config')], join(dir, 'no-electron-here'));
    const urlPattern = /TRT Studio is running at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{32}))/;
    await until(() => urlPattern.test(run.output()), run.output, 240_000);
    const [, url, , token] = urlPattern.exec(run.output())!;
    expect(run.output().split('\n')[0]).toBe("Electron's binary is not installed, so TRT Studio runs in browser mode: open the URL below in a browser.");
    // The printed URL really is the host: its API answers with the token and refuses without it.
    const base = new URL(url!).origin;
    expect((await fetch(`${base}/api/capabilities`)).status).toBe(401);
    const caps = (await (await fetch(`${base}/api/capabilities`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { host: string };
    expect(caps.host).toBe('web');
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('Stopping (SIGTERM).');
    // Nothing was unsaved or uploaded, so nothing more is said (electron/host/shutdown.test.ts covers the notices).
    expect(run.output()).not.toContain('unsaved work');
    await expect(fetch(`${base}/api/capabilities`)).rejects.toThrow();
  }, 300_000);

  it('passes bad arguments through and exits with the command’s status', async () => {
    const run = launch(['--port', 'eighty'], join(dir, 'no-electron-here'));
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.output()).toContain('--port "eighty" is not a port number; expected an integer from 0 (any free port) to 65535.');
  });

  // The stand-in binary is a script with a #! line, which Windows cannot run.
  it.skipIf(process.platform === 'win32')(
    'starts the Electron binary with the app folder and the arguments when it is installed, and exits with its code',
    async () => {
      const fake = join(dir, 'fake-electron');
      await mkdir(fake);
      const record = join(dir, 'argv.json');
      await writeFile(
        join(fake, 'electron'),
        `#!${process.execPath}\nrequire('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), runAsNode: process.env.ELECTRON_RUN_AS_NODE ?? null }));\nprocess.exit(3);\n`,
      );
      await chmod(join(fake, 'electron'), 0o755);
      // An inherited ELECTRON_RUN_AS_NODE would make Electron a plain Node and the app would not open.
      const run = launch(['model.trtstudio', '--weights', 'model.wts'], fake, { ELECTRON_RUN_AS_NODE: '1' });
      expect(await run.exited).toEqual({ code: 3, signal: null });
      expect(JSON.parse(await readFile(record, 'utf8'))).toEqual({ argv: [root, 'model.trtstudio', '--weights', 'model.wts'], runAsNode: null });
      expect(run.output()).not.toContain('browser mode');
    },
  );
});
