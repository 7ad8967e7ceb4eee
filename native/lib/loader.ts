/**
 * The one place that loads the native addon (the only `require()` of a `.node` file), and explains
 * every way that can fail in one message with "Possible solutions", the way sharp's loader does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeAddon, NativeBuildInfo, NativeCapabilities } from './types.js';

/** Why TensorRT cannot be used, as a machine-readable cause. */
export type UnavailableCause = 'addon-not-built' | 'addon-load-failed' | 'library-not-loadable' | 'built-without-tensorrt' | 'no-gpu';

/** One per-major addon (`tensorrt<major>/` beside the plain addon) and what the loader made of it. */
export interface AddonCandidate {
  major: number;
  directory: string;
  /** `selected`: this one is used; `not-loadable`: its require() failed (usually libnvinfer.so.<major> is missing); `not-tried`: a newer major was picked. */
  status: 'selected' | 'not-loadable' | 'not-tried';
  detail: string;
}

export type LoadResult = (
  | { ok: true; addon: NativeAddon; capabilities: NativeCapabilities }
  /** `addon` is present when the addon loaded but cannot run TensorRT jobs (its capabilities still help `doctor`). */
  | { ok: false; cause: UnavailableCause; explanation: string; addon?: NativeAddon; capabilities?: NativeCapabilities }
) & {
  /** The per-major addons found, newest first; absent when the build made a single addon. */
  candidates?: AddonCandidate[];
};

export interface LoaderOptions {
  /** Folder holding `trt_studio.node` and `build-info.json`; default: `$TRT_STUDIO_ADDON_DIR` or native/build/Release. */
  addonDirectory?: string;
  /** Loads the `.node` file; tests pass a double. */
  requireAddon?: (path: string) => unknown;
}

export const ADDON_FILE = 'trt_studio.node';

/** native/build/Release of this checkout, found by walking up from this file (source or bundle). */
export function defaultAddonDirectory(): string {
  const fromEnvironment = process.env.TRT_STUDIO_ADDON_DIR;
  if (fromEnvironment) return fromEnvironment;
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(directory, 'native', 'CMakeLists.txt'))) return join(directory, 'native', 'build', 'Release');
    if (existsSync(join(directory, 'CMakeLists.txt')) && existsSync(join(directory, 'build.mjs'))) return join(directory, 'build', 'Release');
    const parent = dirname(directory);
    if (parent === directory) return join(process.cwd(), 'native', 'build', 'Release');
    directory = parent;
  }
}

function explain(cause: string, solutions: readonly string[]): string {
  return [`TensorRT is not available: ${cause}`, 'Possible solutions:', ...solutions.map((s) => `- ${s}`)].join('\n');
}

const ONNXRUNTIME_HINT = 'Use the onnxruntime backend (`--backend onnxruntime`) to run and profile the network on the CPU meanwhile.';

function readBuildInfo(directory: string): NativeBuildInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(directory, 'build-info.json'), 'utf8')) as NativeBuildInfo;
  } catch {
    return undefined;
  }
}

/** Explain a failed `require()` of the addon from the loader's error text. */
export function explainLoadError(message: string): { cause: UnavailableCause; explanation: string } {
  const missing = /(lib[\w+-]+\.so(?:\.\d+)*): cannot open shared object file/.exec(message);
  if (missing) {
    const library = missing[1]!;
    const major = /libnvinfer[\w_]*\.so\.(\d+)/.exec(library)?.[1];
    const tensorrt = major ? `TensorRT ${major}` : 'TensorRT';
    if (library.startsWith('libnvinfer') || library.startsWith('libnvonnxparser')) {
      return {
        cause: 'library-not-loadable',
        explanation: explain(`the addon was built against ${tensorrt} but ${library} cannot be loaded (${message.trim()}).`, [
          `Add the folder holding ${library} to LD_LIBRARY_PATH (for a tar install: export LD_LIBRARY_PATH=$TENSORRT_ROOT/lib:$LD_LIBRARY_PATH).`,
          `Install ${tensorrt} (pip install tensorrt, or NVIDIA's apt package libnvinfer${major ?? ''}) and run \`npm run build:native\` again.`,
          'Or rebuild the addon against the TensorRT you have: TENSORRT_ROOT=/path/to/TensorRT npm run build:native.',
          ONNXRUNTIME_HINT,
        ]),
      };
    }
    return {
      cause: 'library-not-loadable',
      explanation: explain(`a library the addon needs cannot be loaded: ${library} (${message.trim()}).`, [
        library.startsWith('libcuda')
          ? 'Install the CUDA runtime that matches your TensorRT (libcudart) and add its lib64 folder to LD_LIBRARY_PATH.'
          : `Install the package that provides ${library}, or add its folder to LD_LIBRARY_PATH.`,
        'Run `npm run build:native` again afterwards.',
        ONNXRUNTIME_HINT,
      ]),
    };
  }
  return {
    cause: 'addon-load-failed',
    explanation: explain(`the native addon exists but could not be loaded (${message.trim()}).`, [
      'Rebuild it for this Node or Electron version: npm run build:native.',
      ONNXRUNTIME_HINT,
    ]),
  };
}

/** Explain an addon that loaded but cannot run TensorRT jobs; undefined when it can. */
export function explainCapabilities(capabilities: NativeCapabilities): { cause: UnavailableCause; explanation: string } | undefined {
  if (!capabilities.builtWithTensorRT) {
    return {
      cause: 'built-without-tensorrt',
      explanation: explain(`the native addon was built without TensorRT. ${capabilities.withoutTensorRTReason}`, [
        'Install the TensorRT 10 or 11 SDK (the tar or deb packages include the C++ headers; pip alone does not).',
        'Point the build at it: TENSORRT_ROOT=/path/to/TensorRT (or TRT_INCLUDE_DIR and TRT_LIB_DIR) npm run build:native.',
        'Install the CUDA toolkit if the reason above names it.',
        ONNXRUNTIME_HINT,
      ]),
    };
  }
  if (capabilities.gpus.length === 0) {
    return {
      cause: 'no-gpu',
      explanation: explain(`no NVIDIA GPU is usable: ${capabilities.cudaDriverError || 'the CUDA driver reports no device'}.`, [
        'Install the NVIDIA driver and check that `nvidia-smi` lists a GPU.',
        'In a container, start it with GPU access (docker run --gpus all).',
        ONNXRUNTIME_HINT,
      ]),
    };
  }
  return undefined;
}

/** The `tensorrt<major>` folders holding an addon, newest major first. */
export function perMajorAddons(directory: string): { major: number; directory: string }[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, major: Number(/^tensorrt(\d+)$/.exec(name)?.[1] ?? NaN) }))
    .filter((e) => Number.isInteger(e.major) && existsSync(join(directory, e.name, ADDON_FILE)))
    .map((e) => ({ major: e.major, directory: join(directory, e.name) }))
    .sort((a, b) => b.major - a.major);
}

/**
 * Load the addon once and say whether TensorRT jobs can run, and if not exactly why. A build holds
 * one addon per TensorRT major found (the C++ API differs between majors): the newest one whose
 * `libnvinfer.so.<major>` loads is used; without per-major addons, the plain one.
 */
export function loadTensorRT(options: LoaderOptions = {}): LoadResult {
  const directory = options.addonDirectory ?? defaultAddonDirectory();
  const majors = perMajorAddons(directory);
  if (majors.length === 0) return loadAddon(directory, options);
  const candidates: AddonCandidate[] = [];
  let selected: LoadResult | undefined;
  let firstFailure: LoadResult | undefined;
  for (const { major, directory: folder } of majors) {
    if (selected) {
      candidates.push({ major, directory: folder, status: 'not-tried', detail: `the TensorRT ${candidates[0]!.major} addon loaded first.` });
      continue;
    }
    const result = loadAddon(folder, options);
    const summary = result.ok ? 'loaded.' : result.explanation.split('\n')[0]!.replace(/^TensorRT is not available: /, '');
    // An addon that loads but finds no GPU is still the one to use: another major would find none either.
    if (result.ok || result.addon) {
      selected = result;
      candidates.push({ major, directory: folder, status: 'selected', detail: summary });
    } else {
      firstFailure ??= result;
      candidates.push({ major, directory: folder, status: 'not-loadable', detail: summary });
    }
  }
  return { ...(selected ?? firstFailure!), candidates };
}

/** One line per per-major addon, for `trt-studio doctor`. */
export function describeAddonCandidates(candidates: readonly AddonCandidate[]): string[] {
  const words = { selected: 'in use', 'not-loadable': 'not loadable', 'not-tried': 'not needed' } as const;
  return candidates.map((c) => `TensorRT ${c.major} addon (${c.directory}): ${words[c.status]}; ${c.detail}`);
}

function loadAddon(directory: string, options: LoaderOptions): LoadResult {
  const file = join(directory, ADDON_FILE);
  if (!existsSync(file)) {
    const info = readBuildInfo(directory);
    const reason = info && !info.addonBuilt ? ` The last build failed: ${info.reason}` : ' No build was recorded.';
    return {
      ok: false,
      cause: 'addon-not-built',
      explanation: explain(`the native addon is not built (${file} is missing).${reason}`, [
        'Build it: npm run build:native (needs CMake 3.18+ and a C++17 compiler; apt-get install cmake g++).',
        'Set TRT_STUDIO_ADDON_DIR if the addon was built into another folder.',
        ONNXRUNTIME_HINT,
      ]),
    };
  }
  const requireAddon = options.requireAddon ?? createRequire(import.meta.url);
  let addon: NativeAddon;
  try {
    addon = requireAddon(file) as NativeAddon;
  } catch (e) {
    return { ok: false, ...explainLoadError(e instanceof Error ? e.message : String(e)) };
  }
  const capabilities = addon.capabilities();
  const problem = explainCapabilities(capabilities);
  if (problem) return { ok: false, ...problem, addon, capabilities };
  return { ok: true, addon, capabilities };
}

/** A few lines for `trt-studio doctor` and the status bar. */
export function describeCapabilities(capabilities: NativeCapabilities): string[] {
  const lines = [
    capabilities.builtWithTensorRT
      ? `Addon built with TensorRT ${capabilities.buildTensorRTVersion}.`
      : `Addon built without TensorRT: ${capabilities.withoutTensorRTReason}`,
    capabilities.runtimeLibVersion > 0
      ? `TensorRT runtime: ${capabilities.runtimeLibrary} reports ${capabilities.runtimeVersion} (getInferLibVersion ${capabilities.runtimeLibVersion}).`
      : `TensorRT runtime: none loadable (${capabilities.runtimeLibraryError}).`,
  ];
  if (capabilities.gpus.length === 0) lines.push(`GPU: none (${capabilities.cudaDriverError || 'no device'}).`);
  for (const gpu of capabilities.gpus)
    lines.push(`GPU: ${gpu.name}, compute capability ${gpu.computeCapability}, ${(gpu.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB.`);
  return lines;
}
