/**
 * Where each wire's dims label sits, without React. A label tries its wire's midpoint first, then
 * other points along the wire, and takes the first whose box meets no node and no label already
 * placed, so a manual layout never hides a label under a node or on another label. When nothing
 * along the wire is free it keeps the midpoint and is raised above the nodes, never clipped.
 */
import { Position } from '@xyflow/system';
import type { FlowRect } from './view-geometry.js';

/** Width of one character of the label's 10 px monospace type, and the box's fixed parts, in flow units. */
export const LABEL_CHAR_WIDTH = 6.1;
const LABEL_PADDING = 10;
export const LABEL_HEIGHT = 15;

/** Fractions along the wire tried in order: the midpoint, then further out on either side. */
export const LABEL_FRACTIONS = [0.5, 0.35, 0.65, 0.25, 0.75, 0.15, 0.85];

/** A cubic bezier wire: its two ends and two control points, as React Flow draws it. */
export interface WireCurve {
  sx: number;
  sy: number;
  c1x: number;
  c1y: number;
  c2x: number;
  c2y: number;
  tx: number;
  ty: number;
}

export interface WireLabelInput {
  id: string;
  curve: WireCurve;
  text: string;
  /** 'beside': the label's left edge is 6 px right of the point (top-to-bottom wires); 'center': centred on it. */
  anchor: 'beside' | 'center';
}

export interface LabelPlace {
  /** The fraction along the wire: the wire's component finds the point on its own curve, so a drag moves the label with it. */
  t: number;
  x: number;
  y: number;
  /** No free point was found: the label sits at the midpoint, drawn above the nodes. */
  raised: boolean;
}

/** Bucket side for the grid of boxes: a check only looks at the few cells a box covers. */
const CELL = 200;

class BoxGrid {
  private readonly cells = new Map<number, FlowRect[]>();

  add(r: FlowRect): void {
    this.each(r, (key) => {
      const list = this.cells.get(key);
      if (list) list.push(r);
      else this.cells.set(key, [r]);
    });
  }

  hits(r: FlowRect): boolean {
    let hit = false;
    this.each(r, (key) => {
      if (!hit) hit = (this.cells.get(key) ?? []).some((b) => r.x < b.x + b.width && b.x < r.x + r.width && r.y < b.y + b.height && b.y < r.y + r.height);
    });
    return hit;
  }

  // A number per cell (a string key cost a third of the time): rows and columns offset to stay positive.
  private each(r: FlowRect, visit: (key: number) => void): void {
    for (let i = Math.floor(r.x / CELL); i <= Math.floor((r.x + r.width) / CELL); i++)
      for (let j = Math.floor(r.y / CELL); j <= Math.floor((r.y + r.height) / CELL); j++) visit((i + 32768) * 65536 + (j + 32768));
  }
}

/** How far a control point lies from its end: React Flow's default bezier (curvature 0.25). */
function controlOffset(distance: number): number {
  return distance >= 0 ? 0.5 * distance : 0.25 * 25 * Math.sqrt(-distance);
}

function control(side: Position, x1: number, y1: number, x2: number, y2: number): [number, number] {
  switch (side) {
    case Position.Left:
      return [x1 - controlOffset(x1 - x2), y1];
    case Position.Right:
      return [x1 + controlOffset(x2 - x1), y1];
    case Position.Top:
      return [x1, y1 - controlOffset(y1 - y2)];
    case Position.Bottom:
      return [x1, y1 + controlOffset(y2 - y1)];
  }
}

/** The curve React Flow's getBezierPath draws between two handles. */
export function bezierCurve(sx: number, sy: number, sourceSide: Position, tx: number, ty: number, targetSide: Position): WireCurve {
  const [c1x, c1y] = control(sourceSide, sx, sy, tx, ty);
  const [c2x, c2y] = control(targetSide, tx, ty, sx, sy);
  return { sx, sy, c1x, c1y, c2x, c2y, tx, ty };
}

/** The point at `t` (0..1) along the curve. */
export function pointOnCurve(c: WireCurve, t: number): { x: number; y: number } {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const d = 3 * u * t * t;
  const e = t * t * t;
  return { x: a * c.sx + b * c.c1x + d * c.c2x + e * c.tx, y: a * c.sy + b * c.c1y + d * c.c2y + e * c.ty };
}

/** The label's box when its anchor point is (x, y). */
export function labelBox(text: string, anchor: WireLabelInput['anchor'], x: number, y: number): FlowRect {
  const width = text.length * LABEL_CHAR_WIDTH + LABEL_PADDING;
  return { x: anchor === 'beside' ? x + 6 : x - width / 2, y: y - LABEL_HEIGHT / 2, width, height: LABEL_HEIGHT };
}

/** The box any label of `wires` can reach: the curves' control points (which bound them) widened by the longest label. */
function reach(wires: readonly WireLabelInput[]): FlowRect | undefined {
  if (wires.length === 0) return undefined;
  let [x0, y0, x1, y1, longest] = [Infinity, Infinity, -Infinity, -Infinity, 0];
  for (const { curve: c, text } of wires) {
    x0 = Math.min(x0, c.sx, c.c1x, c.c2x, c.tx);
    x1 = Math.max(x1, c.sx, c.c1x, c.c2x, c.tx);
    y0 = Math.min(y0, c.sy, c.c1y, c.c2y, c.ty);
    y1 = Math.max(y1, c.sy, c.c1y, c.c2y, c.ty);
    longest = Math.max(longest, labelBox(text, 'beside', 0, 0).width + 6);
  }
  return { x: x0 - longest, y: y0 - LABEL_HEIGHT, width: x1 - x0 + 2 * longest, height: y1 - y0 + 2 * LABEL_HEIGHT };
}

/**
 * Places the labels of `wires`, in the order given (keep it stable: an earlier wire keeps its
 * place when a later one moves), away from `nodes` and from each other.
 */
export function placeWireLabels(nodes: readonly FlowRect[], wires: readonly WireLabelInput[]): Map<string, LabelPlace> {
  // Only the nodes near the wires can meet a label: on 2,000 layers the near view draws a few wires.
  const area = reach(wires);
  const nodeGrid = new BoxGrid();
  for (const n of nodes)
    if (area && n.x < area.x + area.width && area.x < n.x + n.width && n.y < area.y + area.height && area.y < n.y + n.height) nodeGrid.add(n);
  const labelGrid = new BoxGrid();
  const places = new Map<string, LabelPlace>();
  for (const w of wires) {
    let place: LabelPlace | undefined;
    for (const t of LABEL_FRACTIONS) {
      const p = pointOnCurve(w.curve, t);
      const box = labelBox(w.text, w.anchor, p.x, p.y);
      if (nodeGrid.hits(box) || labelGrid.hits(box)) continue;
      labelGrid.add(box);
      place = { t, x: p.x, y: p.y, raised: false };
      break;
    }
    if (!place) {
      const p = pointOnCurve(w.curve, 0.5);
      labelGrid.add(labelBox(w.text, w.anchor, p.x, p.y));
      place = { t: 0.5, x: p.x, y: p.y, raised: true };
    }
    places.set(w.id, place);
  }
  return places;
}
