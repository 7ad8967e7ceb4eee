/**
 * Shape re-inference after a one-parameter edit on a synthetic 2,000-node graph (target:
 * ≤ 5 ms). Run: `npx tsx bench/shapes.bench.ts [--nodes N] [--iterations N]`.
 *
 * The graph is ResNet-like: units of conv → BatchNorm2d → ReLU → conv → BatchNorm2d → add(skip) →
 * ReLU, so it mixes primitives, composites (BatchNorm2d expands into a scale) and fan-out. Each
 * edit builds a new document the way core/network edit operations do (one node object replaced,
 * everything else shared), and inference runs on it with the memo warm from the previous version.
 */
import { performance } from 'node:perf_hooks';
import type { NetworkDocument } from '../core/network/types.js';
import { syntheticGraph } from './synthetic-network.js';
import { inferShapes } from '../core/shapes/infer.js';

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const NODES = argument('nodes', 2000);
const ITERATIONS = argument('iterations', 200);
/** Edits run first and not timed, so the JIT has compiled the hot paths. */
const WARMUP = 30;

/** The document with one node's parameter set: a new node object and node array, everything else shared. */
function withParam(doc: NetworkDocument, index: number, name: string, value: number | string): NetworkDocument {
  const nodes = doc.nodes.slice();
  const node = nodes[index]!;
  nodes[index] = { ...node, params: { ...node.params, [name]: value } };
  return { ...doc, nodes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Time `ITERATIONS` edits of `param` on node `index`, alternating between two values. */
function measureEdits(base: NetworkDocument, index: number, param: string, values: [number | string, number | string]): number[] {
  let doc = base;
  inferShapes(doc);
  return timeEdits((i) => (doc = withParam(doc, index, param, values[i % 2]!)));
}

/** Time inference of the documents `next` produces, after an untimed warm-up. */
function timeEdits(next: (i: number) => NetworkDocument): number[] {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const doc = next(i);
    const start = performance.now();
    const report = inferShapes(doc);
    if (i >= WARMUP) times.push(performance.now() - start);
    if (report.diagnostics.length > 0) throw new Error(`The benchmark graph has problems: ${report.diagnostics[0]!.message}`);
  }
  return times;
}

/** The worst case: the input's spatial size changes, so every node's output changes and all are re-inferred. */
function measureInputEdits(base: NetworkDocument): number[] {
  const sizes = [28, 56];
  return timeEdits((i) => ({ ...base, inputs: [{ ...base.inputs[0]!, dims: [1, 64, sizes[i % 2]!, sizes[i % 2]!] }] }));
}

const base = syntheticGraph(NODES);
const coldStart = performance.now();
inferShapes(base);
const cold = performance.now() - coldStart;

const middle = Math.floor(NODES / 2 / 7) * 7 + 2; // an activation in the middle of the graph
const sameShape = measureEdits(base, middle, 'type', ['LEAKY_RELU', 'RELU']);
const firstConv = measureEdits(base, 0, 'nbGroups', [2, 1]); // a conv parameter: its weight slots change, its output shape does not
const everything = measureInputEdits(base);
const format = (ms: number) => `${ms.toFixed(2)} ms`;
console.log(`shape inference, ${NODES} nodes (${base.edges.length} edges), ${ITERATIONS} edits each, node ${process.version}`);
console.log(`  cold (empty memo)                      ${format(cold)}`);
console.log(`  edit one activation type (mid graph)   median ${format(median(sameShape))}, p95 ${format(percentile(sameShape, 0.95))}`);
console.log(`  edit the first conv's nbGroups         median ${format(median(firstConv))}, p95 ${format(percentile(firstConv, 0.95))}`);
console.log(`  edit the input size (all re-inferred)  median ${format(median(everything))}, p95 ${format(percentile(everything, 0.95))}`);
