import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeProject } from '../../core/network/project-file.js';
import { emptyDocument } from '../../core/network/types.js';
import { runCli } from './main.js';

/** Run the CLI in-process and capture what it prints. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trt-cli-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('trt-studio layers', () => {
  it('--json lists the catalog with params, ports and weight slots', async () => {
    const { code, out } = await cli('layers', '--json');
    expect(code).toBe(0);
    const layers = JSON.parse(out) as { type: string; category: string; params: { name: string; type: string }[]; weights: { name: string }[] }[];
    const conv = layers.find((l) => l.type === 'addConvolutionNd')!;
    expect(conv.category).toBe('Convolution');
    expect(conv.params.map((p) => p.name)).toContain('paddingMode');
    expect(conv.weights.map((w) => w.name)).toEqual(['kernel', 'bias']);
    // Every primitive and composite the foundation issue names, as INetworkDefinition methods.
    const named = [
      'addConvolutionNd',
      'addDeconvolutionNd',
      'addActivation',
      'addPoolingNd',
      'addScale',
      'addElementWise',
      'addMatrixMultiply',
      'addShuffle',
      'addConcatenation',
      'addSoftMax',
      'addConstant',
      'addPaddingNd',
      'addUnary',
      'addReduce',
      'addResize',
      'addSlice',
      'addTopK',
      'addGatherV2',
      'addIdentity',
      'addCast',
      'addLRN',
      'addNormalizationV2',
      'addParametricReLU',
      'addSelect',
      'addShape',
      'addSqueeze',
      'addUnsqueeze',
      'addEinsum',
      'BatchNorm2d',
      'Linear',
      'ConvBnAct',
      'BasicBlock',
      'Bottleneck',
      'InvertedResidual',
    ];
    expect(named.filter((type) => !layers.some((l) => l.type === type))).toEqual([]);
  });
});

describe('trt-studio layers --json weight slots', () => {
  type Slot = { name: string; pytorchName: string; count: number | null; shape: number[] | null; optional: boolean };
  async function catalog(): Promise<{ type: string; kind: string; weights: Slot[] }[]> {
    return JSON.parse((await cli('layers', '--json')).out) as { type: string; kind: string; weights: Slot[] }[];
  }

  it("lists every composite's slots with the PyTorch names a default instance binds", async () => {
    const layers = await catalog();
    const composites = layers.filter((l) => l.kind === 'composite');
    // Only the weight-free composites (activations, pooling and reshaping built from primitives, the YOLO postprocess) list no slots.
    expect(composites.filter((l) => l.weights.length === 0).map((l) => l.type)).toEqual([
      'MaxPool2d',
      'AvgPool2d',
      'AdaptiveAvgPool2d',
      'SiLU',
      'Hardswish',
      'Mish',
      'Split',
      'Chunk',
      'Flatten',
      'ChannelShuffle',
      'YoloPostprocess',
    ]);
    // A detector head is described with YOLOv8n's feature maps: its slots come with their sizes.
    const head = composites.find((l) => l.type === 'YoloV8Detect')!;
    expect(head.weights.find((w) => w.pytorchName === 'dfl.conv.weight')).toMatchObject({ count: 16, shape: [1, 16, 1, 1] });
    const basic = composites.find((l) => l.type === 'BasicBlock')!;
    expect(basic.weights.map((w) => `${w.pytorchName} ${w.count}`)).toEqual([
      'conv1.weight 36864',
      'bn1.weight 64',
      'bn1.bias 64',
      'bn1.running_mean 64',
      'bn1.running_var 64',
      'conv2.weight 36864',
      'bn2.weight 64',
      'bn2.bias 64',
      'bn2.running_mean 64',
      'bn2.running_var 64',
    ]);
    expect(basic.weights[0]).toEqual({ name: 'conv1.weight', pytorchName: 'conv1.weight', count: 36864, shape: [64, 64, 3, 3], optional: false });
    const linear = composites.find((l) => l.type === 'Linear')!;
    expect(linear.weights.map((w) => [w.pytorchName, w.count, w.optional])).toEqual([
      ['weight', 512000, false],
      ['bias', 1000, false],
    ]);
  });

  it('lists the names but no counts where the counts need an input the defaults do not fix', async () => {
    const convBnAct = (await catalog()).find((l) => l.type === 'ConvBnAct')!;
    expect(convBnAct.weights.map((w) => [w.pytorchName, w.count])).toEqual([
      ['0.weight', null],
      ['1.weight', null],
      ['1.bias', null],
      ['1.running_mean', null],
      ['1.running_var', null],
    ]);
  });
});

describe('trt-studio check', () => {
  const doc = emptyDocument('tiny');
  doc.inputs.push({ id: 'in1', name: 'data', dtype: 'FLOAT', dims: [1, 3, 32, 32] });
  doc.nodes.push({
    id: 'n1',
    type: 'addPoolingNd',
    name: 'pool',
    params: {
      type: 'MAX',
      windowSize: [2, 2],
      stride: [2, 2],
      prePadding: [0, 0],
      postPadding: [0, 0],
      paddingMode: 'EXPLICIT_ROUND_DOWN',
      averageCountExcludesPadding: true,
      blendFactor: 0,
    },
  });
  doc.edges.push({ id: 'e1', from: { node: 'in1', port: 'output' }, to: { node: 'n1', port: 'input' } });
  doc.outputs.push({ name: 'pooled', from: { node: 'n1', port: 'output' } });

  it('prints each layer with its output dims and exits 0 for a valid network', async () => {
    const path = await tempFile('ok.trtstudio', serializeProject(doc));
    const { code, out } = await cli('check', path);
    expect(code).toBe(0);
    expect(out).toMatch(/pool\s+addPoolingNd\s+\[1, 3, 16, 16\] FLOAT/);
    expect(out).toContain('No errors.');
  });

  it('exits 1 with the Diagnostic when the network has an error', async () => {
    const bad = { ...doc, nodes: [{ ...doc.nodes[0]!, params: { ...doc.nodes[0]!.params, windowSize: [64, 64], stride: [1, 1] } }] };
    const path = await tempFile('bad.trtstudio', serializeProject(bad));
    const { code, out } = await cli('check', path, '--json');
    expect(code).toBe(1);
    const report = JSON.parse(out) as { ok: boolean; diagnostics: { code: string; message: string; nodeId: string }[] };
    expect(report.ok).toBe(false);
    expect(report.diagnostics).toEqual([
      expect.objectContaining({
        code: 'shape.invalid',
        nodeId: 'n1',
        message: "Layer 'pool' (addPoolingNd): the window [64, 64] is larger than the padded input [1, 3, 32, 32].",
      }),
    ]);
  });

  it('exits 1 for an invalid project file and 2 for a missing one', async () => {
    const path = await tempFile('broken.trtstudio', '{"format": "trtstudio", "version": 99, "network": {}}');
    const broken = await cli('check', path);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('was saved by a newer TRT Studio (format version 99)');
    const missing = await cli('check', '/nonexistent/x.trtstudio');
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('error [file.read] Cannot read /nonexistent/x.trtstudio: it does not exist.');
  });

  it('exits 2 on a bad command line', async () => {
    expect((await cli('check')).code).toBe(2);
    expect((await cli('check', 'a', '--bogus')).code).toBe(2);
    expect((await cli('nonsense')).code).toBe(2);
  });
});
