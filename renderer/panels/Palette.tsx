/** The layer palette: every catalog entry grouped by category, searchable, each with its one-line doc; drag onto the canvas. */
import { memo, useMemo, useState, type CSSProperties, type DragEvent } from 'react';
import type { LayerSpec } from '../../core/layers/types.js';
import { catalogFor } from '../../core/blocks/document-catalog.js';
import { useEditor } from '../react/editor-context.js';
import { allLayerChoices, searchLayers, type LayerChoice } from '../editor/layer-search.js';
import { CATEGORY_COLORS, LAYER_DRAG_TYPE, LAYER_PARAMS_DRAG_TYPE } from '../editor/layer-look.js';

function onDragStart(event: DragEvent, choice: LayerChoice): void {
  event.dataTransfer.setData(LAYER_DRAG_TYPE, choice.type);
  if (choice.params) event.dataTransfer.setData(LAYER_PARAMS_DRAG_TYPE, JSON.stringify(choice.params));
  event.dataTransfer.effectAllowed = 'copy';
}

export const Palette = memo(function Palette() {
  const [query, setQuery] = useState('');
  // The project's blocks join the catalog: the list changes only when they do.
  const catalog = useEditor((s) => catalogFor(s.doc));
  const choices = useMemo(() => allLayerChoices(catalog.list()), [catalog]);
  const groups = useMemo(() => {
    const found = searchLayers(query, choices);
    const byCategory = new Map<string, typeof found>();
    for (const s of found) {
      const list = byCategory.get(s.category) ?? [];
      list.push(s);
      byCategory.set(s.category, list);
    }
    return [...byCategory.entries()];
  }, [query, choices]);
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
                key={s.key}
                className="palette-entry"
                draggable
                onDragStart={(e) => onDragStart(e, s)}
                title={`${s.type}: ${s.doc}`}
                data-testid={`palette-${s.key}`}
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
