/**
 * Builds the app once and starts the server the browser talks to: the real web host
 * (`dist/cli.mjs serve`), as a user's `npm start` does in browser mode.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The editor's address, with the web host's launch token. */
    editorUrl: string;
    /** A folder the host may read and write (projects saved by the tests). */
    workDir: string;
  }
}

let host: ChildProcess | undefined;

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`'${command} ${args.join(' ')}' failed with status ${r.status}; the end-to-end tests need a build.`);
}

/** Start `trt-studio serve --port 0` and read the URL it prints. */
function startHost(workDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // A config folder of its own, so recovery files and recent lists of the user's real app (or of an
    // earlier run) never show up in the pages under test.
    const configDir = mkdtempSync(join(tmpdir(), 'trt-studio-e2e-config-'));
    const child = spawn(process.execPath, ['dist/cli.mjs', 'serve', '--port', '0', '--root', workDir, '--config-dir', configDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    host = child;
    let out = '';
    const timer = setTimeout(() => reject(new Error(`The web host printed no URL within 30 s; it said: ${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`The web host exited with code ${code} before it was ready: ${out}`)));
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!process.env.E2E_SKIP_BUILD) {
    run('npm', ['run', '--silent', 'build:renderer']);
    run('npm', ['run', '--silent', 'build:host']);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'trt-studio-e2e-'));
  project.provide('workDir', workDir);
  project.provide('editorUrl', await startHost(workDir));
  return async () => {
    host?.kill();
  };
}
