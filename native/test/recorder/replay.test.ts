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
});
