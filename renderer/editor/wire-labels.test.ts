import { describe, expect, it } from 'vitest';
import { getBezierPath, Position } from '@xyflow/system';
import { bezierCurve, labelBox, placeWireLabels, pointOnCurve, type WireCurve } from './wire-labels.js';

/** A straight wire from (sx, sy) to (tx, ty), its control points on the line. */
function line(sx: number, sy: number, tx: number, ty: number): WireCurve {
  return { sx, sy, c1x: sx + (tx - sx) / 3, c1y: sy + (ty - sy) / 3, c2x: sx + (2 * (tx - sx)) / 3, c2y: sy + (2 * (ty - sy)) / 3, tx, ty };
}

describe('placeWireLabels', () => {
  it('puts a label with room at its midpoint', () => {
    const places = placeWireLabels([], [{ id: 'a', curve: line(0, 0, 400, 0), text: '1x64', anchor: 'center' }]);
    expect(places.get('a')).toEqual({ t: 0.5, x: 200, y: 0, raised: false });
  });

  it('separates two labels that would overlap at their midpoints', () => {
    const places = placeWireLabels(
      [],
      [
        { id: 'a', curve: line(0, 0, 400, 0), text: '1x3x224x224', anchor: 'center' },
        { id: 'b', curve: line(0, 4, 400, 4), text: '1x3x224x224', anchor: 'center' },
      ],
    );
    expect(places.get('a')).toEqual({ t: 0.5, x: 200, y: 0, raised: false });
    // The second tries 0.5 and 0.35 and 0.65 (each still on the first, 77 px wide), then 0.25 along: 100 px in.
    expect(places.get('b')).toEqual({ t: 0.25, x: 100, y: 4, raised: false });
  });

  it('moves a label off a node that covers its midpoint', () => {
    const node = { x: 150, y: -40, width: 100, height: 80 };
    const places = placeWireLabels([node], [{ id: 'a', curve: line(0, 0, 400, 0), text: '1x64', anchor: 'center' }]);
    const place = places.get('a')!;
    // 0.35 and 0.65 along still touch the node's sides; 0.25 is clear of it.
    expect(place).toEqual({ t: 0.25, x: 100, y: 0, raised: false });
    const box = labelBox('1x64', 'center', place.x, place.y);
    expect(box.x + box.width).toBeLessThanOrEqual(node.x);
  });

  it('keeps the midpoint, raised, when every point along the wire is under a node', () => {
    const node = { x: -100, y: -100, width: 600, height: 200 };
    const places = placeWireLabels([node], [{ id: 'a', curve: line(0, 0, 400, 0), text: '1x64', anchor: 'beside' }]);
    expect(places.get('a')).toEqual({ t: 0.5, x: 200, y: 0, raised: true });
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
