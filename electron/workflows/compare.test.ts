/**
 * The compare workflow between two backends. TensorRT is not on this machine, so its side is a
 * TEST DOUBLE of TensorRT: the same exposed program run on ONNX Runtime, with one tensor changed as
 * an engine that differs at one layer would give it. It also records which outputs it was asked for.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../../core/diagnostics.js';
import { autoBindWeights } from '../../core/weights/binding.js';
import type { Backend, BackendSession } from '../backends/backend.js';
import { onnxRuntimeBackend } from '../backends/onnxruntime/backend.js';
import { formulaWeights, inputNpy, miniGoogLeNet } from '../cli/compare-fixture.testing.js';
import { compareLayers, type NetworkSource, nodeFiles, type WorkflowContext } from './index.js';

/** TEST DOUBLE of TensorRT: ONNX Runtime underneath; adds 0.5 to the output named `changed`. */
function tensorrtDouble(changed: string, asked: string[][]): Backend {
  return {
    name: 'tensorrt',
    capabilities: { build: true, run: true, profile: false, exportExtension: '.engine' },
    available: () => Promise.resolve(ok(true)),
    async build(model, signal) {
      asked.push(model.program.outputs.map((o) => o.name));
      const built = await onnxRuntimeBackend.build(model, signal);
      if (!built.ok) return built;
      const inner = built.value;
      const session: BackendSession = {
        inputs: inner.inputs,
        outputs: inner.outputs,
        sizeBytes: inner.sizeBytes,
        async run(inputs, runSignal) {
          const ran = await inner.run(inputs, runSignal);
          if (!ran.ok) return ran;
          return ok(ran.value.map((t) => (t.name === changed ? { ...t, data: (t.data as Float32Array).map((v) => v + 0.5) } : t)));
        },
        profile: (inputs, options) => inner.profile(inputs, options),
        dispose: () => inner.dispose(),
      };
      return ok(session);
    },
    export: () => Promise.resolve(ok(new Uint8Array())),
  };
}

let dir = '';
let input = '';
let source: NetworkSource;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-compare-workflow-'));
  input = join(dir, 'input.npy');
  await writeFile(input, inputNpy());
  const doc = miniGoogLeNet();
  const weights = new Map(formulaWeights(doc).map((w) => [w.name, w.values]));
  source = {
    doc: autoBindWeights(
      doc,
      [...weights].map(([name, values]) => ({ name, count: values.length })),
    ),
    weights: (name) => weights.get(name),
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(tensorrt: Backend): WorkflowContext {
  return {
    backend: (id) => Promise.resolve(ok(id === 'onnxruntime' ? onnxRuntimeBackend : tensorrt)),
    files: nodeFiles(),
    progress: () => undefined,
    log: () => undefined,
  };
}

describe('comparing two backends', () => {
  it('compares every canvas layer, exposed as outputs on both, and names the one layer that differs', { timeout: 60_000 }, async () => {
    const asked: string[][] = [];
    const compared = await compareLayers(context(tensorrtDouble('inception3a.cat:output', asked)), source, {
      backend: 'onnxruntime',
      against: { kind: 'backend', backend: 'tensorrt' },
      inputPath: input,
      tolerance: 1e-4,
    });
    if (!compared.ok) throw new Error(compared.diagnostics[0]!.message);
    const { report } = compared.value;
    expect(report.against).toEqual({ kind: 'backend', backend: 'tensorrt' });
    expect(report.layers.map((l) => [l.layer, l.reference, l.pass])).toEqual([
      ['conv1', 'tensorrt', true],
      ['maxpool1', 'tensorrt', true],
      ['inception3a', 'tensorrt', false],
      ['avgpool', 'tensorrt', true],
      ['fc', 'tensorrt', true],
    ]);
    expect(report.firstFailing).toBe('inception3a');
    expect(report.layers[2]!.maxAbsError).toBeCloseTo(0.5, 5);
    expect(report.layers[2]!.nodeId).toBe('n3');
    expect(report.unmatched).toEqual([]);
    // TensorRT was asked for the network's output and every compared tensor.
    expect(asked).toEqual([['logits', 'conv1.relu:output', 'maxpool1:output', 'inception3a.cat:output', 'avgpool:output']]);
  });

  it('refuses to compare a backend with itself', async () => {
    const compared = await compareLayers(context(onnxRuntimeBackend), source, {
      backend: 'onnxruntime',
      against: { kind: 'backend', backend: 'onnxruntime' },
      inputPath: input,
      tolerance: 1e-4,
    });
    expect(compared.ok).toBe(false);
    if (!compared.ok)
      expect(compared.diagnostics[0]!.message).toBe('Both sides of the comparison are ONNX Runtime; choose a different backend to compare against.');
  });
});
