/**
 * How the engine host process is started. The CLI and browser mode fork a Node process; the
 * Electron app passes its own spawner (utilityProcess) to EngineHostClient, so this is the one
 * place that knows about child_process.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A started engine host: send messages, hear replies and its exit, stop it. */
export interface EngineHostTransport {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process ends, with its exit code or the signal that ended it. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type SpawnEngineHost = () => EngineHostTransport;

/** The host entry: the bundle beside dist/cli.mjs, or the TypeScript source run through tsx. */
export function engineHostEntry(): { file: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, 'engine-host.mjs');
  if (existsSync(bundled)) return { file: bundled, execArgv: [] };
  return { file: join(here, 'host-main.ts'), execArgv: ['--import', 'tsx'] };
}

/** Fork a Node process running the engine host; typed arrays travel by structured clone ('advanced'). */
export function forkEngineHost(environment: NodeJS.ProcessEnv = process.env): EngineHostTransport {
  const entry = engineHostEntry();
  const child = fork(entry.file, [], {
    execArgv: entry.execArgv,
    serialization: 'advanced',
    env: environment,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message as object);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', (code, signal) => listener(code, signal)),
    kill: () => {
      child.kill();
    },
  };
}
