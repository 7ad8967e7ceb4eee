/**
 * docs/project-format.md keeps up with the format: every field of the document schema and of the
 * file around it is named there (as `network.inputs[].dims`), and its example project loads and
 * passes the network check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { NetworkDocumentSchema } from '../api/schemas.js';
import { checkNetwork } from '../check/check-network.js';
import { parseProject, serializeProject } from './project-file.js';
import { emptyDocument } from './types.js';

const DOC = readFileSync(join(import.meta.dirname, '../../docs/project-format.md'), 'utf8');

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
}

/** Every field path of a zod schema: objects by key, list items as `[]`, record values as `.*`. */
function fieldPaths(schema: z.ZodType, at: string): string[] {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape!).flatMap(([key, value]) => [`${at}.${key}`, ...fieldPaths(value, `${at}.${key}`)]);
    case 'array':
      return fieldPaths(def.element!, `${at}[]`);
    case 'record':
      return fieldPaths(def.valueType!, `${at}.*`);
    case 'optional':
    case 'nullable':
    case 'default':
      return fieldPaths(def.innerType!, at);
    case 'pipe':
      return fieldPaths(def.in!, at);
    case 'lazy':
      return fieldPaths(def.getter!(), at);
    default:
      return [];
  }
}

describe('docs/project-format.md', () => {
  it('names every field of the network document', () => {
    const paths = fieldPaths(NetworkDocumentSchema, 'network');
    expect(paths).toContain('network.inputs[].profile.min');
    expect(paths).toContain('network.ui.positions.*.x');
    expect(paths.filter((path) => !DOC.includes(`\`${path}\``))).toEqual([]);
  });

  it('names every field of the file around it', () => {
    const file = JSON.parse(serializeProject(emptyDocument(), 'w.wts')) as Record<string, unknown>;
    expect(Object.keys(file).filter((key) => !DOC.includes(`| \`${key}\` |`))).toEqual([]);
  });

  it('has an example project that loads, with defaults filled in, and passes the network check', () => {
    const example = /```json\n([\s\S]*?)```/.exec(DOC)?.[1];
    expect(example).toBeDefined();
    const parsed = parseProject(example!, 'docs/project-format.md');
    if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
    expect(parsed.value.nodes[0]!.params.stride).toEqual([1, 1]);
    expect(parsed.value.bindings).toEqual({ n1: { kernel: 'conv1.weight' } });
    expect(checkNetwork(parsed.value).diagnostics).toEqual([]);
  });
});
