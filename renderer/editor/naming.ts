/**
 * Names for copies and bulk renames, without React. Weights bind by PyTorch module names
 * (`layer2.0.conv1.weight`), so a pasted or duplicated block should take the next module's prefix
 * (`layer2.0.` becomes `layer2.1.`) rather than `name_2`; and many layers can be renamed at once by
 * a plain find-and-replace. Every rename is checked as a whole: names stay unique or nothing changes.
 */
import { error, ok, type Result } from '../../core/diagnostics.js';
import type { NetworkDocument } from '../../core/network/types.js';

/**
 * The dotted prefix the names share and that can be counted on (`inception3a.`, `layer2.0.`), or
 * undefined. It is the longest run of whole name parts common to all (`layer2.0` for
 * `layer2.0.conv1` and `layer2.0.bn1`), with its trailing dot when every name goes on after it; a
 * single name is its own prefix (`layer1.0`). It must end in a number, or in a number and one
 * letter, so that `nextInSequence` can count it on, and hold a dot unless `repeated`: the names are
 * then repeated block instances, each already a module path (`layer1` stands for `layer1.0` …).
 */
export function sharedPrefix(names: readonly string[], repeated = false): string | undefined {
  const first = names[0];
  if (first === undefined) return undefined;
  // Whole parts only: `layer1.0` and `layer1.1` share `layer1`, not `layer1.`+`0`/`1`'s first character.
  const parts = first.split('.');
  let stem = '';
  for (let n = parts.length; n > 0; n--) {
    const candidate = parts.slice(0, n).join('.');
    if (names.every((name) => name === candidate || name.startsWith(`${candidate}.`))) {
      stem = candidate;
      break;
    }
  }
  if (stem === '' || nextInSequence(stem) === undefined) return undefined;
  const prefix = names.every((name) => name !== stem) ? `${stem}.` : stem;
  return prefix.includes('.') || repeated ? prefix : undefined;
}

/** The next name in a sequence: the last number counted up (`layer2.0` → `layer2.1`) or the letter after a number (`3a` → `3b`). */
export function nextInSequence(stem: string): string | undefined {
  const dot = stem.endsWith('.') ? '.' : '';
  const bare = dot ? stem.slice(0, -1) : stem;
  const number = /^(.*?)(\d+)$/.exec(bare);
  if (number) return `${number[1]}${Number(number[2]) + 1}${dot}`;
  const letter = /^(.*\d)([a-yA-Y])$/.exec(bare);
  if (letter) return `${letter[1]}${String.fromCharCode(letter[2]!.charCodeAt(0) + 1)}${dot}`;
  return undefined;
}

/** `names` with `from` at their start replaced by `to`. */
export function withPrefix(names: readonly string[], from: string, to: string): string[] {
  return names.map((name) => (name.startsWith(from) ? to + name.slice(from.length) : name));
}

/**
 * The prefix suggested for copies of `names` sharing `prefix`: the next in its sequence that no
 * layer of `doc` uses yet, neither as a name nor as a prefix (after `layer1.0` and `layer1.1`,
 * a copy of `layer1.0` becomes `layer1.2`).
 */
export function suggestPrefix(doc: NetworkDocument, names: readonly string[], prefix: string): string | undefined {
  let next = nextInSequence(prefix);
  for (let tries = 0; next !== undefined && tries < 1000; tries++) {
    if (prefixIsFree(doc, names, prefix, next)) return next;
    next = nextInSequence(next);
  }
  return undefined;
}

/** Whether `names` with `prefix` turned into `to` are new to `doc`: no layer has one of them, or `to` as its name or prefix. */
export function prefixIsFree(doc: NetworkDocument, names: readonly string[], prefix: string, to: string): boolean {
  const stem = to.endsWith('.') ? to.slice(0, -1) : to;
  if (doc.nodes.some((n) => n.name === stem || n.name.startsWith(`${stem}.`))) return false;
  const renamed = new Set(withPrefix(names, prefix, to));
  return !doc.nodes.some((n) => renamed.has(n.name));
}

/**
 * `names` renamed by a plain-text find and replace (every occurrence; no regular expressions);
 * `{i}` in the replacement is the name's place in `names`, from 0, as PyTorch numbers modules.
 * An empty `find` replaces the whole name.
 */
export function renameByPattern(names: readonly string[], find: string, replace: string): string[] {
  return names.map((name, i) => {
    const to = replace.split('{i}').join(String(i));
    return find === '' ? to : name.split(find).join(to);
  });
}

/** One layer's name before and after, and what is wrong with the new one ('' when nothing). */
export interface RenameRow {
  from: string;
  to: string;
  problem: string;
}

/**
 * Checks new names for layers: each must be non-empty, not a name another layer keeps (`kept`),
 * and not given twice. The rows say what is wrong, each in a sentence naming the layer.
 */
export function checkRenames(from: readonly string[], to: readonly string[], kept: ReadonlySet<string>): RenameRow[] {
  const counts = new Map<string, number>();
  for (const name of to) counts.set(name.trim(), (counts.get(name.trim()) ?? 0) + 1);
  return from.map((old, i) => {
    const name = to[i]!.trim();
    const problem =
      name === ''
        ? `'${old}' would have an empty name.`
        : kept.has(name)
          ? `'${name}' is already the name of another layer.`
          : counts.get(name)! > 1
            ? `'${name}' would be given to ${counts.get(name)} layers.`
            : '';
    return { from: old, to: name, problem };
  });
}

/** The names of `doc`'s layers other than `ids`: those a rename of `ids` must not take. */
export function keptNames(doc: NetworkDocument, ids: readonly string[]): Set<string> {
  const renamed = new Set(ids);
  return new Set(doc.nodes.filter((n) => !renamed.has(n.id)).map((n) => n.name));
}

/** Rename the layers `ids` to `names` (in order) at once: refused, changing nothing, when a name is empty or taken. */
export function renameLayers(doc: NetworkDocument, ids: readonly string[], names: readonly string[]): Result<NetworkDocument> {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing) return { ok: false, diagnostics: [error('edit.node.unknown', `Cannot rename '${missing}': there is no such layer.`)] };
  const rows = checkRenames(
    ids.map((id) => byId.get(id)!.name),
    names,
    keptNames(doc, ids),
  );
  const bad = rows.filter((r) => r.problem !== '');
  if (bad.length > 0) return { ok: false, diagnostics: bad.map((r) => error('edit.name.duplicate', `Nothing was renamed: ${r.problem}`)) };
  const renamed = new Map(ids.map((id, i) => [id, rows[i]!.to]));
  return ok({ ...doc, nodes: doc.nodes.map((n) => (renamed.has(n.id) ? { ...n, name: renamed.get(n.id)! } : n)) });
}

/**
 * What the naming dialog is open for: copies (paste or duplicate) whose names share `prefix`, with
 * the prefix suggested for them, or a rename of the layers `ids` by pattern.
 */
export type NamingRequest =
  | { kind: 'paste'; text: string; names: string[]; prefix: string; suggestion: string }
  | { kind: 'duplicate'; ids: string[]; names: string[]; prefix: string; suggestion: string }
  | { kind: 'rename'; ids: string[]; names: string[] };
