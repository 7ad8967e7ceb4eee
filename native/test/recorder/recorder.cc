// TEST DOUBLE — a recording stand-in for libnvinfer, not TensorRT. Compiled against the real TensorRT
// headers (10.x or 11.x) and linked in place of libnvinfer.so.<major>, it implements the entry points
// the bridge uses (builder, network, layers, tensors, config, profiles, timing cache, runtime) by
// recording every call, and enforces at build time the rules TensorRT checks when it builds a network
// (distinct tensor names, weight counts, ranks and dims per layer, equal ranks for elementwise, types
// under strong typing, profiles for dynamic inputs, outputs marked), failing the build with
// TensorRT-like messages through the logger. A successful "build" returns the recording as JSON in
// place of a plan; native/test/recorder/replay.ts turns it back into a program for ONNX Runtime.
#include <NvInfer.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "recorder_stubs.h"

namespace recorder {
namespace {

using namespace nvinfer1;

/**
 * Counts the calls that can change a layer's output dims or types (setters, setInput, a new layer). A
 * layer's inference holds until the count moves: without that, every getDimensions re-ran the whole
 * graph above it, which grows exponentially with the branches and joins of a network like YOLO.
 */
uint64_t gEdits = 1;

/** Calls the recorder does not implement, reported by the next build (and to stderr at once). */
std::vector<std::string> gNotRecorded;
ILogger* gLogger = nullptr;

void logAs(ILogger::Severity severity, std::string const& message) {
  if (gLogger) gLogger->log(severity, message.c_str());
}

/** A rule TensorRT checks, broken: the build fails with this message. */
struct RuleBroken {
  std::string message;
};

[[noreturn]] void broken(std::string const& message) { throw RuleBroken{"Error Code 4: API Usage Error (" + message + ")"}; }

std::string typeName(DataType type) {
  switch (type) {
    case DataType::kFLOAT: return "FLOAT";
    case DataType::kHALF: return "HALF";
    case DataType::kBF16: return "BF16";
    case DataType::kINT8: return "INT8";
    case DataType::kINT32: return "INT32";
    case DataType::kINT64: return "INT64";
    case DataType::kBOOL: return "BOOL";
    case DataType::kUINT8: return "UINT8";
    case DataType::kFP8: return "FP8";
    default: return "OTHER";
  }
}

size_t typeSize(DataType type) {
  switch (type) {
    case DataType::kFLOAT:
    case DataType::kINT32: return 4;
    case DataType::kHALF:
    case DataType::kBF16: return 2;
    case DataType::kINT64: return 8;
    default: return 1;
  }
}

std::string dimsText(Dims const& d) {
  std::string s = "[";
  for (int32_t i = 0; i < d.nbDims; ++i) s += (i ? "," : "") + std::to_string(d.d[i]);
  return s + "]";
}

int64_t volume(Dims const& d) {
  int64_t v = 1;
  for (int32_t i = 0; i < d.nbDims; ++i) v *= d.d[i];
  return v;
}

std::string quote(std::string const& text) {
  std::string s = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') s += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      s += ' ';
      continue;
    }
    s += c;
  }
  return s + "\"";
}

std::string base64(uint8_t const* data, size_t size) {
  static char const* kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  for (size_t i = 0; i < size; i += 3) {
    uint32_t n = static_cast<uint32_t>(data[i]) << 16;
    if (i + 1 < size) n |= static_cast<uint32_t>(data[i + 1]) << 8;
    if (i + 2 < size) n |= data[i + 2];
    out += kChars[(n >> 18) & 63];
    out += kChars[(n >> 12) & 63];
    out += i + 1 < size ? kChars[(n >> 6) & 63] : '=';
    out += i + 2 < size ? kChars[n & 63] : '=';
  }
  return out;
}

struct Layer;
struct Network;

// --- Tensors ----------------------------------------------------------------------------------

struct TensorImpl : apiv::RecVTensor {
  std::string name;
  DataType type = DataType::kFLOAT;
  Dims dims{};
  bool input = false;
  bool output = false;
  Layer* producer = nullptr;
  int32_t index = 0;

  void setName(char const* value) noexcept override { name = value ? value : ""; }
  char const* getName() const noexcept override { return name.c_str(); }
  Dims getDimensions() const noexcept override;
  DataType getType() const noexcept override;
  bool isNetworkInput() const noexcept override { return input; }
  bool isNetworkOutput() const noexcept override { return output; }
  void setDimensions(Dims const& value) noexcept override {
    dims = value;
    ++gEdits;
  }
  bool isShapeTensor() const noexcept override { return false; }
  bool isExecutionTensor() const noexcept override { return true; }
};

struct Tensor : ITensor {
  TensorImpl impl;
  Tensor() { mImpl = &impl; }
};

TensorImpl& implOf(ITensor& tensor) { return static_cast<Tensor&>(tensor).impl; }

// --- Layers -----------------------------------------------------------------------------------

/** What every layer records: the INetworkDefinition method that made it, its inputs, setter values and weights. */
struct Layer {
  std::string kind;
  std::string name;
  std::string metadata;
  std::vector<Tensor*> inputs;
  std::vector<std::unique_ptr<Tensor>> outputs;
  /** Setter and argument values as JSON text, by the program's parameter name. */
  std::map<std::string, std::string> params;
  std::map<std::string, Weights> weights;
  /** Computes the output dims and types from the inputs and params; throws RuleBroken. */
  std::function<void(Layer&)> infer;
  bool inferring = false;
  /** Rule messages already logged while inferring. */
  std::set<std::string> reported;
  /** The gEdits count when the outputs were last inferred; 0 when they never were. */
  uint64_t inferredAt = 0;

  void set(std::string const& key, std::string json) {
    params[key] = std::move(json);
    ++gEdits;
  }
  void set(std::string const& key, int64_t value) { set(key, std::to_string(value)); }
  void setReal(std::string const& key, double value) {
    std::ostringstream s;
    s.precision(9);
    s << value;
    set(key, s.str());
  }
  void set(std::string const& key, bool value) { set(key, std::string(value ? "true" : "false")); }
  void set(std::string const& key, Dims const& value) { set(key, dimsText(value)); }
  void setName(std::string const& key, std::string const& value) { set(key, quote(value)); }
  void unset(std::string const& key) {
    params.erase(key);
    ++gEdits;
  }
  bool has(std::string const& key) const { return params.count(key) != 0; }
  int64_t integer(std::string const& key, int64_t fallback) const { return has(key) ? std::stoll(params.at(key)) : fallback; }
  std::string text(std::string const& key, std::string const& fallback) const {
    return has(key) ? params.at(key).substr(1, params.at(key).size() - 2) : fallback;
  }
  Dims dims(std::string const& key, int32_t rank, int64_t fill) const {
    Dims d{};
    d.nbDims = rank;
    for (int32_t i = 0; i < rank; ++i) d.d[i] = fill;
    if (!has(key)) return d;
    std::string const& s = params.at(key);
    d.nbDims = 0;
    size_t pos = 1;
    while (pos < s.size() && s[pos] != ']') {
      size_t end = s.find_first_of(",]", pos);
      d.d[d.nbDims++] = std::stoll(s.substr(pos, end - pos));
      pos = s[end] == ',' ? end + 1 : end;
    }
    return d;
  }
  /** The input at `i`, or a RuleBroken naming the layer when that input was never given. */
  Tensor& in(size_t i) const {
    if (i >= inputs.size() || !inputs[i]) broken(name + ": input " + std::to_string(i) + " is not set");
    return *inputs[i];
  }
  bool hasInput(size_t i) const { return i < inputs.size() && inputs[i]; }
  Dims const& inDims(size_t i) const { return in(i).impl.dims; }
  DataType inType(size_t i) const { return in(i).impl.type; }
  void run() {
    if (inferring || inferredAt == gEdits) return;
    inferring = true;
    try {
      for (Tensor* input : inputs)
        if (input) (void)input->impl.getDimensions();
      infer(*this);
    } catch (...) {
      inferring = false;
      throw;
    }
    inferring = false;
    inferredAt = gEdits;
  }
};

Dims TensorImpl::getDimensions() const noexcept {
  if (producer) {
    try {
      producer->run();
    } catch (RuleBroken const& e) {
      // As TensorRT does when a layer's output cannot be computed: an error now (once per message),
      // so a bridge that fails on the bad dims shows the cause; the build reports it again.
      if (producer->reported.insert(e.message).second) logAs(ILogger::Severity::kERROR, e.message);
    }
  }
  return dims;
}

DataType TensorImpl::getType() const noexcept {
  (void)getDimensions();
  return type;
}

struct LayerImpl : apiv::RecVLayer {
  Layer& layer;
  explicit LayerImpl(Layer& l) : layer(l) {}
  void setName(char const* value) noexcept override { layer.name = value ? value : ""; }
  char const* getName() const noexcept override { return layer.name.c_str(); }
  int32_t getNbInputs() const noexcept override { return static_cast<int32_t>(layer.inputs.size()); }
  ITensor* getInput(int32_t i) const noexcept override { return i < getNbInputs() ? layer.inputs[static_cast<size_t>(i)] : nullptr; }
  int32_t getNbOutputs() const noexcept override { return static_cast<int32_t>(layer.outputs.size()); }
  ITensor* getOutput(int32_t i) const noexcept override {
    return i < getNbOutputs() ? layer.outputs[static_cast<size_t>(i)].get() : nullptr;
  }
  void setMetadata(char const* value) noexcept override { layer.metadata = value ? value : ""; }
  char const* getMetadata() const noexcept override { return layer.metadata.c_str(); }
  DataType getOutputType(int32_t i) const noexcept override { return getOutput(i) ? getOutput(i)->getType() : DataType::kFLOAT; }
  /** Replaces or adds input `i` (slice's fill value, NMS's thresholds); indices skipped stay unset. */
  void setInput(int32_t i, ITensor& tensor) noexcept override {
    if (i < 0) return;
    if (static_cast<size_t>(i) >= layer.inputs.size()) layer.inputs.resize(static_cast<size_t>(i) + 1, nullptr);
    layer.inputs[static_cast<size_t>(i)] = static_cast<Tensor*>(&tensor);
    ++gEdits;
  }
};

/** An ILayer subclass `Interface` whose typed part is `Typed` (a RecV*Layer override set over a Layer). */
/** Owns a layer object whatever its interface (ILayer's destructor is protected). */
struct Owned {
  virtual ~Owned() = default;
};

template <typename Interface, typename Typed>
struct LayerObject : Interface, Owned {
  LayerImpl base;
  Typed typed;
  explicit LayerObject(Layer& layer) : base(layer), typed(layer) {
    this->mLayer = &base;
    this->mImpl = &typed;
  }
};

// Typed setters: each records its value under the program's parameter name (native/src/trt/layer_table.cc).

struct ConvolutionImpl : apiv::RecVConvolutionLayer {
  Layer& l;
  explicit ConvolutionImpl(Layer& layer) : l(layer) {}
  void setNbGroups(int64_t v) noexcept override { l.set("nbGroups", v); }
  void setStrideNd(Dims const& v) noexcept override { l.set("stride", v); }
  void setPrePadding(Dims const& v) noexcept override { l.set("prePadding", v); }
  void setPostPadding(Dims const& v) noexcept override { l.set("postPadding", v); }
  void setPaddingNd(Dims const& v) noexcept override { l.set("prePadding", v), l.set("postPadding", v); }
  void setDilationNd(Dims const& v) noexcept override { l.set("dilation", v); }
  void setPaddingMode(PaddingMode v) noexcept override;
};

struct PoolingImpl : apiv::RecVPoolingLayer {
  Layer& l;
  explicit PoolingImpl(Layer& layer) : l(layer) {}
  void setStrideNd(Dims const& v) noexcept override { l.set("stride", v); }
  void setPrePadding(Dims const& v) noexcept override { l.set("prePadding", v); }
  void setPostPadding(Dims const& v) noexcept override { l.set("postPadding", v); }
  void setPaddingNd(Dims const& v) noexcept override { l.set("prePadding", v), l.set("postPadding", v); }
  void setPaddingMode(PaddingMode v) noexcept override;
  void setAverageCountExcludesPadding(bool v) noexcept override { l.set("averageCountExcludesPadding", v); }
  void setBlendFactor(float v) noexcept override { l.setReal("blendFactor", v); }
};

std::string paddingModeName(PaddingMode v) {
  switch (v) {
    case PaddingMode::kEXPLICIT_ROUND_DOWN: return "EXPLICIT_ROUND_DOWN";
    case PaddingMode::kEXPLICIT_ROUND_UP: return "EXPLICIT_ROUND_UP";
    case PaddingMode::kSAME_UPPER: return "SAME_UPPER";
    case PaddingMode::kSAME_LOWER: return "SAME_LOWER";
  }
  return "?";
}
void ConvolutionImpl::setPaddingMode(PaddingMode v) noexcept { l.setName("paddingMode", paddingModeName(v)); }
void PoolingImpl::setPaddingMode(PaddingMode v) noexcept { l.setName("paddingMode", paddingModeName(v)); }

struct ActivationImpl : apiv::RecVActivationLayer {
  Layer& l;
  explicit ActivationImpl(Layer& layer) : l(layer) {}
  void setAlpha(float v) noexcept override { l.setReal("alpha", v); }
  void setBeta(float v) noexcept override { l.setReal("beta", v); }
};

struct SoftMaxImpl : apiv::RecVSoftMaxLayer {
  Layer& l;
  explicit SoftMaxImpl(Layer& layer) : l(layer) {}
  void setAxes(uint32_t mask) noexcept override { l.set("axesMask", static_cast<int64_t>(mask)); }
};

struct ConcatenationImpl : apiv::RecVConcatenationLayer {
  Layer& l;
  explicit ConcatenationImpl(Layer& layer) : l(layer) {}
  void setAxis(int32_t v) noexcept override { l.set("axis", static_cast<int64_t>(v)); }
};

struct ShuffleImpl : apiv::RecVShuffleLayer {
  Layer& l;
  explicit ShuffleImpl(Layer& layer) : l(layer) {}
  static std::string order(Permutation const& p) {
    std::string s = "[";
    for (int32_t i = 0; i < Dims::MAX_DIMS; ++i) s += (i ? "," : "") + std::to_string(p.order[i]);
    return s + "]";
  }
  void setFirstTranspose(Permutation const& v) noexcept override { l.set("firstTranspose", order(v)); }
  void setSecondTranspose(Permutation const& v) noexcept override { l.set("secondTranspose", order(v)); }
  void setReshapeDimensions(Dims const& v) noexcept override { l.set("reshapeDimensions", v); }
  void setZeroIsPlaceholder(bool v) noexcept override { l.set("zeroIsPlaceholder", v); }
};

struct SliceImpl : apiv::RecVSliceLayer {
  Layer& l;
  explicit SliceImpl(Layer& layer) : l(layer) {}
  void setStart(Dims const& v) noexcept override { l.set("start", v); }
  void setSize(Dims const& v) noexcept override { l.set("size", v); }
  void setStride(Dims const& v) noexcept override { l.set("stride", v); }
  void setMode(SampleMode v) noexcept override {
    l.setName("mode", v == SampleMode::kSTRICT_BOUNDS ? "STRICT_BOUNDS"
                      : v == SampleMode::kWRAP        ? "WRAP"
                      : v == SampleMode::kCLAMP       ? "CLAMP"
                      : v == SampleMode::kFILL        ? "FILL"
                                                      : "REFLECT");
  }
};

struct ResizeImpl : apiv::RecVResizeLayer {
  Layer& l;
  explicit ResizeImpl(Layer& layer) : l(layer) {}
  void setOutputDimensions(Dims const& v) noexcept override {
    l.set("outputDimensions", v);
    l.unset("scales");
  }
  void setScales(float const* scales, int32_t count) noexcept override {
    std::ostringstream s;
    s.precision(9);
    s << "[";
    for (int32_t i = 0; i < count; ++i) s << (i ? "," : "") << scales[i];
    s << "]";
    l.set("scales", s.str());
    l.unset("outputDimensions");
  }
  void setResizeMode(InterpolationMode v) noexcept override {
    l.setName("resizeMode", v == InterpolationMode::kNEAREST ? "NEAREST" : v == InterpolationMode::kLINEAR ? "LINEAR" : "CUBIC");
  }
  void setCoordinateTransformation(ResizeCoordinateTransformation v) noexcept override {
    l.setName("coordinateTransformation", v == ResizeCoordinateTransformation::kALIGN_CORNERS ? "ALIGN_CORNERS"
                                          : v == ResizeCoordinateTransformation::kASYMMETRIC  ? "ASYMMETRIC"
                                                                                              : "HALF_PIXEL");
  }
  void setSelectorForSinglePixel(ResizeSelector v) noexcept override { l.setName("selectorForSinglePixel", v == ResizeSelector::kFORMULA ? "FORMULA" : "UPPER"); }
  void setNearestRounding(ResizeRoundMode v) noexcept override {
    l.setName("nearestRounding", v == ResizeRoundMode::kHALF_UP     ? "HALF_UP"
                                 : v == ResizeRoundMode::kHALF_DOWN ? "HALF_DOWN"
                                 : v == ResizeRoundMode::kFLOOR     ? "FLOOR"
                                                                    : "CEIL");
  }
  void setCubicCoeff(float v) noexcept override { l.setReal("cubicCoeff", v); }
  void setExcludeOutside(bool v) noexcept override { l.set("excludeOutside", v); }
};

struct GatherImpl : apiv::RecVGatherLayer {
  Layer& l;
  explicit GatherImpl(Layer& layer) : l(layer) {}
  void setGatherAxis(int32_t v) noexcept override { l.set("axis", static_cast<int64_t>(v)); }
  void setNbElementWiseDims(int32_t v) noexcept override { l.set("nbElementWiseDims", static_cast<int64_t>(v)); }
};

struct NMSImpl : apiv::RecVNMSLayer {
  Layer& l;
  explicit NMSImpl(Layer& layer) : l(layer) {}
  void setBoundingBoxFormat(BoundingBoxFormat v) noexcept override {
    l.setName("boundingBoxFormat", v == BoundingBoxFormat::kCORNER_PAIRS ? "CORNER_PAIRS" : "CENTER_SIZES");
  }
  void setTopKBoxLimit(int32_t v) noexcept override { l.set("topKBoxLimit", static_cast<int64_t>(v)); }
};

struct CastImpl : apiv::RecVCastLayer {
  Layer& l;
  explicit CastImpl(Layer& layer) : l(layer) {}
};

/** For layer kinds whose setters the bridge never calls. */
template <typename Base>
struct NoSetters : Base {
  explicit NoSetters(Layer&) {}
};

// --- Shape and type inference, with TensorRT's checks -----------------------------------------

void sameAsInput(Layer& l) {
  l.outputs[0]->impl.dims = l.inDims(0);
  l.outputs[0]->impl.type = l.inType(0);
}

int32_t channelsOf(Layer const& l) {
  Dims const& in = l.inDims(0);
  if (in.nbDims != 4 && in.nbDims != 5)
    broken(l.name + ": the input of a convolution or pooling must have rank 4 or 5 (NCHW or NCDHW); got " + dimsText(in));
  return static_cast<int32_t>(in.d[1]);
}

/** Output extent of a window over `in` (TensorRT's formulas for each padding mode). */
int64_t windowed(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pre, int64_t post, std::string const& mode) {
  if (mode == "SAME_UPPER" || mode == "SAME_LOWER") return (in + s - 1) / s;
  int64_t span = in + pre + post - ((k - 1) * d + 1);
  if (mode == "EXPLICIT_ROUND_UP") return (span + s - 1) / s + 1;
  return span / s + 1;
}

void inferWindow(Layer& l, int64_t outChannels, bool dilated) {
  Dims const& in = l.inDims(0);
  int32_t spatial = in.nbDims - 2;
  Dims kernel = l.dims(l.kind == "addPoolingNd" ? "windowSize" : "kernelSize", spatial, 1);
  if (kernel.nbDims != spatial)
    broken(l.name + ": the window has " + std::to_string(kernel.nbDims) + " dims for an input of rank " + std::to_string(in.nbDims));
  Dims stride = l.dims("stride", spatial, 1), pre = l.dims("prePadding", spatial, 0), post = l.dims("postPadding", spatial, 0);
  Dims dilation = dilated ? l.dims("dilation", spatial, 1) : l.dims("", spatial, 1);
  std::string mode = l.text("paddingMode", "EXPLICIT_ROUND_DOWN");
  Dims out = in;
  out.d[1] = outChannels;
  for (int32_t i = 0; i < spatial; ++i) {
    out.d[2 + i] = windowed(in.d[2 + i], kernel.d[i], stride.d[i], dilation.d[i], pre.d[i], post.d[i], mode);
    if (out.d[2 + i] <= 0) broken(l.name + ": the window does not fit the input " + dimsText(in) + "; the output would be empty");
  }
  l.outputs[0]->impl.dims = out;
  l.outputs[0]->impl.type = l.inType(0);
}

void checkWeights(Layer const& l, std::string const& slot, int64_t expected, bool optional, bool stronglyTyped) {
  auto it = l.weights.find(slot);
  int64_t count = it == l.weights.end() ? 0 : it->second.count;
  if (count == 0 && optional) return;
  if (count != expected)
    broken(l.name + ": " + slot + " weights has count " + std::to_string(count) + " but " + std::to_string(expected) + " was expected");
  if (count > 0 && !it->second.values) broken(l.name + ": " + slot + " weights has a count but no values");
  if (stronglyTyped && !l.inputs.empty() && it->second.type != l.inType(0))
    broken(l.name + ": in a strongly typed network the " + slot + " weights must have the input's type " + typeName(l.inType(0)) + "; got " +
           typeName(it->second.type));
}

// --- Network ----------------------------------------------------------------------------------

struct Network;
struct NetworkImpl : apiv::RecVNetworkDefinition {
  Network& n;
  explicit NetworkImpl(Network& network) : n(network) {}
  ITensor* addInput(char const* name, DataType type, Dims const& dims) noexcept override;
  void markOutput(ITensor& tensor) noexcept override;
  void setName(char const* name) noexcept override;
  char const* getName() const noexcept override;
  int32_t getNbLayers() const noexcept override;
  int32_t getNbInputs() const noexcept override;
  int32_t getNbOutputs() const noexcept override;
  IConvolutionLayer* addConvolutionNd(ITensor& input, int64_t maps, Dims const& kernel, Weights w, Weights b) noexcept override;
  IPoolingLayer* addPoolingNd(ITensor& input, PoolingType type, Dims const& window) noexcept override;
  IActivationLayer* addActivation(ITensor& input, ActivationType type) noexcept override;
  IElementWiseLayer* addElementWise(ITensor& a, ITensor& b, ElementWiseOperation op) noexcept override;
  IScaleLayer* addScaleNd(ITensor& input, ScaleMode mode, Weights shift, Weights scale, Weights power, int32_t axis) noexcept override;
  IReduceLayer* addReduce(ITensor& input, ReduceOperation op, uint32_t axes, bool keep) noexcept override;
  IShuffleLayer* addShuffle(ITensor& input) noexcept override;
  IConstantLayer* addConstant(Dims const& dims, Weights weights) noexcept override;
  IMatrixMultiplyLayer* addMatrixMultiply(ITensor& a, MatrixOperation opA, ITensor& b, MatrixOperation opB) noexcept override;
  ISoftMaxLayer* addSoftMax(ITensor& input) noexcept override;
  IConcatenationLayer* addConcatenation(ITensor* const* inputs, int32_t n) noexcept override;
  ICastLayer* addCast(ITensor& input, DataType type) noexcept override;
  IIdentityLayer* addIdentity(ITensor& input) noexcept override;
  ISliceLayer* addSlice(ITensor& input, Dims const& start, Dims const& size, Dims const& stride) noexcept override;
  IResizeLayer* addResize(ITensor& input) noexcept override;
  IGatherLayer* addGatherV2(ITensor& data, ITensor& indices, GatherMode mode) noexcept override;
  INMSLayer* addNMS(ITensor& boxes, ITensor& scores, ITensor& maxOutputBoxesPerClass) noexcept override;
#if NV_TENSORRT_MAJOR > 10 || NV_TENSORRT_MINOR >= 14
  INMSLayer* addNMSV2(ITensor& boxes, ITensor& scores, ITensor& maxOutputBoxesPerClass, DataType indicesType) noexcept override;
#endif
  INMSLayer* nms(ITensor& boxes, ITensor& scores, ITensor& maxOutputBoxesPerClass, DataType indicesType);
};

struct Network : INetworkDefinition {
  NetworkImpl impl{*this};
  bool stronglyTyped = false;
  std::string name;
  std::vector<std::unique_ptr<Tensor>> inputs;
  std::vector<std::unique_ptr<Layer>> layers;
  std::vector<std::unique_ptr<Owned>> layerObjects;
  std::vector<Tensor*> outputs;
  std::vector<std::string> calls;
  Network() { mImpl = &impl; }

  template <typename Interface, typename Typed>
  Interface* add(std::string const& kind, std::vector<ITensor*> const& ins, int32_t nbOutputs, std::function<void(Layer&)> infer) {
    calls.push_back("INetworkDefinition::" + kind);
    auto layer = std::make_unique<Layer>();
    layer->kind = kind;
    layer->name = "(Unnamed Layer* " + std::to_string(layers.size()) + ") [" + kind.substr(3) + "]";
    for (ITensor* in : ins) layer->inputs.push_back(static_cast<Tensor*>(in));
    for (int32_t i = 0; i < nbOutputs; ++i) {
      auto out = std::make_unique<Tensor>();
      out->impl.name = layer->name + "_output_" + std::to_string(i);
      out->impl.producer = layer.get();
      out->impl.index = i;
      layer->outputs.push_back(std::move(out));
    }
    layer->infer = std::move(infer);
    ++gEdits;
    auto object = std::make_unique<LayerObject<Interface, Typed>>(*layer);
    Interface* result = object.get();
    layers.push_back(std::move(layer));
    layerObjects.push_back(std::move(object));
    return result;
  }
};

ITensor* NetworkImpl::addInput(char const* name, DataType type, Dims const& dims) noexcept {
  n.calls.push_back("INetworkDefinition::addInput");
  auto tensor = std::make_unique<Tensor>();
  tensor->impl.name = name ? name : "";
  tensor->impl.type = type;
  tensor->impl.dims = dims;
  tensor->impl.input = true;
  n.inputs.push_back(std::move(tensor));
  return n.inputs.back().get();
}
void NetworkImpl::markOutput(ITensor& tensor) noexcept {
  n.calls.push_back("INetworkDefinition::markOutput");
  implOf(tensor).output = true;
  n.outputs.push_back(static_cast<Tensor*>(&tensor));
}
void NetworkImpl::setName(char const* name) noexcept { n.name = name ? name : ""; }
char const* NetworkImpl::getName() const noexcept { return n.name.c_str(); }
int32_t NetworkImpl::getNbLayers() const noexcept { return static_cast<int32_t>(n.layers.size()); }
int32_t NetworkImpl::getNbInputs() const noexcept { return static_cast<int32_t>(n.inputs.size()); }
int32_t NetworkImpl::getNbOutputs() const noexcept { return static_cast<int32_t>(n.outputs.size()); }

IConvolutionLayer* NetworkImpl::addConvolutionNd(ITensor& input, int64_t maps, Dims const& kernel, Weights w, Weights b) noexcept {
  bool strong = n.stronglyTyped;
  auto* layer = n.add<IConvolutionLayer, ConvolutionImpl>("addConvolutionNd", {&input}, 1, [strong](Layer& l) {
    int64_t groups = l.integer("nbGroups", 1);
    int64_t channels = channelsOf(l);
    int64_t maps = l.integer("nbOutputMaps", 0);
    if (channels % groups != 0 || maps % groups != 0)
      broken(l.name + ": the number of groups " + std::to_string(groups) + " must divide the input channels " + std::to_string(channels) +
             " and the output maps " + std::to_string(maps));
    Dims kernel = l.dims("kernelSize", 0, 1);
    checkWeights(l, "kernel", maps * (channels / groups) * volume(kernel), false, strong);
    checkWeights(l, "bias", maps, true, strong);
    inferWindow(l, maps, true);
  });
  Layer& l = *n.layers.back();
  l.set("nbOutputMaps", maps);
  l.set("kernelSize", kernel);
  l.weights["kernel"] = w;
  l.weights["bias"] = b;
  return layer;
}

IPoolingLayer* NetworkImpl::addPoolingNd(ITensor& input, PoolingType type, Dims const& window) noexcept {
  auto* layer = n.add<IPoolingLayer, PoolingImpl>("addPoolingNd", {&input}, 1, [](Layer& l) { inferWindow(l, channelsOf(l), false); });
  Layer& l = *n.layers.back();
  l.setName("type", type == PoolingType::kMAX ? "MAX" : type == PoolingType::kAVERAGE ? "AVERAGE" : "MAX_AVERAGE_BLEND");
  l.set("windowSize", window);
  return layer;
}

IActivationLayer* NetworkImpl::addActivation(ITensor& input, ActivationType type) noexcept {
  auto* layer = n.add<IActivationLayer, ActivationImpl>("addActivation", {&input}, 1, sameAsInput);
  static std::map<ActivationType, std::string> const kNames = {
      {ActivationType::kRELU, "RELU"},       {ActivationType::kSIGMOID, "SIGMOID"},       {ActivationType::kTANH, "TANH"},
      {ActivationType::kLEAKY_RELU, "LEAKY_RELU"}, {ActivationType::kCLIP, "CLIP"},    {ActivationType::kELU, "ELU"},
      {ActivationType::kSELU, "SELU"},       {ActivationType::kSOFTPLUS, "SOFTPLUS"},     {ActivationType::kHARD_SIGMOID, "HARD_SIGMOID"},
      {ActivationType::kGELU_ERF, "GELU_ERF"}, {ActivationType::kGELU_TANH, "GELU_TANH"},
  };
  auto it = kNames.find(type);
  n.layers.back()->setName("type", it == kNames.end() ? "UNRECORDED" : it->second);
  return layer;
}

IElementWiseLayer* NetworkImpl::addElementWise(ITensor& a, ITensor& b, ElementWiseOperation op) noexcept {
  bool strong = n.stronglyTyped;
  auto* layer = n.add<IElementWiseLayer, NoSetters<apiv::RecVElementWiseLayer>>("addElementWise", {&a, &b}, 1, [strong](Layer& l) {
    Dims const& x = l.inDims(0);
    Dims const& y = l.inDims(1);
    if (x.nbDims != y.nbDims)
      broken(l.name + ": ElementWise inputs must have the same rank; got " + dimsText(x) + " and " + dimsText(y) + " (broadcast only along size-1 dims)");
    Dims out = x;
    for (int32_t i = 0; i < x.nbDims; ++i) {
      if (x.d[i] != y.d[i] && x.d[i] != 1 && y.d[i] != 1 && x.d[i] >= 0 && y.d[i] >= 0)
        broken(l.name + ": dimensions " + dimsText(x) + " and " + dimsText(y) + " are not broadcast-compatible");
      out.d[i] = x.d[i] == 1 ? y.d[i] : x.d[i];
    }
    if (strong && l.inType(0) != l.inType(1))
      broken(l.name + ": in a strongly typed network both ElementWise inputs must have one type; got " + typeName(l.inType(0)) + " and " +
             typeName(l.inType(1)));
    std::string op = l.text("operation", "");
    bool logical = op == "AND" || op == "OR" || op == "XOR";
    if (logical && l.inType(0) != DataType::kBOOL) broken(l.name + ": ElementWise " + op + " needs BOOL inputs; got " + typeName(l.inType(0)));
    // Comparisons and logical operations give BOOL.
    l.outputs[0]->impl.dims = out;
    l.outputs[0]->impl.type = logical || op == "EQUAL" || op == "GREATER" || op == "LESS" ? DataType::kBOOL : l.inType(0);
  });
  static std::map<ElementWiseOperation, std::string> const kNames = {
      {ElementWiseOperation::kSUM, "SUM"}, {ElementWiseOperation::kPROD, "PROD"}, {ElementWiseOperation::kMAX, "MAX"},
      {ElementWiseOperation::kMIN, "MIN"}, {ElementWiseOperation::kSUB, "SUB"},   {ElementWiseOperation::kDIV, "DIV"},
      {ElementWiseOperation::kPOW, "POW"}, {ElementWiseOperation::kFLOOR_DIV, "FLOOR_DIV"}, {ElementWiseOperation::kAND, "AND"},
      {ElementWiseOperation::kOR, "OR"},   {ElementWiseOperation::kXOR, "XOR"},   {ElementWiseOperation::kEQUAL, "EQUAL"},
      {ElementWiseOperation::kGREATER, "GREATER"}, {ElementWiseOperation::kLESS, "LESS"},
  };
  auto it = kNames.find(op);
  n.layers.back()->setName("operation", it == kNames.end() ? "UNRECORDED" : it->second);
  return layer;
}

IScaleLayer* NetworkImpl::addScaleNd(ITensor& input, ScaleMode mode, Weights shift, Weights scale, Weights power, int32_t axis) noexcept {
  bool strong = n.stronglyTyped;
  auto* layer = n.add<IScaleLayer, NoSetters<apiv::RecVScaleLayer>>("addScale", {&input}, 1, [strong](Layer& l) {
    Dims const& in = l.inDims(0);
    int64_t axis = l.integer("channelAxis", 1);
    if (in.nbDims < 3 || axis < 0 || axis >= in.nbDims) broken(l.name + ": a scale needs an input of rank 3 or more and a channel axis inside it");
    std::string mode = l.text("mode", "CHANNEL");
    int64_t expected = mode == "UNIFORM" ? 1 : mode == "CHANNEL" ? in.d[axis] : volume(in) / in.d[0];
    for (char const* slot : {"shift", "scale", "power"}) checkWeights(l, slot, expected, true, strong);
    sameAsInput(l);
  });
  Layer& l = *n.layers.back();
  l.setName("mode", mode == ScaleMode::kUNIFORM ? "UNIFORM" : mode == ScaleMode::kCHANNEL ? "CHANNEL" : "ELEMENTWISE");
  l.set("channelAxis", static_cast<int64_t>(axis));
  l.weights["shift"] = shift;
  l.weights["scale"] = scale;
  l.weights["power"] = power;
  return layer;
}

IReduceLayer* NetworkImpl::addReduce(ITensor& input, ReduceOperation op, uint32_t axes, bool keep) noexcept {
  auto* layer = n.add<IReduceLayer, NoSetters<apiv::RecVReduceLayer>>("addReduce", {&input}, 1, [](Layer& l) {
    Dims const& in = l.inDims(0);
    auto mask = static_cast<uint32_t>(l.integer("axesMask", 0));
    if (mask == 0 || mask >> in.nbDims) broken(l.name + ": the reduce axes mask " + std::to_string(mask) + " does not fit rank " + std::to_string(in.nbDims));
    Dims out{};
    for (int32_t i = 0; i < in.nbDims; ++i) {
      if (!(mask & (1u << i)))
        out.d[out.nbDims++] = in.d[i];
      else if (l.params.at("keepDimensions") == "true")
        out.d[out.nbDims++] = 1;
    }
    l.outputs[0]->impl.dims = out;
    l.outputs[0]->impl.type = l.inType(0);
  });
  Layer& l = *n.layers.back();
  l.setName("operation", op == ReduceOperation::kAVG ? "AVG" : op == ReduceOperation::kSUM ? "SUM" : op == ReduceOperation::kMAX ? "MAX" : op == ReduceOperation::kMIN ? "MIN" : "PROD");
  l.set("axesMask", static_cast<int64_t>(axes));
  l.set("keepDimensions", keep);
  return layer;
}

Dims transposed(Dims const& in, Layer const& l, std::string const& key) {
  if (!l.has(key)) return in;
  Dims order = l.dims(key, 0, 0);
  Dims out = in;
  for (int32_t i = 0; i < in.nbDims; ++i) out.d[i] = in.d[order.d[i]];
  return out;
}

IShuffleLayer* NetworkImpl::addShuffle(ITensor& input) noexcept {
  return n.add<IShuffleLayer, ShuffleImpl>("addShuffle", {&input}, 1, [](Layer& l) {
    Dims in = transposed(l.inDims(0), l, "firstTranspose");
    Dims out = in;
    if (l.has("reshapeDimensions")) {
      out = l.dims("reshapeDimensions", 0, 0);
      bool zeroCopies = l.params.count("zeroIsPlaceholder") == 0 || l.params.at("zeroIsPlaceholder") == "true";
      int32_t wildcard = -1;
      int64_t known = 1;
      for (int32_t i = 0; i < out.nbDims; ++i) {
        if (out.d[i] == 0 && zeroCopies) {
          if (i >= in.nbDims) broken(l.name + ": reshape dimension " + std::to_string(i) + " is 0 but the input has rank " + std::to_string(in.nbDims));
          out.d[i] = in.d[i];
        }
        if (out.d[i] == -1) {
          if (wildcard >= 0) broken(l.name + ": a reshape may have at most one -1");
          wildcard = i;
        } else {
          known *= out.d[i];
        }
      }
      if (wildcard >= 0) out.d[wildcard] = known ? volume(in) / known : 0;
      if (volume(out) != volume(in)) broken(l.name + ": reshape of " + dimsText(in) + " to " + dimsText(out) + " changes the volume");
    }
    l.outputs[0]->impl.dims = transposed(out, l, "secondTranspose");
    l.outputs[0]->impl.type = l.inType(0);
  });
}

IConstantLayer* NetworkImpl::addConstant(Dims const& dims, Weights weights) noexcept {
  auto* layer = n.add<IConstantLayer, NoSetters<apiv::RecVConstantLayer>>("addConstant", {}, 1, [](Layer& l) {
    Weights const& w = l.weights.at("weights");
    Dims d = l.dims("dimensions", 0, 0);
    if (w.count != volume(d))
      broken(l.name + ": constant weights has count " + std::to_string(w.count) + " but " + std::to_string(volume(d)) + " was expected for dims " + dimsText(d));
    if (w.type == DataType::kUINT8 || w.type == DataType::kBOOL) broken(l.name + ": constants of type UINT8 or BOOL are not supported");
    l.outputs[0]->impl.dims = d;
    l.outputs[0]->impl.type = w.type;
  });
  Layer& l = *n.layers.back();
  l.set("dimensions", dims);
  l.weights["weights"] = weights;
  return layer;
}

IMatrixMultiplyLayer* NetworkImpl::addMatrixMultiply(ITensor& a, MatrixOperation opA, ITensor& b, MatrixOperation opB) noexcept {
  bool strong = n.stronglyTyped;
  auto* layer = n.add<IMatrixMultiplyLayer, NoSetters<apiv::RecVMatrixMultiplyLayer>>("addMatrixMultiply", {&a, &b}, 1, [strong](Layer& l) {
    Dims x = l.inDims(0), y = l.inDims(1);
    if (l.text("op0", "NONE") == "VECTOR" || l.text("op1", "NONE") == "VECTOR") broken(l.name + ": the recorder does not model VECTOR matrix operations");
    if (x.nbDims != y.nbDims || x.nbDims < 2) broken(l.name + ": MatrixMultiply inputs must have the same rank (2 or more); got " + dimsText(x) + " and " + dimsText(y));
    if (l.text("op0", "NONE") == "TRANSPOSE") std::swap(x.d[x.nbDims - 1], x.d[x.nbDims - 2]);
    if (l.text("op1", "NONE") == "TRANSPOSE") std::swap(y.d[y.nbDims - 1], y.d[y.nbDims - 2]);
    if (x.d[x.nbDims - 1] != y.d[y.nbDims - 2]) broken(l.name + ": MatrixMultiply inner dimensions differ: " + dimsText(x) + " x " + dimsText(y));
    if (strong && l.inType(0) != l.inType(1)) broken(l.name + ": in a strongly typed network both MatrixMultiply inputs must have one type");
    Dims out = x;
    for (int32_t i = 0; i < x.nbDims - 2; ++i) out.d[i] = std::max(x.d[i], y.d[i]);
    out.d[x.nbDims - 1] = y.d[y.nbDims - 1];
    l.outputs[0]->impl.dims = out;
    l.outputs[0]->impl.type = l.inType(0);
  });
  auto name = [](MatrixOperation op) { return op == MatrixOperation::kNONE ? "NONE" : op == MatrixOperation::kTRANSPOSE ? "TRANSPOSE" : "VECTOR"; };
  n.layers.back()->setName("op0", name(opA));
  n.layers.back()->setName("op1", name(opB));
  return layer;
}

ISoftMaxLayer* NetworkImpl::addSoftMax(ITensor& input) noexcept {
  return n.add<ISoftMaxLayer, SoftMaxImpl>("addSoftMax", {&input}, 1, [](Layer& l) {
    int32_t rank = l.inDims(0).nbDims;
    int64_t mask = l.integer("axesMask", 1 << (rank >= 3 ? rank - 3 : 0));
    if (mask == 0 || (mask & (mask - 1)) != 0 || mask >> rank) broken(l.name + ": softmax axes must be exactly one axis of the input");
    sameAsInput(l);
  });
}

IConcatenationLayer* NetworkImpl::addConcatenation(ITensor* const* inputs, int32_t count) noexcept {
  bool strong = n.stronglyTyped;
  return n.add<IConcatenationLayer, ConcatenationImpl>("addConcatenation", std::vector<ITensor*>(inputs, inputs + count), 1, [strong](Layer& l) {
    Dims out = l.inDims(0);
    int64_t axis = l.integer("axis", out.nbDims >= 3 ? out.nbDims - 3 : 0);
    out.d[axis] = 0;
    for (size_t i = 0; i < l.inputs.size(); ++i) {
      Dims const& d = l.inDims(i);
      if (d.nbDims != out.nbDims) broken(l.name + ": all concatenation inputs must have the same rank");
      for (int32_t j = 0; j < d.nbDims; ++j)
        if (j != axis && d.d[j] != l.inDims(0).d[j]) broken(l.name + ": concatenation inputs differ outside the axis: " + dimsText(d) + " vs " + dimsText(l.inDims(0)));
      if (strong && l.inType(i) != l.inType(0)) broken(l.name + ": in a strongly typed network all concatenation inputs must have one type");
      // A data-dependent extent (-1, an NMS result) makes the concatenated extent data-dependent too.
      out.d[axis] = out.d[axis] < 0 || d.d[axis] < 0 ? -1 : out.d[axis] + d.d[axis];
    }
    l.outputs[0]->impl.dims = out;
    l.outputs[0]->impl.type = l.inType(0);
  });
}

ICastLayer* NetworkImpl::addCast(ITensor& input, DataType type) noexcept {
  auto* layer = n.add<ICastLayer, CastImpl>("addCast", {&input}, 1, [](Layer& l) {
    l.outputs[0]->impl.dims = l.inDims(0);
    std::string to = l.text("toType", "FLOAT");
    l.outputs[0]->impl.type = to == "HALF" ? DataType::kHALF : to == "BF16" ? DataType::kBF16 : to == "INT32" ? DataType::kINT32 : DataType::kFLOAT;
  });
  n.layers.back()->setName("toType", typeName(type));
  return layer;
}

IIdentityLayer* NetworkImpl::addIdentity(ITensor& input) noexcept {
  return n.add<IIdentityLayer, NoSetters<apiv::RecVIdentityLayer>>("addIdentity", {&input}, 1, sameAsInput);
}

/** Slice input slots (ISliceLayer::setInput): 1 to 3 replace start, size and stride; 4 is the fill value. */
constexpr size_t kSliceFillInput = 4;

ISliceLayer* NetworkImpl::addSlice(ITensor& input, Dims const& start, Dims const& size, Dims const& stride) noexcept {
  auto* layer = n.add<ISliceLayer, SliceImpl>("addSlice", {&input}, 1, [](Layer& l) {
    for (size_t slot = 1; slot < kSliceFillInput; ++slot)
      if (l.hasInput(slot)) broken(l.name + ": the recorder does not model a slice whose start, size or stride is a tensor (input " + std::to_string(slot) + ")");
    Dims const& in = l.inDims(0);
    Dims start = l.dims("start", 0, 0), size = l.dims("size", 0, 0), stride = l.dims("stride", 0, 0);
    if (start.nbDims != in.nbDims || size.nbDims != in.nbDims || stride.nbDims != in.nbDims)
      broken(l.name + ": slice start " + dimsText(start) + ", size " + dimsText(size) + " and stride " + dimsText(stride) + " must each have the input's rank " +
             std::to_string(in.nbDims));
    std::string mode = l.text("mode", "STRICT_BOUNDS");
    bool fill = l.hasInput(kSliceFillInput);
    if (fill && mode != "FILL") broken(l.name + ": a slice fill value (input 4) needs SampleMode::kFILL; the mode is " + mode);
    if (fill && l.inType(kSliceFillInput) != l.inType(0)) broken(l.name + ": the slice fill value must have the input's type " + typeName(l.inType(0)));
    if (fill && l.inDims(kSliceFillInput).nbDims != 0) broken(l.name + ": the slice fill value must be a scalar (0-D); got " + dimsText(l.inDims(kSliceFillInput)));
    for (int32_t i = 0; i < in.nbDims; ++i) {
      if (size.d[i] < 0) broken(l.name + ": slice size " + dimsText(size) + " has a negative extent");
      if (mode != "STRICT_BOUNDS" || size.d[i] == 0 || in.d[i] < 0) continue;
      int64_t last = start.d[i] + (size.d[i] - 1) * stride.d[i];
      if (start.d[i] < 0 || start.d[i] >= in.d[i] || last < 0 || last >= in.d[i])
        broken(l.name + ": slice of " + dimsText(in) + " from " + dimsText(start) + " by " + dimsText(stride) + " for " + dimsText(size) +
               " reads outside axis " + std::to_string(i) + " (SampleMode::kSTRICT_BOUNDS)");
    }
    l.outputs[0]->impl.dims = size;
    l.outputs[0]->impl.type = l.inType(0);
  });
  Layer& l = *n.layers.back();
  l.set("start", start);
  l.set("size", size);
  l.set("stride", stride);
  l.setName("mode", "STRICT_BOUNDS");
  return layer;
}

IResizeLayer* NetworkImpl::addResize(ITensor& input) noexcept {
  return n.add<IResizeLayer, ResizeImpl>("addResize", {&input}, 1, [](Layer& l) {
    Dims const& in = l.inDims(0);
    Dims out = in;
    if (l.has("outputDimensions")) {
      out = l.dims("outputDimensions", 0, 0);
      if (out.nbDims != in.nbDims) broken(l.name + ": resize output dimensions " + dimsText(out) + " must have the input's rank " + std::to_string(in.nbDims));
    } else if (l.has("scales")) {
      std::string const& text = l.params.at("scales");
      std::vector<double> scales;
      for (size_t pos = 1; pos < text.size() && text[pos] != ']';) {
        size_t end = text.find_first_of(",]", pos);
        scales.push_back(std::stod(text.substr(pos, end - pos)));
        pos = text[end] == ',' ? end + 1 : end;
      }
      if (static_cast<int32_t>(scales.size()) != in.nbDims)
        broken(l.name + ": resize has " + std::to_string(scales.size()) + " scales for an input of rank " + std::to_string(in.nbDims));
      for (int32_t i = 0; i < in.nbDims; ++i) out.d[i] = static_cast<int64_t>(std::floor(static_cast<double>(in.d[i]) * scales[static_cast<size_t>(i)]));
    } else {
      broken(l.name + ": a resize needs its output dimensions or its scales");
    }
    l.outputs[0]->impl.dims = out;
    l.outputs[0]->impl.type = l.inType(0);
  });
}

IGatherLayer* NetworkImpl::addGatherV2(ITensor& data, ITensor& indices, GatherMode mode) noexcept {
  auto* layer = n.add<IGatherLayer, GatherImpl>("addGatherV2", {&data, &indices}, 1, [](Layer& l) {
    Dims const& d = l.inDims(0);
    Dims const& ix = l.inDims(1);
    if (l.inType(1) != DataType::kINT32 && l.inType(1) != DataType::kINT64) broken(l.name + ": gather indices must be INT32 or INT64; got " + typeName(l.inType(1)));
    std::string mode = l.text("mode", "DEFAULT");
    int64_t axis = l.integer("axis", 0);
    int64_t batch = l.integer("nbElementWiseDims", 0);
    Dims out{};
    if (mode == "DEFAULT") {
      if (axis < 0 || axis >= d.nbDims) broken(l.name + ": gather axis " + std::to_string(axis) + " is outside the data's rank " + std::to_string(d.nbDims));
      if (batch != 0) broken(l.name + ": the recorder models DEFAULT gathers with nbElementWiseDims 0 only");
      for (int32_t i = 0; i < axis; ++i) out.d[out.nbDims++] = d.d[i];
      for (int32_t i = 0; i < ix.nbDims; ++i) out.d[out.nbDims++] = ix.d[i];
      for (int32_t i = static_cast<int32_t>(axis) + 1; i < d.nbDims; ++i) out.d[out.nbDims++] = d.d[i];
    } else if (mode == "ND") {
      int64_t q = ix.nbDims ? ix.d[ix.nbDims - 1] : -1;
      if (batch != 0) broken(l.name + ": the recorder models ND gathers with nbElementWiseDims 0 only");
      if (q < 1 || q > d.nbDims) broken(l.name + ": the last dimension of ND gather indices " + dimsText(ix) + " must be 1 to the data's rank " + std::to_string(d.nbDims));
      for (int32_t i = 0; i + 1 < ix.nbDims; ++i) out.d[out.nbDims++] = ix.d[i];
      for (int32_t i = static_cast<int32_t>(q); i < d.nbDims; ++i) out.d[out.nbDims++] = d.d[i];
    } else {
      if (ix.nbDims != d.nbDims) broken(l.name + ": ELEMENT gather indices must have the data's rank");
      out = ix;
    }
    l.outputs[0]->impl.dims = out;
    l.outputs[0]->impl.type = l.inType(0);
  });
  n.layers.back()->setName("mode", mode == GatherMode::kDEFAULT ? "DEFAULT" : mode == GatherMode::kND ? "ND" : "ELEMENT");
  return layer;
}

/** NMS input slots: boxes, scores, maxOutputBoxesPerClass, then (setInput) the IoU and score thresholds. */
constexpr size_t kNmsIouInput = 3;
constexpr size_t kNmsScoreInput = 4;

INMSLayer* NetworkImpl::nms(ITensor& boxes, ITensor& scores, ITensor& maxOutputBoxesPerClass, DataType indicesType) {
  auto* layer = n.add<INMSLayer, NMSImpl>("addNMS", {&boxes, &scores, &maxOutputBoxesPerClass}, 2, [](Layer& l) {
    Dims const& b = l.inDims(0);
    Dims const& sc = l.inDims(1);
    if (b.nbDims != 3 || b.d[2] != 4) broken(l.name + ": NMS boxes must be [batch, boxes, 4]; got " + dimsText(b));
    if (sc.nbDims != 3 || sc.d[0] != b.d[0] || sc.d[1] != b.d[1]) broken(l.name + ": NMS scores must be [batch, boxes, classes] over the boxes " + dimsText(b) + "; got " + dimsText(sc));
    if (l.inType(0) != DataType::kFLOAT && l.inType(0) != DataType::kHALF) broken(l.name + ": NMS boxes must be FLOAT or HALF; got " + typeName(l.inType(0)));
    if (l.inType(0) != l.inType(1)) broken(l.name + ": NMS boxes and scores must have one type");
    if (l.inDims(2).nbDims != 0 || l.inType(2) != DataType::kINT32) broken(l.name + ": maxOutputBoxesPerClass must be an INT32 scalar");
    for (size_t slot : {kNmsIouInput, kNmsScoreInput})
      if (l.hasInput(slot) && (l.inDims(slot).nbDims != 0 || l.inType(slot) != DataType::kFLOAT))
        broken(l.name + ": NMS input " + std::to_string(slot) + " (a threshold) must be a FLOAT scalar");
    std::string type = l.text("indicesType", "INT32");
    DataType indices = type == "INT64" ? DataType::kINT64 : DataType::kINT32;
    // selectedIndices is [selected, 3] (batch, class, box), its length known only at run time.
    l.outputs[0]->impl.dims = Dims{2, {-1, 3}};
    l.outputs[0]->impl.type = indices;
    l.outputs[1]->impl.dims = Dims{0, {}};
    l.outputs[1]->impl.type = DataType::kINT32;
  });
  Layer& l = *n.layers.back();
  l.setName("indicesType", typeName(indicesType));
  l.setName("boundingBoxFormat", "CORNER_PAIRS");
  return layer;
}

INMSLayer* NetworkImpl::addNMS(ITensor& boxes, ITensor& scores, ITensor& maxOutputBoxesPerClass) noexcept {
  return nms(boxes, scores, maxOutputBoxesPerClass, DataType::kINT32);
}
#if NV_TENSORRT_MAJOR > 10 || NV_TENSORRT_MINOR >= 14
INMSLayer* NetworkImpl::addNMSV2(ITensor& boxes, ITensor& scores, ITensor& maxOutputBoxesPerClass, DataType indicesType) noexcept {
  return nms(boxes, scores, maxOutputBoxesPerClass, indicesType);
}
#endif

// --- Builder configuration, profiles, timing cache, host memory --------------------------------

constexpr char kTimingCacheMagic[] = "RECORDER-TIMING-CACHE";

struct HostMemoryImpl : apiv::RecVHostMemory {
  std::string bytes;
  void* data() const noexcept override { return const_cast<char*>(bytes.data()); }
  std::size_t size() const noexcept override { return bytes.size(); }
  DataType type() const noexcept override { return DataType::kUINT8; }
};
struct HostMemory : IHostMemory {
  HostMemoryImpl impl;
  explicit HostMemory(std::string bytes) {
    impl.bytes = std::move(bytes);
    mImpl = &impl;
  }
};

struct TimingCacheImpl : apiv::RecVTimingCache {
  bool foreign = false;
  IHostMemory* serialize() const noexcept override { return new HostMemory(kTimingCacheMagic); }
};
struct TimingCache : ITimingCache {
  TimingCacheImpl impl;
  TimingCache() { mImpl = &impl; }
};

struct ProfileImpl : apiv::RecVOptimizationProfile {
  std::map<std::string, std::map<int, Dims>> dims;
  bool setDimensions(char const* name, OptProfileSelector select, Dims const& value) noexcept override {
    dims[name ? name : ""][static_cast<int>(select)] = value;
    return true;
  }
  bool isValid() const noexcept override { return true; }
};
struct Profile : IOptimizationProfile {
  ProfileImpl impl;
  Profile() { mImpl = &impl; }
};

struct ConfigImpl : apiv::RecVBuilderConfig {
  // TensorRT starts with TF32 allowed.
  uint64_t flags = 1ull << static_cast<int>(BuilderFlag::kTF32);
  std::vector<std::string> calls;
  std::vector<Profile*> profiles;
  TimingCache* cache = nullptr;
  IProgressMonitor* monitor = nullptr;
  int32_t optimizationLevel = 3;
  size_t workspace = 0;

  void setFlag(BuilderFlag flag) noexcept override { flags |= 1ull << static_cast<int>(flag); }
  void clearFlag(BuilderFlag flag) noexcept override { flags &= ~(1ull << static_cast<int>(flag)); }
  bool getFlag(BuilderFlag flag) const noexcept override { return flags & (1ull << static_cast<int>(flag)); }
  void setProfilingVerbosity(ProfilingVerbosity) noexcept override { calls.push_back("setProfilingVerbosity"); }
  void setMemoryPoolLimit(MemoryPoolType pool, std::size_t bytes) noexcept override {
    if (pool == MemoryPoolType::kWORKSPACE) workspace = bytes;
  }
  void setBuilderOptimizationLevel(int32_t level) noexcept override { optimizationLevel = level; }
  void setAvgTimingIterations(int32_t) noexcept override { calls.push_back("setAvgTimingIterations"); }
  void setHardwareCompatibilityLevel(HardwareCompatibilityLevel) noexcept override { calls.push_back("setHardwareCompatibilityLevel"); }
  ITimingCache* createTimingCache(void const* blob, std::size_t size) const noexcept override {
    auto* cache = new TimingCache();
    cache->impl.foreign = size > 0 && (size < sizeof(kTimingCacheMagic) - 1 || std::memcmp(blob, kTimingCacheMagic, sizeof(kTimingCacheMagic) - 1) != 0);
    return cache;
  }
  bool setTimingCache(ITimingCache const& cache, bool ignoreMismatch) noexcept override {
    auto const& impl = static_cast<TimingCache const&>(cache).impl;
    if (impl.foreign && !ignoreMismatch) {
      logAs(ILogger::Severity::kERROR, "Error Code 2: Internal Error (The timing cache was created by a different device or TensorRT version.)");
      return false;
    }
    cache_ = const_cast<TimingCache*>(&static_cast<TimingCache const&>(cache));
    return true;
  }
  ITimingCache const* getTimingCache() const noexcept override { return cache_; }
  int32_t addOptimizationProfile(IOptimizationProfile const* profile) noexcept override {
    profiles.push_back(const_cast<Profile*>(static_cast<Profile const*>(profile)));
    return static_cast<int32_t>(profiles.size()) - 1;
  }
  int32_t getNbOptimizationProfiles() const noexcept override { return static_cast<int32_t>(profiles.size()); }
  void setProgressMonitor(IProgressMonitor* value) noexcept override { monitor = value; }
  IProgressMonitor* getProgressMonitor() const noexcept override { return monitor; }

  TimingCache* cache_ = nullptr;
};
struct Config : IBuilderConfig {
  ConfigImpl impl;
  Config() { mImpl = &impl; }
};

// --- Building: the checks, then the recording as JSON -------------------------------------------

std::string weightsJson(Weights const& w) {
  std::ostringstream s;
  s << "{\"type\":" << quote(typeName(w.type)) << ",\"count\":" << w.count << ",\"data\":"
    << quote(w.values ? base64(static_cast<uint8_t const*>(w.values), static_cast<size_t>(w.count) * typeSize(w.type)) : "") << "}";
  return s.str();
}

std::string tensorJson(TensorImpl const& t) {
  return "{\"name\":" + quote(t.name) + ",\"type\":" + quote(typeName(t.type)) + ",\"dims\":" + dimsText(t.dims) + "}";
}

std::string record(Network& network, ConfigImpl const& config) {
  // TensorRT's build-time checks.
  if (!gNotRecorded.empty()) {
    std::string calls;
    for (auto const& c : gNotRecorded) calls += (calls.empty() ? "" : ", ") + c;
    throw RuleBroken{"The recorder does not implement " + calls + "; teach native/test/recorder/recorder.cc these calls."};
  }
  if (network.outputs.empty()) broken("Network must have at least one output");
  std::map<std::string, std::string> owners;
  auto claim = [&owners](TensorImpl const& t, std::string const& owner) {
    auto [it, added] = owners.emplace(t.name, owner);
    if (!added) broken("Repeated tensor name: " + t.name + " (tensors must have distinct names; used by " + it->second + " and " + owner + ")");
  };
  for (auto const& input : network.inputs) claim(input->impl, "network input");
  for (auto const& layer : network.layers) {
    layer->run();
    for (auto const& out : layer->outputs) claim(out->impl, "layer " + layer->name);
  }
  std::set<Tensor const*> marked;
  for (Tensor const* out : network.outputs) {
    if (out->impl.input) broken("Tensor " + out->impl.name + " is both a network input and a network output");
    if (!marked.insert(out).second) broken("Tensor " + out->impl.name + " is marked as a network output twice");
  }
  bool dynamic = false;
  for (auto const& input : network.inputs)
    for (int32_t i = 0; i < input->impl.dims.nbDims; ++i) dynamic |= input->impl.dims.d[i] < 0;
  if (dynamic && config.profiles.empty()) broken("Network has dynamic or shape inputs, but no optimization profile has been defined");

  std::ostringstream s;
  s << "{\"recorder\":1,\"tensorrt\":" << quote(std::to_string(NV_TENSORRT_MAJOR) + "." + std::to_string(NV_TENSORRT_MINOR) + "." + std::to_string(NV_TENSORRT_PATCH))
    << ",\"name\":" << quote(network.name) << ",\"stronglyTyped\":" << (network.stronglyTyped ? "true" : "false")
    << ",\"config\":{\"tf32\":" << (config.getFlag(BuilderFlag::kTF32) ? "true" : "false") << ",\"flags\":" << config.flags
    << ",\"workspaceBytes\":" << config.workspace << ",\"optimizationLevel\":" << config.optimizationLevel
    << ",\"profiles\":" << config.profiles.size() << ",\"timingCache\":" << (config.cache_ ? "true" : "false") << "}";
  s << ",\"calls\":" << network.calls.size() << ",\"inputs\":[";
  for (size_t i = 0; i < network.inputs.size(); ++i) s << (i ? "," : "") << tensorJson(network.inputs[i]->impl);
  s << "],\"layers\":[";
  for (size_t i = 0; i < network.layers.size(); ++i) {
    Layer const& l = *network.layers[i];
    s << (i ? "," : "") << "{\"kind\":" << quote(l.kind) << ",\"name\":" << quote(l.name) << ",\"metadata\":" << quote(l.metadata) << ",\"inputs\":[";
    // An input slot left unset (before a later setInput) is written as "".
    for (size_t j = 0; j < l.inputs.size(); ++j) s << (j ? "," : "") << quote(l.inputs[j] ? l.inputs[j]->impl.name : "");
    s << "],\"outputs\":[";
    for (size_t j = 0; j < l.outputs.size(); ++j) s << (j ? "," : "") << tensorJson(l.outputs[j]->impl);
    s << "],\"params\":{";
    size_t j = 0;
    for (auto const& [key, value] : l.params) s << (j++ ? "," : "") << quote(key) << ":" << value;
    s << "},\"weights\":{";
    j = 0;
    for (auto const& [slot, w] : l.weights)
      if (w.count > 0) s << (j++ ? "," : "") << quote(slot) << ":" << weightsJson(w);
    s << "}}";
  }
  s << "],\"outputs\":[";
  for (size_t i = 0; i < network.outputs.size(); ++i) s << (i ? "," : "") << quote(network.outputs[i]->impl.name);
  s << "]}";
  return s.str();
}

struct BuilderImpl : apiv::RecVBuilder {
  INetworkDefinition* createNetworkV2(NetworkDefinitionCreationFlags flags) noexcept override {
    auto* network = new Network();
#if NV_TENSORRT_MAJOR >= 11
    (void)flags;
    network->stronglyTyped = true;
#else
    network->stronglyTyped = flags & (1U << static_cast<uint32_t>(NetworkDefinitionCreationFlag::kSTRONGLY_TYPED));
#endif
    return network;
  }
  IBuilderConfig* createBuilderConfig() noexcept override { return new Config(); }
  IOptimizationProfile* createOptimizationProfile() noexcept override {
    profiles.push_back(std::make_unique<Profile>());
    return profiles.back().get();
  }
  IHostMemory* buildSerializedNetwork(INetworkDefinition& definition, IBuilderConfig& builderConfig) noexcept override {
    auto& network = static_cast<Network&>(definition);
    auto& config = static_cast<Config&>(builderConfig).impl;
    try {
      if (config.monitor) config.monitor->phaseStart("Recording the network", nullptr, static_cast<int32_t>(network.layers.size()));
      for (size_t i = 0; i < network.layers.size(); ++i)
        if (config.monitor && !config.monitor->stepComplete("Recording the network", static_cast<int32_t>(i))) {
          logAs(ILogger::Severity::kERROR, "Error Code 8: Internal Error (the build was cancelled by the progress monitor)");
          return nullptr;
        }
      if (config.monitor) config.monitor->phaseFinish("Recording the network");
      return new HostMemory(record(network, config));
    } catch (RuleBroken const& e) {
      logAs(ILogger::Severity::kERROR, e.message);
      return nullptr;
    }
  }
  std::vector<std::unique_ptr<Profile>> profiles;
};
struct Builder : IBuilder {
  BuilderImpl impl;
  Builder() { mImpl = &impl; }
};

struct RuntimeImpl : apiv::RecVRuntime {
  bool hostCodeAllowed = false;
  void setEngineHostCodeAllowed(bool allowed) noexcept override { hostCodeAllowed = allowed; }
  bool getEngineHostCodeAllowed() const noexcept override { return hostCodeAllowed; }
  ICudaEngine* deserializeCudaEngine(void const*, std::size_t) noexcept override {
    // What the runtime was told before it had to load the engine, for the recorder check to read.
    logAs(ILogger::Severity::kERROR, std::string("The TensorRT recorder records builds; it cannot deserialize or run engines (engine host code allowed: ") +
                                         (hostCodeAllowed ? "yes" : "no") + ").");
    return nullptr;
  }
};
struct Runtime : IRuntime {
  RuntimeImpl impl;
  Runtime() { mImpl = &impl; }
};

}  // namespace

void notRecorded(char const* method) noexcept {
  try {
    gNotRecorded.emplace_back(method);
  } catch (...) {
  }
  std::fprintf(stderr, "TensorRT recorder: %s is not recorded\n", method);
}

}  // namespace recorder

extern "C" {

int32_t getInferLibVersion() noexcept { return NV_TENSORRT_VERSION; }
int32_t getInferLibMajorVersion() noexcept { return NV_TENSORRT_MAJOR; }
int32_t getInferLibMinorVersion() noexcept { return NV_TENSORRT_MINOR; }
int32_t getInferLibPatchVersion() noexcept { return NV_TENSORRT_PATCH; }
int32_t getInferLibBuildVersion() noexcept { return 0; }

void* createInferBuilder_INTERNAL(void* logger, int32_t) noexcept {
  // TensorRT keeps the first logger it is given; so does the recorder.
  if (!recorder::gLogger) recorder::gLogger = static_cast<nvinfer1::ILogger*>(logger);
  return static_cast<nvinfer1::IBuilder*>(new recorder::Builder());
}

void* createInferRuntime_INTERNAL(void* logger, int32_t) noexcept {
  if (!recorder::gLogger) recorder::gLogger = static_cast<nvinfer1::ILogger*>(logger);
  return static_cast<nvinfer1::IRuntime*>(new recorder::Runtime());
}

void* createInferRefitter_INTERNAL(void*, void*, int32_t) noexcept { return nullptr; }
nvinfer1::ILogger* getLogger() noexcept { return recorder::gLogger; }
}
