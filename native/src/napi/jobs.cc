#include "napi/jobs.h"

#include <atomic>
#include <memory>

#include "napi/marshal.h"
#include "trt/capabilities.h"
#include "trt_studio_build_config.h"

#if TRT_STUDIO_WITH_TENSORRT
#include "trt/bridge.h"
#include "trt/network_builder.h"
#endif

namespace trtstudio::napi {
namespace {

Napi::Value rejected(Napi::Env env, std::vector<Diagnostic> const& diagnostics) {
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(diagnosticsError(env, diagnostics).Value());
  return deferred.Promise();
}

#if !TRT_STUDIO_WITH_TENSORRT
Diagnostic unavailable() {
  return errorDiagnostic("tensorrt.unavailable",
                         std::string("This TRT Studio addon was built without TensorRT: ") + TRT_STUDIO_WITHOUT_TENSORRT_REASON);
}
#endif

#if TRT_STUDIO_WITH_TENSORRT

/** The build baton: the request copied to C++ on the JS thread, its weight arrays pinned until destruction. */
class BuildWorker : public Napi::AsyncWorker {
 public:
  BuildWorker(Napi::Env env, Napi::Function onEvent, std::shared_ptr<std::atomic<bool>> cancel)
      : Napi::AsyncWorker(env, "trt-studio-build"), mDeferred(Napi::Promise::Deferred::New(env)), mCancel(std::move(cancel)) {
    if (!onEvent.IsEmpty())
      mEvents = Napi::ThreadSafeFunction::New(env, onEvent, "trt-studio-build-events", 0, 1);
  }

  BuildRequest& request() { return mRequest; }
  std::vector<Napi::Reference<Napi::Value>>& pins() { return mPins; }
  Napi::Promise promise() { return mDeferred.Promise(); }

  void Execute() override {
    EventSink sink = [this](ProgressEvent const& event) {
      if (!mEvents) return;
      auto* copy = new ProgressEvent(event);
      napi_status status = mEvents.NonBlockingCall(copy, [](Napi::Env env, Napi::Function callback, ProgressEvent* data) {
        std::unique_ptr<ProgressEvent> owned(data);
        // The environment may be tearing down; then the event is dropped.
        if (env != nullptr && callback != nullptr) callback.Call({toJs(env, *owned)});
      });
      if (status != napi_ok) delete copy;
    };
    mResult = trtstudio::buildEngine(mRequest, sink, *mCancel);
  }

  void OnOK() override {
    Napi::Env env = Env();
    releaseEvents();
    if (!mResult.ok) {
      mDeferred.Reject(diagnosticsError(env, mResult.diagnostics).Value());
      return;
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("engine", toUint8Array(env, mResult.engine));
    result.Set("timingCache", toUint8Array(env, mResult.timingCache));
    result.Set("diagnostics", toJs(env, mResult.diagnostics));
    mDeferred.Resolve(result);
  }

  void OnError(Napi::Error const& error) override {
    releaseEvents();
    mDeferred.Reject(diagnosticsError(Env(), {errorDiagnostic("build.internal", error.Message())}).Value());
  }

 private:
  void releaseEvents() {
    if (mEvents) {
      mEvents.Release();
      mEvents = Napi::ThreadSafeFunction();
    }
  }

  Napi::Promise::Deferred mDeferred;
  std::shared_ptr<std::atomic<bool>> mCancel;
  Napi::ThreadSafeFunction mEvents;
  BuildRequest mRequest;
  std::vector<Napi::Reference<Napi::Value>> mPins;
  BuildResult mResult;
};

class RunWorker : public Napi::AsyncWorker {
 public:
  explicit RunWorker(Napi::Env env) : Napi::AsyncWorker(env, "trt-studio-run"), mDeferred(Napi::Promise::Deferred::New(env)) {}

  RunRequest& request() { return mRequest; }
  std::vector<Napi::Reference<Napi::Value>>& pins() { return mPins; }
  Napi::Promise promise() { return mDeferred.Promise(); }

  void Execute() override { mResult = trtstudio::runEngine(mRequest); }

  void OnOK() override {
    Napi::Env env = Env();
    if (!mResult.ok) {
      mDeferred.Reject(diagnosticsError(env, mResult.diagnostics).Value());
      return;
    }
    Napi::Object result = Napi::Object::New(env);
    Napi::Array outputs = Napi::Array::New(env, mResult.outputs.size());
    for (size_t i = 0; i < mResult.outputs.size(); ++i) {
      TensorData const& tensor = mResult.outputs[i];
      Napi::Object out = Napi::Object::New(env);
      out.Set("name", tensor.name);
      out.Set("dtype", tensor.dtype);
      Napi::Array dims = Napi::Array::New(env, tensor.dims.size());
      for (size_t d = 0; d < tensor.dims.size(); ++d) dims.Set(static_cast<uint32_t>(d), static_cast<double>(tensor.dims[d]));
      out.Set("dims", dims);
      Napi::Float32Array data = Napi::Float32Array::New(env, tensor.values.size());
      std::copy(tensor.values.begin(), tensor.values.end(), data.Data());
      out.Set("data", data);
      outputs.Set(static_cast<uint32_t>(i), out);
    }
    result.Set("outputs", outputs);
    Napi::Array latencies = Napi::Array::New(env, mResult.latenciesMs.size());
    for (size_t i = 0; i < mResult.latenciesMs.size(); ++i) latencies.Set(static_cast<uint32_t>(i), mResult.latenciesMs[i]);
    result.Set("latenciesMs", latencies);
    Napi::Array layers = Napi::Array::New(env, mResult.layerTimes.size());
    for (size_t i = 0; i < mResult.layerTimes.size(); ++i) {
      Napi::Object layer = Napi::Object::New(env);
      layer.Set("name", mResult.layerTimes[i].name);
      layer.Set("totalMs", mResult.layerTimes[i].totalMs);
      layer.Set("count", mResult.layerTimes[i].count);
      layers.Set(static_cast<uint32_t>(i), layer);
    }
    result.Set("layerTimes", layers);
    result.Set("diagnostics", toJs(env, mResult.diagnostics));
    mDeferred.Resolve(result);
  }

  void OnError(Napi::Error const& error) override {
    mDeferred.Reject(diagnosticsError(Env(), {errorDiagnostic("run.internal", error.Message())}).Value());
  }

 private:
  Napi::Promise::Deferred mDeferred;
  RunRequest mRequest;
  std::vector<Napi::Reference<Napi::Value>> mPins;
  RunResult mResult;
};

class InspectWorker : public Napi::AsyncWorker {
 public:
  InspectWorker(Napi::Env env, std::vector<uint8_t> engine)
      : Napi::AsyncWorker(env, "trt-studio-inspect"), mDeferred(Napi::Promise::Deferred::New(env)), mEngine(std::move(engine)) {}

  Napi::Promise promise() { return mDeferred.Promise(); }
  void Execute() override { mResult = trtstudio::inspectEngine(mEngine); }

  void OnOK() override {
    Napi::Env env = Env();
    if (!mResult.ok) {
      mDeferred.Reject(diagnosticsError(env, mResult.diagnostics).Value());
      return;
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("engine", mResult.engineJson);
    Napi::Array layers = Napi::Array::New(env, mResult.layerJson.size());
    for (size_t i = 0; i < mResult.layerJson.size(); ++i) layers.Set(static_cast<uint32_t>(i), mResult.layerJson[i]);
    result.Set("layers", layers);
    result.Set("diagnostics", toJs(env, mResult.diagnostics));
    mDeferred.Resolve(result);
  }

  void OnError(Napi::Error const& error) override {
    mDeferred.Reject(diagnosticsError(Env(), {errorDiagnostic("inspect.internal", error.Message())}).Value());
  }

 private:
  Napi::Promise::Deferred mDeferred;
  std::vector<uint8_t> mEngine;
  InspectResult mResult;
};

#endif

}  // namespace

Napi::Value buildEngine(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("cancel", Napi::Function::New(env, [cancel](Napi::CallbackInfo const& callInfo) {
               cancel->store(true);
               return callInfo.Env().Undefined();
             }));
#if TRT_STUDIO_WITH_TENSORRT
  Napi::Function onEvent = info.Length() > 1 && info[1].IsFunction() ? info[1].As<Napi::Function>() : Napi::Function();
  auto* worker = new BuildWorker(env, onEvent, cancel);
  try {
    if (info.Length() < 1 || !info[0].IsObject()) throw MarshalError{"buildEngine expects a request object."};
    Napi::Object request = info[0].As<Napi::Object>();
    worker->request().program = readProgram(request.Get("program"));
    worker->request().weights = readFloatArrays(request.Get("weights"), "weights", worker->pins());
    worker->request().tensors = readFloatArrays(request.Get("tensors"), "tensors", worker->pins());
    worker->request().options = readBuildOptions(request.Get("options"));
  } catch (MarshalError const& e) {
    worker->OnError(Napi::Error::New(env, e.message));
    Napi::Promise promise = worker->promise();
    delete worker;
    handle.Set("promise", promise);
    return handle;
  }
  handle.Set("promise", worker->promise());
  worker->Queue();
#else
  handle.Set("promise", rejected(env, {unavailable()}));
#endif
  return handle;
}

Napi::Value runEngine(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
#if TRT_STUDIO_WITH_TENSORRT
  auto* worker = new RunWorker(env);
  try {
    if (info.Length() < 1 || !info[0].IsObject()) throw MarshalError{"runEngine expects a request object."};
    Napi::Object request = info[0].As<Napi::Object>();
    RunRequest& run = worker->request();
    run.engine = readBytes(request.Get("engine"), "engine");
    run.iterations = request.Get("iterations").IsNumber() ? request.Get("iterations").As<Napi::Number>().Int32Value() : 1;
    run.warmup = request.Get("warmup").IsNumber() ? request.Get("warmup").As<Napi::Number>().Int32Value() : 0;
    run.profileLayers = request.Get("profileLayers").ToBoolean().Value();
    if (!request.Get("inputs").IsObject()) throw MarshalError{"inputs must be an object of { dims, data } by tensor name."};
    Napi::Object inputs = request.Get("inputs").As<Napi::Object>();
    Napi::Array names = inputs.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      std::string name = names.Get(i).As<Napi::String>().Utf8Value();
      if (!inputs.Get(name).IsObject()) throw MarshalError{"inputs." + name + " must be { dims, data }."};
      Napi::Object input = inputs.Get(name).As<Napi::Object>();
      Napi::Object holder = Napi::Object::New(env);
      holder.Set("data", input.Get("data"));
      std::map<std::string, HostArray> data = readFloatArrays(holder, "inputs." + name, worker->pins());
      std::vector<int64_t> dims = input.Get("dims").IsUndefined() ? std::vector<int64_t>{} : readInt64s(input.Get("dims"), "inputs." + name + ".dims");
      run.inputs[name] = {dims, data["data"]};
    }
  } catch (MarshalError const& e) {
    worker->OnError(Napi::Error::New(env, e.message));
    Napi::Promise promise = worker->promise();
    delete worker;
    return promise;
  }
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
#else
  (void)info;
  return rejected(env, {unavailable()});
#endif
}

Napi::Value inspectEngine(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
#if TRT_STUDIO_WITH_TENSORRT
  std::vector<uint8_t> engine;
  try {
    if (info.Length() < 1) throw MarshalError{"inspectEngine expects the engine bytes."};
    engine = readBytes(info[0], "engine");
  } catch (MarshalError const& e) {
    return rejected(env, {errorDiagnostic("inspect.request", e.message)});
  }
  auto* worker = new InspectWorker(env, std::move(engine));
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
#else
  (void)info;
  return rejected(env, {unavailable()});
#endif
}

Napi::Value capabilities(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
  Capabilities caps = probeCapabilities();
  Napi::Object result = Napi::Object::New(env);
  result.Set("builtWithTensorRT", caps.builtWithTensorRT);
  result.Set("buildTensorRTVersion", caps.buildTensorRTVersion);
  result.Set("buildTensorRTMajor", caps.buildTensorRTMajor);
  result.Set("withoutTensorRTReason", caps.withoutTensorRTReason);
  result.Set("runtimeLibVersion", caps.runtimeLibVersion);
  result.Set("runtimeVersion", formatInferLibVersion(caps.runtimeLibVersion));
  result.Set("runtimeLibrary", caps.runtimeLibrary);
  result.Set("runtimeLibraryError", caps.runtimeLibraryError);
  result.Set("cudaDriverVersion", caps.cudaDriverVersion);
  result.Set("cudaDriverError", caps.cudaDriverError);
  Napi::Array gpus = Napi::Array::New(env, caps.gpus.size());
  for (size_t i = 0; i < caps.gpus.size(); ++i) {
    Napi::Object gpu = Napi::Object::New(env);
    gpu.Set("name", caps.gpus[i].name);
    gpu.Set("computeCapability", std::to_string(caps.gpus[i].computeMajor) + "." + std::to_string(caps.gpus[i].computeMinor));
    gpu.Set("totalMemoryBytes", static_cast<double>(caps.gpus[i].totalMemoryBytes));
    gpus.Set(static_cast<uint32_t>(i), gpu);
  }
  result.Set("gpus", gpus);
  return result;
}

Napi::Value supportedOps(Napi::CallbackInfo const& info) {
  Napi::Env env = info.Env();
#if TRT_STUDIO_WITH_TENSORRT
  std::vector<std::string> ops = trtstudio::supportedOps();
#else
  std::vector<std::string> ops;
#endif
  Napi::Array result = Napi::Array::New(env, ops.size());
  for (size_t i = 0; i < ops.size(); ++i) result.Set(static_cast<uint32_t>(i), ops[i]);
  return result;
}

}  // namespace trtstudio::napi
