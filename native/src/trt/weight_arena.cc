#include "trt/weight_arena.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace trtstudio {

WeightArena::WeightArena(std::vector<ProgramWeight> const& weights, std::map<std::string, HostArray> const& values,
                         std::map<std::string, HostArray> const& tensors)
    : mValues(values), mTensors(tensors) {
  for (auto const& weight : weights) mWeights[weight.id] = &weight;
}

ProgramWeight const* WeightArena::find(std::string const& weightId) const {
  auto it = mWeights.find(weightId);
  return it == mWeights.end() ? nullptr : it->second;
}

HostArray WeightArena::tensor(std::string const& name, std::string const& weightId) const {
  auto it = mTensors.find(name);
  if (it == mTensors.end())
    throw std::runtime_error("Weight '" + weightId + "' is derived from the .wts tensor '" + name +
                             "', but neither the weight's values nor that tensor were handed to the build.");
  return it->second;
}

HostArray WeightArena::resolve(std::string const& weightId) {
  auto cached = mResolved.find(weightId);
  if (cached != mResolved.end()) return cached->second;
  ProgramWeight const* weight = find(weightId);
  if (!weight) throw std::runtime_error("An op refers to weight '" + weightId + "', which the program's weights list does not declare.");
  HostArray result;
  auto given = mValues.find(weightId);
  if (given != mValues.end()) {
    result = given->second;
  } else if (weight->recipe.kind == "values") {
    result = HostArray{weight->recipe.values.data(), weight->recipe.values.size()};
  } else if (weight->recipe.kind == "tensor") {
    result = tensor(weight->recipe.tensor, weightId);
  } else if (weight->recipe.kind == "batchNormScale" || weight->recipe.kind == "batchNormShift") {
    // BatchNorm folded as tensorrtx does: scale = γ/√(var+ε), shift = β − μ·scale.
    WeightRecipe const& r = weight->recipe;
    HostArray gamma = tensor(r.gamma, weightId);
    HostArray var = tensor(r.var, weightId);
    bool shift = r.kind == "batchNormShift";
    HostArray beta = shift ? tensor(r.beta, weightId) : HostArray{};
    HostArray mean = shift ? tensor(r.mean, weightId) : HostArray{};
    size_t n = gamma.count;
    if (var.count != n || (shift && (beta.count != n || mean.count != n)))
      throw std::runtime_error("The BatchNorm tensors of weight '" + weightId + "' have different element counts (gamma " +
                               std::to_string(gamma.count) + ", var " + std::to_string(var.count) + ").");
    std::vector<float>& out = mFloats.emplace_back(n);
    for (size_t i = 0; i < n; ++i) {
      float scale = gamma.data[i] / std::sqrt(var.data[i] + static_cast<float>(r.eps));
      out[i] = shift ? beta.data[i] - mean.data[i] * scale : scale;
    }
    result = HostArray{out.data(), out.size()};
  } else {
    throw std::runtime_error("Weight '" + weightId + "' has the unknown recipe kind '" + weight->recipe.kind + "'.");
  }
  if (static_cast<int64_t>(result.count) != weight->count)
    throw std::runtime_error("Weight '" + weightId + "' has " + std::to_string(result.count) + " values, but the program expects " +
                             std::to_string(weight->count) + ".");
  mResolved[weightId] = result;
  return result;
}

nvinfer1::Weights WeightArena::weights(std::string const& weightId, nvinfer1::DataType type) {
  HostArray values = resolve(weightId);
  auto count = static_cast<int64_t>(values.count);
  if (type == nvinfer1::DataType::kHALF || type == nvinfer1::DataType::kBF16) {
    std::vector<uint16_t>& out = mHalves.emplace_back(values.count);
    for (size_t i = 0; i < values.count; ++i)
      out[i] = type == nvinfer1::DataType::kHALF ? floatToHalf(values.data[i]) : floatToBFloat16(values.data[i]);
    return nvinfer1::Weights{type, out.data(), count};
  }
  return nvinfer1::Weights{nvinfer1::DataType::kFLOAT, values.data, count};
}

nvinfer1::Weights WeightArena::int64Weights(std::vector<int64_t> const& values) {
  std::vector<int64_t>& out = mInt64s.emplace_back(values);
  return nvinfer1::Weights{nvinfer1::DataType::kINT64, out.data(), static_cast<int64_t>(out.size())};
}

nvinfer1::Weights WeightArena::int32Weights(std::vector<int32_t> const& values) {
  std::vector<int32_t>& out = mInt32s.emplace_back(values);
  return nvinfer1::Weights{nvinfer1::DataType::kINT32, out.data(), static_cast<int64_t>(out.size())};
}

nvinfer1::Weights WeightArena::floatWeights(std::vector<float> const& values) {
  std::vector<float>& out = mFloats.emplace_back(values);
  return nvinfer1::Weights{nvinfer1::DataType::kFLOAT, out.data(), static_cast<int64_t>(out.size())};
}

uint16_t floatToHalf(float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof(bits));
  uint32_t sign = (bits >> 16) & 0x8000u;
  uint32_t exponent = (bits >> 23) & 0xffu;
  uint32_t mantissa = bits & 0x7fffffu;
  if (exponent == 0xffu) return static_cast<uint16_t>(sign | 0x7c00u | (mantissa ? 0x200u : 0u));
  int32_t e = static_cast<int32_t>(exponent) - 127 + 15;
  if (e >= 0x1f) return static_cast<uint16_t>(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return static_cast<uint16_t>(sign);
    mantissa |= 0x800000u;
    uint32_t shift = static_cast<uint32_t>(14 - e);
    uint32_t half = mantissa >> shift;
    uint32_t rest = mantissa & ((1u << shift) - 1u);
    uint32_t midpoint = 1u << (shift - 1u);
    if (rest > midpoint || (rest == midpoint && (half & 1u))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = sign | (static_cast<uint32_t>(e) << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;
  return static_cast<uint16_t>(half);
}

uint16_t floatToBFloat16(float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof(bits));
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffffu)) return static_cast<uint16_t>((bits >> 16) | 0x40u);
  uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

}  // namespace trtstudio
