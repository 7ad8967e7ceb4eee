#include "trt/logger.h"

namespace trtstudio {
namespace {

std::mutex gJobMutex;
std::mutex gRouteMutex;
DiagnosticLogger* gCurrentJob = nullptr;

class RoutingLogger : public nvinfer1::ILogger {
 public:
  void log(Severity severity, nvinfer1::AsciiChar const* message) noexcept override {
    std::lock_guard<std::mutex> lock(gRouteMutex);
    if (gCurrentJob) gCurrentJob->log(severity, message);
  }
};

}  // namespace

nvinfer1::ILogger& processLogger() {
  static RoutingLogger logger;
  return logger;
}

JobScope::JobScope(DiagnosticLogger& jobLogger) : mJobLock(gJobMutex) {
  std::lock_guard<std::mutex> lock(gRouteMutex);
  gCurrentJob = &jobLogger;
}

JobScope::~JobScope() {
  std::lock_guard<std::mutex> lock(gRouteMutex);
  gCurrentJob = nullptr;
}

Diagnostic diagnosticFromLog(nvinfer1::ILogger::Severity severity, std::string const& message,
                             std::map<std::string, std::string> const& layerNodes) {
  using Severity = nvinfer1::ILogger::Severity;
  Diagnostic diagnostic;
  diagnostic.severity = severity == Severity::kWARNING ? "warning" : severity <= Severity::kERROR ? "error" : "info";
  diagnostic.code = severity == Severity::kINTERNAL_ERROR ? "tensorrt.internal-error"
                    : severity == Severity::kERROR         ? "tensorrt.error"
                    : severity == Severity::kWARNING       ? "tensorrt.warning"
                                                           : "tensorrt.info";
  diagnostic.message = "TensorRT: " + message;
  // The longest layer name the message mentions wins, so `conv1.bn` is not taken for `conv1`.
  size_t best = 0;
  for (auto const& [layer, node] : layerNodes) {
    if (layer.size() > best && message.find(layer) != std::string::npos) {
      best = layer.size();
      diagnostic.nodeId = node;
      diagnostic.detail = "layer " + layer;
    }
  }
  return diagnostic;
}

void DiagnosticLogger::log(Severity severity, nvinfer1::AsciiChar const* message) noexcept {
  if (severity > Severity::kWARNING || !message) return;
  try {
    Diagnostic diagnostic;
    {
      std::lock_guard<std::mutex> lock(mMutex);
      if (mDemoteErrors > 0 && severity < Severity::kWARNING) severity = Severity::kWARNING;
      diagnostic = diagnosticFromLog(severity, message, mLayerNodes);
      mDiagnostics.push_back(diagnostic);
      if (severity <= Severity::kERROR) mLastError = message;
    }
    if (mSink) mSink(diagnostic);
  } catch (...) {
    // A logger must not throw into TensorRT; a lost message is the lesser harm.
  }
}

DiagnosticLogger::ErrorsAsWarnings::ErrorsAsWarnings(DiagnosticLogger& logger) : mLogger(logger) {
  std::lock_guard<std::mutex> lock(mLogger.mMutex);
  ++mLogger.mDemoteErrors;
}

DiagnosticLogger::ErrorsAsWarnings::~ErrorsAsWarnings() {
  std::lock_guard<std::mutex> lock(mLogger.mMutex);
  --mLogger.mDemoteErrors;
}

void DiagnosticLogger::setLayerNodes(std::map<std::string, std::string> layerNodes) {
  std::lock_guard<std::mutex> lock(mMutex);
  mLayerNodes = std::move(layerNodes);
}

std::vector<Diagnostic> DiagnosticLogger::diagnostics() const {
  std::lock_guard<std::mutex> lock(mMutex);
  return mDiagnostics;
}

std::string DiagnosticLogger::lastError() const {
  std::lock_guard<std::mutex> lock(mMutex);
  // Callers append this after "...: ", so an empty log still reads as a sentence.
  return mLastError.empty() ? "TensorRT logged no reason (check that libnvinfer matches the headers the addon was built with)." : mLastError;
}

}  // namespace trtstudio
