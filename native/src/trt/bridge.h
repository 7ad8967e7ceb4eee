// The TensorRT bridge's entry points, free of TensorRT and Node-API types so that src/napi can
// declare jobs in an addon built without TensorRT. Each function reports failure as Diagnostics and
// never throws.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "trt/program.h"

namespace trtstudio {

/**
 * The Diagnostic code of a CUDA error that leaves the process's GPU context unusable (an illegal
 * address in a kernel, say): every later job in the same process would fail, so the engine host
 * replaces itself with a fresh process when a job fails with it.
 */
inline constexpr char kStickyCudaErrorCode[] = "cuda.sticky";

/** Receives build events; called from TensorRT's threads, so it must be thread-safe. */
using EventSink = std::function<void(ProgressEvent const&)>;

struct BuildRequest {
  Program program;
  /** Values by program weight id (pinned by the caller until buildEngine returns). */
  std::map<std::string, HostArray> weights;
  /** Raw `.wts` tensors by name, used to recompute derived weights missing from `weights`. */
  std::map<std::string, HostArray> tensors;
  BuildOptions options;
};

struct BuildResult {
  bool ok = false;
  std::vector<uint8_t> engine;
  /** The updated timing cache, to be saved by the caller. */
  std::vector<uint8_t> timingCache;
  std::vector<Diagnostic> diagnostics;
  bool cancelled = false;
};

/** Lower `request.program` onto an INetworkDefinition and build a serialized engine. */
BuildResult buildEngine(BuildRequest const& request, EventSink const& events, std::atomic<bool> const& cancel);

struct TensorData {
  std::string name;
  std::vector<int64_t> dims;
  std::string dtype;
  std::vector<float> values;
};

struct RunRequest {
  std::vector<uint8_t> engine;
  /** Input values by tensor name (FLOAT), with their dims for dynamic inputs. */
  std::map<std::string, std::pair<std::vector<int64_t>, HostArray>> inputs;
  /** Timed runs after `warmup` untimed ones; 1 for a plain inference. */
  int iterations = 1;
  int warmup = 0;
  /** Attach an IProfiler and collect per-layer times over the timed runs. */
  bool profileLayers = false;
};

struct LayerTime {
  std::string name;
  double totalMs = 0;
  int count = 0;
};

struct RunResult {
  bool ok = false;
  std::vector<TensorData> outputs;
  /** Wall-clock latency of each timed run in milliseconds. */
  std::vector<double> latenciesMs;
  std::vector<LayerTime> layerTimes;
  std::vector<Diagnostic> diagnostics;
};

/** Deserialize an engine and run it on a CUDA stream with enqueueV3. */
RunResult runEngine(RunRequest const& request);

struct InspectResult {
  bool ok = false;
  /** IEngineInspector::getEngineInformation(kJSON). */
  std::string engineJson;
  /** One kJSON string per engine layer. */
  std::vector<std::string> layerJson;
  std::vector<Diagnostic> diagnostics;
};

/** The engine inspector's JSON for the fused-layer view. */
InspectResult inspectEngine(std::vector<uint8_t> const& engine);

}  // namespace trtstudio
