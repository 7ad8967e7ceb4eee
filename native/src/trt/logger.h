// TensorRT's ILogger as Diagnostics: every message of warning level or above becomes one, linked to
// the canvas node whose layer the message names. TensorRT calls it from several threads.
#pragma once

#include <NvInfer.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "trt/program.h"

namespace trtstudio {

class DiagnosticLogger : public nvinfer1::ILogger {
 public:
  using Sink = std::function<void(Diagnostic const&)>;

  explicit DiagnosticLogger(Sink sink = nullptr) : mSink(std::move(sink)) {}

  void log(Severity severity, nvinfer1::AsciiChar const* message) noexcept override;

  /** Layer names (ILayer::setName) → node ids, to link messages that name a layer. */
  void setLayerNodes(std::map<std::string, std::string> layerNodes);

  std::vector<Diagnostic> diagnostics() const;
  /** The last error-level message, for a failure summary; a sentence saying none was logged when empty. */
  std::string lastError() const;

 private:
  std::string nodeFor(std::string const& message) const;

  mutable std::mutex mMutex;
  Sink mSink;
  std::map<std::string, std::string> mLayerNodes;
  std::vector<Diagnostic> mDiagnostics;
  std::string mLastError;
};

/** The Diagnostic for one log line; exposed for tests of the node linking. */
Diagnostic diagnosticFromLog(nvinfer1::ILogger::Severity severity, std::string const& message,
                             std::map<std::string, std::string> const& layerNodes);

}  // namespace trtstudio
