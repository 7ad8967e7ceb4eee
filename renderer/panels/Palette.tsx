/** The layer palette: every catalog entry grouped by category, searchable, each with its one-line doc; drag onto the canvas. */
import { memo, useMemo, useState, type CSSProperties, type DragEvent } from 'react';
import { listLayerSpecs } from '../../core/layers/catalog.js';
import type { LayerSpec } from '../../core/layers/types.js';
import { fuzzyFilter } from '../editor/fuzzy.js';
import { CATEGORY_COLORS, LAYER_DRAG_TYPE } from '../editor/layer-look.js';

function onDragStart(event: DragEvent, type: string): void {
  event.dataTransfer.setData(LAYER_DRAG_TYPE, type);
  event.dataTransfer.effectAllowed = 'copy';
}

/** The palette's entry for network inputs, which are not catalog layers. */
export const INPUT_ENTRY = {
  type: 'Input',
  label: 'Input',
  category: 'Input / Output' as const,
  doc: 'A network input (addInput): name, data type and dims, −1 for a dynamic dimension.',
};

export const Palette = memo(function Palette() {
  const [query, setQuery] = useState('');
  const specs = useMemo(() => listLayerSpecs(), []);
  const groups = useMemo(() => {
    const entries: Pick<LayerSpec, 'type' | 'label' | 'category' | 'doc'>[] = [INPUT_ENTRY, ...specs];
    const found = fuzzyFilter(query, entries, (s) => [s.label, s.type, s.category]);
    const byCategory = new Map<string, typeof found>();
    for (const s of found) {
      const list = byCategory.get(s.category) ?? [];
      list.push(s);
      byCategory.set(s.category, list);
    }
    return [...byCategory.entries()];
  }, [query, specs]);
  return (
    <aside className="palette" data-testid="palette">
      <div className="panel-title">Layers</div>
      <input className="palette-search" placeholder="Search layers…" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="palette-search" />
      <div className="palette-list">
        {groups.map(([category, list]) => (
          <section key={category} className="palette-group">
            <div className="palette-category" style={{ '--accent': CATEGORY_COLORS[category as LayerSpec['category']] } as CSSProperties}>
              {category}
            </div>
            {list.map((s) => (
              <div
                key={s.type}
                className="palette-entry"
                draggable
                onDragStart={(e) => onDragStart(e, s.type)}
                title={`${s.type}: ${s.doc}`}
                data-testid={`palette-${s.type}`}
                style={{ '--accent': CATEGORY_COLORS[s.category] } as CSSProperties}
              >
                <div className="palette-label">{s.label}</div>
                <div className="palette-doc">{s.doc}</div>
              </div>
            ))}
          </section>
        ))}
        {groups.length === 0 && <div className="empty">No layer matches “{query}”.</div>}
      </div>
    </aside>
  );
});
