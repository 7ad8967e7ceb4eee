// The lowered program (core/program/types.ts) as plain C++ structs, filled on the JS thread by
// src/napi/marshal.cc (the baton), so nothing here touches Node-API or TensorRT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace trtstudio {

/** A parameter value: an int/float (JS numbers are doubles), a flag, an enum name or string, or a list. */
using ParamValue = std::variant<double, bool, std::string, std::vector<double>>;

struct ShapeProfile {
  std::vector<int64_t> min;
  std::vector<int64_t> opt;
  std::vector<int64_t> max;
};

struct ProgramInput {
  std::string name;
  std::string dtype;
  std::vector<int64_t> dims;
  std::optional<ShapeProfile> profile;
  std::string nodeId;
};

/** Where a weight's values come from (WeightRecipe). */
struct WeightRecipe {
  std::string kind;  // "tensor", "batchNormScale", "batchNormShift" or "values"
  std::string tensor;
  std::string gamma;
  std::string beta;
  std::string mean;
  std::string var;
  double eps = 0;
  std::vector<float> values;  // "values": fixed values that follow from the parameters (anchor grids, strides)
};

struct ProgramWeight {
  std::string id;
  WeightRecipe recipe;
  int64_t count = 0;
  std::vector<int64_t> shape;
};

struct ProgramOp {
  std::string op;
  std::string layerName;
  std::string nodeId;
  std::map<std::string, ParamValue> params;
  std::map<std::string, std::string> inputs;
  std::map<std::string, std::string> outputs;
  std::map<std::string, std::string> weights;
};

struct ProgramOutput {
  std::string name;
  std::string tensor;
};

struct Program {
  std::string name;
  std::vector<ProgramInput> inputs;
  std::vector<ProgramOp> ops;
  std::vector<ProgramOutput> outputs;
  std::vector<ProgramWeight> weights;
};

/** A host float array owned by JavaScript and pinned by the caller for as long as it is used. */
struct HostArray {
  float const* data = nullptr;
  size_t count = 0;
};

/** core/diagnostics.ts's Diagnostic. */
struct Diagnostic {
  std::string severity;  // "error", "warning" or "info"
  std::string code;
  std::string message;
  std::string nodeId;
  std::string field;
  std::string detail;
};

/** Builder settings from the project (builder_config.cc applies them). */
struct BuildOptions {
  /** Workspace pool limit in bytes; 0 leaves TensorRT's default (all device memory). */
  uint64_t workspaceBytes = 0;
  /** Builder optimization level 0..5; -1 leaves TensorRT's default (3). */
  int optimizationLevel = -1;
  /** FP32, FP16, BF16 or INT8 (the last three as weak-typing flags on TensorRT 10 only). */
  std::string precision = "FP32";
  /** TensorRT 10: build a strongly typed network (always so on 11). */
  bool stronglyTyped = false;
  /** NONE, AMPERE_PLUS or SAME_COMPUTE_CAPABILITY. */
  std::string hardwareCompatibility = "NONE";
  bool versionCompatible = false;
  /** Allow TF32 arithmetic for FLOAT layers (TensorRT's default is on; FP32 builds here keep it off unless asked). */
  bool tf32 = false;
  /** A serialized timing cache to start from; empty for a fresh one. */
  std::vector<uint8_t> timingCache;
  /** Average timing iterations; 0 leaves the default. */
  int averageTimingIterations = 0;
};

/** One progress event of a build (IProgressMonitor). */
struct ProgressEvent {
  std::string kind;  // "phaseStart", "step", "phaseFinish" or "diagnostic"
  std::string phase;
  std::string parentPhase;
  int32_t step = 0;
  int32_t nbSteps = 0;
  Diagnostic diagnostic;
};

}  // namespace trtstudio
