/**
 * The canvas's right-click menu: what can be done to a layer, a wire or the empty canvas, each entry
 * with its shortcut, so the keyboard commands can be found without the help overlay.
 */
import { useEffect } from 'react';
import { specIn } from '../../core/blocks/document-catalog.js';
import { disconnect } from '../../core/network/edit.js';
import { definitionOf } from '../../core/blocks/block-edits.js';
import { collapseSelection, collapsibleInto, editDefinition, makeBlockFromSelection } from '../editor/block-commands.js';
import { useEditorStore } from '../react/editor-context.js';
import { autoLayout, bypassSelection, deleteSelection, duplicateSelection, expandSelection, groupSelection, openRenameDialog } from '../editor/commands.js';

/** Where the menu opened and on what. */
export type ContextTarget =
  | { kind: 'node'; id: string; screen: { x: number; y: number } }
  | { kind: 'edge'; id: string; screen: { x: number; y: number }; flow: { x: number; y: number } }
  | { kind: 'pane'; screen: { x: number; y: number }; flow: { x: number; y: number } };

interface Entry {
  label: string;
  keys?: string;
  run: () => void;
}

export function ContextMenu({ target, close }: { target: ContextTarget; close: () => void }) {
  const store = useEditorStore();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [close]);
  const s = store.getState();
  const entries: Entry[] = [];
  if (target.kind === 'node') {
    const node = s.doc.nodes.find((n) => n.id === target.id);
    const many = s.selected.length > 1;
    entries.push({ label: many ? `Duplicate ${s.selected.length} nodes` : 'Duplicate', keys: 'Ctrl+D', run: () => duplicateSelection(store) });
    if (node) entries.push({ label: many ? `Rename ${s.selected.length} nodes…` : 'Rename…', keys: 'F2', run: () => openRenameDialog(store) });
    if (node) entries.push({ label: 'Bypass (rewire around it)', keys: 'B', run: () => bypassSelection(store) });
    if (node && specIn(s.doc, node.type)?.kind === 'composite') entries.push({ label: 'Expand into primitives', keys: 'E', run: () => expandSelection(store) });
    if (many) entries.push({ label: 'Group into a block', keys: 'Ctrl+G', run: () => groupSelection(store) });
    if (many) entries.push({ label: 'Make block (a reusable definition)', run: () => makeBlockFromSelection(store) });
    if (node && definitionOf(s.doc, node.type)) entries.push({ label: 'Edit definition', run: () => editDefinition(store, node.id) });
    for (const block of many ? collapsibleInto(store) : []) entries.push({ label: `Collapse into block ${block}`, run: () => collapseSelection(store, block) });
    if (many) entries.push({ label: 'Lay out the selection', keys: 'L', run: () => void autoLayout(store, 'LR', store.getState().selected) });
    entries.push({ label: many ? `Delete ${s.selected.length} nodes` : 'Delete', keys: 'Delete', run: () => deleteSelection(store) });
  } else if (target.kind === 'edge') {
    entries.push({
      label: 'Insert a layer…',
      keys: 'double-click',
      run: () => store.getState().openSearch({ screen: target.screen, flow: target.flow, edge: target.id }),
    });
    entries.push({ label: 'Delete the wire', keys: 'Delete', run: () => void store.getState().apply((doc) => disconnect(doc, [target.id])) });
  } else {
    entries.push({ label: 'Add a layer…', keys: 'Space', run: () => store.getState().openSearch({ screen: target.screen, flow: target.flow }) });
    entries.push({ label: 'Lay out left to right', keys: 'L', run: () => void autoLayout(store, 'LR') });
    entries.push({ label: 'Lay out top to bottom', keys: 'Shift+L', run: () => void autoLayout(store, 'TB') });
    entries.push({ label: 'Fit the view', keys: 'F', run: () => store.getState().requestFit(true) });
    entries.push({
      label: 'Select everything',
      keys: 'Ctrl+A',
      run: () => store.getState().select([...s.doc.inputs.map((i) => i.id), ...s.doc.nodes.map((n) => n.id)]),
    });
  }
  const left = Math.min(target.screen.x, window.innerWidth - 260);
  const top = Math.min(target.screen.y, window.innerHeight - entries.length * 30 - 16);
  return (
    <>
      <div
        className="overlay-backdrop transparent"
        onMouseDown={close}
        onContextMenu={(e) => {
          e.preventDefault();
          close();
        }}
      />
      <div className="context-menu" style={{ left, top }} data-testid="context-menu" role="menu">
        {entries.map((e) => (
          <div
            key={e.label}
            className="context-item"
            role="menuitem"
            onMouseDown={(event) => {
              event.preventDefault();
              close();
              e.run();
            }}
          >
            <span>{e.label}</span>
            {e.keys && <span className="context-keys">{e.keys}</span>}
          </div>
        ))}
      </div>
    </>
  );
}
