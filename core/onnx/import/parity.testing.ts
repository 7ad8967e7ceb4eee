/**
 * Helpers for the import tests: a document with formula weights, its ONNX export, and the import
 * of an ONNX file exported again, so both can run on ONNX Runtime and be compared.
 */
import { lowerToProgram } from '../../lower/lower.js';
import type { NetworkDocument } from '../../network/types.js';
import { inferShapes } from '../../shapes/infer.js';
import { autoBindWeights, torchTensorName } from '../../weights/binding.js';
import { formulaTensor } from '../../weights/formula.js';
import { translateProgram } from '../translate.js';
import { importOnnx, type ImportOptions, type OnnxImport } from './import.js';

/** Every weight slot of `doc` bound to a formula tensor named like PyTorch's state_dict entry. */
export function withFormulaWeights(doc: NetworkDocument): { doc: NetworkDocument; weights: Map<string, Float32Array> } {
  const report = inferShapes(doc);
  const weights = new Map<string, Float32Array>();
  for (const node of doc.nodes)
    for (const slot of report.nodes[node.id]?.weights ?? []) {
      if (!slot.shape) continue;
      const name = torchTensorName(node.name, slot);
      weights.set(name, formulaTensor(name, slot.shape));
    }
  const bound = autoBindWeights(
    doc,
    [...weights].map(([name, values]) => ({ name, count: values.length })),
    report,
  );
  return { doc: bound, weights };
}

/** Lower and translate a document with its weights to ONNX bytes; throws with the diagnostics. */
export function exportOnnx(doc: NetworkDocument, weights: ReadonlyMap<string, Float32Array>): Uint8Array {
  const lowered = lowerToProgram(doc, (name) => weights.get(name));
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const onnx = translateProgram(lowered.value.program, lowered.value.weights);
  if (!onnx.ok) throw new Error(onnx.diagnostics.map((d) => d.message).join('\n'));
  return onnx.value.bytes;
}

/** Import ONNX bytes and export the result again: what the reference runtime runs for an imported model. */
export function importAndExport(bytes: Uint8Array, options: ImportOptions = {}): { imported: OnnxImport; bytes: Uint8Array } {
  const imported = importOnnx(bytes, options);
  if (!imported.ok) throw new Error(imported.diagnostics.map((d) => d.message).join('\n'));
  return { imported: imported.value, bytes: exportOnnx(imported.value.doc, imported.value.weights) };
}

/** The largest difference between two outputs, relative to the largest magnitude of the expected one. */
export function relativeError(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  let largest = 1e-12;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    largest = Math.max(largest, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(expected[i]! - actual[i]!));
  }
  return expected.length === actual.length ? worst / largest : Infinity;
}
