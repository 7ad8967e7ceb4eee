/**
 * NonMaxSuppression and LpPool imported, run on ONNX Runtime as they are and after import → export
 * (the same comparison as ops.test.ts, with inputs chosen so NMS has boxes to suppress); and the
 * control-flow ops, which are named as not supported.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { formulaTensor } from '../../weights/formula.js';
import { importOnnx } from './import.js';
import { buildModel, floatTensor, int64Tensor, type ModelSpec } from './onnx-builder.testing.js';
import { importAndExport, relativeError } from './parity.testing.js';

type Feeds = Record<string, { dims: number[]; values: ArrayLike<number> }>;

async function run(bytes: Uint8Array, feeds: Feeds): Promise<Record<string, { type: string; dims: readonly number[]; values: number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor('float32', Float32Array.from(f.values), f.dims)]));
    const outputs = await session.run(inputs);
    return Object.fromEntries(
      Object.entries(outputs).map(([k, t]) => [k, { type: t.type, dims: t.dims, values: Array.from(t.data as Float32Array | BigInt64Array, Number) }]),
    );
  } finally {
    await session.release();
  }
}

/**
 * The model as it is and imported → exported give the same outputs (exactly for integers, 1e-5 of the
 * largest for floats). With `rowWidth`, integer outputs are compared as the same rows in any order:
 * ONNX lists NMS's kept boxes class by class, TensorRT (and so our export) by falling score.
 */
async function expectParity(spec: ModelSpec, feeds: Feeds, rowWidth?: number) {
  const original = buildModel(spec);
  const { imported, bytes } = importAndExport(original);
  const expected = await run(original, feeds);
  const actual = await run(bytes, feeds);
  for (const [name, out] of Object.entries(expected)) {
    expect(actual[name]?.type, name).toBe(out.type);
    expect(actual[name]?.dims, name).toEqual(out.dims);
    if (out.type === 'float32') expect(relativeError(out.values, actual[name]!.values), name).toBeLessThanOrEqual(1e-5);
    else if (rowWidth) expect(sortedRows(actual[name]!.values, rowWidth), name).toEqual(sortedRows(out.values, rowWidth));
    else expect(actual[name]!.values, name).toEqual(out.values);
  }
  return { imported, expected, actual };
}

const sortedRows = (values: number[], width: number) =>
  Array.from({ length: values.length / width }, (_, i) => values.slice(width * i, width * i + width).join(',')).sort();
const types = (doc: { nodes: { type: string }[] }) => doc.nodes.map((n) => n.type);
const rows = (values: number[]) => Array.from({ length: values.length / 3 }, (_, i) => values.slice(3 * i, 3 * i + 3));

// Six boxes in two images' worth of one batch: 0 and 1 overlap (IoU 0.68), 2 is apart, 3 overlaps 2 a little (IoU 0.14),
// 4 equals 0, 5 is far away. As corners (x1, y1, x2, y2); the CENTER_SIZES case gives the same boxes as (cx, cy, w, h).
const CORNERS = [0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30, 25, 25, 35, 35, 0, 0, 10, 10, 50, 50, 52, 52];
const CENTERS = Array.from({ length: 6 }, (_, i) => {
  const [x1, y1, x2, y2] = CORNERS.slice(4 * i, 4 * i + 4) as [number, number, number, number];
  return [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1];
}).flat();
// Scores [batch 1, classes 2, boxes 6], as ONNX orders them.
const SCORES = [0.9, 0.8, 0.7, 0.6, 0.5, 0.05, 0.1, 0.95, 0.3, 0.85, 0.2, 0.4];

function nmsModel(
  centerPointBox: number,
  extraInputs: string[],
  initializers = [int64Tensor('max_boxes', [1], [2]), floatTensor('iou', [1], [0.5]), floatTensor('score', [1], [0.15])],
): ModelSpec {
  return {
    opset: 17,
    inputs: [
      { name: 'boxes', dims: [1, 6, 4] },
      { name: 'scores', dims: [1, 2, 6] },
    ],
    outputs: [{ name: 'selected', dims: ['kept', 3], elemType: 7 }],
    initializers,
    nodes: [
      {
        op: 'NonMaxSuppression',
        name: '/nms',
        inputs: ['boxes', 'scores', ...extraInputs],
        outputs: ['selected'],
        attributes: { center_point_box: centerPointBox },
      },
    ],
  };
}

describe('NonMaxSuppression imports as addNMS', () => {
  test('corner boxes with a box limit and both thresholds: the same (batch, class, box) rows as ONNX Runtime', async () => {
    const { imported, expected, actual } = await expectParity(
      nmsModel(0, ['max_boxes', 'iou', 'score']),
      {
        boxes: { dims: [1, 6, 4], values: CORNERS },
        scores: { dims: [1, 2, 6], values: SCORES },
      },
      3,
    );
    // Class 0: box 0 (0.9), box 1 overlaps it, box 2 (0.7); the limit of 2 stops there. Class 1: box 1 (0.95), box 3 (0.85).
    expect(rows(expected.selected!.values)).toEqual([
      [0, 0, 0],
      [0, 0, 2],
      [0, 1, 1],
      [0, 1, 3],
    ]);
    // The imported layer lists them as TensorRT does: by falling score (0.95, 0.9, 0.85, 0.7).
    expect(rows(actual.selected!.values)).toEqual([
      [0, 1, 1],
      [0, 0, 0],
      [0, 1, 3],
      [0, 0, 2],
    ]);
    expect(types(imported.doc)).toEqual(['addShuffle', 'addNMS']);
    const nms = imported.doc.nodes[1]!;
    expect([nms.name, nms.params]).toEqual([
      '/nms',
      {
        boundingBoxFormat: 'CORNER_PAIRS',
        maxOutputBoxesPerClass: 2,
        iouThreshold: 0.5,
        scoreThreshold: Math.fround(0.15),
        topKBoxLimit: 6,
        indicesType: 'INT64',
      },
    ]);
    expect([imported.doc.nodes[0]!.name, imported.doc.nodes[0]!.params.firstTranspose]).toEqual(['/nms/scores_transpose', [0, 2, 1]]);
  });

  test('center_point_box 1 as CENTER_SIZES, no score threshold (every box considered) and a limit above the box count', async () => {
    const { imported, expected } = await expectParity(
      nmsModel(1, ['max_boxes', 'iou'], [int64Tensor('max_boxes', [], [100]), floatTensor('iou', [], [0.1])]),
      {
        boxes: { dims: [1, 6, 4], values: CENTERS },
        scores: { dims: [1, 2, 6], values: SCORES },
      },
      3,
    );
    // IoU 0.1 also suppresses box 3 behind box 2 (0.14); box 5 is kept in both classes even at a score of 0.05.
    expect(rows(expected.selected!.values)).toEqual([
      [0, 0, 0],
      [0, 0, 2],
      [0, 0, 5],
      [0, 1, 1],
      [0, 1, 3],
      [0, 1, 5],
    ]);
    expect(imported.doc.nodes[1]!.params).toMatchObject({ boundingBoxFormat: 'CENTER_SIZES', maxOutputBoxesPerClass: 100, iouThreshold: Math.fround(0.1) });
    expect(imported.doc.nodes[1]!.params.scoreThreshold).toBeLessThan(-1e38);
  });

  test('without max_output_boxes_per_class (ONNX then selects nothing) the node is refused, by name', () => {
    const result = importOnnx(buildModel(nmsModel(0, [])));
    expect(result.diagnostics?.map((d) => d.message)).toEqual([
      "Node '/nms' (NonMaxSuppression) cannot be imported: its max_output_boxes_per_class is 0 (0 when absent), which selects no box; TensorRT's NMS keeps at least 1 per class.",
    ]);
  });

  test('thresholds computed by the network cannot be layer constants', () => {
    const spec = nmsModel(0, ['max_boxes', 'iou_computed']);
    spec.nodes.unshift({ op: 'ReduceMax', name: 'iou_from_scores', inputs: ['scores'], outputs: ['iou_computed'], attributes: { keepdims: 0 } });
    expect(importOnnx(buildModel(spec)).diagnostics?.map((d) => d.message)).toEqual([
      "Node '/nms' (NonMaxSuppression) cannot be imported: its iou_threshold (input 4, 'iou_computed') must be known at import time, but it is computed by the network.",
    ]);
  });
});

describe('LpPool imports as primitives', () => {
  const x = { dims: [1, 3, 9, 9], values: formulaTensor('x', [1, 3, 9, 9]) };
  const pool = (p: number, attributes: ModelSpec['nodes'][number]['attributes'], opset = 17): ModelSpec => ({
    opset,
    inputs: [{ name: 'x', dims: [1, 3, 9, 9] }],
    outputs: [{ name: 'y' }],
    nodes: [{ op: 'LpPool', name: '/lppool', inputs: ['x'], outputs: ['y'], attributes: { p, ...attributes } }],
  });

  test('p = 2 with padding and stride: x·x, an average pool counting the padding, × window size, square root', async () => {
    const { imported } = await expectParity(pool(2, { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }), { x });
    expect(imported.doc.nodes.map((n) => [n.name, n.type, n.params.operation ?? n.params.type ?? ''])).toEqual([
      ['/lppool', 'addElementWise', 'PROD'],
      ['/lppool/pool', 'addPoolingNd', 'AVERAGE'],
      ['/lppool/b', 'addConstant', ''],
      ['/lppool/sum', 'addElementWise', 'PROD'],
      ['/lppool/sqrt', 'addUnary', 'SQRT'],
    ]);
  });

  test('p = 1 (Σ|x|), and ceil_mode (opset 18) with the last window reaching past the end', async () => {
    const { imported } = await expectParity(pool(1, { kernel_shape: [2, 3], strides: [2, 2] }), { x });
    expect(types(imported.doc)).toEqual(['addUnary', 'addPoolingNd', 'addConstant', 'addElementWise']);
    await expectParity(pool(1, { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, 18), { x });
    await expectParity(pool(2, { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0], ceil_mode: 1 }, 18), { x });
  });

  test('other p are refused, by name', () => {
    expect(importOnnx(buildModel(pool(3, { kernel_shape: [2, 2] }))).diagnostics?.map((d) => d.message)).toEqual([
      "Node '/lppool' (LpPool) cannot be imported: its p is 3; LpPool is imported for p = 1 and 2.",
    ]);
  });
});

describe('control flow is named as not supported', () => {
  test('If and Loop are listed with their nodes among every unsupported op, and nothing is imported', () => {
    const branch = (name: string, value: number) => ({
      name,
      node: [{ opType: 'Constant', output: [`${name}_out`], attribute: [{ name: 'value', type: 4, t: floatTensor('', [1], [value]) }] }],
      output: [{ name: `${name}_out`, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } }],
    });
    const bytes = buildModel({
      opset: 17,
      inputs: [
        { name: 'x', dims: [1] },
        { name: 'flag', dims: [], elemType: 9 },
      ],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: [int64Tensor('trips', [], [3])],
      nodes: [
        {
          op: 'If',
          name: '/head/If',
          inputs: ['flag'],
          outputs: ['chosen'],
          attributes: { then_branch: { graph: branch('then', 1) }, else_branch: { graph: branch('else', 2) } },
        },
        { op: 'Add', inputs: ['x', 'chosen'], outputs: ['y'] },
        { op: 'Loop', name: '/decode/Loop', inputs: ['trips', '', 'x'], outputs: ['z'], attributes: { body: { graph: branch('body', 0) } } },
        { op: 'NonZero', name: 'nz', inputs: ['x'], outputs: ['unused'] },
      ],
    });
    expect(importOnnx(bytes)).toEqual({
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'onnx.import.unsupported',
          message:
            "The model (opset 17) uses 3 ops that cannot be imported, in 3 nodes: If ×1 ('/head/If', control flow with subgraphs, which is not supported); " +
            "Loop ×1 ('/decode/Loop', control flow with subgraphs, which is not supported); NonZero ×1 ('nz').",
        },
      ],
    });
  });
});

describe('a Split of a tensor with a dynamic batch', () => {
  const spec: ModelSpec = {
    inputs: [{ name: 'x', dims: ['batch', 4, 2, 2] }],
    outputs: [{ name: 'a' }, { name: 'b' }],
    nodes: [{ op: 'Split', name: 'halves', inputs: ['x', 'sizes'], outputs: ['a', 'b'], attributes: { axis: 1 } }],
    initializers: [int64Tensor('sizes', [2], [2, 2])],
  };

  test('imports at batch 1, says so, and still runs like the original at batch 1', async () => {
    const result = importOnnx(buildModel(spec));
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    expect(result.value.doc.inputs[0]!.dims).toEqual([1, 4, 2, 2]);
    expect(result.value.dynamicDims).toEqual([]);
    expect(result.value.fixedDims).toEqual([{ input: 'x', axis: 0, name: 'batch' }]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'onnx.import.fixedDims',
        message:
          "The dynamic dimension 'x' axis 0 ('batch') was fixed at 1: 'halves' slice a tensor whose every dimension must be known. Change the input's dims to import or build for another size.",
      }),
    ]);
    await expectParity(spec, { x: { dims: [1, 4, 2, 2], values: Array.from({ length: 16 }, (_, i) => i - 7.5) } });
  });
});
