/**
 * The workflows' context for a CLI command: backends opened on first use (and closed when the
 * command ends), files as they are on disk, progress and log not shown (commands print results).
 */
import type { BackendId } from '../../core/api/schemas.js';
import { ok, type Result } from '../../core/diagnostics.js';
import type { Backend } from '../backends/backend.js';
import { onnxRuntimeBackend } from '../backends/onnxruntime/backend.js';
import { TensorRTBackend } from '../backends/tensorrt/backend.js';
import { nodeFiles, type WorkflowContext } from '../workflows/index.js';

/** Makes the tensorrt backend (over a forked engine host); tests pass one over the TensorRT test double. */
export type MakeTensorRT = () => TensorRTBackend;
export const defaultTensorRT: MakeTensorRT = () => new TensorRTBackend();

export interface CliWorkflowContext extends WorkflowContext {
  /** Stop what the command started (TensorRT's engine host). */
  close(): void;
}

export function cliWorkflowContext(makeTensorRT: MakeTensorRT = defaultTensorRT): CliWorkflowContext {
  let tensorrt: TensorRTBackend | undefined;
  return {
    async backend(id: BackendId): Promise<Result<Backend>> {
      const backend: Backend = id === 'onnxruntime' ? onnxRuntimeBackend : (tensorrt ??= makeTensorRT());
      const available = await backend.available();
      return available.ok ? ok(backend) : available;
    },
    files: nodeFiles(),
    progress: () => undefined,
    log: () => undefined,
    close: () => tensorrt?.dispose(),
  };
}
