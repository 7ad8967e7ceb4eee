#include "trt/builder_config.h"

#include <algorithm>

#include "trt/version.h"

namespace trtstudio {
namespace {

using namespace nvinfer1;

Dims toDims(std::vector<int64_t> const& values) {
  Dims dims{};
  dims.nbDims = static_cast<int32_t>(std::min<size_t>(values.size(), Dims::MAX_DIMS));
  for (int32_t i = 0; i < dims.nbDims; ++i) dims.d[i] = values[static_cast<size_t>(i)];
  return dims;
}

bool isDynamic(ProgramInput const& input) {
  for (int64_t d : input.dims)
    if (d < 0) return true;
  return false;
}

Diagnostic warningDiagnostic(std::string code, std::string message) {
  Diagnostic d;
  d.severity = "warning";
  d.code = std::move(code);
  d.message = std::move(message);
  return d;
}

}  // namespace

PrecisionPlan planPrecision(BuildOptions const& options, std::vector<Diagnostic>& diagnostics) {
  PrecisionPlan plan;
  std::string const& precision = options.precision;
  if (precision != "FP32" && precision != "FP16" && precision != "BF16" && precision != "INT8")
    throw BridgeError("build.precision", "The precision '" + precision + "' is not one of FP32, FP16, BF16 or INT8.", "", "precision");
#if NV_TENSORRT_MAJOR >= 11
  bool stronglyTyped = true;  // TensorRT 11 networks are always strongly typed.
#else
  bool stronglyTyped = options.stronglyTyped;
  if (stronglyTyped) plan.networkFlags = 1U << static_cast<uint32_t>(NetworkDefinitionCreationFlag::kSTRONGLY_TYPED);
#endif
  if (stronglyTyped) {
    // Strongly typed: precision comes from types, so FLOAT inputs are cast and weights handed over in that type.
    if (precision == "FP16") plan.network = NetworkOptions{DataType::kHALF, DataType::kHALF};
    if (precision == "BF16") plan.network = NetworkOptions{DataType::kBF16, DataType::kBF16};
    if (precision == "INT8")
      throw BridgeError("build.precision.int8",
                        "INT8 in a strongly typed network (always so on TensorRT 11) needs explicit Quantize/Dequantize layers; "
                        "choose FP32, FP16 or BF16, or add Q/DQ layers to the network.",
                        "", "precision");
    return plan;
  }
  plan.fp16Flag = precision == "FP16";
  plan.bf16Flag = precision == "BF16";
  plan.int8Flag = precision == "INT8";
  if (plan.int8Flag)
    diagnostics.push_back(warningDiagnostic("build.precision.int8",
                                            "INT8 without a calibrator or Q/DQ layers lets TensorRT choose INT8 only where it has scales; "
                                            "most layers will stay in FP32 or FP16."));
  return plan;
}

void configureBuilder(IBuilder& builder, IBuilderConfig& config, Program const& program, BuildOptions const& options, PrecisionPlan const& plan,
                      std::unique_ptr<ITimingCache>& timingCache, DiagnosticLogger& logger, std::vector<Diagnostic>& diagnostics) {
  // DETAILED verbosity: the inspector then shows layer parameters and the metadata (node ids) set on layers.
  config.setProfilingVerbosity(ProfilingVerbosity::kDETAILED);
  if (options.workspaceBytes > 0) config.setMemoryPoolLimit(MemoryPoolType::kWORKSPACE, static_cast<size_t>(options.workspaceBytes));
  if (options.optimizationLevel >= 0) {
    if (options.optimizationLevel > 5)
      throw BridgeError("build.optimization-level",
                        "The builder optimization level " + std::to_string(options.optimizationLevel) + " is out of range; expected 0 to 5.", "",
                        "optimizationLevel");
    config.setBuilderOptimizationLevel(options.optimizationLevel);
  }
  if (options.averageTimingIterations > 0) config.setAvgTimingIterations(options.averageTimingIterations);

  if (options.hardwareCompatibility == "AMPERE_PLUS")
    config.setHardwareCompatibilityLevel(HardwareCompatibilityLevel::kAMPERE_PLUS);
  else if (options.hardwareCompatibility == "SAME_COMPUTE_CAPABILITY")
#if TRT_STUDIO_TRT_AT_LEAST(10, 9)
    config.setHardwareCompatibilityLevel(HardwareCompatibilityLevel::kSAME_COMPUTE_CAPABILITY);
#else
    throw BridgeError("build.hardware-compatibility",
                      "The hardware compatibility SAME_COMPUTE_CAPABILITY needs TensorRT 10.9 or newer; this addon was built against " +
                          std::to_string(NV_TENSORRT_MAJOR) + "." + std::to_string(NV_TENSORRT_MINOR) + ".",
                      "", "hardwareCompatibility");
#endif
  else if (options.hardwareCompatibility != "NONE")
    throw BridgeError("build.hardware-compatibility",
                      "The hardware compatibility '" + options.hardwareCompatibility + "' is not one of NONE, AMPERE_PLUS or SAME_COMPUTE_CAPABILITY.",
                      "", "hardwareCompatibility");
  if (options.versionCompatible) config.setFlag(BuilderFlag::kVERSION_COMPATIBLE);

#if NV_TENSORRT_MAJOR < 11
  // Weak-typing precision flags exist only before 11 and are deprecated from 10.12; the deprecation is expected here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  if (plan.fp16Flag) config.setFlag(BuilderFlag::kFP16);
  if (plan.bf16Flag) config.setFlag(BuilderFlag::kBF16);
  if (plan.int8Flag) config.setFlag(BuilderFlag::kINT8);
#pragma GCC diagnostic pop
#else
  (void)plan;
#endif

  // TF32 is on by default in TensorRT; a build labelled FP32 keeps FP32 arithmetic unless TF32 was asked for.
  if (options.tf32)
    config.setFlag(BuilderFlag::kTF32);
  else
    config.clearFlag(BuilderFlag::kTF32);

  // Timing cache: start from the saved one; the caller serializes it after the build.
  {
    // TensorRT logs a rejected cache as an error, yet the build goes on without it: a warning here.
    DiagnosticLogger::ErrorsAsWarnings demote(logger);
    if (!options.timingCache.empty()) {
      timingCache.reset(config.createTimingCache(options.timingCache.data(), options.timingCache.size()));
      if (!timingCache || !config.setTimingCache(*timingCache, false)) {
        diagnostics.push_back(warningDiagnostic(
            "build.timing-cache", "The saved timing cache (" + std::to_string(options.timingCache.size()) +
                                      " bytes) was made on another device or TensorRT version, or is damaged; the build starts with an empty one."));
        timingCache.reset();
      }
    }
    if (!timingCache) {
      timingCache.reset(config.createTimingCache(nullptr, 0));
      if (timingCache) config.setTimingCache(*timingCache, false);
    }
  }

  // One optimization profile covering every dynamic input.
  bool anyDynamic = false;
  IOptimizationProfile* profile = builder.createOptimizationProfile();
  for (auto const& input : program.inputs) {
    if (!isDynamic(input)) continue;
    anyDynamic = true;
    if (!input.profile)
      throw BridgeError("build.profile.missing",
                        "Input '" + input.name + "' has a dynamic dimension (-1) but no optimization profile; set its min, opt and max dims.",
                        input.nodeId, "profile");
    ShapeProfile const& p = *input.profile;
    if (!profile->setDimensions(input.name.c_str(), OptProfileSelector::kMIN, toDims(p.min)) ||
        !profile->setDimensions(input.name.c_str(), OptProfileSelector::kOPT, toDims(p.opt)) ||
        !profile->setDimensions(input.name.c_str(), OptProfileSelector::kMAX, toDims(p.max)))
      throw BridgeError("build.profile.invalid",
                        "TensorRT rejected the optimization profile of input '" + input.name +
                            "': min, opt and max must have the input's rank, satisfy min ≤ opt ≤ max and equal every fixed dimension.",
                        input.nodeId, "profile");
  }
  if (anyDynamic && config.addOptimizationProfile(profile) < 0)
    throw BridgeError("build.profile.invalid", "TensorRT rejected the optimization profile of the dynamic inputs.");
}

}  // namespace trtstudio
