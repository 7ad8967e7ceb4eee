/** Fresh ids and names for new nodes, unique within a document. */
import type { NetworkDocument } from './types.js';

/** All ids in use: layer nodes, input nodes, edges and groups share one namespace. */
export function usedIds(doc: NetworkDocument): Set<string> {
  const ids = new Set<string>();
  for (const n of doc.nodes) ids.add(n.id);
  for (const i of doc.inputs) ids.add(i.id);
  for (const e of doc.edges) ids.add(e.id);
  for (const g of doc.ui.groups) ids.add(g.id);
  return ids;
}

/** The first `prefix<N>` not in `taken`; adds it to `taken`. */
export function freshId(taken: Set<string>, prefix: string): string {
  let i = taken.size + 1;
  while (taken.has(`${prefix}${i}`)) i++;
  const id = `${prefix}${i}`;
  taken.add(id);
  return id;
}

/** `base` if free, else `base_2`, `base_3`, ...; adds it to `taken`. */
export function freshName(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}
