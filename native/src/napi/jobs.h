// The addon's asynchronous jobs: build, run and inspect on worker threads, promises on the JS side.
#pragma once

#include <napi.h>

namespace trtstudio::napi {

/** buildEngine(request, onEvent) → { promise, cancel() }. */
Napi::Value buildEngine(Napi::CallbackInfo const& info);
/** runEngine(request) → Promise. */
Napi::Value runEngine(Napi::CallbackInfo const& info);
/** inspectEngine(engine) → Promise. */
Napi::Value inspectEngine(Napi::CallbackInfo const& info);
/** capabilities() → object (synchronous: a few dlopen calls). */
Napi::Value capabilities(Napi::CallbackInfo const& info);
/** supportedOps() → string[]; empty in an addon built without TensorRT. */
Napi::Value supportedOps(Napi::CallbackInfo const& info);

}  // namespace trtstudio::napi
