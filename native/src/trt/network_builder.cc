#include "trt/network_builder.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "trt/version.h"

namespace trtstudio {
namespace {

std::string describe(ParamValue const& value) {
  if (std::holds_alternative<double>(value)) return "a number";
  if (std::holds_alternative<bool>(value)) return "a flag";
  if (std::holds_alternative<std::string>(value)) return "a string";
  return "a list";
}

nvinfer1::Dims toDims(std::vector<int64_t> const& values, ProgramOp const* op, std::string const& what) {
  nvinfer1::Dims dims{};
  if (values.size() > static_cast<size_t>(nvinfer1::Dims::MAX_DIMS))
    throw BridgeError("bridge.dims", what + " has " + std::to_string(values.size()) + " dimensions, but TensorRT allows at most " +
                                         std::to_string(nvinfer1::Dims::MAX_DIMS) + ".",
                      op ? op->nodeId : "");
  dims.nbDims = static_cast<int32_t>(values.size());
  for (size_t i = 0; i < values.size(); ++i) dims.d[i] = values[i];
  return dims;
}

/**
 * The weights of constants read only by casts to an integer type (or BOOL), and by nothing else: a program's
 * constants are FLOAT, so these are its integer constants (indices, a row count). They are handed over as FLOAT
 * whatever the precision: as HALF integers are exact only up to 2048, as BF16 only up to 256. The same rule as
 * core/program/integer-constants.ts, which the generated code and the recorder's reference follow.
 */
std::set<std::string> integerConstantWeights(Program const& program) {
  static std::set<std::string> const kIntegerTypes = {"INT4", "INT8", "INT32", "INT64", "UINT8", "BOOL"};
  std::map<std::string, bool> onlyIntegerCasts;  // tensor → read, and only by integer casts
  for (auto const& op : program.ops) {
    bool integerCast = false;
    if (op.op == "addCast") {
      auto toType = op.params.find("toType");
      auto const* name = toType == op.params.end() ? nullptr : std::get_if<std::string>(&toType->second);
      integerCast = name && kIntegerTypes.count(*name) != 0;
    }
    for (auto const& [port, tensor] : op.inputs) {
      auto [it, first] = onlyIntegerCasts.emplace(tensor, integerCast);
      if (!first) it->second = it->second && integerCast;
    }
  }
  for (auto const& output : program.outputs) onlyIntegerCasts[output.tensor] = false;

  std::set<std::string> integer;
  std::set<std::string> real;  // a weight shared with any other use is a real number somewhere
  for (auto const& op : program.ops) {
    auto output = op.outputs.find("output");
    bool isInteger = false;
    if (op.op == "addConstant" && output != op.outputs.end()) {
      auto read = onlyIntegerCasts.find(output->second);
      isInteger = read != onlyIntegerCasts.end() && read->second;
    }
    for (auto const& [slot, id] : op.weights) (isInteger ? integer : real).insert(id);
  }
  for (auto const& id : real) integer.erase(id);
  return integer;
}

}  // namespace

LayerContext::LayerContext(nvinfer1::INetworkDefinition& network, ProgramOp const& op, WeightArena& arena,
                           std::map<std::string, nvinfer1::ITensor*> const& tensors, nvinfer1::DataType weightType,
                           nvinfer1::DataType computeType)
    : mNetwork(network), mOp(op), mArena(arena), mTensors(tensors), mWeightType(weightType), mComputeType(computeType) {}

void LayerContext::fail(std::string const& message, std::string const& field) const {
  throw BridgeError("bridge.layer", "Layer '" + mOp.layerName + "' (" + mOp.op + "): " + message, mOp.nodeId, field);
}

nvinfer1::ITensor* LayerContext::optionalInput(std::string const& port) const {
  auto name = mOp.inputs.find(port);
  if (name == mOp.inputs.end()) return nullptr;
  auto tensor = mTensors.find(name->second);
  if (tensor == mTensors.end())
    fail("input '" + port + "' reads tensor '" + name->second + "', which no earlier op or network input produces", port);
  return tensor->second;
}

nvinfer1::ITensor& LayerContext::input(std::string const& port) const {
  nvinfer1::ITensor* tensor = optionalInput(port);
  if (!tensor) fail("input '" + port + "' is not connected", port);
  return *tensor;
}

std::vector<nvinfer1::ITensor*> LayerContext::variadicInputs(std::string const& port) const {
  std::vector<nvinfer1::ITensor*> result;
  for (size_t i = 0;; ++i) {
    nvinfer1::ITensor* tensor = optionalInput(port + "." + std::to_string(i));
    if (!tensor) break;
    result.push_back(tensor);
  }
  if (result.empty()) fail("variadic input '" + port + "' has no connection ('" + port + ".0' is missing)", port);
  return result;
}

bool LayerContext::hasParam(std::string const& name) const { return mOp.params.count(name) != 0; }

ParamValue const& LayerContext::param(std::string const& name) const {
  auto it = mOp.params.find(name);
  if (it == mOp.params.end()) fail("parameter '" + name + "' is missing from the program", name);
  return it->second;
}

int64_t LayerContext::intParam(std::string const& name) const {
  ParamValue const& value = param(name);
  if (auto const* number = std::get_if<double>(&value)) {
    if (std::floor(*number) != *number) fail("parameter '" + name + "' must be an integer; got " + std::to_string(*number), name);
    return static_cast<int64_t>(*number);
  }
  fail("parameter '" + name + "' must be an integer; got " + describe(value), name);
}

float LayerContext::floatParam(std::string const& name) const {
  ParamValue const& value = param(name);
  if (auto const* number = std::get_if<double>(&value)) return static_cast<float>(*number);
  fail("parameter '" + name + "' must be a number; got " + describe(value), name);
}

bool LayerContext::boolParam(std::string const& name) const {
  ParamValue const& value = param(name);
  if (auto const* flag = std::get_if<bool>(&value)) return *flag;
  fail("parameter '" + name + "' must be true or false; got " + describe(value), name);
}

std::string const& LayerContext::enumParam(std::string const& name) const {
  ParamValue const& value = param(name);
  if (auto const* text = std::get_if<std::string>(&value)) return *text;
  fail("parameter '" + name + "' must be an enum name; got " + describe(value), name);
}

std::vector<int64_t> LayerContext::intsParam(std::string const& name) const {
  ParamValue const& value = param(name);
  auto const* list = std::get_if<std::vector<double>>(&value);
  if (!list) fail("parameter '" + name + "' must be a list of integers; got " + describe(value), name);
  std::vector<int64_t> result;
  result.reserve(list->size());
  for (double v : *list) {
    if (std::floor(v) != v) fail("parameter '" + name + "' must hold integers; got " + std::to_string(v), name);
    result.push_back(static_cast<int64_t>(v));
  }
  return result;
}

std::vector<float> LayerContext::floatsParam(std::string const& name) const {
  ParamValue const& value = param(name);
  auto const* list = std::get_if<std::vector<double>>(&value);
  if (!list) fail("parameter '" + name + "' must be a list of numbers; got " + describe(value), name);
  return std::vector<float>(list->begin(), list->end());
}

nvinfer1::Weights LayerContext::weights(std::string const& slot, bool optional) const {
  auto bound = mOp.weights.find(slot);
  if (bound == mOp.weights.end()) {
    if (!optional) fail("weight slot '" + slot + "' is not bound to a weight", slot);
    return nvinfer1::Weights{mWeightType, nullptr, 0};
  }
  try {
    return mArena.weights(bound->second, mWeightType);
  } catch (BridgeError const&) {
    throw;
  } catch (std::exception const& e) {
    fail(std::string("weight slot '") + slot + "': " + e.what(), slot);
  }
}

int32_t LayerContext::axis(int64_t value, int32_t rank, std::string const& field) const {
  int64_t normalised = value < 0 ? value + rank : value;
  if (normalised < 0 || normalised >= rank)
    fail("axis " + std::to_string(value) + " is out of range for a tensor of rank " + std::to_string(rank), field);
  return static_cast<int32_t>(normalised);
}

uint32_t LayerContext::axesMask(std::vector<int64_t> const& axes, int32_t rank, std::string const& field) const {
  uint32_t mask = 0;
  for (int64_t value : axes) mask |= 1u << axis(value, rank, field);
  return mask;
}

void LayerContext::nameHelperLayer(nvinfer1::ILayer& layer, std::string const& suffix) const {
  layer.setName((mOp.layerName + "." + suffix).c_str());
  layer.setMetadata(mOp.nodeId.c_str());
}

nvinfer1::DataType dataTypeFromName(std::string const& name, std::string const& nodeId, std::string const& field) {
  using nvinfer1::DataType;
  static std::map<std::string, DataType> const kTypes = {
      {"FLOAT", DataType::kFLOAT}, {"HALF", DataType::kHALF}, {"INT8", DataType::kINT8},   {"INT32", DataType::kINT32},
      {"BOOL", DataType::kBOOL},   {"UINT8", DataType::kUINT8}, {"FP8", DataType::kFP8},   {"BF16", DataType::kBF16},
      {"INT64", DataType::kINT64}, {"INT4", DataType::kINT4},
#if TRT_STUDIO_TRT_AT_LEAST(10, 8)
      {"FP4", DataType::kFP4},
#endif
#if TRT_STUDIO_TRT_AT_LEAST(10, 12)
      {"E8M0", DataType::kE8M0},
#endif
  };
  auto it = kTypes.find(name);
  if (it == kTypes.end())
    throw BridgeError("bridge.dtype", "The data type '" + name + "' is not one this TensorRT " + std::to_string(NV_TENSORRT_MAJOR) + "." +
                                          std::to_string(NV_TENSORRT_MINOR) + " knows.",
                      nodeId, field);
  return it->second;
}

std::string dataTypeName(nvinfer1::DataType type) {
  switch (type) {
    case nvinfer1::DataType::kFLOAT: return "FLOAT";
    case nvinfer1::DataType::kHALF: return "HALF";
    case nvinfer1::DataType::kINT8: return "INT8";
    case nvinfer1::DataType::kINT32: return "INT32";
    case nvinfer1::DataType::kBOOL: return "BOOL";
    case nvinfer1::DataType::kUINT8: return "UINT8";
    case nvinfer1::DataType::kFP8: return "FP8";
    case nvinfer1::DataType::kBF16: return "BF16";
    case nvinfer1::DataType::kINT64: return "INT64";
    case nvinfer1::DataType::kINT4: return "INT4";
#if TRT_STUDIO_TRT_AT_LEAST(10, 8)
    case nvinfer1::DataType::kFP4: return "FP4";
#endif
#if TRT_STUDIO_TRT_AT_LEAST(10, 12)
    case nvinfer1::DataType::kE8M0: return "E8M0";
#endif
    default: return "OTHER";
  }
}

void defineNetwork(nvinfer1::INetworkDefinition& network, Program const& program, WeightArena& arena, NetworkOptions const& options,
                   std::map<std::string, std::string>& layerNodes) {
  network.setName(program.name.c_str());
  std::map<std::string, nvinfer1::ITensor*> tensors;
  bool castInputs = options.computeType != nvinfer1::DataType::kFLOAT;

  for (auto const& input : program.inputs) {
    nvinfer1::DataType type = dataTypeFromName(input.dtype, input.nodeId, "dtype");
    nvinfer1::ITensor* tensor = network.addInput(input.name.c_str(), type, toDims(input.dims, nullptr, "Input '" + input.name + "'"));
    if (!tensor) throw BridgeError("bridge.input", "TensorRT refused the network input '" + input.name + "'.", input.nodeId);
    if (castInputs && type == nvinfer1::DataType::kFLOAT) {
      // Strongly typed reduced precision: the network computes in computeType from the first layer on.
      nvinfer1::ICastLayer* cast = network.addCast(*tensor, options.computeType);
      if (!cast || !cast->getOutput(0))
        throw BridgeError("bridge.input", "TensorRT refused the cast of network input '" + input.name + "' to the compute type.", input.nodeId);
      std::string castName = input.name + ".cast";
      cast->setName(castName.c_str());
      cast->setMetadata(input.nodeId.c_str());
      layerNodes[castName] = input.nodeId;
      tensor = cast->getOutput(0);
    }
    tensors[input.name] = tensor;
  }

  std::set<std::string> const integerWeights = integerConstantWeights(program);
  for (auto const& op : program.ops) {
    LayerTableEntry const* entry = findLayer(op.op);
    if (!entry)
      throw BridgeError("bridge.op.unknown",
                        "Layer '" + op.layerName + "' uses '" + op.op + "', which this TensorRT bridge does not implement.", op.nodeId);
    auto weights = op.weights.find("weights");
    bool integerConstant = op.op == "addConstant" && weights != op.weights.end() && integerWeights.count(weights->second) != 0;
    LayerContext context(network, op, arena, tensors, integerConstant ? nvinfer1::DataType::kFLOAT : options.weightType, options.computeType);
    nvinfer1::ILayer* layer = entry->add(context);
    if (!layer) context.fail("TensorRT returned no layer; the TensorRT log above says why");
    layer->setName(op.layerName.c_str());
    layer->setMetadata(op.nodeId.c_str());
    layerNodes[op.layerName] = op.nodeId;
    for (size_t i = 0; i < entry->outputs.size(); ++i) {
      auto port = op.outputs.find(entry->outputs[i]);
      if (port == op.outputs.end()) continue;
      nvinfer1::ITensor* output = layer->getOutput(static_cast<int32_t>(i));
      if (!output) context.fail(std::string("TensorRT produced no output '") + entry->outputs[i] + "'");
      output->setName(port->second.c_str());
      tensors[port->second] = output;
    }
  }

  for (auto const& output : program.outputs) {
    auto it = tensors.find(output.tensor);
    if (it == tensors.end())
      throw BridgeError("bridge.output", "Network output '" + output.name + "' reads tensor '" + output.tensor + "', which no op produces.");
    network.markOutput(*outputTensor(network, *it->second, output, options));
  }
}

nvinfer1::ITensor* outputTensor(nvinfer1::INetworkDefinition& network, nvinfer1::ITensor& computed, ProgramOutput const& output,
                                NetworkOptions const& options) {
  bool castBack = options.computeType != nvinfer1::DataType::kFLOAT && computed.getType() == options.computeType;
  // A network input keeps its own name, and a tensor already marked keeps the first output's name, so
  // either one needs a tensor of its own to carry this output's name.
  bool needsOwnTensor = computed.isNetworkInput() || computed.isNetworkOutput();
  nvinfer1::ILayer* copy = nullptr;
  std::string layerName;
  if (castBack) {
    // The layer that computed the output already carries the output's name; it becomes `<name>.compute`
    // (as in the generated code) so that the FLOAT cast alone is called `<name>`.
    if (!needsOwnTensor && output.name == computed.getName()) computed.setName((output.name + ".compute").c_str());
    copy = network.addCast(computed, nvinfer1::DataType::kFLOAT);
    layerName = output.name + ".cast";
  } else if (needsOwnTensor) {
    copy = network.addIdentity(computed);
    layerName = output.name + ".copy";
  } else {
    computed.setName(output.name.c_str());
    return &computed;
  }
  if (!copy || !copy->getOutput(0))
    throw BridgeError("bridge.output", "TensorRT refused the " + std::string(castBack ? "cast to FLOAT" : "copy") + " of network output '" +
                                           output.name + "'; the TensorRT log above says why.");
  copy->setName(layerName.c_str());
  nvinfer1::ITensor* tensor = copy->getOutput(0);
  tensor->setName(output.name.c_str());
  return tensor;
}

}  // namespace trtstudio
