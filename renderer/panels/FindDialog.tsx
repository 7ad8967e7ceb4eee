/** Find a node by name or type (Ctrl+F): fuzzy list, Enter selects and centres it. */
import { useMemo, useState, type KeyboardEvent } from 'react';
import { fuzzyFilter } from '../editor/fuzzy.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';

export function FindDialog() {
  const store = useEditorStore();
  const open = useEditor((s) => s.findOpen);
  const doc = useEditor((s) => s.doc);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const items = useMemo(
    () => [...doc.inputs.map((i) => ({ id: i.id, name: i.name, type: 'Input' })), ...doc.nodes.map((n) => ({ id: n.id, name: n.name, type: n.type }))],
    [doc],
  );
  const found = useMemo(() => fuzzyFilter(query, items, (i) => [i.name, i.type]).slice(0, 50), [query, items]);
  if (!open) return null;
  const close = () => {
    store.getState().setFindOpen(false);
    setQuery('');
  };
  const choose = (id: string | undefined) => {
    if (!id) return;
    store.getState().focusNode(id);
    close();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close();
    else if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, found.length - 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (e.key === 'Enter') choose(found[active]?.id);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <>
      <div className="overlay-backdrop transparent" onMouseDown={close} />
      <div className="find-dialog" data-testid="find-dialog" onKeyDown={onKey}>
        <input
          autoFocus
          placeholder="Find a node by name or type…"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          data-testid="find-input"
        />
        <div className="search-results">
          {found.map((i, k) => (
            <div
              key={i.id}
              className={`search-item${k === active ? ' active' : ''}`}
              onMouseEnter={() => setActive(k)}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(i.id);
              }}
            >
              <span className="search-label">{i.name}</span>
              <span className="search-type">{i.type}</span>
            </div>
          ))}
          {found.length === 0 && <div className="empty">Nothing matches.</div>}
        </div>
      </div>
    </>
  );
}
