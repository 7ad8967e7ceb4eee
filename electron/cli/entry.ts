/** The process entry of the CLI bundle (`dist/cli.mjs`), kept apart so that tests can import `main.ts`. */
import { processIo, runCli } from './main.js';

runCli(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`trt-studio: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
