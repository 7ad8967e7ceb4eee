/**
 * The catalog as one document sees it: the built-in layers plus the project's blocks as
 * composites. Shapes, validation, edits, weight binding and lowering look layer types up here, so a
 * block instance is handled like any built-in composite. Cached per block list: documents are
 * immutable, so editing a definition makes a new list, new specs, and every instance re-infers.
 */
import { getLayerSpec, listLayerSpecs } from '../layers/catalog.js';
import type { CompositeSpec, LayerSpec } from '../layers/types.js';
import type { BlockDefinition, NetworkNode } from '../network/types.js';
import { blockNameOf, blockSpec, repeatedSpec } from './compile.js';

export interface LayerCatalog {
  /** A layer type: the built-in catalog's, or `block:<name>` for one of the project's blocks. */
  spec(type: string): LayerSpec | undefined;
  /** What a node computes: its type's spec, or for a repeated instance the chain of its copies. */
  nodeSpec(node: Pick<NetworkNode, 'type' | 'repeat'>): LayerSpec | undefined;
  /** The project's blocks, in definition order. */
  readonly blocks: readonly CompositeSpec[];
  /** Every entry: the built-in catalog, then the blocks (for the palette and search). */
  list(): LayerSpec[];
}

function makeCatalog(defs: readonly BlockDefinition[]): LayerCatalog {
  const specs = new Map<string, CompositeSpec>();
  const repeats = new WeakMap<NonNullable<NetworkNode['repeat']>, LayerSpec>();
  const cycles = blockCycles(defs);
  const spec = (type: string): LayerSpec | undefined => (blockNameOf(type) === undefined ? getLayerSpec(type) : specs.get(type));
  for (const def of defs) {
    const chain = cycles.get(def.name);
    const compiled = blockSpec(def, spec, chain ? `block ${def.name} contains itself: ${chain.join(' → ')}` : undefined);
    specs.set(compiled.type, compiled);
  }
  const catalog: LayerCatalog = {
    spec,
    nodeSpec: (node) => {
      const base = spec(node.type);
      if (!node.repeat || base?.kind !== 'composite') return base;
      let repeated = repeats.get(node.repeat);
      if (!repeated) repeats.set(node.repeat, (repeated = repeatedSpec(base, node.repeat, spec)));
      return repeated;
    },
    blocks: [...specs.values()],
    list: () => [...listLayerSpecs(), ...specs.values()],
  };
  return catalog;
}

/** The built-in catalog alone, for documents without blocks. */
export const BUILTIN_CATALOG: LayerCatalog = makeCatalog([]);

const catalogs = new WeakMap<readonly BlockDefinition[], LayerCatalog>();

/** The catalog `doc` is read with; the same object while its block list is unchanged. */
export function catalogFor(doc: { blocks?: readonly BlockDefinition[] }): LayerCatalog {
  const defs = doc.blocks;
  if (!defs || defs.length === 0) return BUILTIN_CATALOG;
  let catalog = catalogs.get(defs);
  if (!catalog) catalogs.set(defs, (catalog = makeCatalog(defs)));
  return catalog;
}

/** The layer spec of `type` in `doc`: the one lookup edits and panels use. */
export function specIn(doc: { blocks?: readonly BlockDefinition[] }, type: string): LayerSpec | undefined {
  return catalogFor(doc).spec(type);
}

/** Each block that contains itself, directly or through others, with the chain (`A → B → A`). */
export function blockCycles(defs: readonly BlockDefinition[]): Map<string, string[]> {
  const uses = new Map(defs.map((d) => [d.name, [...new Set(d.nodes.flatMap((n) => blockNameOf(n.type) ?? []))]]));
  const cycles = new Map<string, string[]>();
  for (const def of defs) {
    // Depth-first from each block; blocks are few, so the repeated walks cost nothing.
    const path: string[] = [];
    const seen = new Set<string>();
    const walk = (name: string): string[] | undefined => {
      if (name === def.name && path.length > 0) return [...path, name];
      if (seen.has(name)) return undefined;
      seen.add(name);
      path.push(name);
      for (const next of uses.get(name) ?? []) {
        const found = walk(next);
        if (found) return found;
      }
      path.pop();
      return undefined;
    };
    const chain = walk(def.name);
    if (chain) cycles.set(def.name, chain);
  }
  return cycles;
}
