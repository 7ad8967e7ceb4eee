// buildEngine: program → INetworkDefinition → buildSerializedNetwork, with progress and cancel
// through IProgressMonitor and every warning through the DiagnosticLogger. Runs on a worker thread.
#include <NvInfer.h>

#include <memory>

#include "trt/bridge.h"
#include "trt/builder_config.h"
#include "trt/logger.h"
#include "trt/network_builder.h"
#include "trt/weight_arena.h"

namespace trtstudio {
namespace {

using namespace nvinfer1;

/** Forwards build phases to the event sink; returning false from stepComplete cancels the build. */
class ProgressMonitor : public IProgressMonitor {
 public:
  ProgressMonitor(EventSink const& events, std::atomic<bool> const& cancel) : mEvents(events), mCancel(cancel) {}

  void phaseStart(char const* phaseName, char const* parentPhase, int32_t nbSteps) noexcept override {
    ProgressEvent event;
    event.kind = "phaseStart";
    event.phase = phaseName ? phaseName : "";
    event.parentPhase = parentPhase ? parentPhase : "";
    event.nbSteps = nbSteps;
    emit(event);
  }

  bool stepComplete(char const* phaseName, int32_t step) noexcept override {
    ProgressEvent event;
    event.kind = "step";
    event.phase = phaseName ? phaseName : "";
    event.step = step;
    emit(event);
    return !mCancel.load();
  }

  void phaseFinish(char const* phaseName) noexcept override {
    ProgressEvent event;
    event.kind = "phaseFinish";
    event.phase = phaseName ? phaseName : "";
    emit(event);
  }

 private:
  void emit(ProgressEvent const& event) noexcept {
    try {
      if (mEvents) mEvents(event);
    } catch (...) {
      // TensorRT's threads must never see an exception; a lost progress event is harmless.
    }
  }

  EventSink const& mEvents;
  std::atomic<bool> const& mCancel;
};

Diagnostic errorDiagnostic(std::string code, std::string message, std::string nodeId = "", std::string field = "") {
  Diagnostic d;
  d.severity = "error";
  d.code = std::move(code);
  d.message = std::move(message);
  d.nodeId = std::move(nodeId);
  d.field = std::move(field);
  return d;
}

}  // namespace

BuildResult buildEngine(BuildRequest const& request, EventSink const& events, std::atomic<bool> const& cancel) {
  BuildResult result;
  std::vector<Diagnostic> diagnostics;
  DiagnosticLogger logger([&events](Diagnostic const& diagnostic) {
    ProgressEvent event;
    event.kind = "diagnostic";
    event.diagnostic = diagnostic;
    if (events) events(event);
  });
  // TensorRT logs through the process logger; this job's messages come here until the scope ends.
  JobScope job(logger);
  // Destruction order matters (native/README.md, "TensorRT facts"): network and config before the builder; the monitor,
  // timing cache and logger outlive them because they are declared first.
  ProgressMonitor monitor(events, cancel);
  std::unique_ptr<ITimingCache> timingCache;
  try {
    std::unique_ptr<IBuilder> builder(createInferBuilder(processLogger()));
    if (!builder) throw BridgeError("build.builder", "TensorRT could not create a builder: " + logger.lastError());
    PrecisionPlan plan = planPrecision(request.options, diagnostics);
    std::unique_ptr<INetworkDefinition> network(builder->createNetworkV2(plan.networkFlags));
    std::unique_ptr<IBuilderConfig> config(builder->createBuilderConfig());
    if (!network || !config) throw BridgeError("build.builder", "TensorRT could not create a network or builder config: " + logger.lastError());

    // The arena and the caller's pinned arrays must stay alive until buildSerializedNetwork returns.
    WeightArena arena(request.program.weights, request.weights, request.tensors);
    std::map<std::string, std::string> layerNodes;
    defineNetwork(*network, request.program, arena, plan.network, layerNodes);
    logger.setLayerNodes(layerNodes);

    configureBuilder(*builder, *config, request.program, request.options, plan, timingCache, logger, diagnostics);
    config->setProgressMonitor(&monitor);

    std::unique_ptr<IHostMemory> planMemory(builder->buildSerializedNetwork(*network, *config));
    if (!planMemory || planMemory->size() == 0) {
      result.cancelled = cancel.load();
      if (result.cancelled)
        diagnostics.push_back(errorDiagnostic("build.cancelled", "The build was cancelled."));
      else
        diagnostics.push_back(errorDiagnostic("build.failed", "TensorRT could not build the engine" +
                                                                  (logger.lastError().empty() ? std::string(".") : ": " + logger.lastError())));
    } else {
      auto const* bytes = static_cast<uint8_t const*>(planMemory->data());
      result.engine.assign(bytes, bytes + planMemory->size());
      if (ITimingCache const* cache = config->getTimingCache()) {
        std::unique_ptr<IHostMemory> serialized(cache->serialize());
        // An empty cache is never handed back: the caller would replace the user's file with it.
        if (serialized && serialized->size() > 0) {
          auto const* cacheBytes = static_cast<uint8_t const*>(serialized->data());
          result.timingCache.assign(cacheBytes, cacheBytes + serialized->size());
        }
      }
      result.ok = true;
    }
  } catch (BridgeError const& e) {
    diagnostics.push_back(errorDiagnostic(e.code(), e.what(), e.nodeId(), e.field()));
  } catch (std::exception const& e) {
    diagnostics.push_back(errorDiagnostic("build.internal", std::string("The TensorRT bridge failed: ") + e.what()));
  }
  result.diagnostics = logger.diagnostics();
  result.diagnostics.insert(result.diagnostics.end(), diagnostics.begin(), diagnostics.end());
  return result;
}

}  // namespace trtstudio
