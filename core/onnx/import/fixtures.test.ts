/**
 * Real exports. Every `.onnx` in fixtures/onnx/ (PyTorch's exports made by
 * fixtures/onnx/export_torch.py; kept out of git) is run on ONNX Runtime as it is and after
 * import → export, on the formula input with dynamic dims at 1; the outputs must agree to 1e-5 of
 * the largest. When PyTorch's outputs sit beside the file (`<name>.json`), the import is compared
 * with them too.
 *
 * Every `.onnx` in fixtures/onnx/graphs/ (committed) is the same export without its weights: its
 * FLOAT initializers of more than 16 values point into an external data file that is not shipped.
 * The test writes that file into a temporary folder from the weight formula by initializer name
 * (the names `<name>.json` lists as `positive` get positive values), runs ONNX Runtime on the model
 * from that folder, where it finds the file, and compares with the import → export the same way.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, test } from 'vitest';
import { formulaInput } from '../../weights/formula.js';
import { formulaExternalData } from './external-data.testing.js';
import { buildModel, floatTensor, type ModelSpec } from './onnx-builder.testing.js';
import { importAndExport, relativeError } from './parity.testing.js';

const FOLDER = new URL('../../../fixtures/onnx/', import.meta.url);
const GRAPHS = new URL('graphs/', FOLDER);
const onnxFiles = (folder: URL) => (existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.onnx')) : []);
const MODELS = onnxFiles(FOLDER);
const GRAPH_MODELS = onnxFiles(GRAPHS);

interface TorchReference {
  outputs: { shape: number[]; values: number[] }[];
}

/** What export_torch.py writes beside a stripped graph. */
interface GraphInfo {
  positive: string[];
}

/** The model (bytes, or a path so ONNX Runtime finds external data beside it) on the formula input, dynamic dims at 1. */
async function run(model: Uint8Array | string): Promise<Float32Array[]> {
  // A path, not bytes, where the model keeps data in external files: ONNX Runtime reads them from the model's folder.
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model);
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

const temporary: string[] = [];
afterAll(() => {
  for (const folder of temporary) rmSync(folder, { recursive: true, force: true });
});

/**
 * A stripped graph with its external data written from the formula: ONNX Runtime on it (from a
 * temporary folder) and on our import → export agree to 1e-5 of the largest output. Returns the
 * values written, by initializer name, and both runs' outputs.
 */
async function expectGraphParity(model: Uint8Array, fileName: string, positive: readonly string[]) {
  const folder = mkdtempSync(join(tmpdir(), 'trt-onnx-graph-'));
  temporary.push(folder);
  const path = join(folder, fileName);
  writeFileSync(path, model);
  const { files, values: written } = formulaExternalData(model, new Set(positive));
  for (const [location, bytes] of files) {
    mkdirSync(dirname(join(folder, location)), { recursive: true });
    writeFileSync(join(folder, location), bytes);
  }
  const readExternal = (location: string) => (existsSync(join(folder, location)) ? new Uint8Array(readFileSync(join(folder, location))) : undefined);
  const { bytes } = importAndExport(model, { readExternal });
  const expected = await run(path);
  const actual = await run(bytes);
  expect(actual.length).toBe(expected.length);
  expected.forEach((values, i) => expect(relativeError(values, actual[i]!), `output ${i}`).toBeLessThanOrEqual(1e-5));
  return { written, expected, actual };
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

describe.skipIf(GRAPH_MODELS.length === 0)('PyTorch exports in fixtures/onnx/graphs, weights from the formula, match ONNX Runtime', () => {
  for (const file of GRAPH_MODELS) {
    test(file, { timeout: 300_000 }, async () => {
      const model = new Uint8Array(readFileSync(new URL(file, GRAPHS)));
      const infoFile = new URL(file.replace(/\.onnx$/, '.json'), GRAPHS);
      const info = existsSync(infoFile) ? (JSON.parse(readFileSync(infoFile, 'utf8')) as GraphInfo) : { positive: [] };
      const refusal = ORT_REFUSES[file];
      if (refusal) return expectRefusedByOrtButImported(model, file, info.positive, refusal);
      await expectGraphParity(model, file, info.positive);
    });
  }
});

/**
 * Exports that ONNX Runtime itself will not load. PyTorch 2.11's dynamo exporter, asked for opset 17,
 * writes yolov8n's chunk as a Split with opset 18's `num_outputs` attribute; the importer reads it as
 * opset 18 would. When a later PyTorch writes a valid file, the refusal check fails and the entry goes.
 */
const ORT_REFUSES: Record<string, string> = {
  'yolov8n.dynamo.onnx': 'Unrecognized attribute: num_outputs for operator Split',
};

async function expectRefusedByOrtButImported(model: Uint8Array, fileName: string, positive: readonly string[], refusal: string) {
  const folder = mkdtempSync(join(tmpdir(), 'trt-onnx-graph-'));
  temporary.push(folder);
  writeFileSync(join(folder, fileName), model);
  const { files } = formulaExternalData(model, new Set(positive));
  for (const [location, bytes] of files) writeFileSync(join(folder, location), bytes);
  await expect(run(join(folder, fileName))).rejects.toThrow(refusal);
  const readExternal = (location: string) => (existsSync(join(folder, location)) ? new Uint8Array(readFileSync(join(folder, location))) : undefined);
  const { bytes } = importAndExport(model, { readExternal });
  const [output] = await run(bytes);
  // No runtime loads the original to compare with; the TorchScript export of the same model is compared above.
  expect(output!.length).toBe(84 * 8400);
  expect(output!.every(Number.isFinite)).toBe(true);
}

describe('a graph whose weights are external data, written from the formula', () => {
  // What export_torch.py leaves of an export: initializers of more than 16 values point into '<file>.data'
  // at sequential offsets; smaller ones stay in the model. The variance is positive only through `positive`.
  function stripped(fileName: string): ModelSpec {
    const location = `${fileName}.data`;
    let offset = 0;
    const external = (name: string, dims: number[]) => {
      const length = 4 * dims.reduce((a, b) => a * b, 1);
      const t = {
        name,
        dims,
        dataType: 1,
        dataLocation: 1,
        externalData: [
          { key: 'location', value: location },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(length) },
        ],
      };
      offset += length;
      return t;
    };
    return {
      inputs: [{ name: 'input', dims: ['batch', 3, 8, 8] }],
      outputs: [{ name: 'output0' }],
      initializers: [
        external('onnx::Conv_10', [20, 3, 3, 3]),
        external('onnx::BatchNormalization_11', [20]),
        external('onnx::BatchNormalization_12', [20]),
        external('onnx::BatchNormalization_13', [20]),
        external('onnx::BatchNormalization_14', [20]),
        external('fc.weight', [5, 20]),
        floatTensor('fc.bias', [5], [0.5, -0.25, 0.125, 0, 1]),
      ],
      nodes: [
        { op: 'Conv', name: '/conv/Conv', inputs: ['input', 'onnx::Conv_10'], outputs: ['c'], attributes: { pads: [1, 1, 1, 1] } },
        {
          op: 'BatchNormalization',
          name: '/bn/BatchNormalization',
          inputs: ['c', 'onnx::BatchNormalization_11', 'onnx::BatchNormalization_12', 'onnx::BatchNormalization_13', 'onnx::BatchNormalization_14'],
          outputs: ['b'],
        },
        { op: 'Relu', inputs: ['b'], outputs: ['r'] },
        { op: 'GlobalAveragePool', inputs: ['r'], outputs: ['g'] },
        { op: 'Flatten', inputs: ['g'], outputs: ['f'] },
        { op: 'Gemm', name: '/fc/Gemm', inputs: ['f', 'fc.weight', 'fc.bias'], outputs: ['output0'], attributes: { transB: 1 } },
      ],
    };
  }

  test('ONNX Runtime reads the written file beside the model, the import reads the same values, and they agree', async () => {
    const model = buildModel(stripped('tiny.torchscript.onnx'));
    const { written, expected } = await expectGraphParity(model, 'tiny.torchscript.onnx', ['onnx::BatchNormalization_14']);
    expect([...written.keys()]).toEqual([
      'onnx::Conv_10',
      'onnx::BatchNormalization_11',
      'onnx::BatchNormalization_12',
      'onnx::BatchNormalization_13',
      'onnx::BatchNormalization_14',
      'fc.weight',
    ]);
    // The variance from `positive`: 1 + 0.25·(u + 1); without it the formula would give values around 0, some negative.
    const variance = written.get('onnx::BatchNormalization_14')!;
    expect(Math.min(...variance)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...variance)).toBeLessThan(1.5);
    expect(expected[0]!.length).toBe(5);
    expect(expected[0]!.every(Number.isFinite)).toBe(true);
  });

  test('without the external file the import says which tensor and file are missing', () => {
    const model = buildModel(stripped('lost.dynamo.onnx'));
    expect(() => importAndExport(model, { readExternal: () => undefined })).toThrow(
      "Initializer 'onnx::Conv_10' keeps its data in 'lost.dynamo.onnx.data' next to the model, which cannot be read.",
    );
  });
});
