/**
 * A block library: a `.trtblocks` JSON file of block definitions shared between projects.
 * `{"format": "trtblocks", "version": 1, "blocks": [...]}`, each block as in a project's
 * `network.blocks`, checked by the same `checkBlocks` on load.
 */
import { error, type Diagnostic, type Result } from '../diagnostics.js';
import { findJsonProblem, formatBytes, MAX_DOCUMENT_BYTES } from '../network/limits.js';
import type { BlockDefinition } from '../network/types.js';
import { blockNameOf } from './compile.js';
import { checkBlocks } from './validate.js';

const LIBRARY_FORMAT = 'trtblocks';
const LIBRARY_VERSION = 1;
export const BLOCK_LIBRARY_EXTENSION = '.trtblocks';

/** `names` and every block they use, in an order where a block comes after those it contains. */
export function blocksWithDependencies(all: readonly BlockDefinition[], names: readonly string[]): BlockDefinition[] {
  const byName = new Map(all.map((b) => [b.name, b]));
  const out: BlockDefinition[] = [];
  const visit = (name: string) => {
    const def = byName.get(name);
    if (!def || out.includes(def)) return;
    for (const n of def.nodes) {
      const inner = blockNameOf(n.type);
      if (inner !== undefined) visit(inner);
    }
    out.push(def);
  };
  for (const name of names) visit(name);
  return out;
}

export function serializeBlockLibrary(blocks: readonly BlockDefinition[]): string {
  return `${JSON.stringify({ format: LIBRARY_FORMAT, version: LIBRARY_VERSION, blocks }, null, 2)}\n`;
}

/** The definitions in a library file's text, or every problem found, each naming `fileName`. */
export function parseBlockLibrary(text: string, fileName: string): Result<BlockDefinition[]> {
  const problems: Diagnostic[] = [];
  const fail = (code: string, message: string) => problems.push(error(code, message, { detail: fileName }));
  if (text.length > MAX_DOCUMENT_BYTES) {
    fail('library.tooLarge', `${fileName} is ${formatBytes(text.length)}; a block library may be at most ${formatBytes(MAX_DOCUMENT_BYTES)}.`);
    return { ok: false, diagnostics: problems };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail('library.json', `${fileName} is not a block library: it is not valid JSON.`);
    return { ok: false, diagnostics: problems };
  }
  const bounds = findJsonProblem(raw, { root: '' });
  if (bounds) {
    fail('library.limit', `${fileName} was refused: ${bounds.message}`);
    return { ok: false, diagnostics: problems };
  }
  const lib = raw as { format?: unknown; version?: unknown; blocks?: unknown };
  if (typeof raw !== 'object' || raw === null || lib.format !== LIBRARY_FORMAT) {
    fail('library.format', `${fileName} is not a block library: expected a JSON object with "format": "${LIBRARY_FORMAT}".`);
    return { ok: false, diagnostics: problems };
  }
  if (lib.version !== LIBRARY_VERSION) {
    fail('library.version', `${fileName} has the library version ${JSON.stringify(lib.version)}; this TRT Studio reads version ${LIBRARY_VERSION}.`);
    return { ok: false, diagnostics: problems };
  }
  if (!Array.isArray(lib.blocks)) {
    fail('library.blocks', `${fileName} has no "blocks" list.`);
    return { ok: false, diagnostics: problems };
  }
  const blocks = checkBlocks(lib.blocks, (code, message) => fail(code, `${fileName}: ${message}`));
  return blocks && problems.length === 0 ? { ok: true, value: blocks } : { ok: false, diagnostics: problems };
}
