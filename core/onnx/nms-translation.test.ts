import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { getLayerSpec } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { lowerToProgram } from '../lower/lower.js';
import { emptyDocument, type Params } from '../network/types.js';
import { batchedNms } from '../run/nms.js';
import { translateProgram } from './translate.js';

// One image, four boxes, two classes; scores are [batch, boxes, classes] as TensorRT takes them.
const BOXES = [0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30, 0, 0, 10, 10];
const SCORES = [0.9, 0.1, 0.8, 0.85, 0.7, 0, 0.05, 0.6];

async function runNms(params: Params, boxes = BOXES): Promise<{ selected: number[][]; count: number; type: string }> {
  const doc = emptyDocument('nms');
  doc.inputs.push({ id: 'b', name: 'boxes', dtype: 'FLOAT', dims: [1, 4, 4] }, { id: 's', name: 'scores', dtype: 'FLOAT', dims: [1, 4, 2] });
  doc.nodes.push({ id: 'nms', type: 'addNMS', name: 'nms', params: completeParams(getLayerSpec('addNMS')!.params, params) });
  doc.edges.push({ id: 'e0', from: { node: 'b', port: 'output' }, to: { node: 'nms', port: 'boxes' } });
  doc.edges.push({ id: 'e1', from: { node: 's', port: 'output' }, to: { node: 'nms', port: 'scores' } });
  doc.outputs.push({ name: 'selected', from: { node: 'nms', port: 'selectedIndices' } }, { name: 'count', from: { node: 'nms', port: 'numOutputBoxes' } });
  const lowered = lowerToProgram(doc, () => undefined);
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const onnx = translateProgram(lowered.value.program, lowered.value.weights);
  if (!onnx.ok) throw new Error(onnx.diagnostics.map((d) => d.message).join('\n'));
  const session = await ort.InferenceSession.create(onnx.value.bytes);
  const out = await session.run({
    boxes: new ort.Tensor('float32', Float32Array.from(boxes), [1, 4, 4]),
    scores: new ort.Tensor('float32', Float32Array.from(SCORES), [1, 4, 2]),
  });
  const flat = Array.from(out.selected!.data as Int32Array | BigInt64Array, Number);
  const selected = Array.from({ length: flat.length / 3 }, (_, i) => flat.slice(i * 3, i * 3 + 3));
  return { selected, count: Number((out.count!.data as Int32Array)[0]), type: out.selected!.type };
}

describe('addNMS translated to ONNX NonMaxSuppression, run on ONNX Runtime', () => {
  test('keeps per class what batched NMS keeps, as (batch, class, box) rows, with their count', async () => {
    const { selected, count, type } = await runNms({ iouThreshold: 0.5, scoreThreshold: 0.25 });
    // Class 0 keeps boxes 0 and 2 (box 1 overlaps box 0 with IoU 0.68); class 1 keeps box 1 (box 3 overlaps it), and box 0's
    // 0.1 is not above the score threshold. Listed as TensorRT lists them, by score: 0.9, 0.85, 0.7.
    expect(selected).toEqual([
      [0, 0, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    expect(count).toBe(3);
    expect(type).toBe('int32');
    // The host NMS on the (box, class) pairs above the score threshold keeps the same ones.
    const pairs = [...Array(8).keys()].filter((i) => SCORES[i]! > 0.25);
    const box = (i: number) => BOXES.slice(Math.floor(i / 2) * 4, Math.floor(i / 2) * 4 + 4);
    const kept = batchedNms(
      pairs.map(box),
      pairs.map((i) => SCORES[i]!),
      pairs.map((i) => i % 2),
      0.5,
    ).map((k) => pairs[k]!);
    expect(kept.map((i) => [0, i % 2, Math.floor(i / 2)]).sort()).toEqual([...selected].sort());
  });

  test('CENTER_SIZES reads (cx, cy, w, h), and maxOutputBoxesPerClass caps each class', async () => {
    const centred = [5, 5, 10, 10, 6, 6, 10, 10, 25, 25, 10, 10, 5, 5, 10, 10];
    expect((await runNms({ boundingBoxFormat: 'CENTER_SIZES', iouThreshold: 0.5, scoreThreshold: 0.25 }, centred)).selected).toEqual([
      [0, 0, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    const capped = await runNms({ iouThreshold: 0.5, scoreThreshold: 0.25, maxOutputBoxesPerClass: 1, indicesType: 'INT64' });
    expect(capped.selected).toEqual([
      [0, 0, 0],
      [0, 1, 1],
    ]);
    expect(capped.type).toBe('int64');
  });
});
