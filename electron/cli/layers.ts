/** `trt-studio layers [--json]`: the layer catalog, as the inspector and the bridge see it. */
import { listLayerSpecs } from '../../core/layers/catalog.js';
import type { LayerSpec, ParamSpec } from '../../core/layers/types.js';
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
    weights: weightSlotNames(spec),
  }));
}

function describeParam(p: ParamSpec): object {
  const base = { name: p.name, type: p.kind, default: p.default, doc: p.doc };
  if (p.kind === 'enum') return { ...base, enumType: p.enumType, values: p.values };
  if (p.kind === 'int' || p.kind === 'float')
    return { ...base, ...(p.min !== undefined ? { min: p.min } : {}), ...(p.max !== undefined ? { max: p.max } : {}) };
  return base;
}

/** Weight slot names for the default parameters (slot counts depend on the input, so only names are listed). */
function weightSlotNames(spec: LayerSpec): string[] {
  if (!spec.weights) return [];
  const params = Object.fromEntries(spec.params.map((p) => [p.name, p.default]));
  try {
    return spec.weights({ params, inputs: {} }).map((s) => s.name);
  } catch {
    return [];
  }
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
