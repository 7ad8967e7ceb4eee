/**
 * The comparison report: every target's agreement with its reference in topological order, and the
 * first layer that fails. Shared by the compare job and `trt-studio compare`.
 */
import type { CompareAgainst, CompareLayer, CompareReport } from '../api/compare-schemas.js';
import type { BackendId } from '../api/schemas.js';
import type { CompareTarget } from './match.js';
import { layerAgreement } from './metrics.js';

/** A tensor with its dims: a layer's output or a reference array. */
export interface DimsTensor {
  dims: number[];
  data: Float32Array;
}

/** The pair of tensors behind one row, kept for `compare.tensors`. */
export interface ComparedPair {
  target: CompareTarget;
  actual: DimsTensor;
  reference: DimsTensor;
}

export interface ReportInput {
  pairs: readonly ComparedPair[];
  backend: BackendId;
  against: CompareAgainst;
  tolerance: number;
  unmatched: readonly string[];
}

/** One row per pair (already in topological order); firstFailing is the first row that fails. */
export function buildReport(input: ReportInput): CompareReport {
  const layers: CompareLayer[] = input.pairs.map(({ target, actual, reference }) => {
    const agreement = layerAgreement(actual.data, actual.dims, reference.data, reference.dims, input.tolerance);
    return {
      layer: target.layer,
      ...(target.nodeId !== undefined ? { nodeId: target.nodeId } : {}),
      reference: target.reference,
      dims: [...actual.dims],
      ...agreement,
    };
  });
  return {
    firstFailing: layers.find((l) => !l.pass)?.layer ?? null,
    layers,
    backend: input.backend,
    against: input.against,
    tolerance: input.tolerance,
    unmatched: [...input.unmatched],
  };
}
