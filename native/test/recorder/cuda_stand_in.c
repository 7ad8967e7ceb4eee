/* TEST DOUBLE — a stand-in for the CUDA driver (libcuda.so.1), not CUDA. It reports one GPU so
 * that the addon's capability probe lets TensorRT jobs through to the recording libnvinfer; nothing
 * here runs on a GPU. Built by native/check-tensorrt.sh --recorder. */
#include <string.h>
#include <stddef.h>

int cuInit(unsigned int flags) { (void)flags; return 0; }
int cuDriverGetVersion(int* version) { *version = 13000; return 0; }
int cuDeviceGetCount(int* count) { *count = 1; return 0; }
int cuDeviceGet(int* device, int ordinal) { *device = ordinal; return 0; }
int cuDeviceGetName(char* name, int length, int device) {
  (void)device;
  strncpy(name, "Recorder GPU (libcuda stand-in)", (size_t)length);
  return 0;
}
int cuDeviceGetAttribute(int* value, int attribute, int device) {
  (void)device;
  *value = attribute == 75 ? 9 : 0; /* compute capability 9.0 */
  return 0;
}
int cuDeviceTotalMem_v2(size_t* bytes, int device) { (void)device; *bytes = (size_t)16 << 30; return 0; }
