/**
 * The geometry of the level of detail, without React: the view and node boxes in flow coordinates,
 * which nodes fall in an area, and which wires the near view draws. The canvas's hooks
 * (`canvas/detail.ts`) and the minimap use it.
 */
import type { Edge, Node } from './flow-model.js';
import { NODE_HEIGHT, NODE_WIDTH } from './flow-model.js';

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

function overlaps(a: FlowRect, b: FlowRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The smallest rectangle holding both. */
export function unite(a: FlowRect, b: FlowRect): FlowRect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

export function contains(outer: FlowRect, inner: FlowRect): boolean {
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

/** Whether two sets hold the same ids. */
export function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const id of a) if (!b.has(id)) return false;
  return true;
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

/** Room kept between a new node and the nodes around it, in flow units. */
export const NEW_NODE_MARGIN = 20;
const SPOT_STEP = 20;
const SPOT_REACH = 1600;

/**
 * Where a new node of `size` goes when asked for at `wanted` (its top-left corner): there when its
 * box, widened by `NEW_NODE_MARGIN`, meets none of `occupied`, else the nearest such spot on a
 * 20-unit grid around it (within 1,600 units; beyond that the wanted spot, as nothing nearer is free).
 */
export function clearSpot(wanted: { x: number; y: number }, size: { width: number; height: number }, occupied: readonly FlowRect[]): { x: number; y: number } {
  const m = NEW_NODE_MARGIN;
  const reach: FlowRect = {
    x: wanted.x - SPOT_REACH - m,
    y: wanted.y - SPOT_REACH - m,
    width: size.width + 2 * (SPOT_REACH + m),
    height: size.height + 2 * (SPOT_REACH + m),
  };
  const near = occupied.filter((r) => overlaps(r, reach));
  const free = (x: number, y: number) => !near.some((r) => overlaps(r, { x: x - m, y: y - m, width: size.width + 2 * m, height: size.height + 2 * m }));
  if (free(wanted.x, wanted.y)) return wanted;
  // Square rings outward, each ring's points nearest first: the first free one is about the nearest on the grid.
  for (let ring = 1; ring * SPOT_STEP <= SPOT_REACH; ring++) {
    const points: { x: number; y: number; d: number }[] = [];
    for (let i = -ring; i <= ring; i++)
      for (const [dx, dy] of [
        [i, -ring],
        [i, ring],
        [-ring, i],
        [ring, i],
      ] as const)
        if (Math.abs(dx) === ring || Math.abs(dy) === ring) points.push({ x: wanted.x + dx * SPOT_STEP, y: wanted.y + dy * SPOT_STEP, d: Math.hypot(dx, dy) });
    points.sort((a, b) => a.d - b.d);
    const found = points.find((p) => free(p.x, p.y));
    if (found) return { x: found.x, y: found.y };
  }
  return wanted;
}
