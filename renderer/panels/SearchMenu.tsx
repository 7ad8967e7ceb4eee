/**
 * The quick-add menu (double-click, Space or Tab, or a wire dropped on empty space): fuzzy search
 * over the catalog; for a dropped wire only the layers that accept that tensor are listed.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { LayerCatalog } from '../../core/blocks/document-catalog.js';
import { catalogFor } from '../../core/blocks/document-catalog.js';
import { defaultParams, paramsFromInput } from '../../core/layers/params.js';
import type { TensorInfo } from '../../core/layers/types.js';
import { evaluate } from '../../core/shapes/infer.js';
import { formatDims } from '../../core/shapes/dims.js';
import { addLayerAt } from '../editor/commands.js';
import { allLayerChoices, searchLayers, type LayerChoice } from '../editor/layer-search.js';
import { CATEGORY_COLORS } from '../editor/layer-look.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';

/**
 * Whether a choice accepts `tensor` on its first input, with the parameters it would be created
 * with: its defaults, its preset and what follows from the tensor (so Linear fits any flat size).
 */
function accepts(catalog: LayerCatalog, choice: LayerChoice, tensor: TensorInfo): boolean {
  const spec = catalog.spec(choice.type);
  const first = spec?.inputs[0];
  if (!spec || !first) return false;
  const required = spec.inputs.filter((p) => !p.optional);
  if (required.length > 1 || (first.variadic && (first.minCount ?? 1) > 1)) return true; // judged once every input is wired
  try {
    const port = first.variadic ? `${first.name}.0` : first.name;
    const params = { ...defaultParams(spec.params), ...choice.params, ...paramsFromInput(spec, tensor) };
    return evaluate(spec, params, { [port]: tensor }, catalog).errors.length === 0;
  } catch {
    return false;
  }
}

/** Whether a choice has the ports a menu needs. */
function hasPorts(catalog: LayerCatalog, choice: LayerChoice, inputs: boolean, outputs: boolean): boolean {
  if (choice.type === 'Input') return !inputs;
  const spec = catalog.spec(choice.type);
  return !!spec && (!inputs || spec.inputs.length > 0) && (!outputs || spec.outputs.length > 0);
}

export function SearchMenu() {
  const store = useEditorStore();
  const menu = useEditor((s) => s.searchMenu);
  const tensor = useEditor((s) =>
    s.searchMenu?.pending?.side === 'source' ? s.shapes.nodes[s.searchMenu.pending.node]?.outputs[s.searchMenu.pending.port] : undefined,
  );
  const catalog = useEditor((s) => catalogFor(s.doc));
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  // Where the pointer was last seen. The menu opens under the pointer and its list changes as the
  // user types, so an item can slide under a pointer that never moved; only a real move picks one.
  const pointer = useRef<{ x: number; y: number } | undefined>(undefined);
  const candidates = useMemo<LayerChoice[]>(() => {
    const choices = allLayerChoices(catalog.list());
    if (!menu) return [];
    if (menu.pending?.side === 'source') return choices.filter((c) => hasPorts(catalog, c, true, false) && (!tensor || accepts(catalog, c, tensor)));
    if (menu.pending?.side === 'target') return choices.filter((c) => hasPorts(catalog, c, false, true));
    if (menu.edge) return choices.filter((c) => hasPorts(catalog, c, true, true));
    return choices;
  }, [menu, tensor, catalog]);
  const found = useMemo(() => searchLayers(query, candidates).slice(0, 40), [query, candidates]);
  if (!menu) return null;
  const close = () => {
    store.getState().openSearch(undefined);
    setQuery('');
    setActive(0);
    pointer.current = undefined;
  };
  const choose = (entry: LayerChoice | undefined) => {
    if (!entry) return;
    addLayerAt(store, entry.type, { x: Math.round(menu.flow.x), y: Math.round(menu.flow.y) }, menu, entry.params);
    close();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close();
    else if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, found.length - 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (e.key === 'Enter') choose(found[active]);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  // The dropped wire stays drawn, from its port to where it was let go, until a layer is chosen.
  const handle = menu.pending
    ? document
        .querySelector(`.react-flow__node[data-id="${CSS.escape(menu.pending.node)}"] .react-flow__handle[data-handleid="${CSS.escape(menu.pending.port)}"]`)
        ?.getBoundingClientRect()
    : undefined;
  const left = Math.min(menu.screen.x, window.innerWidth - 360);
  const top = Math.min(menu.screen.y, window.innerHeight - 420);
  return (
    <>
      <div className="overlay-backdrop transparent" onMouseDown={close} />
      {handle && (
        <svg className="pending-wire" data-testid="pending-wire">
          <line x1={handle.x + handle.width / 2} y1={handle.y + handle.height / 2} x2={menu.screen.x} y2={menu.screen.y} />
        </svg>
      )}
      <div className="search-menu" style={{ left, top }} data-testid="search-menu" onKeyDown={onKey}>
        <input
          autoFocus
          placeholder={menu.edge ? 'Insert a layer onto the wire…' : tensor ? `Layers that accept ${formatDims(tensor.dims)}…` : 'Add a layer…'}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          data-testid="search-input"
        />
        <div className="search-results">
          {found.map((s, i) => (
            <div
              key={s.key}
              className={`search-item${i === active ? ' active' : ''}`}
              onMouseMove={(e) => {
                const last = pointer.current;
                pointer.current = { x: e.clientX, y: e.clientY };
                if (last && (last.x !== e.clientX || last.y !== e.clientY)) setActive(i);
              }}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(s);
              }}
              data-testid="search-item"
              data-type={s.type}
              data-key={s.key}
            >
              <span className="search-dot" style={{ background: CATEGORY_COLORS[s.category] }} />
              <span className="search-label">{s.label}</span>
              <span className="search-type">{s.params ? `${s.type} ${String(Object.values(s.params)[0])}` : s.type}</span>
              <div className="search-doc">{s.doc}</div>
            </div>
          ))}
          {found.length === 0 && <div className="empty">No layer matches.</div>}
        </div>
      </div>
    </>
  );
}
