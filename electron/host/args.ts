/**
 * The command line both hosts accept: `[PROJECT.trtstudio] [--weights FILE.wts] [--port N]
 * [--host ADDRESS] [--open] [--root FOLDER]... [--config-dir FOLDER]`. The Electron app takes the
 * same arguments and ignores Chromium's own switches.
 */
import { parseArgs } from 'node:util';
import { fail, ok, type Result } from '../../core/diagnostics.js';
import { DEFAULT_HOST, DEFAULT_PORT } from './server.js';

export interface LaunchArgs {
  projectPath?: string;
  weightsPath?: string;
  port: number;
  /** True when --port was given (then a busy port is an error instead of a reason to try the next). */
  portGiven: boolean;
  host: string;
  open: boolean;
  roots: string[];
  configDir?: string;
}

export const LAUNCH_USAGE = '[PROJECT.trtstudio] [--weights FILE.wts] [--port N] [--host 127.0.0.1] [--open] [--root FOLDER]... [--config-dir FOLDER]';

const OPTIONS = {
  weights: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  open: { type: 'boolean' },
  root: { type: 'string', multiple: true },
  'config-dir': { type: 'string' },
} as const;

function usageError(message: string): Result<LaunchArgs> {
  return fail({ severity: 'error', code: 'cli.usage', message: `${message}\nUsage: trt-studio serve ${LAUNCH_USAGE}` });
}

/**
 * Parses the arguments. `electron` mode skips what Chromium and Electron add (`--no-sandbox`,
 * `--inspect=...`, the app path) instead of refusing it.
 */
export function parseLaunchArgs(argv: readonly string[], mode: 'serve' | 'electron' = 'serve'): Result<LaunchArgs> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: mode === 'serve' });
  } catch (e) {
    return usageError((e as Error).message);
  }
  const { values } = parsed;
  const positionals =
    mode === 'electron' ? parsed.positionals.filter((p) => p !== '.' && !p.endsWith('.js') && !p.endsWith('.cjs') && !p.endsWith('.mjs')) : parsed.positionals;
  if (positionals.length > 1) return usageError(`Expected at most one project file; found ${positionals.map((p) => JSON.stringify(p)).join(', ')}.`);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  let port = DEFAULT_PORT;
  const portText = str(values.port);
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535)
      return usageError(`--port ${JSON.stringify(portText)} is not a port number; expected an integer from 0 (any free port) to 65535.`);
  }
  const host = str(values.host) ?? DEFAULT_HOST;
  if (host.trim() === '') return usageError('--host is empty; expected an address such as 127.0.0.1.');
  const weightsPath = str(values.weights);
  const configDir = str(values['config-dir']);
  const roots = Array.isArray(values.root) ? values.root.filter((r): r is string => typeof r === 'string') : [];
  return ok({
    ...(positionals[0] !== undefined ? { projectPath: positionals[0] } : {}),
    ...(weightsPath !== undefined ? { weightsPath } : {}),
    ...(configDir !== undefined ? { configDir } : {}),
    port,
    portGiven: portText !== undefined,
    host,
    open: values.open === true,
    roots,
  });
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
