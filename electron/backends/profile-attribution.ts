/**
 * Profile attribution: what each kernel a runtime timed ran, in the canvas's terms.
 *
 * Runtimes fuse layers. ONNX Runtime folds a BatchNorm into the convolution before it, runs the ReLU
 * in the same kernel and names that kernel after a tensor of the group (`conv1.relu:output_nchwc`);
 * TensorRT names such a kernel `conv1 + bn1 + relu` or `{ForeignNode[a...b]}`. So one kernel's time
 * belongs to a group of layers, and some kernels (layout conversions, reformatting copies) belong to
 * no layer at all. Each kernel becomes one row: a fused group that names every layer it covers, a
 * single layer, or a runtime-internal entry explained in plain words. Nothing here reads files or
 * talks to a runtime: the backends pass their profiler's names and times in.
 */
import type { OnnxTranslation } from '../../core/onnx/translate.js';
import type { TrtProgram } from '../../core/program/types.js';
import type { LayerTime } from './backend.js';

/** One kernel as the runtime's profiler names it, with its time summed over the profiled runs. */
export interface KernelTime {
  /** An ONNX Runtime node name (renamed by its fusions) or a TensorRT engine layer name. */
  name: string;
  totalMs: number;
  /** ONNX Runtime's kernel type (`Conv`, `Gemm`, `ReorderInput`, ...); TensorRT gives none. */
  opName?: string;
}

/** What one kernel ran: program layers under a row name, or runtime-internal work with a note saying what it is. */
type Cover = { label: string; layers: string[] } | { label: string; internal: string };

interface Row {
  time: LayerTime;
  totalMs: number;
  kernels: number;
}

/** Rows of the covers, kernels with the same row name summed, slowest first; `runs` divides the totals into means. */
function rowsOf(program: TrtProgram, covers: readonly { cover: Cover; totalMs: number }[], runs: number): LayerTime[] {
  const order = new Map(program.ops.map((op, i) => [op.layerName, i]));
  const nodeOf = new Map(program.ops.map((op) => [op.layerName, op.nodeId]));
  const rows = new Map<string, Row>();
  for (const { cover, totalMs } of covers) {
    const existing = rows.get(cover.label);
    if (existing) {
      existing.totalMs += totalMs;
      existing.kernels++;
      continue;
    }
    const time: LayerTime = { layerName: cover.label, meanMs: 0, share: 0 };
    if ('internal' in cover) time.internal = cover.internal;
    else {
      const layers = [...new Set(cover.layers)].sort((a, b) => order.get(a)! - order.get(b)!);
      const nodeIds = [...new Set(layers.map((l) => nodeOf.get(l)!))];
      if (nodeIds[0] !== undefined) time.nodeId = nodeIds[0];
      if (nodeIds.length > 1) time.nodeIds = nodeIds;
      if (layers.length > 1) time.fusedFrom = layers;
    }
    rows.set(cover.label, { time, totalMs, kernels: 1 });
  }
  const total = [...rows.values()].reduce((sum, r) => sum + r.totalMs, 0);
  const perRun = Math.max(1, runs);
  return [...rows.values()]
    .map(({ time, totalMs, kernels }) => ({
      ...time,
      // Internal work of one kind is one row: how much the layout conversions cost in all.
      ...(time.internal !== undefined && kernels > 1 ? { layerName: `${time.layerName} ×${kernels}` } : {}),
      meanMs: totalMs / perRun,
      share: total > 0 ? totalMs / total : 0,
    }))
    .sort((a, b) => b.meanMs - a.meanMs);
}

// ---------------------------------------------------------------------------------------------
// ONNX Runtime

/** ONNX Runtime's own kernels, by kernel type: what each does, in plain words. */
const ORT_INTERNAL: readonly [RegExp, string][] = [
  [
    /^ReorderInput$/,
    'ONNX Runtime converting a tensor into its blocked NCHWc layout for the convolutions and poolings after it; the network has no such layer',
  ],
  [/^ReorderOutput$/, 'ONNX Runtime converting a tensor back from its blocked NCHWc layout to plain NCHW; the network has no such layer'],
  [/^Memcpy(FromHost|ToHost)?$/, 'ONNX Runtime copying a tensor between host and device memory; the network has no such layer'],
  [/^Transpose$/, "A Transpose ONNX Runtime's layout optimizer inserted to change a tensor's memory layout; the network has no such layer"],
];

function ortInternal(kernel: KernelTime): Cover {
  const op = kernel.opName ?? '';
  const known = ORT_INTERNAL.find(([pattern]) => pattern.test(op));
  const internal = known?.[1] ?? `ONNX Runtime's own ${op || 'kernel'} '${kernel.name}', added by its graph optimizations; it matches no layer of the network`;
  return { label: known ? op : kernel.name, internal };
}

/**
 * The graph nodes a fused kernel of each type begins with: a convolution kernel ran from the Conv
 * on, a Gemm from the MatMul, QuickGelu (x·sigmoid(x)) from the Sigmoid. Other kernels begin with a node of their own type.
 */
const KERNEL_STARTS: Readonly<Record<string, readonly string[]>> = {
  Conv: ['Conv'],
  FusedConv: ['Conv'],
  NhwcFusedConv: ['Conv'],
  Gemm: ['Gemm', 'MatMul'],
  FusedGemm: ['Gemm', 'MatMul'],
  MatMul: ['MatMul'],
  FusedMatMul: ['MatMul'],
  QuickGelu: ['Sigmoid'],
};

/** Kernel types that never stand for a layer, whatever they are named (a Transpose may be one of ours). */
const NEVER_A_LAYER = /^(ReorderInput|ReorderOutput|Memcpy(FromHost|ToHost)?)$/;

/**
 * Map ONNX Runtime's kernel times back to the program's layers. A kernel is first tied to one node
 * of the translated graph (its anchor) by the names ORT gives fused kernels:
 * - the node's own name, possibly with ORT's `_token_N` uniquifier;
 * - a tensor the kernel writes, with `_nchwc` appended (the NCHWc rewrite names a kernel after the
 *   output it had then: `conv1.relu:output_nchwc` once the BatchNorm and ReLU were fused in);
 * - the first node's name with a fusion's suffix (`fc.matmul/MatMul/MatMulAddFusion`, `x.mul/QuickGeluFusion/`).
 * Then every node that ran in no kernel of its own joins a kernel next to it:
 * - backwards, into a kernel of another type than its anchor (a Conv kernel named after a ReLU),
 *   while the node's outputs go only into that kernel and until the kernel holds the node it began
 *   with (`KERNEL_STARTS`): the convolution and BatchNorm before a fused ReLU;
 * - forwards, into the one kernel whose outputs it reads (a hardswish after a convolution), or the
 *   kernel whose output only it reads (a bias Add after a MatMul; a residual Add after a convolution,
 *   the first input's kernel winning where two qualify).
 * Kernels tied to no node are ONNX Runtime's own work (layout reorders, copies) and say so.
 */
export function attributeOrtKernels(
  program: TrtProgram,
  translation: Pick<OnnxTranslation, 'nodeLayers' | 'nodes'>,
  kernels: readonly KernelTime[],
  runs: number,
): LayerTime[] {
  // Only nodes that implement a layer take part; `output:NAME` Identity nodes are the graph's outputs.
  const nodes = translation.nodes.filter((n) => translation.nodeLayers[n.name] !== undefined);
  const layerOfNode = (i: number) => translation.nodeLayers[nodes[i]!.name]!;
  const byName = new Map(nodes.map((n, i) => [n.name, i]));
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const t of n.outputs) producer.set(t, i);
    for (const t of n.inputs) {
      const list = consumers.get(t);
      if (list) list.push(i);
      else consumers.set(t, [i]);
    }
  });
  const graphInputs = new Set(program.inputs.map((i) => i.name));
  const reads = (i: number) => nodes[i]!.inputs.filter((t) => producer.has(t) || graphInputs.has(t));
  const readers = (i: number) => nodes[i]!.outputs.flatMap((t) => consumers.get(t) ?? []);
  const lastNodeOf = new Map<string, number>();
  nodes.forEach((_, i) => lastNodeOf.set(layerOfNode(i), i));
  const layersLongestFirst = [...lastNodeOf.keys()].sort((a, b) => b.length - a.length);

  const anchorOf = (kernel: KernelTime): number | undefined => {
    // ORT makes a generated name unique with `_token_N`.
    const name = byName.has(kernel.name) ? kernel.name : kernel.name.replace(/_token_\d+$/, '');
    const direct = byName.get(name) ?? producer.get(name.replace(/_nchwc$/, ''));
    if (direct !== undefined) return direct;
    for (let cut = name.lastIndexOf('/'); cut > 0; cut = name.lastIndexOf('/', cut - 1)) {
      const head = name.slice(0, cut);
      const found = byName.get(head) ?? producer.get(head);
      if (found !== undefined) return found;
    }
    if (NEVER_A_LAYER.test(kernel.opName ?? '')) return undefined;
    // A name of a fusion not listed above still names the layer it came from.
    const contained = layersLongestFirst.find((layer) => name.includes(layer));
    return contained === undefined ? undefined : lastNodeOf.get(contained);
  };

  const anchors = kernels.map(anchorOf);
  const group = new Array<number | undefined>(nodes.length).fill(undefined);
  // A kernel of another type than the node it is named after began earlier (a Conv kernel named after
  // its ReLU's output): it stays open to the nodes before it until it holds the node it began with.
  const open = new Map<number, readonly string[]>();
  anchors.forEach((a, k) => {
    if (a === undefined) return;
    group[a] = a;
    const starts = KERNEL_STARTS[kernels[k]!.opName ?? ''] ?? [kernels[k]!.opName ?? ''];
    if (!starts.includes(nodes[a]!.opType)) open.set(a, starts);
  });
  // Back from each open kernel: a node whose every reader is in it ran inside it.
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (group[i] !== undefined || reads(i).length === 0) continue;
    const groups = new Set(readers(i).map((r) => group[r]));
    const [only] = groups;
    const starts = only === undefined ? undefined : open.get(only);
    if (groups.size !== 1 || only === undefined || !starts) continue;
    group[i] = only;
    if (starts.includes(nodes[i]!.opType)) open.delete(only);
  }
  // Forward: a node that reads only one kernel's outputs, or alone reads a kernel's output, ran inside that kernel.
  for (let i = 0; i < nodes.length; i++) {
    if (group[i] !== undefined) continue;
    const producers = reads(i).flatMap((t) => (producer.has(t) ? [producer.get(t)!] : []));
    const groups = new Set(producers.map((p) => group[p]));
    const [only] = groups;
    if (groups.size === 1 && only !== undefined) {
      group[i] = only;
      continue;
    }
    const soleReaderOf = producers.find((p) => group[p] !== undefined && readers(p).every((r) => r === i));
    if (soleReaderOf !== undefined) group[i] = group[soleReaderOf];
  }

  const order = new Map(program.ops.map((op, i) => [op.layerName, i]));
  const covers = kernels.map((kernel, k): { cover: Cover; totalMs: number } => {
    const anchor = anchors[k];
    if (anchor === undefined) return { cover: ortInternal(kernel), totalMs: kernel.totalMs };
    const layers = nodes.flatMap((_, i) => (group[i] === group[anchor] ? [layerOfNode(i)] : []));
    const unique = [...new Set(layers)].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    return { cover: { label: unique.join(' + '), layers: unique }, totalMs: kernel.totalMs };
  });
  return rowsOf(program, covers, runs);
}

// ---------------------------------------------------------------------------------------------
// TensorRT

/** TensorRT's own layers, by name: what each does, in plain words. */
function engineInternal(name: string): string | undefined {
  const reformat = /^Reformatting CopyNode for (Input|Output) Tensor (\d+) to (.+)$/.exec(name);
  if (reformat)
    return `TensorRT converting ${reformat[1] === 'Input' ? 'an input' : 'an output'} of ${reformat[3]} to another memory layout or precision; the network has no such layer`;
  if (/reformat/i.test(name)) return 'TensorRT converting a tensor to another memory layout or precision; the network has no such layer';
  if (/__myl_|trainStation|^\[?Myelin/i.test(name))
    return "Work inside TensorRT's Myelin compiler (memory moves and scheduling between its fused kernels); it is no layer of the network";
  return undefined;
}

/**
 * The program layers an engine layer name covers, in program order: the parts TensorRT joins with
 * ` + ` or ` || `, the names inside `PWN(...)` pointwise fusions, and `{ForeignNode[first...last]}`
 * Myelin regions, which cover every layer from first to last.
 */
export function layersOfEngineLayer(name: string, program: TrtProgram): string[] {
  const index = new Map(program.ops.map((op, i) => [op.layerName, i]));
  const found = new Set<number>();
  const tokens = name
    .replace(/\{ForeignNode\[|\]\}|PWN\(|\)$/g, ' + ')
    .split(/\s+\+\s+|\s+\|\|\s+|,\s+/)
    .map((t) => t.replace(/[()]/g, '').trim())
    .filter((t) => t !== '');
  for (const token of tokens) {
    const exact = index.get(token);
    if (exact !== undefined) {
      found.add(exact);
      continue;
    }
    const range = token.split('...');
    const first = range.length === 2 ? index.get(range[0]!) : undefined;
    const last = range.length === 2 ? index.get(range[1]!) : undefined;
    if (first !== undefined && last !== undefined && first <= last) for (let i = first; i <= last; i++) found.add(i);
  }
  return [...found].sort((a, b) => a - b).map((i) => program.ops[i]!.layerName);
}

/**
 * Map TensorRT's per-layer profile (engine layer names, which `ILayer::setName` gave our layer
 * names) back to program layers. A row keeps TensorRT's name, so it reads as trtexec prints it; a
 * name that joins no layer exactly but contains one (a renamed single layer) is that layer; a
 * reformatting copy or a Myelin step is TensorRT's own work and says so.
 */
export function attributeEngineLayers(program: TrtProgram, times: readonly KernelTime[], runs: number): LayerTime[] {
  const longestFirst = program.ops.map((op) => op.layerName).sort((a, b) => b.length - a.length);
  const covers = times.map(({ name, totalMs }): { cover: Cover; totalMs: number } => {
    const internal = engineInternal(name);
    if (internal) return { cover: { label: name, internal }, totalMs };
    const layers = layersOfEngineLayer(name, program);
    if (layers.length > 0) return { cover: { label: name, layers }, totalMs };
    const contained = longestFirst.find((layer) => name.includes(layer));
    if (contained) return { cover: { label: name, layers: [contained] }, totalMs };
    return { cover: { label: name, internal: "A layer TensorRT's builder added; it matches no layer of the network" }, totalMs };
  });
  return rowsOf(program, covers, runs);
}
