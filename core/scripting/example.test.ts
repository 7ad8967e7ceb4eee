/**
 * The scripting example runs on plain Node against the package's own entry (`import … from
 * 'trt-studio'`, package.json `exports` → dist/trt-studio.mjs, bundled here first), and its project
 * loads, passes the network check, binds tensorrtx's LeNet-5 weights by name and lowers.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkNetwork } from '../check/check-network.js';
import { lowerToProgram } from '../lower/lower.js';
import { parseProject } from '../network/project-file.js';
import { buildTemplate } from '../templates/index.js';
import { bindWeights } from '../weights/binding.js';
import { decodeWts } from '../weights/wts-decoder.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-example-'));
  const bundle = "const m = await import('./electron/build.mjs'); await m.buildEntry(m.ENTRIES.find((e) => e.out === 'trt-studio'));";
  await run(process.execPath, ['--input-type=module', '-e', bundle], { cwd: ROOT });
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('examples/lenet5.mjs', () => {
  it("writes a project that loads, checks, binds every tensor of tensorrtx's LeNet-5 and lowers", async () => {
    const path = join(dir, 'lenet5.trtstudio');
    const { stdout } = await run(process.execPath, ['examples/lenet5.mjs', path], { cwd: ROOT });
    expect(stdout).toBe(`Wrote ${path}: 12 layers.\n`);

    const parsed = parseProject(await readFile(path, 'utf8'), 'lenet5.trtstudio');
    if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
    const doc = parsed.value;
    expect(checkNetwork(doc).diagnostics).toEqual([]);
    // The same layers, names and parameters as the built-in template.
    const layers = (d: typeof doc) => d.nodes.map((n) => ({ type: n.type, name: n.name, params: n.params }));
    expect(layers(doc)).toEqual(layers(buildTemplate('lenet5')!));

    const wts = decodeWts(new Uint8Array(await readFile(join(ROOT, 'fixtures/lenet5.wts'))), { fileName: 'lenet5.wts' });
    if (!wts.ok) throw new Error(wts.diagnostic.message);
    const bound = bindWeights(
      doc,
      wts.tensors.map((t) => ({ name: t.name, count: t.values.length })),
      checkNetwork(doc).shapes,
    );
    expect(bound.report.slots.filter((s) => s.status !== 'bound')).toEqual([]);
    expect(bound.report.unused).toEqual([]);
    const values = new Map(wts.tensors.map((t) => [t.name, t.values]));
    const lowered = lowerToProgram(bound.doc, (name) => values.get(name));
    const linear = (fc: string) => [`${fc}.flatten`, `${fc}.weight`, `${fc}.matmul`, `${fc}.bias`, `${fc}.add`];
    expect(lowered.ok && lowered.value.program.ops.map((op) => op.layerName)).toEqual([
      ...['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2'],
      ...linear('fc1'),
      'relu3',
      ...linear('fc2'),
      'relu4',
      ...linear('fc3'),
      'softmax',
    ]);
  });
});
