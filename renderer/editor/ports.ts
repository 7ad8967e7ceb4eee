/**
 * Where a node's ports sit, shared by the canvas (its handles) and auto-layout (ELK's ports), so a
 * laid-out chain's wires run straight from handle to handle. Left to right, inputs are on the left
 * edge and outputs on the right, one row each; top to bottom, inputs are on the top edge and outputs
 * on the bottom, spread around the middle.
 */
import { specIn } from '../../core/blocks/document-catalog.js';
import { outputPortNames } from '../../core/layers/catalog.js';
import type { PortSpec } from '../../core/layers/types.js';
import type { NetworkDocument, NetworkNode } from '../../core/network/types.js';

export type FlowDirection = 'LR' | 'TB';

/** Left to right: the first port's distance from the node's top, and the step between ports. */
export const PORT_TOP = 44;
export const PORT_STEP = 18;
/** Top to bottom: the step between ports along the edge. */
export const PORT_SPREAD = 28;

/** How many wires each variadic input of the layer has (`'2,1'`), or `''` when it has none. */
export function variadicWireCounts(doc: NetworkDocument, nodeId: string, ports: readonly PortSpec[]): string {
  if (!ports.some((p) => p.variadic)) return '';
  return ports
    .filter((p) => p.variadic)
    .map((p) => doc.edges.filter((e) => e.to.node === nodeId && e.to.port.startsWith(`${p.name}.`)).length)
    .join(',');
}

/** Port names of the inputs: a variadic input's wired slots plus one free slot to connect the next. */
export function inputPortNames(ports: readonly PortSpec[], variadicCounts: string): string[] {
  const counts = variadicCounts.split(',').map(Number);
  let v = 0;
  return ports.flatMap((p) => {
    if (!p.variadic) return [p.name];
    const n = Math.max((counts[v++] ?? 0) + 1, p.minCount ?? 1);
    return Array.from({ length: n }, (_, i) => `${p.name}.${i}`);
  });
}

/** A layer's input and output handle names, in the order the canvas draws them. */
export function layerPorts(doc: NetworkDocument, node: NetworkNode): { inputs: string[]; outputs: string[] } {
  const spec = specIn(doc, node.type);
  return {
    inputs: inputPortNames(spec?.inputs ?? [], variadicWireCounts(doc, node.id, spec?.inputs ?? [])),
    // A variadic output (a Split's) has one port per output its parameters give.
    outputs: spec ? outputPortNames(spec, node.params) : [],
  };
}

/**
 * The offset of port `index` of `count` along its edge: from the top (left to right) or from the
 * middle of the node (top to bottom).
 */
export function portOffset(direction: FlowDirection, index: number, count: number): number {
  return direction === 'LR' ? PORT_TOP + index * PORT_STEP : (index - (count - 1) / 2) * PORT_SPREAD;
}

/**
 * Which way the drawing runs, read from where the nodes are: top to bottom when most wires go
 * further down than right. Kept with the positions (nothing else to save), so a reopened project
 * shows its handles where its layout put them.
 */
export function flowDirection(doc: NetworkDocument): FlowDirection {
  let down = 0;
  let right = 0;
  for (const e of doc.edges) {
    const a = doc.ui.positions[e.from.node];
    const b = doc.ui.positions[e.to.node];
    if (!a || !b) continue;
    if (b.y - a.y > Math.abs(b.x - a.x)) down++;
    else right++;
  }
  return down > right ? 'TB' : 'LR';
}
