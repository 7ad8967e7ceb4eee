/**
 * Detection: `addNMS`, TensorRT's INMSLayer. TensorRT takes the box limit and the thresholds as scalar
 * tensors; here they are parameters, and every consumer makes them constants.
 */
import { formatDims } from '../shapes/dims.js';
import { enumParam } from './params.js';
import { fail, type PrimitiveSpec } from './types.js';

/** INMSLayer::setTopKBoxLimit's ceiling (2000 on SM 5.3 and 6.2 devices). */
export const NMS_TOPK_LIMIT = 5000;

export const addNMS: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addNMS',
  category: 'Reduction',
  label: 'NMS',
  aliases: [{ names: ['nms', 'nonmaxsuppression', 'batched_nms'] }],
  doc: 'Non-maximum suppression per image and class: the boxes kept, highest score first, as (batch, class, box) index triples.',
  params: [
    {
      name: 'boundingBoxFormat',
      kind: 'enum',
      enumType: 'BoundingBoxFormat',
      values: ['CORNER_PAIRS', 'CENTER_SIZES'],
      default: 'CORNER_PAIRS',
      doc: 'CORNER_PAIRS: (x1, y1, x2, y2), any two diagonal corners; CENTER_SIZES: (cx, cy, w, h).',
    },
    { name: 'maxOutputBoxesPerClass', kind: 'int', default: 100, min: 1, max: 2 ** 31 - 1, doc: 'At most this many boxes kept per image and class.' },
    {
      name: 'iouThreshold',
      kind: 'float',
      default: 0.45,
      min: 0,
      max: 1,
      doc: 'A box whose IoU with a kept box of its class is greater than this is dropped.',
    },
    { name: 'scoreThreshold', kind: 'float', default: 0.25, doc: 'Only boxes whose score is greater than this are considered.' },
    {
      name: 'topKBoxLimit',
      kind: 'int',
      default: NMS_TOPK_LIMIT,
      min: 1,
      max: NMS_TOPK_LIMIT,
      doc: 'Only the this many highest-scoring boxes of each image are considered (at most 5000; 2000 on SM 5.3/6.2).',
    },
    { name: 'indicesType', kind: 'enum', enumType: 'DataType', values: ['INT32', 'INT64'], default: 'INT32', doc: 'Data type of selectedIndices.' },
  ],
  inputs: [
    { name: 'boxes', doc: 'FLOAT or HALF [batch, boxes, 4], shared by every class.' },
    { name: 'scores', doc: 'The same type, [batch, boxes, classes].' },
  ],
  outputs: [
    { name: 'selectedIndices', doc: '[kept, 3]: (batch, class, box) per kept box; the count depends on the data.' },
    { name: 'numOutputBoxes', doc: 'INT32 scalar: how many rows of selectedIndices are filled.' },
  ],
  infer: (ctx) => {
    const boxes = ctx.inputs.boxes!;
    const scores = ctx.inputs.scores!;
    for (const [port, t] of [
      ['boxes', boxes],
      ['scores', scores],
    ] as const)
      if (t.dtype !== 'FLOAT' && t.dtype !== 'HALF') fail(`addNMS takes FLOAT or HALF ${port}, not ${t.dtype}`, port);
    if (boxes.dtype !== scores.dtype) fail(`boxes are ${boxes.dtype} but scores are ${scores.dtype}; they must be the same type`, 'scores');
    if (boxes.dims.length !== 3 || (boxes.dims[2]! >= 0 && boxes.dims[2] !== 4))
      fail(`boxes must be [batch, boxes, 4], got ${formatDims(boxes.dims)}`, 'boxes');
    if (scores.dims.length !== 3) fail(`scores must be [batch, boxes, classes], got ${formatDims(scores.dims)}`, 'scores');
    for (const axis of [0, 1]) {
      const [b, s] = [boxes.dims[axis]!, scores.dims[axis]!];
      if (b >= 0 && s >= 0 && b !== s)
        fail(`boxes ${formatDims(boxes.dims)} and scores ${formatDims(scores.dims)} differ in the ${axis === 0 ? 'batch' : 'box count'}`, 'scores');
    }
    return [
      { dims: [-1, 3], dtype: enumParam(ctx.params, 'indicesType') === 'INT64' ? 'INT64' : 'INT32' },
      { dims: [], dtype: 'INT32' },
    ];
  },
  summary: (p) => `IoU ${String(p.iouThreshold)}, score > ${String(p.scoreThreshold)}, ≤ ${String(p.maxOutputBoxesPerClass)}/class`,
};

export const detectionLayers = [addNMS];
