/**
 * The replay half of the TensorRT recorder (the recorder itself needs TensorRT headers and runs only
 * through native/check-tensorrt.sh --recorder): a hand-written recording, as recorder.cc writes one,
 * becomes a program that ONNX Runtime runs with the numbers the recorded layers describe.
 */
import { describe, expect, it } from 'vitest';
import { onnxRuntimeBackend } from '../../../electron/backends/onnxruntime/backend.js';
import { decodeWeights, readRecording, replayProgram, type Recording } from './replay.js';

function b64(values: ArrayBufferView): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** A strongly typed HALF network as the bridge records it: cast in, 1x1 convolution, ReLU, flatten, cast back. */
const RECORDING: Recording = {
  recorder: 1,
  tensorrt: '11.1.0',
  name: 'tiny',
  stronglyTyped: true,
  config: { tf32: false, flags: 0, workspaceBytes: 0, optimizationLevel: 3, profiles: 0, timingCache: true },
  calls: 6,
  inputs: [{ name: 'data', type: 'FLOAT', dims: [1, 2, 1, 2] }],
  layers: [
    {
      kind: 'addCast',
      name: 'data.cast',
      metadata: 'input_data',
      inputs: ['data'],
      outputs: [{ name: 'data.cast_out', type: 'HALF', dims: [1, 2, 1, 2] }],
      params: { toType: 'HALF' },
      weights: {},
    },
    {
      kind: 'addConvolutionNd',
      name: 'conv',
      metadata: 'conv',
      inputs: ['data.cast_out'],
      outputs: [{ name: 'conv_out', type: 'HALF', dims: [1, 1, 1, 2] }],
      params: {
        nbOutputMaps: 1,
        kernelSize: [1, 1],
        stride: [1, 1],
        prePadding: [0, 0],
        postPadding: [0, 0],
        paddingMode: 'EXPLICIT_ROUND_DOWN',
        dilation: [1, 1],
        nbGroups: 1,
      },
      // HALF 2 and -1 (0x4000, 0xbc00); bias HALF 0.5 (0x3800).
      weights: {
        kernel: { type: 'HALF', count: 2, data: b64(new Uint16Array([0x4000, 0xbc00])) },
        bias: { type: 'HALF', count: 1, data: b64(new Uint16Array([0x3800])) },
      },
    },
    {
      kind: 'addActivation',
      name: 'relu',
      metadata: 'relu',
      inputs: ['conv_out'],
      outputs: [{ name: 'y.compute', type: 'HALF', dims: [1, 1, 1, 2] }],
      params: { type: 'RELU', alpha: 0, beta: 0 },
      weights: {},
    },
    {
      kind: 'addShuffle',
      name: 'flatten',
      metadata: 'flatten',
      inputs: ['y.compute'],
      outputs: [{ name: 'flat', type: 'HALF', dims: [1, 2] }],
      params: { firstTranspose: [0, 1, 2, 3, 4, 5, 6, 7], reshapeDimensions: [0, -1], secondTranspose: [0, 1, 2, 3, 4, 5, 6, 7], zeroIsPlaceholder: true },
      weights: {},
    },
    {
      kind: 'addCast',
      name: 'y.cast',
      metadata: '',
      inputs: ['flat'],
      outputs: [{ name: 'y', type: 'FLOAT', dims: [1, 2] }],
      params: { toType: 'FLOAT' },
      weights: {},
    },
  ],
  outputs: ['y'],
};

/**
 * A slice and a resize as the bridge records them: the fill value set with setInput(4) leaves slots 1 to 3
 * (start, size, stride tensors) unset, written as "", and the resize carries only the scales it was given.
 */
const SLICE_RESIZE: Recording = {
  ...RECORDING,
  name: 'slice-resize',
  stronglyTyped: false,
  inputs: [{ name: 'x', type: 'FLOAT', dims: [1, 1, 1, 4] }],
  layers: [
    {
      kind: 'addConstant',
      name: 'fill',
      metadata: 'fill',
      inputs: [],
      outputs: [{ name: 'fill_out', type: 'FLOAT', dims: [] }],
      params: { dimensions: [] },
      weights: { weights: { type: 'FLOAT', count: 1, data: b64(new Float32Array([-9])) } },
    },
    {
      kind: 'addSlice',
      name: 'every_other',
      metadata: 'every_other',
      inputs: ['x', '', '', '', 'fill_out'],
      outputs: [{ name: 'sliced', type: 'FLOAT', dims: [1, 1, 1, 3] }],
      params: { start: [0, 0, 0, 1], size: [1, 1, 1, 3], stride: [1, 1, 1, 2], mode: 'FILL' },
      weights: {},
    },
    {
      kind: 'addResize',
      name: 'twice',
      metadata: 'twice',
      inputs: ['sliced'],
      outputs: [{ name: 'y', type: 'FLOAT', dims: [1, 1, 2, 6] }],
      params: {
        scales: [1, 1, 2, 2],
        resizeMode: 'NEAREST',
        coordinateTransformation: 'ASYMMETRIC',
        nearestRounding: 'FLOOR',
        selectorForSinglePixel: 'FORMULA',
        cubicCoeff: -0.75,
        excludeOutside: false,
      },
      weights: {},
    },
  ],
  outputs: ['y'],
};

const scalar = (name: string, type: 'FLOAT' | 'INT32', value: number): Recording['layers'][number] => ({
  kind: 'addConstant',
  name,
  metadata: 'nms',
  inputs: [],
  outputs: [{ name: `${name}_out`, type, dims: [] }],
  params: { dimensions: [] },
  weights: { weights: { type, count: 1, data: b64(type === 'FLOAT' ? new Float32Array([value]) : new Int32Array([value])) } },
});

/** INMSLayer as the bridge records it: its box limit and thresholds are scalar constants at inputs 2 to 4. */
const NMS: Recording = {
  ...RECORDING,
  name: 'nms',
  stronglyTyped: false,
  inputs: [
    { name: 'boxes', type: 'FLOAT', dims: [1, 3, 4] },
    { name: 'scores', type: 'FLOAT', dims: [1, 3, 1] },
  ],
  layers: [
    scalar('nms.maxOutputBoxesPerClass', 'INT32', 5),
    {
      kind: 'addNMS',
      name: 'nms',
      metadata: 'nms',
      inputs: ['boxes', 'scores', 'nms.maxOutputBoxesPerClass_out', 'nms.iouThreshold_out', 'nms.scoreThreshold_out'],
      outputs: [
        { name: 'selected', type: 'INT32', dims: [-1, 3] },
        { name: 'kept', type: 'INT32', dims: [] },
      ],
      params: { boundingBoxFormat: 'CORNER_PAIRS', topKBoxLimit: 100, indicesType: 'INT32' },
      weights: {},
    },
    scalar('nms.iouThreshold', 'FLOAT', 0.5),
    scalar('nms.scoreThreshold', 'FLOAT', 0.1),
  ],
  outputs: ['selected', 'kept'],
};

describe('replaying a recording', () => {
  it('reads only recorder output as a recording', () => {
    expect(readRecording(new TextEncoder().encode(JSON.stringify(RECORDING)))?.name).toBe('tiny');
    expect(readRecording(new TextEncoder().encode('TRT-STUDIO-TEST-DOUBLE-ENGINE\n{}'))).toBeUndefined();
  });

  it('widens HALF and BF16 weights exactly', () => {
    expect([...decodeWeights({ type: 'HALF', count: 4, data: b64(new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7bff])) })]).toEqual([1, -2, 2 ** -24, 65504]);
    expect([...decodeWeights({ type: 'BF16', count: 2, data: b64(new Uint16Array([0x3f80, 0xc040])) })]).toEqual([1, -3]);
  });

  it('gives the layers back their program parameters, with identity transposes as none and casts to FLOAT', () => {
    const { program, weights } = replayProgram(RECORDING);
    expect(program.ops.map((o) => o.op)).toEqual(['addCast', 'addConvolutionNd', 'addActivation', 'addShuffle', 'addCast']);
    expect(program.ops[0]!.params).toEqual({ toType: 'FLOAT' });
    expect(program.ops[3]!.params).toEqual({ firstTranspose: [], reshapeDimensions: [0, -1], secondTranspose: [], zeroIsPlaceholder: true });
    expect(program.weights.find((w) => w.id === 'conv.kernel')?.shape).toEqual([1, 2, 1, 1]);
    expect([...weights.get('conv.kernel')!]).toEqual([2, -1]);
    expect(program.outputs).toEqual([{ name: 'y', tensor: 'y' }]);
  });

  it('runs on ONNX Runtime with the numbers the recorded layers describe', async () => {
    const built = await onnxRuntimeBackend.build(replayProgram(RECORDING));
    if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join(' '));
    try {
      // Channels [1, 3] and [4, -5] at the two positions: relu(2*c0 - c1 + 0.5).
      const result = await built.value.run([{ name: 'data', dtype: 'FLOAT', dims: [1, 2, 1, 2], data: Float32Array.from([1, 3, 4, -5]) }]);
      if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join(' '));
      expect(result.value[0]!.name).toBe('y');
      expect([...result.value[0]!.data]).toEqual([0, 11.5]);
    } finally {
      await built.value.dispose();
    }
  });

  it('gives a slice its fill value by TensorRT input index and a resize its scales, and runs them', async () => {
    const replayed = replayProgram(SLICE_RESIZE);
    expect(replayed.program.ops[1]!.inputs).toEqual({ input: 'x', fillValue: 'fill_out' });
    expect(replayed.program.ops[2]!.params).toMatchObject({ scales: [1, 1, 2, 2], outputDimensions: [] });
    const built = await onnxRuntimeBackend.build(replayed);
    if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join(' '));
    try {
      // x[1], x[3], then x[5] past the end: the fill value; each doubled along H and W.
      const result = await built.value.run([{ name: 'x', dtype: 'FLOAT', dims: [1, 1, 1, 4], data: Float32Array.from([10, 11, 12, 13]) }]);
      if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join(' '));
      expect([...result.value[0]!.data]).toEqual([11, 11, 13, 13, -9, -9, 11, 11, 13, 13, -9, -9]);
    } finally {
      await built.value.dispose();
    }
  });

  it('names a recorded input slot it has no port for', () => {
    const odd = { ...SLICE_RESIZE, layers: [{ ...SLICE_RESIZE.layers[2]!, inputs: ['x', 'x'] }] };
    expect(() => replayProgram(odd)).toThrow('The replay has no port for input 1 of addResize layer twice.');
  });

  it('folds the NMS scalar constants back into parameters and keeps both outputs with their INT32 type', async () => {
    const replayed = replayProgram(NMS);
    expect(replayed.program.ops.map((o) => o.op)).toEqual(['addNMS']);
    expect(replayed.program.ops[0]!.params).toEqual({
      boundingBoxFormat: 'CORNER_PAIRS',
      topKBoxLimit: 100,
      indicesType: 'INT32',
      maxOutputBoxesPerClass: 5,
      iouThreshold: 0.5,
      scoreThreshold: expect.closeTo(0.1, 7),
    });
    expect(replayed.program.ops[0]!.outputInfo).toEqual({
      selectedIndices: { dims: [-1, 3], dtype: 'INT32' },
      numOutputBoxes: { dims: [], dtype: 'INT32' },
    });
    const built = await onnxRuntimeBackend.build(replayed);
    if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join(' '));
    try {
      // Box 1 overlaps box 0 (IoU 0.81 > 0.5) and scores lower: boxes 0 and 2 are kept, best first.
      const boxes = Float32Array.from([0, 0, 10, 10, 0, 0, 10, 9, 20, 20, 30, 30]);
      const result = await built.value.run([
        { name: 'boxes', dtype: 'FLOAT', dims: [1, 3, 4], data: boxes },
        { name: 'scores', dtype: 'FLOAT', dims: [1, 3, 1], data: Float32Array.from([0.9, 0.8, 0.7]) },
      ]);
      if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join(' '));
      const byName = new Map(result.value.map((t) => [t.name, Array.from(t.data as Int32Array)]));
      expect(byName.get('kept')).toEqual([2]);
      expect(byName.get('selected')).toEqual([0, 0, 0, 0, 0, 2]);
    } finally {
      await built.value.dispose();
    }
  });

  it('names an NMS threshold that is not a scalar constant', () => {
    const broken = { ...NMS, layers: NMS.layers.slice(0, 2) };
    expect(() => replayProgram(broken)).toThrow('NMS layer nms has no scalar constant for its iouThreshold (input 3).');
  });
});
