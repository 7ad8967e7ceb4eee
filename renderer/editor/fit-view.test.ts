/** Where a fit puts the view: the network clear of the minimap, the zoom buttons and the legends. */
import { describe, expect, it } from 'vitest';
import { fitViewport, nearestFree, panToShow, READABLE_ZOOM, type FitRequest, type PaneRect, type Viewport } from './fit-view.js';
import type { FlowRect } from './view-geometry.js';

const PANE = { width: 1000, height: 600 };
/** Measured as the canvas draws them in a 1000×600 pane: the minimap bottom right, the zoom buttons bottom left, the legend top right. */
const MINIMAP: PaneRect = { left: 813, top: 473, right: 985, bottom: 585 };
const CONTROLS: PaneRect = { left: 15, top: 505, right: 43, bottom: 585 };
const LEGEND: PaneRect = { left: 653, top: 15, right: 985, bottom: 44 };

function box(x: number, y: number, width = 190, height = 74): FlowRect {
  return { x, y, width, height };
}

/** `count` nodes in a line along the flow, 280 apart (LR) or 130 apart (TB). */
function chain(count: number, direction: 'LR' | 'TB'): FlowRect[] {
  return Array.from({ length: count }, (_, i) => (direction === 'LR' ? box(i * 280, 0) : box(0, i * 130)));
}

function onScreen(v: Viewport, n: FlowRect): PaneRect {
  return { left: v.x + n.x * v.zoom, top: v.y + n.y * v.zoom, right: v.x + (n.x + n.width) * v.zoom, bottom: v.y + (n.y + n.height) * v.zoom };
}

function meets(a: PaneRect, b: PaneRect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** The nodes drawn (even partly) in the pane that meet an overlay, by index. */
function covered(request: FitRequest, v: Viewport): number[] {
  return request.nodes.flatMap((n, i) => (request.overlays.some((o) => meets(onScreen(v, n), o)) ? [i] : []));
}

function fit(request: FitRequest): Viewport {
  const v = fitViewport(request);
  if (!v) throw new Error('no viewport');
  return v;
}

describe('fitViewport', () => {
  it('fits a small network whole, no bigger than 1.2, centred in the pane', () => {
    const request: FitRequest = { pane: PANE, overlays: [], nodes: [box(100, 50)], direction: 'LR', whole: false };
    const v = fit(request);
    expect(v.zoom).toBe(1.2);
    expect(v.x).toBeCloseTo(500 - 1.2 * 195, 9);
    expect(v.y).toBeCloseTo(300 - 1.2 * 87, 9);
  });

  it('keeps a wide network above the minimap: the bottom side moves up past it, which costs a wide network nothing', () => {
    const nodes = [box(0, 0), box(810, 376)];
    const request: FitRequest = { pane: PANE, overlays: [MINIMAP, CONTROLS], nodes, direction: 'LR', whole: true };
    const v = fit(request);
    // 1,000 units wide into the 952 pixels between the margins; the height left is 600 - 24 - (600 - 473 + 12).
    expect(v.zoom).toBeCloseTo(0.952, 9);
    expect(v.x).toBeCloseTo(24, 9);
    expect(v.y).toBeCloseTo(24 + (437 - 450 * 0.952) / 2, 9);
    expect(covered(request, v)).toEqual([]);
    // Fitted into the pane's margins alone (React Flow's fit), the right-hand node was under the minimap.
    expect(covered(request, { x: 24, y: 24 + (552 - 450 * 0.952) / 2, zoom: 0.952 })).toEqual([1]);
  });

  it('keeps a tall network left of the minimap and right of the zoom buttons', () => {
    const nodes = [box(0, 0), box(0, 500), box(300, 1000)];
    const request: FitRequest = { pane: PANE, overlays: [MINIMAP, CONTROLS, LEGEND], nodes, direction: 'TB', whole: true };
    const v = fit(request);
    // 1,074 units tall into 600 - 24 - 24 pixels: the height decides, and the sides are free to clear the overlays.
    expect(v.zoom).toBeCloseTo(552 / 1074, 6);
    expect(covered(request, v)).toEqual([]);
    expect(onScreen(v, nodes[2]!).right).toBeLessThanOrEqual(MINIMAP.left - 12 + 1e-9);
  });

  it('shows a long chain laid out left to right from its start, readable, centred across', () => {
    const nodes = chain(30, 'LR');
    const request: FitRequest = { pane: PANE, overlays: [MINIMAP, CONTROLS, LEGEND], nodes, direction: 'LR', whole: false };
    expect(fit(request)).toEqual({ x: 24, y: (600 - 74 * READABLE_ZOOM) / 2, zoom: READABLE_ZOOM });
  });

  it('moves a long chain laid out top to bottom out from under the legend, as little as it takes', () => {
    const pane = { width: 700, height: 600 };
    const legend: PaneRect = { left: 394, top: 15, right: 685, bottom: 44 };
    const nodes = chain(30, 'TB');
    const request: FitRequest = { pane, overlays: [legend], nodes, direction: 'TB', whole: false };
    const v = fit(request);
    expect(v.zoom).toBe(READABLE_ZOOM);
    // Centred, its first node's right edge (402.25) would reach under the legend; moved 20.25 pixels left, to 12 short of it
    // (starting it below the legend would move it 32 pixels down).
    const first = onScreen(v, nodes[0]!);
    expect(first.top).toBe(24);
    expect(first.right).toBeCloseTo(394 - 12, 9);
    expect(covered(request, v)).toEqual([]);
  });

  it('starts a top-to-bottom chain below the legend when moving it across would take longer', () => {
    const pane = { width: 700, height: 600 };
    const legend: PaneRect = { left: 200, top: 15, right: 685, bottom: 44 };
    const nodes = chain(30, 'TB');
    const request: FitRequest = { pane, overlays: [legend], nodes, direction: 'TB', whole: false };
    const v = fit(request);
    expect(onScreen(v, nodes[0]!).top).toBe(44 + 12);
    expect(onScreen(v, nodes[0]!).left).toBeCloseTo((700 - 190 * READABLE_ZOOM) / 2, 9);
    expect(covered(request, v)).toEqual([]);
  });

  it('keeps a branch near the bottom of a top-to-bottom start view out from under the minimap', () => {
    // A spine, and a side branch 1,000 units to its right, 780 down: on screen, bottom right.
    const nodes = [...chain(30, 'TB'), box(1000, 780)];
    const request: FitRequest = { pane: PANE, overlays: [MINIMAP, CONTROLS, LEGEND], nodes, direction: 'TB', whole: false };
    const v = fit(request);
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(covered(request, v)).toEqual([]);
    // The view centred across the pane, as React Flow's fit and the old start view put it, had the branch under the minimap.
    const centred = { x: (1000 - 1190 * READABLE_ZOOM) / 2, y: 24, zoom: READABLE_ZOOM };
    expect(covered(request, centred)).toEqual([30]);
  });

  it('fits a network big both ways whole, however small, as before', () => {
    const nodes = Array.from({ length: 400 }, (_, i) => box((i % 20) * 280, Math.floor(i / 20) * 130));
    const request: FitRequest = { pane: PANE, overlays: [MINIMAP, CONTROLS, LEGEND], nodes, direction: 'LR', whole: false };
    const v = fit(request);
    expect(v.zoom).toBeLessThan(0.2);
    expect(v.zoom).toBeGreaterThan(0.1);
    expect(covered(request, v)).toEqual([]);
  });

  it('fits a long chain whole when asked to (F), below the readable zoom', () => {
    const nodes = chain(30, 'LR');
    const request: FitRequest = { pane: PANE, overlays: [MINIMAP, CONTROLS, LEGEND], nodes, direction: 'LR', whole: true };
    const v = fit(request);
    expect(v.zoom).toBeCloseTo(952 / (29 * 280 + 190), 6);
    expect(covered(request, v)).toEqual([]);
  });

  it('shows a 2,000-layer network three rows wide from its start, readable, as before', () => {
    const nodes = Array.from({ length: 2000 }, (_, i) => box(Math.floor(i / 3) * 280, (i % 3) * 130));
    const request: FitRequest = { pane: PANE, overlays: [MINIMAP, CONTROLS, LEGEND], nodes, direction: 'LR', whole: false };
    const v = fit(request);
    expect(v).toEqual({ x: 24, y: (600 - 334 * READABLE_ZOOM) / 2, zoom: READABLE_ZOOM });
    expect(covered(request, v)).toEqual([]);
  });

  it('has nothing to fit on an empty canvas', () => {
    expect(fitViewport({ pane: PANE, overlays: [MINIMAP], nodes: [], direction: 'LR', whole: true })).toBeUndefined();
  });
});

describe('nearestFree', () => {
  it('takes the wanted point when free, else the nearest end of a blocked interval inside the range', () => {
    expect(nearestFree(50, 0, 100, [])).toBe(50);
    expect(nearestFree(50, 0, 100, [[40, 70]])).toBe(40);
    expect(nearestFree(50, 0, 100, [[20, 55]])).toBe(55);
    expect(
      nearestFree(50, 0, 100, [
        [-10, 60],
        [58, 110],
      ]),
    ).toBeUndefined();
    expect(nearestFree(150, 0, 100, [])).toBe(100);
  });
});

describe('panToShow', () => {
  const overlays = [MINIMAP, CONTROLS, LEGEND];

  it('leaves a new layer in view and clear where it is', () => {
    expect(panToShow({ left: 300, top: 200, right: 405, bottom: 240 }, PANE, overlays)).toEqual({ dx: 0, dy: 0 });
  });

  it('moves a layer out from under the minimap the shorter way: up, 12 pixels clear of it', () => {
    expect(panToShow({ left: 850, top: 500, right: 955, bottom: 540 }, PANE, overlays)).toEqual({ dx: 0, dy: 473 - 12 - 540 });
  });

  it('brings a layer beyond the right edge into view, inside the margin', () => {
    expect(panToShow({ left: 1100, top: 100, right: 1205, bottom: 140 }, PANE, overlays)).toEqual({ dx: 976 - 1205, dy: 0 });
  });

  it('brings a layer beyond the bottom-right corner into view and then above the minimap', () => {
    // Into the margins first (29 left, 24 up), where it would sit under the minimap; then up past it.
    expect(panToShow({ left: 900, top: 560, right: 1005, bottom: 600 }, PANE, overlays)).toEqual({ dx: -29, dy: -24 + (473 - 12 - 576) });
  });
});
