/**
 * The googlenet template profiled on ONNX Runtime now, with the fixtures' formula weights: ORT fuses
 * each convolution with its BatchNorm and ReLU, and the profile says so instead of charging the
 * convolution's time to the BatchNorm.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { lowerToProgram } from '../../../core/lower/lower.js';
import { buildTemplate } from '../../../core/templates/index.js';
import { autoBindWeights } from '../../../core/weights/binding.js';
import { formulaInput, formulaTensor, type StateDictEntry } from '../../../core/weights/formula.js';
import type { BackendSession } from '../backend.js';
import { onnxRuntimeBackend } from './backend.js';

const MODELS = JSON.parse(readFileSync(new URL('../../../fixtures/models.json', import.meta.url), 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>;

let session: BackendSession | undefined;
afterAll(() => session?.dispose());

describe('googlenet profiled on ONNX Runtime', () => {
  test('shows every convolution in one fused row with its BatchNorm and ReLU, on its canvas node', { timeout: 180_000 }, async () => {
    const tensors = new Map(MODELS['googlenet']!.state_dict.map(([name, shape, dtype]) => [name, formulaTensor(name, shape, dtype)]));
    const doc = autoBindWeights(
      buildTemplate('googlenet')!,
      [...tensors].map(([name, values]) => ({ name, count: values.length })),
    );
    const lowered = lowerToProgram(doc, (name) => tensors.get(name));
    if (!lowered.ok) throw new Error(lowered.diagnostics[0]!.message);
    const built = await onnxRuntimeBackend.build(lowered.value);
    if (!built.ok) throw new Error(built.diagnostics[0]!.message);
    session = built.value;
    const profiled = await session.profile([{ name: 'data', dtype: 'FLOAT', dims: [1, 3, 224, 224], data: formulaInput([1, 3, 224, 224]) }], {
      iterations: 2,
      warmup: 1,
    });
    if (!profiled.ok) throw new Error(profiled.diagnostics[0]!.message);
    const rows = profiled.value.layers;

    const convolutions = lowered.value.program.ops.filter((op) => op.op === 'addConvolutionNd');
    expect(convolutions).toHaveLength(57);
    for (const conv of convolutions) {
      const block = conv.layerName.replace(/\.conv$/, '');
      const covering = rows.filter((r) => r.fusedFrom?.includes(conv.layerName));
      expect(covering.map((r) => [r.layerName, r.nodeId])).toEqual([[`${block}.conv + ${block}.bn.scale + ${block}.relu`, conv.nodeId]]);
      expect(covering[0]!.meanMs).toBeGreaterThan(0);
    }
    // No BatchNorm (nor ReLU) has a row of its own: none is charged with a convolution's time.
    expect(rows.filter((r) => !r.fusedFrom && /\.(bn\.scale|relu)$/.test(r.layerName)).map((r) => r.layerName)).toEqual([]);
    // What belongs to no layer says what it is.
    for (const r of rows.filter((row) => row.nodeId === undefined)) expect(r.internal).toMatch(/^ONNX Runtime converting a tensor .* NCHWc layout/);
    expect(rows.reduce((sum, r) => sum + r.share, 0)).toBeCloseTo(1, 9);
  });
});
