/**
 * The ONNX importer registry: one function per ONNX op (onnx-tensorrt's builtin op importers),
 * by family in this folder. Adding an op is one line in its family's table.
 */
import { importFail, type OpImporter } from '../context.js';
import { ACTIVATION_IMPORTERS } from './activation.js';
import { CONVOLUTION_IMPORTERS } from './convolution.js';
import { DETECTION_IMPORTERS } from './detection.js';
import { FOLDED_ONLY, LAYOUT_IMPORTERS } from './layout.js';
import { MATH_IMPORTERS } from './math.js';

export const IMPORTERS: Readonly<Record<string, OpImporter>> = {
  ...CONVOLUTION_IMPORTERS,
  ...ACTIVATION_IMPORTERS,
  ...MATH_IMPORTERS,
  ...LAYOUT_IMPORTERS,
  ...DETECTION_IMPORTERS,
  ...Object.fromEntries(FOLDED_ONLY.map((op) => [op, () => importFail('its inputs must be known at import time, but they are computed by the network')])),
};
