/**
 * The YOLO postprocess composite lowered to primitives, translated to ONNX and run on ONNX Runtime: its
 * fixed-size detections equal the host's decode and NMS (core/run/detection.ts over core/run/nms.ts) on
 * the same head output.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { getLayerSpec } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { lowerToProgram } from '../lower/lower.js';
import { emptyDocument, type Params } from '../network/types.js';
import { decodeYolo } from '../run/detection.js';
import { inferShapes } from '../shapes/infer.js';
import { translateProgram } from './translate.js';

function postprocessDoc(dims: number[], params: Params) {
  const doc = emptyDocument('postprocess');
  doc.inputs.push({ id: 'head', name: 'head', dtype: 'FLOAT', dims });
  doc.nodes.push({ id: 'post', type: 'YoloPostprocess', name: 'post', params: completeParams(getLayerSpec('YoloPostprocess')!.params, params) });
  doc.edges.push({ id: 'e0', from: { node: 'head', port: 'output' }, to: { node: 'post', port: 'input' } });
  doc.outputs.push({ name: 'detections', from: { node: 'post', port: 'detections' } }, { name: 'count', from: { node: 'post', port: 'count' } });
  return doc;
}

async function runPostprocess(head: Float32Array, dims: number[], params: Params): Promise<{ rows: number[][]; count: number }> {
  const lowered = lowerToProgram(postprocessDoc(dims, params), () => undefined);
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const onnx = translateProgram(lowered.value.program, lowered.value.weights);
  if (!onnx.ok) throw new Error(onnx.diagnostics.map((d) => d.message).join('\n'));
  const session = await ort.InferenceSession.create(onnx.value.bytes);
  const out = await session.run({ head: new ort.Tensor('float32', head, dims) });
  const flat = Array.from(out.detections!.data as Float32Array);
  return { rows: Array.from({ length: flat.length / 6 }, (_, i) => flat.slice(i * 6, i * 6 + 6)), count: Number((out.count!.data as Int32Array)[0]) };
}

/** A deterministic head output [1, 4 + nc, A]: clustered boxes (so NMS has work) and scores in [0, 1). */
function syntheticHead(nc: number, anchors: number): Float32Array {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const data = new Float32Array((4 + nc) * anchors);
  for (let a = 0; a < anchors; a++) {
    const cluster = a % 7;
    data[a] = 40 + cluster * 60 + random() * 12; // cx
    data[anchors + a] = 50 + (cluster % 3) * 90 + random() * 12; // cy
    data[2 * anchors + a] = 30 + random() * 40; // w
    data[3 * anchors + a] = 30 + random() * 40; // h
    for (let c = 0; c < nc; c++) data[(4 + c) * anchors + a] = random() ** 3;
  }
  return data;
}

describe('YoloPostprocess on ONNX Runtime', () => {
  it('infers [1, maxDetections, 6] and an INT32 count, and refuses an input that is no v8 head', () => {
    const shapes = inferShapes(postprocessDoc([1, 84, 8400], { maxDetections: 300 }));
    expect(shapes.diagnostics).toEqual([]);
    expect(shapes.nodes['post']!.outputs).toEqual({ detections: { dims: [1, 300, 6], dtype: 'FLOAT' }, count: { dims: [], dtype: 'INT32' } });
    const bad = inferShapes(postprocessDoc([1, 84, 8400, 1], {}));
    expect(bad.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('YOLO Postprocess takes a YOLOv8 head output [1, 4 + nc, anchors]; got [1, 84, 8400, 1]'),
    ]);
  });

  it('gives the rows the host decode and NMS give on the same head output, best first, zero rows after', async () => {
    const [nc, anchors] = [3, 400];
    const head = syntheticHead(nc, anchors);
    const { rows, count } = await runPostprocess(head, [1, 4 + nc, anchors], {
      iouThreshold: 0.45,
      scoreThreshold: 0.25,
      maxDetections: 50,
      maxOutputBoxesPerClass: 100,
    });
    const host = decodeYolo(head, [1, 4 + nc, anchors], { format: 'v8', conf: 0.25, iou: 0.45 });
    expect(host.length).toBeGreaterThan(5);
    expect(host.length).toBeLessThan(50);
    expect(count).toBe(host.length);
    const expected = host.map((d) => [...d.box, d.score, d.class]);
    expect(rows.slice(0, count).map((r) => r.map((v) => Math.fround(v)))).toEqual(expected.map((r) => r.map((v) => expect.closeTo(v, 4))));
    expect(rows.slice(count).every((r) => r.every((v) => v === 0))).toBe(true);
  });

  it('keeps the best maxDetections rows, and at most maxOutputBoxesPerClass per class', async () => {
    const [nc, anchors] = [3, 400];
    const head = syntheticHead(nc, anchors);
    const host = decodeYolo(head, [1, 4 + nc, anchors], { format: 'v8', conf: 0.25, iou: 0.45 });
    const few = await runPostprocess(head, [1, 4 + nc, anchors], { maxDetections: 4 });
    expect(few.count).toBe(4);
    expect(few.rows.map((r) => r[4])).toEqual(host.slice(0, 4).map((d) => expect.closeTo(d.score, 6)));
    const capped = await runPostprocess(head, [1, 4 + nc, anchors], { maxOutputBoxesPerClass: 1 });
    expect(
      capped.rows
        .slice(0, capped.count)
        .map((r) => r[5])
        .sort(),
    ).toEqual([...new Set(host.map((d) => d.class))].sort());
  });
});
