// TensorRT version gates for the bridge (native/README.md, "TensorRT facts"): one macro for minor-version checks.
#pragma once

#include <NvInferVersion.h>

/** True when the TensorRT headers are at least major.minor. */
#define TRT_STUDIO_TRT_AT_LEAST(major, minor) \
  (NV_TENSORRT_MAJOR > (major) || (NV_TENSORRT_MAJOR == (major) && NV_TENSORRT_MINOR >= (minor)))

#if NV_TENSORRT_MAJOR < 10
#error "TRT Studio's bridge needs TensorRT 10 or 11 headers."
#endif
