/**
 * `trt-studio doctor [--json]`: what this machine offers TRT Studio. The TensorRT addon as the
 * engine host process loaded it (built with which TensorRT, or why not; the runtime library's
 * version; the GPUs), and onnxruntime-node's version. Always exits 0: it reports, it does not judge.
 */
import { describeAddonCandidates, describeCapabilities } from '../../native/lib/loader.js';
import { TensorRTBackend } from '../backends/tensorrt/backend.js';
import type { HostCapabilities } from '../backends/tensorrt/host-handlers.js';
import { EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand } from './command.js';
import { NATIVE_README_HINT } from './build.js';

interface OnnxRuntimeReport {
  available: boolean;
  version?: string;
  error?: string;
}

async function onnxRuntimeReport(): Promise<OnnxRuntimeReport> {
  try {
    const ort = await import('onnxruntime-node');
    return { available: true, version: ort.env.versions.node ?? ort.env.versions.common };
  } catch (e) {
    return { available: false, error: (e as Error).message };
  }
}

/** The doctor command over a given TensorRT backend factory (tests pass one over the TensorRT test double). */
export function createDoctorCommand(makeBackend: () => TensorRTBackend = () => new TensorRTBackend()): CliCommand {
  return {
    name: 'doctor',
    summary: 'Report the TensorRT addon (built with which TensorRT, or why not), the TensorRT runtime, GPUs and onnxruntime.',
    usage: 'doctor [--json]',
    async run(args, io) {
      const parsed = parseCommandArgs(this, args, { json: { type: 'boolean' } }, io);
      if (!parsed) return EXIT_USAGE;
      const backend = makeBackend();
      let tensorrt: HostCapabilities | { available: false; explanation: string; cause: string };
      try {
        const caps = await backend.hostCapabilities();
        tensorrt = caps.ok ? caps.value : { available: false, explanation: caps.diagnostics.map((d) => d.message).join(' '), cause: 'engine-host-failed' };
      } finally {
        backend.dispose();
      }
      const ort = await onnxRuntimeReport();
      const node = `${process.version} (${process.platform} ${process.arch})`;
      if (parsed.values.json === true) {
        io.out(JSON.stringify({ node, onnxruntime: ort, tensorrt }, null, 2));
        return EXIT_OK;
      }
      io.out(`Node.js: ${node}`);
      io.out(
        ort.available
          ? `onnxruntime: onnxruntime-node ${ort.version ?? '?'} (CPU), available.`
          : `onnxruntime: not loadable (${ort.error ?? 'unknown error'}).`,
      );
      // A build with one addon per TensorRT major lists each, and which one this machine uses.
      if ('addons' in tensorrt && tensorrt.addons) for (const line of describeAddonCandidates(tensorrt.addons)) io.out(line);
      const native = 'native' in tensorrt ? tensorrt.native : undefined;
      if (native) for (const line of describeCapabilities(native)) io.out(line);
      else io.out(`Addon: not loaded (${tensorrt.cause ?? 'unknown cause'}).`);
      io.out(
        `Backends: onnxruntime ${ort.available ? 'available' : 'unavailable'}; tensorrt ${tensorrt.available ? 'available' : `unavailable (${tensorrt.cause ?? 'unknown'})`}.`,
      );
      if (!tensorrt.available) {
        io.out('');
        io.out(tensorrt.explanation ?? 'TensorRT is not available.');
        io.out(NATIVE_README_HINT);
      }
      return EXIT_OK;
    },
  };
}

export const doctorCommand: CliCommand = createDoctorCommand();
