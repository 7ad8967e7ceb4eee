/**
 * Real exports: every `.onnx` in fixtures/onnx/ (PyTorch's exports made by
 * fixtures/onnx/export_torch.py; kept out of git) is run on ONNX Runtime as it is and after
 * import → export, on the formula input with dynamic dims at 1; the outputs must agree to 1e-5 of
 * the largest. When PyTorch's outputs sit beside the file (`<name>.json`), the import is compared
 * with them too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { formulaInput } from '../../weights/formula.js';
import { importAndExport, relativeError } from './parity.testing.js';

const FOLDER = new URL('../../../fixtures/onnx/', import.meta.url);
const MODELS = existsSync(FOLDER) ? readdirSync(FOLDER).filter((f) => f.endsWith('.onnx')) : [];

interface TorchReference {
  outputs: { shape: number[]; values: number[] }[];
}

async function run(bytes: Uint8Array): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      const meta = session.inputMetadata.find((m) => m.name === name);
      const shape = meta && meta.isTensor ? meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1)) : [1, 3, 224, 224];
      feeds[name] = new ort.Tensor('float32', formulaInput(shape), shape);
    }
    const outputs = await session.run(feeds);
    return session.outputNames.map((n) => Float32Array.from(outputs[n]!.data as Float32Array, Number));
  } finally {
    await session.release();
  }
}

describe.skipIf(MODELS.length === 0)('imported PyTorch exports in fixtures/onnx match ONNX Runtime', () => {
  for (const file of MODELS) {
    test(file, { timeout: 300_000 }, async () => {
      const original = new Uint8Array(readFileSync(new URL(file, FOLDER)));
      const { bytes } = importAndExport(original);
      const expected = await run(original);
      const actual = await run(bytes);
      expected.forEach((values, i) => expect(relativeError(values, actual[i]!), `output ${i}`).toBeLessThanOrEqual(1e-5));
      const referenceFile = new URL(file.replace(/\.onnx$/, '.json'), FOLDER);
      if (existsSync(referenceFile)) {
        const torch = JSON.parse(readFileSync(referenceFile, 'utf8')) as TorchReference;
        torch.outputs.forEach((o, i) => expect(relativeError(o.values, actual[i]!), `output ${i} against PyTorch`).toBeLessThanOrEqual(1e-4));
      }
    });
  }
});
