/**
 * Project files written by earlier versions keep loading: every file under fixtures/projects (the
 * templates and hand-made projects as format version 1 saved them) must validate and survive a
 * load/save round trip byte for byte. A change to the format that breaks this needs a migration
 * (docs/project-format.md, "Versions and migration"), never an edit of these files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProject, projectWeightsFile, serializeProject, validateDocument } from './project-file.js';
import type { NetworkDocument } from './types.js';

const CORPUS = join(import.meta.dirname, '../../fixtures/projects');
const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.trtstudio'))
  .sort();

function load(file: string): { text: string; doc: NetworkDocument } {
  const text = readFileSync(join(CORPUS, file), 'utf8');
  const parsed = parseProject(text, file);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  return { text, doc: parsed.value };
}

describe('the project corpus', () => {
  it.each(files)('%s loads, validates and saves back unchanged', (file) => {
    const { text, doc } = load(file);
    const validated = validateDocument(doc, file);
    expect(validated.ok && validated.value).toEqual(doc);
    expect(serializeProject(doc, projectWeightsFile(text))).toBe(text);
  });

  it('covers what users save: templates, groups expanded and collapsed, a dynamic input with its profile, bound weights and a weights file', () => {
    const docs = files.map((f) => ({ file: f, text: readFileSync(join(CORPUS, f), 'utf8'), doc: load(f).doc }));
    expect(docs.filter((d) => d.file.startsWith('template-')).length).toBeGreaterThanOrEqual(12);
    expect(docs.some((d) => d.doc.ui.groups.some((g) => g.collapsed))).toBe(true);
    expect(docs.some((d) => d.doc.ui.groups.some((g) => !g.collapsed))).toBe(true);
    expect(docs.some((d) => d.doc.inputs.some((i) => i.dims.includes(-1) && i.profile))).toBe(true);
    expect(docs.some((d) => Object.keys(d.doc.bindings).length > 0)).toBe(true);
    expect(docs.some((d) => projectWeightsFile(d.text) !== undefined)).toBe(true);
    expect(docs.some((d) => d.doc.inputs.length > 1 && d.doc.outputs.length > 1)).toBe(true);
  });
});
