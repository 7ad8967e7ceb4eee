// Bundles the host side (CLI, web host, Electron shell, workers) with esbuild. Dependencies stay
// external: they are installed in node_modules, and native ones (onnxruntime-node, sharp) cannot be bundled.
import { build } from 'esbuild';

/** One line per entry point: source → dist file. */
const ENTRIES = [
  { in: 'electron/cli/entry.ts', out: 'cli', format: 'esm' },
  { in: 'electron/web-host-main.ts', out: 'host', format: 'esm' },
  { in: 'electron/workers/weights-decode.ts', out: 'weights-decode-worker', format: 'esm' },
  { in: 'electron/engine-host-main.ts', out: 'engine-host', format: 'esm' },
  { in: 'electron/backends/onnxruntime/worker.ts', out: 'onnxruntime-worker', format: 'esm' },
  // The Electron shell sits in dist/ beside the workers and dist/renderer, which the services find
  // relative to their own bundle. Sandboxed preloads must be CommonJS that requires only 'electron'.
  { in: 'electron/main.ts', out: 'electron-main', format: 'esm' },
  { in: 'electron/preload.ts', out: 'electron-preload', format: 'cjs' },
];

await Promise.all(
  ENTRIES.map((e) =>
    build({
      entryPoints: [e.in],
      outfile: `dist/${e.out}.${e.format === 'esm' ? 'mjs' : 'cjs'}`,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: e.format,
      packages: 'external',
      external: ['electron'],
      sourcemap: true,
      logLevel: 'warning',
    }),
  ),
);
