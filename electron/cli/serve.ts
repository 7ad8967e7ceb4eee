/** `trt-studio serve [PROJECT.trtstudio] [--weights FILE.wts] [--port N] [--host 127.0.0.1] [--open]`: browser mode. */
import { LAUNCH_USAGE, parseLaunchArgs } from '../host/args.js';
import { startBrowserMode } from '../host/browser-mode.js';
import { shutdownNotice } from '../host/shutdown.js';
import { consoleLog } from '../services/log.js';
import { EXIT_OK, EXIT_USAGE, type CliCommand } from './command.js';

/** Resolves when the process is asked to stop (Ctrl+C, SIGTERM). */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the editor to a browser (browser mode): prints a URL with a per-launch token; Ctrl+C stops it.',
  usage: `serve ${LAUNCH_USAGE}`,
  async run(args, io) {
    const parsed = parseLaunchArgs(args);
    if (!parsed.ok) {
      io.err(parsed.diagnostics[0]!.message);
      return EXIT_USAGE;
    }
    let mode;
    try {
      mode = await startBrowserMode(parsed.value, { log: consoleLog(true), print: io.out });
    } catch (e) {
      io.err(`trt-studio serve: ${(e as Error).message}`);
      return EXIT_USAGE;
    }
    const signal = await untilStopped();
    io.out(`Stopping (${signal}).`);
    const { context } = mode.services;
    for (const line of await shutdownNotice({ unsaved: context.projects.unsavedWork(), temporaryFolders: context.files.temporaryRoots() })) io.out(line);
    await mode.stop();
    return EXIT_OK;
  },
};
