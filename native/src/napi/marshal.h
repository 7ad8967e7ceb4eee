// JavaScript values ⇄ the bridge's plain structs, on the JS thread only (the baton pattern: the
// worker thread sees C++ data and pinned arrays, never a Napi::Value).
#pragma once

#include <napi.h>

#include <map>
#include <string>
#include <vector>

#include "trt/program.h"

namespace trtstudio::napi {

/** Thrown by the readers below; the caller turns it into a rejected promise. */
struct MarshalError {
  std::string message;
};

Program readProgram(Napi::Value value);
BuildOptions readBuildOptions(Napi::Value value);

/** Float32Arrays by key, pinned by `pins` (which must live until the worker is done). */
std::map<std::string, HostArray> readFloatArrays(Napi::Value value, std::string const& what,
                                                 std::vector<Napi::Reference<Napi::Value>>& pins);

std::vector<uint8_t> readBytes(Napi::Value value, std::string const& what);
std::vector<int64_t> readInt64s(Napi::Value value, std::string const& what);
std::string readString(Napi::Object object, char const* key, std::string const& what);

Napi::Object toJs(Napi::Env env, Diagnostic const& diagnostic);
Napi::Array toJs(Napi::Env env, std::vector<Diagnostic> const& diagnostics);
Napi::Object toJs(Napi::Env env, ProgressEvent const& event);
Napi::Uint8Array toUint8Array(Napi::Env env, std::vector<uint8_t> const& bytes);

/** An Error whose `diagnostics` property holds the list: how every failure reaches JavaScript. */
Napi::Error diagnosticsError(Napi::Env env, std::vector<Diagnostic> const& diagnostics);
Diagnostic errorDiagnostic(std::string code, std::string message);

}  // namespace trtstudio::napi
