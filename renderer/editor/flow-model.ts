/**
 * The network document seen as React Flow nodes and edges. Objects are reused between edits when
 * nothing they show changed, so React Flow and the memoised node components skip them (the
 * "performance" advice of the React Flow docs: stable node objects, narrow data).
 */
import type { EdgeBase, EdgeChange, NodeBase, NodeChange } from '@xyflow/system';
import type { NetworkDocument, NetworkEdge, NetworkInput, NetworkNode, NodeGroup } from '../../core/network/types.js';

/** Approximate size of a layer node, used for group frames and auto-layout before React Flow measures. */
export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 74;

export interface LayerNodeData extends Record<string, unknown> {
  /** The layer when this object was made; it may be older than the document's (read `nodeById`). */
  node: NetworkNode;
}
export interface InputNodeData extends Record<string, unknown> {
  input: NetworkInput;
}
export interface GroupNodeData extends Record<string, unknown> {
  group: NodeGroup;
}
export interface FrameNodeData extends Record<string, unknown> {
  group: NodeGroup;
  width: number;
  height: number;
}
export interface WireData extends Record<string, unknown> {
  /** The producing port: the wire's label is that tensor's dims. */
  fromNode: string;
  fromPort: string;
}

/**
 * A node as React Flow draws it. The types come from xyflow's framework-free core, so this layer
 * knows React Flow's data shapes without React; `className` is the one React-side field we set.
 */
export type Node<Data extends Record<string, unknown> = Record<string, unknown>, Type extends string | undefined = string | undefined> = NodeBase<
  Data,
  Type
> & {
  className?: string;
  resizing?: boolean;
};
export type Edge<Data extends Record<string, unknown> = Record<string, unknown>, Type extends string | undefined = string | undefined> = EdgeBase<Data, Type>;
export type { EdgeChange, NodeChange };

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;
export type InputFlowNode = Node<InputNodeData, 'tensorInput'>;
export type GroupFlowNode = Node<GroupNodeData, 'block'>;
export type FrameFlowNode = Node<FrameNodeData, 'groupFrame'>;
export type WireEdge = Edge<WireData, 'wire'>;

interface CachedNode {
  source: unknown;
  x: number;
  y: number;
  selected: boolean;
  hidden: boolean;
  flow: Node;
}
interface CachedEdge {
  source: NetworkEdge;
  key: string;
  flow: Edge;
}

export interface FlowCache {
  nodes: Map<string, CachedNode>;
  edges: Map<string, CachedEdge>;
  /** Where each collapsed group's node was drawn, so that dragging it can move its members. */
  groupAnchors: Map<string, { x: number; y: number }>;
  /** The arrays last built, returned again when nothing in them changed. */
  lastNodes: Node[];
  lastEdges: Edge[];
}

export function emptyFlowCache(): FlowCache {
  return { nodes: new Map(), edges: new Map(), groupAnchors: new Map(), lastNodes: [], lastEdges: [] };
}

function reuse(cache: FlowCache, id: string, source: unknown, pos: { x: number; y: number }, selected: boolean, hidden: boolean, make: () => Node): Node {
  const c = cache.nodes.get(id);
  if (c && c.source === source && c.x === pos.x && c.y === pos.y && c.selected === selected && c.hidden === hidden) return c.flow;
  const flow = make();
  // A node object without `measured` makes React Flow forget the size and measure the node again.
  if (c?.flow.measured) flow.measured = c.flow.measured;
  cache.nodes.set(id, { source, x: pos.x, y: pos.y, selected, hidden, flow });
  return flow;
}

/**
 * Take over the node objects React Flow's changes produced (measured sizes, drag positions,
 * selection), so the next rebuild reuses them instead of handing React Flow stale, unmeasured
 * copies. `before` and `after` are the arrays around `applyNodeChanges`, in the same order.
 */
export function syncFlowCache(cache: FlowCache, before: readonly Node[], after: Node[]): void {
  cache.lastNodes = after;
  if (before.length !== after.length) return;
  for (let i = 0; i < after.length; i++) {
    const n = after[i]!;
    if (n === before[i]) continue;
    const c = cache.nodes.get(n.id);
    if (c) c.flow = n;
  }
}

/** Where a node without a saved position goes: a simple column so nothing overlaps. */
function fallbackPosition(index: number): { x: number; y: number } {
  return { x: 40 + (index % 8) * (NODE_WIDTH + 60), y: 40 + Math.floor(index / 8) * (NODE_HEIGHT + 60) };
}

/** The group each node belongs to (a node is in at most one). */
export function groupOf(doc: NetworkDocument): Map<string, NodeGroup> {
  const map = new Map<string, NodeGroup>();
  for (const g of doc.ui.groups) for (const id of g.nodeIds) map.set(id, g);
  return map;
}

function bounds(doc: NetworkDocument, ids: readonly string[]): { x: number; y: number; width: number; height: number } | undefined {
  const ps = ids.map((id) => doc.ui.positions[id]).filter((p): p is { x: number; y: number } => p !== undefined);
  if (ps.length === 0) return undefined;
  const x = Math.min(...ps.map((p) => p.x));
  const y = Math.min(...ps.map((p) => p.y));
  const right = Math.max(...ps.map((p) => p.x + NODE_WIDTH));
  const bottom = Math.max(...ps.map((p) => p.y + NODE_HEIGHT));
  return { x, y, width: right - x, height: bottom - y };
}

/** How far a group frame reaches around its members, and its title bar. */
export const FRAME_PAD = 24;
export const FRAME_HEADER = 30;

/** The nodes, not members of `group`, that its expanded frame would cover. */
export function nodesUnderFrame(doc: NetworkDocument, group: NodeGroup): string[] {
  const b = bounds(doc, group.nodeIds);
  if (!b) return [];
  const frame = { left: b.x - FRAME_PAD, top: b.y - FRAME_PAD - FRAME_HEADER, right: b.x + b.width + FRAME_PAD, bottom: b.y + b.height + FRAME_PAD };
  const members = new Set(group.nodeIds);
  return [...doc.inputs.map((i) => i.id), ...doc.nodes.map((n) => n.id)].filter((id) => {
    const p = doc.ui.positions[id];
    return !members.has(id) && p !== undefined && p.x < frame.right && p.x + NODE_WIDTH > frame.left && p.y < frame.bottom && p.y + NODE_HEIGHT > frame.top;
  });
}

export function buildFlowNodes(doc: NetworkDocument, selected: ReadonlySet<string>, cache: FlowCache): Node[] {
  const groups = groupOf(doc);
  const out: Node[] = [];
  const live = new Set<string>();
  // Group frames first so they are drawn behind their members.
  for (const g of doc.ui.groups) {
    const b = bounds(doc, g.nodeIds);
    if (!b) continue;
    if (g.collapsed) {
      const pos = { x: b.x, y: b.y };
      cache.groupAnchors.set(g.id, pos);
      live.add(g.id);
      out.push(
        reuse(
          cache,
          g.id,
          g,
          pos,
          selected.has(g.id),
          false,
          // Above the layers: a block placed by hand where others are is never hidden under them.
          () => ({ id: g.id, type: 'block', position: pos, data: { group: g }, selected: selected.has(g.id), zIndex: 1 }) satisfies GroupFlowNode,
        ),
      );
    } else {
      const id = `frame:${g.id}`;
      const pos = { x: b.x - FRAME_PAD, y: b.y - FRAME_PAD - FRAME_HEADER };
      const width = b.width + 2 * FRAME_PAD;
      const height = b.height + 2 * FRAME_PAD + FRAME_HEADER;
      const key = `${width}x${height}`;
      live.add(id);
      const c = cache.nodes.get(id);
      if (c && c.source === g && c.x === pos.x && c.y === pos.y && (c.flow.data as FrameNodeData | undefined)?.width === width && c.flow.height === height)
        out.push(c.flow);
      else {
        const flow: FrameFlowNode = {
          id,
          type: 'groupFrame',
          position: pos,
          data: { group: g, width, height },
          width,
          height,
          draggable: false,
          selectable: false,
          className: key,
        };
        cache.nodes.set(id, { source: g, x: pos.x, y: pos.y, selected: false, hidden: false, flow });
        out.push(flow);
      }
    }
  }
  let index = 0;
  for (const input of doc.inputs) {
    const pos = doc.ui.positions[input.id] ?? fallbackPosition(index);
    index++;
    const hidden = groups.get(input.id)?.collapsed === true;
    const sel = selected.has(input.id);
    live.add(input.id);
    // Keyed by id: editing an input's dims leaves the React Flow arrays as they were.
    out.push(
      reuse(
        cache,
        input.id,
        'input',
        pos,
        sel,
        hidden,
        () => ({ id: input.id, type: 'tensorInput', position: pos, data: { input }, selected: sel, hidden }) satisfies InputFlowNode,
      ),
    );
  }
  for (const node of doc.nodes) {
    const pos = doc.ui.positions[node.id] ?? fallbackPosition(index);
    index++;
    const hidden = groups.get(node.id)?.collapsed === true;
    const sel = selected.has(node.id);
    live.add(node.id);
    // Keyed by type, not by the node object: a parameter edit leaves the React Flow object (and
    // array) as it was, and the node component reads the edited layer from the store.
    out.push(
      reuse(
        cache,
        node.id,
        node.type,
        pos,
        sel,
        hidden,
        () => ({ id: node.id, type: 'layer', position: pos, data: { node }, selected: sel, hidden }) satisfies LayerFlowNode,
      ),
    );
  }
  for (const id of cache.nodes.keys()) if (!live.has(id)) cache.nodes.delete(id);
  // An unchanged array spares React Flow its O(n) pass over the nodes (a selection of wires, host diagnostics).
  return sameItems(cache.lastNodes, out) ? cache.lastNodes : (cache.lastNodes = out);
}

export function buildFlowEdges(doc: NetworkDocument, selected: ReadonlySet<string>, cache: FlowCache): Edge[] {
  const groups = groupOf(doc);
  const out: Edge[] = [];
  const live = new Set<string>();
  for (const e of doc.edges) {
    const gFrom = groups.get(e.from.node);
    const gTo = groups.get(e.to.node);
    const fromCollapsed = gFrom?.collapsed === true;
    const toCollapsed = gTo?.collapsed === true;
    const inside = fromCollapsed && toCollapsed && gFrom === gTo;
    const source = fromCollapsed ? gFrom!.id : e.from.node;
    const target = toCollapsed ? gTo!.id : e.to.node;
    const sourceHandle = fromCollapsed ? 'out' : e.from.port;
    const targetHandle = toCollapsed ? 'in' : e.to.port;
    const sel = selected.has(e.id);
    const key = `${source}|${sourceHandle}|${target}|${targetHandle}|${inside}|${sel}`;
    live.add(e.id);
    const c = cache.edges.get(e.id);
    if (c && c.source === e && c.key === key) {
      out.push(c.flow);
      continue;
    }
    const flow: WireEdge = {
      id: e.id,
      type: 'wire',
      source,
      target,
      sourceHandle,
      targetHandle,
      hidden: inside,
      selected: sel,
      data: { fromNode: e.from.node, fromPort: e.from.port },
    };
    cache.edges.set(e.id, { source: e, key, flow });
    out.push(flow);
  }
  for (const id of cache.edges.keys()) if (!live.has(id)) cache.edges.delete(id);
  return sameItems(cache.lastEdges, out) ? cache.lastEdges : (cache.lastEdges = out);
}

/** Whether two arrays hold the same objects in the same order. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

type Change = NodeChange<Node> | EdgeChange<Edge>;

/** One change applied to a copy of an element, as React Flow's own `applyNodeChanges` does it. */
function applyChange(change: Change, element: Node & Edge): void {
  if (change.type === 'select') element.selected = change.selected;
  else if (change.type === 'position') {
    if (change.position !== undefined) element.position = change.position;
    if (change.dragging !== undefined) element.dragging = change.dragging;
  } else if (change.type === 'dimensions') {
    if (change.dimensions !== undefined) {
      element.measured = { ...change.dimensions };
      if (change.setAttributes === true || change.setAttributes === 'width') element.width = change.dimensions.width;
      if (change.setAttributes === true || change.setAttributes === 'height') element.height = change.dimensions.height;
    }
    if (typeof change.resizing === 'boolean') element.resizing = change.resizing;
  }
}

/**
 * React Flow's changes (drags, measurements, selection) applied to an array, with the semantics of
 * `applyNodeChanges`/`applyEdgeChanges` from @xyflow/react: an element without changes is kept as
 * it is (same object), a changed one is copied once, removals and replacements win, additions go
 * last at their index. Here so that the store needs no React.
 */
function applyChanges<T extends { id: string }>(changes: readonly Change[], elements: readonly T[]): T[] {
  const byId = new Map<string, Change[]>();
  const added: { item: T; index?: number }[] = [];
  for (const change of changes) {
    if (change.type === 'add') added.push(change as unknown as { item: T; index?: number });
    else if (change.type === 'remove' || change.type === 'replace') byId.set(change.id, [change]);
    else {
      const queued = byId.get(change.id);
      if (queued) queued.push(change);
      else byId.set(change.id, [change]);
    }
  }
  const out: T[] = [];
  for (const element of elements) {
    const queued = byId.get(element.id);
    if (!queued) {
      out.push(element);
      continue;
    }
    const first = queued[0]!;
    if (first.type === 'remove') continue;
    if (first.type === 'replace') {
      out.push({ ...(first.item as unknown as T) });
      continue;
    }
    const copy = { ...element };
    for (const change of queued) applyChange(change, copy as unknown as Node & Edge);
    out.push(copy);
  }
  for (const { item, index } of added) {
    if (index !== undefined) out.splice(index, 0, { ...item });
    else out.push({ ...item });
  }
  return out;
}

export function applyNodeChanges(changes: readonly NodeChange<Node>[], nodes: readonly Node[]): Node[] {
  return applyChanges(changes, nodes);
}

export function applyEdgeChanges(changes: readonly EdgeChange<Edge>[], edges: readonly Edge[]): Edge[] {
  return applyChanges(changes, edges);
}
