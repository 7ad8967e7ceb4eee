/**
 * The minimap: every node as a small block in its category's colour, the view as a frame; click or
 * drag in it to move the view there, turn the wheel over it to zoom.
 *
 * React Flow's own minimap subscribes once per node to React Flow's store, so every wheel step on
 * the canvas ran 2,000 selectors for it on the 2,000-layer benchmark network (about 5 frames per
 * second of the zoom, bench/editor.bench.ts). Here the blocks are one path per colour, redrawn
 * when nodes move; only the frame and the view box follow the zoom.
 */
import { memo, useCallback, useMemo, useRef, type PointerEvent, type WheelEvent } from 'react';
import { Panel, useReactFlow, useStore, type Node } from '@xyflow/react';
import { useEditor } from '../react/editor-context.js';
import { nodeRect, unite, viewRect, type FlowRect } from '../editor/view-geometry.js';

const WIDTH = 170;
const HEIGHT = 110;
/** Room around the content, in minimap pixels. */
const MARGIN = 6;

/** The blocks, one path per colour, and the box around them. Group frames and hidden members are left out. */
export function minimapBlocks(nodes: readonly Node[], colorOf: (node: Node) => string): { paths: [string, string][]; bounds: FlowRect | undefined } {
  const byColor = new Map<string, string[]>();
  let bounds: FlowRect | undefined;
  for (const n of nodes) {
    if (n.hidden || n.type === 'groupFrame') continue;
    const b = nodeRect(n);
    bounds = bounds ? unite(bounds, b) : b;
    const color = colorOf(n);
    const parts = byColor.get(color) ?? [];
    parts.push(`M${Math.round(b.x)},${Math.round(b.y)}h${Math.round(b.width)}v${Math.round(b.height)}h${-Math.round(b.width)}z`);
    byColor.set(color, parts);
  }
  return { paths: [...byColor.entries()].map(([color, parts]) => [color, parts.join('')]), bounds };
}

const Blocks = memo(function Blocks({ paths }: { paths: [string, string][] }) {
  return (
    <>
      {paths.map(([color, d]) => (
        <path key={color} d={d} fill={color} />
      ))}
    </>
  );
});

export function Minimap({ nodeColor }: { nodeColor: (node: Node) => string }) {
  const nodes = useEditor((s) => s.flowNodes);
  const { paths, bounds } = useMemo(() => minimapBlocks(nodes, nodeColor), [nodes, nodeColor]);
  // The view in flow coordinates; this component alone re-renders on every pan and zoom step.
  const transform = useStore((s) => s.transform);
  const paneWidth = useStore((s) => s.width);
  const paneHeight = useStore((s) => s.height);
  const view = viewRect(transform, paneWidth, paneHeight);
  const shown = bounds ? unite(bounds, view) : view;
  // One scale for both axes, the content centred.
  const scale = Math.max(shown.width / (WIDTH - 2 * MARGIN), shown.height / (HEIGHT - 2 * MARGIN));
  const viewBox = {
    x: shown.x + shown.width / 2 - (WIDTH / 2) * scale,
    y: shown.y + shown.height / 2 - (HEIGHT / 2) * scale,
    width: WIDTH * scale,
    height: HEIGHT * scale,
  };

  const flow = useReactFlow();
  const svg = useRef<SVGSVGElement>(null);
  const toFlow = useCallback(
    (clientX: number, clientY: number) => {
      const r = svg.current!.getBoundingClientRect();
      return { x: viewBox.x + ((clientX - r.left) / r.width) * viewBox.width, y: viewBox.y + ((clientY - r.top) / r.height) * viewBox.height };
    },
    [viewBox.x, viewBox.y, viewBox.width, viewBox.height],
  );
  const centreOn = (e: PointerEvent<SVGSVGElement>) => {
    const p = toFlow(e.clientX, e.clientY);
    void flow.setCenter(p.x, p.y, { zoom: flow.getZoom() });
  };
  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    centreOn(e);
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    if (e.currentTarget.hasPointerCapture(e.pointerId)) centreOn(e);
  };
  const onWheel = (e: WheelEvent<SVGSVGElement>) => {
    void flow.zoomTo(flow.getZoom() * Math.pow(2, -e.deltaY * 0.002));
  };

  const frame = `M${viewBox.x},${viewBox.y}h${viewBox.width}v${viewBox.height}h${-viewBox.width}z M${view.x},${view.y}v${view.height}h${view.width}v${-view.height}z`;
  return (
    <Panel position="bottom-right" className="minimap nowheel" data-testid="minimap">
      <svg
        ref={svg}
        width={WIDTH}
        height={HEIGHT}
        viewBox={`${viewBox.x} ${viewBox.y} ${viewBox.width} ${viewBox.height}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onWheel={onWheel}
        role="img"
        aria-label="Minimap"
      >
        <Blocks paths={paths} />
        {/* Outside the view is dimmed: the outer box with the view cut out (even-odd). */}
        <path className="minimap-mask" d={frame} fillRule="evenodd" />
        <rect className="minimap-view" x={view.x} y={view.y} width={view.width} height={view.height} />
      </svg>
    </Panel>
  );
}
