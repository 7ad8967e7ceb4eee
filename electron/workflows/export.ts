/**
 * Export: the network as an ONNX model, its bound weights as a `.wts` identical to what PyTorch's
 * `gen_wts` writes, a TensorRT Python script or a tensorrtx-style C++ program with its
 * CMakeLists.txt (core/codegen/files.ts), or a built engine. Everything is made before anything is
 * written, so a network that cannot be exported leaves no files.
 */
import { basename, dirname, join } from 'node:path';
import { codegenFiles, mayReplace } from '../../core/codegen/index.js';
import { error, fail, ok, type Diagnostic, type Result } from '../../core/diagnostics.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { detectorOutputs } from '../../core/run/detector.js';
import { translateProgram } from '../../core/onnx/translate.js';
import { encodeWts } from '../../core/weights/wts-encoder.js';
import { weightsForWtsExport } from '../../core/weights/wts-export.js';
import type { BackendModel, BackendSession } from '../backends/backend.js';
import { lowerNetwork, type NetworkSource } from './build.js';
import { cancelled, type WorkflowContext } from './context.js';

export type ExportKind = 'onnx' | 'wts' | 'python' | 'cpp' | 'engine';

/** What an export starts from: the bound network, or what a build made of it. */
export interface ExportSource {
  network?: NetworkSource;
  /** The network already lowered (a built engine's model); else the network is lowered here. */
  model?: BackendModel;
  /** A built session; `.engine` export needs one that has engineBytes. */
  session?: BackendSession;
  /** The engine's id, for messages. */
  engineId?: string;
  /** The `.wts` file name generated code reads by default (else `<network>.wts`). */
  weightsFileName?: string;
  /** The document `model` was lowered from, when `network` is absent: a detector's output makes the C++ print detections. */
  doc?: NetworkDocument;
}

export interface ExportFile {
  path: string;
  data: Uint8Array | Iterable<Uint8Array>;
  /** `if-generated`: an existing file is replaced only when TRT Studio generated it. */
  replace: 'always' | 'if-generated';
  /** For `.wts`: how many tensors and values it holds. */
  tensors?: number;
  values?: number;
}

export interface WrittenFile {
  path: string;
  bytes: number;
  /** False when an existing file was left as it is (a CMakeLists.txt the user wrote). */
  written: boolean;
}

function modelOf(ctx: WorkflowContext, source: ExportSource): Result<BackendModel> {
  if (source.model) return ok(source.model);
  if (source.network) return lowerNetwork(ctx, source.network);
  return fail(error('export.nothing', 'The export needs the network or a built engine.'));
}

/**
 * The files of one export to `path`: the file itself and, for C++, the CMakeLists.txt beside it.
 * `.wts` bytes are encoded in chunks while they are written.
 */
export async function prepareExport(ctx: WorkflowContext, format: ExportKind, path: string, source: ExportSource): Promise<Result<ExportFile[]>> {
  ctx.progress({ phase: 'Preparing', fraction: 0 });
  if (format === 'engine') {
    const engine = source.session?.engineBytes;
    if (!engine)
      return fail(
        error(
          'export.engine.backend',
          `The engine ${JSON.stringify(source.engineId ?? '')} was built with ONNX Runtime, the reference runtime, which makes no TensorRT engine; export .onnx instead, or build with the tensorrt backend.`,
        ),
      );
    return ok([{ path, data: engine, replace: 'always' }]);
  }
  if (format === 'wts') {
    if (!source.network) return fail(error('export.wts.noWeights', 'Exporting .wts needs the network bound to loaded weights.'));
    const { doc, weights } = source.network;
    const tensors = weightsForWtsExport(doc, (name) => weights(name));
    if (tensors.length === 0)
      return fail(
        error(
          'export.wts.empty',
          `No weight slot of '${doc.name}' is bound to a loaded tensor, so there is nothing to write; bind the weights first (auto-map).`,
        ),
      );
    ctx.progress({ phase: 'Encoding .wts', fraction: 0.5 });
    const values = tensors.reduce((n, t) => n + t.values.length, 0);
    return ok([{ path, data: { [Symbol.iterator]: () => encodeWts(tensors.length, tensors, 4 << 20) }, replace: 'always', tensors: tensors.length, values }]);
  }
  ctx.progress({ phase: 'Lowering the network', fraction: 0.2 });
  const model = modelOf(ctx, source);
  if (!model.ok) return model;
  const diagnostics: Diagnostic[] = [...(model.diagnostics ?? [])];
  if (format === 'onnx') {
    ctx.progress({ phase: 'Translating to ONNX', fraction: 0.5 });
    const translation = translateProgram(model.value.program, model.value.weights);
    if (!translation.ok) return translation;
    const bytes = translation.value.bytes;
    return ok([{ path, data: bytes, replace: 'always' }], [...diagnostics, ...(translation.diagnostics ?? [])]);
  }
  ctx.progress({ phase: format === 'python' ? 'Generating Python' : 'Generating C++', fraction: 0.5 });
  const program = model.value.program;
  // A detector's C++ program prints the detections of an image (-d --image).
  const doc = source.network?.doc ?? source.doc;
  const detector = doc ? detectorOutputs(doc)[0] : undefined;
  const options = {
    ...(source.weightsFileName ? { weightsPath: source.weightsFileName } : {}),
    enginePath: `${program.name}.engine`,
    ...(detector ? { detector } : {}),
  };
  const files = codegenFiles(program, format, basename(path), options);
  if (!files.ok) return files;
  const encoder = new TextEncoder();
  return ok(
    files.value.map((f) => {
      const data = encoder.encode(f.text);
      return { path: f.name === basename(path) ? path : join(dirname(path), f.name), data, replace: f.replace };
    }),
    [...diagnostics, ...(files.diagnostics ?? [])],
  );
}

/** The chunks as they are, telling `add` each one's size. */
function* counting(chunks: Iterable<Uint8Array>, add: (bytes: number) => void): Generator<Uint8Array> {
  for (const chunk of chunks) {
    add(chunk.length);
    yield chunk;
  }
}

/** Write prepared files; a file to replace only if generated is left as it is when someone else wrote it. */
export async function writeExport(ctx: WorkflowContext, files: readonly ExportFile[]): Promise<Result<WrittenFile[]>> {
  if (ctx.signal?.aborted) return cancelled('export');
  ctx.progress({ phase: 'Writing', fraction: 0.9 });
  const written: WrittenFile[] = [];
  for (const file of files) {
    if (file.replace === 'if-generated') {
      const existing = await ctx.files.readIfExists(file.path);
      const text = existing.ok && existing.value ? new TextDecoder().decode(existing.value) : undefined;
      if (!mayReplace({ name: basename(file.path), text: '', replace: file.replace }, text)) {
        ctx.log('info', `${file.path} exists already and was not generated by TRT Studio; it was left as it is.`);
        written.push({ path: file.path, bytes: 0, written: false });
        continue;
      }
    }
    const data = file.data;
    let bytes = data instanceof Uint8Array ? data.length : 0;
    const counted = data instanceof Uint8Array ? data : counting(data, (n) => (bytes += n));
    const done = await ctx.files.write(file.path, counted);
    if (!done.ok) return done;
    written.push({ path: done.value, bytes, written: true });
  }
  ctx.progress({ phase: 'Written', fraction: 1 });
  return ok(written);
}

/** Prepare and write one export. */
export async function exportFiles(ctx: WorkflowContext, format: ExportKind, path: string, source: ExportSource): Promise<Result<WrittenFile[]>> {
  const files = await prepareExport(ctx, format, path, source);
  if (!files.ok) return files;
  const written = await writeExport(ctx, files.value);
  return written.ok ? ok(written.value, files.diagnostics) : written;
}
