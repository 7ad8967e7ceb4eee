/**
 * The engine host process entry: the only process that loads the TensorRT addon. It serves validated
 * requests from EngineHostClient over Electron's parentPort (a utility process) or the IPC channel
 * (a forked Node process); if TensorRT or CUDA crash, only this process dies. The host itself
 * (engine-host/) is backend-free; this entry is where TensorRT's handlers are plugged in.
 */
import { createTensorRTHandlers } from './backends/tensorrt/host-handlers.js';
import { selectHostChannel, serveEngineHost } from './engine-host/host-channel.js';

const channel = selectHostChannel(process);
if (!channel) {
  process.stderr.write('The engine host is started by TRT Studio (as an Electron utility process or a forked Node process), not by hand.\n');
  process.exit(2);
}
serveEngineHost(channel, {
  handlers: createTensorRTHandlers(),
  pid: process.pid,
  crashHookEnabled: process.env.TRT_STUDIO_ENGINE_HOST_CRASH_HOOK === '1',
  crash: () => process.kill(process.pid, 'SIGSEGV'),
  exit: (code) => process.exit(code),
});
