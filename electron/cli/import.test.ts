import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, floatTensor } from '../../core/onnx/import/onnx-builder.testing.js';
import { parseProject, projectWeightsFile } from '../../core/network/project-file.js';
import { decodeWts } from '../../core/weights/wts-decoder.js';
import { runCli } from './main.js';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let folder: string;
let model: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'trt-import-'));
  model = join(folder, 'small.onnx');
  await writeFile(
    model,
    buildModel({
      inputs: [{ name: 'x', dims: ['batch', 2, 4, 4] }],
      outputs: [{ name: 'y' }],
      initializers: [floatTensor('conv.weight', [3, 2, 1, 1], [1, 2, 3, 4, 5, 6]), floatTensor('conv.bias', [3], [0.5, -0.5, 0])],
      nodes: [
        { op: 'Conv', name: 'conv', inputs: ['x', 'conv.weight', 'conv.bias'], outputs: ['c'] },
        { op: 'Relu', name: 'relu', inputs: ['c'], outputs: ['y'] },
      ],
    }),
  );
});

describe('trt-studio import', () => {
  it('writes the project and its .wts next to it, and prints the counts and dynamic dims', async () => {
    const project = join(folder, 'small.trtstudio');
    const { code, out, err } = await cli('import', model, '-o', project);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toBe(
      [
        `Imported ${model} (opset 17, import-test): 2 layers, 2 weights (9 values).`,
        `Wrote ${project} and ${join(folder, 'small.wts')}.`,
        "Input 'x' dimension 0 ('batch') is dynamic (-1): builds and generated code use 1 for it (min = opt = max, as trtexec does) unless the input is given a shape profile.",
      ].join('\n'),
    );
    const text = await readFile(project, 'utf8');
    expect(projectWeightsFile(text)).toBe('small.wts');
    const parsed = parseProject(text, project);
    if (!parsed.ok) throw new Error(parsed.diagnostics[0]!.message);
    expect(parsed.value.inputs[0]!.dimNames).toEqual(['batch', '', '', '']);
    expect(parsed.value.nodes.map((n) => [n.name, n.type])).toEqual([
      ['conv', 'addConvolutionNd'],
      ['relu', 'addActivation'],
    ]);
    const wts = decodeWts(await readFile(join(folder, 'small.wts')), { fileName: 'small.wts' });
    if (!wts.ok) throw new Error(wts.diagnostic.message);
    expect(wts.tensors.map((t) => [t.name, Array.from(t.values)])).toEqual([
      ['conv.weight', [1, 2, 3, 4, 5, 6]],
      ['conv.bias', [0.5, -0.5, 0]],
    ]);
  });

  it('generates Python and C++ for the dynamic batch at 1, as the import said', async () => {
    const project = join(folder, 'dynamic.trtstudio');
    expect((await cli('import', model, '-o', project)).code).toBe(0);
    const py = await cli('codegen', project, '--lang', 'python', '-o', join(folder, 'dynamic.py'));
    expect([py.code, py.err]).toEqual([0, '']);
    expect(await readFile(join(folder, 'dynamic.py'), 'utf8')).toContain('profile.set_shape("x", (1, 2, 4, 4), (1, 2, 4, 4), (1, 2, 4, 4))');
    const cpp = await cli('codegen', project, '--lang', 'cpp', '-o', join(folder, 'dynamic-cpp/'));
    expect([cpp.code, cpp.err]).toEqual([0, '']);
    const source = (await readdir(join(folder, 'dynamic-cpp'))).find((f) => f.endsWith('.cpp'))!;
    expect(await readFile(join(folder, 'dynamic-cpp', source), 'utf8')).toContain('profile->setDimensions("x", OptProfileSelector::kMAX, dims({1, 2, 4, 4}));');
  });

  it('export --wts writes the imported weights back in tensorrtx format, byte for byte', async () => {
    const project = join(folder, 'again.trtstudio');
    expect((await cli('import', model, '-o', project)).code).toBe(0);
    const exported = join(folder, 'exported.wts');
    const { code, err } = await cli('export', project, '--weights', join(folder, 'again.wts'), '--wts', exported);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(await readFile(exported, 'utf8')).toBe(await readFile(join(folder, 'again.wts'), 'utf8'));
  });

  it('--weights-out puts the .wts elsewhere and --json reports the import', async () => {
    const project = join(folder, 'json.trtstudio');
    const weights = join(folder, 'sub', 'w.wts');
    const { code, out } = await cli('import', model, '-o', project, '--weights-out', weights, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      model,
      ok: true,
      project,
      weights,
      opset: 17,
      producer: 'import-test',
      layers: 2,
      weightCount: 2,
      valueCount: 9,
      inputs: [{ name: 'x', dtype: 'FLOAT', dims: [-1, 2, 4, 4] }],
      outputs: ['y'],
      dynamicDims: [{ input: 'x', axis: 0, name: 'batch' }],
      fixedDims: [],
      diagnostics: [],
    });
    expect(projectWeightsFile(await readFile(project, 'utf8'))).toBe('sub/w.wts');
  });

  it('exits 1 listing every unsupported op, and writes nothing', async () => {
    const bad = join(folder, 'bad.onnx');
    await writeFile(
      bad,
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', dims: [4] }],
        outputs: [{ name: 'y' }],
        nodes: [
          { op: 'NonZero', name: 'nz', inputs: ['x'], outputs: ['i'] },
          { op: 'Loop', name: 'loop', inputs: ['i'], outputs: ['y'] },
        ],
      }),
    );
    const project = join(folder, 'bad.trtstudio');
    const { code, err } = await cli('import', bad, '-o', project);
    expect(code).toBe(1);
    expect(err).toBe(
      "error [onnx.import.unsupported] The model (opset 13) uses 2 ops that cannot be imported, in 2 nodes: NonZero ×1 ('nz'); Loop ×1 ('loop', control flow with subgraphs, which is not supported).",
    );
    await expect(readFile(project)).rejects.toThrow(/ENOENT/);
  });

  it('exits 2 when the file cannot be read or is not ONNX', async () => {
    const missing = join(folder, 'missing.onnx');
    const gone = await cli('import', missing, '-o', join(folder, 'x.trtstudio'));
    expect(gone.code).toBe(2);
    expect(gone.err).toBe(`error [file.read] Cannot read ${missing}: it does not exist.`);
    const text = join(folder, 'text.onnx');
    await writeFile(text, 'not a model');
    const notOnnx = await cli('import', text, '-o', join(folder, 'x.trtstudio'));
    expect(notOnnx.code).toBe(2);
    expect(notOnnx.err).toMatch(new RegExp(`^error \\[onnx\\.file\\] ${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: The file is not an ONNX model`));
    expect((await cli('import', model)).code).toBe(2);
  });
});
