/**
 * Hand-built ONNX models with ops and forms our export never writes (PyTorch's own patterns among
 * them): each is run on ONNX Runtime as it is and after import → export; outputs must agree to
 * 1e-5 of the largest. The imported document is checked for what a user sees: layer types, names
 * and weight names.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { formulaTensor } from '../../weights/formula.js';
import { importOnnx } from './import.js';
import { buildModel, floatTensor, int64Tensor, type ModelSpec } from './onnx-builder.testing.js';
import { importAndExport, relativeError } from './parity.testing.js';

async function run(bytes: Uint8Array, inputs: Record<string, number[]>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = Object.fromEntries(Object.entries(inputs).map(([name, dims]) => [name, new ort.Tensor('float32', formulaTensor(name, dims), dims)]));
    const outputs = await session.run(feeds);
    return Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, Float32Array.from(t.data as Float32Array, Number)]));
  } finally {
    await session.release();
  }
}

/** Run the model as it is and imported; returns the import for further checks. */
async function expectParity(spec: ModelSpec, inputs: Record<string, number[]>) {
  const original = buildModel(spec);
  const { imported, bytes } = importAndExport(original);
  const expected = await run(original, inputs);
  const actual = await run(bytes, inputs);
  for (const [name, values] of Object.entries(expected)) {
    expect(actual[name]?.length, name).toBe(values.length);
    expect(relativeError(values, actual[name]!), name).toBeLessThanOrEqual(1e-5);
  }
  return imported;
}

const w = (name: string, dims: number[]) => floatTensor(name, dims, formulaTensor(name, dims));
const types = (doc: { nodes: { type: string }[] }) => doc.nodes.map((n) => n.type);

describe('ONNX import matches ONNX Runtime on the original file', () => {
  test('a PyTorch-style classifier: Conv, BatchNormalization, Relu, MaxPool (ceil), GlobalAveragePool, Flatten, Gemm', async () => {
    const imported = await expectParity(
      {
        inputs: [{ name: 'x', dims: [1, 3, 17, 17] }],
        outputs: [{ name: 'logits' }],
        initializers: [
          w('conv1.weight', [8, 3, 3, 3]),
          w('bn1.weight', [8]),
          w('bn1.bias', [8]),
          w('bn1.running_mean', [8]),
          w('bn1.running_var', [8]),
          w('fc.weight', [10, 8]),
          w('fc.bias', [10]),
        ],
        nodes: [
          { op: 'Conv', name: '/conv1/Conv', inputs: ['x', 'conv1.weight'], outputs: ['c'], attributes: { strides: [2, 2], auto_pad: 'SAME_UPPER' } },
          {
            op: 'BatchNormalization',
            name: '/bn1/BatchNormalization',
            inputs: ['c', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var'],
            outputs: ['b'],
          },
          { op: 'Relu', name: '/relu/Relu', inputs: ['b'], outputs: ['r'] },
          { op: 'MaxPool', name: '/maxpool/MaxPool', inputs: ['r'], outputs: ['p'], attributes: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
          { op: 'GlobalAveragePool', inputs: ['p'], outputs: ['g'] },
          { op: 'Flatten', inputs: ['g'], outputs: ['f'], attributes: { axis: 1 } },
          { op: 'Gemm', name: '/fc/Gemm', inputs: ['f', 'fc.weight', 'fc.bias'], outputs: ['logits'], attributes: { transB: 1 } },
        ],
      },
      { x: [1, 3, 17, 17] },
    );
    expect(types(imported.doc)).toEqual(['addConvolutionNd', 'BatchNorm2d', 'addActivation', 'addPoolingNd', 'addReduce', 'addShuffle', 'Linear']);
    expect(imported.doc.nodes.map((n) => n.name)).toEqual([
      '/conv1/Conv',
      '/bn1/BatchNormalization',
      '/relu/Relu',
      '/maxpool/MaxPool',
      'globalaveragepool_4',
      'flatten_5',
      '/fc/Gemm',
    ]);
    expect([...imported.weights.keys()].sort()).toEqual([
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'bn1.weight',
      'conv1.weight',
      'fc.bias',
      'fc.weight',
    ]);
  });

  test("TorchScript's shape arithmetic around Reshape is folded: Shape, Gather, Unsqueeze, Concat, Constant, Cast", async () => {
    const imported = await expectParity(
      {
        opset: 11,
        inputs: [{ name: 'x', dims: [2, 4, 3, 3] }],
        outputs: [{ name: 'y' }],
        initializers: [int64Tensor('zero', [], [0]), int64Tensor('minus_one', [1], [-1])],
        nodes: [
          { op: 'Shape', inputs: ['x'], outputs: ['s'] },
          { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attributes: { axis: 0 } },
          { op: 'Unsqueeze', inputs: ['n'], outputs: ['n1'], attributes: { axes: [0] } },
          { op: 'Constant', inputs: [], outputs: ['six'], attributes: { value: { tensor: int64Tensor('', [1], [6]) } } },
          { op: 'Cast', inputs: ['six'], outputs: ['six64'], attributes: { to: 7 } },
          { op: 'Concat', inputs: ['n1', 'six64', 'minus_one'], outputs: ['shape'], attributes: { axis: 0 } },
          { op: 'Reshape', name: 'view', inputs: ['x', 'shape'], outputs: ['y'] },
        ],
      },
      { x: [2, 4, 3, 3] },
    );
    expect(imported.doc.nodes.map((n) => [n.name, n.type, n.params.reshapeDimensions])).toEqual([['view', 'addShuffle', [2, 6, 6]]]);
  });

  test("x.view(x.size(0), -1) with a dynamic batch: the batch read by Shape becomes Reshape's 0 (copy)", async () => {
    const spec: ModelSpec = {
      opset: 13,
      inputs: [{ name: 'x', dims: ['N', 4, 3, 3] }],
      outputs: [{ name: 'y' }],
      initializers: [int64Tensor('zero', [], [0]), int64Tensor('minus_one', [1], [-1]), int64Tensor('axis0', [1], [0])],
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attributes: { axis: 0 } },
        { op: 'Unsqueeze', inputs: ['n', 'axis0'], outputs: ['n1'] },
        { op: 'Concat', inputs: ['n1', 'minus_one'], outputs: ['shape'], attributes: { axis: 0 } },
        { op: 'Reshape', name: 'view', inputs: ['x', 'shape'], outputs: ['y'] },
      ],
    };
    const imported = await expectParity(spec, { x: [2, 4, 3, 3] });
    expect(imported.doc.nodes.map((n) => [n.name, n.params.reshapeDimensions])).toEqual([['view', [0, -1]]]);
    // Arithmetic on the dynamic batch cannot be folded, and says so.
    spec.nodes.splice(2, 0, { op: 'Mul', name: 'double', inputs: ['n', 'n'], outputs: ['n2'] });
    spec.nodes[3]!.inputs = ['n2', 'axis0'];
    expect(importOnnx(buildModel(spec)).diagnostics?.map((d) => d.message)).toEqual([
      "Node 'double' (Mul) cannot be imported: it computes with a dynamic input dimension (read by Shape), which is not known at import time; only Gather, Concat, Unsqueeze, Squeeze, Slice, Cast and Reshape may carry it to a Reshape.",
    ]);
  });

  test('activations: HardSwish, HardSigmoid, Clip with inputs, LeakyRelu, Elu, Selu, Softplus, Softsign, PRelu, x·Sigmoid(x)', async () => {
    const acts = ['HardSwish', 'HardSigmoid', 'LeakyRelu', 'Elu', 'Selu', 'Softplus', 'Softsign', 'Tanh', 'Erf', 'Abs', 'Neg', 'Exp'];
    const nodes: ModelSpec['nodes'] = acts.map((op, i) => ({ op, inputs: ['x'], outputs: [`y${i}`] }));
    nodes.push({ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['clip'] });
    nodes.push({ op: 'PRelu', inputs: ['x', 'slope'], outputs: ['prelu'] });
    nodes.push({ op: 'Sigmoid', inputs: ['x'], outputs: ['sig'] }, { op: 'Mul', inputs: ['x', 'sig'], outputs: ['silu'] });
    await expectParity(
      {
        opset: 14,
        inputs: [{ name: 'x', dims: [1, 4, 3, 3] }],
        outputs: [...acts.map((_, i) => ({ name: `y${i}` })), { name: 'clip' }, { name: 'prelu' }, { name: 'silu' }],
        initializers: [floatTensor('lo', [], [-0.25]), floatTensor('hi', [], [0.5]), w('slope', [4, 1, 1])],
        nodes,
      },
      { x: [1, 4, 3, 3] },
    );
  });

  test('Mul(x, Sigmoid(x)) in either order is one SiLU layer and HardSwish the Hardswish layer; a Sigmoid read elsewhere too stays a Sigmoid', async () => {
    const imported = await expectParity(
      {
        opset: 14,
        inputs: [{ name: 'x', dims: [1, 4, 3, 3] }],
        outputs: [{ name: 'silu_a' }, { name: 'silu_b' }, { name: 'hs' }, { name: 'gated' }, { name: 'sig' }],
        nodes: [
          { op: 'Sigmoid', name: '/act1/Sigmoid', inputs: ['x'], outputs: ['s1'] },
          { op: 'Mul', name: '/act1/Mul', inputs: ['x', 's1'], outputs: ['silu_a'] },
          { op: 'Sigmoid', name: '/act2/Sigmoid', inputs: ['silu_a'], outputs: ['s2'] },
          { op: 'Mul', name: '/act2/Mul', inputs: ['s2', 'silu_a'], outputs: ['silu_b'] },
          { op: 'HardSwish', name: '/act3/HardSwish', inputs: ['silu_b'], outputs: ['hs'] },
          // The gate's output is also a graph output: no SiLU, the Sigmoid and the Mul stay.
          { op: 'Sigmoid', name: '/gate/Sigmoid', inputs: ['hs'], outputs: ['sig'] },
          { op: 'Mul', name: '/gate/Mul', inputs: ['hs', 'sig'], outputs: ['gated'] },
        ],
      },
      { x: [1, 4, 3, 3] },
    );
    expect(imported.doc.nodes.map((n) => [n.type, n.name])).toEqual([
      ['SiLU', '/act1/Sigmoid'],
      ['SiLU', '/act2/Sigmoid'],
      ['Hardswish', '/act3/HardSwish'],
      ['addActivation', '/gate/Sigmoid'],
      ['addElementWise', '/gate/Mul'],
    ]);
  });

  test('layout: Split (input sizes), Slice with steps, Concat, Transpose, Squeeze, Unsqueeze, Expand, Tile, Pad', async () => {
    await expectParity(
      {
        opset: 13,
        inputs: [{ name: 'x', dims: [1, 6, 5, 4] }],
        outputs: [{ name: 'cat' }, { name: 'sliced' }, { name: 't' }, { name: 'sq' }, { name: 'ex' }, { name: 'tiled' }, { name: 'padded' }],
        initializers: [
          int64Tensor('sizes', [2], [2, 4]),
          int64Tensor('starts', [2], [1, 3]),
          int64Tensor('ends', [2], [5, -100]),
          int64Tensor('axes', [2], [1, 2]),
          int64Tensor('steps', [2], [2, -1]),
          int64Tensor('axis0', [1], [0]),
          int64Tensor('shape', [4], [1, 6, 5, 4]),
          int64Tensor('repeats', [4], [1, 1, 2, 1]),
          int64Tensor('pads', [8], [0, 0, 1, 2, 0, 0, 2, 0]),
        ],
        nodes: [
          { op: 'Split', inputs: ['x', 'sizes'], outputs: ['a', 'b'], attributes: { axis: 1 } },
          { op: 'Concat', inputs: ['b', 'a'], outputs: ['cat'], attributes: { axis: 1 } },
          { op: 'Slice', inputs: ['x', 'starts', 'ends', 'axes', 'steps'], outputs: ['sliced'] },
          { op: 'Transpose', inputs: ['x'], outputs: ['t'], attributes: { perm: [0, 2, 3, 1] } },
          { op: 'Squeeze', inputs: ['x', 'axis0'], outputs: ['s3'] },
          { op: 'Unsqueeze', inputs: ['s3', 'axis0'], outputs: ['sq'] },
          { op: 'ReduceMean', inputs: ['x'], outputs: ['m'], attributes: { axes: [1], keepdims: 1 } },
          { op: 'Expand', inputs: ['m', 'shape'], outputs: ['ex'] },
          { op: 'Tile', inputs: ['x', 'repeats'], outputs: ['tiled'] },
          { op: 'Pad', inputs: ['x', 'pads'], outputs: ['padded'] },
        ],
      },
      { x: [1, 6, 5, 4] },
    );
  });

  test('Resize (nearest ×2, linear to sizes with half_pixel and align_corners), Softmax, ReduceL2, ArgMax, LayerNormalization, InstanceNormalization', async () => {
    await expectParity(
      {
        opset: 17,
        inputs: [{ name: 'x', dims: [1, 4, 5, 6] }],
        outputs: [{ name: 'up' }, { name: 'lin' }, { name: 'ac' }, { name: 'sm' }, { name: 'l2' }, { name: 'ln' }, { name: 'inorm' }],
        initializers: [
          floatTensor('scales', [4], [1, 1, 2, 2]),
          int64Tensor('sizes', [4], [1, 4, 7, 9]),
          w('ln.weight', [6]),
          w('ln.bias', [6]),
          w('in.weight', [4]),
          w('in.bias', [4]),
        ],
        nodes: [
          {
            op: 'Resize',
            inputs: ['x', '', 'scales'],
            outputs: ['up'],
            attributes: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' },
          },
          { op: 'Resize', inputs: ['x', '', '', 'sizes'], outputs: ['lin'], attributes: { mode: 'linear' } },
          { op: 'Resize', inputs: ['x', '', '', 'sizes'], outputs: ['ac'], attributes: { mode: 'linear', coordinate_transformation_mode: 'align_corners' } },
          { op: 'Softmax', inputs: ['x'], outputs: ['sm'], attributes: { axis: 1 } },
          { op: 'ReduceL2', inputs: ['x'], outputs: ['l2'], attributes: { axes: [2, 3], keepdims: 0 } },
          { op: 'LayerNormalization', inputs: ['x', 'ln.weight', 'ln.bias'], outputs: ['ln'], attributes: { axis: -1 } },
          { op: 'InstanceNormalization', inputs: ['x', 'in.weight', 'in.bias'], outputs: ['inorm'] },
        ],
      },
      { x: [1, 4, 5, 6] },
    );
  });

  test('more ops: ConvTranspose (output_padding), AveragePool (count_include_pad), GlobalMaxPool, Gather by indices, TopK, ArgMax, Einsum, Mean, Max, Div, Pow, LogSoftmax, Softmax (opset 12, coerced to 2-D)', async () => {
    await expectParity(
      {
        opset: 12,
        inputs: [{ name: 'x', dims: [1, 4, 6, 6] }],
        outputs: ['up', 'avg', 'gmax', 'picked', 'top', 'arg', 'ein', 'mean', 'max', 'div', 'pow', 'logsm', 'sm'].map((name) => ({ name })),
        initializers: [
          w('deconv.weight', [4, 2, 3, 3]),
          w('deconv.bias', [2]),
          int64Tensor('idx', [3], [3, 0, 2]),
          int64Tensor('k', [1], [2]),
          floatTensor('two', [], [2]),
          floatTensor('half', [1], [0.5]),
          w('e.weight', [6, 5]),
        ],
        nodes: [
          {
            op: 'ConvTranspose',
            inputs: ['x', 'deconv.weight', 'deconv.bias'],
            outputs: ['up'],
            attributes: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] },
          },
          {
            op: 'AveragePool',
            inputs: ['x'],
            outputs: ['avg'],
            attributes: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 },
          },
          { op: 'GlobalMaxPool', inputs: ['x'], outputs: ['gmax'] },
          { op: 'Gather', inputs: ['x', 'idx'], outputs: ['picked'], attributes: { axis: 1 } },
          { op: 'TopK', inputs: ['x', 'k'], outputs: ['top', 'top_i'], attributes: { axis: -1 } },
          { op: 'ArgMax', inputs: ['x'], outputs: ['arg_i'], attributes: { axis: 3, keepdims: 0 } },
          { op: 'Cast', inputs: ['arg_i'], outputs: ['arg'], attributes: { to: 1 } },
          { op: 'Einsum', inputs: ['x', 'e.weight'], outputs: ['ein'], attributes: { equation: 'nchw,wv->nchv' } },
          { op: 'Sigmoid', inputs: ['x'], outputs: ['sig'] },
          { op: 'Mean', inputs: ['x', 'x', 'sig'], outputs: ['mean'] },
          { op: 'Max', inputs: ['x', 'two'], outputs: ['max'] },
          { op: 'Div', inputs: ['x', 'two'], outputs: ['div'] },
          { op: 'Abs', inputs: ['x'], outputs: ['ax'] },
          { op: 'Pow', inputs: ['ax', 'half'], outputs: ['pow'] },
          { op: 'LogSoftmax', inputs: ['x'], outputs: ['logsm'], attributes: { axis: 3 } },
          { op: 'Softmax', inputs: ['x'], outputs: ['sm'], attributes: { axis: 1 } },
        ],
      },
      { x: [1, 4, 6, 6] },
    );
  });

  test('older forms: Split with a split attribute (opset 11), Upsample (opset 9), Where over a comparison, Not, ReduceMax/Min/Prod', async () => {
    await expectParity(
      {
        opset: 11,
        inputs: [{ name: 'x', dims: [1, 6, 4, 4] }],
        outputs: ['s0', 's1', 's2', 'picked', 'rmax', 'rmin', 'rprod'].map((name) => ({ name })),
        initializers: [floatTensor('zero', [], [0])],
        nodes: [
          { op: 'Split', inputs: ['x'], outputs: ['s0', 's1', 's2'], attributes: { axis: 1, split: [1, 2, 3] } },
          { op: 'Less', inputs: ['x', 'zero'], outputs: ['neg'] },
          { op: 'Not', inputs: ['neg'], outputs: ['nonneg'] },
          { op: 'Neg', inputs: ['x'], outputs: ['minus'] },
          { op: 'Where', inputs: ['nonneg', 'x', 'minus'], outputs: ['picked'] },
          { op: 'ReduceMax', inputs: ['x'], outputs: ['rmax'], attributes: { axes: [1] } },
          { op: 'ReduceMin', inputs: ['x'], outputs: ['rmin'], attributes: { axes: [-1], keepdims: 0 } },
          { op: 'ReduceProd', inputs: ['x'], outputs: ['rprod'], attributes: { axes: [2, 3] } },
        ],
      },
      { x: [1, 6, 4, 4] },
    );
    await expectParity(
      {
        opset: 9,
        inputs: [{ name: 'x', dims: [1, 2, 3, 3] }],
        outputs: [{ name: 'up' }],
        initializers: [floatTensor('scales', [4], [1, 1, 2, 3])],
        nodes: [{ op: 'Upsample', inputs: ['x', 'scales'], outputs: ['up'], attributes: { mode: 'nearest' } }],
      },
      { x: [1, 2, 3, 3] },
    );
  });

  test("MaxPool and AveragePool with ceil_mode whose last window would start in the padding (PyTorch's rule: it is dropped)", async () => {
    const imported = await expectParity(
      {
        opset: 17,
        inputs: [{ name: 'x', dims: [1, 2, 5, 5] }],
        outputs: [{ name: 'mx' }, { name: 'av' }, { name: 'kept' }],
        nodes: [
          { op: 'MaxPool', inputs: ['x'], outputs: ['mx'], attributes: { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 } },
          { op: 'AveragePool', inputs: ['x'], outputs: ['av'], attributes: { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 } },
          { op: 'MaxPool', inputs: ['x'], outputs: ['kept'], attributes: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
        ],
      },
      { x: [1, 2, 5, 5] },
    );
    expect(imported.doc.nodes.map((n) => [n.params.paddingMode, n.params.postPadding])).toEqual([
      ['EXPLICIT_ROUND_DOWN', [1, 1]],
      ['EXPLICIT_ROUND_DOWN', [1, 1]],
      ['EXPLICIT_ROUND_UP', [0, 0]],
    ]);
  });

  test('Conv + BatchNormalization + activation become ConvBnAct (SiLU, ReLU6), and a per-channel Mul + Add a CHANNEL scale', async () => {
    const bn = (p: string, c: number) => [w(`${p}.weight`, [c]), w(`${p}.bias`, [c]), w(`${p}.running_mean`, [c]), w(`${p}.running_var`, [c])];
    const bnInputs = (p: string) => [`${p}.weight`, `${p}.bias`, `${p}.running_mean`, `${p}.running_var`];
    const imported = await expectParity(
      {
        inputs: [{ name: 'x', dims: [1, 3, 8, 8] }],
        outputs: [{ name: 'y' }, { name: 'scaled' }],
        initializers: [
          w('c0.weight', [6, 3, 3, 3]),
          ...bn('bn0', 6),
          w('c1.weight', [4, 6, 1, 1]),
          ...bn('bn1', 4),
          floatTensor('zero', [], [0]),
          floatTensor('six', [], [6]),
          w('s.weight', [3, 1, 1]),
          w('s.bias', [1, 3, 1, 1]),
        ],
        nodes: [
          { op: 'Conv', name: 'stem', inputs: ['x', 'c0.weight'], outputs: ['c0'], attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] } },
          { op: 'BatchNormalization', inputs: ['c0', ...bnInputs('bn0')], outputs: ['b0'], attributes: { epsilon: 1e-3 } },
          { op: 'Sigmoid', inputs: ['b0'], outputs: ['g0'] },
          { op: 'Mul', inputs: ['b0', 'g0'], outputs: ['a0'] },
          { op: 'Conv', name: 'project', inputs: ['a0', 'c1.weight'], outputs: ['c1'] },
          { op: 'BatchNormalization', inputs: ['c1', ...bnInputs('bn1')], outputs: ['b1'] },
          { op: 'Clip', inputs: ['b1', 'zero', 'six'], outputs: ['y'] },
          { op: 'Mul', name: 'affine', inputs: ['x', 's.weight'], outputs: ['m'] },
          { op: 'Add', inputs: ['m', 's.bias'], outputs: ['scaled'] },
        ],
      },
      { x: [1, 3, 8, 8] },
    );
    expect(imported.doc.nodes.map((n) => [n.name, n.type, n.params.activation ?? n.params.mode])).toEqual([
      ['stem', 'ConvBnAct', 'SILU'],
      ['project', 'ConvBnAct', 'RELU6'],
      ['affine', 'addScale', 'CHANNEL'],
    ]);
    expect(imported.doc.bindings[imported.doc.nodes[0]!.id]).toEqual({
      '0.weight': 'c0.weight',
      '1.weight': 'bn0.weight',
      '1.bias': 'bn0.bias',
      '1.running_mean': 'bn0.running_mean',
      '1.running_var': 'bn0.running_var',
    });
    expect(imported.doc.bindings[imported.doc.nodes[2]!.id]).toEqual({ scale: 's.weight', shift: 's.bias' });
  });

  test('MatMul with a transposed initializer and its bias Add becomes one Linear named after the MatMul', async () => {
    const imported = await expectParity(
      {
        inputs: [{ name: 'x', dims: [2, 5] }],
        outputs: [{ name: 'y' }, { name: 'sum' }],
        initializers: [w('proj.weight', [3, 5]), w('proj.bias', [3])],
        nodes: [
          { op: 'Transpose', inputs: ['proj.weight'], outputs: ['wt'], attributes: { perm: [1, 0] } },
          { op: 'MatMul', name: 'proj', inputs: ['x', 'wt'], outputs: ['xw'] },
          { op: 'Add', inputs: ['xw', 'proj.bias'], outputs: ['y'] },
          { op: 'Sum', inputs: ['y', 'y', 'y'], outputs: ['sum'] },
        ],
      },
      { x: [2, 5] },
    );
    expect(imported.doc.nodes.map((n) => [n.name, n.type])).toEqual([
      ['proj', 'Linear'],
      ['sum_3', 'addElementWise'],
      ['sum_3/sum1', 'addElementWise'],
    ]);
    expect(imported.doc.bindings[imported.doc.nodes[0]!.id]).toEqual({ weight: 'proj.weight', bias: 'proj.bias' });
  });

  test('Concat with a dynamic batch (DenseNet, GoogLeNet) keeps every input; only empty ones are dropped', async () => {
    const imported = await expectParity(
      {
        inputs: [{ name: 'x', dims: ['batch', 2, 3] }],
        outputs: [{ name: 'y' }],
        initializers: [floatTensor('empty', [1, 0, 3], [])],
        nodes: [
          { op: 'Relu', name: 'relu', inputs: ['x'], outputs: ['r'] },
          { op: 'Concat', name: 'cat', inputs: ['x', 'empty', 'r'], outputs: ['y'], attributes: { axis: 1 } },
        ],
      },
      { x: [1, 2, 3] },
    );
    expect(imported.doc.nodes.map((n) => [n.name, n.type, n.params.axis])).toEqual([
      ['relu', 'addActivation', undefined],
      ['cat', 'addConcatenation', 1],
    ]);
  });
});

describe('what cannot be imported is said once, in full', () => {
  test('every unsupported op is listed with its nodes and the opset, and nothing is imported', () => {
    const bytes = buildModel({
      opset: 17,
      inputs: [{ name: 'x', dims: [1, 4] }],
      outputs: [{ name: 'z' }],
      nodes: [
        { op: 'NonZero', name: 'nz1', inputs: ['x'], outputs: ['a'] },
        { op: 'NonZero', name: 'nz2', inputs: ['x'], outputs: ['b'] },
        { op: 'Relu', inputs: ['x'], outputs: ['c'] },
        { op: 'FancyOp', name: 'fancy', domain: 'com.example', inputs: ['c'], outputs: ['z'] },
      ],
    });
    const result = importOnnx(bytes);
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'onnx.import.unsupported',
        message: "The model (opset 17) uses 2 ops that cannot be imported, in 3 nodes: NonZero ×2 ('nz1', 'nz2'); com.example::FancyOp ×1 ('fancy').",
      },
    ]);
  });

  test('a node that cannot be mapped is named with the reason', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 4, 3, 3] }],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'Pad', name: 'reflect', inputs: ['x', 'pads'], outputs: ['y'], attributes: { mode: 'reflect' } }],
      initializers: [int64Tensor('pads', [8], [0, 0, 1, 1, 0, 0, 1, 1])],
    });
    const result = importOnnx(bytes);
    expect(result.diagnostics?.map((d) => d.message)).toEqual([
      "Node 'reflect' (Pad) cannot be imported: its mode is 'reflect'; TensorRT's padding layer pads with zeros (mode 'constant').",
    ]);
  });

  test('a file cut short, or bytes that are not a model, are refused as a file', () => {
    const whole = buildModel({ inputs: [{ name: 'x', dims: [1, 4] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] });
    const cut = importOnnx(whole.subarray(0, whole.length - 7));
    expect(cut.diagnostics).toEqual([
      { severity: 'error', code: 'onnx.file', message: 'The file is not an ONNX model: its protobuf cannot be decoded (index out of range: 78 + 10 > 78).' },
    ]);
    expect(importOnnx(new TextEncoder().encode('hello')).diagnostics?.[0]?.message).toBe(
      'The file is not an ONNX model: its protobuf cannot be decoded (invalid wire type 4 at offset 3).',
    );
    // A valid protobuf that holds no graph.
    expect(importOnnx(new Uint8Array([0x08, 0x07])).diagnostics?.[0]?.message).toBe('The file is not an ONNX model: it has no graph or no opset_import.');
  });
});

describe('inputs and weights', () => {
  test('a dynamic batch dimension becomes -1 and keeps its ONNX name', () => {
    const bytes = buildModel({
      inputs: [{ name: 'images', dims: ['batch', 3, 8, 8] }],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'Relu', inputs: ['images'], outputs: ['y'] }],
    });
    const result = importOnnx(bytes);
    if (!result.ok) throw new Error(result.diagnostics[0]!.message);
    expect(result.value.doc.inputs.map((i) => [i.name, i.dims])).toEqual([['images', [-1, 3, 8, 8]]]);
    expect(result.value.dynamicDims).toEqual([{ input: 'images', axis: 0, name: 'batch' }]);
    expect(result.value.doc.inputs[0]!.dimNames).toEqual(['batch', '', '', '']);
  });

  test('an initializer in an external data file is read from it, by offset and length', () => {
    const values = Float32Array.from([1, -2, 3, -4]);
    const file = new Uint8Array(8 + values.byteLength);
    file.set(new Uint8Array(values.buffer), 8);
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 4] }],
      outputs: [{ name: 'y' }],
      initializers: [
        {
          name: 'scale',
          dims: [1, 4],
          dataType: 1,
          dataLocation: 1,
          externalData: [
            { key: 'location', value: 'weights.bin' },
            { key: 'offset', value: '8' },
            { key: 'length', value: '16' },
          ],
        },
      ],
      nodes: [{ op: 'Mul', inputs: ['x', 'scale'], outputs: ['y'] }],
    });
    const result = importOnnx(bytes, { readExternal: (location) => (location === 'weights.bin' ? file : undefined) });
    if (!result.ok) throw new Error(result.diagnostics[0]!.message);
    expect(Array.from(result.value.weights.get('scale')!)).toEqual([1, -2, 3, -4]);
    expect(importOnnx(bytes).diagnostics?.[0]?.message).toBe("Initializer 'scale' keeps its data in 'weights.bin' next to the model, which cannot be read.");
  });

  test('FLOAT raw_data is viewed in the file when 4-byte aligned, and copied once when not', () => {
    const values = Float32Array.from([1.5, 2.5, 3.5, 4.5]);
    const encoded = buildModel({
      inputs: [{ name: 'x', dims: [1, 4] }],
      outputs: [{ name: 'y' }],
      initializers: [floatTensor('scale', [1, 4], values)],
      nodes: [{ op: 'Mul', inputs: ['x', 'scale'], outputs: ['y'] }],
    });
    const needle = new Uint8Array(values.buffer);
    const at = encoded.findIndex((_, i) => needle.every((b, k) => encoded[i + k] === b));
    for (const misalign of [0, 1]) {
      // Place the file so that the tensor's bytes start at an aligned (or misaligned) address.
      const shift = (4 - (at % 4) + misalign) % 4;
      const bytes = new Uint8Array(new ArrayBuffer(encoded.length + shift), shift, encoded.length);
      bytes.set(encoded);
      const result = importOnnx(bytes);
      if (!result.ok) throw new Error(result.diagnostics[0]!.message);
      const scale = result.value.weights.get('scale')!;
      expect(Array.from(scale)).toEqual([1.5, 2.5, 3.5, 4.5]);
      expect(scale.buffer === bytes.buffer).toBe(misalign === 0);
    }
  });
});
