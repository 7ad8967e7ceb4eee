// The C++ emitters: for each TensorRT op, the lines of the generated program that add its layer and set its options.
import type { ProgramOp } from '../program/types.js';
import { axesMask, floatLiteral, normaliseAxis, OpParams, stringLiteral } from './common.js';

export interface CppOp {
  layer: string;
  p: OpParams;
  op: ProgramOp;
  /** `*x` for the tensor on an input port. */
  input(port: string): string;
  optionalInput(port: string): string | undefined;
  /** The variable names of `port.0`, `port.1`, ... */
  variadic(port: string): string[];
  /** `weights.get("w3")`, or `weights.empty()` for an unbound optional slot. */
  weights(slot: string, optional?: boolean): string;
  rank(port: string): number;
}

export const dims = (values: readonly number[]): string => `dims({${values.join(', ')}})`;
const bool = (value: boolean): string => (value ? 'true' : 'false');

function windowOptions(c: CppOp, withDilation: boolean): string[] {
  const lines = [
    `${c.layer}->setStrideNd(${dims(c.p.ints('stride'))});`,
    `${c.layer}->setPrePadding(${dims(c.p.ints('prePadding'))});`,
    `${c.layer}->setPostPadding(${dims(c.p.ints('postPadding'))});`,
    `${c.layer}->setPaddingMode(PaddingMode::k${c.p.enumName('paddingMode')});`,
  ];
  if (withDilation) lines.push(`${c.layer}->setDilationNd(${dims(c.p.ints('dilation'))});`);
  return lines;
}

function permutation(c: CppOp, name: string, rank: number): number[] | undefined {
  const order = c.p.ints(name);
  if (order.length === 0 || order.every((v, i) => v === i)) return undefined;
  if (order.length !== rank)
    throw new Error(`Layer '${c.op.layerName}' (addShuffle): parameter '${name}' has ${order.length} values for a tensor of rank ${rank}.`);
  return order;
}

/** The array declaration and call arguments for a variadic input. */
function variadicArray(c: CppOp, port: string): { declare: string; array: string; count: number } {
  const vars = c.variadic(port);
  const array = `${c.layer}_inputs`;
  return { declare: `ITensor* ${array}[] = {${vars.join(', ')}};`, array, count: vars.length };
}

/** One emitter per op: the lines that declare `c.layer` (checked non-null by `added`) and set its options. */
export const CPP_EMITTERS: Record<string, (c: CppOp) => string[]> = {
  addActivation: (c) => [
    `auto* ${c.layer} = added(network.addActivation(${c.input('input')}, ActivationType::k${c.p.enumName('type')}), ${stringLiteral(c.op.layerName)});`,
    `${c.layer}->setAlpha(${floatLiteral(c.p.num('alpha'))}f);`,
    `${c.layer}->setBeta(${floatLiteral(c.p.num('beta'))}f);`,
  ],
  // A cast to FLOAT feeds layers computing in the network's type (`type`, HALF under --fp16), as in the bridge.
  addCast: (c) => {
    const toType = c.p.enumName('toType');
    return [
      `auto* ${c.layer} = added(network.addCast(${c.input('input')}, ${toType === 'FLOAT' ? 'type' : `DataType::k${toType}`}), ${stringLiteral(c.op.layerName)});`,
    ];
  },
  addConcatenation: (c) => {
    const v = variadicArray(c, 'inputs');
    return [
      v.declare,
      `auto* ${c.layer} = added(network.addConcatenation(${v.array}, ${v.count}), ${stringLiteral(c.op.layerName)});`,
      `${c.layer}->setAxis(${normaliseAxis(c.op, c.p.int('axis'), c.rank('inputs.0'), 'axis')});`,
    ];
  },
  addConstant: (c) => [
    `auto* ${c.layer} = added(network.addConstant(${dims(c.p.ints('dimensions'))}, ${c.weights('weights')}), ${stringLiteral(c.op.layerName)});`,
  ],
  addConvolutionNd: (c) => [
    `auto* ${c.layer} = added(network.addConvolutionNd(${c.input('input')}, ${c.p.int('nbOutputMaps')}, ${dims(c.p.ints('kernelSize'))}, ${c.weights('kernel')}, ${c.weights('bias', true)}), ${stringLiteral(c.op.layerName)});`,
    ...windowOptions(c, true),
    `${c.layer}->setNbGroups(${c.p.int('nbGroups')});`,
  ],
  addDeconvolutionNd: (c) => [
    `auto* ${c.layer} = added(network.addDeconvolutionNd(${c.input('input')}, ${c.p.int('nbOutputMaps')}, ${dims(c.p.ints('kernelSize'))}, ${c.weights('kernel')}, ${c.weights('bias', true)}), ${stringLiteral(c.op.layerName)});`,
    ...windowOptions(c, true),
    `${c.layer}->setNbGroups(${c.p.int('nbGroups')});`,
  ],
  addEinsum: (c) => {
    const v = variadicArray(c, 'inputs');
    return [
      v.declare,
      `auto* ${c.layer} = added(network.addEinsum(${v.array}, ${v.count}, ${stringLiteral(c.p.str('equation'))}), ${stringLiteral(c.op.layerName)});`,
    ];
  },
  addElementWise: (c) => [
    `auto* ${c.layer} = added(network.addElementWise(${c.input('input1')}, ${c.input('input2')}, ElementWiseOperation::k${c.p.enumName('operation')}), ${stringLiteral(c.op.layerName)});`,
  ],
  addGatherV2: (c) => {
    const mode = c.p.enumName('mode');
    const lines = [
      `auto* ${c.layer} = added(network.addGatherV2(${c.input('data')}, ${c.input('indices')}, GatherMode::k${mode}), ${stringLiteral(c.op.layerName)});`,
    ];
    if (mode !== 'ND') lines.push(`${c.layer}->setGatherAxis(${normaliseAxis(c.op, c.p.int('axis'), c.rank('data'), 'axis')});`);
    lines.push(`${c.layer}->setNbElementWiseDims(${c.p.int('nbElementWiseDims')});`);
    return lines;
  },
  addIdentity: (c) => [`auto* ${c.layer} = added(network.addIdentity(${c.input('input')}), ${stringLiteral(c.op.layerName)});`],
  addLRN: (c) => [
    `auto* ${c.layer} = added(network.addLRN(${c.input('input')}, ${c.p.int('window')}, ${floatLiteral(c.p.num('alpha'))}f, ${floatLiteral(c.p.num('beta'))}f, ${floatLiteral(c.p.num('k'))}f), ${stringLiteral(c.op.layerName)});`,
  ],
  addMatrixMultiply: (c) => [
    `auto* ${c.layer} = added(network.addMatrixMultiply(${c.input('input0')}, MatrixOperation::k${c.p.enumName('op0')}, ${c.input('input1')}, MatrixOperation::k${c.p.enumName('op1')}), ${stringLiteral(c.op.layerName)});`,
  ],
  addNMS: (c) => {
    // The box limit and thresholds are scalar tensors in TensorRT (inputs 2, 3 and 4); static arrays outlive the build.
    // Boxes and scores go in as they are: FLOAT or HALF here (the bridge casts a BF16 network's to FLOAT).
    const name = (suffix: string) => stringLiteral(`${c.op.layerName}.${suffix}`);
    const call = (indices: string) =>
      `auto* ${c.layer} = added(network.addNMS(${c.input('boxes')}, ${c.input('scores')}, *${c.layer}Max->getOutput(0)${indices}), ${stringLiteral(c.op.layerName)});`;
    const type = c.p.enumName('indicesType');
    const lines = [
      `static int32_t const ${c.layer}MaxValue[] = {${c.p.int('maxOutputBoxesPerClass')}};`,
      `static float const ${c.layer}Thresholds[] = {${floatLiteral(c.p.num('iouThreshold'))}f, ${floatLiteral(c.p.num('scoreThreshold'))}f};`,
      `auto* ${c.layer}Max = added(network.addConstant(Dims{}, Weights{DataType::kINT32, ${c.layer}MaxValue, 1}), ${name('maxOutputBoxesPerClass')});`,
      `auto* ${c.layer}Iou = added(network.addConstant(Dims{}, Weights{DataType::kFLOAT, &${c.layer}Thresholds[0], 1}), ${name('iouThreshold')});`,
      `auto* ${c.layer}Score = added(network.addConstant(Dims{}, Weights{DataType::kFLOAT, &${c.layer}Thresholds[1], 1}), ${name('scoreThreshold')});`,
    ];
    // The overload without indicesType is deprecated from 10.14 on; before 10.14 it is the only one (INT32 indices).
    if (type !== 'INT32') lines.push(call(`, DataType::k${type}`));
    else lines.push('#if NV_TENSORRT_VERSION >= NV_TENSORRT_VERSION_INT(10, 14, 0)', call(', DataType::kINT32'), '#else', call(''), '#endif');
    lines.push(
      `${c.layer}->setBoundingBoxFormat(BoundingBoxFormat::k${c.p.enumName('boundingBoxFormat')});`,
      `${c.layer}->setTopKBoxLimit(${c.p.int('topKBoxLimit')});`,
      `${c.layer}->setInput(3, *${c.layer}Iou->getOutput(0));`,
      `${c.layer}->setInput(4, *${c.layer}Score->getOutput(0));`,
    );
    return lines;
  },
  addNormalizationV2: (c) => [
    `auto* ${c.layer} = added(network.addNormalizationV2(${c.input('input')}, ${c.input('scale')}, ${c.input('bias')}, ${axesMask(c.op, c.p.ints('axes'), c.rank('input'), 'axes')}U), ${stringLiteral(c.op.layerName)});`,
    `${c.layer}->setEpsilon(${floatLiteral(c.p.num('epsilon'))}f);`,
    `${c.layer}->setNbGroups(${c.p.int('nbGroups')});`,
  ],
  addPaddingNd: (c) => [
    `auto* ${c.layer} = added(network.addPaddingNd(${c.input('input')}, ${dims(c.p.ints('prePadding'))}, ${dims(c.p.ints('postPadding'))}), ${stringLiteral(c.op.layerName)});`,
  ],
  addParametricReLU: (c) => [
    `auto* ${c.layer} = added(network.addParametricReLU(${c.input('input')}, ${c.input('slope')}), ${stringLiteral(c.op.layerName)});`,
  ],
  addPoolingNd: (c) => [
    `auto* ${c.layer} = added(network.addPoolingNd(${c.input('input')}, PoolingType::k${c.p.enumName('type')}, ${dims(c.p.ints('windowSize'))}), ${stringLiteral(c.op.layerName)});`,
    ...windowOptions(c, false),
    `${c.layer}->setAverageCountExcludesPadding(${bool(c.p.bool('averageCountExcludesPadding'))});`,
    `${c.layer}->setBlendFactor(${floatLiteral(c.p.num('blendFactor'))}f);`,
  ],
  addReduce: (c) => [
    `auto* ${c.layer} = added(network.addReduce(${c.input('input')}, ReduceOperation::k${c.p.enumName('operation')}, ${axesMask(c.op, c.p.ints('axes'), c.rank('input'), 'axes')}U, ${bool(c.p.bool('keepDimensions'))}), ${stringLiteral(c.op.layerName)});`,
  ],
  addResize: (c) => {
    const lines = [
      `auto* ${c.layer} = added(network.addResize(${c.input('input')}), ${stringLiteral(c.op.layerName)});`,
      `${c.layer}->setResizeMode(InterpolationMode::k${c.p.enumName('resizeMode')});`,
      `${c.layer}->setCoordinateTransformation(ResizeCoordinateTransformation::k${c.p.enumName('coordinateTransformation')});`,
      `${c.layer}->setNearestRounding(ResizeRoundMode::k${c.p.enumName('nearestRounding')});`,
      `${c.layer}->setSelectorForSinglePixel(ResizeSelector::k${c.p.enumName('selectorForSinglePixel')});`,
      `${c.layer}->setCubicCoeff(${floatLiteral(c.p.num('cubicCoeff'))}f);`,
      `${c.layer}->setExcludeOutside(${bool(c.p.bool('excludeOutside'))});`,
    ];
    const outputDimensions = c.p.ints('outputDimensions');
    if (outputDimensions.length > 0) lines.push(`${c.layer}->setOutputDimensions(${dims(outputDimensions)});`);
    else {
      const scales = c.p.nums('scales');
      lines.push(`float const ${c.layer}_scales[] = {${scales.map((s) => `${floatLiteral(s)}f`).join(', ')}};`);
      lines.push(`${c.layer}->setScales(${c.layer}_scales, ${scales.length});`);
    }
    return lines;
  },
  addScale: (c) => [
    `auto* ${c.layer} = added(network.addScaleNd(${c.input('input')}, ScaleMode::k${c.p.enumName('mode')}, ${c.weights('shift', true)}, ${c.weights('scale', true)}, ${c.weights('power', true)}, ${c.p.int('channelAxis')}), ${stringLiteral(c.op.layerName)});`,
  ],
  addSelect: (c) => [
    `auto* ${c.layer} = added(network.addSelect(${c.input('condition')}, ${c.input('thenInput')}, ${c.input('elseInput')}), ${stringLiteral(c.op.layerName)});`,
  ],
  addShape: (c) => [`auto* ${c.layer} = added(network.addShape(${c.input('input')}), ${stringLiteral(c.op.layerName)});`],
  addShuffle: (c) => {
    const lines = [`auto* ${c.layer} = added(network.addShuffle(${c.input('input')}), ${stringLiteral(c.op.layerName)});`];
    const first = permutation(c, 'firstTranspose', c.rank('input'));
    if (first) lines.push(`${c.layer}->setFirstTranspose(permutation({${first.join(', ')}}));`);
    const reshape = c.p.ints('reshapeDimensions');
    if (reshape.length > 0) lines.push(`${c.layer}->setReshapeDimensions(${dims(reshape)});`);
    const second = permutation(c, 'secondTranspose', reshape.length > 0 ? reshape.length : c.rank('input'));
    if (second) lines.push(`${c.layer}->setSecondTranspose(permutation({${second.join(', ')}}));`);
    lines.push(`${c.layer}->setZeroIsPlaceholder(${bool(c.p.bool('zeroIsPlaceholder'))});`);
    return lines;
  },
  addSlice: (c) => {
    const lines = [
      `auto* ${c.layer} = added(network.addSlice(${c.input('input')}, ${dims(c.p.ints('start'))}, ${dims(c.p.ints('size'))}, ${dims(c.p.ints('stride'))}), ${stringLiteral(c.op.layerName)});`,
      `${c.layer}->setMode(SampleMode::k${c.p.enumName('mode')});`,
    ];
    const fill = c.optionalInput('fillValue');
    if (fill) lines.push(`${c.layer}->setInput(4, ${fill});`);
    return lines;
  },
  addSoftMax: (c) => [
    `auto* ${c.layer} = added(network.addSoftMax(${c.input('input')}), ${stringLiteral(c.op.layerName)});`,
    `${c.layer}->setAxes(${axesMask(c.op, c.p.ints('axes'), c.rank('input'), 'axes')}U);`,
  ],
  addSqueeze: (c) => [
    `auto* ${c.layer} = added(network.addSqueeze(${c.input('input')}, axesConstant(network, weights, {${c.p.ints('axes').join(', ')}}, ${stringLiteral(c.op.layerName)}, ${stringLiteral(c.op.nodeId)})), ${stringLiteral(c.op.layerName)});`,
  ],
  addTopK: (c) => {
    const call = (indices: string) =>
      `auto* ${c.layer} = added(network.addTopK(${c.input('input')}, TopKOperation::k${c.p.enumName('operation')}, ${c.p.int('k')}, ${axesMask(c.op, c.p.ints('axes'), c.rank('input'), 'axes')}U${indices}), ${stringLiteral(c.op.layerName)});`;
    const type = c.p.enumName('indicesType');
    // The overload without indicesType is deprecated from 10.14 on; before 10.14 it is the only one (INT32 indices).
    if (type !== 'INT32') return [call(`, DataType::k${type}`)];
    return ['#if NV_TENSORRT_VERSION >= NV_TENSORRT_VERSION_INT(10, 14, 0)', call(', DataType::kINT32'), '#else', call(''), '#endif'];
  },
  addUnary: (c) => [
    `auto* ${c.layer} = added(network.addUnary(${c.input('input')}, UnaryOperation::k${c.p.enumName('operation')}), ${stringLiteral(c.op.layerName)});`,
  ],
  addUnsqueeze: (c) => [
    `auto* ${c.layer} = added(network.addUnsqueeze(${c.input('input')}, axesConstant(network, weights, {${c.p.ints('axes').join(', ')}}, ${stringLiteral(c.op.layerName)}, ${stringLiteral(c.op.nodeId)})), ${stringLiteral(c.op.layerName)});`,
  ],
};
