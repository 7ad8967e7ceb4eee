// One table from program op (a catalog primitive, named after its INetworkDefinition method) to a
// small function that adds that layer, in the manner of onnx-tensorrt's op importers. Parameters
// arrive validated by the catalog (core/layers/*.ts); functions check only what TensorRT needs.
#include <cstddef>
#include <cstring>
#include <map>
#include <type_traits>

#include "trt/network_builder.h"
#include "trt/version.h"

namespace trtstudio {
namespace {

using namespace nvinfer1;

template <typename Enum>
struct EnumName {
  char const* name;
  Enum value;
};

/** An enum parameter by its TensorRT name (`LEAKY_RELU`); fails listing the accepted names. */
template <typename Enum, size_t N>
Enum enumValue(LayerContext const& c, std::string const& param, EnumName<Enum> const (&table)[N]) {
  std::string const& name = c.enumParam(param);
  std::string accepted;
  for (auto const& entry : table) {
    if (name == entry.name) return entry.value;
    accepted += accepted.empty() ? entry.name : std::string(", ") + entry.name;
  }
  c.fail("parameter '" + param + "' is '" + name + "'; expected one of " + accepted, param);
}

constexpr EnumName<ActivationType> kActivationTypes[] = {
    {"RELU", ActivationType::kRELU},
    {"SIGMOID", ActivationType::kSIGMOID},
    {"TANH", ActivationType::kTANH},
    {"LEAKY_RELU", ActivationType::kLEAKY_RELU},
    {"ELU", ActivationType::kELU},
    {"SELU", ActivationType::kSELU},
    {"SOFTSIGN", ActivationType::kSOFTSIGN},
    {"SOFTPLUS", ActivationType::kSOFTPLUS},
    {"CLIP", ActivationType::kCLIP},
    {"HARD_SIGMOID", ActivationType::kHARD_SIGMOID},
    {"SCALED_TANH", ActivationType::kSCALED_TANH},
    {"THRESHOLDED_RELU", ActivationType::kTHRESHOLDED_RELU},
    {"GELU_ERF", ActivationType::kGELU_ERF},
    {"GELU_TANH", ActivationType::kGELU_TANH},
};

constexpr EnumName<PaddingMode> kPaddingModes[] = {
    {"EXPLICIT_ROUND_DOWN", PaddingMode::kEXPLICIT_ROUND_DOWN},
    {"EXPLICIT_ROUND_UP", PaddingMode::kEXPLICIT_ROUND_UP},
    {"SAME_UPPER", PaddingMode::kSAME_UPPER},
    {"SAME_LOWER", PaddingMode::kSAME_LOWER},
};

constexpr EnumName<PoolingType> kPoolingTypes[] = {
    {"MAX", PoolingType::kMAX},
    {"AVERAGE", PoolingType::kAVERAGE},
    {"MAX_AVERAGE_BLEND", PoolingType::kMAX_AVERAGE_BLEND},
};

constexpr EnumName<ScaleMode> kScaleModes[] = {
    {"UNIFORM", ScaleMode::kUNIFORM},
    {"CHANNEL", ScaleMode::kCHANNEL},
    {"ELEMENTWISE", ScaleMode::kELEMENTWISE},
};

constexpr EnumName<ElementWiseOperation> kElementWiseOperations[] = {
    {"SUM", ElementWiseOperation::kSUM},     {"PROD", ElementWiseOperation::kPROD},   {"MAX", ElementWiseOperation::kMAX},
    {"MIN", ElementWiseOperation::kMIN},     {"SUB", ElementWiseOperation::kSUB},     {"DIV", ElementWiseOperation::kDIV},
    {"POW", ElementWiseOperation::kPOW},     {"FLOOR_DIV", ElementWiseOperation::kFLOOR_DIV},
    {"AND", ElementWiseOperation::kAND},     {"OR", ElementWiseOperation::kOR},       {"XOR", ElementWiseOperation::kXOR},
    {"EQUAL", ElementWiseOperation::kEQUAL}, {"GREATER", ElementWiseOperation::kGREATER}, {"LESS", ElementWiseOperation::kLESS},
};

constexpr EnumName<MatrixOperation> kMatrixOperations[] = {
    {"NONE", MatrixOperation::kNONE},
    {"TRANSPOSE", MatrixOperation::kTRANSPOSE},
    {"VECTOR", MatrixOperation::kVECTOR},
};

constexpr EnumName<UnaryOperation> kUnaryOperations[] = {
    {"EXP", UnaryOperation::kEXP},     {"LOG", UnaryOperation::kLOG},     {"SQRT", UnaryOperation::kSQRT},
    {"RECIP", UnaryOperation::kRECIP}, {"ABS", UnaryOperation::kABS},     {"NEG", UnaryOperation::kNEG},
    {"SIN", UnaryOperation::kSIN},     {"COS", UnaryOperation::kCOS},     {"TAN", UnaryOperation::kTAN},
    {"SINH", UnaryOperation::kSINH},   {"COSH", UnaryOperation::kCOSH},   {"ASIN", UnaryOperation::kASIN},
    {"ACOS", UnaryOperation::kACOS},   {"ATAN", UnaryOperation::kATAN},   {"ASINH", UnaryOperation::kASINH},
    {"ACOSH", UnaryOperation::kACOSH}, {"ATANH", UnaryOperation::kATANH}, {"CEIL", UnaryOperation::kCEIL},
    {"FLOOR", UnaryOperation::kFLOOR}, {"ERF", UnaryOperation::kERF},     {"NOT", UnaryOperation::kNOT},
    {"SIGN", UnaryOperation::kSIGN},   {"ROUND", UnaryOperation::kROUND}, {"ISINF", UnaryOperation::kISINF},
#if TRT_STUDIO_TRT_AT_LEAST(10, 1)
    {"ISNAN", UnaryOperation::kISNAN},
#endif
};

constexpr EnumName<BoundingBoxFormat> kBoundingBoxFormats[] = {
    {"CORNER_PAIRS", BoundingBoxFormat::kCORNER_PAIRS},
    {"CENTER_SIZES", BoundingBoxFormat::kCENTER_SIZES},
};

constexpr EnumName<ReduceOperation> kReduceOperations[] = {
    {"SUM", ReduceOperation::kSUM}, {"PROD", ReduceOperation::kPROD}, {"MAX", ReduceOperation::kMAX},
    {"MIN", ReduceOperation::kMIN}, {"AVG", ReduceOperation::kAVG},
};

constexpr EnumName<TopKOperation> kTopKOperations[] = {
    {"MAX", TopKOperation::kMAX},
    {"MIN", TopKOperation::kMIN},
};

constexpr EnumName<GatherMode> kGatherModes[] = {
    {"DEFAULT", GatherMode::kDEFAULT},
    {"ELEMENT", GatherMode::kELEMENT},
    {"ND", GatherMode::kND},
};

constexpr EnumName<SampleMode> kSampleModes[] = {
    {"STRICT_BOUNDS", SampleMode::kSTRICT_BOUNDS}, {"WRAP", SampleMode::kWRAP},       {"CLAMP", SampleMode::kCLAMP},
    {"FILL", SampleMode::kFILL},                   {"REFLECT", SampleMode::kREFLECT},
};

constexpr EnumName<InterpolationMode> kInterpolationModes[] = {
    {"NEAREST", InterpolationMode::kNEAREST},
    {"LINEAR", InterpolationMode::kLINEAR},
    {"CUBIC", InterpolationMode::kCUBIC},
};

constexpr EnumName<ResizeCoordinateTransformation> kCoordinateTransformations[] = {
    {"ALIGN_CORNERS", ResizeCoordinateTransformation::kALIGN_CORNERS},
    {"ASYMMETRIC", ResizeCoordinateTransformation::kASYMMETRIC},
    {"HALF_PIXEL", ResizeCoordinateTransformation::kHALF_PIXEL},
};

constexpr EnumName<ResizeRoundMode> kRoundModes[] = {
    {"HALF_UP", ResizeRoundMode::kHALF_UP},
    {"HALF_DOWN", ResizeRoundMode::kHALF_DOWN},
    {"FLOOR", ResizeRoundMode::kFLOOR},
    {"CEIL", ResizeRoundMode::kCEIL},
};

constexpr EnumName<ResizeSelector> kResizeSelectors[] = {
    {"FORMULA", ResizeSelector::kFORMULA},
    {"UPPER", ResizeSelector::kUPPER},
};

Dims dimsOf(LayerContext const& c, std::vector<int64_t> const& values, std::string const& field) {
  if (values.size() > static_cast<size_t>(Dims::MAX_DIMS))
    c.fail("parameter '" + field + "' has " + std::to_string(values.size()) + " values; TensorRT allows at most 8", field);
  Dims dims{};
  dims.nbDims = static_cast<int32_t>(values.size());
  for (size_t i = 0; i < values.size(); ++i) dims.d[i] = values[i];
  return dims;
}

Dims dimsParam(LayerContext const& c, std::string const& name) { return dimsOf(c, c.intsParam(name), name); }

Permutation permutationParam(LayerContext const& c, std::string const& name, int32_t rank) {
  std::vector<int64_t> order = c.intsParam(name);
  Permutation permutation{};
  for (int32_t i = 0; i < Dims::MAX_DIMS; ++i) permutation.order[i] = i;
  if (order.empty()) return permutation;
  if (static_cast<int32_t>(order.size()) != rank)
    c.fail("parameter '" + name + "' has " + std::to_string(order.size()) + " values for a tensor of rank " + std::to_string(rank), name);
  for (size_t i = 0; i < order.size(); ++i) permutation.order[i] = static_cast<int32_t>(order[i]);
  return permutation;
}

int32_t rankOf(ITensor const& tensor) { return tensor.getDimensions().nbDims; }

/** A 1-D INT64 constant for the axes inputs of squeeze/unsqueeze, named `<layer>.axes` (unused before 10.7, which refuses both). */
[[maybe_unused]] ITensor& axesConstant(LayerContext const& c, std::vector<int64_t> const& axes) {
  Weights values = c.arena().int64Weights(axes);
  Dims dims{};
  dims.nbDims = 1;
  dims.d[0] = static_cast<int64_t>(axes.size());
  IConstantLayer* constant = c.network().addConstant(dims, values);
  if (!constant) c.fail("TensorRT refused the axes constant", "axes");
  c.nameHelperLayer(*constant, "axes");
  return *constant->getOutput(0);
}

// --- Convolution family -----------------------------------------------------------------------

template <typename Layer>
void setWindowOptions(LayerContext const& c, Layer& layer, bool withDilation) {
  layer.setStrideNd(dimsParam(c, "stride"));
  layer.setPrePadding(dimsParam(c, "prePadding"));
  layer.setPostPadding(dimsParam(c, "postPadding"));
  layer.setPaddingMode(enumValue(c, "paddingMode", kPaddingModes));
  if constexpr (!std::is_same_v<Layer, IPoolingLayer>) {
    if (withDilation) layer.setDilationNd(dimsParam(c, "dilation"));
  }
}

ILayer* addConvolutionNd(LayerContext const& c) {
  IConvolutionLayer* layer = c.network().addConvolutionNd(c.input("input"), c.intParam("nbOutputMaps"), dimsParam(c, "kernelSize"),
                                                          c.weights("kernel"), c.weights("bias", true));
  if (!layer) return nullptr;
  setWindowOptions(c, *layer, true);
  layer->setNbGroups(c.intParam("nbGroups"));
  return layer;
}

ILayer* addDeconvolutionNd(LayerContext const& c) {
  IDeconvolutionLayer* layer = c.network().addDeconvolutionNd(c.input("input"), c.intParam("nbOutputMaps"), dimsParam(c, "kernelSize"),
                                                              c.weights("kernel"), c.weights("bias", true));
  if (!layer) return nullptr;
  setWindowOptions(c, *layer, true);
  layer->setNbGroups(c.intParam("nbGroups"));
  return layer;
}

ILayer* addPoolingNd(LayerContext const& c) {
  IPoolingLayer* layer = c.network().addPoolingNd(c.input("input"), enumValue(c, "type", kPoolingTypes), dimsParam(c, "windowSize"));
  if (!layer) return nullptr;
  setWindowOptions(c, *layer, false);
  layer->setAverageCountExcludesPadding(c.boolParam("averageCountExcludesPadding"));
  layer->setBlendFactor(c.floatParam("blendFactor"));
  return layer;
}

ILayer* addPaddingNd(LayerContext const& c) {
  return c.network().addPaddingNd(c.input("input"), dimsParam(c, "prePadding"), dimsParam(c, "postPadding"));
}

// --- Activation, elementwise, unary -----------------------------------------------------------

ILayer* addActivation(LayerContext const& c) {
  IActivationLayer* layer = c.network().addActivation(c.input("input"), enumValue(c, "type", kActivationTypes));
  if (!layer) return nullptr;
  // The header gives no defaults for alpha and beta, so they are always set (native/README.md, "TensorRT facts").
  layer->setAlpha(c.floatParam("alpha"));
  layer->setBeta(c.floatParam("beta"));
  return layer;
}

ILayer* addParametricReLU(LayerContext const& c) { return c.network().addParametricReLU(c.input("input"), c.input("slope")); }

ILayer* addElementWise(LayerContext const& c) {
  return c.network().addElementWise(c.input("input1"), c.input("input2"), enumValue(c, "operation", kElementWiseOperations));
}

ILayer* addUnary(LayerContext const& c) { return c.network().addUnary(c.input("input"), enumValue(c, "operation", kUnaryOperations)); }

// --- Normalization ----------------------------------------------------------------------------

ILayer* addScale(LayerContext const& c) {
  ITensor& input = c.input("input");
  return c.network().addScaleNd(input, enumValue(c, "mode", kScaleModes), c.weights("shift", true), c.weights("scale", true),
                                c.weights("power", true), static_cast<int32_t>(c.intParam("channelAxis")));
}

ILayer* addSoftMax(LayerContext const& c) {
  ITensor& input = c.input("input");
  ISoftMaxLayer* layer = c.network().addSoftMax(input);
  if (!layer) return nullptr;
  layer->setAxes(c.axesMask(c.intsParam("axes"), rankOf(input), "axes"));
  return layer;
}

ILayer* addLRN(LayerContext const& c) {
  return c.network().addLRN(c.input("input"), c.intParam("window"), c.floatParam("alpha"), c.floatParam("beta"), c.floatParam("k"));
}

ILayer* addNormalizationV2(LayerContext const& c) {
  ITensor& input = c.input("input");
  uint32_t axes = c.axesMask(c.intsParam("axes"), rankOf(input), "axes");
#if TRT_STUDIO_TRT_AT_LEAST(10, 15)
  INormalizationLayer* layer = c.network().addNormalizationV2(input, c.input("scale"), c.input("bias"), axes);
#else
  // Before 10.15 only V1 exists; it reads GroupNorm scale and bias per group instead of per channel.
  if (c.intParam("nbGroups") != 1) c.fail("group normalization needs TensorRT 10.15 or newer (addNormalizationV2)", "nbGroups");
  INormalizationLayer* layer = c.network().addNormalization(input, c.input("scale"), c.input("bias"), axes);
#endif
  if (!layer) return nullptr;
  layer->setEpsilon(c.floatParam("epsilon"));
  layer->setNbGroups(c.intParam("nbGroups"));
  return layer;
}

// --- Linear algebra, constants, types ---------------------------------------------------------

ILayer* addMatrixMultiply(LayerContext const& c) {
  return c.network().addMatrixMultiply(c.input("input0"), enumValue(c, "op0", kMatrixOperations), c.input("input1"),
                                       enumValue(c, "op1", kMatrixOperations));
}

ILayer* addEinsum(LayerContext const& c) {
  std::vector<ITensor*> inputs = c.variadicInputs("inputs");
  std::string const& equation = c.enumParam("equation");
  return c.network().addEinsum(inputs.data(), static_cast<int32_t>(inputs.size()), equation.c_str());
}

ILayer* addConstant(LayerContext const& c) { return c.network().addConstant(dimsParam(c, "dimensions"), c.weights("weights")); }

ILayer* addIdentity(LayerContext const& c) { return c.network().addIdentity(c.input("input")); }

ILayer* addCast(LayerContext const& c) {
  DataType toType = dataTypeFromName(c.enumParam("toType"), c.op().nodeId, "toType");
  // A cast to FLOAT makes real numbers (a mask, class indices) for the layers after it, which compute in the
  // network's type: in a strongly typed HALF or BF16 network a FLOAT tensor could not meet theirs.
  if (toType == DataType::kFLOAT) toType = c.computeType();
  return c.network().addCast(c.input("input"), toType);
}

ILayer* addSelect(LayerContext const& c) {
  return c.network().addSelect(c.input("condition"), c.input("thenInput"), c.input("elseInput"));
}

// --- Shape ------------------------------------------------------------------------------------

ILayer* addShuffle(LayerContext const& c) {
  ITensor& input = c.input("input");
  IShuffleLayer* layer = c.network().addShuffle(input);
  if (!layer) return nullptr;
  Permutation first = permutationParam(c, "firstTranspose", rankOf(input));
  layer->setFirstTranspose(first);
  layer->setZeroIsPlaceholder(c.boolParam("zeroIsPlaceholder"));
  std::vector<int64_t> reshape = c.intsParam("reshapeDimensions");
  int32_t rank = rankOf(input);
  if (!reshape.empty()) {
    layer->setReshapeDimensions(dimsOf(c, reshape, "reshapeDimensions"));
    rank = static_cast<int32_t>(reshape.size());
  }
  layer->setSecondTranspose(permutationParam(c, "secondTranspose", rank));
  return layer;
}

ILayer* addConcatenation(LayerContext const& c) {
  std::vector<ITensor*> inputs = c.variadicInputs("inputs");
  IConcatenationLayer* layer = c.network().addConcatenation(inputs.data(), static_cast<int32_t>(inputs.size()));
  if (!layer) return nullptr;
  layer->setAxis(c.axis(c.intParam("axis"), rankOf(*inputs.front()), "axis"));
  return layer;
}

ILayer* addShape(LayerContext const& c) { return c.network().addShape(c.input("input")); }

ILayer* addSqueeze(LayerContext const& c) {
#if TRT_STUDIO_TRT_AT_LEAST(10, 7)
  ITensor& input = c.input("input");
  return c.network().addSqueeze(input, axesConstant(c, c.intsParam("axes")));
#else
  c.fail("addSqueeze needs TensorRT 10.7 or newer; use a Shuffle with reshapeDimensions instead");
#endif
}

ILayer* addUnsqueeze(LayerContext const& c) {
#if TRT_STUDIO_TRT_AT_LEAST(10, 7)
  ITensor& input = c.input("input");
  return c.network().addUnsqueeze(input, axesConstant(c, c.intsParam("axes")));
#else
  c.fail("addUnsqueeze needs TensorRT 10.7 or newer; use a Shuffle with reshapeDimensions instead");
#endif
}

// --- Reduction, indexing, resampling ----------------------------------------------------------

ILayer* addReduce(LayerContext const& c) {
  ITensor& input = c.input("input");
  return c.network().addReduce(input, enumValue(c, "operation", kReduceOperations), c.axesMask(c.intsParam("axes"), rankOf(input), "axes"),
                               c.boolParam("keepDimensions"));
}

ILayer* addTopK(LayerContext const& c) {
  ITensor& input = c.input("input");
  TopKOperation operation = enumValue(c, "operation", kTopKOperations);
  auto k = static_cast<int32_t>(c.intParam("k"));
  uint32_t axes = c.axesMask(c.intsParam("axes"), rankOf(input), "axes");
  DataType indicesType = dataTypeFromName(c.enumParam("indicesType"), c.op().nodeId, "indicesType");
#if TRT_STUDIO_TRT_AT_LEAST(10, 14)
  return c.network().addTopK(input, operation, k, axes, indicesType);
#else
  if (indicesType != DataType::kINT32) c.fail("INT64 TopK indices need TensorRT 10.14 or newer", "indicesType");
  return c.network().addTopK(input, operation, k, axes);
#endif
}

/** A 0-D constant named `<layer>.<suffix>`: addNMS takes its box limit and thresholds as scalar tensors. */
ITensor& scalarConstant(LayerContext const& c, Weights values, std::string const& suffix) {
  IConstantLayer* constant = c.network().addConstant(Dims{}, values);
  if (!constant) c.fail("TensorRT refused the " + suffix + " constant", suffix);
  c.nameHelperLayer(*constant, suffix);
  return *constant->getOutput(0);
}

/**
 * INMSLayer takes FLOAT or HALF boxes and scores of the boxes' type: a BF16 network's are cast to FLOAT
 * (exact) for it, as `<layer>.<port>.cast`. Its outputs are indices and a count, so nothing is cast back.
 */
ITensor& nmsInput(LayerContext const& c, std::string const& port) {
  ITensor& tensor = c.input(port);
  if (tensor.getType() != DataType::kBF16) return tensor;
  ICastLayer* cast = c.network().addCast(tensor, DataType::kFLOAT);
  if (!cast || !cast->getOutput(0)) c.fail("TensorRT refused the cast of the BF16 " + port + " to FLOAT", port);
  c.nameHelperLayer(*cast, port + ".cast");
  return *cast->getOutput(0);
}

ILayer* addNMS(LayerContext const& c) {
  ITensor& boxes = nmsInput(c, "boxes");
  ITensor& scores = nmsInput(c, "scores");
  auto maxBoxes = static_cast<int32_t>(c.intParam("maxOutputBoxesPerClass"));
  ITensor& maxOutputBoxesPerClass = scalarConstant(c, c.arena().int32Weights({maxBoxes}), "maxOutputBoxesPerClass");
  DataType indicesType = dataTypeFromName(c.enumParam("indicesType"), c.op().nodeId, "indicesType");
#if TRT_STUDIO_TRT_AT_LEAST(10, 14)
  INMSLayer* layer = c.network().addNMS(boxes, scores, maxOutputBoxesPerClass, indicesType);
#else
  if (indicesType != DataType::kINT32) c.fail("INT64 NMS indices need TensorRT 10.14 or newer", "indicesType");
  INMSLayer* layer = c.network().addNMS(boxes, scores, maxOutputBoxesPerClass);
#endif
  if (!layer) return nullptr;
  layer->setBoundingBoxFormat(enumValue(c, "boundingBoxFormat", kBoundingBoxFormats));
  layer->setTopKBoxLimit(static_cast<int32_t>(c.intParam("topKBoxLimit")));
  layer->setInput(3, scalarConstant(c, c.arena().floatWeights({c.floatParam("iouThreshold")}), "iouThreshold"));
  layer->setInput(4, scalarConstant(c, c.arena().floatWeights({c.floatParam("scoreThreshold")}), "scoreThreshold"));
  return layer;
}

ILayer* addGatherV2(LayerContext const& c) {
  ITensor& data = c.input("data");
  IGatherLayer* layer = c.network().addGatherV2(data, c.input("indices"), enumValue(c, "mode", kGatherModes));
  if (!layer) return nullptr;
  if (c.enumParam("mode") != "ND") layer->setGatherAxis(c.axis(c.intParam("axis"), rankOf(data), "axis"));
  layer->setNbElementWiseDims(static_cast<int32_t>(c.intParam("nbElementWiseDims")));
  return layer;
}

ILayer* addSlice(LayerContext const& c) {
  ISliceLayer* layer = c.network().addSlice(c.input("input"), dimsParam(c, "start"), dimsParam(c, "size"), dimsParam(c, "stride"));
  if (!layer) return nullptr;
  layer->setMode(enumValue(c, "mode", kSampleModes));
  // Input 4 is the fill value (SampleMode::kFILL only).
  if (ITensor* fill = c.optionalInput("fillValue")) layer->setInput(4, *fill);
  return layer;
}

ILayer* addResize(LayerContext const& c) {
  ITensor& input = c.input("input");
  IResizeLayer* layer = c.network().addResize(input);
  if (!layer) return nullptr;
  layer->setResizeMode(enumValue(c, "resizeMode", kInterpolationModes));
  layer->setCoordinateTransformation(enumValue(c, "coordinateTransformation", kCoordinateTransformations));
  layer->setNearestRounding(enumValue(c, "nearestRounding", kRoundModes));
  layer->setSelectorForSinglePixel(enumValue(c, "selectorForSinglePixel", kResizeSelectors));
  layer->setCubicCoeff(c.floatParam("cubicCoeff"));
  layer->setExcludeOutside(c.boolParam("excludeOutside"));
  std::vector<int64_t> outputDimensions = c.intsParam("outputDimensions");
  if (!outputDimensions.empty()) {
    layer->setOutputDimensions(dimsOf(c, outputDimensions, "outputDimensions"));
  } else {
    std::vector<float> scales = c.floatsParam("scales");
    if (static_cast<int32_t>(scales.size()) != rankOf(input))
      c.fail("parameter 'scales' has " + std::to_string(scales.size()) + " values for a tensor of rank " + std::to_string(rankOf(input)),
             "scales");
    // setScales copies the values, so a local vector is enough.
    layer->setScales(scales.data(), static_cast<int32_t>(scales.size()));
  }
  return layer;
}

// The table. Adding a primitive: one function above and one line here (and in core/codegen).
std::vector<LayerTableEntry> const& table() {
  static std::vector<LayerTableEntry> const kTable = {
      {"addActivation", addActivation, {"output"}},
      {"addCast", addCast, {"output"}},
      {"addConcatenation", addConcatenation, {"output"}},
      {"addConstant", addConstant, {"output"}},
      {"addConvolutionNd", addConvolutionNd, {"output"}},
      {"addDeconvolutionNd", addDeconvolutionNd, {"output"}},
      {"addEinsum", addEinsum, {"output"}},
      {"addElementWise", addElementWise, {"output"}},
      {"addGatherV2", addGatherV2, {"output"}},
      {"addIdentity", addIdentity, {"output"}},
      {"addLRN", addLRN, {"output"}},
      {"addMatrixMultiply", addMatrixMultiply, {"output"}},
      {"addNMS", addNMS, {"selectedIndices", "numOutputBoxes"}},
      {"addNormalizationV2", addNormalizationV2, {"output"}},
      {"addPaddingNd", addPaddingNd, {"output"}},
      {"addParametricReLU", addParametricReLU, {"output"}},
      {"addPoolingNd", addPoolingNd, {"output"}},
      {"addReduce", addReduce, {"output"}},
      {"addResize", addResize, {"output"}},
      {"addScale", addScale, {"output"}},
      {"addSelect", addSelect, {"output"}},
      {"addShape", addShape, {"output"}},
      {"addShuffle", addShuffle, {"output"}},
      {"addSlice", addSlice, {"output"}},
      {"addSoftMax", addSoftMax, {"output"}},
      {"addSqueeze", addSqueeze, {"output"}},
      {"addTopK", addTopK, {"values", "indices"}},
      {"addUnary", addUnary, {"output"}},
      {"addUnsqueeze", addUnsqueeze, {"output"}},
  };
  return kTable;
}

}  // namespace

LayerTableEntry const* findLayer(std::string const& op) {
  for (auto const& entry : table())
    if (op == entry.op) return &entry;
  return nullptr;
}

std::vector<std::string> supportedOps() {
  std::vector<std::string> ops;
  for (auto const& entry : table()) ops.emplace_back(entry.op);
  return ops;
}

}  // namespace trtstudio
