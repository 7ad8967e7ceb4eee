/**
 * The network as an ELK "layered" graph and back. Layered layout is what Netron uses: layers in
 * ranks along the flow, a chain in one straight line, branches side by side. Ports sit where the
 * canvas draws its handles (ports.ts), so a chain's wires are straight; top to bottom, inputs are
 * on top and outputs below, so no wire loops round a node. Expanded groups are ELK boxes with
 * their members inside, padded like the canvas frame; a collapsed group is one node.
 */
import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api.js';
import type { NetworkDocument } from '../../../core/network/types.js';
import { FRAME_HEADER, FRAME_PAD, groupOf, NODE_HEIGHT, NODE_WIDTH } from '../flow-model.js';
import { layerPorts, portOffset, type FlowDirection } from '../ports.js';
import type { LayoutNode, LayoutRequest } from './layout-protocol.js';

/** Room between ranks: left to right it holds a wire's dims label ([1, 64, 112, 112]); top to bottom the label sits beside the wire. */
const RANK_GAP = { LR: 130, TB: 60 };
const NODE_GAP = { LR: 40, TB: 50 };

/**
 * What to lay out: `ids` (every input and layer when empty), with a collapsed group standing in
 * for its members and the wires between them dropped.
 */
export function layoutRequest(
  doc: NetworkDocument,
  direction: FlowDirection,
  ids: readonly string[] = [],
  sizes: ReadonlyMap<string, { width: number; height: number }> = new Map(),
): Omit<LayoutRequest, 'serial'> {
  const all = [...doc.inputs.map((i) => i.id), ...doc.nodes.map((n) => n.id)];
  const chosen = new Set(ids.length > 0 ? ids : all);
  const groups = groupOf(doc);
  const size = (id: string) => ({ width: sizes.get(id)?.width ?? NODE_WIDTH, height: sizes.get(id)?.height ?? NODE_HEIGHT });
  // The node that stands for `id` in the layout, and the handle a wire uses on it.
  const standIn = (id: string) => (groups.get(id)?.collapsed ? groups.get(id)!.id : id);
  const nodes: LayoutNode[] = [];
  const seen = new Set<string>();
  const usedGroups = new Set<string>();
  for (const input of doc.inputs) {
    if (!chosen.has(input.id)) continue;
    const g = groups.get(input.id);
    if (g?.collapsed) continue;
    if (g) usedGroups.add(g.id);
    nodes.push({ id: input.id, ...size(input.id), inputs: [], outputs: ['output'], ...(g ? { group: g.id } : {}) });
  }
  for (const node of doc.nodes) {
    if (!chosen.has(node.id)) continue;
    const g = groups.get(node.id);
    if (g?.collapsed) {
      if (!seen.has(g.id)) nodes.push({ id: g.id, ...size(g.id), inputs: ['in'], outputs: ['out'] });
      seen.add(g.id);
      continue;
    }
    if (g) usedGroups.add(g.id);
    nodes.push({ id: node.id, ...size(node.id), ...layerPorts(doc, node), ...(g ? { group: g.id } : {}) });
  }
  const edges: LayoutRequest['edges'] = [];
  for (const e of doc.edges) {
    if (!chosen.has(e.from.node) || !chosen.has(e.to.node)) continue;
    const source = standIn(e.from.node);
    const target = standIn(e.to.node);
    if (source === target) continue;
    edges.push({ source, sourcePort: source === e.from.node ? e.from.port : 'out', target, targetPort: target === e.to.node ? e.to.port : 'in' });
  }
  return { direction, nodes, groups: [...usedGroups], edges };
}

function ports(n: LayoutNode, direction: FlowDirection): ElkPort[] {
  const place = (name: string, index: number, count: number, input: boolean): ElkPort => {
    const offset = portOffset(direction, index, count);
    const side = direction === 'LR' ? (input ? 'WEST' : 'EAST') : input ? 'NORTH' : 'SOUTH';
    const at = direction === 'LR' ? { x: input ? 0 : n.width, y: offset } : { x: n.width / 2 + offset, y: input ? 0 : n.height };
    return { id: `${n.id}\u0000${input ? 'in' : 'out'}\u0000${name}`, width: 0, height: 0, ...at, layoutOptions: { 'elk.port.side': side } };
  };
  return [...n.inputs.map((p, i) => place(p, i, n.inputs.length, true)), ...n.outputs.map((p, i) => place(p, i, n.outputs.length, false))];
}

export function elkGraph(request: Omit<LayoutRequest, 'serial'>): ElkNode {
  const { direction } = request;
  const spacing = {
    'elk.spacing.nodeNode': String(NODE_GAP[direction]),
    'elk.layered.spacing.nodeNodeBetweenLayers': String(RANK_GAP[direction]),
    'elk.spacing.edgeNode': '20',
    'elk.layered.spacing.edgeNodeBetweenLayers': '20',
  };
  const children = (group: string | undefined): ElkNode[] =>
    request.nodes
      .filter((n) => n.group === group)
      .map((n) => ({ id: n.id, width: n.width, height: n.height, ports: ports(n, direction), layoutOptions: { 'elk.portConstraints': 'FIXED_POS' } }));
  const boxes: ElkNode[] = request.groups.map((g) => ({
    id: g,
    children: children(g),
    layoutOptions: {
      ...spacing,
      // The canvas draws a group's frame this far around its members' top-left corners and sizes.
      'elk.padding': `[top=${FRAME_PAD + FRAME_HEADER},left=${FRAME_PAD},bottom=${FRAME_PAD},right=${FRAME_PAD}]`,
    },
  }));
  const edges: ElkExtendedEdge[] = request.edges.map((e, i) => ({
    id: `e${i}`,
    sources: [`${e.source}\u0000out\u0000${e.sourcePort}`],
    targets: [`${e.target}\u0000in\u0000${e.targetPort}`],
  }));
  return {
    id: '\u0000root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction === 'LR' ? 'RIGHT' : 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      ...spacing,
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      // Balanced alignment keeps a chain on one line and centres a branch's arms around it.
      'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.edgeRouting': 'SPLINES',
    },
    children: [...children(undefined), ...boxes],
    edges,
  };
}

/** Top-left corners of the laid-out nodes, in canvas coordinates (a group box's members are relative to it). */
export function positionsFrom(graph: ElkNode): Record<string, { x: number; y: number }> {
  const positions: Record<string, { x: number; y: number }> = {};
  const walk = (node: ElkNode, dx: number, dy: number) => {
    for (const child of node.children ?? []) {
      const x = (child.x ?? 0) + dx;
      const y = (child.y ?? 0) + dy;
      if (child.children?.length) walk(child, x, y);
      else positions[child.id] = { x: Math.round(x), y: Math.round(y) };
    }
  };
  walk(graph, 0, 0);
  return positions;
}

/** Positions for the document: a collapsed group's members move with it, keeping their arrangement. */
export function memberPositions(doc: NetworkDocument, positions: Record<string, { x: number; y: number }>): Record<string, { x: number; y: number }> {
  const out: Record<string, { x: number; y: number }> = {};
  for (const [id, p] of Object.entries(positions)) {
    const g = doc.ui.groups.find((group) => group.id === id && group.collapsed);
    if (!g) {
      out[id] = p;
      continue;
    }
    const before = g.nodeIds.map((m) => doc.ui.positions[m]).filter((q): q is { x: number; y: number } => q !== undefined);
    const left = before.length ? Math.min(...before.map((q) => q.x)) : 0;
    const top = before.length ? Math.min(...before.map((q) => q.y)) : 0;
    for (const m of g.nodeIds) {
      const q = doc.ui.positions[m] ?? { x: left, y: top };
      out[m] = { x: p.x + q.x - left, y: p.y + q.y - top };
    }
  }
  return out;
}
