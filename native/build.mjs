// `npm run build:native`: builds the addon with cmake-js, offline, and never fails the install.
// native/package.json declares Node-API (binary.napi_versions), so cmake-js takes its headers from the
// node-api-headers package instead of downloading Node's; a failed build is recorded in
// native/build/build-info.json for the loader to explain, and this script still exits 0.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = dirname(fileURLToPath(import.meta.url));
const buildDir = join(nativeDir, 'build');
const releaseDir = join(buildDir, 'Release');
const require = createRequire(import.meta.url);

/** Record why the addon was not built, for native/lib/loader.ts, and tell the user. */
function recordFailure(reason, output = '') {
  mkdirSync(releaseDir, { recursive: true });
  const info = { addonBuilt: false, builtWithTensorRT: false, reason, output: output.slice(-4000) };
  writeFileSync(join(releaseDir, 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
  process.stderr.write(`trt-studio: the native addon was not built: ${reason}\n`);
  process.stderr.write('trt-studio: everything except the tensorrt backend keeps working; run `npm run build:native` again after fixing this.\n');
}

if (process.env.TRT_STUDIO_SKIP_NATIVE === '1') {
  recordFailure('TRT_STUDIO_SKIP_NATIVE=1 was set when the addon was to be built.');
  process.exit(0);
}

let cmakeJs;
try {
  cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
} catch {
  recordFailure('The cmake-js package is not installed; run `npm ci` first.');
  process.exit(0);
}

const cmakeCheck = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
if (cmakeCheck.error || cmakeCheck.status !== 0) {
  recordFailure('CMake was not found on PATH; install CMake 3.18 or newer (apt-get install cmake) and a C++17 compiler.');
  process.exit(0);
}

// rebuild: a fresh configure each time, so a TensorRT installed (or removed) since the last build is seen.
const args = [
  cmakeJs,
  'rebuild',
  '--directory',
  nativeDir,
  '--out',
  buildDir,
  '--log-level',
  'warn',
  '--parallel',
  String(Number(process.env.TRT_STUDIO_NATIVE_JOBS ?? 2)),
];
// Pass the TensorRT search hints through explicitly so a stale CMake cache cannot hide a change.
for (const name of ['TENSORRT_ROOT', 'TRT_INCLUDE_DIR', 'TRT_LIB_DIR']) {
  if (process.env[name]) args.push(`--CD${name}=${process.env[name]}`);
}
const result = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: nativeDir, env: process.env });
const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
const addon = join(releaseDir, 'trt_studio.node');
if (result.error || result.status !== 0 || !existsSync(addon)) {
  const lastError = output
    .split('\n')
    .filter((line) => /error|Error|ERR!/.test(line))
    .slice(-3)
    .join(' ')
    .trim();
  recordFailure(`cmake-js exited with status ${String(result.status)}${lastError ? `: ${lastError}` : ''}.`, output);
  process.exit(0);
}
process.stdout.write(`trt-studio: built ${addon}\n`);
