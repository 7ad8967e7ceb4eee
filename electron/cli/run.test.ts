/**
 * The model commands of the CLI on the fixtures: `check --weights`, `run`, `profile` and `export`, with
 * PyTorch's numbers from fixtures/ (parity.json, digits.json, models.json) as the expected results.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../core/network/project-file.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { buildTemplate } from '../../core/templates/index.js';
import { formulaInput, formulaTensor, type StateDictEntry } from '../../core/weights/formula.js';
import { decodeWts } from '../../core/weights/wts-decoder.js';
import { encodeWts, encodeWtsBytes } from '../../core/weights/wts-encoder.js';
import { loadImagenetLabels } from '../services/images.js';
import { readNpy, writeNpy } from '../services/npy.js';
import { runCli } from './main.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const fixture = (name: string) => new URL(name, FIXTURES).pathname;
const LENET_WTS = fixture('lenet5.wts');
const DIGITS_WTS = fixture('lenet5_digits.wts');

interface ParityModel {
  input_shape: number[];
  top5: number[];
  logits: number[];
  state_dict: StateDictEntry[];
  wts_sha256: string;
  wts_bytes: number;
}
const PARITY = (JSON.parse(readFileSync(new URL('parity.json', FIXTURES), 'utf8')) as { models: Record<string, ParityModel> }).models;
const MODELS = JSON.parse(readFileSync(new URL('models.json', FIXTURES), 'utf8')) as Record<string, ParityModel>;
const DIGITS = (JSON.parse(readFileSync(new URL('digits.json', FIXTURES), 'utf8')) as { cases: { file: string; label: number; softmax: number[] }[] }).cases;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir = '';
const tmp = (name: string) => join(dir, name);
let lenetProject = '';

async function writeProject(name: string, doc: NetworkDocument): Promise<string> {
  const path = tmp(`${name}.trtstudio`);
  await writeFile(path, serializeProject(doc));
  return path;
}

function lenetTensors(): { name: string; values: Float32Array }[] {
  const decoded = decodeWts(readFileSync(LENET_WTS), { fileName: 'lenet5.wts' });
  if (!decoded.ok) throw new Error(decoded.diagnostic.message);
  return decoded.tensors.map((t) => ({ name: t.name, values: t.values }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-cli-run-'));
  lenetProject = await writeProject('lenet5', buildTemplate('lenet5')!);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trt-studio check --weights', () => {
  it('reports a complete binding and exits 0', async () => {
    const { code, out } = await cli('check', lenetProject, '--weights', LENET_WTS);
    expect(code).toBe(0);
    expect(out.split('\n').slice(-2)).toEqual([
      'Weights lenet5.wts: 10 tensors, 61706 values; 10 slots bound, 0 unbound, 0 mismatched; 0 tensors unused.',
      'No errors.',
    ]);
  });

  it('counts unbound, mismatched and unused tensors with the exact Diagnostics, and exits 1', async () => {
    // conv2's kernel missing, fc3 trained for 5 classes instead of 10, and a tensor no layer uses.
    const tensors = lenetTensors()
      .filter((t) => t.name !== 'conv2.weight')
      .map((t) =>
        t.name === 'fc3.weight' ? { ...t, values: t.values.subarray(0, 5 * 84) } : t.name === 'fc3.bias' ? { ...t, values: t.values.subarray(0, 5) } : t,
      );
    tensors.push({ name: 'head.extra', values: new Float32Array(3) });
    const wts = tmp('mismatched.wts');
    await writeFile(wts, encodeWtsBytes(tensors));
    const { code, out } = await cli('check', lenetProject, '--weights', wts);
    expect(code).toBe(1);
    expect(out.split('\n').slice(-6)).toEqual([
      'Weights mismatched.wts: 10 tensors, 58884 values; 7 slots bound, 1 unbound, 2 mismatched; 1 tensors unused.',
      "error [weights.missing] Layer 'conv2' (addConvolutionNd) needs its weight slot 'kernel' bound: the weights have no tensor 'conv2.weight' (2400 values [16, 6, 5, 5]). Bind one by hand or rename the layer. (node 'conv2', field kernel)",
      "error [weights.count] Layer 'fc3' (Linear) slot 'weight' expects 840 values [10, 84], but the tensor 'fc3.weight' has 420. It would fit [5, 84]: 5 output features (classes) instead of 10. (node 'fc3', field weight)",
      "error [weights.count] Layer 'fc3' (Linear) slot 'bias' expects 10 values [10], but the tensor 'fc3.bias' has 5. It would fit a layer with 5 output features (classes) instead of 10. (node 'fc3', field bias)",
      "warning [weights.unused] 1 tensor in the weights is bound to no layer: 'head.extra'.",
      '3 error(s).',
    ]);
    const json = await cli('check', lenetProject, '--weights', wts, '--json');
    const report = JSON.parse(json.out) as { ok: boolean; weights: { bound: number; unbound: number; mismatched: number; unused: string[] } };
    expect(report.ok).toBe(false);
    expect(report.weights).toMatchObject({ bound: 7, unbound: 1, mismatched: 2, unused: ['head.extra'] });
  });

  it('a corrupt .wts is a Diagnostic naming the file and line (exit 1); a missing one exits 2', async () => {
    const bad = tmp('short.wts');
    await writeFile(bad, '1\nfc.bias 3 3f800000 3f800000\n');
    const message = "error [wts.values.missing] 'short.wts' line 2: tensor 'fc.bias' has 2 values, but its count says 3. (field line 2)";
    for (const command of [
      ['check', lenetProject],
      ['run', lenetProject, fixture('digits/digit_00_label2.png')],
      ['profile', lenetProject],
      ['export', lenetProject, '--wts', tmp('x.wts')],
    ]) {
      const result = await cli(...command, '--weights', bad);
      expect([command[0], result.code, result.err]).toEqual([command[0], 1, message]);
    }
    const missing = await cli('check', lenetProject, '--weights', '/nonexistent/w.wts');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^error \[wts\.unreadable\] .*w\.wts/);
  });
});

describe('trt-studio run', () => {
  it("classifies the trained LeNet-5's digit images as their labels with PyTorch's softmax values", async () => {
    const images = DIGITS.map((c) => fixture(`digits/${c.file}`));
    const { code, out, err } = await cli('run', lenetProject, '--weights', DIGITS_WTS, ...images, '--top', '3');
    expect(err).toBe('');
    expect(code).toBe(0);
    // The exact text: PyTorch's probabilities, to the 6 decimals printed.
    const expected = DIGITS.flatMap((c, i) => {
      const order = [...c.softmax.keys()].sort((a, b) => c.softmax[b]! - c.softmax[a]!).slice(0, 3);
      return [`${images[i]}: prob, top 3`, ...order.map((k) => `  ${String(k).padStart(5)}  ${c.softmax[k]!.toFixed(6)}`)];
    });
    expect(out).toBe(expected.join('\n'));
    expect(DIGITS.every((c, i) => out.split('\n')[i * 4 + 1]!.trim().startsWith(`${c.label} `))).toBe(true);
  });

  it('--json gives every probability to 1e-5 of PyTorch, and --preset mnist is what a 1-channel input gets', async () => {
    const c = DIGITS[3]!;
    const { code, out } = await cli(
      'run',
      lenetProject,
      '--weights',
      DIGITS_WTS,
      '--image',
      fixture(`digits/${c.file}`),
      '--preset',
      'mnist',
      '--top',
      '10',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(out) as {
      samples: { outputs: { name: string; top: { index: number; probability: number }[] }[] }[];
      outputs: { name: string; dims: number[]; values: number[] }[];
    };
    const top = result.samples[0]!.outputs[0]!.top;
    expect(top[0]!.index).toBe(c.label);
    for (const t of top) expect(Math.abs(t.probability - c.softmax[t.index]!)).toBeLessThan(1e-5);
    expect(result.outputs[0]!.dims).toEqual([1, 10]);
    expect(result.outputs[0]!.values.length).toBe(10);
  });

  it('--input .npy reproduces PyTorch (parity.json) and --output-npy writes each output as float32 .npy', async () => {
    const model = PARITY.lenet5!;
    const input = tmp('input.npy');
    await writeFile(input, writeNpy(model.input_shape, formulaInput(model.input_shape)));
    const outDir = tmp('outputs');
    const { code, out } = await cli('run', lenetProject, '--weights', LENET_WTS, '--input', `data=${input}`, '--output-npy', outDir);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe('input.npy: prob, top 5');
    expect(lines.slice(1, 6).map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual(model.top5);
    expect(lines[6]).toBe(`Wrote ${join(outDir, 'prob.npy')}: 'prob' [1, 10] float32.`);
    const saved = readNpy(await readFile(join(outDir, 'prob.npy')), 'prob.npy');
    if (!saved.ok) throw new Error(saved.diagnostics[0]!.message);
    expect(saved.value.shape).toEqual([1, 10]);
    const largest = Math.max(...model.logits.map(Math.abs));
    expect(Math.max(...model.logits.map((v, i) => Math.abs(v - saved.value.data[i]!)))).toBeLessThanOrEqual(1e-4 * largest);
  });

  it('names the classes of a 1000-class output with the ImageNet-1k names, or with --labels', async () => {
    // LeNet-5 with a 1000-class head: the names come from assets/imagenet_classes.txt.
    const doc = buildTemplate('lenet5')!;
    const fc3 = doc.nodes.find((n) => n.name === 'fc3')!;
    fc3.params = { ...fc3.params, outFeatures: 1000 };
    const project = await writeProject('lenet1000', doc);
    const tensors = lenetTensors().map((t) =>
      t.name.startsWith('fc3.') ? { name: t.name, values: formulaTensor(t.name, t.name === 'fc3.weight' ? [1000, 84] : [1000]) } : t,
    );
    const wts = tmp('lenet1000.wts');
    await writeFile(wts, encodeWtsBytes(tensors));
    const image = fixture('digits/digit_00_label2.png');
    const { code, out } = await cli('run', project, '--weights', wts, image, '--top', '3');
    expect(code).toBe(0);
    const names = await loadImagenetLabels();
    const rows = out.split('\n').slice(1);
    expect(rows.length).toBe(3);
    for (const row of rows) {
      const [, index, probability, label] = /^ +(\d+) {2}(\d\.\d{6}) {2}(.+)$/.exec(row)!;
      expect(label).toBe(names[Number(index)]);
      expect(Number(probability)).toBeGreaterThan(0);
    }
    const labels = tmp('digits.txt');
    await writeFile(labels, `${Array.from({ length: 10 }, (_, i) => `digit ${i}`).join('\n')}\n`);
    const named = await cli('run', lenetProject, '--weights', DIGITS_WTS, image, '--top', '1', '--labels', labels);
    expect(named.out).toBe(`${image}: prob, top 1\n      2  ${DIGITS[0]!.softmax[2]!.toFixed(6)}  digit 2`);
  });

  it('exit codes: 2 for a wrong command line or an unreadable image, 1 for a file that is not an image', async () => {
    expect((await cli('run', lenetProject, fixture('digits/digit_00_label2.png'))).code).toBe(2);
    expect((await cli('run', lenetProject, '--weights', LENET_WTS)).code).toBe(2);
    const top = await cli('run', lenetProject, '--weights', LENET_WTS, 'x.png', '--top', '0');
    expect([top.code, top.err.split('\n')[0]]).toEqual([2, "--top must be a positive integer; got '0'."]);
    const preset = await cli('run', lenetProject, '--weights', LENET_WTS, 'x.png', '--preset', 'coco');
    expect([preset.code, preset.err.split('\n')[0]]).toEqual([2, "--preset must be one of imagenet, mnist, letterbox; got 'coco'."]);
    const missing = await cli('run', lenetProject, '--weights', LENET_WTS, tmp('none.png'));
    expect([missing.code, missing.err]).toEqual([2, `error [image.read] Cannot read the image ${tmp('none.png')}: it does not exist.`]);
    const notImage = tmp('notes.png');
    await writeFile(notImage, 'hello');
    const broken = await cli('run', lenetProject, '--weights', LENET_WTS, notImage);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^error \[image\.decode\] .*notes\.png cannot be decoded as an image: /);
  });
});

describe('trt-studio profile', () => {
  it('prints latency statistics and the per-layer table; --json has the same numbers', async () => {
    const { code, out } = await cli('profile', lenetProject, '--weights', LENET_WTS, '--runs', '20', '--warmup', '2');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe('lenet5 on onnxruntime: 20 timed runs after 2 warm-up, batch 1');
    expect(lines[1]).toMatch(/^ {2}latency \(ms\) {2}min [\d.]+ {2}p50 [\d.]+ {2}p90 [\d.]+ {2}p95 [\d.]+ {2}p99 [\d.]+ {2}max [\d.]+ {2}mean [\d.]+$/);
    expect(lines[2]).toMatch(/^ {2}throughput {4}[\d.]+ inferences\/s$/);
    expect(lines[3]).toMatch(/^ {2}layer +node +mean ms +share$/);
    // ORT fuses conv1 with relu1: one row names both layers and both canvas nodes.
    expect(out).toMatch(/\n {2}conv1 \+ relu1 +conv1, relu1 +[\d.]+ +[\d.]+%\n/);
    expect(out).toContain("\n  A row that joins layers with ' + ' is one fused kernel that ran them all; its time is theirs together.");
    // ONNX Runtime's layout conversions are its own work, explained under the table and charged to no node.
    expect(out).toMatch(/\n {2}ReorderOutput( ×\d+)? +\(runtime\) +[\d.]+ +[\d.]+%\n/);
    expect(out).toMatch(
      /\n {2}The runtime's own work, part of no layer:\n {4}ReorderOutput( ×\d+)?: ONNX Runtime converting a tensor back from its blocked NCHWc layout to plain NCHW; the network has no such layer\.(\n|$)/,
    );
    const json = await cli('profile', lenetProject, '--weights', LENET_WTS, '--iterations', '10', '--warmup', '0', '--json');
    const report = JSON.parse(json.out) as {
      latency: { iterations: number; warmup: number; minMs: number; p50Ms: number };
      layers: { layerName: string; nodeName?: string; nodeNames?: string[]; share: number }[];
    };
    expect([report.latency.iterations, report.latency.warmup]).toEqual([10, 0]);
    expect(report.latency.minMs).toBeLessThanOrEqual(report.latency.p50Ms);
    // fc1's MatMul and bias Add ran in one Gemm kernel with relu3, a node of its own.
    const fc1 = report.layers.find((l) => l.layerName.startsWith('fc1.matmul + fc1.add'));
    expect([fc1?.layerName, fc1?.nodeName, fc1?.nodeNames]).toEqual(['fc1.matmul + fc1.add + relu3', 'fc1', ['fc1', 'relu3']]);
    expect(report.layers.reduce((s, l) => s + l.share, 0)).toBeCloseTo(1, 6);
    const bad = await cli('profile', lenetProject, '--weights', LENET_WTS, '--runs', 'many');
    expect([bad.code, bad.err.split('\n')[0]]).toEqual([2, "--runs must be an integer of at least 1; got 'many'."]);
  });
});

describe('trt-studio export', () => {
  it('--wts writes the identical lenet5.wts and --onnx a model that ONNX Runtime runs to PyTorch’s output', async () => {
    const wts = tmp('lenet5-out.wts');
    const onnx = tmp('lenet5.onnx');
    const { code, out } = await cli('export', lenetProject, '--weights', LENET_WTS, '--onnx', onnx, '--wts', wts);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^Wrote ${onnx}: ONNX opset 18, \\d+ bytes\\.\nWrote ${wts}: 10 tensors, 61706 values, 555505 bytes\\.$`));
    expect(Buffer.compare(await readFile(wts), await readFile(LENET_WTS))).toBe(0);
    const session = await ort.InferenceSession.create(onnx);
    const model = PARITY.lenet5!;
    const result = await session.run({ data: new ort.Tensor('float32', formulaInput(model.input_shape), model.input_shape) });
    const prob = result.prob!.data as Float32Array;
    expect(Math.max(...model.logits.map((v, i) => Math.abs(v - prob[i]!)))).toBeLessThan(1e-5);
    await session.release();
  });

  it("exports resnet18's weights byte-identical to gen_wts (num_batches_tracked kept in place); run gives PyTorch's top-5 with ImageNet names", async () => {
    const facts = MODELS.resnet18!;
    const source = tmp('resnet18.wts');
    const fd = openSync(source, 'w');
    const tensors = (function* () {
      for (const [name, shape, dtype] of facts.state_dict) yield { name, values: formulaTensor(name, shape, dtype) };
    })();
    for (const chunk of encodeWts(facts.state_dict.length, tensors, 4 << 20)) writeSync(fd, chunk);
    closeSync(fd);
    const project = await writeProject('resnet18', buildTemplate('resnet18')!);
    const out = tmp('resnet18-out.wts');
    const result = await cli('export', project, '--weights', source, '--wts', out);
    expect(result.code).toBe(0);
    expect(result.out.split('\n')[0]).toBe(
      `Wrote ${out}: 122 tensors, ${facts.state_dict.reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0)} values, ${facts.wts_bytes} bytes.`,
    );
    expect(
      createHash('sha256')
        .update(await readFile(out))
        .digest('hex'),
    ).toBe(facts.wts_sha256);
    await rm(out);

    // The same file runs: PyTorch's top-5 for the formula input, with ImageNet names and softmax probabilities.
    const model = PARITY.resnet18!;
    const input = tmp('resnet18-input.npy');
    await writeFile(input, writeNpy(model.input_shape, formulaInput(model.input_shape)));
    const run = await cli('run', project, '--weights', source, '--input', input);
    expect(run.code).toBe(0);
    const names = await loadImagenetLabels();
    const max = Math.max(...model.logits);
    const exp = model.logits.map((v) => Math.exp(v - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    const rows = run.out.split('\n');
    expect(rows[0]).toBe('resnet18-input.npy: logits, top 5');
    rows.slice(1, 6).forEach((row, i) => {
      const k = model.top5[i]!;
      const [, index, probability, label] = /^ +(\d+) {2}(\d\.\d{6}) {2}(.+)$/.exec(row)!;
      expect([Number(index), label]).toEqual([k, names[k]]);
      expect(Math.abs(Number(probability) - exp[k]! / sum)).toBeLessThan(2e-6);
    });
    await rm(source);
  }, 90_000);

  it('exit 2 without an output, and 1 for a network that does not bind', async () => {
    expect((await cli('export', lenetProject, '--weights', LENET_WTS)).code).toBe(2);
    const resnet = await writeProject('resnet18-empty', buildTemplate('resnet18')!);
    const result = await cli('export', resnet, '--weights', LENET_WTS, '--onnx', tmp('r.onnx'));
    expect(result.code).toBe(1);
    expect(result.err.split('\n')[0]).toBe(
      "error [weights.count] Layer 'conv1' (addConvolutionNd) slot 'kernel' expects 9408 values [64, 3, 7, 7], but the tensor 'conv1.weight' has 150. (node 'conv1', field kernel)",
    );
  });
});
