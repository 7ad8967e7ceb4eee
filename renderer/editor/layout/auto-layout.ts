/** Auto-layout of the whole network or a selection, computed by elkjs in a Web Worker. */
import { emptyDocument, type NetworkDocument } from '../../../core/network/types.js';
import type { FlowDirection } from '../ports.js';
import { layoutRequest, memberPositions } from './elk-graph.js';
import type { LayoutRequest, LayoutResponse } from './layout-protocol.js';

let worker: Worker | undefined;
let serial = 0;
const waiting = new Map<number, (response: LayoutResponse) => void>();

function layoutWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<LayoutResponse>) => {
      waiting.get(event.data.serial)?.(event.data);
      waiting.delete(event.data.serial);
    };
  }
  return worker;
}

/** Start the worker and lay out a one-node graph, so the first real layout (a template) does not wait for elkjs to load. */
export function warmUpLayout(): void {
  const doc: NetworkDocument = { ...emptyDocument(), nodes: [{ id: 'warm', type: 'addIdentity', name: 'warm', params: {} }] };
  void computeLayout(doc, 'LR').catch(() => undefined);
}

/**
 * New positions for `ids` (all layers and inputs when empty). A laid-out selection keeps its
 * top-left corner where it was, so it does not jump across the canvas.
 */
export async function computeLayout(
  doc: NetworkDocument,
  direction: FlowDirection,
  ids: readonly string[] = [],
  sizes: ReadonlyMap<string, { width: number; height: number }> = new Map(),
): Promise<Record<string, { x: number; y: number }>> {
  const request: LayoutRequest = { serial: ++serial, ...layoutRequest(doc, direction, ids, sizes) };
  const response = await new Promise<LayoutResponse>((resolve) => {
    waiting.set(request.serial, resolve);
    layoutWorker().postMessage(request);
  });
  if (response.error) throw new Error(response.error);
  const positions = memberPositions(doc, response.positions);
  if (ids.length === 0) return positions;
  const before = ids.map((id) => doc.ui.positions[id]).filter((p): p is { x: number; y: number } => p !== undefined);
  const originX = before.length ? Math.min(...before.map((p) => p.x)) : 0;
  const originY = before.length ? Math.min(...before.map((p) => p.y)) : 0;
  const shifted: Record<string, { x: number; y: number }> = {};
  for (const [id, p] of Object.entries(positions)) shifted[id] = { x: p.x + originX, y: p.y + originY };
  return shifted;
}
