/** A wire between ports, labelled live with the dims of the tensor it carries. */
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, Position, type Edge, type EdgeProps } from '@xyflow/react';
import { formatDims } from '../../core/shapes/dims.js';
import { useEditor } from '../react/editor-context.js';
import type { WireData } from '../editor/flow-model.js';

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
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} className={selected ? 'wire selected' : 'wire'} interactionWidth={16} />
      <EdgeLabelRenderer>
        <div
          className={`wire-label${label === '?' ? ' unknown' : ''}${selected ? ' selected' : ''}`}
          style={{ transform: `${across ? 'translate(6px, -50%)' : 'translate(-50%, -50%)'} translate(${labelX}px, ${labelY}px)` }}
          data-testid="wire-label"
          data-edge={id}
        >
          {label}
        </div>
      </EdgeLabelRenderer>
    </>
  );
});

/** Declared once at module scope, as React Flow requires. */
export const EDGE_TYPES = { wire: Wire };
