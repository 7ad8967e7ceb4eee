/**
 * Round trip: for every template P with formula weights, import(export(P)) computes what P computes
 * on ONNX Runtime (≤ 1e-5 of the largest output), and reads as layers, not loose constants.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { lowerToProgram } from '../../lower/lower.js';
import { buildTemplate, listTemplates } from '../../templates/index.js';
import { formulaInput } from '../../weights/formula.js';
import { exportOnnx, importAndExport, relativeError, withFormulaWeights } from './parity.testing.js';

async function run(bytes: Uint8Array, name: string, dims: number[]): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const outputs = await session.run({ [name]: new ort.Tensor('float32', formulaInput(dims), dims) });
    return Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, t.data as Float32Array]));
  } finally {
    await session.release();
  }
}

describe('import(export(template)) matches the template on ONNX Runtime', () => {
  for (const template of listTemplates()) {
    test(template.name, { timeout: 240_000 }, async () => {
      const { doc, weights } = withFormulaWeights(buildTemplate(template.name)!);
      const original = exportOnnx(doc, weights);
      const { imported, bytes } = importAndExport(original);
      const input = doc.inputs[0]!;
      expect(imported.doc.inputs.map((i) => [i.name, i.dims])).toEqual([[input.name, input.dims]]);
      expect(imported.doc.outputs.map((o) => o.name)).toEqual(doc.outputs.map((o) => o.name));
      // Folded BatchNorms come back as CHANNEL scales and Linear layers as Linear: no weight is left as a loose
      // constant. Only what was a constant layer in P comes back as one (a detector head's anchor grids, strides).
      const lowered = lowerToProgram(doc, (name) => weights.get(name));
      if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
      const constantsInP = lowered.value.program.ops.filter((op) => op.op === 'addConstant').length;
      const constantsBack = imported.doc.nodes.filter((n) => n.type === 'addConstant').map((n) => n.name);
      if (constantsInP === 0) expect(constantsBack).toEqual([]);
      else expect(constantsBack.length).toBeLessThanOrEqual(constantsInP);
      expect(imported.doc.nodes.filter((n) => n.type === 'Linear').length).toBe(doc.nodes.filter((n) => n.type === 'Linear').length);
      const expected = await run(original, input.name, input.dims);
      const actual = await run(bytes, input.name, input.dims);
      for (const [name, values] of Object.entries(expected)) expect(relativeError(values, actual[name]!)).toBeLessThanOrEqual(1e-5);
    });
  }
});
