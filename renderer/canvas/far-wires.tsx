/**
 * Every wire in a few SVG paths, for the far view. React Flow draws each wire as an SVG of its own with
 * three store subscriptions; with thousands on screen that alone held a zoom on the 2,000-layer
 * network at about 40 frames per second (bench/editor.bench.ts). Zoomed out, wires carry no label
 * and take no clicks, so the canvas hands React Flow no edges and draws them all here instead, a
 * path per tile of the canvas.
 *
 * The curves are React Flow's own (`getBezierPath` between the measured handles), so a wire looks
 * the same on both sides of the threshold.
 */
import { memo, useMemo } from 'react';
import { EdgeLabelRenderer, Position, getBezierPath, useStoreApi, type Edge, type InternalNode, type Node } from '@xyflow/react';
import { useEditor } from '../react/editor-context.js';
import type { FlowDirection } from '../editor/ports.js';

type HandleSide = 'source' | 'target';

/** Where a wire leaves or enters a node: the middle of the handle's outer edge (right or bottom for an output), in flow coordinates. */
function portPoint(
  node: Node,
  internal: InternalNode | undefined,
  side: HandleSide,
  handleId: string | null | undefined,
): { x: number; y: number } | undefined {
  const handles = internal?.internals.handleBounds?.[side];
  const handle = handles?.find((h) => h.id === handleId) ?? (handleId ? undefined : handles?.[0]);
  if (!handle) return undefined;
  const x = node.position.x + handle.x;
  const y = node.position.y + handle.y;
  if (handle.position === Position.Top || handle.position === Position.Bottom)
    return { x: x + handle.width / 2, y: y + (handle.position === Position.Bottom ? handle.height : 0) };
  return { x: x + (side === 'source' ? handle.width : 0), y: y + handle.height / 2 };
}

/**
 * Wires are drawn in square tiles of this many flow units (by where they start): zoomed in, the
 * browser skips the tiles out of view instead of walking every curve of one huge path each frame.
 */
const TILE = 1500;

/** The `d` of one path per tile holding its wires, and of one holding the selected wires. */
export function farWirePaths(
  nodes: readonly Node[],
  edges: readonly Edge[],
  lookup: ReadonlyMap<string, InternalNode>,
  direction: FlowDirection = 'LR',
): { tiles: [string, string][]; selected: string } {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const [out, into] = direction === 'LR' ? [Position.Right, Position.Left] : [Position.Bottom, Position.Top];
  const tiles = new Map<string, string[]>();
  const selected: string[] = [];
  for (const e of edges) {
    if (e.hidden) continue;
    const from = byId.get(e.source);
    const to = byId.get(e.target);
    if (!from || !to || from.hidden || to.hidden) continue;
    const s = portPoint(from, lookup.get(e.source), 'source', e.sourceHandle);
    const t = portPoint(to, lookup.get(e.target), 'target', e.targetHandle);
    if (!s || !t) continue;
    const [d] = getBezierPath({ sourceX: s.x, sourceY: s.y, sourcePosition: out, targetX: t.x, targetY: t.y, targetPosition: into });
    if (e.selected) {
      selected.push(d);
      continue;
    }
    const key = `${Math.floor(s.x / TILE)},${Math.floor(s.y / TILE)}`;
    const tile = tiles.get(key) ?? [];
    tile.push(d);
    tiles.set(key, tile);
  }
  return { tiles: [...tiles.entries()].map(([key, ds]) => [key, ds.join('')]), selected: selected.join('') };
}

/**
 * Drawn beneath the nodes (in React Flow's label layer, inside the viewport transform). Positions
 * come from the editor's node array, which follows drags frame by frame; handle offsets come from
 * React Flow's measurements, which that array's `dimensions` changes follow.
 */
export const FarWires = memo(function FarWires() {
  const nodes = useEditor((s) => s.flowNodes);
  const edges = useEditor((s) => s.flowEdges);
  const direction = useEditor((s) => s.direction);
  const flowStore = useStoreApi();
  const { tiles, selected } = useMemo(() => farWirePaths(nodes, edges, flowStore.getState().nodeLookup, direction), [nodes, edges, flowStore, direction]);
  return (
    <EdgeLabelRenderer>
      <svg className="far-wires" data-testid="far-wires">
        {tiles.map(([key, d]) => (
          <path key={key} className="react-flow__edge-path" d={d} />
        ))}
        {selected && <path className="react-flow__edge-path wire selected" d={selected} />}
      </svg>
    </EdgeLabelRenderer>
  );
});
