import { describe, expect, it } from 'vitest';
import { templateProgram } from '../../../core/codegen/testing.js';
import { dataTypeFromText, parseEngineInspection } from './inspector.js';

const program = templateProgram('lenet5');

/** Layer JSON as TensorRT 10.x writes it at kDETAILED (one "Format/Datatype" string per tensor). */
const LAYERS_10 = [
  {
    Name: 'conv1 + relu1',
    LayerType: 'CaskConvolution',
    Inputs: [{ Name: 'data', Location: 'Device', Dimensions: [1, 1, 32, 32], 'Format/Datatype': 'Row major linear FP32' }],
    Outputs: [{ Name: 'relu1:output', Location: 'Device', Dimensions: [1, 6, 28, 28], 'Format/Datatype': 'Row major linear FP32' }],
    ParameterType: 'Convolution',
    Metadata: 'n1\u001en2',
    TacticName: 'sm90_xmma_fprop_implicit_gemm_f32f32',
  },
  {
    Name: '{ForeignNode[fc1.flatten...softmax]}',
    LayerType: 'Myelin',
    Inputs: [{ Name: 'pool2:output', Location: 'Device', Dimensions: [1, 16, 5, 5], 'Format/Datatype': 'Row major linear FP32' }],
    Outputs: [{ Name: 'prob', Location: 'Device', Dimensions: [1, 10], 'Format/Datatype': 'Row major linear FP32' }],
    TacticValue: '0x0000000000000000',
  },
];

/** The same engine as TensorRT 11.x writes it: "I/O Tensors" objects, Format and DataType split. */
const LAYERS_11 = LAYERS_10.map((layer) => ({
  ...layer,
  Inputs: layer.Inputs.map(({ 'Format/Datatype': _, ...t }) => ({ ...t, Format: 'Row major linear FP32 format (kLINEAR)', DataType: 'Float' })),
  Outputs: layer.Outputs.map(({ 'Format/Datatype': _, ...t }) => ({ ...t, Format: 'Row major linear FP32 format (kLINEAR)', DataType: 'Float' })),
}));
const IO_11 = [
  { Name: 'data', IOMode: 'Input', DataType: 'Float', Dimensions: [1, 1, 32, 32], Location: 'Device', IsShapeInferenceIO: false },
  { Name: 'prob', IOMode: 'Output', DataType: 'Float', Dimensions: [1, 10], Location: 'Device', IsShapeInferenceIO: false },
];

describe('parseEngineInspection', () => {
  it('reads the 10.x layout and maps fused and Myelin layers back to program layers and canvas nodes', () => {
    const result = parseEngineInspection(
      { engine: JSON.stringify({ Layers: LAYERS_10, Bindings: ['data', 'prob'] }), layers: LAYERS_10.map((l) => JSON.stringify(l)) },
      program,
    );
    if (!result.ok) throw new Error(result.diagnostics[0]!.message);
    const inspection = result.value;
    expect(inspection.layout).toBe('10.x');
    expect(inspection.ioTensors).toEqual([
      { name: 'data', mode: 'input', dims: [1, 1, 32, 32], dtype: 'FLOAT', format: 'Row major linear FP32', location: 'Device' },
      { name: 'prob', mode: 'output', dims: [1, 10], dtype: 'FLOAT', format: 'Row major linear FP32', location: 'Device' },
    ]);
    expect(inspection.layers[0]).toEqual({
      name: 'conv1 + relu1',
      layerType: 'CaskConvolution',
      parameterType: 'Convolution',
      tactic: 'sm90_xmma_fprop_implicit_gemm_f32f32',
      inputs: [{ name: 'data', dims: [1, 1, 32, 32], dtype: 'FLOAT', format: 'Row major linear FP32', location: 'Device' }],
      outputs: [{ name: 'relu1:output', dims: [1, 6, 28, 28], dtype: 'FLOAT', format: 'Row major linear FP32', location: 'Device' }],
      fusedFrom: ['conv1', 'relu1'],
      nodeIds: ['n1', 'n2'],
    });
    const myelin = inspection.layers[1]!;
    expect(myelin.fusedFrom[0]).toBe('fc1.flatten');
    expect(myelin.fusedFrom[myelin.fusedFrom.length - 1]).toBe('softmax');
    expect(myelin.fusedFrom).toHaveLength(18);
    expect(myelin.nodeIds).toEqual(['n7', 'n8', 'n9', 'n10', 'n11', 'n12']);
    expect(inspection.diagnostics).toEqual([]);
  });

  it('reads the 11.x layout to the same layers, with the I/O tensors from "I/O Tensors"', () => {
    const ten = parseEngineInspection(
      { engine: JSON.stringify({ Layers: LAYERS_10, Bindings: ['data', 'prob'] }), layers: LAYERS_10.map((l) => JSON.stringify(l)) },
      program,
    );
    const eleven = parseEngineInspection({ engine: JSON.stringify({ Layers: LAYERS_11, 'I/O Tensors': IO_11 }), layers: [] }, program);
    if (!ten.ok || !eleven.ok) throw new Error('not parsed');
    expect(eleven.value.layout).toBe('11.x');
    expect(eleven.value.ioTensors).toEqual([
      { name: 'data', mode: 'input', dims: [1, 1, 32, 32], dtype: 'FLOAT', location: 'Device' },
      { name: 'prob', mode: 'output', dims: [1, 10], dtype: 'FLOAT', location: 'Device' },
    ]);
    const strip = (layers: typeof ten.value.layers) =>
      layers.map((l) => ({ ...l, inputs: l.inputs.map((t) => ({ ...t, format: '' })), outputs: l.outputs.map((t) => ({ ...t, format: '' })) }));
    expect(strip(eleven.value.layers)).toEqual(strip(ten.value.layers));
    expect(eleven.value.layers[0]!.inputs[0]!.format).toBe('Row major linear FP32 format (kLINEAR)');
  });

  it('reads names-only layers (kLAYER_NAMES_ONLY), and leaves out an unreadable layer with a warning', () => {
    const result = parseEngineInspection(
      { engine: '{"Layers": ["conv1 + relu1"], "Bindings": ["data", "prob"]}', layers: ['"conv1 + relu1"', '{broken'] },
      program,
    );
    if (!result.ok) throw new Error(result.diagnostics[0]!.message);
    expect(result.value.layers).toEqual([{ name: 'conv1 + relu1', inputs: [], outputs: [], fusedFrom: ['conv1', 'relu1'], nodeIds: ['n1', 'n2'] }]);
    expect(result.value.diagnostics).toEqual([
      { severity: 'warning', code: 'inspector.layer', message: 'Engine layer 1 has no readable inspector JSON; it is left out of the fused-layer view.' },
    ]);
  });

  it('fails with a Diagnostic when the engine information is not JSON', () => {
    const result = parseEngineInspection({ engine: 'not json', layers: [] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics[0]!.message).toMatch(/^The engine inspector's engine information is not JSON \(/);
  });

  it('names data types from 11.x DataType words and 10.x format texts', () => {
    expect(
      [
        'Float',
        'Half',
        'BFloat16',
        'Int8',
        'Int32',
        'Int64',
        'Bool',
        'Row major linear FP16',
        'Channel major FP32 format',
        'Row major Int8 format',
        'UInt8',
      ].map(dataTypeFromText),
    ).toEqual(['FLOAT', 'HALF', 'BF16', 'INT8', 'INT32', 'INT64', 'BOOL', 'HALF', 'FLOAT', 'INT8', 'UINT8']);
  });
});
