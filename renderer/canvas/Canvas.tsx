/** The node canvas: React Flow bound to the editor store, with drop, connect and search-menu wiring. */
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent } from 'react';
import { useStore as useZustand } from 'zustand';
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  Panel,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  useUpdateNodeInternals,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type IsValidConnection,
  type Node,
  type ReactFlowInstance,
} from '@xyflow/react';
import { connect, connectionProblem } from '../../core/network/edit.js';
import { specIn } from '../../core/blocks/document-catalog.js';
import { BLOCK_TYPE_PREFIX } from '../../core/network/types.js';
import { getLayerSpec } from '../../core/layers/catalog.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { addLayerAt } from '../editor/commands.js';
import { NODE_TYPES } from './nodes.js';
import { CATEGORY_COLORS, LAYER_DRAG_TYPE, LAYER_PARAMS_DRAG_TYPE } from '../editor/layer-look.js';
import type { Params } from '../../core/layers/types.js';
import { EDGE_TYPES, WireLabelStoreContext, createWireLabelStore, useTrackWireLabels } from './wire.js';
import { DetailStoreContext, createDetailStore, useTrackDetailedNodes, useWatchFarView } from './detail.js';
import { edgesToDraw, type FlowRect } from '../editor/view-geometry.js';
import { fitViewport, MIN_ZOOM, panToShow, type PaneRect } from '../editor/fit-view.js';
import { FarWires } from './far-wires.js';
import { NODE_HEIGHT, NODE_WIDTH, sameItems } from '../editor/flow-model.js';
import { Minimap } from './Minimap.js';
import { ContextMenu, type ContextTarget } from './ContextMenu.js';
import { BlockBreadcrumb } from './BlockBreadcrumb.js';
import { HeatLegend } from './HeatLegend.js';
import { tensorMismatch } from '../editor/wire-check.js';
import { warmUpLayout } from '../editor/layout/auto-layout.js';

/** Above this many nodes only the nodes in view draw their detail (detail.ts), and a fit is not animated. */
const BIG_NETWORK = 300;

// Props that are objects live at module scope: a new object on each render of the canvas would make
// React Flow update its store, and every drawn wire re-render (it reads the default edge options).
// Shift+click adds to the selection as in most editors (Shift+drag on the canvas still draws a selection box).
const MULTI_SELECTION_KEYS = ['Shift', 'Meta', 'Control'];
const NO_EDGES: Edge[] = [];
const PRO_OPTIONS = { hideAttribution: true };
const DEFAULT_EDGE_OPTIONS = { type: 'wire' };

function minimapColor(node: Node): string {
  if (node.type === 'tensorInput') return CATEGORY_COLORS['Input / Output'];
  if (node.type === 'layer') {
    const type = (node.data as { node: { type: string } }).node.type;
    // The project's blocks are not in the built-in catalog; they are drawn as blocks.
    const category = type.startsWith(BLOCK_TYPE_PREFIX) ? 'Blocks' : getLayerSpec(type)?.category;
    return category ? CATEGORY_COLORS[category] : '#777';
  }
  return '#555';
}

function portRefs(c: Connection | Edge): { from: { node: string; port: string }; to: { node: string; port: string } } {
  return { from: { node: c.source, port: c.sourceHandle ?? 'output' }, to: { node: c.target, port: c.targetHandle ?? 'input' } };
}

/** What the dashed borders mean, shown while the canvas has any: a composite layer and a group's frame. */
function Legend() {
  const composites = useEditor((s) => s.doc.nodes.some((n) => specIn(s.doc, n.type)?.kind === 'composite'));
  const groups = useEditor((s) => s.doc.ui.groups.some((g) => !g.collapsed));
  if (!composites && !groups) return null;
  return (
    <Panel position="top-right" className="canvas-legend" data-testid="canvas-legend">
      {composites && (
        <div>
          <span className="legend-swatch legend-composite" />
          dashed layer: a block of several layers (E expands it)
        </div>
      )}
      {groups && (
        <div>
          <span className="legend-swatch legend-group" />
          dashed frame: a group (Ctrl+Shift+G ungroups)
        </div>
      )}
    </Panel>
  );
}

/** What floats over the canvas (minimap, zoom buttons, legends, breadcrumb: React Flow panels), in pane pixels. */
function overlaysOn(canvas: HTMLElement): PaneRect[] {
  const box = canvas.getBoundingClientRect();
  return [...canvas.querySelectorAll('.react-flow__panel')]
    .map((el) => el.getBoundingClientRect())
    .filter((r) => r.width > 0 && r.height > 0)
    .map((r) => ({ left: r.left - box.left, top: r.top - box.top, right: r.right - box.left, bottom: r.bottom - box.top }));
}

/** The boxes of the nodes on the canvas, as measured, in flow coordinates. */
function shownNodeRects(flow: ReactFlowInstance): FlowRect[] {
  const rects: FlowRect[] = [];
  for (const n of flow.getNodes()) {
    const internal = n.hidden ? undefined : flow.getInternalNode(n.id);
    if (!internal) continue;
    const p = internal.internals.positionAbsolute;
    rects.push({ x: p.x, y: p.y, width: internal.measured.width ?? NODE_WIDTH, height: internal.measured.height ?? NODE_HEIGHT });
  }
  return rects;
}

/** The fit button's icon: four corners of a frame. */
function FitIcon() {
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">
      <path d="M1.5 5.5v-4h4M10.5 1.5h4v4M14.5 10.5v4h-4M5.5 14.5h-4v-4" fill="none" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}

export function Canvas() {
  const store = useEditorStore();
  const nodes = useEditor((s) => s.flowNodes);
  const edges = useEditor((s) => s.flowEdges);
  const onNodesChange = useEditor((s) => s.onNodesChange);
  const onEdgesChange = useEditor((s) => s.onEdgesChange);
  const focusRequest = useEditor((s) => s.focusRequest);
  const fitSerial = useEditor((s) => s.fitSerial);
  const flow = useReactFlow();
  // Handles move to other sides when a layout turns the drawing; React Flow must measure them again.
  const direction = useEditor((s) => s.direction);
  const updateNodeInternals = useUpdateNodeInternals();
  useEffect(() => {
    updateNodeInternals(store.getState().flowNodes.map((n) => n.id));
  }, [direction, updateNodeInternals, store]);
  const wrapper = useRef<HTMLDivElement>(null);
  // A boolean, so the canvas re-renders only when the zoom crosses the threshold.
  const far = useWatchFarView();
  const [detailStore] = useState(createDetailStore);
  const big = nodes.length > BIG_NETWORK;
  useTrackDetailedNodes(detailStore, nodes, far, big);
  const detailContext = useMemo(() => ({ store: detailStore, big }), [detailStore, big]);
  const detailed = useZustand(detailStore);
  // Zoomed out, the wires are drawn as a few paths (far-wires.tsx) instead of one React Flow edge each.
  // The same array while the same wires are drawn (a node dragged in view): React Flow then skips its pass over them.
  const lastDrawn = useRef<Edge[]>(NO_EDGES);
  const drawnEdges = useMemo(() => {
    const next = far ? NO_EDGES : edgesToDraw(edges, nodes, detailed);
    return sameItems(lastDrawn.current, next) ? lastDrawn.current : (lastDrawn.current = next);
  }, [far, edges, nodes, detailed]);
  const [wireLabelStore] = useState(createWireLabelStore);
  useTrackWireLabels(wireLabelStore, drawnEdges, nodes);

  useEffect(() => {
    if (!focusRequest) return;
    // The internal node carries the measured size (the document's node does not).
    const node = flow.getInternalNode(focusRequest.nodeId);
    if (!node) return;
    const w = node.measured.width ?? 190;
    const h = node.measured.height ?? 74;
    const p = node.internals.positionAbsolute;
    void flow.setCenter(p.x + w / 2, p.y + h / 2, { zoom: Math.max(flow.getZoom(), 1), duration: 250 });
  }, [focusRequest, flow]);

  const droppedLayer = useRef(false);
  // A layer just added (search menu, wire drop, paste) that landed out of view or under an overlay
  // (the minimap, the zoom buttons, a legend): pan just enough to show it, keeping the zoom.
  useEffect(() => {
    let known = new Set(store.getState().doc.nodes.map((n) => n.id));
    return store.subscribe((state, previous) => {
      if (state.doc === previous.doc) return;
      const ids = state.doc.nodes.map((n) => n.id);
      const added = ids.filter((id) => !known.has(id));
      known = new Set(ids);
      // A project opened or an undo brings many at once, and its own fit; a layer dropped from
      // the palette lands where the pointer put it.
      const dropped = droppedLayer.current;
      droppedLayer.current = false;
      if (added.length === 0 || added.length > 20 || state.past.length === 0 || dropped) return;
      requestAnimationFrame(() => showNodes(added));
    });

    function showNodes(ids: readonly string[]) {
      const canvas = wrapper.current;
      if (!canvas) return;
      const box = canvas.getBoundingClientRect();
      const rects = ids.map((id) => flow.getInternalNode(id)).filter((n) => n !== undefined);
      if (rects.length === 0) return;
      const left = Math.min(...rects.map((n) => n.internals.positionAbsolute.x));
      const top = Math.min(...rects.map((n) => n.internals.positionAbsolute.y));
      const right = Math.max(...rects.map((n) => n.internals.positionAbsolute.x + (n.measured.width ?? NODE_WIDTH)));
      const bottom = Math.max(...rects.map((n) => n.internals.positionAbsolute.y + (n.measured.height ?? NODE_HEIGHT)));
      const a = flow.flowToScreenPosition({ x: left, y: top });
      const b = flow.flowToScreenPosition({ x: right, y: bottom });
      const target = { left: a.x - box.left, top: a.y - box.top, right: b.x - box.left, bottom: b.y - box.top };
      const { dx, dy } = panToShow(target, { width: box.width, height: box.height }, overlaysOn(canvas));
      if (dx === 0 && dy === 0) return;
      const v = flow.getViewport();
      void flow.setViewport({ x: v.x + dx, y: v.y + dy, zoom: v.zoom }, { duration: 200 });
    }
  }, [store, flow]);

  // elkjs is 1.4 MB: load it while the user looks around, not when the first template opens.
  useEffect(() => {
    const id = setTimeout(warmUpLayout, 1500);
    return () => clearTimeout(id);
  }, []);

  // A fit asked for while freshly loaded nodes are not measured yet waits until they are.
  const nodesMeasured = useNodesInitialized();
  const fittedSerial = useRef(0);
  useEffect(() => {
    if (fitSerial === fittedSerial.current || !nodesMeasured) return;
    const id = requestAnimationFrame(() => {
      fittedSerial.current = fitSerial;
      const canvas = wrapper.current;
      if (!canvas) return;
      const s = store.getState();
      const box = canvas.getBoundingClientRect();
      const viewport = fitViewport({
        pane: { width: box.width, height: box.height },
        overlays: overlaysOn(canvas),
        nodes: shownNodeRects(flow),
        direction: s.direction,
        whole: s.fitWhole,
      });
      // No animation for big networks: every frame of it would draw all their nodes.
      if (viewport) void flow.setViewport(viewport, { duration: s.doc.nodes.length > BIG_NETWORK ? 0 : 200 });
    });
    return () => cancelAnimationFrame(id);
  }, [fitSerial, nodesMeasured, flow, store]);

  const isValidConnection: IsValidConnection = useCallback(
    (c) => {
      const { from, to } = portRefs(c as Connection);
      const s = store.getState();
      return connectionProblem(s.doc, from, to) === undefined && tensorMismatch(s.doc, s.shapes, from, to) === undefined;
    },
    [store],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const { from, to } = portRefs(c);
      store.getState().apply((doc) => connect(doc, from, to));
    },
    [store],
  );

  const onConnectEnd = useCallback(
    (event: globalThis.MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const s = store.getState();
      if (state.isValid) return;
      const fromNode = state.fromNode?.id;
      const fromHandle = state.fromHandle;
      if (!fromNode || !fromHandle) return;
      if (state.toNode && state.toHandle) {
        // Dropped on a port that refused: say why.
        const source =
          fromHandle.type === 'source' ? { node: fromNode, port: fromHandle.id ?? 'output' } : { node: state.toNode.id, port: state.toHandle.id ?? 'output' };
        const target =
          fromHandle.type === 'source' ? { node: state.toNode.id, port: state.toHandle.id ?? 'input' } : { node: fromNode, port: fromHandle.id ?? 'input' };
        const why = connectionProblem(s.doc, source, target) ?? tensorMismatch(s.doc, s.shapes, source, target);
        if (why) s.notify('error', `Cannot connect these ports: ${why}.`);
        return;
      }
      if (state.toNode) return;
      const point = 'changedTouches' in event ? event.changedTouches[0]! : event;
      const position = flow.screenToFlowPosition({ x: point.clientX, y: point.clientY });
      s.openSearch({
        screen: { x: point.clientX, y: point.clientY },
        flow: position,
        pending: {
          node: fromNode,
          port: fromHandle.id ?? (fromHandle.type === 'source' ? 'output' : 'input'),
          side: fromHandle.type === 'source' ? 'source' : 'target',
        },
      });
    },
    [store, flow],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(LAYER_DRAG_TYPE)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(LAYER_DRAG_TYPE);
      if (!type) return;
      event.preventDefault();
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const preset = event.dataTransfer.getData(LAYER_PARAMS_DRAG_TYPE);
      droppedLayer.current = true;
      addLayerAt(
        store,
        type,
        { x: Math.round(position.x - 95), y: Math.round(position.y - 20) },
        undefined,
        preset ? (JSON.parse(preset) as Params) : undefined,
      );
    },
    [flow, store],
  );

  const onDoubleClick = useCallback(
    (event: MouseEvent) => {
      const target = event.target as HTMLElement;
      if (!target.classList.contains('react-flow__pane')) return;
      store.getState().openSearch({ screen: { x: event.clientX, y: event.clientY }, flow: flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }) });
    },
    [flow, store],
  );

  const [contextMenu, setContextMenu] = useState<ContextTarget | undefined>();
  const closeContextMenu = useCallback(() => setContextMenu(undefined), []);
  const onNodeContextMenu = useCallback(
    (event: MouseEvent, node: Node) => {
      event.preventDefault();
      if (node.type === 'groupFrame') return;
      // Right-clicking outside the selection acts on that node alone, as in file managers.
      if (!store.getState().selected.includes(node.id)) store.getState().select([node.id]);
      setContextMenu({ kind: 'node', id: node.id, screen: { x: event.clientX, y: event.clientY } });
    },
    [store],
  );
  const onEdgeContextMenu = useCallback(
    (event: MouseEvent, edge: Edge) => {
      event.preventDefault();
      setContextMenu({
        kind: 'edge',
        id: edge.id,
        screen: { x: event.clientX, y: event.clientY },
        flow: flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }),
      });
    },
    [flow],
  );
  const onPaneContextMenu = useCallback(
    (event: MouseEvent | globalThis.MouseEvent) => {
      event.preventDefault();
      setContextMenu({ kind: 'pane', screen: { x: event.clientX, y: event.clientY }, flow: flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }) });
    },
    [flow],
  );

  const onEdgeDoubleClick = useCallback(
    (event: MouseEvent, edge: Edge) => {
      store
        .getState()
        .openSearch({ screen: { x: event.clientX, y: event.clientY }, flow: flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }), edge: edge.id });
    },
    [flow, store],
  );

  return (
    <div className={far ? 'canvas far' : 'canvas'} ref={wrapper} onDoubleClick={onDoubleClick} data-testid="canvas">
      <DetailStoreContext.Provider value={detailContext}>
        <WireLabelStoreContext.Provider value={wireLabelStore}>
          <ReactFlow
            nodes={nodes}
            edges={drawnEdges}
            nodeTypes={NODE_TYPES}
            edgeTypes={EDGE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            onDrop={onDrop}
            onDragOver={onDragOver}
            onEdgeDoubleClick={onEdgeDoubleClick}
            onNodeContextMenu={onNodeContextMenu}
            onEdgeContextMenu={onEdgeContextMenu}
            onPaneContextMenu={onPaneContextMenu}
            deleteKeyCode={null}
            // Arrow keys nudge through the editor's own shortcut (one undo step, 10 px); React Flow's would move 5 px outside the history.
            disableKeyboardA11y
            selectionKeyCode="Shift"
            multiSelectionKeyCode={MULTI_SELECTION_KEYS}
            zoomOnDoubleClick={false}
            minZoom={MIN_ZOOM}
            maxZoom={2.5}
            colorMode="dark"
            // Every node stays mounted; detail.ts decides which draw their detail. React Flow's culling
            // mounted and unmounted hundreds of nodes per wheel step on big networks.
            onlyRenderVisibleElements={false}
            proOptions={PRO_OPTIONS}
            defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
          >
            {far && <FarWires />}
            <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#2c323c" />
            <Minimap nodeColor={minimapColor} />
            {/* React Flow's own fit button knows nothing of the overlays; this one fits as F does. */}
            <Controls showInteractive={false} showFitView={false}>
              <ControlButton onClick={() => store.getState().requestFit(true)} title="Fit view (F)" aria-label="Fit view" data-testid="controls-fit">
                <FitIcon />
              </ControlButton>
            </Controls>
            <Legend />
            <HeatLegend />
            <BlockBreadcrumb />
          </ReactFlow>
        </WireLabelStoreContext.Provider>
      </DetailStoreContext.Provider>
      {contextMenu && <ContextMenu target={contextMenu} close={closeContextMenu} />}
    </div>
  );
}
