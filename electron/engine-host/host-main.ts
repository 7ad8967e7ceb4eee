/**
 * The engine host process: the only process that loads the TensorRT addon. It serves validated
 * requests from EngineHostClient over the IPC channel; if TensorRT or CUDA crash, only this process dies.
 */
import { error } from '../../core/diagnostics.js';
import { createTensorRTHandlers } from '../backends/tensorrt/host-handlers.js';
import { parseHostRequest, type HostReply } from './protocol.js';

function send(reply: HostReply): void {
  process.send?.(reply);
}

const handlers = createTensorRTHandlers();

process.on('message', (message: unknown) => {
  const parsed = parseHostRequest(message);
  if (!parsed.ok) {
    if (parsed.id !== undefined) send({ type: 'failure', id: parsed.id, diagnostics: [error('engine-host.protocol', parsed.message)] });
    return;
  }
  const request = parsed.value;
  if (request.type === 'crash') {
    if (process.env.TRT_STUDIO_ENGINE_HOST_CRASH_HOOK === '1') process.kill(process.pid, 'SIGSEGV');
    send({ type: 'failure', id: request.id, diagnostics: [error('engine-host.crash-hook', 'The crash hook is enabled only when TRT_STUDIO_ENGINE_HOST_CRASH_HOOK=1.')] });
    return;
  }
  if (request.type === 'cancel') {
    // Carries the id of the job to cancel; that job's own reply follows when it stops.
    handlers.cancel(request.id);
    return;
  }
  void handlers.handle(request, (event) => send({ type: 'event', id: request.id, event })).then((result) =>
    send(result.ok ? { type: 'result', id: request.id, value: result.value } : { type: 'failure', id: request.id, diagnostics: result.diagnostics }),
  );
});

// Without a parent the IPC channel is gone; nothing could reach this process any more.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
