/**
 * Bring your own model, in Debian's Chromium against the real web host: LeNet-5 exported to ONNX
 * with the trained digits weights (by `trt-studio export`, as a user's PyTorch export would hand it
 * over) is opened with the toolbar's Open; it becomes a new unsaved project named after the file,
 * laid out, with all ten tensors in the weights panel bound; built and run on a handwritten digit it
 * gives PyTorch's class and probability. A model with an `If` dropped on the window shows the
 * importer's whole message and leaves the canvas as it was; a dynamic batch shows its ONNX name.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serializeProject } from '../core/network/project-file.js';
import { buildModel } from '../core/onnx/import/onnx-builder.testing.js';
import { buildTemplate } from '../core/templates/index.js';
import { browseToRoot, dismissRecoveryOffers, documentOf, editorState, launchBrowser, nodesOverlap, openEditor, screenshot } from './editor-page.js';

const url = inject('editorUrl');
const workDir = inject('workDir');
const { onnx } = onnxProto;

/** A digit and PyTorch's softmax for it, from the trained LeNet-5 (fixtures/digits.json). */
const DIGIT = 'digit_05_label7.png';
const softmax = (JSON.parse(readFileSync('fixtures/digits.json', 'utf8')) as { cases: { file: string; softmax: number[] }[] }).cases.find(
  (c) => c.file === DIGIT,
)!.softmax;

let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  // The original project and its trained weights, exported to ONNX by the command line.
  writeFileSync(join(workDir, 'lenet5-original.trtstudio'), serializeProject(buildTemplate('lenet5')!));
  const exported = spawnSync(
    process.execPath,
    ['dist/cli.mjs', 'export', join(workDir, 'lenet5-original.trtstudio'), '--weights', 'fixtures/lenet5_digits.wts', '--onnx', join(workDir, 'lenet5.onnx')],
    { encoding: 'utf8' },
  );
  if (exported.status !== 0) throw new Error(`trt-studio export failed: ${exported.stdout}${exported.stderr}`);
  // The same model with a dynamic batch named as PyTorch's exporter names it (dynamic_axes={'data': {0: 'batch'}}).
  const model = onnx.ModelProto.decode(readFileSync(join(workDir, 'lenet5.onnx')));
  model.graph!.input![0]!.type!.tensorType!.shape!.dim![0] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'batch' });
  writeFileSync(join(workDir, 'lenet5-dynamic.onnx'), onnx.ModelProto.encode(model).finish());
  copyFileSync(join('fixtures/digits', DIGIT), join(workDir, DIGIT));
  browser = await launchBrowser();
  ({ page, pageErrors } = await openEditor(browser, url));
});
afterAll(async () => {
  await browser?.close();
});

/** In the file browser, go to the e2e work folder (the host may list its uploads folder first). */
async function browseWorkDir(): Promise<void> {
  await browseToRoot(page, workDir);
}

/** Open a file of the work folder with the toolbar's Open, discarding unsaved work when asked. */
async function openFromToolbar(fileName: string): Promise<void> {
  await page.click('button[title="Open (Ctrl+O)"]');
  const discard = page.locator('[data-testid=confirm-discard]');
  await Promise.race([discard.waitFor({ timeout: 5_000 }).then(() => discard.click()), page.waitForSelector('[data-testid=file-browser]')]).catch(
    () => undefined,
  );
  await browseWorkDir();
  await page.click(`[data-testid=file-browser-entry][data-name="${fileName}"]`);
}

/** Drop a file from "this computer" on the window, as the desktop's file manager does. */
async function dropOnWindow(name: string, bytes: Uint8Array): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ base64, fileName }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], fileName));
      return transfer;
    },
    { base64: Buffer.from(bytes).toString('base64'), fileName: name },
  );
  await page.dispatchEvent('[data-testid=canvas]', 'drop', { dataTransfer });
}

describe('an ONNX model opened in the editor', () => {
  it('opens lenet5.onnx as a new unsaved project, laid out, with every tensor bound', async () => {
    await dismissRecoveryOffers(page);
    await openFromToolbar('lenet5.onnx');
    await expect.poll(async () => (await documentOf(page)).nodes.length, { timeout: 30_000 }).toBe(15);
    await page.waitForSelector('[data-testid=model-import]', { state: 'detached' });
    const doc = await documentOf(page);
    expect(doc.name).toBe('lenet5');
    expect(await page.title()).toMatch(/^lenet5\b/);
    expect(await editorState(page)).toMatchObject({ dirty: true, filePath: undefined, past: 0 });
    expect(doc.nodes.map((n) => n.name)).toEqual([
      'conv1',
      'relu1',
      'pool1',
      'conv2',
      'relu2',
      'pool2',
      'fc1.flatten',
      'fc1.matmul/MatMul',
      'relu3',
      'fc2.flatten',
      'fc2.matmul/MatMul',
      'relu4',
      'fc3.flatten',
      'fc3.matmul/MatMul',
      'softmax',
    ]);
    // Laid out left to right along the chain, no two layers on top of each other, all drawn.
    const xs = doc.nodes.map((n) => doc.ui.positions[n.id]!.x);
    expect(xs.every((x, i) => i === 0 || x > xs[i - 1]!)).toBe(true);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(16);
    expect(await nodesOverlap(page)).toBe(false);
    expect(await page.locator('[data-testid=input-node-dims]').textContent()).toBe('[1, 1, 32, 32]');

    await page.click('[data-testid=dock-tab-weights]');
    await expect.poll(() => page.locator('[data-testid=weights-row]').count()).toBe(10);
    expect(await page.locator('[data-testid=weights-file]').textContent()).toMatch(/^lenet5\.onnx · 10 tensors · 247 KB · 10 bound$/);
    // Every tensor names the layer slot it feeds (none 'unused').
    const boundTo = await page.locator('[data-testid=weights-row] [data-testid=weights-bound-to]').allTextContents();
    expect(boundTo.filter((b) => b === 'unused')).toEqual([]);
    expect(boundTo).toHaveLength(10);
    expect(doc.bindings[doc.nodes.find((n) => n.name === 'conv1')!.id]).toEqual({ kernel: 'conv1.kernel', bias: 'conv1.bias' });
    expect(await page.locator('[data-testid=weights-row][data-tensor="conv1.kernel"] [data-testid=weights-bound-to]').textContent()).toBe('conv1.kernel');
    await screenshot(page, 'onnx-import-01-opened');
  });

  it('builds and runs a handwritten digit: the class and probability PyTorch gives the original', async () => {
    await page.click('[data-testid=dock-tab-build]');
    await page.click('[data-testid=build-start]');
    await page.waitForSelector('[data-testid=build-result]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=build-result]').textContent()).toMatch(/^Built lenet5 with Reference runtime/);
    await page.click('[data-testid=dock-tab-run]');
    await page.locator('[data-testid=run-preset]').selectOption('mnist');
    await page.click('[data-testid=run-choose]');
    await browseWorkDir();
    await page.click(`[data-testid=file-browser-entry][data-name="${DIGIT}"]`);
    await page.click('[data-testid=file-browser-ok]');
    await expect.poll(() => page.locator('[data-testid=run-image] img').count(), { timeout: 20_000 }).toBe(1);
    await page.click('[data-testid=run-start]');
    await page.waitForSelector('[data-testid=run-result]', { timeout: 60_000 });
    const top = softmax.indexOf(Math.max(...softmax));
    const top1 = page.locator('[data-testid=run-result] [data-testid=run-top1]');
    expect(await top1.locator('.wf-top-label').textContent()).toMatch(new RegExp(`^(class )?${top}$`));
    const text = (await top1.locator('.num').textContent()) ?? '';
    const shown = text === '> 99.99%' ? 99.995 : Number(/^([\d.]+)%$/.exec(text)?.[1]);
    expect(Math.abs(shown - softmax[top]! * 100)).toBeLessThan(0.1);
    await screenshot(page, 'onnx-import-02-run');
  });

  it('a model with an If dropped on the window shows every unsupported op and leaves the canvas unchanged', async () => {
    const before = await documentOf(page);
    const branchy = buildModel({
      opset: 17,
      inputs: [{ name: 'x', dims: [1, 4] }],
      outputs: [{ name: 'z' }],
      nodes: [
        { op: 'Relu', name: 'relu', inputs: ['x'], outputs: ['r'] },
        { op: 'NonZero', name: 'nz', inputs: ['r'], outputs: ['a'] },
        { op: 'If', name: 'branch', inputs: ['a'], outputs: ['z'] },
      ],
    });
    await dropOnWindow('branchy.onnx', branchy);
    // The imported network is unsaved: the editor asks before replacing it.
    await page.click('[data-testid=confirm-discard]');
    await expect
      .poll(() => page.locator('[data-testid=model-import-error]').allTextContents(), { timeout: 20_000 })
      .toEqual([
        "The model (opset 17) uses 2 ops that cannot be imported, in 2 nodes: NonZero ×1 ('nz'); If ×1 ('branch', control flow with subgraphs, which is not supported).",
      ]);
    expect(await page.locator('[data-testid=model-import] .modal-title').textContent()).toBe('Cannot import branchy.onnx');
    await screenshot(page, 'onnx-import-03-unsupported');
    await page.click('[data-testid=model-import-close]');
    expect(await documentOf(page)).toEqual(before);
    expect(await page.locator('.react-flow__node').count()).toBe(16);
  });

  it('a dynamic batch shows its ONNX name on the input node and in the inspector', async () => {
    await openFromToolbar('lenet5-dynamic.onnx');
    await expect.poll(() => page.locator('[data-testid=input-node-dims]').textContent(), { timeout: 30_000 }).toBe('[batch, 1, 32, 32]');
    const doc = await documentOf(page);
    expect(doc.name).toBe('lenet5-dynamic');
    expect(doc.inputs.map((i) => [i.dims, i.dimNames])).toEqual([
      [
        [-1, 1, 32, 32],
        ['batch', '', '', ''],
      ],
    ]);
    await page.click('[data-testid=input-node]');
    expect(await page.locator('[data-testid=param-dims]').inputValue()).toBe('-1, 1, 32, 32');
    expect(await page.locator('[data-testid=input-dim-names]').textContent()).toBe('axis 0: -1 (batch)');
    await screenshot(page, 'onnx-import-04-dynamic-batch');
    // The Build tab shows the batch at 1; a max typed there becomes the input's profile, built and saved with the project.
    await page.click('[data-testid=dock-tab-build]');
    expect(await page.locator('[data-testid=build-profile-opt]').inputValue()).toBe('1, 1, 32, 32');
    await page.locator('[data-testid=build-profile-max]').fill('4, 1, 32, 32');
    await page.locator('[data-testid=build-profile-max]').press('Enter');
    await expect.poll(async () => (await documentOf(page)).inputs[0]!.profile).toEqual({ min: [1, 1, 32, 32], opt: [1, 1, 32, 32], max: [4, 1, 32, 32] });
  });

  it('Save writes the imported weights next to the project, and reopening binds them again', async () => {
    await page.keyboard.press('Control+s');
    await browseWorkDir();
    await page.locator('[data-testid=file-browser-name]').fill('lenet5-imported.trtstudio');
    await page.locator('[data-testid=file-browser-ok]').click();
    const projectPath = join(workDir, 'lenet5-imported.trtstudio');
    // Saved with the profile edited in the Build tab (one undo step).
    await expect.poll(() => editorState(page)).toEqual({ dirty: false, filePath: projectPath, past: 1 });
    const file = JSON.parse(readFileSync(projectPath, 'utf8')) as { weights?: string; network: { nodes: unknown[]; inputs: { profile?: unknown }[] } };
    expect([file.weights, file.network.nodes.length]).toEqual(['lenet5-imported.wts', 15]);
    expect(file.network.inputs[0]!.profile).toEqual({ min: [1, 1, 32, 32], opt: [1, 1, 32, 32], max: [4, 1, 32, 32] });
    expect(readFileSync(join(workDir, 'lenet5-imported.wts'), 'utf8').split('\n')[0]).toBe('10');
    await page.click('[data-testid=dock-tab-weights]');
    expect(await page.locator('[data-testid=weights-file]').textContent()).toMatch(/^lenet5-imported\.wts · 10 tensors · 247 KB · 10 bound$/);

    await page.click('[data-testid=btn-templates]');
    await page.click('[data-testid=template-lenet5]');
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(12);
    // The .wts is text (a hex word per value), so the file is larger than the values it holds.
    await openFromToolbar('lenet5-imported.trtstudio');
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(15);
    await expect
      .poll(() => page.locator('[data-testid=weights-file]').textContent(), { timeout: 20_000 })
      .toMatch(/^lenet5-imported\.wts · 10 tensors · 556 KB · 10 bound$/);
    expect(await editorState(page)).toMatchObject({ dirty: false, filePath: projectPath });
    expect(pageErrors).toEqual([]);
  });

  it('every dialog starts where the user works: the project’s folder, then the folder the model came from', async () => {
    const models = join(workDir, 'my-models');
    mkdirSync(models, { recursive: true });
    copyFileSync(join(workDir, 'lenet5.onnx'), join(models, 'lenet5.onnx'));
    const shownFolder = () => page.locator('[data-testid=file-browser-path]').textContent();
    // Open starts in the open project's folder (not the host's first folder), where the model's folder is.
    await page.click('button[title="Open (Ctrl+O)"]');
    await expect.poll(shownFolder).toBe(workDir);
    await page.click('[data-testid=file-browser-entry][data-name="my-models"]');
    await expect.poll(shownFolder).toBe(models);
    await page.click('[data-testid=file-browser-entry][data-name="lenet5.onnx"]');
    await page.waitForSelector('[data-testid=model-import]', { state: 'detached', timeout: 30_000 });
    await expect.poll(async () => (await documentOf(page)).name).toBe('lenet5');

    // Ctrl+S on the new, unsaved project offers the model's folder and name; Enter saves there.
    await page.keyboard.press('Control+s');
    await expect.poll(shownFolder).toBe(models);
    expect(await page.locator('[data-testid=file-browser-name]').inputValue()).toBe('lenet5.trtstudio');
    await page.locator('[data-testid=file-browser-name]').press('Enter');
    await expect.poll(() => editorState(page)).toEqual({ dirty: false, filePath: join(models, 'lenet5.trtstudio'), past: 0 });
    expect(readFileSync(join(models, 'lenet5.wts'), 'utf8').split('\n')[0]).toBe('10');

    // The panels' dialogs start beside the project too.
    await page.click('[data-testid=dock-tab-run]');
    await page.click('[data-testid=run-choose]');
    await expect.poll(shownFolder).toBe(models);
    await screenshot(page, 'onnx-import-05-dialog-in-model-folder');
    await page.locator('[data-testid=file-browser] button', { hasText: 'Cancel' }).click();
    await page.waitForSelector('[data-testid=file-browser]', { state: 'detached' });
    expect(pageErrors).toEqual([]);
  });

  it('an imported model not saved yet is autosaved, and a reload brings it back', async () => {
    await openFromToolbar('lenet5.onnx');
    await page.waitForSelector('[data-testid=model-import]', { state: 'detached', timeout: 30_000 });
    await expect.poll(async () => (await editorState(page)).filePath).toBeUndefined();
    // The tab's autosave names no weights file (the set lives in the host until the first save) and is not refused.
    await page.waitForTimeout(1_000);
    expect(await page.locator('[data-testid=save-problem]').count()).toBe(0);
    await page.reload();
    await page.waitForSelector('[data-testid=canvas]');
    await expect.poll(async () => (await documentOf(page)).nodes.length, { timeout: 20_000 }).toBe(15);
    expect((await documentOf(page)).name).toBe('lenet5');
    expect(await editorState(page)).toMatchObject({ dirty: true, filePath: undefined });
    await screenshot(page, 'onnx-import-06-back-after-reload');
    expect(pageErrors).toEqual([]);
  });
});
