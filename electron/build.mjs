// Bundles the host side (CLI, web host, Electron shell, workers) and the scripting API with esbuild.
// Dependencies stay external: they are installed in node_modules, and native ones (onnxruntime-node,
// sharp) cannot be bundled. Imported (by the scripting API's test), it only exports; run, it builds all.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

/** One line per entry point: source → dist file. */
export const ENTRIES = [
  { in: 'electron/cli/entry.ts', out: 'cli', format: 'esm' },
  { in: 'electron/web-host-main.ts', out: 'host', format: 'esm' },
  { in: 'electron/workers/weights-decode.ts', out: 'weights-decode-worker', format: 'esm' },
  { in: 'electron/engine-host-main.ts', out: 'engine-host', format: 'esm' },
  { in: 'electron/backends/onnxruntime/worker.ts', out: 'onnxruntime-worker', format: 'esm' },
  // The Electron shell sits in dist/ beside the workers and dist/renderer, which the services find
  // relative to their own bundle. Sandboxed preloads must be CommonJS that requires only 'electron'.
  { in: 'electron/main.ts', out: 'electron-main', format: 'esm' },
  { in: 'electron/preload.ts', out: 'electron-preload', format: 'cjs' },
  // `import { NetworkBuilder } from 'trt-studio'` (package.json `exports`).
  { in: 'core/scripting/index.ts', out: 'trt-studio', format: 'esm' },
];

/** Bundle one entry of ENTRIES into dist/. */
export function buildEntry(e) {
  return build({
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
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await Promise.all(ENTRIES.map(buildEntry));
