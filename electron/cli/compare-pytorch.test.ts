/**
 * `trt-studio compare` against real PyTorch activations: torchvision's googlenet and efficientnet_b0
 * with the fixtures' formula weights on the formula input [1, 3, 64, 64], every module's output saved
 * by bench/compare_reference.py (the hooks `trt-studio reference-script` prints) into
 * fixtures/compare/<model>.reference.npz beside <model>.input.npy. The templates as they are pass
 * everywhere; a BatchNorm ε planted wrong in one GoogLeNet block, or HardSigmoid in place of Sigmoid
 * in one squeeze-and-excitation, is named as the first failing layer.
 *
 * The fixtures are made on a machine with PyTorch; until they are here the tests are skipped and
 * name the missing files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReferenceNpz } from '../../core/compare/references.js';
import { expandComposite } from '../../core/network/edit.js';
import { serializeProject } from '../../core/network/project-file.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { buildTemplate } from '../../core/templates/index.js';
import { TORCHVISION_SOURCE_STATE_DICTS } from '../../core/templates/torchvision-state-dicts.js';
import type { StateDictEntry } from '../../core/weights/formula.js';
import { encodeSafetensors, formulaSafetensors } from '../../core/weights/tensor-file-writers.testing.js';
import { runCli } from './main.js';

const FIXTURES = new URL('../../fixtures/compare/', import.meta.url).pathname;
const INPUT_SHAPE = [1, 3, 64, 64];
const MODELS = ['googlenet', 'efficientnet_b0'] as const;
type Model = (typeof MODELS)[number];

const files = (model: Model) => ({ input: join(FIXTURES, `${model}.input.npy`), reference: join(FIXTURES, `${model}.reference.npz`) });
const missing = MODELS.flatMap((m) => Object.values(files(m))).filter((f) => !existsSync(f));

interface JsonReport {
  firstFailing: string | null;
  layers: { layer: string; reference: string; maxAbsError: number; relError: number; cosine: number; pass: boolean }[];
}

const LISTED = JSON.parse(readFileSync(new URL('../../fixtures/models.json', import.meta.url), 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>;

/** The model's state_dict names, shapes and dtypes, as the torchvision parity tests take them. */
function stateDict(model: Model): StateDictEntry[] {
  const entries = LISTED[model]?.state_dict ?? TORCHVISION_SOURCE_STATE_DICTS[model];
  if (!entries) throw new Error(`No state_dict is listed for '${model}'.`);
  return entries;
}

let dir = '';
const weights = new Map<Model, string>();

/** The template at the fixtures' input size; `plant` changes one thing in it. */
async function project(model: Model, name: string, plant: (doc: NetworkDocument) => NetworkDocument = (d) => d): Promise<string> {
  const doc = buildTemplate(model)!;
  doc.inputs[0]!.dims = [...INPUT_SHAPE];
  const path = join(dir, `${name}.trtstudio`);
  await writeFile(path, serializeProject(plant(doc)));
  return path;
}

/** Expand the composite named `name` in place (its inner layers become canvas nodes named `<name>.<inner>`). */
function expand(doc: NetworkDocument, name: string): NetworkDocument {
  const node = doc.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`No layer '${name}'.`);
  const expanded = expandComposite(doc, node.id);
  if (!expanded.ok) throw new Error(expanded.diagnostics[0]!.message);
  return expanded.value.doc;
}

function setParam(doc: NetworkDocument, name: string, param: string, value: string | number): NetworkDocument {
  const node = doc.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`No layer '${name}'; the layers are ${doc.nodes.map((n) => n.name).join(', ')}.`);
  node.params = { ...node.params, [param]: value };
  return doc;
}

async function compare(model: Model, projectPath: string): Promise<{ code: number; report: JsonReport; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { input, reference } = files(model);
  const code = await runCli(['compare', projectPath, '--weights', weights.get(model)!, '--input', input, '--reference', reference, '--json'], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, report: (out.length > 0 ? JSON.parse(out.join('\n')) : { firstFailing: null, layers: [] }) as JsonReport, err: err.join('\n') };
}

describe.skipIf(missing.length > 0)(
  `compare against PyTorch references${missing.length > 0 ? ` (skipped: ${missing.map((f) => f.slice(FIXTURES.length)).join(', ')} missing in fixtures/compare; bench/compare_reference.py makes them)` : ''}`,
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'trt-compare-pytorch-'));
      for (const model of MODELS) {
        const path = join(dir, `${model}.safetensors`);
        await writeFile(path, encodeSafetensors(formulaSafetensors(stateDict(model))));
        weights.set(model, path);
      }
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('the references hold each module’s output as it left the module (saved before a later in-place op changed it)', async () => {
      const zlib = {
        inflateRaw: async function* (chunks: AsyncIterable<Uint8Array>) {
          const parts: Uint8Array[] = [];
          for await (const c of chunks) parts.push(c);
          yield new Uint8Array(inflateRawSync(Buffer.concat(parts)));
        },
        crc32: (b: Uint8Array, c: number) => crc32(b, c),
      };
      const read = async (model: Model) => {
        const path = files(model).reference;
        const refs = await readReferenceNpz(new Uint8Array(await readFile(path)), path, zlib);
        if (!refs.ok) throw new Error(refs.diagnostics[0]!.message);
        return refs.value;
      };
      // GoogLeNet's BasicConv2d applies ReLU in place after bn; EfficientNet's SiLU is in place too. An
      // array saved before that op must hold its own values, or be absent (the files made before the
      // script copied each output were repaired by bench/compare_fixture_repair.py, which drops them).
      const google = await read('googlenet');
      const bn = google.get('conv1.bn');
      if (bn)
        expect(
          bn.data.some((v) => v < 0),
          'conv1.bn holds no negative value: it was saved after the in-place ReLU',
        ).toBe(true);
      const efficient = await read('efficientnet_b0');
      const norm = efficient.get('features.0.1');
      const silu = efficient.get('features.0.2')!.data;
      if (norm)
        expect(
          norm.data.some((v, i) => v !== silu[i]),
          'features.0.1 equals features.0.2: saved after the in-place SiLU',
        ).toBe(true);
      // What stays covers every kind of layer: a convolution, a SiLU, a squeeze-and-excitation's scale, an Inception.
      for (const key of ['conv1.conv', 'conv1', 'inception4c.branch2.0.conv', 'inception4c', 'output']) expect(google.has(key), key).toBe(true);
      for (const key of ['features.0.0', 'features.0.2', 'features.3.0.block.2.scale_activation', 'features.3.0', 'output'])
        expect(efficient.has(key), key).toBe(true);
    });

    it('googlenet as the template builds it passes everywhere', { timeout: 180_000 }, async () => {
      const { code, report, err } = await compare('googlenet', await project('googlenet', 'googlenet'));
      expect(err).toBe('');
      expect(report.layers.filter((l) => !l.pass).map((l) => `${l.layer}: rel ${l.relError}`)).toEqual([]);
      expect(report.firstFailing).toBeNull();
      expect(code).toBe(0);
      // Composite instances, their inner layers and the logits are all compared.
      const layers = report.layers.map((l) => l.layer);
      for (const name of ['conv1.conv', 'conv1', 'inception4c.branch2.0.conv', 'inception4c.branch2.0', 'inception4c.branch2', 'inception4c', 'fc', 'logits'])
        expect(layers).toContain(name);
    });

    it('googlenet with a wrong BatchNorm ε in inception4c’s branch2: its block is the first failing layer', { timeout: 180_000 }, async () => {
      const path = await project('googlenet', 'googlenet-eps', (doc) => setParam(expand(doc, 'inception4c'), 'inception4c.branch2.0', 'eps', 0.1));
      const { code, report } = await compare('googlenet', path);
      expect(code).toBe(1);
      // With every `.bn` output in the references (remade by bench/compare_reference.py) the BatchNorm
      // itself comes first; the repaired files name the BasicConv2d that holds it, whose conv passes.
      const expected = report.layers.some((l) => l.layer === 'inception4c.branch2.0.bn') ? 'inception4c.branch2.0.bn' : 'inception4c.branch2.0';
      expect(report.firstFailing).toBe(expected);
      expect(report.layers.find((l) => l.layer === 'inception4c.branch2.0.conv')!.pass).toBe(true);
      // Everything before it in topological order passes.
      const first = report.layers.findIndex((l) => !l.pass);
      expect(report.layers[first]!.layer).toBe(expected);
      expect(report.layers.slice(0, first).every((l) => l.pass)).toBe(true);
    });

    it('efficientnet_b0 passes everywhere', { timeout: 180_000 }, async () => {
      const { code, report, err } = await compare('efficientnet_b0', await project('efficientnet_b0', 'efficientnet'));
      expect(err).toBe('');
      expect(report.layers.filter((l) => !l.pass).map((l) => `${l.layer}: rel ${l.relError}`)).toEqual([]);
      expect(code).toBe(0);
      const layers = report.layers.map((l) => l.layer);
      for (const name of ['features.0.0', 'features.0.2', 'features.3.0.block.2.scale_activation', 'features.3.0', 'logits']) expect(layers).toContain(name);
    });

    it(
      'efficientnet_b0 with HardSigmoid in place of Sigmoid in one squeeze-and-excitation: its scale_activation is the first failing layer',
      { timeout: 180_000 },
      async () => {
        const path = await project('efficientnet_b0', 'efficientnet-hardsigmoid', (doc) =>
          setParam(expand(doc, 'features.3.0'), 'features.3.0.block.2', 'scaleActivation', 'HARDSIGMOID'),
        );
        const { code, report } = await compare('efficientnet_b0', path);
        expect(code).toBe(1);
        expect(report.firstFailing).toBe('features.3.0.block.2.scale_activation');
        const first = report.layers.findIndex((l) => !l.pass);
        expect(report.layers.slice(0, first).every((l) => l.pass)).toBe(true);
      },
    );
  },
);
