// Detection importers: NonMaxSuppression as addNMS (TensorRT's INMSLayer), and the control-flow ops that have no import.
import { NMS_TOPK_LIMIT } from '../../../layers/detection.js';
import { importFail, intValues, type NodeContext, type OpImporter } from '../context.js';
import { volume } from '../../../shapes/dims.js';

/** Without score_threshold ONNX considers every box; addNMS keeps scores greater than its threshold, so the lowest float. */
const NO_SCORE_THRESHOLD = -3.4028234663852886e38;

/** A scalar input known at import time, or `fallback` when it is absent. */
function scalar(ctx: NodeContext, i: number, what: string, fallback: number): number {
  const c = ctx.optionalConstant(i, what);
  if (!c) return fallback;
  if (volume(c.dims) !== 1) importFail(`its ${what} (input ${i + 1}) has ${volume(c.dims)} values; expected one`);
  return c.dtype === 'FLOAT' ? c.data[0]! : intValues(c)[0]!;
}

/**
 * NonMaxSuppression(boxes [batch, boxes, 4], scores [batch, classes, boxes], max_output_boxes_per_class,
 * iou_threshold, score_threshold) as onnx-tensorrt imports it: the scores transposed to TensorRT's
 * [batch, boxes, classes], center_point_box 0 as CORNER_PAIRS (ONNX's (y1, x1, y2, x2) are a pair of
 * diagonal corners too, and IoU does not change when x and y swap) and 1 as CENTER_SIZES, the box limit
 * and thresholds as the layer's constants (they must be known at import time), and only the
 * min(boxes, 5000) best boxes of each image considered (TensorRT's top-K limit). Both suppress
 * IoU > iou_threshold and keep score > score_threshold. ONNX's one output, selected_indices, INT64
 * [kept, 3] rows of (batch, class, box), is the layer's selectedIndices (indicesType INT64); its
 * numOutputBoxes, the row count, has no ONNX counterpart and stays unconnected.
 */
function nonMaxSuppression(ctx: NodeContext): void {
  const boxes = ctx.tensor(ctx.input(0), 'boxes');
  const scores = ctx.tensor(ctx.input(1), 'scores');
  const maxOutputBoxesPerClass = scalar(ctx, 2, 'max_output_boxes_per_class', 0);
  if (maxOutputBoxesPerClass <= 0)
    importFail(`its max_output_boxes_per_class is ${maxOutputBoxesPerClass} (0 when absent), which selects no box; TensorRT's NMS keeps at least 1 per class`);
  const iouThreshold = scalar(ctx, 3, 'iou_threshold', 0);
  const scoreThreshold = scalar(ctx, 4, 'score_threshold', NO_SCORE_THRESHOLD);
  const centerPointBox = ctx.int('center_point_box', 0);
  if (centerPointBox !== 0 && centerPointBox !== 1) importFail(`its center_point_box is ${centerPointBox}; expected 0 or 1`);
  if (scores.info.dims.length !== 3) importFail(`its scores are ${scores.info.dims.length}-D; expected [batch, classes, boxes]`);
  const boxCount = boxes.info.dims[1] ?? -1;
  ctx.reserveNodeName();
  const transposed = ctx.layer1('addShuffle', 'scores_transpose', { firstTranspose: [0, 2, 1] }, { input: scores });
  const [selected] = ctx.layer(
    'addNMS',
    '',
    {
      boundingBoxFormat: centerPointBox === 1 ? 'CENTER_SIZES' : 'CORNER_PAIRS',
      maxOutputBoxesPerClass: Math.min(maxOutputBoxesPerClass, 2 ** 31 - 1),
      iouThreshold,
      scoreThreshold,
      topKBoxLimit: boxCount > 0 ? Math.min(boxCount, NMS_TOPK_LIMIT) : NMS_TOPK_LIMIT,
      indicesType: 'INT64',
    },
    { boxes, scores: transposed },
  );
  ctx.output(0, selected!);
}

/** Ops with subgraphs: their bodies are graphs of their own, which the importer does not map to layers. */
export const CONTROL_FLOW_OPS = ['If', 'Loop', 'Scan'] as const;

export const DETECTION_IMPORTERS: Record<string, OpImporter> = {
  NonMaxSuppression: nonMaxSuppression,
};
