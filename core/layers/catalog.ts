/**
 * The one catalog (ARCHITECTURE.md rule 2): every layer type, registered once. Adding a family is
 * one file in this folder and one line in FAMILIES.
 */
import { activationLayers } from './activation.js';
import { blockLayers } from './blocks.js';
import { constantLayers } from './constant.js';
import { convolutionLayers } from './convolution.js';
import { elementwiseLayers } from './elementwise.js';
import { indexingLayers } from './indexing.js';
import { matrixLayers } from './matrix.js';
import { normalizationLayers } from './normalization.js';
import { poolingLayers } from './pooling.js';
import { reductionLayers } from './reduction.js';
import { resamplingLayers } from './resampling.js';
import { shapeLayers } from './shape.js';
import { torchvisionBlockLayers } from './torchvision-blocks.js';
import { torchvisionBranchBlockLayers } from './torchvision-branch-blocks.js';
import { typeLayers } from './type.js';
import { unaryLayers } from './unary.js';
import type { LayerSpec, PortSpec } from './types.js';

const FAMILIES: readonly (readonly LayerSpec[])[] = [
  convolutionLayers,
  poolingLayers,
  activationLayers,
  normalizationLayers,
  elementwiseLayers,
  matrixLayers,
  shapeLayers,
  constantLayers,
  unaryLayers,
  reductionLayers,
  resamplingLayers,
  indexingLayers,
  typeLayers,
  blockLayers,
  torchvisionBlockLayers,
  torchvisionBranchBlockLayers,
];

const CATALOG: ReadonlyMap<string, LayerSpec> = (() => {
  const map = new Map<string, LayerSpec>();
  for (const spec of FAMILIES.flat()) {
    if (map.has(spec.type)) throw new Error(`Layer type '${spec.type}' is registered twice in the catalog.`);
    map.set(spec.type, spec);
  }
  return map;
})();

export function getLayerSpec(type: string): LayerSpec | undefined {
  return CATALOG.get(type);
}

/** Every catalog entry, in registration order. */
export function listLayerSpecs(): LayerSpec[] {
  return [...CATALOG.values()];
}

/** The input port spec a port name refers to (`inputs.2` resolves to the variadic `inputs`). */
export function findInputPort(spec: LayerSpec, port: string): PortSpec | undefined {
  const direct = spec.inputs.find((p) => p.name === port && !p.variadic);
  if (direct) return direct;
  const dot = port.lastIndexOf('.');
  if (dot < 0) return undefined;
  const base = port.slice(0, dot);
  const index = port.slice(dot + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(index)) return undefined;
  return spec.inputs.find((p) => p.variadic && p.name === base);
}

export function findOutputPort(spec: LayerSpec, port: string): PortSpec | undefined {
  return spec.outputs.find((p) => p.name === port);
}
