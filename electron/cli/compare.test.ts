/**
 * `trt-studio compare` and `trt-studio reference-script` on a small GoogLeNet-shaped network whose
 * references are made here on ONNX Runtime (compare-fixture.testing.ts): the exact references pass,
 * a perturbed reference or a changed parameter is named as the first failing layer, and unreadable
 * files exit 2 with a message that names them.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expandComposite } from '../../core/network/edit.js';
import { serializeProject } from '../../core/network/project-file.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { encodeWtsBytes } from '../../core/weights/wts-encoder.js';
import { encodeNpy, float32Bytes } from '../../core/weights/tensor-file-writers.testing.js';
import { REFERENCE_SCRIPT } from '../../core/compare/reference-script.js';
import { writeNpy } from '../services/npy.js';
import { formulaWeights, inputNpy, miniGoogLeNet, moduleOutputs, referenceNpz } from './compare-fixture.testing.js';
import { cli } from './cli-run.testing.js';

let dir = '';
const tmp = (name: string) => join(dir, name);
let project = '';
let weights = '';
let input = '';
let reference = '';
let outputs: Map<string, { dims: number[]; data: Float32Array }>;

/** The rows in topological order: inner layers before the composite they end, the network output last. */
const ORDER = [
  'conv1.conv',
  'conv1.bn',
  'conv1',
  'maxpool1',
  'inception3a.branch1',
  'inception3a.branch2.0.bn',
  'inception3a.branch2.0',
  'inception3a.branch2',
  'inception3a.branch4.0',
  'inception3a',
  'avgpool',
  'logits',
  'fc',
];

async function writeProject(name: string, doc: NetworkDocument): Promise<string> {
  const path = tmp(`${name}.trtstudio`);
  await writeFile(path, serializeProject(doc));
  return path;
}

/** The references with `change` applied to copies of them (plus the key 'dropout', which names no layer). */
async function writeReference(name: string, change: (arrays: Map<string, { dims: number[]; data: Float32Array }>) => void = () => undefined, descr = {}) {
  const arrays = new Map([...outputs].map(([k, v]) => [k, { dims: [...v.dims], data: Float32Array.from(v.data) }]));
  arrays.set('dropout', { dims: [1, 20], data: new Float32Array(20) });
  change(arrays);
  const path = tmp(name);
  await writeFile(path, referenceNpz(arrays, descr));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-cli-compare-'));
  const doc = miniGoogLeNet();
  project = await writeProject('mini', doc);
  weights = tmp('mini.wts');
  await writeFile(weights, encodeWtsBytes(formulaWeights(doc)));
  input = tmp('input.npy');
  await writeFile(input, inputNpy());
  outputs = await moduleOutputs(doc);
  reference = await writeReference('reference.npz');
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trt-studio compare', () => {
  it('passes every layer against references of the same network, in topological order, and lists the key that names no layer; exit 0', async () => {
    const { code, out } = await cli('compare', project, '--weights', weights, '--input', input, '--reference', reference);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^layer\s+reference\s+max abs error\s+rel error\s+cosine\s+result$/);
    expect(lines.slice(1, 1 + ORDER.length).map((l) => l.split(/\s+/)[0])).toEqual(ORDER);
    expect(lines.slice(1, 1 + ORDER.length).every((l) => l.endsWith('pass'))).toBe(true);
    expect(lines.slice(-2)).toEqual([
      `All ${ORDER.length} compared layers pass (tolerance 0.0001 of each reference's largest value).`,
      '1 reference key(s) name no layer of the network and were not compared: dropout.',
    ]);
  }, 60_000);

  it('--json prints exactly one object: firstFailing null and the six fields of every row', async () => {
    const { code, out } = await cli('compare', project, '--weights', weights, '--input', input, '--reference', reference, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as { firstFailing: string | null; layers: Record<string, unknown>[] };
    expect(Object.keys(report)).toEqual(['firstFailing', 'layers']);
    expect(report.firstFailing).toBeNull();
    expect(report.layers.map((l) => l.layer)).toEqual(ORDER);
    expect(report.layers.find((l) => l.layer === 'logits')!.reference).toBe('output');
    for (const l of report.layers) {
      expect(Object.keys(l)).toEqual(['layer', 'reference', 'maxAbsError', 'relError', 'cosine', 'pass']);
      expect(l.pass).toBe(true);
      expect(l.maxAbsError).toBe(0);
      expect(l.cosine).toBeCloseTo(1, 6);
    }
  }, 60_000);

  it('names exactly the layer whose reference was perturbed; only that row fails; exit 1', async () => {
    const perturbed = await writeReference('perturbed.npz', (arrays) => {
      const bn = arrays.get('inception3a.branch2.0.bn')!;
      bn.data[5] = bn.data[5]! + 0.01;
    });
    const { code, out } = await cli('compare', project, '--weights', weights, '--input', input, '--reference', perturbed, '--json');
    expect(code).toBe(1);
    const report = JSON.parse(out) as { firstFailing: string | null; layers: { layer: string; pass: boolean; maxAbsError: number }[] };
    expect(report.firstFailing).toBe('inception3a.branch2.0.bn');
    expect(report.layers.filter((l) => !l.pass).map((l) => l.layer)).toEqual(['inception3a.branch2.0.bn']);
    expect(report.layers.find((l) => !l.pass)!.maxAbsError).toBeCloseTo(0.01, 6);
  }, 60_000);

  it('names the BatchNorm whose ε was changed inside an expanded Inception as the first failing layer, with the table', async () => {
    const expanded = expandComposite(miniGoogLeNet(), 'n3');
    if (!expanded.ok) throw new Error(expanded.diagnostics[0]!.message);
    const doc = expanded.value.doc;
    const block = doc.nodes.find((n) => n.name === 'inception3a.branch2.0')!;
    expect(block.type).toBe('BasicConv2d');
    block.params = { ...block.params, eps: 0.1 };
    const changed = await writeProject('wrong-eps', doc);
    const { code, out } = await cli('compare', changed, '--weights', weights, '--input', input, '--reference', reference);
    expect(code).toBe(1);
    const lines = out.split('\n');
    const failing = lines.filter((l) => /FAIL$/.test(l)).map((l) => l.split(/\s+/)[0]);
    expect(failing.slice(0, 3)).toEqual(['inception3a.branch2.0.bn', 'inception3a.branch2.0', 'inception3a.branch2']);
    expect(failing).not.toContain('inception3a.branch1');
    expect(lines.at(-2)).toMatch(
      /^First failing layer: inception3a\.branch2\.0\.bn \(\d+ of 13 layers fail at tolerance 0\.0001 of each reference's largest value\)\.$/,
    );
  }, 60_000);

  it('a reference of another shape is a failing row with a note, not an error', async () => {
    const reshaped = await writeReference('reshaped.npz', (arrays) => arrays.set('avgpool', { dims: [1, 10], data: new Float32Array(10) }));
    const { code, out } = await cli('compare', project, '--weights', weights, '--input', input, '--reference', reshaped);
    expect(code).toBe(1);
    const row = out.split('\n').find((l) => l.startsWith('avgpool '))!;
    expect(row).toMatch(/^avgpool\s+avgpool\s+—\s+—\s+—\s+FAIL {2}The shapes differ: the network gives \[1, 20, 1, 1\], the reference holds \[1, 10\]\.$/);
    expect(out).toContain('First failing layer: avgpool (1 of 13 layers fail');
  }, 60_000);

  it('reads a folder of .npy files as well', async () => {
    const folder = tmp('npy-folder');
    await mkdir(folder);
    for (const [key, a] of outputs) await writeFile(join(folder, `${key}.npy`), writeNpy(a.dims, a.data));
    const { code, out } = await cli('compare', project, '--weights', weights, '--input', input, '--reference', folder, '--json');
    expect(code).toBe(0);
    expect((JSON.parse(out) as { layers: { layer: string }[] }).layers.map((l) => l.layer)).toEqual(ORDER);
  }, 60_000);

  it('exit 2 when the reference is missing, naming the file', async () => {
    const missing = tmp('missing.npz');
    const { code, err } = await cli('compare', project, '--weights', weights, '--input', input, '--reference', missing);
    expect(code).toBe(2);
    expect(err).toBe(`error [compare.reference.read] Cannot read the reference ${missing}: it does not exist.`);
  });

  it('exit 2 when a reference key is not float32, naming the file and the key', async () => {
    const doubles = await writeReference('doubles.npz', () => undefined, { 'conv1.bn': '<f8' });
    const { code, err } = await cli('compare', project, '--weights', weights, '--input', input, '--reference', doubles);
    expect(code).toBe(2);
    expect(err).toBe(
      `error [compare.reference.dtype] The reference 'conv1.bn' in ${doubles} is '<f8', not float32 ('<f4'); save every activation as float32 (tensor.float().numpy()).`,
    );
  }, 60_000);

  it('exit 2 when an array of a reference folder cannot be read, naming its file', async () => {
    const broken = tmp('broken');
    await mkdir(broken);
    await writeFile(join(broken, 'conv1.npy'), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    const { code, err } = await cli('compare', project, '--weights', weights, '--input', input, '--reference', broken);
    expect(code).toBe(2);
    expect(err).toBe(`error [compare.reference.read] '${join(broken, 'conv1.npy')}' is not a .npy array: it does not start with the \\x93NUMPY magic.`);
  });

  it('exit 2 when the input cannot be read or has another shape, naming the file', async () => {
    const missing = await cli('compare', project, '--weights', weights, '--input', tmp('nope.npy'), '--reference', reference);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`error [npy.read] Cannot read ${tmp('nope.npy')}: it does not exist.`);
    const big = tmp('big.npy');
    await writeFile(big, encodeNpy('<f4', [1, 3, 32, 32], float32Bytes(new Float32Array(3 * 32 * 32))));
    const wrong = await cli('compare', project, '--weights', weights, '--input', big, '--reference', reference);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toBe(
      "error [compare.input.shape] The input big.npy has the shape [1, 3, 32, 32], but the network's input 'data' is [1, 3, 16, 16]; set the input's dims to the reference's.",
    );
  });

  it('exit 2 on a wrong command line', async () => {
    const none = await cli('compare', project, '--weights', weights, '--input', input);
    expect(none.code).toBe(2);
    expect(none.err.split('\n')[0]).toBe('Expected either --reference ref.npz or --against BACKEND.');
    const tolerance = await cli('compare', project, '--weights', weights, '--input', input, '--reference', reference, '--tolerance', 'x');
    expect(tolerance.code).toBe(2);
    expect(tolerance.err.split('\n')[0]).toBe("--tolerance must be a number above 0 and at most 1; got 'x'.");
  });
});

describe('trt-studio compare --against tensorrt without TensorRT', () => {
  const saved = process.env['TRT_STUDIO_ADDON_DIR'];
  afterEach(() => {
    if (saved === undefined) delete process.env['TRT_STUDIO_ADDON_DIR'];
    else process.env['TRT_STUDIO_ADDON_DIR'] = saved;
  });

  it('says why TensorRT cannot take part (the reason host.capabilities gives) and exits 2', async () => {
    process.env['TRT_STUDIO_ADDON_DIR'] = tmp('no-addon');
    const { code, err } = await cli('compare', project, '--weights', weights, '--input', input, '--against', 'tensorrt');
    expect(code).toBe(2);
    expect(err.split('\n')[0]).toBe(
      `error [tensorrt.unavailable] TensorRT cannot take part in this comparison: TensorRT is not available: the native addon is not built (${join(tmp('no-addon'), 'trt_studio.node')} is missing). No build was recorded.`,
    );
  }, 30_000);
});

describe('trt-studio reference-script', () => {
  it('prints the PyTorch snippet: hooks on every named module, copied outputs, the result as output and the input as .npy', async () => {
    const { code, out } = await cli('reference-script');
    expect(code).toBe(0);
    expect(out).toBe(REFERENCE_SCRIPT.trimEnd());
    expect(out).toContain('np.save(input_path, x.detach().float().cpu().numpy())');
  });

  it('saves outputs as bench/compare_reference.py does, which makes the PyTorch fixtures', async () => {
    const bench = await readFile(new URL('../../bench/compare_reference.py', import.meta.url), 'utf8');
    for (const line of [
      'if torch.is_tensor(output):',
      'outputs[name] = output.detach().float().cpu().numpy().copy()',
      'handles = [m.register_forward_hook(hook(n)) for n, m in model.named_modules() if n]',
      '(x).detach().float().cpu().numpy().copy()',
      'np.savez(',
    ]) {
      expect(REFERENCE_SCRIPT).toContain(line);
      expect(bench).toContain(line);
    }
  });
});
