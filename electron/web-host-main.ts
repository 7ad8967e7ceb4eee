/**
 * The process entry of the web host bundle (`dist/host.mjs`): `node dist/host.mjs [serve arguments]`.
 * Beside the other entries, not in host/, because it runs the CLI's serve command, which imports host/.
 */
import { processIo } from './cli/main.js';
import { serveCommand } from './cli/serve.js';

serveCommand.run(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`trt-studio: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
