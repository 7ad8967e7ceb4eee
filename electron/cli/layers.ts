/** `trt-studio layers [--json]`: the layer catalog, as the inspector and the bridge see it. */
import { listLayerSpecs } from '../../core/layers/catalog.js';
import { completeParams } from '../../core/layers/params.js';
import type { LayerSpec, ParamSpec, TensorInfo, WeightSlot } from '../../core/layers/types.js';
import { evaluate, fallbackWeights } from '../../core/shapes/infer.js';
import { EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand } from './command.js';

/** The catalog as plain JSON: what `--json` prints. */
export function describeCatalog(): object[] {
  return listLayerSpecs().map((spec) => ({
    type: spec.type,
    kind: spec.kind,
    category: spec.category,
    label: spec.label,
    doc: spec.doc,
    params: spec.params.map(describeParam),
    inputs: spec.inputs.map((p) => ({ name: p.name, doc: p.doc, optional: p.optional === true, variadic: p.variadic === true })),
    outputs: spec.outputs.map((p) => ({ name: p.name, doc: p.doc })),
    weights: describeWeightSlots(spec),
  }));
}

function describeParam(p: ParamSpec): object {
  const base = { name: p.name, type: p.kind, default: p.default, doc: p.doc };
  if (p.kind === 'enum') return { ...base, enumType: p.enumType, values: p.values };
  if (p.kind === 'int' || p.kind === 'float')
    return { ...base, ...(p.min !== undefined ? { min: p.min } : {}), ...(p.max !== undefined ? { max: p.max } : {}) };
  return base;
}

/** One weight slot as `--json` lists it. */
export interface WeightSlotDescription {
  /** The slot's name on the node, as bindings and the weights panel name it (`conv1.weight`, `kernel`). */
  name: string;
  /** The PyTorch `state_dict` suffix auto-mapping looks for: a node named `layer1.0` binds `layer1.0.<pytorchName>` (just `layer1.0` when empty). */
  pytorchName: string;
  /** Element count and shape for the default parameters, or null where they depend on an input the defaults do not fix. */
  count: number | null;
  shape: number[] | null;
  optional: boolean;
}

/**
 * A layer's weight slots for its default parameters. Where a parameter follows from the input (a
 * block's `inplanes`, Linear's `inFeatures`), the input is the one the defaults describe, so the
 * counts are those of a default instance; otherwise counts that need the input are null.
 */
export function describeWeightSlots(spec: LayerSpec): WeightSlotDescription[] {
  const params = completeParams(spec.params, {});
  const inputs: Record<string, TensorInfo> = { ...spec.exampleInputs };
  const first = spec.inputs[0];
  const derived = spec.fromInput?.[0];
  if (first && derived && typeof params[derived.param] === 'number') {
    const size = params[derived.param] as number;
    const dims = derived.what === 'channels' ? [1, size, 32, 32] : [1, size];
    inputs[first.variadic ? `${first.name}.0` : first.name] = { dims, dtype: 'FLOAT' };
  }
  let slots: WeightSlot[];
  try {
    slots = evaluate(spec, params, inputs).weights;
  } catch {
    // A layer whose shapes need an input the defaults do not describe: its slots with the counts that are known without one.
    slots = fallbackWeights(spec, params, inputs);
  }
  return slots.map((slot) => ({
    name: slot.name,
    pytorchName: slot.torchSuffix,
    count: slot.count ?? null,
    shape: slot.shape ?? null,
    optional: slot.optional === true,
  }));
}

export const layersCommand: CliCommand = {
  name: 'layers',
  summary: 'List the layer catalog: every TensorRT layer and composite with its parameters, ports and weight slots.',
  usage: 'layers [--json]',
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, { json: { type: 'boolean' } }, io);
    if (!parsed) return EXIT_USAGE;
    if (parsed.values.json) {
      io.out(JSON.stringify(describeCatalog(), null, 2));
      return EXIT_OK;
    }
    let category = '';
    for (const spec of listLayerSpecs().sort((a, b) => a.category.localeCompare(b.category))) {
      if (spec.category !== category) {
        category = spec.category;
        io.out(`\n${category}`);
      }
      const params = spec.params.map((p) => `${p.name}=${JSON.stringify(p.default)}`).join(' ');
      io.out(`  ${spec.type.padEnd(22)} ${spec.doc}`);
      if (params) io.out(`  ${''.padEnd(22)} ${params}`);
    }
    return EXIT_OK;
  },
};
