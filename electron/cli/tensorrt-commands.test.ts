/**
 * `doctor`, `build` and `codegen`. TensorRT is never installed here: "TensorRT missing" runs the real
 * engine host process with an empty addon folder (or the addon CI builds without TensorRT); "TensorRT
 * present" runs the commands over the TensorRT test double (electron/backends/tensorrt/tensorrt-test-double.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCppCMake, programForCodegen } from '../../core/codegen/index.js';
import { serializeProject } from '../../core/network/project-file.js';
import { buildTemplate } from '../../core/templates/index.js';
import { TensorRTBackend } from '../backends/tensorrt/backend.js';
import { createTensorRTTestDouble, readTestDoubleEngine, testDoubleEngineHost } from '../backends/tensorrt/tensorrt-test-double.js';
import type { NativeAddon } from '../../native/lib/types.js';
import { EngineHostClient } from '../engine-host/client.js';
import { buildCommand, createBuildCommand, NATIVE_README_HINT } from './build.js';
import { codegenCommand } from './codegen.js';
import type { CliCommand } from './command.js';
import { createDoctorCommand, doctorCommand } from './doctor.js';

const ROOT = resolve(__dirname, '../..');
const LENET_WTS = join(ROOT, 'fixtures', 'lenet5.wts');
const GOLDEN = join(ROOT, 'core', 'codegen', 'golden');
const ORT_VERSION = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string }).version;

async function run(command: CliCommand, ...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command.run(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out, err };
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'trt-cli-trt-'));
}

async function lenetProject(dir: string): Promise<string> {
  const path = join(dir, 'lenet5.trtstudio');
  await writeFile(path, serializeProject(buildTemplate('lenet5')!));
  return path;
}

const withTestDouble = (): TensorRTBackend => new TensorRTBackend({ host: new EngineHostClient(testDoubleEngineHost()) });

/** An addon folder with nothing in it: the loader's "not built" case, whatever this machine has built. */
let emptyAddonDir = '';
const savedAddonDir = process.env['TRT_STUDIO_ADDON_DIR'];
beforeEach(async () => {
  emptyAddonDir = await tempDir();
});
afterEach(() => {
  if (savedAddonDir === undefined) delete process.env['TRT_STUDIO_ADDON_DIR'];
  else process.env['TRT_STUDIO_ADDON_DIR'] = savedAddonDir;
});

function notBuiltExplanation(dir: string): string[] {
  return [
    `TensorRT is not available: the native addon is not built (${join(dir, 'trt_studio.node')} is missing). No build was recorded.`,
    'Possible solutions:',
    '- Build it: npm run build:native (needs CMake 3.18+ and a C++17 compiler; apt-get install cmake g++).',
    '- Set TRT_STUDIO_ADDON_DIR if the addon was built into another folder.',
    '- Use the onnxruntime backend (`--backend onnxruntime`) to run and profile the network on the CPU meanwhile.',
  ];
}

describe('trt-studio doctor', () => {
  it('without an addon: says it is not built, why TensorRT is unavailable and how to fix it; exit 0', async () => {
    process.env['TRT_STUDIO_ADDON_DIR'] = emptyAddonDir;
    const { code, out } = await run(doctorCommand);
    expect(code).toBe(0);
    expect(out).toEqual([
      `Node.js: ${process.version} (${process.platform} ${process.arch})`,
      `onnxruntime: onnxruntime-node ${ORT_VERSION} (CPU), available.`,
      'Addon: not loaded (addon-not-built).',
      'Backends: onnxruntime available; tensorrt unavailable (addon-not-built).',
      '',
      notBuiltExplanation(emptyAddonDir).join('\n'),
      NATIVE_README_HINT,
    ]);
  }, 30_000);

  const addonDir = join(ROOT, 'native', 'build', 'Release');
  const info = existsSync(join(addonDir, 'build-info.json'))
    ? (JSON.parse(readFileSync(join(addonDir, 'build-info.json'), 'utf8')) as { addonBuilt: boolean; builtWithTensorRT: boolean; reason: string })
    : undefined;
  it.skipIf(!info?.addonBuilt || info.builtWithTensorRT || !existsSync(join(addonDir, 'trt_studio.node')))(
    'with the addon built without TensorRT (as CI builds it; skipped when this checkout has no such build): names the reason the build recorded',
    async () => {
      process.env['TRT_STUDIO_ADDON_DIR'] = addonDir;
      const { code, out } = await run(doctorCommand);
      expect(code).toBe(0);
      expect(out[2]).toBe(`Addon built without TensorRT: ${info!.reason}`);
      expect(out[3]).toMatch(/^TensorRT runtime: none loadable \(.+\)\.$/);
      expect(out).toContain('Backends: onnxruntime available; tensorrt unavailable (built-without-tensorrt).');
      expect(out.find((l) => l.startsWith('TensorRT is not available: the native addon was built without TensorRT.'))).toBeDefined();
    },
    30_000,
  );

  it('over the TensorRT test double: the build version, runtime library and GPU; --json carries the same', async () => {
    const { code, out } = await run(createDoctorCommand(withTestDouble));
    expect(code).toBe(0);
    expect(out.slice(2)).toEqual([
      'Addon built with TensorRT 10.16.0.',
      'TensorRT runtime: libnvinfer.so.10 (test double) reports 10.16.0 (getInferLibVersion 101600).',
      'GPU: Test Double GPU, compute capability 9.0, 80.0 GiB.',
      'Backends: onnxruntime available; tensorrt available.',
    ]);
    const json = await run(createDoctorCommand(withTestDouble), '--json');
    const report = JSON.parse(json.out.join('\n')) as {
      onnxruntime: { version: string };
      tensorrt: { available: boolean; native: { runtimeLibVersion: number } };
    };
    expect(report.onnxruntime.version).toBe(ORT_VERSION);
    expect(report.tensorrt.available).toBe(true);
    expect(report.tensorrt.native.runtimeLibVersion).toBe(101600);
  });

  it('lists the addon built for each TensorRT major and which one is in use', async () => {
    const candidates = [
      {
        major: 11,
        directory: '/opt/trt-studio/native/build/Release/tensorrt11',
        status: 'not-loadable' as const,
        detail: 'the addon was built against TensorRT 11 but libnvinfer.so.11 cannot be loaded (libnvinfer.so.11: cannot open shared object file).',
      },
      { major: 10, directory: '/opt/trt-studio/native/build/Release/tensorrt10', status: 'selected' as const, detail: 'loaded.' },
    ];
    const { code, out } = await run(
      createDoctorCommand(() => new TensorRTBackend({ host: new EngineHostClient(testDoubleEngineHost(undefined, candidates)) })),
    );
    expect(code).toBe(0);
    expect(out.slice(2, 5)).toEqual([
      'TensorRT 11 addon (/opt/trt-studio/native/build/Release/tensorrt11): not loadable; the addon was built against TensorRT 11 but libnvinfer.so.11 cannot be loaded (libnvinfer.so.11: cannot open shared object file).',
      'TensorRT 10 addon (/opt/trt-studio/native/build/Release/tensorrt10): in use; loaded.',
      'Addon built with TensorRT 10.16.0.',
    ]);
  });
});

describe('trt-studio build', () => {
  it('without TensorRT: exit 2 with the loader reason and the README pointer, and writes no engine', async () => {
    process.env['TRT_STUDIO_ADDON_DIR'] = emptyAddonDir;
    const dir = await tempDir();
    const engine = join(dir, 'lenet5.engine');
    const { code, out, err } = await run(buildCommand, await lenetProject(dir), '--weights', LENET_WTS, '-o', engine);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([notBuiltExplanation(emptyAddonDir).join('\n'), NATIVE_README_HINT]);
    expect(existsSync(engine)).toBe(false);
  }, 30_000);

  it('over the TensorRT test double: lowers lenet5, passes precision and workspace, writes the engine and timing cache', async () => {
    const dir = await tempDir();
    const engine = join(dir, 'lenet5.engine');
    const cache = join(dir, 'lenet5.cache');
    const { code, out, err } = await run(
      createBuildCommand((options) => new TensorRTBackend({ ...options, host: new EngineHostClient(testDoubleEngineHost()) })),
      await lenetProject(dir),
      '--weights',
      LENET_WTS,
      '-o',
      engine,
      '--fp16',
      '--workspace',
      '256',
      '--timing-cache',
      cache,
    );
    expect(err).toEqual(['  Building a network (test double)']);
    const bytes = new Uint8Array(await readFile(engine));
    expect(out).toEqual([
      "Building 'lenet5' (24 layers) with TensorRT 10.16.0: FP16 (TF32 off), workspace 256 MiB.",
      `Wrote ${engine} (${bytes.length} bytes). Timing cache saved to ${cache}.`,
    ]);
    expect(code).toBe(0);
    const built = readTestDoubleEngine(bytes)!;
    expect(built.network).toBe('lenet5');
    expect(built.layers.slice(0, 3)).toEqual(['conv1', 'relu1', 'pool1']);
    expect(built.weightIds).toHaveLength(10);
    expect(built.options).toEqual({ precision: 'FP16', tf32: false, workspaceBytes: 256 * 2 ** 20 });
    expect(await readFile(cache, 'utf8')).toBe('test double timing cache (0 bytes given)');
  });

  it('--timing-cache FILE that exists is read and handed to the build, then replaced by the updated cache', async () => {
    const dir = await tempDir();
    const engine = join(dir, 'lenet5.engine');
    const cache = join(dir, 'lenet5.cache');
    await writeFile(cache, new Uint8Array([1, 2, 3, 4, 5]));
    const { code, out } = await run(
      createBuildCommand((options) => new TensorRTBackend({ ...options, host: new EngineHostClient(testDoubleEngineHost()) })),
      await lenetProject(dir),
      '--weights',
      LENET_WTS,
      '-o',
      engine,
      '--timing-cache',
      cache,
      '--json',
    );
    expect(code).toBe(0);
    expect((JSON.parse(out.join('\n')) as { timingCache: string }).timingCache).toBe(cache);
    expect(await readFile(cache, 'utf8')).toBe('test double timing cache (5 bytes given)');
  });

  it('--json over the TensorRT test double: one JSON object on stdout, progress left out', async () => {
    const dir = await tempDir();
    const engine = join(dir, 'lenet5.engine');
    const { code, out, err } = await run(
      createBuildCommand((options) => new TensorRTBackend({ ...options, host: new EngineHostClient(testDoubleEngineHost()) })),
      await lenetProject(dir),
      '--weights',
      LENET_WTS,
      '-o',
      engine,
      '--json',
    );
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(JSON.parse(out.join('\n'))).toEqual({
      engine,
      bytes: (await readFile(engine)).length,
      tensorrt: '10.16.0',
      precision: 'FP32',
      tf32: false,
      workspaceMiB: 1024,
      timingCache: null,
      diagnostics: [],
    });
  });

  it('--tf32 asks for TF32 and the summary says so', async () => {
    const dir = await tempDir();
    const engine = join(dir, 'lenet5.engine');
    const { code, out } = await run(
      createBuildCommand((options) => new TensorRTBackend({ ...options, host: new EngineHostClient(testDoubleEngineHost()) })),
      await lenetProject(dir),
      '--weights',
      LENET_WTS,
      '-o',
      engine,
      '--tf32',
    );
    expect(code).toBe(0);
    expect(out[0]).toBe("Building 'lenet5' (24 layers) with TensorRT 10.16.0: FP32 (TF32 on), workspace 1024 MiB.");
    expect(readTestDoubleEngine(new Uint8Array(await readFile(engine)))!.options).toEqual({ precision: 'FP32', tf32: true, workspaceBytes: 2 ** 30 });
  });

  it('keeps the saved timing cache when TensorRT returns none, and prints each TensorRT warning once', async () => {
    const dir = await tempDir();
    const engine = join(dir, 'lenet5.engine');
    const cache = join(dir, 'lenet5.cache');
    await writeFile(cache, 'cache from another GPU');
    const warning = { severity: 'warning' as const, code: 'tensorrt.warning', message: 'TensorRT: the timing cache does not match this device.' };
    const late = { severity: 'warning' as const, code: 'build.timing-cache', message: 'The saved timing cache (22 bytes) was made on another device.' };
    const base = createTensorRTTestDouble();
    const addon: NativeAddon = {
      ...base,
      buildEngine(request, onEvent) {
        const handle = base.buildEngine(request, onEvent);
        onEvent?.({ kind: 'diagnostic', diagnostic: warning });
        return { ...handle, promise: handle.promise.then((r) => ({ ...r, timingCache: new Uint8Array(), diagnostics: [warning, late] })) };
      },
    };
    const { code, out, err } = await run(
      createBuildCommand((options) => new TensorRTBackend({ ...options, host: new EngineHostClient(testDoubleEngineHost(addon)) })),
      await lenetProject(dir),
      '--weights',
      LENET_WTS,
      '-o',
      engine,
      '--timing-cache',
      cache,
    );
    expect(code).toBe(0);
    expect(err).toEqual([
      '  Building a network (test double)',
      'warning [tensorrt.warning] TensorRT: the timing cache does not match this device.',
      'warning [build.timing-cache] The saved timing cache (22 bytes) was made on another device.',
    ]);
    expect(out[1]).toBe(`Wrote ${engine} (${(await readFile(engine)).length} bytes). TensorRT returned no timing cache; ${cache} was left as it was.`);
    expect(await readFile(cache, 'utf8')).toBe('cache from another GPU');
  });

  it('exit 2 for a missing --weights or a bad --workspace; exit 1 when the .wts does not fit the network', async () => {
    const dir = await tempDir();
    const project = await lenetProject(dir);
    const noWeights = await run(buildCommand, project, '-o', join(dir, 'x.engine'));
    expect(noWeights.code).toBe(2);
    expect(noWeights.err[0]).toBe(`--weights FILE.wts is required.\nUsage: trt-studio ${buildCommand.usage}`);
    const badWorkspace = await run(buildCommand, project, '--weights', LENET_WTS, '-o', join(dir, 'x.engine'), '--workspace', 'lots');
    expect(badWorkspace.code).toBe(2);
    expect(badWorkspace.err).toEqual(["--workspace must be a whole number of MiB from 1 to 9999999; got 'lots'."]);
    const wrong = join(dir, 'wrong.wts');
    await writeFile(wrong, '1\nconv1.weight 2 3f800000 3f800000\n');
    const mismatch = await run(buildCommand, project, '--weights', wrong, '-o', join(dir, 'x.engine'));
    expect(mismatch.code).toBe(1);
    expect(mismatch.err.some((l) => l.startsWith('error [weights.count]') && l.includes("(node 'conv1', field kernel)"))).toBe(true);
  }, 30_000);
});

describe('trt-studio codegen', () => {
  it('--lang python writes the golden lenet5 script, which python3 compiles', async () => {
    const dir = await tempDir();
    const file = join(dir, 'build_lenet5.py');
    const { code, out } = await run(codegenCommand, await lenetProject(dir), '--lang', 'python', '-o', file, '--weights', LENET_WTS);
    expect(out).toEqual([`Wrote ${file}: a TensorRT 10/11 Python script for 'lenet5' (24 layers from 12 nodes). Run: python3 ${file} --weights lenet5.wts`]);
    expect(code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(readFileSync(join(GOLDEN, 'lenet5.py'), 'utf8'));
    execFileSync('python3', ['-m', 'py_compile', file]);
  });

  it('--lang cpp writes the program and a CMakeLists.txt, but never replaces a CMakeLists.txt the user wrote', async () => {
    const dir = await tempDir();
    const file = join(dir, 'lenet5.cpp');
    const project = await lenetProject(dir);
    const first = await run(codegenCommand, project, '--lang', 'cpp', '-o', file, '--weights', LENET_WTS);
    expect(first.code).toBe(0);
    expect(first.out[0]).toBe(`Wrote ${file}: a tensorrtx-style C++ program for 'lenet5' (24 layers from 12 nodes).`);
    expect(await readFile(file, 'utf8')).toBe(readFileSync(join(GOLDEN, 'lenet5.cpp'), 'utf8'));
    const program = programForCodegen(buildTemplate('lenet5')!);
    if (!program.ok) throw new Error(program.diagnostics[0]!.message);
    expect(await readFile(join(dir, 'CMakeLists.txt'), 'utf8')).toBe(generateCppCMake(program.value, 'lenet5.cpp'));

    await writeFile(join(dir, 'CMakeLists.txt'), 'project(mine)\n');
    const second = await run(codegenCommand, project, '--lang', 'cpp', '-o', file);
    expect(second.code).toBe(0);
    expect(second.out[1]).toBe(`Left ${join(dir, 'CMakeLists.txt')} as it is (not generated by TRT Studio); add lenet5.cpp to it yourself.`);
    expect(await readFile(join(dir, 'CMakeLists.txt'), 'utf8')).toBe('project(mine)\n');
  });

  it('-o DIR/ writes the default file names into the folder, creating it', async () => {
    const dir = await tempDir();
    const project = await lenetProject(dir);
    const cpp = await run(codegenCommand, project, '--lang', 'cpp', '-o', join(dir, 'out') + '/');
    expect(cpp.code).toBe(0);
    expect(cpp.out[0]).toBe(`Wrote ${join(dir, 'out', 'lenet5.cpp')}: a tensorrtx-style C++ program for 'lenet5' (24 layers from 12 nodes).`);
    expect(existsSync(join(dir, 'out', 'CMakeLists.txt'))).toBe(true);
    const py = await run(codegenCommand, project, '--lang', 'python', '-o', join(dir, 'out'));
    expect(py.code).toBe(0);
    expect(existsSync(join(dir, 'out', 'build_lenet5.py'))).toBe(true);
  });

  it('exit 2 for a missing or unknown --lang', async () => {
    const dir = await tempDir();
    const { code, err } = await run(codegenCommand, await lenetProject(dir), '--lang', 'rust', '-o', join(dir, 'x'));
    expect(code).toBe(2);
    expect(err).toEqual([`--lang must be 'python' or 'cpp'; got 'rust'.\nUsage: trt-studio ${codegenCommand.usage}`]);
  });
});
