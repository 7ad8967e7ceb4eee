// The project's builder settings applied to IBuilderConfig: workspace, optimization level, timing
// cache, DETAILED profiling verbosity, optimization profiles, precision, hardware/version compatibility.
#pragma once

#include <NvInfer.h>

#include <memory>
#include <vector>

#include "trt/logger.h"
#include "trt/network_builder.h"
#include "trt/program.h"

namespace trtstudio {

/** How a precision choice becomes network flags, weight types and (TensorRT 10) builder flags. */
struct PrecisionPlan {
  nvinfer1::NetworkDefinitionCreationFlags networkFlags = 0;
  NetworkOptions network;
  /** TensorRT 10 weak typing: the builder flag to set, if any. */
  bool fp16Flag = false;
  bool bf16Flag = false;
  bool int8Flag = false;
};

/** Decide how to realise `options.precision` on this TensorRT major; throws BridgeError when it cannot. */
PrecisionPlan planPrecision(BuildOptions const& options, std::vector<Diagnostic>& diagnostics);

/**
 * Apply everything but precision flags' network side to `config`. `timingCache` receives the cache
 * object, which must outlive the build. Throws BridgeError for an invalid setting.
 */
void configureBuilder(nvinfer1::IBuilder& builder, nvinfer1::IBuilderConfig& config, Program const& program, BuildOptions const& options,
                      PrecisionPlan const& plan, std::unique_ptr<nvinfer1::ITimingCache>& timingCache, DiagnosticLogger& logger,
                      std::vector<Diagnostic>& diagnostics);

}  // namespace trtstudio
