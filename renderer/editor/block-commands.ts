/**
 * Block commands: make a block from the selection, repeat an instance, open its definition, and
 * read or write a block library's text. Each is one user gesture and one undo step, through the
 * pure edits of core/blocks.
 */
import { addBlocks, collapseToBlock, definitionOf, makeBlock, setRepeat } from '../../core/blocks/block-edits.js';
import { blocksWithDependencies, parseBlockLibrary, serializeBlockLibrary } from '../../core/blocks/library.js';
import type { NodeRepeat } from '../../core/network/types.js';
import type { EditorStore } from './editor-store.js';
import { projectDocument } from './editor-store.js';

/** A block name nobody uses yet: `Block1`, `Block2`, ... */
export function freshBlockName(store: EditorStore): string {
  const taken = new Set((store.getState().doc.blocks ?? []).map((b) => b.name));
  let i = 1;
  while (taken.has(`Block${i}`)) i++;
  return `Block${i}`;
}

/** Replace the selected layers by one instance of a new block named `name`. */
export function makeBlockFromSelection(store: EditorStore, name: string = freshBlockName(store)): void {
  const s = store.getState();
  const ids = s.selected.filter((id) => s.doc.nodes.some((n) => n.id === id) || s.doc.inputs.some((i) => i.id === id));
  if (ids.length === 0) return s.notify('error', 'Select the layers to make a block of first.');
  const result = s.apply((doc) => makeBlock(doc, ids, name));
  if (!result) return;
  store.getState().select([result.nodeId]);
  const made = store.getState().doc.nodes.find((n) => n.id === result.nodeId);
  store.getState().notify('info', `Made the block ${name}; '${made?.name ?? ''}' is its instance. Edit definition opens its layers.`);
}

/** The project's blocks the selected layers are an expansion of (what "Collapse" can give back). */
export function collapsibleInto(store: EditorStore): string[] {
  const s = store.getState();
  const ids = s.selected.filter((id) => s.doc.nodes.some((n) => n.id === id));
  if (ids.length === 0) return [];
  return (s.doc.blocks ?? []).filter((b) => b.nodes.length === ids.length && collapseToBlock(s.doc, ids, b.name).ok).map((b) => b.name);
}

/** Put the selected layers back into one instance of `block` (the inverse of Expand). */
export function collapseSelection(store: EditorStore, block: string): void {
  const s = store.getState();
  const ids = s.selected.filter((id) => s.doc.nodes.some((n) => n.id === id));
  const result = s.apply((doc) => collapseToBlock(doc, ids, block));
  if (result) store.getState().select([result.nodeId]);
}

/** Set an instance's repeat (a count of 1 with no start or overrides clears it). */
export function setInstanceRepeat(store: EditorStore, nodeId: string, repeat: NodeRepeat | undefined): void {
  store.getState().apply((doc) => setRepeat(doc, nodeId, repeat));
}

/** Open the definition of the selected instance's block on the canvas. */
export function editDefinition(store: EditorStore, nodeId: string): void {
  const s = store.getState();
  const node = s.doc.nodes.find((n) => n.id === nodeId);
  const def = node && definitionOf(s.doc, node.type);
  if (!def) return s.notify('error', 'Select an instance of one of the project’s blocks to edit its definition.');
  s.openDefinition(def.name);
}

/** The project's blocks as a `.trtblocks` library text, or undefined when it has none. */
export function blockLibraryText(store: EditorStore): string | undefined {
  const doc = projectDocument(store.getState());
  const blocks = doc.blocks ?? [];
  if (blocks.length === 0) return undefined;
  return serializeBlockLibrary(
    blocksWithDependencies(
      blocks,
      blocks.map((b) => b.name),
    ),
  );
}

/** Add the blocks of a library file (its text and name) to the project; problems name the file. */
export function loadBlockLibrary(store: EditorStore, text: string, fileName: string): void {
  const s = store.getState();
  if (!s.closeDefinition()) return;
  const parsed = parseBlockLibrary(text, fileName);
  if (!parsed.ok) {
    for (const d of parsed.diagnostics) s.notify('error', d.message);
    return;
  }
  const result = store.getState().apply((doc) => addBlocks(doc, parsed.value, fileName));
  if (!result) return;
  store
    .getState()
    .notify(
      'info',
      result.added.length > 0
        ? `Added the blocks ${result.added.join(', ')} from ${fileName}; they are in the palette under Blocks.`
        : `${fileName} adds no new blocks: the project has them all already.`,
    );
}
