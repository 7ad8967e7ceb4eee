/** A wire between ports, labelled live with the dims of the tensor it carries. */
import { createContext, memo, useContext, useEffect } from 'react';
import { useStore as useZustand } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, Position, useReactFlow, type Edge, type EdgeProps, type InternalNode } from '@xyflow/react';
import { formatDims } from '../../core/shapes/dims.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import type { Node, WireData } from '../editor/flow-model.js';
import { nodeRect, type FlowRect } from '../editor/view-geometry.js';
import { bezierCurve, labelBox, placeWireLabels, pointOnCurve, type LabelPlace, type WireLabelInput } from '../editor/wire-labels.js';

/** The wire as React Flow hands it to its component (React Flow's own edge type, with our data). */
type WireEdge = Edge<WireData, 'wire'>;

export const Wire = memo(function Wire({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected }: EdgeProps<WireEdge>) {
  const fromNode = data?.fromNode ?? '';
  const fromPort = data?.fromPort ?? '';
  // The tensor object: inference keeps it while its dims do not change, so this wire re-renders
  // only when they do. (Zoomed out, wires are not React Flow edges but far-wires.tsx's paths.)
  const tensor = useEditor((s) => s.shapes.nodes[fromNode]?.outputs[fromPort]);
  const label = tensor ? formatDims(tensor.dims) : '?';
  // Top to bottom the label sits beside the wire, not on it; left to right the gap between ranks holds it.
  const across = sourcePosition === Position.Bottom;
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  // The placement gives a fraction along the wire; the point comes from this wire's own ends, so a drag carries the label.
  const place = useZustand(useContext(WireLabelStoreContext), (s) => s.get(id));
  const onWire = pointOnCurve(bezierCurve(sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition), place?.t ?? 0.5);
  // The box the placement reserved, drawn at exactly that size, so what no two boxes share on paper no two labels share on screen.
  const box = labelBox(label, across ? 'beside' : 'center', onWire.x + (place?.dx ?? 0), onWire.y + (place?.dy ?? 0));
  // With no free place along the wire the label sits near it, drawn above the nodes (selected ones at 1000).
  const zIndex = place?.raised ? 1001 : undefined;
  return (
    <>
      <BaseEdge id={id} path={path} className={selected ? 'wire selected' : 'wire'} interactionWidth={16} />
      <EdgeLabelRenderer>
        {place?.raised && <Leader from={onWire} to={box} zIndex={zIndex} />}
        <div
          className={`wire-label${label === '?' ? ' unknown' : ''}${selected ? ' selected' : ''}${place?.raised ? ' raised' : ''}`}
          style={{ transform: `translate(${box.x}px, ${box.y}px)`, width: box.width, height: box.height, zIndex }}
          data-testid="wire-label"
          data-edge={id}
        >
          {label}
        </div>
      </EdgeLabelRenderer>
    </>
  );
});

/** A thin line from the point on the wire to the nearest edge of its label, when the label had to move off the wire. */
function Leader({ from, to, zIndex }: { from: { x: number; y: number }; to: FlowRect; zIndex: number | undefined }) {
  const x = Math.min(Math.max(from.x, to.x), to.x + to.width);
  const y = Math.min(Math.max(from.y, to.y), to.y + to.height);
  const length = Math.hypot(x - from.x, y - from.y);
  if (length < 2) return null;
  const angle = Math.atan2(y - from.y, x - from.x);
  return <div className="wire-leader" style={{ transform: `translate(${from.x}px, ${from.y}px) rotate(${angle}rad)`, width: length, zIndex }} />;
}

/** Per drawn wire, where its label sits; each wire selects its own entry (an unchanged entry keeps its object). */
export type WireLabelStore = StoreApi<ReadonlyMap<string, LabelPlace>>;

export function createWireLabelStore(): WireLabelStore {
  return createStore<ReadonlyMap<string, LabelPlace>>(() => new Map());
}

export const WireLabelStoreContext = createContext<WireLabelStore>(createWireLabelStore());

/** Where a wire's handle is, as React Flow places it (undefined before the node is measured). */
function handlePoint(node: InternalNode | undefined, kind: 'source' | 'target', handleId: string | null | undefined) {
  const bounds = node?.internals.handleBounds?.[kind];
  const handle = bounds && (handleId ? bounds.find((h) => h.id === handleId) : bounds[0]);
  if (!node || !handle) return undefined;
  const x = node.internals.positionAbsolute.x + handle.x;
  const y = node.internals.positionAbsolute.y + handle.y;
  const side = handle.position;
  if (side === Position.Top) return { x: x + handle.width / 2, y, side };
  if (side === Position.Right) return { x: x + handle.width, y: y + handle.height / 2, side };
  if (side === Position.Bottom) return { x: x + handle.width / 2, y: y + handle.height, side };
  return { x, y: y + handle.height / 2, side };
}

function sameOrNew(prev: ReadonlyMap<string, LabelPlace>, next: Map<string, LabelPlace>): ReadonlyMap<string, LabelPlace> {
  for (const [id, p] of next) {
    const old = prev.get(id);
    if (old && old.t === p.t && old.dx === p.dx && old.dy === p.dy && old.raised === p.raised) next.set(id, old);
  }
  return next;
}

/**
 * Keeps `store` up to date for the wires the near view draws (none in the far view): it runs when
 * those wires, the nodes (a drag, a measure) or the shapes (a label's text) change, and only labels
 * whose place changes re-render.
 */
export function useTrackWireLabels(store: WireLabelStore, drawn: readonly Edge[], nodes: readonly Node[]): void {
  const editor = useEditorStore();
  const flow = useReactFlow();
  useEffect(() => {
    const place = () => {
      const shapes = editor.getState().shapes;
      const wires: WireLabelInput[] = [];
      for (const e of drawn) {
        const from = handlePoint(flow.getInternalNode(e.source), 'source', e.sourceHandle);
        const to = handlePoint(flow.getInternalNode(e.target), 'target', e.targetHandle);
        if (!from || !to) continue;
        const data = e.data as WireData | undefined;
        const tensor = shapes.nodes[data?.fromNode ?? '']?.outputs[data?.fromPort ?? ''];
        const text = tensor ? formatDims(tensor.dims) : '?';
        wires.push({
          id: e.id,
          curve: bezierCurve(from.x, from.y, from.side, to.x, to.y, to.side),
          text,
          anchor: from.side === Position.Bottom ? 'beside' : 'center',
        });
      }
      // A group's frame is not an obstacle: the labels of the wires inside it sit on it.
      const boxes = wires.length === 0 ? [] : nodes.filter((n) => !n.hidden && n.type !== 'groupFrame').map(nodeRect);
      store.setState(sameOrNew(store.getState(), placeWireLabels(boxes, wires)), true);
    };
    place();
    return editor.subscribe((s, prev) => {
      if (s.shapes !== prev.shapes) place();
    });
  }, [store, drawn, nodes, editor, flow]);
}

/** Declared once at module scope, as React Flow requires. */
export const EDGE_TYPES = { wire: Wire };
