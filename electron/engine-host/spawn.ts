/**
 * How the engine host process is started. The CLI and browser mode fork a Node process
 * (child_process.fork); the Electron app starts it as a `utilityProcess` (ARCHITECTURE.md), through
 * the spawner electron/main.ts makes with `utilityProcessEngineHost(utilityProcess)` and installs
 * with `setDefaultEngineHostSpawner`. Nothing here imports Electron: it is handed its module.
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
  return { file: join(here, '..', 'engine-host-main.ts'), execArgv: ['--import', 'tsx'] };
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

/**
 * The part of Electron's `utilityProcess` module the engine host uses; electron/main.ts passes the
 * real one, tests a fake. Messages travel by structured clone (typed arrays included) both ways.
 */
export interface UtilityProcessModule {
  fork(
    modulePath: string,
    args?: string[],
    options?: { env?: NodeJS.ProcessEnv; execArgv?: string[]; stdio?: 'inherit' | 'ignore' | 'pipe'; serviceName?: string },
  ): UtilityProcessChild;
}

/** The part of Electron's `UtilityProcess` (a started utility process) the engine host uses. */
export interface UtilityProcessChild {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

/** A spawner that starts the engine host as an Electron utility process (after the app is ready). */
export function utilityProcessEngineHost(utility: UtilityProcessModule, environment: NodeJS.ProcessEnv = process.env): SpawnEngineHost {
  return () => {
    const entry = engineHostEntry();
    const child = utility.fork(entry.file, [], { execArgv: entry.execArgv, env: environment, stdio: 'inherit', serviceName: 'TRT Studio engine host' });
    let alive = true;
    child.once('exit', () => (alive = false));
    return {
      // Undefined until the process has spawned, and again after it exited.
      get pid() {
        return child.pid;
      },
      send: (message) => {
        if (alive) child.postMessage(message);
      },
      onMessage: (listener) => child.on('message', listener),
      // A utility process reports only its exit code (a native crash included), never a signal.
      onExit: (listener) => child.once('exit', (code) => listener(code, null)),
      kill: () => {
        if (alive) child.kill();
      },
    };
  };
}

let defaultSpawner: SpawnEngineHost = () => forkEngineHost();

/** How an EngineHostClient made without a spawner starts its host: a forked Node process unless the Electron shell set another. */
export function defaultEngineHostSpawner(): SpawnEngineHost {
  return defaultSpawner;
}

/** Used by electron/main.ts at start: every engine host from then on is a utility process. */
export function setDefaultEngineHostSpawner(spawner: SpawnEngineHost): void {
  defaultSpawner = spawner;
}
