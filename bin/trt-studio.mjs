#!/usr/bin/env node
// The `trt-studio` command: runs the bundled CLI that `npm run build` writes to dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write(`trt-studio: ${bundle} is missing. Run 'npm run build' in the TRT Studio folder first.\n`);
  process.exit(2);
}
await import(pathToFileURL(bundle).href);
