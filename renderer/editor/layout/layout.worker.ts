/// <reference lib="webworker" />
// Runs elkjs's layered layout off the UI thread; large networks take long enough to drop frames.
import * as elkBundle from 'elkjs/lib/elk.bundled.js';
import type { ELK } from 'elkjs/lib/elk-api.js';
import type { LayoutRequest, LayoutResponse } from './layout-protocol.js';

// elkjs is CommonJS: the class is the namespace's default, or that default's default under Node's resolution.
type ElkConstructor = new () => ELK;
const candidate = (elkBundle as unknown as { default: unknown }).default;
const Elk = (typeof candidate === 'function' ? candidate : (candidate as { default: unknown }).default) as ElkConstructor;
const elk = new Elk();

self.onmessage = async (event: MessageEvent<LayoutRequest>) => {
  const request = event.data;
  try {
    const graph = await elk.layout({
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': request.direction === 'LR' ? 'RIGHT' : 'DOWN',
        'elk.spacing.nodeNode': '40',
        // Left to right, the gap between layers holds the wire's dims label ([1, 64, 112, 112]).
        'elk.layered.spacing.nodeNodeBetweenLayers': request.direction === 'LR' ? '130' : '70',
        'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
        'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
        // A 20-layer chain in one row is unreadable once fitted; wrapping folds it to the canvas's shape.
        ...(request.aspectRatio
          ? {
              'elk.layered.wrapping.strategy': 'MULTI_EDGE',
              'elk.aspectRatio': String(request.aspectRatio),
              'elk.layered.wrapping.additionalEdgeSpacing': '24',
            }
          : {}),
      },
      children: request.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
      edges: request.edges.map((e, i) => ({ id: `l${i}`, sources: [e.source], targets: [e.target] })),
    });
    const positions: LayoutResponse['positions'] = {};
    for (const child of graph.children ?? []) positions[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) };
    const response: LayoutResponse = { serial: request.serial, positions };
    self.postMessage(response);
  } catch (e) {
    const response: LayoutResponse = { serial: request.serial, positions: {}, error: `Auto-layout failed: ${(e as Error).message}.` };
    self.postMessage(response);
  }
};
