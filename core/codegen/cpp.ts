/**
 * `TrtProgram` → a C++ program in tensorrtx's style for TensorRT 10 and 11: `loadWeights` for the
 * `.wts` file, the derived weights recomputed, one `network.addXxx` call per op with the layer
 * named after its canvas node, `-s` to build and serialize the engine and `-d` to run it once; and
 * the CMakeLists.txt that builds it.
 */
import { fail, ok, type Result } from '../diagnostics.js';
import type { ProgramOp, ProgramWeight, TrtProgram } from '../program/types.js';
import {
  axesMask,
  checkProgram,
  commentText,
  floatLiteral,
  Namer,
  normaliseAxis,
  OP_MIN_VERSION,
  OpParams,
  outputPorts,
  resolveOptions,
  stringLiteral,
  tensorRanks,
  type CodegenOptions,
} from './common.js';

interface CppOp {
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

const dims = (values: readonly number[]): string => `dims({${values.join(', ')}})`;
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
  addCast: (c) => [`auto* ${c.layer} = added(network.addCast(${c.input('input')}, DataType::k${c.p.enumName('toType')}), ${stringLiteral(c.op.layerName)});`],
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

function weightStatement(weight: ProgramWeight): string {
  const r = weight.recipe;
  const id = stringLiteral(weight.id);
  switch (r.kind) {
    case 'tensor':
      return `weights.add(${id}, weights.tensor(${stringLiteral(r.tensor)}, ${weight.count}));`;
    case 'batchNormScale':
      return `weights.add(${id}, weights.bnScale(${stringLiteral(r.gamma)}, ${stringLiteral(r.var)}, ${floatLiteral(r.eps)}, ${weight.count}));`;
    case 'batchNormShift':
      return `weights.add(${id}, weights.bnShift(${stringLiteral(r.gamma)}, ${stringLiteral(r.beta)}, ${stringLiteral(r.mean)}, ${stringLiteral(r.var)}, ${floatLiteral(r.eps)}, ${weight.count}));`;
  }
}

const PRELUDE = `#include <NvInfer.h>
#include <cuda_runtime_api.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace nvinfer1;

#define CHECK(status)                                                                          \\
  do {                                                                                         \\
    cudaError_t error_ = (status);                                                             \\
    if (error_ != cudaSuccess) {                                                               \\
      std::cerr << "CUDA error: " << cudaGetErrorString(error_) << " at line " << __LINE__ << std::endl; \\
      std::exit(1);                                                                            \\
    }                                                                                          \\
  } while (0)

namespace {

class Logger : public ILogger {
 public:
  void log(Severity severity, AsciiChar const* message) noexcept override {
    if (severity <= Severity::kWARNING) std::cerr << message << std::endl;
  }
};

Logger gLogger;

// tensorrtx's .wts loader: a count line, then \`name count hex...\` per tensor (big-endian float32 bits).
std::map<std::string, std::vector<float>> loadWeights(std::string const& file) {
  std::cout << "Loading weights: " << file << std::endl;
  std::map<std::string, std::vector<float>> weightMap;
  std::ifstream input(file);
  if (!input.is_open()) {
    std::cerr << "Unable to open the weights file " << file << std::endl;
    std::exit(1);
  }
  int32_t count = 0;
  input >> count;
  if (!input || count <= 0) {
    std::cerr << file << ": the first line must be the number of tensors." << std::endl;
    std::exit(1);
  }
  while (count--) {
    std::string name;
    uint32_t size = 0;
    input >> name >> std::dec >> size;
    std::vector<float> values(size);
    for (uint32_t x = 0; x < size; ++x) {
      uint32_t bits = 0;
      input >> std::hex >> bits;
      std::memcpy(&values[x], &bits, sizeof(bits));
    }
    input >> std::dec;
    if (!input) {
      std::cerr << file << ": tensor '" << name << "' is truncated or not hexadecimal." << std::endl;
      std::exit(1);
    }
    weightMap[name] = std::move(values);
  }
  return weightMap;
}

// IEEE half from float, rounding to nearest even (for --fp16 weights).
uint16_t toHalf(float value) {
  uint32_t x = 0;
  std::memcpy(&x, &value, sizeof(x));
  uint32_t const sign = (x >> 16) & 0x8000u;
  uint32_t mantissa = x & 0x7fffffu;
  int32_t const exponent = static_cast<int32_t>((x >> 23) & 0xffu);
  if (exponent == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (mantissa != 0 ? 0x200u : 0u));
  int32_t const e = exponent - 127 + 15;
  if (e >= 0x1f) return static_cast<uint16_t>(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return static_cast<uint16_t>(sign);
    mantissa |= 0x800000u;
    uint32_t const shift = static_cast<uint32_t>(14 - e);
    uint32_t half = mantissa >> shift;
    uint32_t const rest = mantissa & ((1u << shift) - 1u);
    uint32_t const middle = 1u << (shift - 1u);
    if (rest > middle || (rest == middle && (half & 1u) != 0)) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = (static_cast<uint32_t>(e) << 10) | (mantissa >> 13);
  uint32_t const rest = mantissa & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u) != 0)) ++half;
  return static_cast<uint16_t>(sign | half);
}

// Every weight the network reads, by program weight id, kept alive until the engine is built.
class WeightStore {
 public:
  WeightStore(std::map<std::string, std::vector<float>> wts, DataType type) : mWts(std::move(wts)), mType(type) {}

  std::vector<float> const& tensor(std::string const& name, size_t count) const {
    auto it = mWts.find(name);
    if (it == mWts.end()) {
      std::cerr << "The weights file has no tensor '" << name << "'." << std::endl;
      std::exit(1);
    }
    if (it->second.size() != count) {
      std::cerr << "Tensor '" << name << "' has " << it->second.size() << " values; the network expects " << count << "." << std::endl;
      std::exit(1);
    }
    return it->second;
  }

  // BatchNorm folded into a scale: gamma / sqrt(var + eps), in double like TRT Studio.
  std::vector<float> bnScale(std::string const& gamma, std::string const& var, double eps, size_t count) const {
    auto const& g = tensor(gamma, count);
    auto const& v = tensor(var, count);
    std::vector<float> scale(count);
    for (size_t i = 0; i < count; ++i) scale[i] = static_cast<float>(g[i] / std::sqrt(static_cast<double>(v[i]) + eps));
    return scale;
  }

  // BatchNorm folded into a shift: beta - mean * gamma / sqrt(var + eps).
  std::vector<float> bnShift(std::string const& gamma, std::string const& beta, std::string const& mean, std::string const& var, double eps,
                             size_t count) const {
    auto const& g = tensor(gamma, count);
    auto const& b = tensor(beta, count);
    auto const& m = tensor(mean, count);
    auto const& v = tensor(var, count);
    std::vector<float> shift(count);
    for (size_t i = 0; i < count; ++i)
      shift[i] = static_cast<float>(b[i] - static_cast<double>(m[i]) * g[i] / std::sqrt(static_cast<double>(v[i]) + eps));
    return shift;
  }

  void add(std::string const& id, std::vector<float> values) {
    if (mType == DataType::kHALF) {
      std::vector<uint16_t> half(values.size());
      for (size_t i = 0; i < values.size(); ++i) half[i] = toHalf(values[i]);
      mHalf[id] = std::move(half);
    } else {
      mFloat[id] = std::move(values);
    }
  }

  Weights get(std::string const& id) const {
    if (mType == DataType::kHALF) {
      auto const& values = mHalf.at(id);
      return Weights{mType, values.data(), static_cast<int64_t>(values.size())};
    }
    auto const& values = mFloat.at(id);
    return Weights{mType, values.data(), static_cast<int64_t>(values.size())};
  }

  Weights empty() const { return Weights{mType, nullptr, 0}; }

  Weights int64(std::initializer_list<int64_t> values) {
    mInt64.emplace_back(values);
    return Weights{DataType::kINT64, mInt64.back().data(), static_cast<int64_t>(mInt64.back().size())};
  }

 private:
  std::map<std::string, std::vector<float>> mWts;
  DataType mType;
  std::map<std::string, std::vector<float>> mFloat;
  std::map<std::string, std::vector<uint16_t>> mHalf;
  std::list<std::vector<int64_t>> mInt64;
};

[[maybe_unused]] Dims dims(std::initializer_list<int64_t> values) {
  Dims result{};
  result.nbDims = static_cast<int32_t>(values.size());
  int32_t i = 0;
  for (int64_t value : values) result.d[i++] = value;
  return result;
}

[[maybe_unused]] Permutation permutation(std::initializer_list<int32_t> order) {
  Permutation result{};
  for (int32_t i = 0; i < Dims::MAX_DIMS; ++i) result.order[i] = i;
  int32_t i = 0;
  for (int32_t value : order) result.order[i++] = value;
  return result;
}

// tensorrtx asserts; this says which layer TensorRT refused.
template <typename Layer>
Layer* added(Layer* layer, char const* name) {
  if (layer == nullptr) {
    std::cerr << "TensorRT refused the layer '" << name << "'; its log above says why." << std::endl;
    std::exit(1);
  }
  return layer;
}

// Layer names and metadata map profiles and the engine inspector back to the canvas.
void nameLayer(ILayer& layer, char const* name, char const* nodeId) {
  layer.setName(name);
  layer.setMetadata(nodeId);
}

[[maybe_unused]] ITensor* nameOutput(ILayer& layer, int32_t index, char const* name) {
  ITensor* tensor = layer.getOutput(index);
  tensor->setName(name);
  return tensor;
}

[[maybe_unused]] ITensor& axesConstant(INetworkDefinition& network, WeightStore& weights, std::initializer_list<int64_t> axes, std::string const& layerName,
                      char const* nodeId) {
  auto* constant = added(network.addConstant(dims({static_cast<int64_t>(axes.size())}), weights.int64(axes)), "axes");
  nameLayer(*constant, (layerName + ".axes").c_str(), nodeId);
  return *constant->getOutput(0);
}

// Reduced precision is strongly typed: FLOAT inputs are cast to the compute type.
ITensor* castInput(INetworkDefinition& network, ITensor* tensor, DataType type, char const* nodeId) {
  if (type == DataType::kFLOAT || tensor->getType() != DataType::kFLOAT) return tensor;
  auto* cast = added(network.addCast(*tensor, type), "input cast");
  nameLayer(*cast, (std::string(tensor->getName()) + ".cast").c_str(), nodeId);
  return cast->getOutput(0);
}

// Outputs computed in reduced precision are cast back to FLOAT.
void markOutput(INetworkDefinition& network, ITensor* tensor, std::string const& name, DataType type) {
  if (type != DataType::kFLOAT && tensor->getType() == type) {
    tensor->setName((name + ".compute").c_str());
    auto* cast = added(network.addCast(*tensor, DataType::kFLOAT), "output cast");
    cast->setName((name + ".cast").c_str());
    tensor = cast->getOutput(0);
  }
  tensor->setName(name.c_str());
  network.markOutput(*tensor);
}

size_t elementSize(DataType type) {
  switch (type) {
    case DataType::kINT64: return 8;
    case DataType::kFLOAT:
    case DataType::kINT32: return 4;
    case DataType::kHALF:
    case DataType::kBF16: return 2;
    default: return 1;
  }
}

int64_t volume(Dims const& shape) {
  int64_t count = 1;
  for (int32_t i = 0; i < shape.nbDims; ++i) count *= shape.d[i];
  return count;
}
`;

const POSTLUDE = `struct Options {
  bool build = false;
  bool run = false;
  bool fp16 = false;
  std::string weights;
  std::string engine;
  size_t workspaceMiB = 0;
};

int buildEngine(Options const& options) {
  // The weights first: a wrong .wts fails before TensorRT starts.
  DataType const type = options.fp16 ? DataType::kHALF : DataType::kFLOAT;
  WeightStore weights(loadWeights(options.weights), type);
  loadProgramWeights(weights);
  std::unique_ptr<IBuilder> builder{createInferBuilder(gLogger)};
  if (!builder) {
    std::cerr << "TensorRT could not create a builder; check that libnvinfer matches the headers this program was compiled with." << std::endl;
    return 1;
  }
#if NV_TENSORRT_MAJOR >= 11
  // TensorRT 11 networks are always strongly typed.
  NetworkDefinitionCreationFlags const flags = 0;
#else
  // On 10 the flag gives the same semantics: precision comes from input and weight types and casts.
  NetworkDefinitionCreationFlags const flags = 1U << static_cast<uint32_t>(NetworkDefinitionCreationFlag::kSTRONGLY_TYPED);
#endif
  std::unique_ptr<INetworkDefinition> network{builder->createNetworkV2(flags)};
  std::unique_ptr<IBuilderConfig> config{builder->createBuilderConfig()};
  config->setMemoryPoolLimit(MemoryPoolType::kWORKSPACE, options.workspaceMiB << 20);
  config->setProfilingVerbosity(ProfilingVerbosity::kDETAILED);
  populateNetwork(*network, weights, type);
  addOptimizationProfile(*builder, *config);
  std::unique_ptr<IHostMemory> plan{builder->buildSerializedNetwork(*network, *config)};
  if (!plan) {
    std::cerr << "TensorRT could not build the engine; its log above says why." << std::endl;
    return 1;
  }
  std::ofstream file(options.engine, std::ios::binary);
  file.write(static_cast<char const*>(plan->data()), static_cast<std::streamsize>(plan->size()));
  if (!file) {
    std::cerr << "Could not write " << options.engine << std::endl;
    return 1;
  }
  std::cout << "Wrote " << options.engine << " (" << plan->size() << " bytes) for " << kNetworkName << "." << std::endl;
  return 0;
}

// Runs the engine once with every FLOAT input set to 1 and prints the first values of each FLOAT output.
int runEngine(Options const& options) {
  std::ifstream file(options.engine, std::ios::binary);
  if (!file) {
    std::cerr << "Could not read " << options.engine << "; build it first with -s." << std::endl;
    return 1;
  }
  std::vector<char> blob((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::unique_ptr<IRuntime> runtime{createInferRuntime(gLogger)};
  if (!runtime) {
    std::cerr << "TensorRT could not create a runtime; check that libnvinfer matches the headers this program was compiled with." << std::endl;
    return 1;
  }
  std::unique_ptr<ICudaEngine> engine{runtime->deserializeCudaEngine(blob.data(), blob.size())};
  if (!engine) {
    std::cerr << options.engine << " could not be deserialized: it was built by another TensorRT version or for another GPU; rebuild it with -s."
              << std::endl;
    return 1;
  }
  std::unique_ptr<IExecutionContext> context{engine->createExecutionContext()};
  setInputShapes(*context);
  cudaStream_t stream = nullptr;
  CHECK(cudaStreamCreate(&stream));
  std::vector<void*> buffers;
  for (int32_t i = 0; i < engine->getNbIOTensors(); ++i) {
    char const* name = engine->getIOTensorName(i);
    int64_t const count = volume(context->getTensorShape(name));
    DataType const type = engine->getTensorDataType(name);
    size_t const bytes = static_cast<size_t>(count) * elementSize(type);
    void* buffer = nullptr;
    CHECK(cudaMalloc(&buffer, bytes));
    buffers.push_back(buffer);
    if (engine->getTensorIOMode(name) == TensorIOMode::kINPUT) {
      if (type == DataType::kFLOAT) {
        std::vector<float> ones(static_cast<size_t>(count), 1.0f);
        CHECK(cudaMemcpy(buffer, ones.data(), bytes, cudaMemcpyHostToDevice));
      } else {
        CHECK(cudaMemset(buffer, 0, bytes));
      }
    }
    context->setTensorAddress(name, buffer);
  }
  if (!context->enqueueV3(stream)) {
    std::cerr << "enqueueV3 failed; the TensorRT log above says why." << std::endl;
    return 1;
  }
  CHECK(cudaStreamSynchronize(stream));
  for (int32_t i = 0; i < engine->getNbIOTensors(); ++i) {
    char const* name = engine->getIOTensorName(i);
    if (engine->getTensorIOMode(name) != TensorIOMode::kOUTPUT || engine->getTensorDataType(name) != DataType::kFLOAT) continue;
    std::vector<float> values(static_cast<size_t>(volume(context->getTensorShape(name))));
    CHECK(cudaMemcpy(values.data(), buffers[static_cast<size_t>(i)], values.size() * sizeof(float), cudaMemcpyDeviceToHost));
    std::cout << name << ":";
    for (size_t j = 0; j < values.size() && j < 10; ++j) std::cout << " " << values[j];
    std::cout << (values.size() > 10 ? " ..." : "") << std::endl;
  }
  for (void* buffer : buffers) CHECK(cudaFree(buffer));
  CHECK(cudaStreamDestroy(stream));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  options.weights = kDefaultWeights;
  options.engine = kDefaultEngine;
  options.workspaceMiB = kDefaultWorkspaceMiB;
  for (int i = 1; i < argc; ++i) {
    std::string const arg = argv[i];
    if (arg == "-s") {
      options.build = true;
    } else if (arg == "-d") {
      options.run = true;
    } else if (arg == "--fp16") {
      options.fp16 = true;
    } else if (arg == "--weights" && i + 1 < argc) {
      options.weights = argv[++i];
    } else if (arg == "--engine" && i + 1 < argc) {
      options.engine = argv[++i];
    } else if (arg == "--workspace" && i + 1 < argc) {
      options.workspaceMiB = static_cast<size_t>(std::strtoull(argv[++i], nullptr, 10));
    } else {
      std::cerr << "Unknown argument '" << arg << "'." << std::endl;
      options.build = options.run = false;
      break;
    }
  }
  if (options.build == options.run) {
    std::cerr << "Usage: " << argv[0] << " -s [--weights FILE.wts] [--engine FILE.engine] [--fp16] [--workspace MiB]   build and save the engine\\n"
              << "       " << argv[0] << " -d [--engine FILE.engine]   run it once and print the outputs" << std::endl;
    return 2;
  }
  return options.build ? buildEngine(options) : runEngine(options);
}
`;

/** The C++ program for `program`; Diagnostics name the op when one cannot be printed. */
export function generateCpp(program: TrtProgram, options: CodegenOptions = {}): Result<string> {
  const problems = checkProgram(program);
  if (problems.length > 0) return fail(...problems);
  try {
    return ok(printCpp(program, options));
  } catch (e) {
    return fail({ severity: 'error', code: 'codegen.param', message: (e as Error).message });
  }
}

/** The CMake target name for a program: its name as an identifier. */
export function cppTargetName(program: TrtProgram): string {
  return new Namer('cpp').get(program.name);
}

/** The CMakeLists.txt that builds the generated source (`<target>.cpp` unless `sourceFile` names it) against TensorRT and the CUDA runtime. */
export function generateCppCMake(program: TrtProgram, sourceFile?: string): string {
  const target = cppTargetName(program);
  const source = sourceFile ?? `${target}.cpp`;
  if (!/^[A-Za-z0-9_.+-]+$/.test(source)) throw new Error(`The C++ file name '${source}' must be a plain file name (letters, digits, '_', '.', '+', '-').`);
  return `# Generated by TRT Studio for the network ${commentText(JSON.stringify(program.name))}.
# mkdir build && cd build && cmake .. -DTENSORRT_ROOT=/path/to/TensorRT && make
# ./${target} -s   (build ${target}.engine from ${target}.wts)     ./${target} -d   (run it once)
cmake_minimum_required(VERSION 3.18)
project(${target} LANGUAGES CXX)

set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(TENSORRT_ROOT "$ENV{TENSORRT_ROOT}" CACHE PATH "TensorRT installation with include/ and lib/")

find_package(CUDAToolkit REQUIRED)
find_path(TENSORRT_INCLUDE_DIR NvInfer.h HINTS \${TENSORRT_ROOT}/include PATH_SUFFIXES x86_64-linux-gnu aarch64-linux-gnu)
find_library(NVINFER_LIBRARY nvinfer HINTS \${TENSORRT_ROOT}/lib PATH_SUFFIXES x86_64-linux-gnu aarch64-linux-gnu)
if(NOT TENSORRT_INCLUDE_DIR OR NOT NVINFER_LIBRARY)
  message(FATAL_ERROR "TensorRT not found: set TENSORRT_ROOT to the directory holding include/NvInfer.h and lib/libnvinfer.so.")
endif()

add_executable(${target} ${source})
target_include_directories(${target} PRIVATE \${TENSORRT_INCLUDE_DIR})
target_link_libraries(${target} PRIVATE \${NVINFER_LIBRARY} CUDA::cudart)
`;
}

function printCpp(program: TrtProgram, options: CodegenOptions): string {
  const o = resolveOptions(program, options);
  const names = new Namer('cpp');
  const ranks = tensorRanks(program);
  const out: string[] = [];
  const emit = (...lines: string[]) => out.push(...lines);
  const target = cppTargetName(program);

  // A tensor variable is declared only when something reads it (no unused variables under -Wall -Werror).
  const read = new Set<string>([...program.ops.flatMap((op) => Object.values(op.inputs)), ...program.outputs.map((o2) => o2.tensor)]);

  emit(`// Generated by TRT Studio from the network ${commentText(JSON.stringify(program.name))}; regenerate it from the project instead of editing.`);
  emit(`// Build with the CMakeLists.txt beside it, then:`);
  emit(
    `//   ./${target} -s [--weights ${commentText(o.weightsPath)}] [--engine ${commentText(o.enginePath)}] [--fp16] [--workspace MiB]   build and save the engine`,
  );
  emit(`//   ./${target} -d [--engine ${commentText(o.enginePath)}]   run it once and print the outputs`);
  emit(`// The weights are read from a tensorrtx .wts file at run time; BatchNorm folds are recomputed here.`);
  emit(...PRELUDE.split('\n'));
  const needed = new Map<string, readonly [number, number]>();
  for (const op of program.ops) {
    const v = OP_MIN_VERSION[op.op];
    if (v) needed.set(op.op, v);
    if (op.op === 'addTopK' && op.params['indicesType'] !== 'INT32') needed.set('addTopK with INT64 indices', [10, 14]);
  }
  for (const [what, [major, minor]] of [...needed].sort((a, b) => a[0].localeCompare(b[0]))) {
    emit(`#if NV_TENSORRT_VERSION < NV_TENSORRT_VERSION_INT(${major}, ${minor}, 0)`);
    emit(`#error "This network uses ${what}, which needs TensorRT ${major}.${minor} or newer."`);
    emit('#endif');
  }
  emit(`char const* const kNetworkName = ${stringLiteral(program.name)};`);
  emit(`char const* const kDefaultWeights = ${stringLiteral(o.weightsPath)};`);
  emit(`char const* const kDefaultEngine = ${stringLiteral(o.enginePath)};`);
  emit(`size_t const kDefaultWorkspaceMiB = ${Math.max(1, Math.floor(o.workspaceMiB))};`);
  emit('');
  emit('void loadProgramWeights(WeightStore& weights) {');
  for (const weight of program.weights) emit(`  ${weightStatement(weight)}  // shape [${weight.shape.join(', ')}]`);
  emit('}');
  emit('');
  emit('void populateNetwork(INetworkDefinition& network, WeightStore& weights, DataType type) {');
  emit(`  network.setName(kNetworkName);`);
  for (const input of program.inputs) {
    const v = names.get(`tensor:${input.name}`, input.name);
    emit(`  ITensor* ${v} = network.addInput(${stringLiteral(input.name)}, DataType::k${input.dtype}, ${dims(input.dims)});`);
    emit(`  ${v} = castInput(network, ${v}, type, ${stringLiteral(input.nodeId)});`);
  }
  for (const op of program.ops) {
    const layer = names.get(`layer:${op.layerName}`, op.layerName);
    const tensorVar = (port: string): string | undefined => {
      const tensor = op.inputs[port];
      return tensor === undefined ? undefined : names.get(`tensor:${tensor}`);
    };
    const context: CppOp = {
      layer,
      op,
      p: new OpParams(op),
      input: (port) => {
        const v = tensorVar(port);
        if (!v) throw new Error(`Layer '${op.layerName}' (${op.op}): input '${port}' is not connected.`);
        return `*${v}`;
      },
      optionalInput: (port) => {
        const v = tensorVar(port);
        return v === undefined ? undefined : `*${v}`;
      },
      variadic: (port) => {
        const vars: string[] = [];
        for (let i = 0; ; i++) {
          const v = tensorVar(`${port}.${i}`);
          if (!v) break;
          vars.push(v);
        }
        if (vars.length === 0) throw new Error(`Layer '${op.layerName}' (${op.op}): variadic input '${port}' has no connection.`);
        return vars;
      },
      weights: (slot, optional = false) => {
        const id = op.weights[slot];
        if (id === undefined) {
          if (optional) return 'weights.empty()';
          throw new Error(`Layer '${op.layerName}' (${op.op}): weight slot '${slot}' is not bound.`);
        }
        return `weights.get(${stringLiteral(id)})`;
      },
      rank: (port) => {
        const tensor = op.inputs[port];
        const rank = tensor === undefined ? undefined : ranks.get(tensor);
        if (rank === undefined) throw new Error(`Layer '${op.layerName}' (${op.op}): the rank of input '${port}' is unknown.`);
        return rank;
      },
    };
    emit('');
    emit(`  // ${commentText(op.layerName)} (${op.op}, canvas node ${commentText(op.nodeId)})`);
    for (const line of CPP_EMITTERS[op.op]!(context)) emit(line.startsWith('#') ? line : `  ${line}`);
    emit(`  nameLayer(*${layer}, ${stringLiteral(op.layerName)}, ${stringLiteral(op.nodeId)});`);
    outputPorts(op.op).forEach((port, index) => {
      const tensor = op.outputs[port];
      if (tensor === undefined) return;
      const call = `nameOutput(*${layer}, ${index}, ${stringLiteral(tensor)});`;
      if (!read.has(tensor)) {
        emit(`  ${call}`);
        return;
      }
      const v = names.get(`tensor:${tensor}`, tensor.endsWith(':output') ? tensor.slice(0, -':output'.length) + '_out' : tensor);
      emit(`  ITensor* ${v} = ${call}`);
    });
  }
  emit('');
  for (const output of program.outputs) emit(`  markOutput(network, ${names.get(`tensor:${output.tensor}`)}, ${stringLiteral(output.name)}, type);`);
  emit('}');
  emit('');
  const dynamic = program.inputs.filter((i) => i.dims.includes(-1));
  emit(`void addOptimizationProfile(${dynamic.length > 0 ? 'IBuilder& builder, IBuilderConfig& config' : 'IBuilder&, IBuilderConfig&'}) {`);
  if (dynamic.length > 0) {
    emit('  IOptimizationProfile* profile = builder.createOptimizationProfile();');
    for (const input of dynamic) {
      if (!input.profile) throw new Error(`Input '${input.name}' has a dynamic dimension but no min/opt/max profile.`);
      emit(`  profile->setDimensions(${stringLiteral(input.name)}, OptProfileSelector::kMIN, ${dims(input.profile.min)});`);
      emit(`  profile->setDimensions(${stringLiteral(input.name)}, OptProfileSelector::kOPT, ${dims(input.profile.opt)});`);
      emit(`  profile->setDimensions(${stringLiteral(input.name)}, OptProfileSelector::kMAX, ${dims(input.profile.max)});`);
    }
    emit('  config.addOptimizationProfile(profile);');
  }
  emit('}');
  emit('');
  emit(`void setInputShapes(IExecutionContext&${dynamic.length > 0 ? ' context' : ''}) {`);
  for (const input of dynamic) emit(`  context.setInputShape(${stringLiteral(input.name)}, ${dims(input.profile!.opt)});`);
  emit('}');
  emit('');
  emit(...POSTLUDE.split('\n'));
  return out.join('\n').replace(/\n+$/, '\n');
}
