/**
 * Which tensor of the lowered network each reference stands for. References are keyed by PyTorch
 * module names, and the network's layers carry the same names: a canvas layer's name (`maxpool1`),
 * a composite instance's (`inception3a`, `conv1`), and inside composites the names lowering gives
 * the expanded layers, `<composite>.<inner>` at every level (`conv1.conv`, `conv1.bn`,
 * `inception3a.branch2.0.bn`). A key resolves, in this order, to
 *  1. the composite instance of that name: its output port's tensor (lowering records it);
 *  2. the layers named the key or inside it (`<key>.…`): the output of the last of them in
 *     topological order. That is the module's output for a primitive (`maxpool1`), for an activation
 *     built of two layers (SiLU is `act` then `act.mul`), and for a PyTorch container with no layer
 *     of its own (`inception3a.branch2`, `features.1`);
 *  3. `output`, when no layer has that name: the network's only marked output (the reference
 *     script saves the model's return value under it).
 * Any other key is listed as unmatched.
 */
import type { LoweredProgram } from '../lower/lower.js';
import type { DataType } from '../network/types.js';
import type { ProgramOp, TrtProgram } from '../program/types.js';

/** One tensor to compare: a layer's (or a module's) output in the lowered program. */
export interface CompareTarget {
  /** The name shown: the layer or module name, or the network output's name for the key `output`. */
  layer: string;
  /** The reference key (a module name), or the other backend's id. */
  reference: string;
  /** The tensor in the lowered program. */
  tensor: string;
  dims: number[];
  /** The tensor's element type as inferred (`FLOAT`, `INT32`…). */
  dtype: DataType;
  /** The canvas node the tensor belongs to (the top-level node for layers inside a composite). */
  nodeId?: string;
  /** Index of the op producing the tensor: the topological order of the report. */
  order: number;
}

/** The key PyTorch's own return value is saved under by the reference script. */
export const OUTPUT_KEY = 'output';

/** The output port compared for a layer: `output` when it has one, else its only (or first) port. */
function primaryPort(outputs: Readonly<Record<string, string>>): string | undefined {
  return 'output' in outputs ? 'output' : Object.keys(outputs)[0];
}

/** What the lowered program knows about its tensors, built once per comparison. */
export class ProgramTensors {
  private readonly producer = new Map<string, { op: ProgramOp; order: number; port: string }>();
  private readonly inputs: Set<string>;

  constructor(private readonly lowered: Pick<LoweredProgram, 'program' | 'compositeOutputs'>) {
    lowered.program.ops.forEach((op, order) => {
      for (const [port, tensor] of Object.entries(op.outputs)) this.producer.set(tensor, { op, order, port });
    });
    this.inputs = new Set(lowered.program.inputs.map((i) => i.name));
  }

  get program(): TrtProgram {
    return this.lowered.program;
  }

  /** The target for a tensor, or undefined when no op produces it (a composite passing its input through). */
  private target(layer: string, reference: string, tensor: string): CompareTarget | undefined {
    const made = this.producer.get(tensor);
    if (!made || this.inputs.has(tensor)) return undefined;
    const info = made.op.outputInfo[made.port];
    return { layer, reference, tensor, dims: [...(info?.dims ?? [])], dtype: info?.dtype ?? 'FLOAT', nodeId: made.op.nodeId, order: made.order };
  }

  /** The tensor a name stands for (rules 1 and 2 above), or undefined. */
  resolve(name: string, reference: string): CompareTarget | undefined {
    const composite = this.lowered.compositeOutputs.get(name);
    if (composite) {
      const port = primaryPort(composite);
      return port === undefined ? undefined : this.target(name, reference, composite[port]!);
    }
    const ops = this.lowered.program.ops;
    const prefix = `${name}.`;
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      if (op.layerName !== name && !op.layerName.startsWith(prefix)) continue;
      const port = primaryPort(op.outputs);
      return port === undefined ? undefined : this.target(name, reference, op.outputs[port]!);
    }
    return undefined;
  }

  /** The network's output for the key `output` (rule 3), when it marks exactly one. */
  networkOutput(reference: string): CompareTarget | undefined {
    const outputs = this.lowered.program.outputs;
    return outputs.length === 1 ? this.target(outputs[0]!.name, reference, outputs[0]!.tensor) : undefined;
  }
}

/** Targets in topological order; at one op, an inner layer (`conv1.relu`) before the composite it ends (`conv1`). */
export function sortTargets(targets: CompareTarget[]): CompareTarget[] {
  return targets.sort((a, b) => a.order - b.order || b.layer.length - a.layer.length || (a.layer < b.layer ? -1 : a.layer > b.layer ? 1 : 0));
}

export interface KeyMatch {
  targets: CompareTarget[];
  /** Reference keys that name no layer, in the order given. */
  unmatched: string[];
}

/** Match reference keys (module names) to the network's tensors. */
export function matchReferenceKeys(tensors: ProgramTensors, keys: readonly string[]): KeyMatch {
  const targets: CompareTarget[] = [];
  const unmatched: string[] = [];
  for (const key of keys) {
    const found = tensors.resolve(key, key) ?? (key === OUTPUT_KEY ? tensors.networkOutput(key) : undefined);
    if (found) targets.push(found);
    else unmatched.push(key);
  }
  return { targets: sortTargets(targets), unmatched };
}

/** Element types whose values two backends can be compared on (integer and bool outputs, such as shapes or indices, are left out). */
const FLOAT_TYPES: ReadonlySet<string> = new Set(['FLOAT', 'HALF', 'BF16']);

/** Every canvas layer (top-level node) with a floating-point output, for a comparison between two backends. */
export function canvasTargets(tensors: ProgramTensors, layerNames: readonly string[], reference: string): CompareTarget[] {
  return sortTargets(layerNames.flatMap((name) => tensors.resolve(name, reference) ?? []).filter((t) => FLOAT_TYPES.has(t.dtype)));
}

/**
 * The program with every compared tensor marked as an output as well, under the tensor's own name
 * (already-marked tensors keep their output). The user's document is not touched; ops are shared.
 * Returns the output name to read each tensor from.
 */
export function exposeTensors(program: TrtProgram, tensors: readonly string[]): { program: TrtProgram; outputOf: Map<string, string> } {
  const outputOf = new Map(program.outputs.map((o) => [o.tensor, o.name]));
  const outputs = [...program.outputs];
  for (const tensor of tensors) {
    if (outputOf.has(tensor)) continue;
    outputOf.set(tensor, tensor);
    outputs.push({ name: tensor, tensor });
  }
  return { program: { ...program, outputs }, outputOf };
}
