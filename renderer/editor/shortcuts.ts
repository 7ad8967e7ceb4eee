/**
 * Keyboard shortcuts: one table, used by the key handler and listed by the help overlay, and the
 * window listeners that carry them out (installed by `react/use-shortcuts.ts`).
 */
import type { EditorStore } from './editor-store.js';
import {
  autoLayout,
  bypassSelection,
  copySelectionText,
  deleteSelection,
  duplicateSelection,
  expandSelection,
  groupSelection,
  nudgeSelection,
  pasteText,
  selectAll,
  openRenameDialog,
  ungroupSelection,
} from './commands.js';

export interface ShortcutActions {
  save: (saveAs: boolean) => void;
  open: () => void;
  newProject: () => void;
}

export interface Shortcut {
  keys: string;
  what: string;
}

/** What the help overlay lists (copy and paste go through the browser's clipboard events). */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'Space / Tab / double-click', what: 'Add a layer (search menu)' },
  { keys: 'Drag a wire onto empty canvas', what: 'Add a layer that accepts it, connected' },
  { keys: 'Double-click a wire', what: 'Insert a layer onto the wire' },
  { keys: 'Right-click', what: 'What can be done to a layer, a wire or the canvas' },
  { keys: 'Double-click a block name', what: 'Rename the block' },
  { keys: 'Ctrl+Z', what: 'Undo' },
  { keys: 'Ctrl+Y / Ctrl+Shift+Z', what: 'Redo' },
  { keys: 'Ctrl+C / Ctrl+X / Ctrl+V', what: 'Copy / cut / paste (JSON text, works between projects)' },
  { keys: 'Ctrl+D', what: 'Duplicate the selection' },
  {
    keys: 'Ctrl+V / Ctrl+D, then Enter / Escape',
    what: 'Names with a numbered prefix (layer2.0.): Enter renames the copies to the next prefix (layer2.1.), Escape keeps the names with a suffix (name_2)',
  },
  { keys: 'F2', what: 'Rename the selected layers by pattern (find → replace, {i} numbers them)' },
  { keys: 'Delete / Backspace', what: 'Delete the selection' },
  { keys: 'Shift+click / Ctrl+click', what: 'Add a node to the selection (or take it out)' },
  { keys: 'Shift+drag on the canvas', what: 'Select the nodes in a box' },
  { keys: 'Ctrl+A', what: 'Select everything' },
  { keys: 'Ctrl+F', what: 'Find a node by name or type' },
  { keys: 'Ctrl+G / Ctrl+Shift+G', what: 'Group the selection into a block / ungroup' },
  { keys: 'E', what: 'Expand the selected composite into its primitives' },
  { keys: 'B', what: 'Bypass the selected layer' },
  { keys: 'L / Shift+L', what: 'Auto-layout left-to-right / top-to-bottom (the selection, or everything)' },
  { keys: 'F', what: 'Fit the network in view' },
  { keys: 'Arrows (Shift: ×10)', what: 'Nudge the selection' },
  { keys: 'Ctrl+S / Ctrl+Shift+S', what: 'Save / save as' },
  { keys: 'Ctrl+O / Ctrl+N', what: 'Open / new project' },
  { keys: '?', what: 'This help' },
  { keys: 'Escape', what: 'Close a menu or dialog' },
];

function typingInField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}

/** The editor's key, copy and paste listeners for the window. */
export interface ShortcutListeners {
  keydown: (e: KeyboardEvent) => void;
  copy: (e: ClipboardEvent) => void;
  cut: (e: ClipboardEvent) => void;
  paste: (e: ClipboardEvent) => void;
}

/** The window listeners that carry out the shortcuts on `store`. */
export function shortcutListeners(store: EditorStore, actions: ShortcutActions): ShortcutListeners {
  const onKey = (e: KeyboardEvent) => {
    const s = store.getState();
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (mod && key === 's') {
      e.preventDefault();
      actions.save(e.shiftKey);
      return;
    }
    if (mod && key === 'o') {
      e.preventDefault();
      actions.open();
      return;
    }
    if (typingInField(e.target) || s.searchMenu || s.findOpen || s.naming) return;
    if (s.helpOpen) {
      if (key === 'Escape' || key === '?') s.setHelpOpen(false);
      return;
    }
    let handled = true;
    if (mod && key === 'z' && !e.shiftKey) s.undo();
    else if (mod && (key === 'y' || (key === 'z' && e.shiftKey))) s.redo();
    else if (mod && key === 'd') duplicateSelection(store);
    else if (mod && key === 'a') selectAll(store);
    else if (mod && key === 'f') s.setFindOpen(true);
    else if (mod && key === 'g') (e.shiftKey ? ungroupSelection : groupSelection)(store);
    else if (mod && key === 'n') actions.newProject();
    else if (mod) handled = false;
    else if (key === 'Delete' || key === 'Backspace') deleteSelection(store);
    else if (key === ' ' || key === 'Tab') {
      const canvas = document.querySelector('.canvas')?.getBoundingClientRect();
      const screen = { x: (canvas?.left ?? 0) + (canvas?.width ?? 800) / 2 - 160, y: (canvas?.top ?? 0) + 80 };
      const viewport = document.querySelector('.react-flow__viewport') as HTMLElement | null;
      const m = viewport ? new DOMMatrixReadOnly(getComputedStyle(viewport).transform) : new DOMMatrixReadOnly();
      const flow = { x: ((canvas?.width ?? 800) / 2 - m.e) / (m.a || 1), y: ((canvas?.height ?? 600) / 2 - m.f) / (m.a || 1) };
      s.openSearch({ screen, flow });
    } else if (key === 'f') s.requestFit(true);
    else if (key === 'F2') openRenameDialog(store);
    else if (key === 'e') expandSelection(store);
    else if (key === 'b') bypassSelection(store);
    else if (key === 'l') void autoLayout(store, e.shiftKey ? 'TB' : 'LR', s.selected.length > 1 ? s.selected : []);
    else if (key === '?') s.setHelpOpen(true);
    else if (key === 'Escape') s.select([]);
    else if (key.startsWith('Arrow')) {
      const step = e.shiftKey ? 100 : 10;
      const dx = key === 'ArrowLeft' ? -step : key === 'ArrowRight' ? step : 0;
      const dy = key === 'ArrowUp' ? -step : key === 'ArrowDown' ? step : 0;
      nudgeSelection(store, dx, dy);
    } else handled = false;
    if (handled) e.preventDefault();
  };
  // The browser's clipboard events need no permission and carry plain text between projects and apps.
  const onCopy = (e: ClipboardEvent) => {
    if (typingInField(e.target)) return;
    const text = copySelectionText(store);
    if (!text || !e.clipboardData) return;
    e.clipboardData.setData('text/plain', text);
    e.preventDefault();
  };
  const onCut = (e: ClipboardEvent) => {
    onCopy(e);
    if (e.defaultPrevented) deleteSelection(store);
  };
  const onPaste = (e: ClipboardEvent) => {
    if (typingInField(e.target) || store.getState().naming) return;
    const text = e.clipboardData?.getData('text/plain');
    if (!text) return;
    e.preventDefault();
    pasteText(store, text);
  };
  return { keydown: onKey, copy: onCopy, cut: onCut, paste: onPaste };
}
