/** The editor store provided through React context, and the narrow-selector hook components use. */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { EditorState, EditorStore } from '../editor/editor-store.js';

const EditorContext = createContext<EditorStore | undefined>(undefined);

/** Provide one editor store to the components below. */
export function EditorProvider({ store, children }: { store: EditorStore; children: ReactNode }) {
  return <EditorContext.Provider value={store}>{children}</EditorContext.Provider>;
}

/** The store itself, for event handlers that read state without subscribing. */
export function useEditorStore(): EditorStore {
  const store = useContext(EditorContext);
  if (!store) throw new Error('useEditorStore was called outside an <EditorProvider>; wrap the editor in one.');
  return store;
}

/** Subscribe to one slice of editor state; select narrowly (a primitive or a stable object). */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorStore(), selector);
}
