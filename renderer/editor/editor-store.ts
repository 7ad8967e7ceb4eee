/**
 * The editor's state: one Zustand store per open editor, created by a factory (so tests and
 * several windows get their own) and provided through React context by react/editor-context.tsx;
 * this file imports no React. Slices: document with undo/redo history, selection, view (the React
 * Flow node/edge arrays and overlays), diagnostics (shape inference, re-run on every edit) and jobs.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Diagnostic, Result } from '../../core/diagnostics.js';
import type { ShapeReport } from '../../core/shapes/infer.js';
import { checkNetwork, type NetworkCheck } from '../../core/check/check-network.js';
import { emptyDocument, type NetworkDocument, type NetworkNode } from '../../core/network/types.js';
import { moveNodes } from '../../core/network/edit.js';
import { unknownKeyProblem } from '../../core/network/document-keys.js';
import {
  applyEdgeChanges,
  applyNodeChanges,
  buildFlowEdges,
  buildFlowNodes,
  emptyFlowCache,
  syncFlowCache,
  type Edge,
  type EdgeChange,
  type FlowCache,
  type Node,
  type NodeChange,
} from './flow-model.js';
import { checkBindings, type SlotStatus } from '../../core/weights/binding.js';
import type { BuildResult, JobKind } from '../../core/api/job-schemas.js';
import type { WeightSet, WeightTensor } from '../../core/api/weight-schemas.js';
import { flowDirection, type FlowDirection } from './ports.js';
import { PROFILE_HEAT_LEGEND, type HeatLegend } from './heat.js';
import { replaceBlock } from '../../core/blocks/block-edits.js';
import { compositeDocument, definitionDocument, definitionFromDocument, withExpression, withParams, type DefinitionContext } from './block-editing.js';
import type { BlockParam } from '../../core/network/types.js';
import type { NamingRequest } from './naming.js';

/** The most undo steps kept; older ones are dropped. */
const HISTORY_LIMIT = 200;

/** Per-node problem summary for badges; primitives so node components can select them cheaply. */
export interface NodeProblem {
  severity: 'error' | 'warning';
  count: number;
  first: string;
}

export interface SearchMenuState {
  /** Screen position of the menu. */
  screen: { x: number; y: number };
  /** Canvas position where the new layer goes. */
  flow: { x: number; y: number };
  /** A wire dragged into empty space: the new layer connects to it. */
  pending?: { node: string; port: string; side: 'source' | 'target' };
  /** A wire the new layer is inserted onto. */
  edge?: string;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  message: string;
}

export interface BackendInfo {
  name: string;
  available: boolean;
  detail: string;
}

export interface Job {
  id: string;
  /** What the job does; the dock shows a running job on the tab of its kind. */
  kind: JobKind;
  label: string;
  progress: number | undefined;
}

export interface DocumentSlice {
  doc: NetworkDocument;
  past: NetworkDocument[];
  future: NetworkDocument[];
  /** The document as last saved or opened, to tell whether there are unsaved changes. */
  savedDoc: NetworkDocument;
  /** Where the project was opened from or saved to; undefined for a new project. */
  filePath: string | undefined;
  /**
   * Apply one user gesture as one undo step. `edit` returns a Result from core/network/edit; a
   * refusal changes nothing and its message is shown. Returns the value on success.
   */
  apply: <T extends { doc: NetworkDocument } | NetworkDocument>(edit: (doc: NetworkDocument) => Result<T>) => T | undefined;
  undo: () => void;
  redo: () => void;
  /** Replace the whole document (open, new from template); clears history. */
  load: (doc: NetworkDocument, filePath?: string) => void;
  markSaved: (filePath: string) => void;
}

export interface SelectionSlice {
  selected: string[];
  selectedEdges: string[];
  select: (ids: string[]) => void;
}

export interface ViewSlice {
  flowNodes: Node[];
  flowEdges: Edge[];
  /** Which way the drawing runs: where the handles go (left/right or top/bottom). */
  direction: FlowDirection;
  /**
   * The layers by id. A layer's React Flow object stays the same across parameter edits (so React
   * Flow has nothing to redo on a 2,000-node canvas); the node component reads its layer here.
   */
  nodeById: ReadonlyMap<string, NetworkNode>;
  searchMenu: SearchMenuState | undefined;
  /** The naming dialog: a prefix for pasted or duplicated layers, or a rename by pattern. */
  naming: NamingRequest | undefined;
  findOpen: boolean;
  helpOpen: boolean;
  notices: Notice[];
  /** Asked of the canvas: centre on this node (set by the Problems panel and find). */
  focusRequest: { nodeId: string; serial: number } | undefined;
  /** Bumped to ask the canvas to fit the whole network in view. */
  fitSerial: number;
  /** Whether the last fit asked for the whole network however small (F) or a readable view of its start when it is long (opening, auto-layout). */
  fitWhole: boolean;
  requestFit: (whole?: boolean) => void;
  onNodesChange: (changes: NodeChange[]) => void;
  onEdgesChange: (changes: EdgeChange[]) => void;
  commitDrag: (ids: string[]) => void;
  openSearch: (menu: SearchMenuState | undefined) => void;
  openNaming: (request: NamingRequest | undefined) => void;
  setFindOpen: (open: boolean) => void;
  setHelpOpen: (open: boolean) => void;
  notify: (kind: Notice['kind'], message: string) => void;
  dismiss: (id: number) => void;
  focusNode: (nodeId: string) => void;
}

/** The layers by id, rebuilt only when the node array changes; node components read their layer here. */
const nodeIndexes = new WeakMap<readonly NetworkNode[], ReadonlyMap<string, NetworkNode>>();
function nodeIndex(nodes: readonly NetworkNode[]): ReadonlyMap<string, NetworkNode> {
  let index = nodeIndexes.get(nodes);
  if (!index) nodeIndexes.set(nodes, (index = new Map(nodes.map((n) => [n.id, n]))));
  return index;
}

export interface DiagnosticsSlice {
  shapes: ShapeReport;
  /** Shape diagnostics plus those the host reported (weights, builds). */
  diagnostics: Diagnostic[];
  hostDiagnostics: Diagnostic[];
  nodeProblems: Record<string, NodeProblem>;
  setHostDiagnostics: (diagnostics: Diagnostic[]) => void;
}

export interface JobsSlice {
  jobs: Job[];
  backends: BackendInfo[] | undefined;
  setBackends: (backends: BackendInfo[]) => void;
  /** Add or update a running job (the workflow panels report theirs here). */
  trackJob: (job: Job) => void;
  endJob: (id: string) => void;
}

/** A loaded weights file as the renderer knows it: names and counts, never the values. */
export interface LoadedWeights {
  set: WeightSet;
  tensors: WeightTensor[];
}

/** What the workflow panels (weights, build, run, profile) share with each other and the canvas. */
export interface WorkflowSlice {
  weights: LoadedWeights | undefined;
  /** Engines built in this session, newest first. */
  engines: BuildResult[];
  /** The engine the run and profile panels use. */
  engineId: string | undefined;
  /** The canvas heat overlay: per node id, 0..1 on the scale `heatLegend` describes (a profile's time, a comparison's error); nodes are coloured by it. */
  heat: Record<string, number>;
  heatLegend: HeatLegend | undefined;
  /**
   * Per layer with weight slots, while weights are loaded: bound of all slots, `ok:2/2` (every required
   * slot bound; an optional bias may stay free) or `bad:0/2` (a slot missing, of the wrong count or bound
   * to an unknown tensor); a string so a node selects it cheaply.
   */
  weightStatus: Record<string, string>;
  /** Setting weights re-checks the bindings: their Diagnostics join the Problems and the node badges. */
  setWeights: (weights: LoadedWeights | undefined) => void;
  setEngines: (engines: BuildResult[], engineId?: string) => void;
  /** Show a heat overlay (a profile's, unless `legend` says otherwise); an empty `heat` removes it. */
  setHeat: (heat: Record<string, number>, legend?: HeatLegend) => void;
}

/**
 * A block definition open on the canvas: the canvas shows the definition as a document of its own,
 * and the project (with its undo history) waits here until the user goes back.
 */
export interface BlockEditSlice {
  blockEdit: { context: DefinitionContext; project: Pick<DocumentSlice, 'doc' | 'past' | 'future'> } | undefined;
  openDefinition: (block: string) => void;
  /** Open a built-in composite node to see its layers (read-only; Expand gives an editable copy). */
  openComposite: (nodeId: string) => void;
  /** Back to the project: the edited definition replaces the old one as one undo step. False when refused (the message is shown). */
  closeDefinition: () => boolean;
  /** In the open definition: an inner parameter's expression (empty text drops it, keeping the value). */
  setBlockExpression: (nodeId: string, param: string, text: string) => void;
  /** In the open definition: the block's exposed parameters. False when refused (the message is shown). */
  setBlockParams: (params: BlockParam[]) => boolean;
}

export type EditorState = DocumentSlice & SelectionSlice & ViewSlice & DiagnosticsSlice & JobsSlice & WorkflowSlice & BlockEditSlice;
export type EditorStore = StoreApi<EditorState>;

function summariseProblems(diagnostics: readonly Diagnostic[]): Record<string, NodeProblem> {
  const map: Record<string, NodeProblem> = {};
  for (const d of diagnostics) {
    if (!d.nodeId || d.severity === 'info') continue;
    const seen = map[d.nodeId];
    if (!seen) map[d.nodeId] = { severity: d.severity, count: 1, first: d.message };
    else {
      seen.count++;
      if (d.severity === 'error' && seen.severity === 'warning') {
        seen.severity = 'error';
        seen.first = d.message;
      }
    }
  }
  return map;
}

const NO_WEIGHT_STATUS: Record<string, string> = {};

function summariseSlots(slots: readonly SlotStatus[]): Record<string, string> {
  const counts = new Map<string, { bound: number; total: number; bad: boolean }>();
  for (const slot of slots) {
    let c = counts.get(slot.nodeId);
    if (!c) counts.set(slot.nodeId, (c = { bound: 0, total: 0, bad: false }));
    c.total++;
    if (slot.status === 'bound') c.bound++;
    else if (slot.status !== 'unbound-optional') c.bad = true;
  }
  const status: Record<string, string> = {};
  for (const [id, c] of counts) status[id] = `${c.bad ? 'bad' : 'ok'}:${c.bound}/${c.total}`;
  return status;
}

function isDocument(v: unknown): v is NetworkDocument {
  return typeof v === 'object' && v !== null && 'nodes' in v && 'edges' in v && 'inputs' in v && 'ui' in v;
}

let noticeSerial = 0;

/** Create an editor store holding `initial` (an empty network by default). */
export function createEditorStore(initial: NetworkDocument = emptyDocument()): EditorStore {
  const cache: FlowCache = emptyFlowCache();
  /** The loaded tensors' names and counts; bindings are checked against them on every edit. */
  let loadedTensors: WeightTensor[] | undefined;

  /** The last network check and the document parts it read: moving, selecting and grouping reuse it (a check of ResNet-152 takes ~20 ms). */
  let lastCheck: { key: readonly unknown[]; check: NetworkCheck } | undefined;
  function check(doc: NetworkDocument): NetworkCheck {
    const key = [doc.name, doc.inputs, doc.nodes, doc.edges, doc.outputs, doc.bindings];
    if (!lastCheck || key.some((part, i) => part !== lastCheck!.key[i])) lastCheck = { key, check: checkNetwork(doc) };
    return lastCheck.check;
  }

  /** Everything derived from the document: shapes, problems (the network check: what run and build would stop on) and the React Flow arrays. */
  function derive(doc: NetworkDocument, selected: readonly string[], selectedEdges: readonly string[], hostDiagnostics: readonly Diagnostic[]) {
    const { shapes, diagnostics: checked } = check(doc);
    const report = loadedTensors ? checkBindings(doc, loadedTensors, shapes) : undefined;
    const binding = report?.diagnostics ?? [];
    const diagnostics = [...checked, ...binding, ...hostDiagnostics];
    const selectedSet = new Set(selected);
    const live = new Set([...doc.nodes.map((n) => n.id), ...doc.inputs.map((i) => i.id), ...doc.ui.groups.map((g) => g.id)]);
    const keptSelection = selected.filter((id) => live.has(id));
    const edgeIds = new Set(doc.edges.map((e) => e.id));
    const keptEdges = selectedEdges.filter((id) => edgeIds.has(id));
    return {
      shapes,
      diagnostics,
      nodeProblems: summariseProblems(diagnostics),
      weightStatus: report ? summariseSlots(report.slots) : NO_WEIGHT_STATUS,
      flowNodes: buildFlowNodes(doc, selectedSet, cache),
      direction: flowDirection(doc),
      nodeById: nodeIndex(doc.nodes),
      flowEdges: buildFlowEdges(doc, new Set(keptEdges), cache),
      selected: keptSelection.length === selected.length ? (selected as string[]) : keptSelection,
      selectedEdges: keptEdges,
    };
  }

  return createStore<EditorState>()((set, get) => {
    const setDoc = (doc: NetworkDocument, history: Pick<DocumentSlice, 'past' | 'future'>) => {
      const s = get();
      set({ doc, ...history, ...derive(doc, s.selected, s.selectedEdges, s.hostDiagnostics) });
    };
    return {
      doc: initial,
      past: [],
      future: [],
      savedDoc: initial,
      filePath: undefined,
      ...derive(initial, [], [], []),
      hostDiagnostics: [],
      searchMenu: undefined,
      naming: undefined,
      findOpen: false,
      helpOpen: false,
      notices: [],
      focusRequest: undefined,
      fitSerial: 0,
      fitWhole: false,
      jobs: [],
      backends: undefined,
      weights: undefined,
      engines: [],
      engineId: undefined,
      heat: {},
      heatLegend: undefined,
      blockEdit: undefined,

      openDefinition(block) {
        if (!get().closeDefinition()) return;
        const s = get();
        const opened = definitionDocument(s.doc, block);
        if (!opened) return s.notify('error', `The project has no block '${block}'.`);
        set({ blockEdit: { context: opened.context, project: { doc: s.doc, past: s.past, future: s.future } }, selected: [], selectedEdges: [] });
        setDoc(opened.doc, { past: [], future: [] });
        get().requestFit(true);
      },
      openComposite(nodeId) {
        if (!get().closeDefinition()) return;
        const s = get();
        const opened = compositeDocument(s.doc, nodeId);
        if (!opened) return s.notify('error', 'Select a composite layer (ConvBnAct, BasicBlock, ...) to see its layers.');
        set({ blockEdit: { context: opened.context, project: { doc: s.doc, past: s.past, future: s.future } }, selected: [], selectedEdges: [] });
        setDoc(opened.doc, { past: [], future: [] });
        get().requestFit(true);
      },
      closeDefinition() {
        const s = get();
        if (!s.blockEdit) return true;
        const { context, project } = s.blockEdit;
        const original = context.readOnly ? undefined : project.doc.blocks?.find((b) => b.name === context.block);
        let next = project.doc;
        if (original) {
          const def = definitionFromDocument(s.doc, original, context);
          if (JSON.stringify(def) !== JSON.stringify(original)) {
            // Blocks made while the definition was open belong to the project too.
            const replaced = replaceBlock({ ...project.doc, blocks: s.doc.blocks ?? project.doc.blocks }, def);
            if (!replaced.ok) {
              s.notify('error', `The definition of ${context.block} was not applied: ${replaced.diagnostics[0]!.message}`);
              return false;
            }
            next = replaced.value;
          }
        }
        set({ blockEdit: undefined, selected: [], selectedEdges: [] });
        setDoc(next, next === project.doc ? project : { past: [...project.past, project.doc].slice(-HISTORY_LIMIT), future: [] });
        get().requestFit();
        return true;
      },

      setBlockExpression(nodeId, param, text) {
        const s = get();
        if (!s.blockEdit) return;
        const r = withExpression(s.doc, s.blockEdit.context, nodeId, param, text);
        if (!r.ok) return s.notify('error', r.diagnostics[0]!.message);
        // The expressions live beside the canvas's document; the value they give is an ordinary (undoable) edit.
        set({ blockEdit: { ...s.blockEdit, context: r.value.context } });
        if (r.value.doc !== s.doc) setDoc(r.value.doc, { past: [...s.past, s.doc].slice(-HISTORY_LIMIT), future: [] });
      },
      setBlockParams(params) {
        const s = get();
        if (!s.blockEdit) return false;
        const r = withParams(s.blockEdit.context, params);
        if (!r.ok) {
          s.notify('error', r.diagnostics[0]!.message);
          return false;
        }
        set({ blockEdit: { ...s.blockEdit, context: r.value } });
        return true;
      },

      apply(edit) {
        const s = get();
        const result = edit(s.doc);
        if (!result.ok) {
          for (const d of result.diagnostics) get().notify('error', d.message);
          return undefined;
        }
        const value = result.value;
        const doc = isDocument(value) ? value : value.doc;
        if (s.blockEdit?.context.readOnly && doc !== s.doc) {
          get().notify('info', `${s.blockEdit.context.block} is built in: its layers can be looked at, not changed. Expand the layer for an editable copy.`);
          return undefined;
        }
        // The edit boundary: a document the project format would refuse never enters the editor.
        const stray = doc !== s.doc ? unknownKeyProblem(doc) : undefined;
        if (stray) {
          get().notify('error', `The edit was not applied: ${stray}. This is a bug in TRT Studio; the network is unchanged.`);
          return undefined;
        }
        if (doc !== s.doc) setDoc(doc, { past: [...s.past, s.doc].slice(-HISTORY_LIMIT), future: [] });
        return value;
      },
      undo() {
        const s = get();
        const previous = s.past.at(-1);
        if (!previous) return;
        setDoc(previous, { past: s.past.slice(0, -1), future: [s.doc, ...s.future] });
      },
      redo() {
        const s = get();
        const next = s.future[0];
        if (!next) return;
        setDoc(next, { past: [...s.past, s.doc], future: s.future.slice(1) });
      },
      load(doc, filePath) {
        // A profile's or comparison's heat belongs to the network it measured, not to the one opened now.
        set({
          savedDoc: doc,
          filePath,
          selected: [],
          selectedEdges: [],
          searchMenu: undefined,
          naming: undefined,
          heat: {},
          heatLegend: undefined,
          blockEdit: undefined,
        });
        setDoc(doc, { past: [], future: [] });
        get().requestFit();
      },
      markSaved(filePath) {
        set({ savedDoc: get().doc, filePath });
      },

      select(ids) {
        const s = get();
        set(derive(s.doc, ids, [], s.hostDiagnostics));
      },

      onNodesChange(changes) {
        // Drags and selection only touch the React Flow array; the document changes when a drag ends.
        const s = get();
        const flowNodes = applyNodeChanges(changes, s.flowNodes);
        syncFlowCache(cache, s.flowNodes, flowNodes);
        const update: Partial<EditorState> = { flowNodes };
        if (changes.some((c) => c.type === 'select')) update.selected = flowNodes.filter((n) => n.selected && n.type !== 'groupFrame').map((n) => n.id);
        if (changes.some((c) => c.type === 'position' && c.dragging === false)) {
          set(update);
          get().commitDrag(changes.filter((c) => c.type === 'position').map((c) => (c as { id: string }).id));
          return;
        }
        set(update);
      },
      onEdgesChange(changes) {
        const s = get();
        const flowEdges = applyEdgeChanges(
          changes.filter((c) => c.type === 'select'),
          s.flowEdges,
        );
        set({ flowEdges, selectedEdges: flowEdges.filter((e) => e.selected).map((e) => e.id) });
      },
      commitDrag(ids) {
        const s = get();
        const positions: Record<string, { x: number; y: number }> = {};
        const byId = new Map(s.flowNodes.map((n) => [n.id, n]));
        for (const n of s.flowNodes) if (n.dragging || ids.includes(n.id)) positions[n.id] = { ...n.position };
        // A dragged collapsed group moves its members with it.
        for (const g of s.doc.ui.groups) {
          const moved = positions[g.id];
          if (!moved || !g.collapsed) continue;
          const old = cache.groupAnchors.get(g.id);
          if (!old) continue;
          for (const id of g.nodeIds) {
            const p = s.doc.ui.positions[id];
            if (p) positions[id] = { x: p.x + moved.x - old.x, y: p.y + moved.y - old.y };
          }
          delete positions[g.id];
        }
        for (const id of Object.keys(positions)) if (!byId.has(id) || byId.get(id)!.type === 'groupFrame') delete positions[id];
        const changed = Object.entries(positions).some(([id, p]) => {
          const old = s.doc.ui.positions[id];
          return !old || old.x !== p.x || old.y !== p.y;
        });
        if (changed) get().apply((doc) => moveNodes(doc, positions));
      },
      requestFit(whole = false) {
        set({ fitSerial: get().fitSerial + 1, fitWhole: whole });
      },
      openSearch(menu) {
        set({ searchMenu: menu });
      },
      openNaming(naming) {
        set({ naming });
      },
      setFindOpen(open) {
        set({ findOpen: open });
      },
      setHelpOpen(open) {
        set({ helpOpen: open });
      },
      notify(kind, message) {
        const id = ++noticeSerial;
        set({ notices: [...get().notices.slice(-3), { id, kind, message }] });
      },
      dismiss(id) {
        set({ notices: get().notices.filter((n) => n.id !== id) });
      },
      focusNode(nodeId) {
        const s = get();
        set({ focusRequest: { nodeId, serial: (s.focusRequest?.serial ?? 0) + 1 } });
        s.select([nodeId]);
      },

      setHostDiagnostics(hostDiagnostics) {
        const s = get();
        set({ hostDiagnostics, ...derive(s.doc, s.selected, s.selectedEdges, hostDiagnostics) });
      },
      setBackends(backends) {
        set({ backends });
      },
      trackJob(job) {
        const jobs = get().jobs;
        set({ jobs: jobs.some((j) => j.id === job.id) ? jobs.map((j) => (j.id === job.id ? job : j)) : [...jobs, job] });
      },
      endJob(id) {
        set({ jobs: get().jobs.filter((j) => j.id !== id) });
      },
      setWeights(weights) {
        loadedTensors = weights?.tensors;
        const s = get();
        set({ weights, ...derive(s.doc, s.selected, s.selectedEdges, s.hostDiagnostics) });
      },
      setEngines(engines, engineId) {
        const keep = get().engineId;
        set({ engines, engineId: engineId ?? (engines.some((e) => e.engineId === keep) ? keep : engines[0]?.engineId) });
      },
      setHeat(heat, legend = PROFILE_HEAT_LEGEND) {
        set(Object.keys(heat).length > 0 ? { heat, heatLegend: legend } : { heat: {}, heatLegend: undefined });
      },
    };
  });
}

/** The project's document: while a block definition is open on the canvas, the project it came from. */
export function projectDocument(state: Pick<EditorState, 'doc' | 'blockEdit'>): NetworkDocument {
  return state.blockEdit?.project.doc ?? state.doc;
}

/** Whether the document differs from the last saved or opened one. */
export function isDirty(state: Pick<EditorState, 'doc' | 'savedDoc'>): boolean {
  return state.doc !== state.savedDoc;
}
