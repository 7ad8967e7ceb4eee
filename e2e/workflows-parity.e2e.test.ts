/**
 * Parity stories in the UI, in Debian's Chromium against the real web host (reference runtime):
 * LeNet-5 built by hand from the palette and the inspector, with the lenet5 fixture .wts and the
 * formula input as .npy, shows PyTorch's output values in the output inspector; the export menu hands
 * the written ONNX file to the browser (GET /api/download); ResNet-18 from its template with its
 * regenerated .wts shows PyTorch's top-5 for the formula input; a long run is cancelled midway and the
 * engine runs again afterwards.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { formulaInput, formulaTensor, type StateDictEntry } from '../core/weights/formula.js';
import { encodeWts } from '../core/weights/wts-encoder.js';
import { readNpy, writeNpy } from '../electron/services/npy.js';
import {
  browseToRoot,
  dismissRecoveryOffers,
  documentOf,
  dragFromPalette,
  dragWire,
  launchBrowser,
  nodeLocator,
  openEditor,
  screenshot,
  setField,
} from './editor-page.js';

const url = inject('editorUrl');
const workDir = inject('workDir');

interface ParityModel {
  input_shape: number[];
  top5: number[];
  logits: number[];
  state_dict: StateDictEntry[];
}
const parity = (JSON.parse(readFileSync('fixtures/parity.json', 'utf8')) as { models: Record<string, ParityModel> }).models;

let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  copyFileSync('fixtures/lenet5.wts', join(workDir, 'lenet5.wts'));
  writeFileSync(join(workDir, 'lenet5-input.npy'), writeNpy(parity.lenet5!.input_shape, formulaInput(parity.lenet5!.input_shape)));
  writeFileSync(join(workDir, 'resnet18-input.npy'), writeNpy(parity.resnet18!.input_shape, formulaInput(parity.resnet18!.input_shape)));
  browser = await launchBrowser();
  ({ page, pageErrors } = await openEditor(browser, url));
});
afterAll(async () => {
  await browser?.close();
});

async function browseWorkDir(): Promise<void> {
  await browseToRoot(page, workDir);
}

/** The run panel's test inputs: a .npy sent from "this computer" through the file browser's upload. */
async function chooseNpy(file: string): Promise<void> {
  await page.click('[data-testid=run-choose]');
  await page.waitForSelector('[data-testid=file-browser]');
  await page.setInputFiles('[data-testid=file-browser-upload]', join(workDir, file));
  await expect.poll(() => page.locator('[data-testid=run-image]').count(), { timeout: 20_000 }).toBe(1);
}

/**
 * The values the output inspector shows for the first result: as printed (4 significant digits)
 * and in full from each value's tooltip (`[i] value`).
 */
async function shownOutputValues(): Promise<{ printed: number[]; full: number[] }> {
  const result = page.locator('[data-testid=run-result]').first();
  await result.locator('button', { hasText: 'Outputs' }).click();
  const values = result.locator('[data-testid=output-inspector] [data-testid=output-value]');
  const titles = await values.evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
  return { printed: (await values.allTextContents()).map(Number), full: titles.map((t) => Number(t.split(' ')[1])) };
}

/** The class indices of the first result's top-5, in order (from each label's tooltip). */
async function shownTop5(): Promise<number[]> {
  const titles = await page
    .locator('[data-testid=run-result]')
    .first()
    .locator('.wf-top-label')
    .evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
  return titles.map((t) => Number(/\(index (\d+)\)$/.exec(t)?.[1]));
}

async function build(timeout: number): Promise<void> {
  await page.click('[data-testid=dock-tab-build]');
  const before = await page.locator('[data-testid=build-history] tbody tr').count();
  await page.click('[data-testid=build-start]');
  await expect.poll(() => page.locator('[data-testid=build-history] tbody tr').count(), { timeout }).toBe(before + 1);
  await page.waitForSelector('[data-testid=build-result]', { timeout });
}

describe('LeNet-5 built by hand gives PyTorch’s output', () => {
  it('builds LeNet-5 from the palette and the inspector, layer by layer, with tensorrtx’s names', async () => {
    await dismissRecoveryOffers(page);
    expect((await documentOf(page)).nodes).toHaveLength(0);
    const pane = (await page.locator('[data-testid=canvas]').boundingBox())!;
    // A snake of four columns, so every layer and its ports stay in view at zoom 1.
    const columns = 4;
    const dx = Math.min(250, (pane.width - 160) / (columns - 1));
    const at = (i: number) => ({ x: 90 + (i % columns) * dx, y: 60 + Math.floor(i / columns) * 105 });

    await dragFromPalette(page, 'Input', at(0));
    await expect.poll(async () => (await documentOf(page)).inputs.map((i) => i.name)).toEqual(['data']);
    await page.locator('[data-testid=input-node][data-name=data]').click();
    await setField(page, 'dims', '1, 1, 32, 32');
    await expect.poll(async () => (await documentOf(page)).inputs[0]!.dims).toEqual([1, 1, 32, 32]);

    /** Drag a layer from the palette, name it in the inspector, set its parameters, and wire `from` into it. */
    const layers: [type: string, name: string, fields: Record<string, string>, selects: Record<string, string>][] = [
      ['addConvolutionNd', 'conv1', { nbOutputMaps: '6', kernelSize: '5, 5' }, {}],
      ['addActivation', 'relu1', {}, { type: 'RELU' }],
      ['addPoolingNd', 'pool1', { windowSize: '2, 2', stride: '2, 2' }, { type: 'AVERAGE' }],
      ['addConvolutionNd', 'conv2', { nbOutputMaps: '16', kernelSize: '5, 5' }, {}],
      ['addActivation', 'relu2', {}, { type: 'RELU' }],
      ['addPoolingNd', 'pool2', { windowSize: '2, 2', stride: '2, 2' }, { type: 'AVERAGE' }],
      ['Linear', 'fc1', { inFeatures: '400', outFeatures: '120' }, {}],
      ['addActivation', 'relu3', {}, { type: 'RELU' }],
      ['Linear', 'fc2', { inFeatures: '120', outFeatures: '84' }, {}],
      ['addActivation', 'relu4', {}, { type: 'RELU' }],
      ['Linear', 'fc3', { inFeatures: '84', outFeatures: '10' }, {}],
      ['addSoftMax', 'softmax', { axes: '1' }, {}],
    ];
    let from = 'data';
    for (const [i, [type, name, fields, selects]] of layers.entries()) {
      const defaultName = type === 'Linear' ? 'linear' : type.slice(3).replace(/Nd$/, '').toLowerCase();
      await dragFromPalette(page, type, at(i + 1));
      await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(i + 1);
      await nodeLocator(page, defaultName).click();
      await setField(page, 'name', name);
      await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.name)).toContain(name);
      for (const [param, value] of Object.entries(fields)) await setField(page, param, value);
      for (const [param, value] of Object.entries(selects)) await page.selectOption(`[data-testid="param-${param}"]`, value);
      await dragWire(page, { node: from, port: 'output' }, { node: name, port: 'input' });
      await expect.poll(async () => (await documentOf(page)).edges.length).toBe(i + 1);
      from = name;
    }
    await nodeLocator(page, 'softmax').click();
    await page.locator('[data-testid=inspector] button', { hasText: 'mark output' }).click();
    const doc = await documentOf(page);
    expect(doc.outputs).toHaveLength(1);
    expect(doc.nodes.map((n) => n.name)).toEqual(layers.map((l) => l[1]));
    const byName = (name: string) => doc.nodes.find((n) => n.name === name)!;
    expect(byName('conv2').params).toMatchObject({ nbOutputMaps: 16, kernelSize: [5, 5], stride: [1, 1], prePadding: [0, 0] });
    expect(byName('pool1').params).toMatchObject({ type: 'AVERAGE', windowSize: [2, 2], stride: [2, 2] });
    expect(byName('fc1').params).toMatchObject({ inFeatures: 400, outFeatures: 120, bias: true });
    // Every wire shows the dims PyTorch's LeNet-5 has there.
    const fc1In = doc.edges.find((e) => e.to.node === byName('fc1').id)!;
    await expect.poll(() => page.locator(`[data-testid=wire-label][data-edge="${fc1In.id}"]`).textContent()).toBe('[1, 16, 5, 5]');
    await screenshot(page, 'parity-01-lenet5-by-hand');
  }, 240_000);

  it('binds the lenet5 fixture .wts by name with one click', async () => {
    await page.click('[data-testid=dock-tab-weights]');
    await page.click('[data-testid=weights-import]');
    await browseWorkDir();
    await page.click('[data-testid=file-browser-entry][data-name="lenet5.wts"]');
    await expect.poll(() => page.locator('[data-testid=weights-row]').count(), { timeout: 20_000 }).toBe(10);
    await page.click('[data-testid=weights-automap]');
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent()).toMatch(/^10 of 10 tensors bound/);
    await expect.poll(() => page.locator('[data-testid=weight-chip].weight-chip-ok').count()).toBe(5);
    await screenshot(page, 'parity-02-lenet5-weights');
  });

  it('builds, runs the formula input (.npy) and shows the fixture’s output values', async () => {
    await build(60_000);
    await page.click('[data-testid=dock-tab-run]');
    await chooseNpy('lenet5-input.npy');
    await page.click('[data-testid=run-start]');
    await page.waitForSelector('[data-testid=run-result]', { timeout: 60_000 });
    const expected = parity.lenet5!.logits;
    const { printed, full } = await shownOutputValues();
    expect(full).toHaveLength(expected.length);
    const tolerance = 1e-4 * Math.max(...expected.map(Math.abs));
    for (const [i, v] of expected.entries()) {
      expect(Math.abs(full[i]! - v), `output [${i}]: ${full[i]} in the tooltip, PyTorch ${v}`).toBeLessThanOrEqual(tolerance);
      // The printed value is PyTorch's to its 4 significant digits.
      const digit = 10 ** (Math.floor(Math.log10(Math.abs(v))) - 3);
      expect(Math.abs(printed[i]! - v), `output [${i}]: ${printed[i]} printed, PyTorch ${v}`).toBeLessThanOrEqual(tolerance + digit / 2);
    }
    expect(await shownTop5()).toEqual(parity.lenet5!.top5);
    await screenshot(page, 'parity-03-lenet5-output');
    expect(pageErrors).toEqual([]);
  });

  it('exports ONNX and downloads it through the page (browser mode)', async () => {
    const file = join(workDir, 'lenet5-by-hand.onnx');
    await page.click('[data-testid=export-menu]');
    await page.click('[data-testid=export-onnx]');
    await browseWorkDir();
    await page.fill('[data-testid=file-browser-name]', 'lenet5-by-hand.onnx');
    await page.click('[data-testid=file-browser-ok]');
    const link = page.locator('[data-testid=export-download]');
    await link.waitFor({ timeout: 30_000 });
    expect(await link.textContent()).toBe('⤓ Download lenet5-by-hand.onnx');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('lenet5-by-hand.onnx');
    const bytes = readFileSync((await download.path())!);
    // An ONNX ModelProto starts with field 1 (ir_version, varint).
    expect(bytes[0]).toBe(0x08);
    expect(bytes.equals(readFileSync(file))).toBe(true);
    await screenshot(page, 'parity-04-export-download');
    expect(pageErrors).toEqual([]);
  });

  it('saves the outputs as .npy into a folder on the host and downloads one through the page', async () => {
    await page.click('[data-testid=dock-tab-run]');
    await page.click('[data-testid=run-save-outputs]');
    await browseWorkDir();
    await page.click('[data-testid=file-browser-folder]');
    expect(await page.locator('[data-testid=run-npy-dir] .mono').textContent()).toBe(workDir);
    // The run on screen is the one whose outputs are saved, as it is shown: no second click on Run.
    await expect.poll(() => existsSync(join(workDir, 'lenet5-input.output.npy'))).toBe(true);
    expect(await page.locator('[data-testid=run-result]').count()).toBe(1);
    const result = page.locator('[data-testid=run-result]').first();
    // Its outputs may still be open from before; they now name the file they were saved to.
    if ((await result.locator('[data-testid=output-inspector]').count()) === 0) await result.locator('button', { hasText: /^Outputs$/ }).click();
    await expect.poll(() => result.locator('[data-testid=output-npy]').textContent()).toBe('lenet5-input.output.npy');
    const saved = join(workDir, 'lenet5-input.output.npy');
    const [download] = await Promise.all([page.waitForEvent('download'), result.locator('[data-testid=output-download]').click()]);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.equals(readFileSync(saved))).toBe(true);
    const array = readNpy(bytes, 'download');
    if (!array.ok) throw new Error(array.diagnostics[0]!.message);
    expect(array.value.shape).toEqual([1, 10]);
    const expected = parity.lenet5!.logits;
    const tolerance = 1e-4 * Math.max(...expected.map(Math.abs));
    for (const [i, v] of expected.entries()) expect(Math.abs(array.value.data[i]! - v)).toBeLessThanOrEqual(tolerance);
    await screenshot(page, 'parity-04b-output-download');
    await page.locator('[data-testid=run-npy-dir] button').click();
    expect(await page.locator('[data-testid=run-save-outputs]').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});

describe('ResNet-18 from its template gives PyTorch’s top-5; a long run cancels', () => {
  it('imports the regenerated ResNet-18 .wts, builds, and shows PyTorch’s top-5 for the formula input in order', async () => {
    const entries = parity.resnet18!.state_dict;
    const fd = openSync(join(workDir, 'resnet18-parity.wts'), 'w');
    const tensors = (function* () {
      for (const [name, shape, dtype] of entries) yield { name, values: formulaTensor(name, shape, dtype) };
    })();
    for (const chunk of encodeWts(entries.length, tensors, 4 << 20)) writeSync(fd, chunk);
    closeSync(fd);

    await page.click('[data-testid=btn-templates]');
    await page.click('[data-testid=template-resnet18]');
    const discard = page.locator('[data-testid=confirm-discard]');
    await discard.waitFor({ timeout: 1_500 }).then(
      () => discard.click(),
      () => undefined,
    );
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.name), { timeout: 20_000 }).toContain('fc');
    // The last export's download belonged to the network before.
    expect(await page.locator('[data-testid=export-download]').count()).toBe(0);
    await page.click('[data-testid=dock-tab-weights]');
    await page.click('[data-testid=weights-import]');
    await browseWorkDir();
    await page.click('[data-testid=file-browser-entry][data-name="resnet18-parity.wts"]');
    await expect.poll(() => page.locator('[data-testid=weights-row]').count(), { timeout: 60_000 }).toBe(entries.length);
    await page.click('[data-testid=weights-automap]');
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent()).toMatch(/^\d+ of \d+ tensors bound/);
    expect(await page.locator('[data-testid=mapping-problems]').count()).toBe(0);
    await build(90_000);

    await page.click('[data-testid=dock-tab-run]');
    await page.locator('[data-testid=run-panel] button', { hasText: 'Clear' }).click();
    await chooseNpy('resnet18-input.npy');
    await page.click('[data-testid=run-start]');
    await page.waitForSelector('[data-testid=run-result]', { timeout: 60_000 });
    expect(await shownTop5()).toEqual(parity.resnet18!.top5);
    await screenshot(page, 'parity-05-resnet18-top5');
    expect(pageErrors).toEqual([]);
  }, 240_000);

  it('cancels a run of 150 images midway, says so, and the engine runs again afterwards', async () => {
    const folder = join(workDir, 'many');
    mkdirSync(folder, { recursive: true });
    const png = await sharp({ create: { width: 224, height: 224, channels: 3, background: { r: 200, g: 120, b: 40 } } })
      .png()
      .toBuffer();
    for (let i = 0; i < 150; i++) writeFileSync(join(folder, `copy_${String(i).padStart(3, '0')}.png`), png);

    await page.locator('[data-testid=run-panel] button', { hasText: 'Clear' }).click();
    await page.click('[data-testid=run-choose]');
    await browseWorkDir();
    await page.click('[data-testid=file-browser-entry][data-name="many"]');
    await page.click('[data-testid=file-browser-all]');
    await expect.poll(() => page.locator('[data-testid=run-image]').count()).toBe(150);
    await page.click('[data-testid=run-start]');
    const cancel = page.locator('[data-testid=run-progress-cancel]:enabled');
    await cancel.waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.locator('[data-testid=run-progress-text]').textContent(), { timeout: 30_000 })
      .toMatch(/\b[1-9]\d* of 150\b|\b[1-9]\d*\/150\b/);
    await screenshot(page, 'parity-06-run-progress');
    await cancel.click();
    await expect
      .poll(() => page.locator('[data-testid=run-panel] [data-testid=workflow-diagnostics]').textContent(), { timeout: 30_000 })
      .toContain('The run was cancelled; nothing changed.');
    expect(await page.locator('[data-testid=run-progress]').count()).toBe(0);
    expect(await page.locator('[data-testid=run-result]').count()).toBe(0);
    await screenshot(page, 'parity-07-run-cancelled');

    // The same engine runs the formula input again and gives the same top-5.
    await page.locator('[data-testid=run-panel] button', { hasText: 'Clear' }).click();
    await chooseNpy('resnet18-input.npy');
    await page.click('[data-testid=run-start]');
    await page.waitForSelector('[data-testid=run-result]', { timeout: 60_000 });
    expect(await shownTop5()).toEqual(parity.resnet18!.top5);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
