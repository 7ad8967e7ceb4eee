import { describe, expect, it } from 'vitest';
import { getBezierPath, Position } from '@xyflow/system';
import { bezierCurve, labelBox, placeWireLabels, pointOnCurve, type WireCurve, type WireLabelInput } from './wire-labels.js';
import type { FlowRect } from './view-geometry.js';

/** A straight wire from (sx, sy) to (tx, ty), its control points on the line. */
function line(sx: number, sy: number, tx: number, ty: number): WireCurve {
  return { sx, sy, c1x: sx + (tx - sx) / 3, c1y: sy + (ty - sy) / 3, c2x: sx + (2 * (tx - sx)) / 3, c2y: sy + (2 * (ty - sy)) / 3, tx, ty };
}

/** A small seeded generator (mulberry32), so a failing layout can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function intersect(a: FlowRect, b: FlowRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** A manual layout dragged into a heap: nodes piled in a small area, wires between random pairs of them. */
function crowdedLayout(seed: number): { nodes: FlowRect[]; wires: WireLabelInput[] } {
  const next = random(seed);
  const spread = 150 + next() * 500;
  const nodes = Array.from({ length: 4 + Math.floor(next() * 30) }, () => ({ x: next() * spread, y: next() * spread, width: 190, height: 74 }));
  const texts = ['1x64x56x56', '1x3x224x224', '1x1000', '?', '1x2048x7x7', '1x128x28x28'];
  const wires = Array.from({ length: 2 + Math.floor(next() * 60) }, (_, i): WireLabelInput => {
    const a = nodes[Math.floor(next() * nodes.length)]!;
    const b = nodes[Math.floor(next() * nodes.length)]!;
    const down = next() < 0.3;
    const curve = down
      ? bezierCurve(a.x + 95, a.y + 74, Position.Bottom, b.x + 95, b.y, Position.Top)
      : bezierCurve(a.x + 190, a.y + 37, Position.Right, b.x, b.y + 37, Position.Left);
    return { id: `w${i}`, curve, text: texts[Math.floor(next() * texts.length)]!, anchor: down ? 'beside' : 'center' };
  });
  return { nodes, wires };
}

describe('placeWireLabels', () => {
  it('never lets two labels overlap, in 300 crowded random layouts', () => {
    let raised = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { nodes, wires } = crowdedLayout(seed);
      const places = placeWireLabels(nodes, wires);
      const boxes = wires.map((w) => {
        const p = places.get(w.id)!;
        if (p.raised) raised++;
        return { id: w.id, seed, box: labelBox(w.text, w.anchor, p.x, p.y) };
      });
      const overlapping = boxes.flatMap((a, i) =>
        boxes
          .slice(i + 1)
          .filter((b) => intersect(a.box, b.box))
          .map((b) => `seed ${seed}: ${a.id} and ${b.id}`),
      );
      expect(overlapping).toEqual([]);
      // A label that left its wire is tied to it: its anchor is its wire's point moved by (dx, dy).
      for (const w of wires) {
        const p = places.get(w.id)!;
        const on = pointOnCurve(w.curve, p.t);
        expect(p.x - p.dx).toBeCloseTo(on.x, 9);
        expect(p.y - p.dy).toBeCloseTo(on.y, 9);
      }
    }
    // The layouts are crowded enough that many labels find no free point along their wire.
    expect(raised).toBeGreaterThan(1000);
  });

  it('puts a label with room at its midpoint', () => {
    const places = placeWireLabels([], [{ id: 'a', curve: line(0, 0, 400, 0), text: '1x64', anchor: 'center' }]);
    expect(places.get('a')).toEqual({ t: 0.5, x: 200, y: 0, dx: 0, dy: 0, raised: false });
  });

  it('separates two labels that would overlap at their midpoints', () => {
    const places = placeWireLabels(
      [],
      [
        { id: 'a', curve: line(0, 0, 400, 0), text: '1x3x224x224', anchor: 'center' },
        { id: 'b', curve: line(0, 4, 400, 4), text: '1x3x224x224', anchor: 'center' },
      ],
    );
    expect(places.get('a')).toEqual({ t: 0.5, x: 200, y: 0, dx: 0, dy: 0, raised: false });
    // The second tries 0.5 and 0.35 and 0.65 (each still on the first, 77 px wide), then 0.25 along: 100 px in.
    expect(places.get('b')).toEqual({ t: 0.25, x: 100, y: 4, dx: 0, dy: 0, raised: false });
  });

  it('moves a label off a node that covers its midpoint', () => {
    const node = { x: 150, y: -40, width: 100, height: 80 };
    const places = placeWireLabels([node], [{ id: 'a', curve: line(0, 0, 400, 0), text: '1x64', anchor: 'center' }]);
    const place = places.get('a')!;
    // 0.35 and 0.65 along still touch the node's sides; 0.25 is clear of it.
    expect(place).toEqual({ t: 0.25, x: 100, y: 0, dx: 0, dy: 0, raised: false });
    const box = labelBox('1x64', 'center', place.x, place.y);
    expect(box.x + box.width).toBeLessThanOrEqual(node.x);
  });

  it('keeps the midpoint, raised, when every point along the wire and around it is under a node', () => {
    const node = { x: -400, y: -400, width: 1200, height: 800 };
    const places = placeWireLabels([node], [{ id: 'a', curve: line(0, 0, 400, 0), text: '1x64', anchor: 'beside' }]);
    expect(places.get('a')).toEqual({ t: 0.5, x: 200, y: 0, dx: 0, dy: 0, raised: true });
  });

  it('moves a raised label to the nearest spot clear of the node that covers its wire, above or below', () => {
    // The node covers the whole wire but leaves room a row above it.
    const node = { x: -100, y: -9, width: 600, height: 200 };
    const places = placeWireLabels([node], [{ id: 'a', curve: line(0, 0, 400, 0), text: '1x64', anchor: 'center' }]);
    expect(places.get('a')).toEqual({ t: 0.5, x: 200, y: -17, dx: 0, dy: -17, raised: true });
    expect(labelBox('1x64', 'center', 200, -17).y + 15).toBeLessThanOrEqual(node.y);
  });

  it('stacks labels whose wires share one node-covered stretch instead of drawing them on each other', () => {
    const node = { x: -400, y: -400, width: 1200, height: 800 };
    const wires = ['a', 'b', 'c'].map((id) => ({ id, curve: line(0, 0, 400, 0), text: '1x256x56x56', anchor: 'center' as const }));
    const places = placeWireLabels([node], wires);
    expect([...places.values()].map((p) => [p.dx, p.dy, p.raised])).toEqual([
      [0, 0, true],
      [0, -17, true],
      [0, 17, true],
    ]);
  });

  it('follows the bezier, not the straight line, between the ends', () => {
    const curve = { sx: 0, sy: 0, c1x: 0, c1y: 100, c2x: 100, c2y: 100, tx: 100, ty: 200 };
    expect(pointOnCurve(curve, 0.5)).toEqual({ x: 50, y: 100 });
  });

  it("builds the curve React Flow draws: its midpoint is getBezierPath's label point", () => {
    for (const [sx, sy, side, tx, ty, targetSide] of [
      [0, 0, Position.Bottom, 100, 200, Position.Top],
      [300, 40, Position.Right, 20, 260, Position.Left],
    ] as const) {
      const [, labelX, labelY] = getBezierPath({ sourceX: sx, sourceY: sy, sourcePosition: side, targetX: tx, targetY: ty, targetPosition: targetSide });
      const mid = pointOnCurve(bezierCurve(sx, sy, side, tx, ty, targetSide), 0.5);
      expect(mid.x).toBeCloseTo(labelX, 6);
      expect(mid.y).toBeCloseTo(labelY, 6);
    }
  });
});
