// What this machine can do: the addon's build facts, the TensorRT library found at run time and the
// GPU, probed with dlopen so that it works (and says what is missing) in an addon built without TensorRT.
#pragma once

#include <string>
#include <vector>

namespace trtstudio {

struct GpuInfo {
  std::string name;
  int computeMajor = 0;
  int computeMinor = 0;
  unsigned long long totalMemoryBytes = 0;
};

struct Capabilities {
  bool builtWithTensorRT = false;
  std::string buildTensorRTVersion;
  int buildTensorRTMajor = 0;
  std::string withoutTensorRTReason;
  /** getInferLibVersion() of the libnvinfer that loads, 0 when none does. */
  int runtimeLibVersion = 0;
  std::string runtimeLibrary;
  /** Why no libnvinfer loaded (dlerror text), empty when one did. */
  std::string runtimeLibraryError;
  /** cuDriverGetVersion(), 0 when no driver loads. */
  int cudaDriverVersion = 0;
  std::string cudaDriverError;
  std::vector<GpuInfo> gpus;
};

/** Probe the TensorRT library and the CUDA driver; never throws. */
Capabilities probeCapabilities();

/** Decode getInferLibVersion(): M·10000 + m·100 + p from 10.0 on, M·1000 + m·100 + p in 8.x. */
std::string formatInferLibVersion(int version);

}  // namespace trtstudio
