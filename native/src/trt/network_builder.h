// Replays a TrtProgram on an INetworkDefinition: inputs, one table entry per op (layer_table.cc),
// outputs. Every layer is named after its canvas node and carries the node id as metadata.
#pragma once

#include <NvInfer.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "trt/program.h"
#include "trt/weight_arena.h"

namespace trtstudio {

/** A problem with one op; the build turns it into a Diagnostic on that node. */
class BridgeError : public std::runtime_error {
 public:
  BridgeError(std::string const& code, std::string const& message, std::string nodeId = "", std::string field = "")
      : std::runtime_error(message), mCode(code), mNodeId(std::move(nodeId)), mField(std::move(field)) {}
  std::string const& code() const { return mCode; }
  std::string const& nodeId() const { return mNodeId; }
  std::string const& field() const { return mField; }

 private:
  std::string mCode;
  std::string mNodeId;
  std::string mField;
};

/** What a layer function sees: its op, typed parameter access, input tensors and weights. */
class LayerContext {
 public:
  LayerContext(nvinfer1::INetworkDefinition& network, ProgramOp const& op, WeightArena& arena,
               std::map<std::string, nvinfer1::ITensor*> const& tensors, nvinfer1::DataType weightType, nvinfer1::DataType computeType);

  nvinfer1::INetworkDefinition& network() const { return mNetwork; }
  ProgramOp const& op() const { return mOp; }
  WeightArena& arena() const { return mArena; }
  /**
   * The type the network computes real numbers in: FLOAT, or HALF/BF16 in a strongly typed reduced-precision
   * build. The program writes real numbers as FLOAT (inputs, weights, casts); the bridge builds them in this type.
   */
  nvinfer1::DataType computeType() const { return mComputeType; }

  nvinfer1::ITensor& input(std::string const& port) const;
  nvinfer1::ITensor* optionalInput(std::string const& port) const;
  /** The tensors of a variadic port `name.0`, `name.1`, ... in index order. */
  std::vector<nvinfer1::ITensor*> variadicInputs(std::string const& port) const;

  int64_t intParam(std::string const& name) const;
  float floatParam(std::string const& name) const;
  bool boolParam(std::string const& name) const;
  std::string const& enumParam(std::string const& name) const;
  std::vector<int64_t> intsParam(std::string const& name) const;
  std::vector<float> floatsParam(std::string const& name) const;
  bool hasParam(std::string const& name) const;

  /** The bound weights of a slot in the network's weight type; empty Weights{} when an optional slot is unbound. */
  nvinfer1::Weights weights(std::string const& slot, bool optional = false) const;

  /** Axis in [0, rank) from a possibly negative one; fails naming the parameter. */
  int32_t axis(int64_t value, int32_t rank, std::string const& field) const;
  /** A bitmask of axes for setAxes/addReduce. */
  uint32_t axesMask(std::vector<int64_t> const& axes, int32_t rank, std::string const& field) const;

  /** Name an extra layer this op needs (an axes constant): `<layerName>.<suffix>`, same metadata. */
  void nameHelperLayer(nvinfer1::ILayer& layer, std::string const& suffix) const;

  [[noreturn]] void fail(std::string const& message, std::string const& field = "") const;

 private:
  ParamValue const& param(std::string const& name) const;

  nvinfer1::INetworkDefinition& mNetwork;
  ProgramOp const& mOp;
  WeightArena& mArena;
  std::map<std::string, nvinfer1::ITensor*> const& mTensors;
  nvinfer1::DataType mWeightType;
  nvinfer1::DataType mComputeType;
};

/** One catalog primitive: adds its layer and returns it. */
using LayerFunction = nvinfer1::ILayer* (*)(LayerContext const&);

struct LayerTableEntry {
  char const* op;
  LayerFunction add;
  /** Output port names by output index: {"output"} for most layers. */
  std::vector<char const*> outputs;
};

/** The entry for a program op, or nullptr when the bridge does not know it. */
LayerTableEntry const* findLayer(std::string const& op);
/** Every op the bridge knows, for tests and the capabilities report. */
std::vector<std::string> supportedOps();

/** Parse a DataType name (`FLOAT`, `HALF`, ...); throws BridgeError for an unknown one. */
nvinfer1::DataType dataTypeFromName(std::string const& name, std::string const& nodeId = "", std::string const& field = "");
std::string dataTypeName(nvinfer1::DataType type);

struct NetworkOptions {
  /** The type weights are handed to TensorRT in (FLOAT, or HALF/BF16 for a strongly typed reduced-precision build; integer constants stay FLOAT). */
  nvinfer1::DataType weightType = nvinfer1::DataType::kFLOAT;
  /** Cast FLOAT inputs to this type after addInput, casts to FLOAT go to it, and outputs back to FLOAT (strongly typed reduced precision). */
  nvinfer1::DataType computeType = nvinfer1::DataType::kFLOAT;
};

/**
 * Define the program on `network`. Fills `layerNodes` (layer name → node id) for the logger.
 * Throws BridgeError naming the node for any op it cannot add.
 */
void defineNetwork(nvinfer1::INetworkDefinition& network, Program const& program, WeightArena& arena, NetworkOptions const& options,
                   std::map<std::string, std::string>& layerNodes);

/**
 * The tensor to mark as `output`, named after it: `computed` itself, or a FLOAT cast of it in a
 * reduced-precision network (the computed tensor is then renamed `<name>.compute`), or an identity
 * copy when `computed` is a network input or already another output. Throws BridgeError if TensorRT
 * refuses the extra layer.
 */
nvinfer1::ITensor* outputTensor(nvinfer1::INetworkDefinition& network, nvinfer1::ITensor& computed, ProgramOutput const& output,
                                NetworkOptions const& options);

}  // namespace trtstudio
