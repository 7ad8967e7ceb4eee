/**
 * Editor commands: what a toolbar button, a menu entry and a keyboard shortcut do. Each is one
 * user gesture, applied through core/network/edit as one undo step.
 */
import {
  addInput,
  addNode,
  bypassNode,
  connect,
  copyFragment,
  duplicate,
  expandComposite,
  group,
  insertOnEdge,
  moveNodes,
  removeNodes,
  disconnect,
  ungroup,
} from '../../core/network/edit.js';
import { copyWithBlocks, pasteWithBlocks } from '../../core/blocks/clipboard.js';
import { specIn } from '../../core/blocks/document-catalog.js';
import { outputPortNames } from '../../core/layers/catalog.js';
import { paramsFromInput } from '../../core/layers/params.js';
import type { Params, TensorInfo } from '../../core/layers/types.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { ok, type Result } from '../../core/diagnostics.js';
import type { EditorStore, SearchMenuState } from './editor-store.js';
import { computeLayout } from './layout/auto-layout.js';
import { NODE_HEIGHT, NODE_WIDTH, nodesUnderFrame } from './flow-model.js';
import { clearSpot, nodeRect } from './view-geometry.js';
import { count } from '../../core/words.js';
import { prefixIsFree, renameByPattern, renameLayers, sharedPrefix, suggestPrefix, withPrefix, type NamingRequest } from './naming.js';

/** Node ids in the selection that are layers or inputs (not groups). */
function selectedNodes(store: EditorStore): string[] {
  const s = store.getState();
  const ids = new Set([...s.doc.nodes.map((n) => n.id), ...s.doc.inputs.map((i) => i.id)]);
  const out = s.selected.filter((id) => ids.has(id));
  // A selected collapsed group stands for its members.
  for (const g of s.doc.ui.groups) if (s.selected.includes(g.id)) out.push(...g.nodeIds);
  return [...new Set(out)];
}

export function deleteSelection(store: EditorStore): void {
  const s = store.getState();
  const nodes = selectedNodes(store);
  const edges = s.selectedEdges;
  if (nodes.length === 0 && edges.length === 0) return;
  s.apply((doc) => {
    let next = doc;
    if (edges.length > 0) {
      const r = disconnect(
        next,
        edges.filter((id) => next.edges.some((e) => e.id === id)),
      );
      if (!r.ok) return r;
      next = r.value;
    }
    return nodes.length > 0 ? removeNodes(next, nodes) : ok(next);
  });
}

/**
 * The names of the layers among `ids` (inputs have names of their own and keep them), in the order
 * of `ids`, and whether every one is a repeated block instance (its name is then a module prefix).
 */
function layerNames(doc: NetworkDocument, ids: readonly string[]): { ids: string[]; names: string[]; repeated: boolean } {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const layers = ids.filter((id) => byId.has(id));
  return { ids: layers, names: layers.map((id) => byId.get(id)!.name), repeated: layers.length > 0 && layers.every((id) => byId.get(id)!.repeat) };
}

/**
 * Duplicate the selection. When its layer names share a prefix that counts on (`layer2.0.`), the
 * naming dialog opens first and offers the next one (`layer2.1.`), so weights keep binding by name.
 */
export function duplicateSelection(store: EditorStore): void {
  const s = store.getState();
  const ids = selectedNodes(store);
  if (ids.length === 0) return;
  const { names, repeated } = layerNames(s.doc, ids);
  const prefix = sharedPrefix(names, repeated);
  const suggestion = prefix && suggestPrefix(s.doc, names, prefix);
  if (prefix && suggestion) s.openNaming({ kind: 'duplicate', ids, names, prefix, suggestion });
  else copyWithNames(store, { kind: 'duplicate', ids, names, prefix: '', suggestion: '' });
}

/**
 * The selection as fragment text for the clipboard, with the definitions of the blocks it uses so
 * that it pastes into another project; undefined when nothing is selected.
 */
export function copySelectionText(store: EditorStore): string | undefined {
  const ids = selectedNodes(store);
  if (ids.length === 0) return undefined;
  return JSON.stringify(copyWithBlocks(store.getState().doc, ids), null, 1);
}

/** Paste clipboard text; a fragment whose layer names share a prefix that counts on opens the naming dialog first. */
export function pasteText(store: EditorStore, text: string): void {
  const s = store.getState();
  const layers = fragmentLayers(text);
  const names = layers?.map((n) => n.name);
  const prefix = names && sharedPrefix(names, layers!.length > 0 && layers!.every((n) => n.repeat !== undefined));
  // Into a network where the names are new (another project), they are kept as they are.
  const clash = names && prefix && !prefixIsFree(s.doc, names, prefix, prefix);
  const suggestion = names && prefix && clash && suggestPrefix(s.doc, names, prefix);
  if (names && prefix && suggestion) s.openNaming({ kind: 'paste', text, names, prefix, suggestion });
  else copyWithNames(store, { kind: 'paste', text, names: names ?? [], prefix: '', suggestion: '' });
}

/** The layers' ids, names and repeats in fragment text, or undefined when it is not a fragment (pasting it then says why). */
function fragmentLayers(text: string): { id: string; name: string; repeat?: unknown }[] | undefined {
  try {
    const raw = JSON.parse(text) as { nodes?: unknown };
    if (!Array.isArray(raw.nodes)) return undefined;
    const layers = raw.nodes as { id?: unknown; name?: unknown; repeat?: unknown }[];
    return layers.every((n) => typeof n?.id === 'string' && typeof n.name === 'string')
      ? (layers as { id: string; name: string; repeat?: unknown }[])
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Paste or duplicate as `request` asks, as one undo step: with `prefix` rewritten to `to` in every
 * copied layer's name, or, with no `to`, with names made unique by a suffix (`name_2`).
 */
export function copyWithNames(store: EditorStore, request: Exclude<NamingRequest, { kind: 'rename' }>, to?: string): void {
  const s = store.getState();
  const offset = copyOffset(store, request.kind === 'paste' ? fragmentPositions(request.text) : copyFragment(s.doc, request.ids).positions);
  const result = s.apply((doc) => {
    let copied: Result<{ doc: NetworkDocument; idMap: Record<string, string>; addedBlocks?: string[] }>;
    if (request.kind === 'paste') copied = pasteWithBlocks(doc, request.text, offset);
    // Inputs are not layers: a selection with inputs is duplicated the way paste copies them.
    else if (request.ids.some((id) => doc.inputs.some((i) => i.id === id)))
      copied = pasteWithBlocks(doc, JSON.stringify(copyFragment(doc, request.ids)), offset);
    else copied = duplicate(doc, request.ids, offset);
    if (!copied.ok || to === undefined) return copied;
    // The copies in the order of their originals' names; idMap also maps inputs, which keep theirs.
    const originals = request.kind === 'paste' ? (fragmentLayers(request.text) ?? []).map((n) => n.id) : layerNames(doc, request.ids).ids;
    const copies = originals.map((id) => copied.value.idMap[id]!);
    const renamed = renameLayers(copied.value.doc, copies, withPrefix(request.names, request.prefix, to));
    return renamed.ok ? ok({ ...copied.value, doc: renamed.value }) : renamed;
  });
  // A refused rename leaves the dialog open with the reason shown; anything else closes it.
  if (!result && to !== undefined) return;
  store.getState().openNaming(undefined);
  if (!result) return;
  store.getState().select(Object.values(result.idMap));
  if (request.kind !== 'paste') return;
  const added = result.addedBlocks ?? [];
  const blocks = added.length === 0 ? '' : ` and the ${added.length === 1 ? 'block' : 'blocks'} ${added.map((b) => `'${b}'`).join(', ')} it uses`;
  store.getState().notify('info', `Pasted ${count(Object.keys(result.idMap).length, 'node')}${blocks}.`);
}

function fragmentPositions(text: string): Record<string, { x: number; y: number }> {
  try {
    const positions = (JSON.parse(text) as { positions?: unknown }).positions;
    return typeof positions === 'object' && positions !== null ? (positions as Record<string, { x: number; y: number }>) : {};
  } catch {
    return {};
  }
}

/**
 * How far copies at `positions` move from there: 40 right and 40 down when the copy as a whole
 * lands clear of every node there, else the nearest offset where it does (a copied row goes below it).
 */
function copyOffset(store: EditorStore, positions: Record<string, { x: number; y: number }>): { x: number; y: number } {
  const s = store.getState();
  const drawn = s.flowNodes.filter((n) => !n.hidden && n.type !== 'groupFrame');
  const sizes = new Map(drawn.map((n) => [n.id, nodeRect(n)]));
  const boxes = Object.entries(positions)
    .filter(([, p]) => Number.isFinite(p?.x) && Number.isFinite(p?.y))
    .map(([id, p]) => ({ x: p.x, y: p.y, width: sizes.get(id)?.width ?? NODE_WIDTH, height: sizes.get(id)?.height ?? NODE_HEIGHT }));
  if (boxes.length === 0) return { x: 40, y: 40 };
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const size = { width: Math.max(...boxes.map((b) => b.x + b.width)) - left, height: Math.max(...boxes.map((b) => b.y + b.height)) - top };
  const spot = clearSpot({ x: left + 40, y: top + 40 }, size, drawn.map(nodeRect));
  return { x: spot.x - left, y: spot.y - top };
}

/** Open the naming dialog to rename the selected layers by pattern. */
export function openRenameDialog(store: EditorStore): void {
  const s = store.getState();
  const { ids, names } = layerNames(s.doc, selectedNodes(store));
  if (ids.length === 0) {
    s.notify('error', 'Select the layers to rename first.');
    return;
  }
  s.openNaming({ kind: 'rename', ids, names });
}

/** Rename the layers `ids` by a plain find and replace (`{i}`: the place in the selection, from 0), as one undo step. */
export function renameByFindReplace(store: EditorStore, ids: readonly string[], find: string, replace: string): void {
  const s = store.getState();
  const { ids: layers, names } = layerNames(s.doc, ids);
  const done = s.apply((doc) => renameLayers(doc, layers, renameByPattern(names, find, replace)));
  if (!done) return;
  s.openNaming(undefined);
  store.getState().notify('info', `Renamed ${count(layers.length, 'layer')}.`);
}

export function groupSelection(store: EditorStore, name?: string): void {
  const s = store.getState();
  const ids = selectedNodes(store);
  if (ids.length === 0) {
    s.notify('error', 'Select the layers to group first.');
    return;
  }
  const result = s.apply((doc) => group(doc, ids, name ?? `block${doc.ui.groups.length + 1}`));
  if (!result) return;
  store.getState().select([]);
  // A frame holds its members and nothing else: when other nodes sit between the members, the
  // network is laid out again (a second undo step), which draws the group as one box.
  const made = store.getState().doc.ui.groups.find((g) => g.id === result.groupId);
  if (made && nodesUnderFrame(store.getState().doc, made).length > 0) void autoLayout(store, store.getState().direction);
}

export function ungroupSelection(store: EditorStore): void {
  const s = store.getState();
  const g = s.doc.ui.groups.find((x) => s.selected.includes(x.id) || x.nodeIds.some((id) => s.selected.includes(id)));
  if (g) s.apply((doc) => ungroup(doc, g.id));
}

/**
 * Expand the selected composites into their primitives, laid out in place: the layout is computed
 * on the expanded network first, so the expansion and its positions are one undo step.
 */
export async function expandSelection(store: EditorStore): Promise<void> {
  const s = store.getState();
  const ids = selectedNodes(store).filter((id) => specIn(s.doc, s.doc.nodes.find((n) => n.id === id)?.type ?? '')?.kind === 'composite');
  if (ids.length === 0) {
    s.notify('error', 'Select a composite layer (ConvBnAct, BasicBlock, Bottleneck, ...) to expand.');
    return;
  }
  const expand = (doc: NetworkDocument): Result<{ doc: NetworkDocument; inner: string[] }> => {
    let next = doc;
    const inner: string[] = [];
    for (const id of ids) {
      const r = expandComposite(next, id);
      if (!r.ok) return r;
      next = r.value.doc;
      inner.push(...r.value.nodeIds);
    }
    return ok({ doc: next, inner });
  };
  const preview = expand(s.doc);
  if (!preview.ok) {
    for (const d of preview.diagnostics) s.notify('error', d.message);
    return;
  }
  let positions: Record<string, { x: number; y: number }> = {};
  try {
    positions = await computeLayout(preview.value.doc, 'LR', preview.value.inner);
  } catch (e) {
    store.getState().notify('error', (e as Error).message);
  }
  // Expanded again on the document as it is now (ids come out the same when nothing changed meanwhile).
  const result = store.getState().apply((doc) => {
    const r = expand(doc);
    if (!r.ok) return r;
    const placed = Object.fromEntries(Object.entries(positions).filter(([id]) => r.value.inner.includes(id)));
    // The primitives take more room than the composite did: what follows moves right by the difference.
    const xs = Object.values(placed).map((p) => p.x);
    const grown = xs.length > 0 ? Math.max(...xs) - Math.min(...xs) : 0;
    const right = Math.max(...ids.map((id) => doc.ui.positions[id]?.x ?? -Infinity));
    if (grown > 0 && Number.isFinite(right)) {
      const downstream = new Set<string>();
      const queue = doc.edges.filter((e) => ids.includes(e.from.node)).map((e) => e.to.node);
      while (queue.length > 0) {
        const id = queue.pop()!;
        if (downstream.has(id) || ids.includes(id)) continue;
        downstream.add(id);
        for (const e of doc.edges) if (e.from.node === id) queue.push(e.to.node);
      }
      for (const id of downstream) {
        const p = doc.ui.positions[id];
        if (p && p.x > right) placed[id] = { x: p.x + grown, y: p.y };
      }
    }
    const moved = moveNodes(r.value.doc, placed);
    return moved.ok ? ok({ doc: moved.value, inner: r.value.inner }) : moved;
  });
  if (result) store.getState().select(result.inner);
}

export function bypassSelection(store: EditorStore): void {
  const s = store.getState();
  const ids = selectedNodes(store).filter((id) => s.doc.nodes.some((n) => n.id === id));
  if (ids.length !== 1) {
    s.notify('error', 'Select one layer to bypass.');
    return;
  }
  s.apply((doc) => bypassNode(doc, ids[0]!));
}

export function selectAll(store: EditorStore): void {
  const s = store.getState();
  s.select([...s.doc.inputs.map((i) => i.id), ...s.doc.nodes.map((n) => n.id)]);
}

export function nudgeSelection(store: EditorStore, dx: number, dy: number): void {
  const s = store.getState();
  const ids = selectedNodes(store);
  if (ids.length === 0) return;
  const positions: Record<string, { x: number; y: number }> = {};
  for (const id of ids) {
    const p = s.doc.ui.positions[id] ?? { x: 0, y: 0 };
    positions[id] = { x: p.x + dx, y: p.y + dy };
  }
  s.apply((doc) => moveNodes(doc, positions));
}

/** `doc` laid out as a whole with elkjs (a template before it is shown). */
export async function laidOut(doc: NetworkDocument, direction: 'LR' | 'TB'): Promise<NetworkDocument> {
  const moved = moveNodes(doc, await computeLayout(doc, direction));
  return moved.ok ? moved.value : doc;
}

/** Lay out the whole network (or `ids`) with elkjs; the new positions are one undo step. */
export async function autoLayout(store: EditorStore, direction: 'LR' | 'TB', ids: readonly string[] = []): Promise<void> {
  const s = store.getState();
  const sizes = new Map<string, { width: number; height: number }>();
  for (const n of s.flowNodes) if (n.measured?.width && n.measured.height) sizes.set(n.id, { width: n.measured.width, height: n.measured.height });
  try {
    const doc = s.doc;
    const positions = await computeLayout(doc, direction, ids, sizes);
    // The document may have changed while the worker ran; positions of removed nodes are dropped.
    store
      .getState()
      .apply((current) =>
        moveNodes(
          current,
          Object.fromEntries(
            Object.entries(positions).filter(
              ([id]) => current.ui.positions[id] !== undefined || current.nodes.some((n) => n.id === id) || current.inputs.some((i) => i.id === id),
            ),
          ),
        ),
      );
    if (ids.length === 0) store.getState().requestFit();
  } catch (e) {
    store.getState().notify('error', (e as Error).message);
  }
}

/** The horizontal gap that leaves a wire room for its dims label. */
const WIRE_GAP = 130;

/**
 * Place a layer inserted onto the wire `from` → `to` right after `from`, and push `to` and
 * everything downstream of it to the right when there is no room, so nothing overlaps.
 */
function makeRoomOnWire(doc: NetworkDocument, from: string, to: string, inserted: string): NetworkDocument {
  const source = doc.ui.positions[from];
  const target = doc.ui.positions[to];
  if (!source || !target) return doc;
  const placed = { x: source.x + NODE_WIDTH + WIRE_GAP, y: source.y };
  const positions: Record<string, { x: number; y: number }> = { [inserted]: placed };
  const shift = placed.x + NODE_WIDTH + WIRE_GAP - target.x;
  if (shift > 0) {
    const downstream = new Set([to]);
    const queue = [to];
    while (queue.length > 0) {
      const id = queue.pop()!;
      for (const e of doc.edges) {
        if (e.from.node !== id || downstream.has(e.to.node) || e.to.node === inserted) continue;
        downstream.add(e.to.node);
        queue.push(e.to.node);
      }
    }
    for (const id of downstream) {
      const p = doc.ui.positions[id];
      if (p) positions[id] = { x: p.x + shift, y: p.y };
    }
  }
  const moved = moveNodes(doc, positions);
  return moved.ok ? moved.value : doc;
}

/** The tensor a new layer will take on its first input: the dragged wire's or the wire it is inserted onto. */
function incomingTensor(store: EditorStore, menu: SearchMenuState | undefined): TensorInfo | undefined {
  const s = store.getState();
  const from = menu?.edge ? s.doc.edges.find((e) => e.id === menu.edge)?.from : menu?.pending?.side === 'source' ? menu.pending : undefined;
  return from && s.shapes.nodes[from.node]?.outputs[from.port];
}

/**
 * Add a layer from the palette or the search menu, connecting it to a dragged wire or inserting it
 * onto a wire. It gets `params` (a search preset such as `relu`) and, when it is wired, the
 * parameters that follow from the incoming tensor (Linear's inFeatures, a block's inplanes).
 * It lands at `wanted`, or the nearest spot clear of the nodes there (the canvas then pans to show it).
 */
export function addLayerAt(store: EditorStore, type: string, wanted: { x: number; y: number }, menu?: SearchMenuState, preset?: Params): void {
  const s = store.getState();
  const occupied = s.flowNodes.filter((n) => !n.hidden && n.type !== 'groupFrame').map(nodeRect);
  const position = menu?.edge ? wanted : clearSpot(wanted, { width: NODE_WIDTH, height: NODE_HEIGHT }, occupied);
  const spec = specIn(s.doc, type);
  const tensor = incomingTensor(store, menu);
  const params = { ...preset, ...(spec && tensor ? paramsFromInput(spec, tensor) : {}) };
  const result = s.apply((doc): Result<{ doc: NetworkDocument; nodeId: string }> => {
    if (menu?.edge) {
      const edge = doc.edges.find((e) => e.id === menu.edge);
      const inserted = insertOnEdge(doc, menu.edge, { type, position, params });
      if (!inserted.ok || !edge) return inserted;
      return ok({ doc: makeRoomOnWire(inserted.value.doc, edge.from.node, edge.to.node, inserted.value.nodeId), nodeId: inserted.value.nodeId });
    }
    if (type === 'Input') return addInput(doc, { dims: [1, 3, 224, 224], position });
    const added = addNode(doc, { type, position, params });
    if (!added.ok || !menu?.pending || !spec) return added;
    const pending = menu.pending;
    // Only the endpoint: the menu's record of which side was dragged is not part of a wire.
    const end = { node: pending.node, port: pending.port };
    if (pending.side === 'source') {
      const port = spec.inputs[0];
      if (!port) return added;
      const wired = connect(added.value.doc, end, { node: added.value.nodeId, port: port.variadic ? `${port.name}.0` : port.name });
      return wired.ok ? ok({ doc: wired.value.doc, nodeId: added.value.nodeId }) : wired;
    }
    const out = outputPortNames(spec, added.value.doc.nodes.find((n) => n.id === added.value.nodeId)?.params ?? {})[0];
    if (!out) return added;
    const wired = connect(added.value.doc, { node: added.value.nodeId, port: out }, end);
    return wired.ok ? ok({ doc: wired.value.doc, nodeId: added.value.nodeId }) : wired;
  });
  if (result) store.getState().select([result.nodeId]);
}
