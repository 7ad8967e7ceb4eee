/**
 * A comparison on the canvas: which node each compared layer is, and the heat overlay of their
 * errors (the profile's mechanism, with the comparison's legend).
 */
import type { CompareLayer, CompareReport } from '../../core/api/compare-schemas.js';
import type { NetworkNode } from '../../core/network/types.js';
import { errorHeat, errorHeatStops, formatTolerance, type HeatLegend } from '../editor/heat.js';
import { formatNumber } from './format.js';

/**
 * The canvas node a compared layer is: the one the report names, else the node of that name, else the
 * block instance it lies inside (`layer3.0.conv1` is drawn as the instance `layer3.0`).
 */
export function nodeOfLayer(layer: Pick<CompareLayer, 'layer' | 'nodeId'>, nodes: readonly Pick<NetworkNode, 'id' | 'name'>[]): string | undefined {
  if (layer.nodeId && nodes.some((n) => n.id === layer.nodeId)) return layer.nodeId;
  let best: Pick<NetworkNode, 'id' | 'name'> | undefined;
  for (const n of nodes) {
    if (n.name === layer.layer) return n.id;
    if (layer.layer.startsWith(`${n.name}.`) && (!best || n.name.length > best.name.length)) best = n;
  }
  return best?.id;
}

/** A layer's result in words: `rel error 3.20e-2 > 1e-4: fails`, or its note when it could not be compared as numbers. */
export function layerVerdict(layer: CompareLayer, tolerance: number): string {
  if (layer.note) return `${layer.note}: fails`;
  return `rel error ${formatNumber(layer.relError)} ${layer.pass ? '≤' : '>'} ${formatTolerance(tolerance)}: ${layer.pass ? 'passes' : 'fails'}`;
}

/** Per node, the heat of the worst layer drawn as it, and the legend saying what the colours mean. */
export function compareOverlay(
  report: CompareReport,
  nodes: readonly Pick<NetworkNode, 'id' | 'name'>[],
): { heat: Record<string, number>; legend: HeatLegend } {
  const heat: Record<string, number> = {};
  const notes: Record<string, string> = {};
  for (const layer of report.layers) {
    const id = nodeOfLayer(layer, nodes);
    if (!id) continue;
    const value = layer.note ? 1 : errorHeat(layer.relError, report.tolerance);
    if (heat[id] !== undefined && heat[id] >= value) continue;
    heat[id] = value;
    notes[id] = `${layer.layer} against ${layer.reference}: ${layerVerdict(layer, report.tolerance)}`;
  }
  // Against a second backend, that backend's tensors are the reference.
  return {
    heat,
    legend: { source: 'compare', title: "Comparison: error relative to the reference's largest value", stops: errorHeatStops(report.tolerance), notes },
  };
}
