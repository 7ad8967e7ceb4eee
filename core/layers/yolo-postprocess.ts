/**
 * The YOLO postprocess: what tensorrtx's NMS plugin does after a YOLOv8 head, in TensorRT primitives, so
 * an engine with no plugin ends in a fixed-size list of detections.
 *
 * From the decoded head [1, 4 + nc, A] (cx, cy, w, h in input pixels, then class scores): transpose to
 * [1, A, 4 + nc], split boxes and scores, turn centre-size boxes into corners (the output lists corners;
 * NMS reads them as CORNER_PAIRS), keep each box's best class only (as ultralytics' non_max_suppression
 * and the host decode do; INMSLayer alone would keep a box once per class above the threshold), run
 * INMSLayer, and gather each kept (box, class) into a row.
 *
 * Outputs:
 * - `detections` [1, maxDetections, 6] FLOAT: rows (x1, y1, x2, y2, score, class) in input pixels, the
 *   class as a float; TensorRT lists them by decreasing score (ONNX Runtime too: its translation sorts
 *   them); rows past the kept count are zero.
 * - `count` INT32 scalar: how many rows are filled, min(kept boxes, maxDetections).
 * (tensorrtx packs the count as the first float of one buffer; here it is an output of its own.)
 */
import { draftExpansion, type ExpansionDraft } from './blocks.js';
import { floatParam, intParam } from './params.js';
import { fail, type CompositeSpec, type ExpansionPort, type Params, type TensorInfo } from './types.js';

/** A FLOAT constant of fixed values. */
function addValues(d: ExpansionDraft, id: string, dims: number[], values: number[]): ExpansionPort {
  const out = d.add(id, 'addConstant', id, { dimensions: dims }, {});
  d.expansion.weights.push({ node: id, slot: 'weights', source: { kind: 'values', values } });
  return out;
}

/** A constant of INT32 indices (constants are FLOAT; the cast makes them indices, and keeps them exact at any precision). */
function addIndices(d: ExpansionDraft, id: string, dims: number[], values: number[]): ExpansionPort {
  return d.add(id, 'addCast', id, { toType: 'INT32' }, { input: addValues(d, `${id}.values`, dims, values) });
}

const op = (d: ExpansionDraft, id: string, operation: string, a: ExpansionPort, b: ExpansionPort) =>
  d.add(id, 'addElementWise', id, { operation }, { input1: a, input2: b });

const slice = (d: ExpansionDraft, id: string, input: ExpansionPort, start: number[], size: number[]) =>
  d.add(id, 'addSlice', id, { start, size, stride: start.map(() => 1) }, { input });

const gather = (d: ExpansionDraft, id: string, data: ExpansionPort, indices: ExpansionPort, mode: 'DEFAULT' | 'ND', axis = 0) =>
  d.add(id, 'addGatherV2', id, { mode, axis, nbElementWiseDims: 0 }, { data, indices });

/** Columns of a detections row. */
export const YOLO_DETECTION_COLUMNS = ['x1', 'y1', 'x2', 'y2', 'score', 'class'] as const;

export const YoloPostprocess: CompositeSpec = {
  kind: 'composite',
  type: 'YoloPostprocess',
  category: 'Blocks',
  label: 'YOLO Postprocess',
  aliases: [{ names: ['postprocess', 'yolo nms', 'efficientnms', 'detections', 'batchednms'] }],
  doc: "NMS inside the engine for a YOLOv8 head's [1, 4 + nc, anchors]: best class per box, corners, INMSLayer, and a fixed-size [1, maxDetections, 6] list of (x1, y1, x2, y2, score, class) with its count, as tensorrtx's NMS plugin gives.",
  params: [
    { name: 'maxOutputBoxesPerClass', kind: 'int', default: 100, min: 1, max: 2 ** 31 - 1, doc: 'At most this many boxes kept per class.' },
    {
      name: 'iouThreshold',
      kind: 'float',
      default: 0.45,
      min: 0,
      max: 1,
      doc: 'A box whose IoU with a kept box of its class is greater than this is dropped.',
    },
    { name: 'scoreThreshold', kind: 'float', default: 0.25, min: 0, max: 1, doc: 'Only boxes whose best class score is greater than this are kept.' },
    { name: 'maxDetections', kind: 'int', default: 300, min: 1, max: 5000, doc: 'Rows of the detections output; the best-scoring kept boxes fill them.' },
  ],
  inputs: [{ name: 'input', doc: "A YOLOv8 head's output [1, 4 + nc, anchors]: cx, cy, w, h in input pixels, then class scores." }],
  // YOLOv8 at 640×640 with COCO's 80 classes.
  exampleInputs: { input: { dims: [1, 84, 8400], dtype: 'FLOAT' } },
  outputs: [
    { name: 'detections', doc: '[1, maxDetections, 6] FLOAT: x1, y1, x2, y2 (input pixels), score, class; best first, zero rows after the last.' },
    { name: 'count', doc: 'INT32 scalar: the filled rows, min(kept boxes, maxDetections).' },
  ],
  expand: (params: Params, inputs?: Record<string, TensorInfo>) => {
    const head = inputs?.['input'];
    if (!head) fail('YOLO Postprocess needs its input connected to know the class and anchor counts');
    const [n, channels, anchors] = head.dims;
    if (head.dims.length !== 3 || n !== 1 || channels === undefined || channels < 5 || anchors === undefined || anchors < 1)
      fail(`YOLO Postprocess takes a YOLOv8 head output [1, 4 + nc, anchors]; got [${head.dims.join(', ')}]`, 'input');
    const nc = channels - 4;
    const maxDetections = intParam(params, 'maxDetections');
    const d = draftExpansion();
    // [1, 4 + nc, A] → [1, A, 4 + nc], then boxes (cx, cy, w, h) and scores.
    const rows = d.add(
      'transpose',
      'addShuffle',
      'transpose',
      { firstTranspose: [0, 2, 1], reshapeDimensions: [1, anchors, channels] },
      { input: { input: 'input' } },
    );
    const centre = slice(d, 'xy', rows, [0, 0, 0], [1, anchors, 2]);
    const size = slice(d, 'wh', rows, [0, 0, 2], [1, anchors, 2]);
    const scores = slice(d, 'scores', rows, [0, 0, 4], [1, anchors, nc]);
    const half = op(d, 'half_wh', 'PROD', size, addValues(d, 'half', [1, 1, 1], [0.5]));
    const corners = d.add(
      'boxes',
      'addConcatenation',
      'boxes',
      { axis: 2 },
      { 'inputs.0': op(d, 'x1y1', 'SUB', centre, half), 'inputs.1': op(d, 'x2y2', 'SUM', centre, half) },
    );
    // The best class of each box keeps its score, the others get 0 (ties keep every best class).
    const best = d.add('best', 'addReduce', 'best', { operation: 'MAX', axes: [2], keepDimensions: true }, { input: scores });
    const isBest = d.add('is_best', 'addCast', 'is_best', { toType: 'FLOAT' }, { input: op(d, 'is_best.equal', 'EQUAL', scores, best) });
    const bestScores = op(d, 'best_scores', 'PROD', scores, isBest);
    d.add(
      'nms',
      'addNMS',
      'nms',
      {
        boundingBoxFormat: 'CORNER_PAIRS',
        maxOutputBoxesPerClass: intParam(params, 'maxOutputBoxesPerClass'),
        iouThreshold: floatParam(params, 'iouThreshold'),
        scoreThreshold: floatParam(params, 'scoreThreshold'),
        topKBoxLimit: 5000,
        indicesType: 'INT32',
      },
      { boxes: corners, scores: bestScores },
    );
    const selected: ExpansionPort = { node: 'nms', port: 'selectedIndices' };
    // Each kept row (batch, class, box): its corners at boxes[box], its score at scores[box, class], its class.
    const boxColumn = gather(d, 'box_index', selected, addIndices(d, 'box_column', [1], [2]), 'DEFAULT', 1);
    const pairColumns = gather(d, 'box_class_index', selected, addIndices(d, 'box_class_columns', [2], [2, 1]), 'DEFAULT', 1);
    const classColumn = gather(d, 'class_index', selected, addIndices(d, 'class_column', [1], [1]), 'DEFAULT', 1);
    const boxTable = d.add('box_table', 'addShuffle', 'box_table', { reshapeDimensions: [anchors, 4] }, { input: corners });
    const scoreTable = d.add('score_table', 'addShuffle', 'score_table', { reshapeDimensions: [anchors, nc, 1] }, { input: bestScores });
    const kept = d.add(
      'kept',
      'addConcatenation',
      'kept',
      { axis: 1 },
      {
        'inputs.0': gather(d, 'kept_boxes', boxTable, boxColumn, 'ND'),
        'inputs.1': gather(d, 'kept_scores', scoreTable, pairColumns, 'ND'),
        'inputs.2': d.add('kept_classes', 'addCast', 'kept_classes', { toType: 'FLOAT' }, { input: classColumn }),
      },
    );
    // A fixed number of rows: the kept rows followed by maxDetections zero rows, of which the first maxDetections are taken.
    const firstRows = Array.from({ length: maxDetections }, (_, i) => i);
    const rowIndices = addIndices(d, 'row_indices', [maxDetections], firstRows);
    // An INT32 product, so that only an integer cast reads the row table: a reduced-precision build then keeps it
    // FLOAT, where the row numbers are exact (BF16 would round 257 to 256).
    const zeroIndices = op(d, 'zero_indices', 'PROD', rowIndices, addIndices(d, 'zero', [1], [0]));
    const zeros = gather(d, 'zero_rows', addValues(d, 'zero_row', [1, 6], [0, 0, 0, 0, 0, 0]), zeroIndices, 'DEFAULT');
    const padded = d.add('padded', 'addConcatenation', 'padded', { axis: 0 }, { 'inputs.0': kept, 'inputs.1': zeros });
    const fixed = gather(d, 'fixed', padded, rowIndices, 'DEFAULT');
    d.expansion.outputs.detections = d.add('detections', 'addShuffle', 'detections', { reshapeDimensions: [1, maxDetections, 6] }, { input: fixed });
    const cap = addIndices(d, 'max_detections', [], [maxDetections]);
    d.expansion.outputs.count = op(d, 'count', 'MIN', { node: 'nms', port: 'numOutputBoxes' }, cap);
    return d.expansion;
  },
  summary: (p) => `IoU ${String(p.iouThreshold)}, score > ${String(p.scoreThreshold)}, ${String(p.maxDetections)} rows`,
};

export const yoloPostprocessLayers = [YoloPostprocess];
