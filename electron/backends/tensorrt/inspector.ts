/**
 * The engine inspector's JSON (IEngineInspector, ProfilingVerbosity::kDETAILED) read into one shape
 * for the fused-layer view, from either layout:
 * - TensorRT 10.x: engine information `{"Layers": [...], "Bindings": ["data", "prob"]}`; each layer's
 *   tensors carry one `"Format/Datatype"` string ("Row major linear FP32").
 * - TensorRT 11.x: `"Bindings"` became `"I/O Tensors"` objects (Name, IOMode, DataType, Dimensions,
 *   Location, ...), and a tensor's format and data type are separate fields (`"Format"`, `"DataType"`).
 * With a lower verbosity a layer is only its name (a JSON string); that is read too.
 * Engine layers map back to program layers and canvas nodes through `ILayer::setMetadata` (the bridge
 * sets the node id) and through the program layer names a fused name joins with " + " or " || ".
 */
import { error, fail, ok, warning, type Diagnostic, type Result } from '../../../core/diagnostics.js';
import type { DataType } from '../../../core/network/types.js';
import type { TrtProgram } from '../../../core/program/types.js';
import type { NativeInspectResult } from '../../../native/lib/types.js';
import { layersOfEngineLayer } from '../profile-attribution.js';

export interface EngineTensorInfo {
  name: string;
  dims?: number[];
  /** Our data type name, when the inspector's text names one. */
  dtype?: DataType;
  /** TensorRT's format text, e.g. "Row major linear FP32" or "Channel major FP16 format where channel % 8 == 0". */
  format?: string;
  location?: string;
}

export interface EngineIoTensor extends EngineTensorInfo {
  mode?: 'input' | 'output';
}

export interface EngineLayerInfo {
  /** The engine (fused) layer name, as the profiler reports it. */
  name: string;
  /** The kernel kind, e.g. "CaskConvolution" or "Reformat"; absent below kDETAILED. */
  layerType?: string;
  /** The layer kind the parameters describe, e.g. "Convolution". */
  parameterType?: string;
  tactic?: string;
  inputs: EngineTensorInfo[];
  outputs: EngineTensorInfo[];
  /** Program layers fused into this engine layer, in program order. */
  fusedFrom: string[];
  /** Canvas nodes of those layers and of the metadata, without repeats. */
  nodeIds: string[];
}

export interface EngineInspection {
  /** Which JSON layout the engine information used. */
  layout: '10.x' | '11.x' | 'unknown';
  ioTensors: EngineIoTensor[];
  layers: EngineLayerInfo[];
  /** Warnings: layers whose JSON could not be read (they are listed by index). */
  diagnostics: Diagnostic[];
}

type Json = Record<string, unknown>;

/** What may separate fused layers' metadata: the ASCII record and unit separators, newlines, '|', ',' or ';'. */
const METADATA_SEPARATORS = new Set([String.fromCharCode(0x1e), String.fromCharCode(0x1f), '\n', '|', ',', ';']);

function splitMetadata(metadata: string): string[] {
  const parts = [''];
  for (const ch of metadata) {
    if (METADATA_SEPARATORS.has(ch)) parts.push('');
    else parts[parts.length - 1] += ch;
  }
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function dims(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'number') ? (value as number[]) : undefined;
}

/** Our data type for the inspector's words: 11.x "Float"/"Half"/..., or the type inside a 10.x format text. */
export function dataTypeFromText(value: string): DataType | undefined {
  const upper = value.toUpperCase();
  const table: [RegExp, DataType][] = [
    [/\bBF(LOAT)?16\b/, 'BF16'],
    [/\b(FP32|FLOAT|FLOAT32)\b/, 'FLOAT'],
    [/\b(FP16|HALF|FLOAT16)\b/, 'HALF'],
    [/\bFP8\b/, 'FP8'],
    [/\bU?INT8\b/, upper.includes('UINT8') ? 'UINT8' : 'INT8'],
    [/\bINT32\b/, 'INT32'],
    [/\bINT64\b/, 'INT64'],
    [/\bBOOL(EAN)?\b/, 'BOOL'],
  ];
  return table.find(([pattern]) => pattern.test(upper))?.[1];
}

function tensorInfo(raw: unknown): EngineTensorInfo | undefined {
  if (!isObject(raw)) return undefined;
  const name = text(raw['Name']);
  if (!name) return undefined;
  const info: EngineTensorInfo = { name };
  const shape = dims(raw['Dimensions']);
  if (shape) info.dims = shape;
  const location = text(raw['Location']);
  if (location) info.location = location;
  const combined = text(raw['Format/Datatype']);
  const format = text(raw['Format']) ?? combined;
  if (format) info.format = format;
  const dtype = text(raw['DataType']) ?? combined;
  const parsed = dtype ? dataTypeFromText(dtype) : undefined;
  if (parsed) info.dtype = parsed;
  return info;
}

function tensors(raw: unknown): EngineTensorInfo[] {
  return Array.isArray(raw) ? raw.map(tensorInfo).filter((t): t is EngineTensorInfo => t !== undefined) : [];
}

/** Program layers a fused engine layer name covers (`layersOfEngineLayer`), with their canvas nodes. */
function fusedLayers(name: string, program: TrtProgram | undefined): ProgramLayerRef[] {
  if (!program) return [];
  const nodeOf = new Map(program.ops.map((op) => [op.layerName, op.nodeId]));
  return layersOfEngineLayer(name, program).map((layerName) => ({ layerName, nodeId: nodeOf.get(layerName)! }));
}

interface ProgramLayerRef {
  layerName: string;
  nodeId: string;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function layerInfo(raw: unknown, program: TrtProgram | undefined, nodeIds: ReadonlySet<string>): EngineLayerInfo | undefined {
  const object = isObject(raw) ? raw : undefined;
  const name = object ? text(object['Name']) : text(raw);
  if (!name) return undefined;
  const fused = fusedLayers(name, program);
  // The bridge sets each layer's metadata to its node id; TensorRT joins fused layers' metadata with a separator.
  const metadata = object ? text(object['Metadata']) : undefined;
  const fromMetadata = metadata ? splitMetadata(metadata).filter((s) => nodeIds.has(s)) : [];
  const layer: EngineLayerInfo = {
    name,
    inputs: object ? tensors(object['Inputs']) : [],
    outputs: object ? tensors(object['Outputs']) : [],
    fusedFrom: fused.map((f) => f.layerName),
    nodeIds: unique([...fused.map((f) => f.nodeId), ...fromMetadata]),
  };
  const layerType = object ? text(object['LayerType']) : undefined;
  if (layerType) layer.layerType = layerType;
  const parameterType = object ? text(object['ParameterType']) : undefined;
  if (parameterType) layer.parameterType = parameterType;
  const tactic = object ? (text(object['TacticName']) ?? text(object['TacticValue'])) : undefined;
  if (tactic) layer.tactic = tactic;
  return layer;
}

function parseJson(source: string, what: string): Result<unknown> {
  try {
    return ok(JSON.parse(source) as unknown);
  } catch (e) {
    return fail(error('inspector.json', `The engine inspector's ${what} is not JSON (${(e as Error).message}).`));
  }
}

/**
 * Read the addon's inspect result. The engine information must be JSON; a layer whose JSON cannot
 * be read is left out with a warning naming its index. `program` maps layers to canvas nodes.
 */
export function parseEngineInspection(result: Pick<NativeInspectResult, 'engine' | 'layers'>, program?: TrtProgram): Result<EngineInspection> {
  const engine = parseJson(result.engine, 'engine information');
  if (!engine.ok) return engine;
  if (!isObject(engine.value)) return fail(error('inspector.json', "The engine inspector's engine information is not a JSON object."));
  const info = engine.value;
  const nodeIds = new Set<string>([...(program?.ops.map((op) => op.nodeId) ?? []), ...(program?.inputs.map((i) => i.nodeId) ?? [])]);
  const diagnostics: Diagnostic[] = [];

  let layout: EngineInspection['layout'] = 'unknown';
  let ioTensors: EngineIoTensor[] = [];
  if (Array.isArray(info['I/O Tensors'])) {
    layout = '11.x';
    ioTensors = info['I/O Tensors'].flatMap((raw) => {
      const tensor = tensorInfo(raw);
      if (!tensor || !isObject(raw)) return [];
      const mode = text(raw['IOMode'])?.toLowerCase();
      return [{ ...tensor, ...(mode === 'input' || mode === 'output' ? { mode } : {}) } as EngineIoTensor];
    });
  } else if (Array.isArray(info['Bindings'])) {
    layout = '10.x';
    ioTensors = info['Bindings'].filter((b): b is string => typeof b === 'string').map((name) => ({ name }));
  }

  // Per-layer JSON from getLayerInformation, else the engine information's own "Layers".
  const rawLayers: unknown[] = [];
  if (result.layers.length > 0) {
    result.layers.forEach((source, index) => {
      const parsed = parseJson(source, `layer ${index}`);
      if (parsed.ok) rawLayers.push(parsed.value);
      else diagnostics.push(warning('inspector.layer', `Engine layer ${index} has no readable inspector JSON; it is left out of the fused-layer view.`));
    });
  } else if (Array.isArray(info['Layers'])) rawLayers.push(...info['Layers']);

  const layers = rawLayers.map((raw) => layerInfo(raw, program, nodeIds)).filter((l): l is EngineLayerInfo => l !== undefined);
  // 10.x names only the I/O tensors; their dims and types are on the layers that read or write them.
  if (layout === '10.x') {
    const seen = new Map<string, EngineTensorInfo>();
    for (const layer of layers) for (const t of [...layer.inputs, ...layer.outputs]) if (!seen.has(t.name)) seen.set(t.name, t);
    const inputs = new Set(program?.inputs.map((i) => i.name) ?? []);
    ioTensors = ioTensors.map((t) => ({
      ...seen.get(t.name),
      ...t,
      ...(program ? { mode: inputs.has(t.name) ? ('input' as const) : ('output' as const) } : {}),
    }));
  }
  return ok({ layout, ioTensors, layers, diagnostics });
}
