/**
 * Whether a wire's tensor suits the input it would feed: the target layer is evaluated with the new
 * wire, and an error about its inputs (a 2-D tensor into a convolution, an Int32 into a Float add,
 * shapes that do not broadcast) refuses the wire with its message. Errors pinned on a parameter do
 * not: the user may well connect first and set the parameter next.
 */
import { catalogFor } from '../../core/blocks/document-catalog.js';
import { completeParams } from '../../core/layers/params.js';
import type { TensorInfo } from '../../core/layers/types.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { evaluate, type ShapeReport } from '../../core/shapes/infer.js';

interface PortRef {
  node: string;
  port: string;
}

/** The reason a wire `from` → `to` does not fit its input, or undefined (also when it cannot be judged yet). */
export function tensorMismatch(doc: NetworkDocument, shapes: ShapeReport, from: PortRef, to: PortRef): string | undefined {
  const target = doc.nodes.find((n) => n.id === to.node);
  const catalog = catalogFor(doc);
  const spec = target && catalog.nodeSpec(target);
  if (!target || !spec || spec.kind !== 'primitive') return undefined;
  const feeds = new Map(doc.edges.filter((e) => e.to.node === to.node).map((e) => [e.to.port, e.from]));
  feeds.set(to.port, from);
  const inputs: Record<string, TensorInfo> = {};
  for (const [port, source] of feeds) {
    const tensor = shapes.nodes[source.node]?.outputs[source.port];
    if (!tensor) return undefined; // the producer has no shape yet: judged once it has
    inputs[port] = tensor;
  }
  // Judged only once every required input is wired, so a first wire into an add is not refused.
  if (spec.inputs.some((p) => !p.optional && !p.variadic && !inputs[p.name])) return undefined;
  // An error about the inputs (pinned on a port, or on none: "cannot be broadcast") refuses; one about a parameter does not.
  const params = new Set(spec.params.map((p) => p.name));
  const error = evaluate(spec, completeParams(spec.params, target.params), inputs, catalog).errors.find((e) => e.field === undefined || !params.has(e.field));
  return error ? `${target.name}: ${error.message}` : undefined;
}
