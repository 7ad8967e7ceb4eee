#include "napi/marshal.h"

#include <cmath>

namespace trtstudio::napi {
namespace {

Napi::Object asObject(Napi::Value value, std::string const& what) {
  if (!value.IsObject() || value.IsArray()) throw MarshalError{what + " must be an object."};
  return value.As<Napi::Object>();
}

Napi::Array asArray(Napi::Value value, std::string const& what) {
  if (!value.IsArray()) throw MarshalError{what + " must be an array."};
  return value.As<Napi::Array>();
}

std::map<std::string, std::string> readStringMap(Napi::Value value, std::string const& what) {
  std::map<std::string, std::string> result;
  Napi::Object object = asObject(value, what);
  Napi::Array keys = object.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    std::string key = keys.Get(i).As<Napi::String>().Utf8Value();
    Napi::Value entry = object.Get(key);
    if (!entry.IsString()) throw MarshalError{what + "." + key + " must be a string."};
    result[key] = entry.As<Napi::String>().Utf8Value();
  }
  return result;
}

ParamValue readParam(Napi::Value value, std::string const& what) {
  if (value.IsNumber()) return value.As<Napi::Number>().DoubleValue();
  if (value.IsBoolean()) return value.As<Napi::Boolean>().Value();
  if (value.IsString()) return value.As<Napi::String>().Utf8Value();
  if (value.IsArray()) {
    Napi::Array array = value.As<Napi::Array>();
    std::vector<double> list;
    for (uint32_t i = 0; i < array.Length(); ++i) {
      Napi::Value item = array.Get(i);
      if (!item.IsNumber()) throw MarshalError{what + "[" + std::to_string(i) + "] must be a number."};
      list.push_back(item.As<Napi::Number>().DoubleValue());
    }
    return list;
  }
  throw MarshalError{what + " must be a number, a flag, a string or a list of numbers."};
}

double readNumber(Napi::Object object, char const* key, std::string const& what, double fallback) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) throw MarshalError{what + "." + key + " must be a number."};
  return value.As<Napi::Number>().DoubleValue();
}

}  // namespace

std::string readString(Napi::Object object, char const* key, std::string const& what) {
  Napi::Value value = object.Get(key);
  if (!value.IsString()) throw MarshalError{what + "." + key + " must be a string."};
  return value.As<Napi::String>().Utf8Value();
}

std::vector<int64_t> readInt64s(Napi::Value value, std::string const& what) {
  Napi::Array array = asArray(value, what);
  std::vector<int64_t> result;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsNumber() || std::floor(item.As<Napi::Number>().DoubleValue()) != item.As<Napi::Number>().DoubleValue())
      throw MarshalError{what + "[" + std::to_string(i) + "] must be an integer."};
    result.push_back(item.As<Napi::Number>().Int64Value());
  }
  return result;
}

Program readProgram(Napi::Value value) {
  Program program;
  Napi::Object object = asObject(value, "program");
  program.name = readString(object, "name", "program");
  Napi::Array inputs = asArray(object.Get("inputs"), "program.inputs");
  for (uint32_t i = 0; i < inputs.Length(); ++i) {
    std::string what = "program.inputs[" + std::to_string(i) + "]";
    Napi::Object in = asObject(inputs.Get(i), what);
    ProgramInput input;
    input.name = readString(in, "name", what);
    input.dtype = readString(in, "dtype", what);
    input.dims = readInt64s(in.Get("dims"), what + ".dims");
    input.nodeId = readString(in, "nodeId", what);
    if (in.Has("profile") && !in.Get("profile").IsUndefined()) {
      Napi::Object profile = asObject(in.Get("profile"), what + ".profile");
      input.profile = ShapeProfile{readInt64s(profile.Get("min"), what + ".profile.min"), readInt64s(profile.Get("opt"), what + ".profile.opt"),
                                   readInt64s(profile.Get("max"), what + ".profile.max")};
    }
    program.inputs.push_back(std::move(input));
  }
  Napi::Array ops = asArray(object.Get("ops"), "program.ops");
  for (uint32_t i = 0; i < ops.Length(); ++i) {
    std::string what = "program.ops[" + std::to_string(i) + "]";
    Napi::Object o = asObject(ops.Get(i), what);
    ProgramOp op;
    op.op = readString(o, "op", what);
    op.layerName = readString(o, "layerName", what);
    op.nodeId = readString(o, "nodeId", what);
    Napi::Object params = asObject(o.Get("params"), what + ".params");
    Napi::Array keys = params.GetPropertyNames();
    for (uint32_t k = 0; k < keys.Length(); ++k) {
      std::string key = keys.Get(k).As<Napi::String>().Utf8Value();
      op.params[key] = readParam(params.Get(key), what + ".params." + key);
    }
    op.inputs = readStringMap(o.Get("inputs"), what + ".inputs");
    op.outputs = readStringMap(o.Get("outputs"), what + ".outputs");
    op.weights = readStringMap(o.Get("weights"), what + ".weights");
    program.ops.push_back(std::move(op));
  }
  Napi::Array outputs = asArray(object.Get("outputs"), "program.outputs");
  for (uint32_t i = 0; i < outputs.Length(); ++i) {
    std::string what = "program.outputs[" + std::to_string(i) + "]";
    Napi::Object out = asObject(outputs.Get(i), what);
    program.outputs.push_back(ProgramOutput{readString(out, "name", what), readString(out, "tensor", what)});
  }
  Napi::Array weights = asArray(object.Get("weights"), "program.weights");
  for (uint32_t i = 0; i < weights.Length(); ++i) {
    std::string what = "program.weights[" + std::to_string(i) + "]";
    Napi::Object w = asObject(weights.Get(i), what);
    ProgramWeight weight;
    weight.id = readString(w, "id", what);
    weight.count = static_cast<int64_t>(readNumber(w, "count", what, 0));
    weight.shape = readInt64s(w.Get("shape"), what + ".shape");
    Napi::Object recipe = asObject(w.Get("recipe"), what + ".recipe");
    weight.recipe.kind = readString(recipe, "kind", what + ".recipe");
    for (auto [key, field] : {std::pair<char const*, std::string*>{"tensor", &weight.recipe.tensor}, {"gamma", &weight.recipe.gamma},
                              {"beta", &weight.recipe.beta}, {"mean", &weight.recipe.mean}, {"var", &weight.recipe.var}}) {
      if (recipe.Get(key).IsString()) *field = recipe.Get(key).As<Napi::String>().Utf8Value();
    }
    weight.recipe.eps = readNumber(recipe, "eps", what + ".recipe", 0);
    if (recipe.Get("values").IsArray()) {
      Napi::Array values = recipe.Get("values").As<Napi::Array>();
      for (uint32_t j = 0; j < values.Length(); ++j) weight.recipe.values.push_back(values.Get(j).As<Napi::Number>().FloatValue());
    }
    program.weights.push_back(std::move(weight));
  }
  return program;
}

BuildOptions readBuildOptions(Napi::Value value) {
  BuildOptions options;
  if (value.IsUndefined()) return options;
  Napi::Object object = asObject(value, "options");
  options.workspaceBytes = static_cast<uint64_t>(readNumber(object, "workspaceBytes", "options", 0));
  options.optimizationLevel = static_cast<int>(readNumber(object, "optimizationLevel", "options", -1));
  options.averageTimingIterations = static_cast<int>(readNumber(object, "averageTimingIterations", "options", 0));
  if (object.Get("precision").IsString()) options.precision = object.Get("precision").As<Napi::String>().Utf8Value();
  if (object.Get("hardwareCompatibility").IsString())
    options.hardwareCompatibility = object.Get("hardwareCompatibility").As<Napi::String>().Utf8Value();
  options.stronglyTyped = object.Get("stronglyTyped").ToBoolean().Value();
  options.versionCompatible = object.Get("versionCompatible").ToBoolean().Value();
  options.tf32 = object.Get("tf32").ToBoolean().Value();
  if (!object.Get("timingCache").IsUndefined()) options.timingCache = readBytes(object.Get("timingCache"), "options.timingCache");
  return options;
}

std::map<std::string, HostArray> readFloatArrays(Napi::Value value, std::string const& what,
                                                 std::vector<Napi::Reference<Napi::Value>>& pins) {
  std::map<std::string, HostArray> result;
  if (value.IsUndefined()) return result;
  Napi::Object object = asObject(value, what);
  Napi::Array keys = object.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    std::string key = keys.Get(i).As<Napi::String>().Utf8Value();
    Napi::Value entry = object.Get(key);
    if (!entry.IsTypedArray() || entry.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw MarshalError{what + "." + key + " must be a Float32Array."};
    Napi::Float32Array array = entry.As<Napi::Float32Array>();
    // Pinned, not copied: the reference keeps the array (and its buffer) alive until the worker is destroyed.
    pins.push_back(Napi::Persistent(entry));
    result[key] = HostArray{array.Data(), array.ElementLength()};
  }
  return result;
}

std::vector<uint8_t> readBytes(Napi::Value value, std::string const& what) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw MarshalError{what + " must be a Uint8Array (a Buffer is one)."};
  Napi::Uint8Array array = value.As<Napi::Uint8Array>();
  return std::vector<uint8_t>(array.Data(), array.Data() + array.ElementLength());
}

Napi::Object toJs(Napi::Env env, Diagnostic const& diagnostic) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("severity", diagnostic.severity);
  object.Set("code", diagnostic.code);
  object.Set("message", diagnostic.message);
  if (!diagnostic.nodeId.empty()) object.Set("nodeId", diagnostic.nodeId);
  if (!diagnostic.field.empty()) object.Set("field", diagnostic.field);
  if (!diagnostic.detail.empty()) object.Set("detail", diagnostic.detail);
  return object;
}

Napi::Array toJs(Napi::Env env, std::vector<Diagnostic> const& diagnostics) {
  Napi::Array array = Napi::Array::New(env, diagnostics.size());
  for (size_t i = 0; i < diagnostics.size(); ++i) array.Set(static_cast<uint32_t>(i), toJs(env, diagnostics[i]));
  return array;
}

Napi::Object toJs(Napi::Env env, ProgressEvent const& event) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("kind", event.kind);
  if (event.kind == "diagnostic") {
    object.Set("diagnostic", toJs(env, event.diagnostic));
    return object;
  }
  object.Set("phase", event.phase);
  if (event.kind == "phaseStart") {
    if (!event.parentPhase.empty()) object.Set("parentPhase", event.parentPhase);
    object.Set("nbSteps", event.nbSteps);
  }
  if (event.kind == "step") object.Set("step", event.step);
  return object;
}

Napi::Uint8Array toUint8Array(Napi::Env env, std::vector<uint8_t> const& bytes) {
  Napi::Uint8Array array = Napi::Uint8Array::New(env, bytes.size());
  if (!bytes.empty()) std::copy(bytes.begin(), bytes.end(), array.Data());
  return array;
}

Diagnostic errorDiagnostic(std::string code, std::string message) {
  Diagnostic d;
  d.severity = "error";
  d.code = std::move(code);
  d.message = std::move(message);
  return d;
}

Napi::Error diagnosticsError(Napi::Env env, std::vector<Diagnostic> const& diagnostics) {
  std::string message = "The TensorRT job failed.";
  for (auto const& d : diagnostics) {
    if (d.severity == "error") {
      message = d.message;
      break;
    }
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Value().Set("diagnostics", toJs(env, diagnostics));
  return error;
}

}  // namespace trtstudio::napi
