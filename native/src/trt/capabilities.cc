#include "trt/capabilities.h"

#include <dlfcn.h>

#include "trt_studio_build_config.h"

namespace trtstudio {
namespace {

// CUDA driver API entry points, declared here so that probing needs neither CUDA headers nor libraries.
using CuInit = int (*)(unsigned int);
using CuDriverGetVersion = int (*)(int*);
using CuDeviceGetCount = int (*)(int*);
using CuDeviceGet = int (*)(int*, int);
using CuDeviceGetName = int (*)(char*, int, int);
using CuDeviceGetAttribute = int (*)(int*, int, int);
using CuDeviceTotalMem = int (*)(size_t*, int);
using GetInferLibVersion = int (*)();

constexpr int kCuDeviceAttributeComputeCapabilityMajor = 75;
constexpr int kCuDeviceAttributeComputeCapabilityMinor = 76;

std::string lastDlError() {
  char const* message = dlerror();
  return message ? message : "unknown dlopen error";
}

template <typename Function>
Function symbol(void* library, char const* name) {
  return reinterpret_cast<Function>(dlsym(library, name));
}

void probeTensorRT(Capabilities& caps) {
  // The library the addon was built for first, then the majors TRT Studio supports.
  std::vector<std::string> names;
  if (TRT_STUDIO_BUILD_TENSORRT_MAJOR > 0) names.push_back("libnvinfer.so." + std::to_string(TRT_STUDIO_BUILD_TENSORRT_MAJOR));
  for (char const* name : {"libnvinfer.so.11", "libnvinfer.so.10"}) {
    if (names.empty() || names.front() != name) names.emplace_back(name);
  }
  std::string errors;
  for (auto const& name : names) {
    void* library = dlopen(name.c_str(), RTLD_LAZY | RTLD_LOCAL);
    if (!library) {
      errors += (errors.empty() ? "" : "; ") + lastDlError();
      continue;
    }
    auto version = symbol<GetInferLibVersion>(library, "getInferLibVersion");
    if (version) {
      caps.runtimeLibVersion = version();
      caps.runtimeLibrary = name;
      caps.runtimeLibraryError.clear();
      // Kept open on purpose: the bridge links the same library, and unloading TensorRT is unsafe.
      return;
    }
    errors += (errors.empty() ? "" : "; ") + name + " has no getInferLibVersion symbol";
    dlclose(library);
  }
  caps.runtimeLibraryError = errors;
}

void probeCuda(Capabilities& caps) {
  void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (!driver) {
    caps.cudaDriverError = lastDlError();
    return;
  }
  auto init = symbol<CuInit>(driver, "cuInit");
  auto driverVersion = symbol<CuDriverGetVersion>(driver, "cuDriverGetVersion");
  auto deviceCount = symbol<CuDeviceGetCount>(driver, "cuDeviceGetCount");
  auto deviceGet = symbol<CuDeviceGet>(driver, "cuDeviceGet");
  auto deviceName = symbol<CuDeviceGetName>(driver, "cuDeviceGetName");
  auto deviceAttribute = symbol<CuDeviceGetAttribute>(driver, "cuDeviceGetAttribute");
  auto deviceMemory = symbol<CuDeviceTotalMem>(driver, "cuDeviceTotalMem_v2");
  if (!init || !driverVersion || !deviceCount || !deviceGet || !deviceName || !deviceAttribute) {
    caps.cudaDriverError = "libcuda.so.1 lacks the driver API entry points (cuInit, cuDeviceGetName, ...)";
    return;
  }
  int status = init(0);
  if (status != 0) {
    caps.cudaDriverError = "cuInit failed with CUDA error " + std::to_string(status) + " (no usable NVIDIA GPU or driver)";
    return;
  }
  driverVersion(&caps.cudaDriverVersion);
  int count = 0;
  if (deviceCount(&count) != 0) count = 0;
  for (int i = 0; i < count; ++i) {
    int device = 0;
    if (deviceGet(&device, i) != 0) continue;
    GpuInfo gpu;
    char name[256] = {};
    if (deviceName(name, sizeof(name) - 1, device) == 0) gpu.name = name;
    deviceAttribute(&gpu.computeMajor, kCuDeviceAttributeComputeCapabilityMajor, device);
    deviceAttribute(&gpu.computeMinor, kCuDeviceAttributeComputeCapabilityMinor, device);
    size_t bytes = 0;
    if (deviceMemory && deviceMemory(&bytes, device) == 0) gpu.totalMemoryBytes = bytes;
    caps.gpus.push_back(gpu);
  }
  if (count == 0) caps.cudaDriverError = "the CUDA driver reports no GPU";
}

}  // namespace

std::string formatInferLibVersion(int version) {
  if (version <= 0) return "";
  bool modern = version >= 100000;
  int major = modern ? version / 10000 : version / 1000;
  int minor = modern ? (version / 100) % 100 : (version / 100) % 10;
  int patch = version % 100;
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

Capabilities probeCapabilities() {
  Capabilities caps;
  caps.builtWithTensorRT = TRT_STUDIO_BUILT_WITH_TENSORRT != 0;
  caps.buildTensorRTVersion = TRT_STUDIO_BUILD_TENSORRT_VERSION;
  caps.buildTensorRTMajor = TRT_STUDIO_BUILD_TENSORRT_MAJOR;
  caps.withoutTensorRTReason = TRT_STUDIO_WITHOUT_TENSORRT_REASON;
  probeTensorRT(caps);
  probeCuda(caps);
  return caps;
}

}  // namespace trtstudio
