/**
 * `trt-studio doctor [--json]`: what this machine offers TRT Studio. The TensorRT addon as the
 * engine host process loaded it (built with which TensorRT, or why not; the runtime library's
 * version; the GPUs), and onnxruntime-node's version. Always exits 0: it reports, it does not judge.
 */
import { TensorRTBackend } from '../backends/tensorrt/backend.js';
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
      let described: Awaited<ReturnType<TensorRTBackend['describe']>>;
      try {
        described = await backend.describe();
      } finally {
        backend.dispose();
      }
      const tensorrt = described.capabilities;
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
      for (const line of described.lines) io.out(line);
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
