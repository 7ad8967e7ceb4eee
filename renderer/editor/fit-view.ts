/**
 * Where a fit puts the view, without React: the network fitted into the canvas clear of what floats
 * over it (the minimap, the zoom buttons, the legends, a block's breadcrumb). React Flow's own fit
 * knows only the pane's rectangle, so a node could land under the minimap and be neither seen nor
 * clicked. Every fit the editor does (the Fit button, F, after a layout, after opening a network)
 * comes here with the overlays as they are measured on screen, and so does the pan that brings a
 * new layer into view.
 */
import type { FlowRect } from './view-geometry.js';

/** A rectangle in pane pixels, measured from the pane's top-left corner. */
export interface PaneRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** React Flow's viewport: the screen position of the flow origin, and the zoom. */
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface FitRequest {
  pane: { width: number; height: number };
  /** What floats over the canvas, in pane pixels. */
  overlays: readonly PaneRect[];
  /** The boxes of the nodes shown, in flow coordinates. */
  nodes: readonly FlowRect[];
  /** Which way the network flows: a long network's start is at the left (LR) or the top (TB). */
  direction: 'LR' | 'TB';
  /** The whole network however small (F), or a readable view of its start when it is long (opening, layout). */
  whole: boolean;
}

/** The smallest zoom a fit goes to unless asked for the whole network: below it, layer names and wire labels cannot be read. */
export const READABLE_ZOOM = 0.55;
/** A fit does not magnify a small network past this. */
export const MAX_FIT_ZOOM = 1.2;
/** The canvas's smallest zoom. */
export const MIN_ZOOM = 0.05;
/** Room kept between the network and the pane's edges, in pixels. */
export const EDGE_MARGIN = 24;
/** Room kept between a node and an overlay, in pixels. */
export const OVERLAY_GAP = 12;

type Side = 'left' | 'top' | 'right' | 'bottom';
type Insets = Record<Side, number>;
const SIDES: readonly Side[] = ['left', 'top', 'right', 'bottom'];

/** The viewport for `request`; undefined when there is nothing to fit. */
export function fitViewport(request: FitRequest): Viewport | undefined {
  const { pane, nodes } = request;
  if (nodes.length === 0 || pane.width <= 0 || pane.height <= 0) return undefined;
  const bounds = boundsOf(nodes);
  const overlays = request.overlays.filter((o) => o.right > o.left && o.bottom > o.top);
  const whole = wholeFit(bounds, pane, overlays);
  if (request.whole || whole.room >= READABLE_ZOOM) return whole.viewport;
  // A long, thin network (a chain laid out in a line) fitted whole is too small to read: show its
  // start at a readable size, as Netron does; the rest is a scroll away. A network too wide across
  // for that is fitted whole, for an overview.
  return startView(bounds, { ...request, overlays }) ?? whole.viewport;
}

function boundsOf(nodes: readonly FlowRect[]): FlowRect {
  const x = Math.min(...nodes.map((n) => n.x));
  const y = Math.min(...nodes.map((n) => n.y));
  const right = Math.max(...nodes.map((n) => n.x + n.width));
  const bottom = Math.max(...nodes.map((n) => n.y + n.height));
  return { x, y, width: Math.max(right - x, 1), height: Math.max(bottom - y, 1) };
}

/**
 * The whole network in the biggest free area: each overlay is kept out by moving one side of the
 * area past it (the minimap in the bottom-right corner by the bottom side or by the right one), and
 * of all the ways to do that the one giving the largest zoom wins. `room` is that zoom before the
 * limits apply.
 */
export function wholeFit(bounds: FlowRect, pane: { width: number; height: number }, overlays: readonly PaneRect[]): { viewport: Viewport; room: number } {
  let best: { insets: Insets; room: number } | undefined;
  // Every way is tried: the canvas has a handful of overlays (3 to 5), so 4^n is at most 1,024 small sums.
  const visit = (i: number, insets: Insets) => {
    if (i === overlays.length) {
      const width = pane.width - insets.left - insets.right;
      const height = pane.height - insets.top - insets.bottom;
      if (width <= 0 || height <= 0) return;
      const room = Math.min(width / bounds.width, height / bounds.height);
      if (!best || room > best.room) best = { insets: { ...insets }, room };
      return;
    }
    for (const side of SIDES) visit(i + 1, { ...insets, [side]: Math.max(insets[side], clearing(overlays[i]!, side, pane)) });
  };
  visit(0, { left: EDGE_MARGIN, top: EDGE_MARGIN, right: EDGE_MARGIN, bottom: EDGE_MARGIN });
  // Overlays covering the pane leave no free area: fit into the pane's margins and let them cover what they cover.
  const { insets, room } = best ?? { insets: { left: EDGE_MARGIN, top: EDGE_MARGIN, right: EDGE_MARGIN, bottom: EDGE_MARGIN }, room: 0 };
  const zoom = Math.min(Math.max(room, MIN_ZOOM), MAX_FIT_ZOOM);
  const width = pane.width - insets.left - insets.right;
  const height = pane.height - insets.top - insets.bottom;
  return {
    viewport: {
      x: insets.left + (width - bounds.width * zoom) / 2 - bounds.x * zoom,
      y: insets.top + (height - bounds.height * zoom) / 2 - bounds.y * zoom,
      zoom,
    },
    room,
  };
}

/** How far in from the pane's `side` the area's edge must go to leave `overlay` outside it. */
function clearing(overlay: PaneRect, side: Side, pane: { width: number; height: number }): number {
  if (side === 'left') return overlay.right + OVERLAY_GAP;
  if (side === 'top') return overlay.bottom + OVERLAY_GAP;
  if (side === 'right') return pane.width - overlay.left + OVERLAY_GAP;
  return pane.height - overlay.top + OVERLAY_GAP;
}

/**
 * The network's start at READABLE_ZOOM: its first node at the near edge (left for LR, top for TB),
 * centred across the flow, or moved across or further in, as little as it takes, so that no node
 * meets an overlay. Nodes past the far edge are out of view and meet none. Undefined when the
 * network is too wide across, or no place keeps every node clear.
 */
function startView(bounds: FlowRect, { pane, overlays, nodes, direction }: FitRequest): Viewport | undefined {
  const zoom = READABLE_ZOOM;
  const lr = direction === 'LR';
  // Along the flow (a) and across it (c), in flow units for nodes and pixels for the pane and overlays.
  const along = (r: FlowRect): [number, number] => (lr ? [r.x, r.width] : [r.y, r.height]);
  const across = (r: FlowRect): [number, number] => (lr ? [r.y, r.height] : [r.x, r.width]);
  const paneAlong = lr ? pane.width : pane.height;
  const paneAcross = lr ? pane.height : pane.width;
  const overlayAlong = (o: PaneRect): [number, number] => (lr ? [o.left, o.right] : [o.top, o.bottom]);
  const overlayAcross = (o: PaneRect): [number, number] => (lr ? [o.top, o.bottom] : [o.left, o.right]);
  const [b0] = along(bounds);
  const [c0, crossSize] = across(bounds);
  const width = crossSize * zoom;
  // Where the network's cross-axis start may go on screen, and where it would be centred.
  const lowest = EDGE_MARGIN;
  const highest = paneAcross - EDGE_MARGIN - width;
  if (highest < lowest) return undefined;
  const centred = (paneAcross - width) / 2;

  // The near edge at the margin, or just past an overlay on the near side.
  const starts = [EDGE_MARGIN, ...overlays.map((o) => overlayAlong(o)[1] + OVERLAY_GAP).filter((s) => s > EDGE_MARGIN && s < paneAlong / 2)].sort(
    (p, q) => p - q,
  );
  let best: { start: number; offset: number; cost: number } | undefined;
  for (const start of starts) {
    // The cross-axis offsets at which some node would meet some overlay.
    const blocked: [number, number][] = [];
    for (const o of overlays) {
      const [oa0, oa1] = overlayAlong(o);
      const [oc0, oc1] = overlayAcross(o);
      for (const n of nodes) {
        const [na, nl] = along(n);
        const a0 = start + (na - b0) * zoom;
        if (a0 >= oa1 + OVERLAY_GAP || a0 + nl * zoom <= oa0 - OVERLAY_GAP) continue;
        const [nc, ns] = across(n);
        const rel = (nc - c0) * zoom;
        blocked.push([oc0 - OVERLAY_GAP - rel - ns * zoom, oc1 + OVERLAY_GAP - rel]);
      }
    }
    const offset = nearestFree(centred, lowest, highest, blocked);
    if (offset === undefined) continue;
    const cost = start - EDGE_MARGIN + Math.abs(offset - centred);
    if (!best || cost < best.cost) best = { start, offset, cost };
  }
  if (!best) return undefined;
  const a = best.start - b0 * zoom;
  const c = best.offset - c0 * zoom;
  return lr ? { x: a, y: c, zoom } : { x: c, y: a, zoom };
}

/** The point of [lowest, highest] nearest `wanted` that lies in none of the open intervals `blocked`. */
export function nearestFree(wanted: number, lowest: number, highest: number, blocked: readonly (readonly [number, number])[]): number | undefined {
  const free = (p: number) => p >= lowest && p <= highest && blocked.every(([lo, hi]) => p <= lo || p >= hi);
  const candidates = [Math.min(Math.max(wanted, lowest), highest), lowest, highest, ...blocked.flat()].filter(free);
  if (candidates.length === 0) return undefined;
  return candidates.reduce((p, q) => (Math.abs(q - wanted) < Math.abs(p - wanted) ? q : p));
}

/**
 * How far to pan, in pixels, so that `target` (new layers' box on screen) lies inside the pane's
 * margins and clear of every overlay, moving it as little as possible: nothing when it already does.
 * Where no place is clear (a box bigger than the free pane), it is only brought into the pane.
 */
export function panToShow(target: PaneRect, pane: { width: number; height: number }, overlays: readonly PaneRect[]): { dx: number; dy: number } {
  const into = (low: number, high: number, size: number) =>
    low < EDGE_MARGIN ? EDGE_MARGIN - low : high > size - EDGE_MARGIN ? Math.max(EDGE_MARGIN - low, size - EDGE_MARGIN - high) : 0;
  const base = { dx: into(target.left, target.right, pane.width), dy: into(target.top, target.bottom, pane.height) };
  const moved = (d: { dx: number; dy: number }): PaneRect => ({
    left: target.left + d.dx,
    right: target.right + d.dx,
    top: target.top + d.dy,
    bottom: target.bottom + d.dy,
  });
  const clear = (d: { dx: number; dy: number }) => {
    const r = moved(d);
    const inPane =
      r.left >= EDGE_MARGIN - 1e-9 && r.top >= EDGE_MARGIN - 1e-9 && r.right <= pane.width - EDGE_MARGIN + 1e-9 && r.bottom <= pane.height - EDGE_MARGIN + 1e-9;
    return (
      inPane &&
      overlays.every(
        (o) => r.right + OVERLAY_GAP <= o.left || r.left - OVERLAY_GAP >= o.right || r.bottom + OVERLAY_GAP <= o.top || r.top - OVERLAY_GAP >= o.bottom,
      )
    );
  };
  // Past one side of an overlay, or of two (a box between the minimap and the legend).
  const steps = (from: { dx: number; dy: number }) =>
    overlays.flatMap((o) => {
      const r = moved(from);
      return [
        { dx: from.dx + o.left - OVERLAY_GAP - r.right, dy: from.dy },
        { dx: from.dx + o.right + OVERLAY_GAP - r.left, dy: from.dy },
        { dx: from.dx, dy: from.dy + o.top - OVERLAY_GAP - r.bottom },
        { dx: from.dx, dy: from.dy + o.bottom + OVERLAY_GAP - r.top },
      ];
    });
  const once = steps(base);
  const candidates = [base, ...once, ...once.flatMap(steps)].filter(clear);
  if (candidates.length === 0) return base;
  const cost = (d: { dx: number; dy: number }) => Math.abs(d.dx) + Math.abs(d.dy);
  return candidates.reduce((p, q) => (cost(q) < cost(p) ? q : p));
}
