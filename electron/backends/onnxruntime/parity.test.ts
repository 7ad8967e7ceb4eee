/**
 * Parity with PyTorch through the whole reference path: template → weights (a real .wts file, or
 * the fixtures' weight formula in memory) → auto-binding → lowering → ONNX → ONNX Runtime in its
 * worker. Numbers come from fixtures/ (parity.json, digits.json), made by PyTorch.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { lowerToProgram } from '../../../core/lower/lower.js';
import type { NetworkDocument } from '../../../core/network/types.js';
import { buildTemplate } from '../../../core/templates/index.js';
import { autoBindWeights } from '../../../core/weights/binding.js';
import { formulaInput, formulaTensor, type StateDictEntry } from '../../../core/weights/formula.js';
import { decodeWts } from '../../../core/weights/wts-decoder.js';
import { topK } from '../../../core/run/classes.js';
import { PREPROCESSING_PRESETS } from '../../../core/run/preprocessing.js';
import { imageToTensor, loadImage } from '../../services/images.js';
import type { BackendSession, NamedTensor } from '../backend.js';
import { onnxRuntimeBackend } from './backend.js';

const FIXTURES = new URL('../../../fixtures/', import.meta.url);

interface ParityModel {
  input_shape: number[];
  top5: number[];
  logits: number[];
  state_dict: StateDictEntry[];
}
const PARITY = (JSON.parse(readFileSync(new URL('parity.json', FIXTURES), 'utf8')) as { models: Record<string, ParityModel> }).models;
const DIGITS = JSON.parse(readFileSync(new URL('digits.json', FIXTURES), 'utf8')) as { cases: { file: string; label: number; softmax: number[] }[] };

const sessions: BackendSession[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.dispose()));
});

/** Bind, lower and build a template with the given tensors. */
async function buildWith(template: string, tensors: Map<string, Float32Array>): Promise<{ doc: NetworkDocument; session: BackendSession }> {
  const doc = autoBindWeights(
    buildTemplate(template)!,
    [...tensors].map(([name, values]) => ({ name, count: values.length })),
  );
  const lowered = lowerToProgram(doc, (name) => tensors.get(name));
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const built = await onnxRuntimeBackend.build(lowered.value);
  if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join('\n'));
  sessions.push(built.value);
  return { doc, session: built.value };
}

function wtsTensors(file: string): Map<string, Float32Array> {
  const decoded = decodeWts(readFileSync(new URL(file, FIXTURES)), { fileName: file });
  if (!decoded.ok) throw new Error(decoded.diagnostic.message);
  return new Map(decoded.tensors.map((t) => [t.name, t.values]));
}

async function runOne(session: BackendSession, input: NamedTensor): Promise<Float32Array> {
  const result = await session.run([input]);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.value[0]!.data as Float32Array;
}

function expectParity(actual: Float32Array, expected: ParityModel): void {
  const largest = Math.max(...expected.logits.map(Math.abs));
  const worst = Math.max(...expected.logits.map((v, i) => Math.abs(v - actual[i]!)));
  expect(actual.length).toBe(expected.logits.length);
  expect(worst).toBeLessThanOrEqual(1e-4 * largest);
  const top5 = [...actual.keys()].sort((a, b) => actual[b]! - actual[a]!).slice(0, 5);
  expect(top5).toEqual(expected.top5);
}

describe('parity with PyTorch through ONNX Runtime', () => {
  test('lenet5 with fixtures/lenet5.wts reproduces PyTorch softmax', async () => {
    const { session } = await buildWith('lenet5', wtsTensors('lenet5.wts'));
    const shape = PARITY.lenet5!.input_shape;
    const output = await runOne(session, { name: 'data', dtype: 'FLOAT', dims: shape, data: formulaInput(shape) });
    expectParity(output, PARITY.lenet5!);
  });

  test('resnet18 with formula weights reproduces PyTorch logits and top-5', async () => {
    const model = PARITY.resnet18!;
    const tensors = new Map(model.state_dict.map(([name, shape, dtype]) => [name, formulaTensor(name, shape, dtype)]));
    const { session } = await buildWith('resnet18', tensors);
    const output = await runOne(session, { name: 'data', dtype: 'FLOAT', dims: model.input_shape, data: formulaInput(model.input_shape) });
    expectParity(output, model);
  });

  test('the trained LeNet-5 classifies all 20 digit images as their labels with PyTorch softmax to 1e-5', async () => {
    const { session } = await buildWith('lenet5', wtsTensors('lenet5_digits.wts'));
    let correct = 0;
    for (const c of DIGITS.cases) {
      const image = await loadImage(new URL(`digits/${c.file}`, FIXTURES).pathname);
      if (!image.ok) throw new Error(image.diagnostics[0]!.message);
      const data = await imageToTensor(image.value, PREPROCESSING_PRESETS.mnist);
      const output = await runOne(session, { name: 'data', dtype: 'FLOAT', dims: [1, 1, 32, 32], data });
      const worst = Math.max(...c.softmax.map((v, i) => Math.abs(v - output[i]!)));
      expect(worst, c.file).toBeLessThan(1e-5);
      if (topK(output, 1)[0]!.index === c.label) correct++;
    }
    expect(correct).toBe(20);
  });

  test('profile reports latency statistics and per-layer times mapped to canvas nodes', async () => {
    const { doc, session } = await buildWith('lenet5', wtsTensors('lenet5.wts'));
    const result = await session.profile([{ name: 'data', dtype: 'FLOAT', dims: [1, 1, 32, 32], data: formulaInput([1, 1, 32, 32]) }], {
      iterations: 30,
      warmup: 5,
    });
    if (!result.ok) throw new Error(result.diagnostics[0]!.message);
    const { latency, layers } = result.value;
    expect(latency.iterations).toBe(30);
    expect(latency.minMs).toBeGreaterThan(0);
    expect(latency.minMs).toBeLessThanOrEqual(latency.p50Ms);
    expect(latency.p50Ms).toBeLessThanOrEqual(latency.p99Ms);
    expect(latency.throughput).toBeCloseTo(1000 / latency.meanMs, 6);
    const conv1 = doc.nodes.find((n) => n.name === 'conv1')!;
    // ORT fuses conv1 with relu1 into one kernel: one row names both, on both canvas nodes.
    const conv1Time = layers.find((l) => l.layerName === 'conv1 + relu1');
    expect(conv1Time?.nodeId).toBe(conv1.id);
    expect(conv1Time?.nodeIds).toEqual([conv1.id, doc.nodes.find((n) => n.name === 'relu1')!.id]);
    expect(conv1Time?.fusedFrom).toEqual(['conv1', 'relu1']);
    expect(conv1Time!.meanMs).toBeGreaterThan(0);
    expect(layers.reduce((sum, l) => sum + l.share, 0)).toBeCloseTo(1, 6);
  });

  test('a wrong input shape is a Diagnostic naming the input, and a cancelled run says so', async () => {
    const { session } = await buildWith('lenet5', wtsTensors('lenet5.wts'));
    const wrong = await session.run([{ name: 'data', dtype: 'FLOAT', dims: [1, 1, 28, 28], data: new Float32Array(784) }]);
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.diagnostics[0]!.message).toBe("The data for input 'data' has dims [1, 1, 28, 28], but the network expects [1, 1, 32, 32].");
    const controller = new AbortController();
    const pending = session.profile([{ name: 'data', dtype: 'FLOAT', dims: [1, 1, 32, 32], data: new Float32Array(1024) }], {
      iterations: 1_000_000,
      warmup: 0,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const cancelled = await pending;
    expect(cancelled.ok).toBe(false);
    if (!cancelled.ok) expect(cancelled.diagnostics[0]!.code).toBe('profile.cancelled');
  });
});
