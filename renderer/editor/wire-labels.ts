/**
 * Where each wire's dims label sits, without React. A label tries its wire's midpoint first, then
 * other points along the wire, and takes the first whose box meets no node and no label already
 * placed. When nothing along the wire is free (a crowded manual layout) it takes the nearest spot
 * around the midpoint that meets no node and no label, or failing that no label, raised above the
 * nodes and tied to its wire by a leader line. So no two labels ever overlap, whatever the layout.
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
  /** The label's anchor point: the point at `t` on the wire, moved by (dx, dy). */
  x: number;
  y: number;
  /** How far the label sits from its wire; non-zero only when raised (a leader line joins them). */
  dx: number;
  dy: number;
  /** No free point along the wire was found: the label sits near the midpoint, drawn above the nodes. */
  raised: boolean;
}

/** The least room between two labels' boxes, in flow units, so their borders never touch. */
export const LABEL_GAP = 2;

/** Rows and columns of the spots tried around a wire's midpoint when nothing along the wire is free. */
const ROW_STEP = LABEL_HEIGHT + LABEL_GAP;
const COLUMN_STEP = 16;
const NEAR_ROWS = 10;
const NEAR_COLUMNS = 16;
/** How far from its wire a label goes to find a spot clear of nodes too; beyond that it sits above a node nearer by. */
const CLEAR_REACH = 120;

/** The offsets tried around the midpoint, nearest first (a row up or down before a long way sideways). */
const NEAR_OFFSETS: readonly { dx: number; dy: number }[] = (() => {
  const offsets: { dx: number; dy: number }[] = [];
  for (let row = -NEAR_ROWS; row <= NEAR_ROWS; row++)
    for (let column = -NEAR_COLUMNS; column <= NEAR_COLUMNS; column++)
      if (row !== 0 || column !== 0) offsets.push({ dx: column * COLUMN_STEP, dy: row * ROW_STEP });
  return offsets.sort((a, b) => Math.hypot(a.dx, a.dy) - Math.hypot(b.dx, b.dy) || a.dy - b.dy || a.dx - b.dx);
})();

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

  /** Whether `r` meets a box of the grid, or comes closer to one than `gap`. */
  hits(box: FlowRect, gap = 0): boolean {
    const r = gap === 0 ? box : { x: box.x - gap, y: box.y - gap, width: box.width + 2 * gap, height: box.height + 2 * gap };
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
  // The lowest edge of any label placed, so the last resort below them all is always free.
  let lowest = -Infinity;
  const places = new Map<string, LabelPlace>();
  const take = (w: WireLabelInput, t: number, x: number, y: number, dx: number, dy: number, raised: boolean): LabelPlace => {
    const box = labelBox(w.text, w.anchor, x + dx, y + dy);
    labelGrid.add(box);
    lowest = Math.max(lowest, box.y + box.height);
    return { t, x: x + dx, y: y + dy, dx, dy, raised };
  };
  const free = (w: WireLabelInput, x: number, y: number, withNodes: boolean): boolean => {
    const box = labelBox(w.text, w.anchor, x, y);
    return !labelGrid.hits(box, LABEL_GAP) && !(withNodes && nodeGrid.hits(box));
  };
  for (const w of wires) {
    let place: LabelPlace | undefined;
    for (const t of LABEL_FRACTIONS) {
      const p = pointOnCurve(w.curve, t);
      if (!free(w, p.x, p.y, true)) continue;
      place = take(w, t, p.x, p.y, 0, 0, false);
      break;
    }
    if (!place) {
      const mid = pointOnCurve(w.curve, 0.5);
      // Near the midpoint: first a spot clear of nodes too, then one clear of labels only (drawn above the nodes).
      const near =
        NEAR_OFFSETS.find((o) => Math.hypot(o.dx, o.dy) <= CLEAR_REACH && free(w, mid.x + o.dx, mid.y + o.dy, true)) ??
        (free(w, mid.x, mid.y, false) ? { dx: 0, dy: 0 } : NEAR_OFFSETS.find((o) => free(w, mid.x + o.dx, mid.y + o.dy, false)));
      // Below every label placed so far, when even that ring is full.
      const offset = near ?? { dx: 0, dy: lowest + LABEL_GAP + LABEL_HEIGHT / 2 - mid.y };
      place = take(w, 0.5, mid.x, mid.y, offset.dx, offset.dy, true);
    }
    places.set(w.id, place);
  }
  return places;
}
