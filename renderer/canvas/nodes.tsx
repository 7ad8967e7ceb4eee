/**
 * The canvas node components: a layer, a network input, a collapsed group and an expanded group's
 * frame. Each is memoised and selects only the primitives it shows (its output dims as a string,
 * its problem badge), so an edit re-renders just the nodes whose face changed.
 */
import { memo, useState, type CSSProperties } from 'react';
import { useShallow } from 'zustand/shallow';
import { ok } from '../../core/diagnostics.js';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { catalogFor } from '../../core/blocks/document-catalog.js';
import { outputPortNames } from '../../core/layers/catalog.js';
import { INPUT_NODE_PORT, type NetworkNode } from '../../core/network/types.js';
import { formatDims, formatInputDims } from '../../core/shapes/dims.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { setGroupCollapsed } from '../../core/network/edit.js';
import { heatColor, heatNote } from '../editor/heat.js';
import type { FrameFlowNode, GroupFlowNode, InputFlowNode, LayerFlowNode } from '../editor/flow-model.js';
import { useDetailed } from './detail.js';
import { CATEGORY_COLORS } from '../editor/layer-look.js';
import { inputPortNames, portOffset, PORT_STEP, PORT_TOP, variadicWireCounts, type FlowDirection } from '../editor/ports.js';
import { count } from '../../core/words.js';

/** A layer's dims on one output port (`[1, 64, 112, 112]`); the selector returns the tensor object, which inference keeps while its dims do not change. */
function useOutputDims(nodeId: string, port: string): string {
  const tensor = useEditor((s) => s.shapes.nodes[nodeId]?.outputs[port]);
  return tensor ? formatDims(tensor.dims) : '';
}

function ProblemBadge({ nodeId }: { nodeId: string }) {
  // One subscription per node (there may be thousands); the summary object is new only when problems were re-summarised.
  const problem = useEditor((s) => s.nodeProblems[nodeId]);
  if (!problem) return null;
  const { severity, count, first } = problem;
  return (
    <span className={`badge badge-${severity}`} title={first} data-testid="problem-badge">
      {severity === 'error' ? '!' : '⚠'}
      {count > 1 ? count : ''}
    </span>
  );
}

/**
 * What a layer node's outside shows, in one subscription (all 2,000 nodes of a big network stay
 * mounted, and each subscription runs on every store update, a drag step included): the layer, its
 * problem's severity, its heat with what it means, and its variadic inputs' wire counts.
 */
function useLayerFace(id: string, fallback: NetworkNode) {
  return useEditor(
    useShallow((s) => {
      const node = s.nodeById.get(id) ?? fallback;
      const heat = s.heat[id];
      return [
        node,
        s.nodeProblems[id]?.severity,
        heat,
        heat === undefined ? undefined : heatNote(s.heatLegend, id, heat),
        variadicWireCounts(s.doc, id, catalogFor(s.doc).spec(node.type)?.inputs ?? []),
      ] as const;
    }),
  );
}

/** Where handle `index` of `count` sits: down the side (left to right) or along the edge from the middle (top to bottom). */
function handleStyle(direction: FlowDirection, index: number, count: number): CSSProperties {
  const offset = portOffset(direction, index, count);
  return direction === 'LR' ? { top: offset } : { left: `calc(50% + ${offset}px)` };
}

/** The handles' sides for the drawing's direction. */
function useSides(): { direction: FlowDirection; inSide: Position; outSide: Position } {
  const direction = useEditor((s) => s.direction);
  return direction === 'LR' ? { direction, inSide: Position.Left, outSide: Position.Right } : { direction, inSide: Position.Top, outSide: Position.Bottom };
}

function OutputDims({ nodeId, port }: { nodeId: string; port: string }) {
  const dims = useOutputDims(nodeId, port);
  return <span className="node-dims">{dims || '—'}</span>;
}

/** While weights are loaded: how many of the layer's weight slots are bound (red when one is missing or the wrong size). */
const WeightChip = memo(function WeightChip({ nodeId }: { nodeId: string }) {
  const status = useEditor((s) => s.weightStatus[nodeId]);
  if (!status) return null;
  const [state, counts] = status.split(':');
  return (
    <span
      className={`weight-chip weight-chip-${state}`}
      title={state === 'ok' ? 'Every weight slot is bound' : 'A weight slot is missing or has the wrong size; see Problems'}
      data-testid="weight-chip"
    >
      W {counts}
    </span>
  );
});

export const LayerNode = memo(function LayerNode({ id, data, selected, height }: NodeProps<LayerFlowNode>) {
  // The heat overlay: this node's share of the slowest layer's time, or its error against a reference (the store rounds it, so it rarely changes).
  const [node, severity, heat, heatTitle, variadicCounts] = useLayerFace(id, data.node);
  const detailed = useDetailed(id);
  const { direction, inSide, outSide } = useSides();
  // The catalog object changes only when the project's blocks do, so this adds no re-renders.
  const catalog = useEditor((s) => catalogFor(s.doc));
  const spec = catalog.nodeSpec(node);
  const inputs = inputPortNames(spec?.inputs ?? [], variadicCounts);
  const outputs = spec ? outputPortNames(spec, node.params) : [];
  const summary = spec?.summary ? spec.summary(node.params) : '';
  const color = spec ? CATEGORY_COLORS[spec.category] : '#888';
  const rows = Math.max(inputs.length, outputs.length, 1);
  const heatFill = heat === undefined ? undefined : heatColor(heat);
  // Zoomed out, where the badge is too small to see, the whole node shows its problem's colour.
  const className = `layer-node${selected ? ' selected' : ''}${spec?.kind === 'composite' ? ' composite' : ''}${heatFill ? ' heat' : ''}${severity ? ` has-${severity}` : ''}`;
  const minHeight = direction === 'LR' ? PORT_TOP + rows * PORT_STEP : undefined;
  const heatStyle: Record<string, string> = heatFill ? { '--heat-color': heatFill } : {};
  // Without detail (zoomed out, or out of view in a big network), once measured: a block of the
  // measured height with its ports and nothing inside, a third of the elements, and none watching
  // shapes. Keeping the height keeps React Flow from measuring it again.
  if (!detailed && height !== undefined)
    return (
      <div
        className={`${className} plain`}
        style={{ '--accent': color, minHeight, height, ...heatStyle } as CSSProperties}
        data-heat={heat}
        title={heatTitle}
        data-testid="layer-node"
        data-name={node.name}
      >
        {inputs.map((port, i) => (
          <Handle key={port} id={port} type="target" position={inSide} style={handleStyle(direction, i, inputs.length)} className="port port-in" />
        ))}
        {outputs.map((port, i) => (
          <Handle key={port} id={port} type="source" position={outSide} style={handleStyle(direction, i, outputs.length)} className="port port-out" />
        ))}
      </div>
    );
  return (
    <div
      className={className}
      style={{ '--accent': color, minHeight, ...heatStyle } as CSSProperties}
      data-heat={heat}
      data-testid="layer-node"
      data-name={node.name}
    >
      <div className="node-header">
        <span className="node-type">{spec?.label ?? node.type}</span>
        <WeightChip nodeId={id} />
        <ProblemBadge nodeId={id} />
      </div>
      {heatFill && <div className="node-heat" style={{ width: `${Math.max(4, heat! * 100)}%` }} title={heatTitle} data-testid="node-heat" />}
      <div className="node-body">
        <div className="node-name" title={node.name}>
          {node.name}
          {node.repeat && node.repeat.count > 1 && (
            <span className="node-repeat" data-testid="node-repeat">
              .{node.repeat.start ?? 0}…{(node.repeat.start ?? 0) + node.repeat.count - 1}
            </span>
          )}
        </div>
        {summary && <div className="node-summary">{summary}</div>}
        {outputs.map((port) => (
          <OutputDims key={port} nodeId={id} port={port} />
        ))}
      </div>
      {inputs.map((port, i) => (
        <Handle key={port} id={port} type="target" position={inSide} style={handleStyle(direction, i, inputs.length)} className="port port-in" title={port}>
          {inputs.length > 1 && <span className="port-label port-label-in">{port}</span>}
        </Handle>
      ))}
      {outputs.map((port, i) => (
        <Handle key={port} id={port} type="source" position={outSide} style={handleStyle(direction, i, outputs.length)} className="port port-out" title={port}>
          {outputs.length > 1 && <span className="port-label port-label-out">{port}</span>}
        </Handle>
      ))}
    </div>
  );
});

export const InputNode = memo(function InputNode({ id, data, selected }: NodeProps<InputFlowNode>) {
  const { direction, outSide } = useSides();
  const input = useEditor((s) => s.doc.inputs.find((i) => i.id === id)) ?? data.input;
  return (
    <div
      className={`layer-node input-node${selected ? ' selected' : ''}`}
      style={{ '--accent': CATEGORY_COLORS['Input / Output'] } as CSSProperties}
      data-testid="input-node"
      data-name={input.name}
    >
      <div className="node-header">
        <span className="node-type">Input</span>
        <ProblemBadge nodeId={id} />
      </div>
      <div className="node-body">
        <div className="node-name">{input.name}</div>
        <div className="node-summary">{input.dtype}</div>
        <span className="node-dims" data-testid="input-node-dims">
          {formatInputDims(input.dims, input.dimNames)}
        </span>
      </div>
      <Handle id={INPUT_NODE_PORT} type="source" position={outSide} style={handleStyle(direction, 0, 1)} className="port port-out" />
    </div>
  );
});

/** A block's name; double-click to rename it (Enter or leaving the field commits, Escape cancels). */
function GroupName({ id, name }: { id: string; name: string }) {
  const store = useEditorStore();
  const [editing, setEditing] = useState(false);
  if (!editing)
    return (
      <span
        className="group-name"
        title="Double-click to rename"
        onDoubleClick={(e) => {
          e.stopPropagation();
          setEditing(true);
        }}
        data-testid="group-name"
      >
        {name}
      </span>
    );
  const commit = (text: string) => {
    setEditing(false);
    const trimmed = text.trim();
    if (!trimmed || trimmed === name) return;
    store.getState().apply((doc) => ok({ ...doc, ui: { ...doc.ui, groups: doc.ui.groups.map((g) => (g.id === id ? { ...g, name: trimmed } : g)) } }));
  };
  return (
    <input
      className="group-name-input nodrag"
      autoFocus
      defaultValue={name}
      onBlur={(e) => commit(e.target.value)}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') commit(e.currentTarget.value);
        else if (e.key === 'Escape') setEditing(false);
      }}
      data-testid="group-name-input"
    />
  );
}

export const GroupNode = memo(function GroupNode({ data, selected }: NodeProps<GroupFlowNode>) {
  const store = useEditorStore();
  const { direction, inSide, outSide } = useSides();
  const g = data.group;
  return (
    <div className={`layer-node group-node${selected ? ' selected' : ''}`} data-testid="group-node" data-name={g.name}>
      <div className="node-header">
        <span className="node-type">Block</span>
        <button className="frame-toggle nodrag" title="Expand the block" onClick={() => store.getState().apply((doc) => setGroupCollapsed(doc, g.id, false))}>
          ▸
        </button>
      </div>
      <div className="node-body">
        <div className="node-name">
          <GroupName id={g.id} name={g.name} />
        </div>
        <div className="node-summary">{count(g.nodeIds.length, 'layer')}</div>
      </div>
      <Handle id="in" type="target" position={inSide} style={handleStyle(direction, 0, 1)} className="port port-in" isConnectable={false} />
      <Handle id="out" type="source" position={outSide} style={handleStyle(direction, 0, 1)} className="port port-out" isConnectable={false} />
    </div>
  );
});

export const GroupFrame = memo(function GroupFrame({ data }: NodeProps<FrameFlowNode>) {
  const store = useEditorStore();
  const g = data.group;
  return (
    <div className="group-frame" style={{ width: data.width, height: data.height }} data-testid="group-frame" data-name={g.name}>
      <div className="group-frame-header">
        <button className="frame-toggle nodrag" title="Collapse the block" onClick={() => store.getState().apply((doc) => setGroupCollapsed(doc, g.id, true))}>
          ▾
        </button>
        <GroupName id={g.id} name={g.name} />
      </div>
    </div>
  );
});

/** Declared once at module scope, as React Flow requires for stable rendering. */
export const NODE_TYPES = { layer: LayerNode, tensorInput: InputNode, block: GroupNode, groupFrame: GroupFrame };
