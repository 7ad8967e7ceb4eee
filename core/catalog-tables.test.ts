/**
 * The lowered program is read through one table per consumer: the ONNX translators, the list of ops
 * code generation supports, the Python and C++ emitters, and the native bridge's layer table. Each
 * table must hold exactly the catalog's primitives (the ops lowering emits): a missing line is a
 * layer type that fails in one consumer only; an extra line is code no network can reach.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CODEGEN_OPS, outputPorts } from './codegen/common.js';
import { CPP_EMITTERS } from './codegen/cpp-emitters.js';
import { PYTHON_EMITTERS } from './codegen/python.js';
import { listLayerSpecs } from './layers/catalog.js';
import { TRANSLATORS } from './onnx/translate.js';

const LAYER_TABLE = join(__dirname, '..', 'native', 'src', 'trt', 'layer_table.cc');

interface ConsumerTable {
  /** Where the table lives, as a reader would look for it. */
  name: string;
  /** Op name → the output ports it declares, when the table declares them. */
  entries: Map<string, readonly string[] | undefined>;
}

function keysOf(name: string, ops: Iterable<string>): ConsumerTable {
  return { name, entries: new Map([...ops].map((op) => [op, undefined])) };
}

/** The native layer table's lines, `{"addTopK", addTopK, {"values", "indices"}},`, read from the C++ source. */
function nativeLayerTable(source: string): ConsumerTable {
  const entries = new Map<string, readonly string[]>();
  for (const [, op, outputs] of source.matchAll(/^\s*\{"(\w+)", \w+, \{([^}]*)\}\},\s*$/gm))
    entries.set(
      op!,
      [...outputs!.matchAll(/"(\w+)"/g)].map((m) => m[1]!),
    );
  return { name: 'the C++ layer table (native/src/trt/layer_table.cc)', entries };
}

/** Every way the tables disagree with the catalog, one sentence each naming the op and the table. */
function tableProblems(primitives: ReadonlyMap<string, readonly string[]>, tables: readonly ConsumerTable[]): string[] {
  const problems: string[] = [];
  for (const table of tables) {
    for (const [op, outputs] of primitives) {
      if (!table.entries.has(op)) problems.push(`Catalog primitive '${op}' has no line in ${table.name}.`);
      const declared = table.entries.get(op);
      if (declared && declared.join(',') !== outputs.join(','))
        problems.push(`'${op}' has outputs [${declared.join(', ')}] in ${table.name}; the catalog declares [${outputs.join(', ')}].`);
    }
    for (const op of table.entries.keys()) if (!primitives.has(op)) problems.push(`'${op}' has a line in ${table.name}, but no catalog entry produces it.`);
  }
  return problems;
}

const PRIMITIVES = new Map(
  listLayerSpecs()
    .filter((spec) => spec.kind === 'primitive')
    .map((spec) => [spec.type, spec.outputs.map((port) => port.name)]),
);

describe('consumer tables in step with the catalog', () => {
  test('every table has exactly one line per catalog primitive, with the catalog output ports', () => {
    const tables = [
      keysOf('the ONNX translators (core/onnx/translate.ts TRANSLATORS)', Object.keys(TRANSLATORS)),
      { name: 'the ops code generation supports (core/codegen/common.ts CODEGEN_OPS)', entries: new Map(CODEGEN_OPS.map((op) => [op, outputPorts(op)])) },
      keysOf('the Python emitters (core/codegen/python.ts PYTHON_EMITTERS)', Object.keys(PYTHON_EMITTERS)),
      keysOf('the C++ emitters (core/codegen/cpp-emitters.ts CPP_EMITTERS)', Object.keys(CPP_EMITTERS)),
      nativeLayerTable(readFileSync(LAYER_TABLE, 'utf8')),
    ];
    expect(tables.at(-1)!.entries.size, 'no line of the C++ layer table was recognised; has its format changed?').toBeGreaterThan(0);
    expect(tableProblems(PRIMITIVES, tables)).toEqual([]);
  });

  test('a missing line, an extra line and different output ports are each reported naming the op and the table', () => {
    const source = ['  {"addIdentity", addIdentity, {"output"}},', '  {"addTopK", addTopK, {"values"}},', '  {"addGather", addGather, {"output"}},'].join('\n');
    const primitives = new Map([
      ['addIdentity', ['output']],
      ['addTopK', ['values', 'indices']],
      ['addCast', ['output']],
    ]);
    expect(tableProblems(primitives, [nativeLayerTable(source), keysOf('the ONNX translators', ['addIdentity', 'addTopK', 'addCast'])])).toEqual([
      "'addTopK' has outputs [values] in the C++ layer table (native/src/trt/layer_table.cc); the catalog declares [values, indices].",
      "Catalog primitive 'addCast' has no line in the C++ layer table (native/src/trt/layer_table.cc).",
      "'addGather' has a line in the C++ layer table (native/src/trt/layer_table.cc), but no catalog entry produces it.",
    ]);
  });
});
