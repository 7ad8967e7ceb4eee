/**
 * Copy and paste of layers that are block instances. A fragment carries the definitions of the
 * blocks its layers use (and the blocks those contain), so that pasting into another project
 * brings them along: a definition the project lacks is added, one it has equally is shared, and a
 * different one of the same name refuses the paste, changing nothing.
 */
import { error, type Result } from '../diagnostics.js';
import { copyFragment, pasteFragment, type NetworkFragment } from '../network/edit.js';
import type { BlockDefinition, NetworkDocument } from '../network/types.js';
import { addBlocks } from './block-edits.js';
import { blockNameOf } from './compile.js';
import { blocksWithDependencies } from './library.js';
import { checkBlocks } from './validate.js';

/** A fragment with the definitions of the blocks its layers use; absent when they use none. */
export interface BlockFragment extends NetworkFragment {
  blocks?: BlockDefinition[];
}

/** The names of the blocks `nodes` are instances of, their first copies included. */
function blocksUsed(nodes: NetworkFragment['nodes']): string[] {
  const types = nodes.flatMap((n) => [n.type, ...(n.repeat?.firstType ? [n.repeat.firstType] : [])]);
  return [...new Set(types.map(blockNameOf).filter((name): name is string => name !== undefined))];
}

/** Copy the given layers and inputs as a fragment, with every block definition they depend on. */
export function copyWithBlocks(doc: NetworkDocument, ids: readonly string[]): BlockFragment {
  const fragment = copyFragment(doc, ids);
  const blocks = blocksWithDependencies(doc.blocks ?? [], blocksUsed(fragment.nodes));
  return blocks.length > 0 ? { ...fragment, blocks: JSON.parse(JSON.stringify(blocks)) as BlockDefinition[] } : fragment;
}

/**
 * Paste fragment text (see pasteFragment), first adding the block definitions it carries that the
 * project lacks. A definition that differs from the project's of the same name refuses the paste.
 */
export function pasteWithBlocks(
  doc: NetworkDocument,
  text: string,
  offset = { x: 40, y: 40 },
): Result<{ doc: NetworkDocument; idMap: Record<string, string>; addedBlocks: string[] }> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined; // pasteFragment says what is wrong with the text
  }
  const carried = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as { blocks?: unknown }).blocks : undefined;
  let next = doc;
  let addedBlocks: string[] = [];
  if (carried !== undefined) {
    const problems: string[] = [];
    const defs = checkBlocks(carried, (_code, message) => problems.push(message));
    if (!defs) return refused('edit.paste.block', `Nothing was pasted: a block the copied layers use is malformed: ${problems[0] ?? 'unknown problem'}`);
    const clash = defs.find((def) => {
      const mine = doc.blocks?.find((b) => b.name === def.name);
      return mine !== undefined && canonical(mine) !== canonical(def);
    });
    if (clash)
      return refused(
        'edit.paste.blockClash',
        `Nothing was pasted: the copied layers use the block '${clash.name}', which this project defines differently; rename one of the two blocks first.`,
      );
    // Equal definitions are the project's own, whatever order their fields were written in.
    const added = addBlocks(
      doc,
      defs.filter((def) => !doc.blocks?.some((b) => b.name === def.name)),
      'The pasted layers',
    );
    if (!added.ok) return added;
    next = added.value.doc;
    addedBlocks = added.value.added;
  }
  const pasted = pasteFragment(next, text, offset);
  return pasted.ok ? { ok: true, value: { ...pasted.value, addedBlocks } } : pasted;
}

/** JSON with every object's keys sorted, so that equal definitions read equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function refused<T>(code: string, message: string): Result<T> {
  return { ok: false, diagnostics: [error(code, message)] };
}
