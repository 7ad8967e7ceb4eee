import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultAddonDirectory, describeAddonCandidates, describeCapabilities, explainCapabilities, explainLoadError, loadTensorRT } from './loader.js';
import type { NativeAddon, NativeCapabilities } from './types.js';

const NO_TENSORRT: NativeCapabilities = {
  builtWithTensorRT: false,
  buildTensorRTVersion: '',
  buildTensorRTMajor: 0,
  withoutTensorRTReason: 'No TensorRT headers (NvInferVersion.h) were found.',
  runtimeLibVersion: 0,
  runtimeVersion: '',
  runtimeLibrary: '',
  runtimeLibraryError: 'libnvinfer.so.11: cannot open shared object file: No such file or directory',
  cudaDriverVersion: 0,
  cudaDriverError: 'libcuda.so.1: cannot open shared object file: No such file or directory',
  gpus: [],
};

describe('loadTensorRT', () => {
  it('explains a missing addon with the recorded build failure', () => {
    const directory = mkdtempSync(join(tmpdir(), 'trt-addon-'));
    writeFileSync(join(directory, 'build-info.json'), JSON.stringify({ addonBuilt: false, builtWithTensorRT: false, reason: 'CMake was not found on PATH.' }));
    const result = loadTensorRT({ addonDirectory: directory });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.cause).toBe('addon-not-built');
    expect(result.explanation).toContain(
      `the native addon is not built (${join(directory, 'trt_studio.node')} is missing). The last build failed: CMake was not found on PATH.`,
    );
    expect(result.explanation).toContain('Possible solutions:\n- Build it: npm run build:native');
    expect(result.explanation).toContain('--backend onnxruntime');
  });

  it('explains an addon whose libnvinfer cannot be loaded, with the library path hint', () => {
    const directory = mkdtempSync(join(tmpdir(), 'trt-addon-'));
    writeFileSync(join(directory, 'trt_studio.node'), '');
    const result = loadTensorRT({
      addonDirectory: directory,
      requireAddon: () => {
        throw new Error('libnvinfer.so.10: cannot open shared object file: No such file or directory');
      },
    });
    expect(result).toMatchObject({ ok: false, cause: 'library-not-loadable' });
    if (result.ok) return;
    expect(result.explanation.split('\n')[0]).toBe(
      'TensorRT is not available: the addon was built against TensorRT 10 but libnvinfer.so.10 cannot be loaded (libnvinfer.so.10: cannot open shared object file: No such file or directory).',
    );
    expect(result.explanation).toContain('LD_LIBRARY_PATH');
  });

  it('loads the addon this checkout built and reports that it has no TensorRT, and why', () => {
    // npm ci builds the addon (prepare → build:native); this machine has no TensorRT SDK.
    const result = loadTensorRT();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.cause).toBe('built-without-tensorrt');
    expect(result.capabilities?.builtWithTensorRT).toBe(false);
    expect(result.capabilities?.withoutTensorRTReason).toMatch(/TensorRT/);
    expect(result.explanation).toContain(`the native addon was built without TensorRT. ${result.capabilities?.withoutTensorRTReason ?? ''}`);
    expect(result.addon?.supportedOps()).toEqual([]);
  });

  it('rejects a build in an addon without TensorRT with a Diagnostic, never a throw', async () => {
    const result = loadTensorRT();
    if (result.ok || !result.addon) throw new Error(`expected the addon without TensorRT; got ${result.ok ? 'one with TensorRT' : result.explanation}`);
    const handle = result.addon.buildEngine({ program: { formatVersion: 1, name: 'n', inputs: [], ops: [], outputs: [], weights: [] }, weights: {} });
    const error = (await handle.promise.catch((e: unknown) => e)) as Error & { diagnostics: { code: string; message: string }[] };
    expect(error.diagnostics[0]!.code).toBe('tensorrt.unavailable');
    expect(error.message).toBe(`This TRT Studio addon was built without TensorRT: ${result.capabilities?.withoutTensorRTReason ?? ''}`);
  });
});

describe('one addon per TensorRT major', () => {
  const WITH_GPU: NativeCapabilities = {
    ...NO_TENSORRT,
    builtWithTensorRT: true,
    buildTensorRTVersion: '10.16.0',
    buildTensorRTMajor: 10,
    runtimeLibVersion: 101600,
    runtimeVersion: '10.16.0',
    runtimeLibrary: 'libnvinfer.so.10',
    gpus: [{ name: 'NVIDIA H100', computeCapability: '9.0', totalMemoryBytes: 80 * 2 ** 30 }],
  };

  function twoMajors(): string {
    const directory = mkdtempSync(join(tmpdir(), 'trt-addon-'));
    for (const major of [10, 11]) {
      mkdirSync(join(directory, `tensorrt${major}`));
      writeFileSync(join(directory, `tensorrt${major}`, 'trt_studio.node'), '');
    }
    writeFileSync(join(directory, 'trt_studio.node'), '');
    return directory;
  }

  it('uses the newest major whose libnvinfer loads, and lists both', () => {
    const directory = twoMajors();
    const tried: string[] = [];
    const result = loadTensorRT({
      addonDirectory: directory,
      requireAddon: (path) => {
        tried.push(path);
        if (path.includes('tensorrt11')) throw new Error('libnvinfer.so.11: cannot open shared object file: No such file or directory');
        return { capabilities: () => WITH_GPU } as unknown as NativeAddon;
      },
    });
    expect(tried).toEqual([join(directory, 'tensorrt11', 'trt_studio.node'), join(directory, 'tensorrt10', 'trt_studio.node')]);
    expect(result.ok && result.capabilities.buildTensorRTVersion).toBe('10.16.0');
    expect(describeAddonCandidates(result.candidates!)).toEqual([
      `TensorRT 11 addon (${join(directory, 'tensorrt11')}): not loadable; the addon was built against TensorRT 11 but libnvinfer.so.11 cannot be loaded (libnvinfer.so.11: cannot open shared object file: No such file or directory).`,
      `TensorRT 10 addon (${join(directory, 'tensorrt10')}): in use; loaded.`,
    ]);
  });

  it('stops at the newest that loads, and explains the newest failure when none does', () => {
    const directory = twoMajors();
    const tried: string[] = [];
    const newest = loadTensorRT({
      addonDirectory: directory,
      requireAddon: (path) => {
        tried.push(path);
        return { capabilities: () => ({ ...WITH_GPU, buildTensorRTVersion: '11.1.0', buildTensorRTMajor: 11 }) } as unknown as NativeAddon;
      },
    });
    expect(tried).toHaveLength(1);
    expect(newest.candidates?.map((c) => c.status)).toEqual(['selected', 'not-tried']);
    const none = loadTensorRT({
      addonDirectory: directory,
      requireAddon: (path) => {
        throw new Error(`${path.includes('tensorrt11') ? 'libnvinfer.so.11' : 'libnvinfer.so.10'}: cannot open shared object file: No such file or directory`);
      },
    });
    expect(none.ok).toBe(false);
    if (none.ok) return;
    expect(none.cause).toBe('library-not-loadable');
    expect(none.explanation.split('\n')[0]).toContain('libnvinfer.so.11 cannot be loaded');
    expect(none.candidates?.map((c) => c.status)).toEqual(['not-loadable', 'not-loadable']);
  });
});

describe('explanations', () => {
  it('names a missing CUDA runtime library', () => {
    const { cause, explanation } = explainLoadError('libcudart.so.12: cannot open shared object file: No such file or directory');
    expect(cause).toBe('library-not-loadable');
    expect(explanation).toContain('a library the addon needs cannot be loaded: libcudart.so.12');
  });

  it('says rebuild for an addon of another Node version', () => {
    expect(explainLoadError('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.').cause).toBe('addon-load-failed');
  });

  it('reports a TensorRT build with no GPU as no-gpu', () => {
    const problem = explainCapabilities({
      ...NO_TENSORRT,
      builtWithTensorRT: true,
      buildTensorRTVersion: '10.16.0',
      cudaDriverError: 'cuInit failed with CUDA error 100',
    });
    expect(problem?.cause).toBe('no-gpu');
    expect(problem?.explanation.split('\n')[0]).toBe('TensorRT is not available: no NVIDIA GPU is usable: cuInit failed with CUDA error 100.');
  });

  it('accepts a TensorRT build with a GPU and describes it', () => {
    const caps: NativeCapabilities = {
      ...NO_TENSORRT,
      builtWithTensorRT: true,
      buildTensorRTVersion: '11.1.0',
      runtimeLibVersion: 110100,
      runtimeVersion: '11.1.0',
      runtimeLibrary: 'libnvinfer.so.11',
      gpus: [{ name: 'NVIDIA H100', computeCapability: '9.0', totalMemoryBytes: 80 * 2 ** 30 }],
    };
    expect(explainCapabilities(caps)).toBeUndefined();
    expect(describeCapabilities(caps)).toEqual([
      'Addon built with TensorRT 11.1.0.',
      'TensorRT runtime: libnvinfer.so.11 reports 11.1.0 (getInferLibVersion 110100).',
      'GPU: NVIDIA H100, compute capability 9.0, 80.0 GiB.',
    ]);
  });

  it('finds native/build/Release from the source tree', () => {
    expect(defaultAddonDirectory()).toMatch(/native\/build\/Release$/);
  });
});
