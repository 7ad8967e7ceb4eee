// The fixed C++ around the generated network: includes, the .wts loader, layer helpers, engine build/run and main().

export const PRELUDE = `#include <NvInfer.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iomanip>
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

  // An integer constant (indices a cast reads) stays FLOAT at any precision: HALF is exact only up to 2048.
  void addInteger(std::string const& id, std::vector<float> values) { mInteger[id] = std::move(values); }

  Weights get(std::string const& id) const {
    auto integer = mInteger.find(id);
    if (integer != mInteger.end()) return Weights{DataType::kFLOAT, integer->second.data(), static_cast<int64_t>(integer->second.size())};
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
  std::map<std::string, std::vector<float>> mInteger;
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

// Fixed values (anchor grids, strides) spelled as runs {start, step, count}, over \`period\` interleaved sequences.
[[maybe_unused]] std::vector<float> valueRuns(size_t total, size_t period, std::initializer_list<std::array<double, 3>> runs) {
  std::vector<float> values(total);
  size_t const perPhase = total / period;
  size_t at = 0;
  for (auto const& run : runs)
    for (size_t i = 0; i < static_cast<size_t>(run[2]); ++i, ++at)
      values[(at % perPhase) * period + at / perPhase] = static_cast<float>(run[0] + run[1] * static_cast<double>(i));
  return values;
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

/** The engine builder, runner and main(); a detector's runner also takes \`--image FILE.ppm\` and prints detections (cpp-detection.ts). */
export function postlude(detector: boolean): string {
  const when = (text: string) => (detector ? text : '');
  return `struct Options {
  bool build = false;
  bool run = false;
  bool fp16 = false;
  std::string weights;
  std::string engine;
  size_t workspaceMiB = 0;${when(`
  std::string image;
  float conf = kDefaultConf;
  float iou = kDefaultIou;`)}
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

// Runs the engine once with every FLOAT input set to 1${when(' (or to the letterboxed --image)')} and prints the first values of each FLOAT output${when(', then the detections')}.
int runEngine(Options const& options) {${when(`
  Image image;
  Letterbox geometry;
  if (!options.image.empty() && !readPpm(options.image, image)) return 1;`)}
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
      ${when(`if (type == DataType::kFLOAT && !options.image.empty()) {
        Dims const shape = context->getTensorShape(name);
        if (shape.nbDims != 4 || shape.d[0] != 1 || shape.d[1] != 3) {
          std::cerr << "--image feeds an input of dims [1, 3, H, W]; the input '" << name << "' is not one." << std::endl;
          return 1;
        }
        std::vector<float> const pixels = letterbox(image, static_cast<int32_t>(shape.d[3]), static_cast<int32_t>(shape.d[2]), geometry);
        CHECK(cudaMemcpy(buffer, pixels.data(), bytes, cudaMemcpyHostToDevice));
      } else `)}if (type == DataType::kFLOAT) {
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
    std::cout << (values.size() > 10 ? " ..." : "") << std::endl;${when(`
    if (!options.image.empty() && std::string(name) == kDetectionOutput)
      printDetections(values, context->getTensorShape(name), options.conf, options.iou, geometry, image);`)}
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
      options.workspaceMiB = static_cast<size_t>(std::strtoull(argv[++i], nullptr, 10));${when(`
    } else if (arg == "--image" && i + 1 < argc) {
      options.image = argv[++i];
    } else if (arg == "--conf" && i + 1 < argc) {
      options.conf = std::strtof(argv[++i], nullptr);
    } else if (arg == "--iou" && i + 1 < argc) {
      options.iou = std::strtof(argv[++i], nullptr);`)}
    } else {
      std::cerr << "Unknown argument '" << arg << "'." << std::endl;
      options.build = options.run = false;
      break;
    }
  }
  if (options.build == options.run) {
    std::cerr << "Usage: " << argv[0] << " -s [--weights FILE.wts] [--engine FILE.engine] [--fp16] [--workspace MiB]   build and save the engine\\n"
              << "       " << argv[0] << ${
                detector
                  ? `" -d [--engine FILE.engine] [--image FILE.ppm] [--conf X] [--iou X]   run it once (on the image) and print the outputs and detections"`
                  : `" -d [--engine FILE.engine]   run it once and print the outputs"`
              } << std::endl;
    return 2;
  }
  return options.build ? buildEngine(options) : runEngine(options);
}
`;
}
