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
import { useStore, useStoreApi, type Node } from '@xyflow/react';
import { contains, nodesIn, sameSet, unite, viewRect, type DetailedNodes, type FlowRect } from '../editor/view-geometry.js';

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

const EVERY_NODE: DetailedNodes = { all: true, ids: new Set(), area: undefined };
const NO_NODE: DetailedNodes = { all: false, ids: new Set(), area: undefined };

/** How much of the view's size the detailed area reaches beyond each side of it, once the view is still. */
const AREA_MARGIN = 0.1;

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

/**
 * The detail store, and whether the canvas holds a big network (its detailed area is tracked). `big`
 * comes in the same render as the nodes, so the first render of a big network opened after a small
 * one treats the small one's "every node" as stale: it mounts plain blocks, not 2,000 nodes in full
 * detail that are drawn again as blocks once the area is published (seconds in Chromium).
 */
export const DetailStoreContext = createContext<{ store: DetailStore; big: boolean }>({ store: createDetailStore(), big: false });

/** Whether this node draws its detail: its text, dims and badges. */
export function useDetailed(id: string): boolean {
  const { store, big } = useContext(DetailStoreContext);
  // A big network's area is tracked, so "every node" there can only be left from a small network.
  return useZustand(store, (s) => (s.all && !big) || s.ids.has(id));
}
