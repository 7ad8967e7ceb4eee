/**
 * Level of detail. Zoomed out below readability, nodes draw no text and wires no labels, and the
 * components stop watching shapes: a parameter edit on a 2,000-node network then re-renders
 * nothing it would not show (the React Flow docs' and n8n's advice for big graphs).
 *
 * The canvas watches the zoom once and keeps a small store of which nodes draw their detail; each
 * node selects its own entry. (A subscription to the zoom per node and per wire ran thousands of
 * selectors on every wheel step.)
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { useStore as useZustand } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore, useStoreApi, type Edge, type Node } from '@xyflow/react';
import { NODE_HEIGHT, NODE_WIDTH } from '../editor/flow-model.js';

/** Below this zoom node text is unreadable (12 px type under 5 px). */
export const DETAIL_ZOOM = 0.4;

/** How long the view must stay still, zoomed in past the threshold, before the detail is drawn. */
export const SETTLE_MS = 150;

/**
 * Whether the canvas draws the far view. Zooming out past the threshold switches at once (less to
 * draw); zooming in switches once the view has been still for SETTLE_MS, so a wheel gesture that
 * crosses the threshold does not stop mid-motion to lay out the text of every node in view (as maps
 * draw their labels when the motion ends). Call it once, in the canvas.
 */
export function useWatchFarView(): boolean {
  const flowStore = useStoreApi();
  const zoomedOut = useStore((s) => s.transform[2] < DETAIL_ZOOM);
  const [far, setFar] = useState(zoomedOut);
  useEffect(() => {
    if (zoomedOut) {
      setFar(true);
      return;
    }
    let timer = setTimeout(() => setFar(false), SETTLE_MS);
    const unsubscribe = flowStore.subscribe((s, previous) => {
      if (s.transform === previous.transform) return;
      clearTimeout(timer);
      timer = setTimeout(() => setFar(false), SETTLE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [zoomedOut, flowStore]);
  return far;
}

/** A rectangle in flow coordinates. */
export interface FlowRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the canvas shows, in flow coordinates, given React Flow's transform and pane size. */
export function viewRect([tx, ty, zoom]: readonly [number, number, number], width: number, height: number): FlowRect {
  return { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
}

/** Which nodes draw their detail in the near view: all of them, or those in `area`. */
export interface DetailedNodes {
  all: boolean;
  ids: ReadonlySet<string>;
  area: FlowRect | undefined;
}

const EVERY_NODE: DetailedNodes = { all: true, ids: new Set(), area: undefined };
const NO_NODE: DetailedNodes = { all: false, ids: new Set(), area: undefined };

/** How much of the view's size the detailed area reaches beyond each side of it, once the view is still. */
const AREA_MARGIN = 0.1;

function overlaps(a: FlowRect, b: FlowRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The smallest rectangle holding both. */
export function unite(a: FlowRect, b: FlowRect): FlowRect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

function contains(outer: FlowRect, inner: FlowRect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/** A node's box in flow coordinates (nodes here have no parents, so the position is absolute). */
export function nodeRect(n: Node): FlowRect {
  return { x: n.position.x, y: n.position.y, width: n.measured?.width ?? n.width ?? NODE_WIDTH, height: n.measured?.height ?? n.height ?? NODE_HEIGHT };
}

/** The ids of the nodes whose box meets `area`. */
export function nodesIn(nodes: readonly Node[], area: FlowRect): Set<string> {
  const ids = new Set<string>();
  for (const n of nodes) if (!n.hidden && overlaps(nodeRect(n), area)) ids.add(n.id);
  return ids;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const id of a) if (!b.has(id)) return false;
  return true;
}

/** The canvas's record of which nodes draw their detail; nodes select their own entry from it. */
export type DetailStore = StoreApi<DetailedNodes>;

export function createDetailStore(): DetailStore {
  return createStore<DetailedNodes>(() => NO_NODE);
}

/**
 * Keeps `store` up to date. In the far view no node draws its detail. Near, in a small network,
 * every node does. A big network keeps every node mounted in React Flow (its own culling mounted and
 * unmounted hundreds of nodes per wheel step: 100–250 ms frames zooming out on 2,000 layers), and
 * only the nodes in the *detailed area* draw their detail. While the view moves the area only grows
 * (a node that has drawn its text keeps it until the motion ends); once the view has been still for
 * SETTLE_MS it shrinks back to the view and a margin.
 */
export function useTrackDetailedNodes(store: DetailStore, nodes: readonly Node[], far: boolean, tracking: boolean): void {
  const flowStore = useStoreApi();
  // Read by the subscription below, so that a node dragged a few pixels does not restart it.
  const latestNodes = useRef(nodes);
  const area = useRef<FlowRect | undefined>(undefined);
  const publish = useCallback(() => {
    const previous = store.getState();
    const ids = nodesIn(latestNodes.current, area.current!);
    if (!previous.all && previous.area === area.current && sameSet(previous.ids, ids)) return;
    store.setState({ all: false, ids: !previous.all && sameSet(previous.ids, ids) ? previous.ids : ids, area: area.current }, true);
  }, [store]);

  // Nodes added, moved or measured: which are in the area may have changed.
  useEffect(() => {
    latestNodes.current = nodes;
    if (area.current) publish();
  }, [nodes, publish]);

  useEffect(() => {
    if (far || !tracking) {
      area.current = undefined;
      store.setState(far ? NO_NODE : EVERY_NODE, true);
      return;
    }
    const view = (): FlowRect => {
      const { transform, width, height } = flowStore.getState();
      return viewRect(transform, width, height);
    };
    const padded = (r: FlowRect): FlowRect => ({
      x: r.x - r.width * AREA_MARGIN,
      y: r.y - r.height * AREA_MARGIN,
      width: r.width * (1 + 2 * AREA_MARGIN),
      height: r.height * (1 + 2 * AREA_MARGIN),
    });
    area.current = padded(view());
    publish();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = flowStore.subscribe((s, previous) => {
      if (s.transform === previous.transform && s.width === previous.width && s.height === previous.height) return;
      const now = view();
      if (!contains(area.current!, now)) {
        area.current = unite(area.current!, padded(now));
        publish();
      }
      clearTimeout(timer);
      timer = setTimeout(() => {
        area.current = padded(view());
        publish();
      }, SETTLE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, far, tracking, flowStore, publish]);
}

export const DetailStoreContext = createContext<DetailStore>(createDetailStore());

/** Whether this node draws its detail: its text, dims and badges. */
export function useDetailed(id: string): boolean {
  return useZustand(useContext(DetailStoreContext), (s) => s.all || s.ids.has(id));
}

/** Wires to draw in the near view: all of them, or those whose two ends' box meets the detailed area. */
export function edgesToDraw(edges: Edge[], nodes: readonly Node[], detailed: DetailedNodes): Edge[] {
  if (detailed.all) return edges;
  const area = detailed.area;
  // The area is set just after the canvas switches to the near view.
  if (!area) return [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return edges.filter((e) => {
    if (detailed.ids.has(e.source) || detailed.ids.has(e.target)) return true;
    const a = byId.get(e.source);
    const b = byId.get(e.target);
    return a !== undefined && b !== undefined && overlaps(unite(nodeRect(a), nodeRect(b)), area);
  });
}
