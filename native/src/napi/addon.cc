// The addon's entry: registers the exports only; each feature lives in its own file (sharp's layout).
#include <napi.h>

#include "napi/jobs.h"

namespace {

Napi::Object initialize(Napi::Env env, Napi::Object exports) {
  exports.Set("capabilities", Napi::Function::New(env, trtstudio::napi::capabilities, "capabilities"));
  exports.Set("supportedOps", Napi::Function::New(env, trtstudio::napi::supportedOps, "supportedOps"));
  exports.Set("buildEngine", Napi::Function::New(env, trtstudio::napi::buildEngine, "buildEngine"));
  exports.Set("runEngine", Napi::Function::New(env, trtstudio::napi::runEngine, "runEngine"));
  exports.Set("inspectEngine", Napi::Function::New(env, trtstudio::napi::inspectEngine, "inspectEngine"));
  return exports;
}

}  // namespace

NODE_API_MODULE(trt_studio, initialize)
