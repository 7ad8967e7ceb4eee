/** Installs the editor's keyboard, copy and paste shortcuts on the window while mounted. */
import { useEffect } from 'react';
import type { EditorStore } from '../editor/editor-store.js';
import { shortcutListeners, type ShortcutActions } from '../editor/shortcuts.js';

export function useShortcuts(store: EditorStore, actions: ShortcutActions): void {
  useEffect(() => {
    const listeners = shortcutListeners(store, actions);
    window.addEventListener('keydown', listeners.keydown);
    window.addEventListener('copy', listeners.copy);
    window.addEventListener('cut', listeners.cut);
    window.addEventListener('paste', listeners.paste);
    return () => {
      window.removeEventListener('keydown', listeners.keydown);
      window.removeEventListener('copy', listeners.copy);
      window.removeEventListener('cut', listeners.cut);
      window.removeEventListener('paste', listeners.paste);
    };
  }, [store, actions]);
}
