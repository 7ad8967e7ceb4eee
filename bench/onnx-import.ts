/**
 * Import of a large ONNX model: time and peak memory of `importOnnx` (decode with onnx-proto, map
 * every node, bind the initializers) on resnet50 as our export writes it with formula weights.
 *   node --import tsx bench/onnx-import.ts --make bench/data/resnet50.onnx     # write the model
 *   node --expose-gc --import tsx bench/onnx-import.ts bench/data/resnet50.onnx --runs 5
 *   node --import tsx bench/onnx-import.ts --make-synthetic bench/data/synthetic2000.onnx 2000   # a 2,000-layer model
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { importOnnx } from '../core/onnx/import/import.js';
import { exportOnnx, withFormulaWeights } from '../core/onnx/import/parity.testing.js';
import { buildTemplate } from '../core/templates/index.js';
import { syntheticGraph } from './synthetic-network.js';

const args = process.argv.slice(2);
const mb = (n: number): string => (n / 1e6).toFixed(1);

if (args[0] === '--make-synthetic') {
  const path = args[1] ?? 'bench/data/synthetic2000.onnx';
  const graph = syntheticGraph(Number(args[2] ?? 2000));
  graph.outputs.push({ name: 'output', from: { node: graph.nodes[graph.nodes.length - 1]!.id, port: 'output' } });
  const { doc, weights } = withFormulaWeights(graph);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, exportOnnx(doc, weights));
  console.log(`Wrote ${path}.`);
} else if (args[0] === '--make') {
  const path = args[1] ?? 'bench/data/resnet50.onnx';
  const { doc, weights } = withFormulaWeights(buildTemplate(args[2] ?? 'resnet50')!);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, exportOnnx(doc, weights));
  console.log(`Wrote ${path}.`);
} else {
  const path = args[0];
  if (!path) throw new Error('Usage: bench/onnx-import.ts FILE.onnx [--runs N] | --make OUT.onnx [TEMPLATE]');
  const runs = Number(args[args.indexOf('--runs') + 1] ?? 1) || 1;
  const gc = (globalThis as { gc?: () => void }).gc;
  const bytes = new Uint8Array(readFileSync(path));
  gc?.();
  const before = process.memoryUsage();
  const times: number[] = [];
  let layers = 0;
  let weights = 0;
  let growth = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = importOnnx(bytes);
    times.push(performance.now() - start);
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    layers = result.value.doc.nodes.length;
    weights = result.value.weights.size;
    const now = process.memoryUsage();
    growth = Math.max(growth, now.rss - before.rss);
    gc?.();
  }
  times.sort((a, b) => a - b);
  console.log(
    `${path}: ${mb(bytes.length)} MB, ${layers} layers, ${weights} weights; import median ${(times[Math.floor(runs / 2)]! / 1000).toFixed(3)} s, ` +
      `min ${(times[0]! / 1000).toFixed(3)} s over ${runs} runs; RSS growth during import ${mb(growth)} MB; peak RSS of the process ${mb(process.resourceUsage().maxRSS * 1024)} MB.`,
  );
}
