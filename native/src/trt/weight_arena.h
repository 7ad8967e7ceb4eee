// Weights for one build: JavaScript arrays used in place (pinned by the caller) and every derived
// array (folded BatchNorm, half-precision copies, axes constants) owned here until the build returns.
#pragma once

#include <NvInfer.h>

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "trt/program.h"

namespace trtstudio {

class WeightArena {
 public:
  WeightArena(std::vector<ProgramWeight> const& weights, std::map<std::string, HostArray> const& values,
              std::map<std::string, HostArray> const& tensors);

  /** The FLOAT values of a program weight: the caller's array, or one recomputed from its recipe. Throws std::runtime_error. */
  HostArray resolve(std::string const& weightId);

  /** TensorRT Weights of the given type for a program weight (FLOAT in place; HALF/BF16 converted into the arena). */
  nvinfer1::Weights weights(std::string const& weightId, nvinfer1::DataType type);

  /** An INT64 array owned by the arena, e.g. the axes of addSqueeze. */
  nvinfer1::Weights int64Weights(std::vector<int64_t> const& values);

  /** An INT32 array owned by the arena, e.g. addNMS's box limit. */
  nvinfer1::Weights int32Weights(std::vector<int32_t> const& values);

  /** A FLOAT array owned by the arena. */
  nvinfer1::Weights floatWeights(std::vector<float> const& values);

  ProgramWeight const* find(std::string const& weightId) const;

 private:
  HostArray tensor(std::string const& name, std::string const& weightId) const;

  std::map<std::string, ProgramWeight const*> mWeights;
  std::map<std::string, HostArray> const& mValues;
  std::map<std::string, HostArray> const& mTensors;
  std::map<std::string, HostArray> mResolved;
  // deque: growing it never moves the arrays TensorRT already points to.
  std::deque<std::vector<float>> mFloats;
  std::deque<std::vector<uint16_t>> mHalves;
  std::deque<std::vector<int64_t>> mInt64s;
  std::deque<std::vector<int32_t>> mInt32s;
};

/** IEEE binary16 bits of a float (round to nearest even). */
uint16_t floatToHalf(float value);
/** bfloat16 bits of a float (round to nearest even). */
uint16_t floatToBFloat16(float value);

}  // namespace trtstudio
