/**
 * Browser mode end to end: build the services, open what the command line named, start the web host
 * (trying the next ports when the default one is busy), print the URL, optionally open a browser.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHostServices, type HostServices, type HostServicesOptions } from '../services/host-services.js';
import type { HostLog } from '../services/log.js';
import { isLoopback, type LaunchArgs } from './args.js';
import { startWebHost, type WebHost } from './server.js';

/** How many ports after the default one are tried when it is busy (only when --port was not given). */
const PORT_ATTEMPTS = 10;

/** dist/renderer, found from the bundle (dist/*.mjs) or from the sources (electron/host/*.ts). */
export function findRendererDir(from = dirname(fileURLToPath(import.meta.url))): string {
  const candidates = [join(from, 'renderer'), join(from, '..', '..', 'dist', 'renderer'), join(process.cwd(), 'dist', 'renderer')];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? resolve(candidates[0]!);
}

/** The folders browser mode offers besides --root: the folder it was started in, and the user's home. */
export function defaultRoots(cwd = process.cwd(), home = homedir()): string[] {
  return cwd === home ? [cwd] : [cwd, home];
}

/** The smallest TRT_STUDIO_TOKEN accepted: a short token could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/** TRT_STUDIO_TOKEN, checked; undefined (a random token per launch) when it is not set. */
export function fixedToken(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.length < MIN_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value))
    throw new Error(`TRT_STUDIO_TOKEN must be at least ${MIN_TOKEN_LENGTH} letters, digits, _ or -; it has ${value.length} characters.`);
  return value;
}

export interface BrowserModeOptions {
  log: HostLog;
  /** Where the URL and notices go (stdout for the CLI). */
  print: (line: string) => void;
  rendererDir?: string;
  extra?: Partial<HostServicesOptions>;
}

export interface BrowserMode {
  services: HostServices;
  host: WebHost;
  stop(): Promise<void>;
}

export async function startBrowserMode(args: LaunchArgs, options: BrowserModeOptions): Promise<BrowserMode> {
  const services = await createHostServices({
    hostKind: 'web',
    log: options.log,
    // Real folders to browse and save into: --root first, then where the host was started, then home.
    roots: [...args.roots, ...defaultRoots()],
    ...(args.configDir ? { configDir: args.configDir } : {}),
    ...options.extra,
  });
  let host: WebHost | undefined;
  try {
    const report = await services.openAtStart({
      ...(args.projectPath ? { projectPath: args.projectPath } : {}),
      ...(args.weightsPath ? { weightsPath: args.weightsPath } : {}),
    });
    for (const d of report.diagnostics) options.print(`${d.severity}: ${d.message}`);
    const rendererDir = options.rendererDir ?? findRendererDir();
    // TRT_STUDIO_TOKEN keeps the token across restarts, so open pages reconnect to the new host.
    const token = fixedToken(process.env.TRT_STUDIO_TOKEN);
    const attempts = args.portGiven || args.port === 0 ? 1 : PORT_ATTEMPTS;
    for (let i = 0; i < attempts && !host; i++) {
      try {
        host = await startWebHost({ services, port: args.port + i, host: args.host, rendererDir, ...(token ? { token } : {}) });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' || i === attempts - 1) {
          const hint =
            code === 'EADDRINUSE'
              ? args.portGiven
                ? ' Pass another --port, or --port 0 for any free one.'
                : ` Ports ${args.port} to ${args.port + attempts - 1} are all busy; pass --port.`
              : '';
          throw new Error(`Cannot listen on ${args.host}:${args.port + i}: ${(e as Error).message}.${hint}`, { cause: e });
        }
      }
    }
  } catch (e) {
    await services.shutdown();
    throw e;
  }
  const web = host!;
  if (!isLoopback(args.host))
    options.print(
      `warning: listening on ${args.host}, reachable from other machines; anyone with the URL (and its token) can use this host. Prefer 127.0.0.1 with SSH port forwarding.`,
    );
  options.print(`TRT Studio is running at ${web.url}`);
  if (!existsSync(join(options.rendererDir ?? findRendererDir(), 'index.html')))
    options.print('note: the user interface is not built yet; run npm run build:renderer.');
  // A one-time launch URL: the browser's command line (visible to every user in the process list) never holds the token.
  if (args.open) openInBrowser(web.launchUrl(), options.log);
  return {
    services,
    host: web,
    stop: async () => {
      await web.close();
      await services.shutdown();
    },
  };
}

/**
 * Asks the desktop to open the URL; failing that is only a notice (the URL was printed). The URL is
 * a command-line argument of `xdg-open`/`open`/`start` and the browser (no platform hands it over
 * otherwise), so callers pass a one-time launch URL, not the one with the token.
 */
export function openInBrowser(url: string, log: HostLog): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command as string, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', (e) => log.warn(`Cannot open a browser (${e.message}); open the printed URL by hand.`));
    child.unref();
  } catch (e) {
    log.warn(`Cannot open a browser (${(e as Error).message}); open the printed URL by hand.`);
  }
}
