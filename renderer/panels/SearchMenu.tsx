/**
 * The quick-add menu (double-click, Space or Tab, or a wire dropped on empty space): fuzzy search
 * over the catalog; for a dropped wire only the layers that accept that tensor are listed.
 */
import { useMemo, useState, type KeyboardEvent } from 'react';
import { listLayerSpecs } from '../../core/layers/catalog.js';
import { defaultParams } from '../../core/layers/params.js';
import type { LayerSpec, TensorInfo } from '../../core/layers/types.js';
import { evaluate } from '../../core/shapes/infer.js';
import { formatDims } from '../../core/shapes/dims.js';
import { fuzzyFilter } from '../editor/fuzzy.js';
import { addLayerAt } from '../editor/commands.js';
import { CATEGORY_COLORS } from '../editor/layer-look.js';
import { INPUT_ENTRY } from './Palette.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';

type Entry = Pick<LayerSpec, 'type' | 'label' | 'category' | 'doc'>;

/** Whether a layer with default parameters accepts `tensor` on its first input. */
function accepts(spec: LayerSpec, tensor: TensorInfo): boolean {
  const first = spec.inputs[0];
  if (!first) return false;
  const required = spec.inputs.filter((p) => !p.optional);
  if (required.length > 1 || (first.variadic && (first.minCount ?? 1) > 1)) return true; // judged once every input is wired
  try {
    const port = first.variadic ? `${first.name}.0` : first.name;
    return evaluate(spec, defaultParams(spec.params), { [port]: tensor }).errors.length === 0;
  } catch {
    return false;
  }
}

export function SearchMenu() {
  const store = useEditorStore();
  const menu = useEditor((s) => s.searchMenu);
  const tensor = useEditor((s) =>
    s.searchMenu?.pending?.side === 'source' ? s.shapes.nodes[s.searchMenu.pending.node]?.outputs[s.searchMenu.pending.port] : undefined,
  );
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const candidates = useMemo<Entry[]>(() => {
    const specs = listLayerSpecs();
    if (!menu) return [];
    if (menu.pending?.side === 'source') return specs.filter((s) => (tensor ? accepts(s, tensor) : s.inputs.length > 0));
    if (menu.pending?.side === 'target') return [INPUT_ENTRY, ...specs.filter((s) => s.outputs.length > 0)];
    if (menu.edge) return specs.filter((s) => s.inputs.length > 0 && s.outputs.length > 0);
    return [INPUT_ENTRY, ...specs];
  }, [menu, tensor]);
  const found = useMemo(() => fuzzyFilter(query, candidates, (s) => [s.label, s.type, s.category]).slice(0, 40), [query, candidates]);
  if (!menu) return null;
  const close = () => {
    store.getState().openSearch(undefined);
    setQuery('');
    setActive(0);
  };
  const choose = (entry: Entry | undefined) => {
    if (!entry) return;
    addLayerAt(store, entry.type, { x: Math.round(menu.flow.x), y: Math.round(menu.flow.y) }, menu);
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
              key={s.type}
              className={`search-item${i === active ? ' active' : ''}`}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(s);
              }}
              data-testid="search-item"
              data-type={s.type}
            >
              <span className="search-dot" style={{ background: CATEGORY_COLORS[s.category] }} />
              <span className="search-label">{s.label}</span>
              <span className="search-type">{s.type}</span>
              <div className="search-doc">{s.doc}</div>
            </div>
          ))}
          {found.length === 0 && <div className="empty">No layer matches.</div>}
        </div>
      </div>
    </>
  );
}
