// `npm start [-- ARGS]`: the desktop app when Electron's binary is installed, browser mode otherwise.
// Builds dist/ first when it is missing. ARGS are those of `trt-studio serve` (a project, --weights,
// --port, --host, --open, --root, --config-dir); `--browser` asks for browser mode even with Electron.
// Signals are forwarded to the app once and its exit code becomes ours.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const BUILT = ['dist/cli.mjs', 'dist/electron-main.mjs', 'dist/electron-preload.cjs', 'dist/renderer/index.html'];

/** The Electron executable, or undefined when the package is there but its binary was never downloaded. */
function electronBinary() {
  try {
    const path = createRequire(join(root, 'package.json'))('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function buildIfMissing() {
  const missing = BUILT.filter((file) => !existsSync(join(root, file)));
  if (missing.length === 0) return;
  process.stderr.write(`trt-studio: ${missing.join(', ')} not built yet; running npm run build.\n`);
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    process.stderr.write(`trt-studio: the build failed (status ${r.status ?? r.signal}); see above.\n`);
    process.exit(r.status ?? 1);
  }
}

/** Runs the app as a child and mirrors its end; signals sent to us reach it exactly once. */
function runChild(command, args, env) {
  // Its own process group (not on Windows): a terminal's Ctrl+C reaches it only through us, so once.
  const detached = process.platform !== 'win32';
  const child = spawn(command, args, { cwd: process.cwd(), stdio: ['ignore', 'inherit', 'inherit'], env, detached });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of signals) process.on(signal, forward);
  // If we die without a signal handler running (an uncaught error), do not leave the app behind.
  process.on('exit', () => forward('SIGTERM'));
  child.on('error', (e) => {
    process.stderr.write(`trt-studio: cannot start ${command}: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

const userArgs = process.argv.slice(2);
const browserAsked = userArgs.includes('--browser');
const args = userArgs.filter((a) => a !== '--browser');
buildIfMissing();
const electron = browserAsked ? undefined : electronBinary();
if (electron) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  runChild(electron, [root, ...args], env);
} else {
  if (!browserAsked) process.stdout.write("Electron's binary is not installed, so TRT Studio runs in browser mode: open the URL below in a browser.\n");
  runChild(process.execPath, [join(root, 'dist', 'cli.mjs'), 'serve', ...args], process.env);
}
