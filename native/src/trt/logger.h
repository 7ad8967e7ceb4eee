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

  /** While one lives, error-level messages are kept as warnings (for errors TensorRT recovers from). */
  class ErrorsAsWarnings {
   public:
    explicit ErrorsAsWarnings(DiagnosticLogger& logger);
    ~ErrorsAsWarnings();
    ErrorsAsWarnings(ErrorsAsWarnings const&) = delete;
    ErrorsAsWarnings& operator=(ErrorsAsWarnings const&) = delete;

   private:
    DiagnosticLogger& mLogger;
  };

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
  int mDemoteErrors = 0;
};

/**
 * The one ILogger this process hands to TensorRT. TensorRT keeps the first logger it is given for as
 * long as any builder or runtime lives, so a logger per job would send later jobs' messages to the
 * wrong job, or to a destroyed object. This one forwards each message to the job that holds a
 * JobScope, and drops messages logged while no job runs.
 */
nvinfer1::ILogger& processLogger();

/**
 * One TensorRT job at a time in this process: constructing a JobScope waits for the previous job to
 * finish, then routes processLogger() to `jobLogger` until the scope ends. The engine host also
 * queues its jobs; this lock keeps the bridge safe for any other caller.
 */
class JobScope {
 public:
  explicit JobScope(DiagnosticLogger& jobLogger);
  ~JobScope();
  JobScope(JobScope const&) = delete;
  JobScope& operator=(JobScope const&) = delete;

 private:
  std::unique_lock<std::mutex> mJobLock;
};

/** The Diagnostic for one log line; exposed for tests of the node linking. */
Diagnostic diagnosticFromLog(nvinfer1::ILogger::Severity severity, std::string const& message,
                             std::map<std::string, std::string> const& layerNodes);

}  // namespace trtstudio
