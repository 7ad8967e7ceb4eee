// Engines at run time: deserialize (a version mismatch gets its own Diagnostic), run with enqueueV3
// on a CUDA stream with named tensors, latency over N runs, per-layer times through IProfiler, and
// the engine inspector's JSON.
#include <NvInfer.h>
#include <cuda_runtime_api.h>

#include <cstring>
#include <memory>

#include "trt/bridge.h"
#include "trt/capabilities.h"
#include "trt/logger.h"
#include "trt/network_builder.h"

namespace trtstudio {
namespace {

using namespace nvinfer1;

/**
 * Errors after which the CUDA context is corrupt: every later CUDA call in this process fails too,
 * so the engine host must be replaced by a fresh process (the handlers see the code and restart it).
 */
bool isStickyCudaError(cudaError_t status) {
  switch (status) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchTimeout:
    case cudaErrorAssert:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorLaunchFailure:
    case cudaErrorECCUncorrectable:
    case cudaErrorContextIsDestroyed: return true;
    default: return false;
  }
}

void checkCuda(cudaError_t status, std::string const& what) {
  if (status == cudaSuccess) return;
  if (isStickyCudaError(status))
    throw BridgeError(kStickyCudaErrorCode, "CUDA failed to " + what + ": " + cudaGetErrorString(status) +
                                                ". The GPU context cannot be used after this error; the engine host restarts for the next job.");
  throw BridgeError("run.cuda", "CUDA failed to " + what + ": " + cudaGetErrorString(status) +
                                    ". Check that an NVIDIA GPU and driver are present (nvidia-smi).");
}

/** Device memory freed on scope exit. */
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t bytes) {
    // At least 256 bytes so that even an empty tensor gets a valid, aligned address.
    checkCuda(cudaMalloc(&mData, bytes < 256 ? 256 : bytes), "allocate " + std::to_string(bytes) + " bytes of device memory");
  }
  ~DeviceBuffer() {
    if (mData) cudaFree(mData);
  }
  DeviceBuffer(DeviceBuffer const&) = delete;
  DeviceBuffer& operator=(DeviceBuffer const&) = delete;
  void* data() const { return mData; }

 private:
  void* mData = nullptr;
};

class Stream {
 public:
  Stream() { checkCuda(cudaStreamCreate(&mStream), "create a stream"); }
  ~Stream() { cudaStreamDestroy(mStream); }
  Stream(Stream const&) = delete;
  Stream& operator=(Stream const&) = delete;
  cudaStream_t get() const { return mStream; }

 private:
  cudaStream_t mStream = nullptr;
};

class Event {
 public:
  Event() { checkCuda(cudaEventCreate(&mEvent), "create an event"); }
  ~Event() { cudaEventDestroy(mEvent); }
  Event(Event const&) = delete;
  Event& operator=(Event const&) = delete;
  cudaEvent_t get() const { return mEvent; }

 private:
  cudaEvent_t mEvent = nullptr;
};

/** Sums IProfiler reports per engine layer, in the order the engine runs them. */
class LayerProfiler : public IProfiler {
 public:
  void reportLayerTime(char const* layerName, float ms) noexcept override {
    try {
      std::string name = layerName ? layerName : "";
      auto it = mIndex.find(name);
      if (it == mIndex.end()) {
        it = mIndex.emplace(name, mTimes.size()).first;
        mTimes.push_back(LayerTime{name, 0, 0});
      }
      mTimes[it->second].totalMs += ms;
      mTimes[it->second].count += 1;
    } catch (...) {
      // Never throw into TensorRT.
    }
  }
  std::vector<LayerTime> const& times() const { return mTimes; }

 private:
  std::map<std::string, size_t> mIndex;
  std::vector<LayerTime> mTimes;
};

size_t elementSize(DataType type) {
  switch (type) {
    case DataType::kFLOAT:
    case DataType::kINT32: return 4;
    case DataType::kHALF:
    case DataType::kBF16: return 2;
    case DataType::kINT64: return 8;
    case DataType::kINT8:
    case DataType::kUINT8:
    case DataType::kBOOL: return 1;
    default: return 0;  // FP8, INT4, FP4 and E8M0: toFloats cannot decode them.
  }
}

float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  uint32_t bits = 0;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {
      exponent = 127 - 15 + 1;
      while ((mantissa & 0x400u) == 0) {
        mantissa <<= 1;
        --exponent;
      }
      bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
    }
  } else if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent - 15 + 127) << 23) | (mantissa << 13);
  }
  float value = 0;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

std::vector<float> toFloats(std::vector<uint8_t> const& bytes, DataType type, size_t count) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) {
    switch (type) {
      case DataType::kFLOAT: std::memcpy(&values[i], bytes.data() + i * 4, 4); break;
      case DataType::kINT32: { int32_t v; std::memcpy(&v, bytes.data() + i * 4, 4); values[i] = static_cast<float>(v); break; }
      case DataType::kINT64: { int64_t v; std::memcpy(&v, bytes.data() + i * 8, 8); values[i] = static_cast<float>(v); break; }
      case DataType::kHALF: { uint16_t v; std::memcpy(&v, bytes.data() + i * 2, 2); values[i] = halfToFloat(v); break; }
      case DataType::kBF16: {
        uint16_t v; std::memcpy(&v, bytes.data() + i * 2, 2);
        uint32_t bits = static_cast<uint32_t>(v) << 16;
        std::memcpy(&values[i], &bits, 4);
        break;
      }
      case DataType::kINT8: values[i] = static_cast<float>(static_cast<int8_t>(bytes[i])); break;
      default: values[i] = static_cast<float>(bytes[i]); break;
    }
  }
  return values;
}

int64_t volume(Dims const& dims) {
  int64_t v = 1;
  for (int32_t i = 0; i < dims.nbDims; ++i) v *= dims.d[i] < 0 ? 0 : dims.d[i];
  return v;
}

void bindTensor(IExecutionContext& context, char const* name, void* address, DiagnosticLogger const& logger) {
  if (!context.setTensorAddress(name, address))
    throw BridgeError("run.tensor-address", std::string("TensorRT refused the device buffer of tensor '") + name + "': " + logger.lastError());
}

Diagnostic errorDiagnostic(std::string code, std::string message) {
  Diagnostic d;
  d.severity = "error";
  d.code = std::move(code);
  d.message = std::move(message);
  return d;
}

/**
 * A version-compatible engine carries its own lean runtime, which the runtime runs only when host code
 * is allowed (trtexec does the same). Every engine this app loads was built by the user, so it is trusted.
 */
void allowVersionCompatibleEngines(IRuntime& runtime) { runtime.setEngineHostCodeAllowed(true); }

/** Deserialize, explaining a version or device mismatch in words. */
std::unique_ptr<ICudaEngine> deserialize(IRuntime& runtime, std::vector<uint8_t> const& bytes, DiagnosticLogger const& logger) {
  std::unique_ptr<ICudaEngine> engine(runtime.deserializeCudaEngine(bytes.data(), bytes.size()));
  if (engine) return engine;
  std::string log = logger.lastError();
  std::string runtimeVersion = formatInferLibVersion(getInferLibVersion());
  bool versionMismatch = log.find("ersion") != std::string::npos || log.find("not compatible") != std::string::npos ||
                         log.find("magic") != std::string::npos;
  if (versionMismatch)
    throw BridgeError("engine.version-mismatch",
                      "The engine was built by a different TensorRT version or for another GPU, and this TensorRT " + runtimeVersion +
                          " cannot load it; rebuild the engine here (or build it with version compatibility). TensorRT said: " + log);
  throw BridgeError("engine.deserialize", "TensorRT " + runtimeVersion + " could not read the engine (" + std::to_string(bytes.size()) +
                                              " bytes)" + (log.empty() ? std::string(".") : ": " + log));
}

}  // namespace

RunResult runEngine(RunRequest const& request) {
  RunResult result;
  DiagnosticLogger logger;
  JobScope job(logger);
  std::vector<Diagnostic> diagnostics;
  try {
    std::unique_ptr<IRuntime> runtime(createInferRuntime(processLogger()));
    if (!runtime) throw BridgeError("run.runtime", "TensorRT could not create a runtime: " + logger.lastError());
    allowVersionCompatibleEngines(*runtime);
    std::unique_ptr<ICudaEngine> engine = deserialize(*runtime, request.engine, logger);
    std::unique_ptr<IExecutionContext> context(engine->createExecutionContext());
    if (!context) throw BridgeError("run.context", "TensorRT could not create an execution context: " + logger.lastError());
    Stream stream;

    std::vector<std::unique_ptr<DeviceBuffer>> buffers;
    struct Output {
      std::string name;
      DataType type;
      void* device;
    };
    std::vector<Output> outputs;
    int32_t nbTensors = engine->getNbIOTensors();
    // Inputs first: output shapes are known only once every input shape is set.
    for (int32_t i = 0; i < nbTensors; ++i) {
      char const* name = engine->getIOTensorName(i);
      if (engine->getTensorIOMode(name) != TensorIOMode::kINPUT) continue;
      auto given = request.inputs.find(name);
      if (given == request.inputs.end()) throw BridgeError("run.input.missing", std::string("The engine input '") + name + "' was not given a value.");
      if (engine->getTensorDataType(name) != DataType::kFLOAT)
        throw BridgeError("run.input.type", std::string("The engine input '") + name + "' is " + dataTypeName(engine->getTensorDataType(name)) +
                                                "; running engines accepts FLOAT inputs only.");
      Dims dims = engine->getTensorShape(name);
      std::vector<int64_t> const& givenDims = given->second.first;
      if (!givenDims.empty()) {
        Dims shape{};
        shape.nbDims = static_cast<int32_t>(givenDims.size());
        for (size_t d = 0; d < givenDims.size() && d < static_cast<size_t>(Dims::MAX_DIMS); ++d) shape.d[d] = givenDims[d];
        if (!context->setInputShape(name, shape))
          throw BridgeError("run.input.shape", std::string("The engine rejected the shape of input '") + name + "': " + logger.lastError());
        dims = shape;
      }
      HostArray values = given->second.second;
      if (static_cast<int64_t>(values.count) != volume(dims))
        throw BridgeError("run.input.size", std::string("Input '") + name + "' has " + std::to_string(values.count) + " values, but its shape needs " +
                                                std::to_string(volume(dims)) + ".");
      buffers.push_back(std::make_unique<DeviceBuffer>(values.count * sizeof(float)));
      checkCuda(cudaMemcpyAsync(buffers.back()->data(), values.data, values.count * sizeof(float), cudaMemcpyHostToDevice, stream.get()),
                std::string("copy input '") + name + "' to the GPU");
      bindTensor(*context, name, buffers.back()->data(), logger);
    }
    for (int32_t i = 0; i < nbTensors; ++i) {
      char const* name = engine->getIOTensorName(i);
      if (engine->getTensorIOMode(name) != TensorIOMode::kOUTPUT) continue;
      DataType type = engine->getTensorDataType(name);
      if (elementSize(type) == 0)
        throw BridgeError("run.output.type", std::string("The engine output '") + name + "' is " + dataTypeName(type) +
                                                 "; running engines reads FLOAT, HALF, BF16, INT8, UINT8, BOOL, INT32 and INT64 outputs only. "
                                                 "Cast the output to FLOAT in the network (a Cast layer before it).");
      Dims dims = context->getTensorShape(name);
      size_t bytes = static_cast<size_t>(volume(dims)) * elementSize(type);
      buffers.push_back(std::make_unique<DeviceBuffer>(bytes));
      bindTensor(*context, name, buffers.back()->data(), logger);
      outputs.push_back(Output{name, type, buffers.back()->data()});
    }

    Event start;
    Event stop;
    auto enqueue = [&]() {
      if (!context->enqueueV3(stream.get())) throw BridgeError("run.enqueue", "enqueueV3 failed: " + logger.lastError());
    };
    for (int i = 0; i < request.warmup; ++i) enqueue();
    checkCuda(cudaStreamSynchronize(stream.get()), "finish the warm-up runs");
    for (int i = 0; i < std::max(1, request.iterations); ++i) {
      checkCuda(cudaEventRecord(start.get(), stream.get()), "record a start event");
      enqueue();
      checkCuda(cudaEventRecord(stop.get(), stream.get()), "record a stop event");
      checkCuda(cudaEventSynchronize(stop.get()), "finish a run");
      float ms = 0;
      checkCuda(cudaEventElapsedTime(&ms, start.get(), stop.get()), "read a run's time");
      result.latenciesMs.push_back(ms);
    }
    if (request.profileLayers) {
      // A separate pass: with a profiler attached every enqueue is synchronous, which would distort the latencies above.
      LayerProfiler profiler;
      context->setProfiler(&profiler);
      for (int i = 0; i < std::max(1, request.iterations); ++i) enqueue();
      checkCuda(cudaStreamSynchronize(stream.get()), "finish the profiled runs");
      context->setProfiler(nullptr);
      result.layerTimes = profiler.times();
    }
    for (auto const& output : outputs) {
      Dims dims = context->getTensorShape(output.name.c_str());
      size_t count = static_cast<size_t>(volume(dims));
      std::vector<uint8_t> bytes(count * elementSize(output.type));
      checkCuda(cudaMemcpyAsync(bytes.data(), output.device, bytes.size(), cudaMemcpyDeviceToHost, stream.get()),
                "copy output '" + output.name + "' from the GPU");
      checkCuda(cudaStreamSynchronize(stream.get()), "finish copying the outputs");
      TensorData tensor;
      tensor.name = output.name;
      tensor.dtype = dataTypeName(output.type);
      for (int32_t d = 0; d < dims.nbDims; ++d) tensor.dims.push_back(dims.d[d]);
      tensor.values = toFloats(bytes, output.type, count);
      result.outputs.push_back(std::move(tensor));
    }
    result.ok = true;
  } catch (BridgeError const& e) {
    diagnostics.push_back(errorDiagnostic(e.code(), e.what()));
  } catch (std::exception const& e) {
    diagnostics.push_back(errorDiagnostic("run.internal", std::string("Running the engine failed: ") + e.what()));
  }
  result.diagnostics = logger.diagnostics();
  result.diagnostics.insert(result.diagnostics.end(), diagnostics.begin(), diagnostics.end());
  return result;
}

InspectResult inspectEngine(std::vector<uint8_t> const& bytes) {
  InspectResult result;
  DiagnosticLogger logger;
  JobScope job(logger);
  try {
    std::unique_ptr<IRuntime> runtime(createInferRuntime(processLogger()));
    if (!runtime) throw BridgeError("inspect.runtime", "TensorRT could not create a runtime: " + logger.lastError());
    allowVersionCompatibleEngines(*runtime);
    std::unique_ptr<ICudaEngine> engine = deserialize(*runtime, bytes, logger);
    std::unique_ptr<IEngineInspector> inspector(engine->createEngineInspector());
    if (!inspector) throw BridgeError("inspect.inspector", "TensorRT could not create an engine inspector: " + logger.lastError());
    // Each returned string is overwritten by the next call, so it is copied at once.
    char const* info = inspector->getEngineInformation(LayerInformationFormat::kJSON);
    result.engineJson = info ? info : "";
    for (int32_t i = 0; i < engine->getNbLayers(); ++i) {
      char const* layer = inspector->getLayerInformation(i, LayerInformationFormat::kJSON);
      result.layerJson.emplace_back(layer ? layer : "");
    }
    result.ok = true;
  } catch (BridgeError const& e) {
    result.diagnostics.push_back(errorDiagnostic(e.code(), e.what()));
  } catch (std::exception const& e) {
    result.diagnostics.push_back(errorDiagnostic("inspect.internal", std::string("Inspecting the engine failed: ") + e.what()));
  }
  std::vector<Diagnostic> logged = logger.diagnostics();
  result.diagnostics.insert(result.diagnostics.begin(), logged.begin(), logged.end());
  return result;
}

}  // namespace trtstudio
