/**
 * The one catalog (ARCHITECTURE.md rule 2): every layer type, registered once. Adding a family is
 * one file in this folder and one line in FAMILIES.
 */
import { activationLayers } from './activation.js';
import { activationCompositeLayers } from './activation-composites.js';
import { blockLayers } from './blocks.js';
import { constantLayers } from './constant.js';
import { convolutionLayers } from './convolution.js';
import { detectionLayers } from './detection.js';
import { elementwiseLayers } from './elementwise.js';
import { indexingLayers } from './indexing.js';
import { matrixLayers } from './matrix.js';
import { normalizationLayers } from './normalization.js';
import { poolingLayers } from './pooling.js';
import { pytorchPoolingLayers } from './pytorch-pooling.js';
import { reductionLayers } from './reduction.js';
import { reshapingLayers } from './reshaping.js';
import { resamplingLayers } from './resampling.js';
import { shapeLayers } from './shape.js';
import { torchvisionBlockLayers } from './torchvision-blocks.js';
import { torchvisionBranchBlockLayers } from './torchvision-branch-blocks.js';
import { typeLayers } from './type.js';
import { unaryLayers } from './unary.js';
import { yoloLayers } from './yolo.js';
import { yoloHeadLayers } from './yolo-head.js';
import { yoloPostprocessLayers } from './yolo-postprocess.js';
import { completeParams } from './params.js';
import type { LayerSpec, Params, PortSpec } from './types.js';

const FAMILIES: readonly (readonly LayerSpec[])[] = [
  convolutionLayers,
  poolingLayers,
  pytorchPoolingLayers,
  activationLayers,
  activationCompositeLayers,
  normalizationLayers,
  elementwiseLayers,
  matrixLayers,
  shapeLayers,
  reshapingLayers,
  constantLayers,
  unaryLayers,
  reductionLayers,
  resamplingLayers,
  indexingLayers,
  typeLayers,
  blockLayers,
  torchvisionBlockLayers,
  torchvisionBranchBlockLayers,
  yoloLayers,
  yoloHeadLayers,
  yoloPostprocessLayers,
  detectionLayers,
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

/**
 * The output port spec a port name refers to (`output.2` resolves to a variadic `output`). With
 * the layer's parameters, a variadic port's index must also be below its count.
 */
export function findOutputPort(spec: LayerSpec, port: string, params?: Params): PortSpec | undefined {
  const direct = spec.outputs.find((p) => p.name === port && !p.variadic);
  if (direct) return direct;
  const dot = port.lastIndexOf('.');
  if (dot < 0) return undefined;
  const index = port.slice(dot + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(index)) return undefined;
  const found = spec.outputs.find((p) => p.variadic && p.name === port.slice(0, dot));
  if (!found || !params) return found;
  return Number(index) < variadicCount(found, completeParams(spec.params, params)) ? found : undefined;
}

function variadicCount(port: PortSpec, params: Params): number {
  try {
    return port.count ? port.count(params) : 0;
  } catch {
    return 0;
  }
}

/** The output port names of a layer with these parameters, in order; a variadic output gives `name.0` … `name.{n−1}`. */
export function outputPortNames(spec: LayerSpec, params: Params): string[] {
  if (!spec.outputs.some((p) => p.variadic)) return spec.outputs.map((p) => p.name);
  const full = completeParams(spec.params, params);
  return spec.outputs.flatMap((p) => (p.variadic ? Array.from({ length: variadicCount(p, full) }, (_, i) => `${p.name}.${i}`) : [p.name]));
}
