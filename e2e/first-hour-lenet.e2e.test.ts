/**
 * A newcomer builds LeNet-5 by hand the way the editor invites: the input from the keyboard's
 * quick-add menu, then every layer by dropping a wire from the last output onto empty canvas and
 * searching for it by its PyTorch name. No palette drags, no wires drawn handle to handle. The
 * trained weights map by name on import, Ctrl+S saves into the default folder, a reload brings the
 * project and its weights back, the 20 handwritten digits come out right, and "Save outputs…" saves
 * that run's outputs as they were shown.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../electron/services/npy.js';
import { documentOf, editorState, launchBrowser, nodeLocator, openEditor, screenshot, setField, startWebHost, type WebHost } from './editor-page.js';

let browser: Browser;
let host: WebHost;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'trt-studio-lenet-'));
  copyFileSync('fixtures/lenet5_digits.wts', join(root, 'lenet5_digits.wts'));
  for (const f of readdirSync('fixtures/digits')) copyFileSync(join('fixtures/digits', f), join(root, f));
  host = await startWebHost({ configDir: mkdtempSync(join(tmpdir(), 'trt-studio-config-')), root });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.stop('SIGKILL');
});

/**
 * Empty canvas to the right of `name`, or at the start of a new row below it when the canvas ends
 * there; zoomed out (the canvas's − button) until that spot is clear of the canvas's edges.
 */
async function spaceAfter(page: Page, name: string): Promise<{ x: number; y: number }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const canvas = (await page.locator('[data-testid=canvas]').boundingBox())!;
    const box = (await nodeLocator(page, name).boundingBox())!;
    // Gaps scale with the zoom, read from the node's drawn size.
    const gap = box.height;
    let to = { x: box.x + box.width + gap, y: box.y + gap / 4 };
    if (to.x + box.width > canvas.x + canvas.width - 180) to = { x: canvas.x + 90, y: box.y + box.height + gap };
    if (to.y + box.height < canvas.y + canvas.height - 60) return to;
    await page.locator('.react-flow__controls-zoomout').click();
    await boxSettled(page, name, box);
  }
  throw new Error(`No empty canvas left after '${name}'.`);
}

/** Wait until `name` has moved from `before` and stays put for two frames (the zoom is drawn). */
async function boxSettled(page: Page, name: string, before: { x: number; y: number; width: number }): Promise<void> {
  const node = nodeLocator(page, name);
  let last = '';
  await expect
    .poll(async () => {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const box = (await node.boundingBox())!;
      const now = JSON.stringify(box);
      const settled = box.width !== before.width && now === last;
      last = now;
      return settled;
    })
    .toBe(true);
}

/** The selected layer's id and the name its inspector field shows. */
async function selectedLayer(page: Page): Promise<{ id: string | undefined; nameField: string }> {
  const id = await page.evaluate(
    () => (window as unknown as { __trtStudio: { store: { getState(): { selected: string[] } } } }).__trtStudio.store.getState().selected[0],
  );
  const field = page.locator('[data-testid=param-name]');
  return { id, nameField: (await field.count()) === 1 ? await field.inputValue() : '' };
}

/**
 * Drop a wire from `from`'s output onto empty canvas, search for `query`, expect `label` first,
 * pick it with Enter, and give the new layer its name and parameters in the inspector.
 */
async function addAfter(
  page: Page,
  from: string,
  query: string,
  label: string,
  name: string,
  params: Record<string, string> = {},
  shot?: string,
): Promise<void> {
  const to = await spaceAfter(page, from);
  const handle = nodeLocator(page, from).locator('.react-flow__handle.source[data-handleid="output"]');
  const a = (await handle.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
  await page.locator('[data-testid=search-input]').pressSequentially(query);
  await expect.poll(() => page.locator('[data-testid=search-item] .search-label').first().textContent()).toBe(label);
  if (shot) await screenshot(page, shot);
  const before = (await documentOf(page)).nodes.length;
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('[data-testid=search-menu]').count()).toBe(0);
  // The new layer is on the canvas and its inspector is shown: only then is the name field its own.
  await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(before + 1);
  const added = (await documentOf(page)).nodes.at(-1)!;
  await expect.poll(() => selectedLayer(page)).toEqual({ id: added.id, nameField: added.name });
  await setField(page, 'name', name);
  for (const [param, value] of Object.entries(params)) await setField(page, param, value);
  await nodeLocator(page, name).waitFor();
}

/** Save with Ctrl+S; the first save asks for a name in the file browser, which opens in the default folder. */
async function saveAs(page: Page, file: string): Promise<void> {
  await page.keyboard.press('Control+s');
  await expect.poll(() => page.locator('[data-testid=file-browser-path]').textContent()).toBe(root);
  await page.locator('[data-testid=file-browser-name]').fill(file);
  await page.locator('[data-testid=file-browser-ok]').click();
}

const LENET = ['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'fc1', 'relu3', 'fc2', 'relu4', 'fc3', 'softmax'];

describe('LeNet-5 built with the wire-drop menu and search only', () => {
  it('builds, takes the trained weights, saves, comes back after a reload and reads 20 of 20 digits', async () => {
    const { page, pageErrors } = await openEditor(browser, host.url);
    await page.locator('button', { hasText: /^New$/ }).click();
    const discard = page.locator('[data-testid=confirm-discard]');
    if (await discard.isVisible()) await discard.click();

    // The input from the keyboard: Space opens the quick-add menu.
    await page.locator('[data-testid=canvas] .react-flow__pane').click({ position: { x: 300, y: 300 } });
    await page.keyboard.press('Space');
    await page.locator('[data-testid=search-input]').pressSequentially('input');
    await expect.poll(() => page.locator('[data-testid=search-item] .search-label').first().textContent()).toBe('Input');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await documentOf(page)).inputs.length).toBe(1);
    await setField(page, 'name', 'data');
    await setField(page, 'dims', '1, 1, 32, 32');
    await expect.poll(async () => (await documentOf(page)).inputs[0]!.dims).toEqual([1, 1, 32, 32]);

    await addAfter(page, 'data', 'conv', 'Convolution', 'conv1', { nbOutputMaps: '6', kernelSize: '5, 5' });
    await addAfter(page, 'conv1', 'relu', 'ReLU', 'relu1');
    await addAfter(page, 'relu1', 'avgpool', 'AvgPool', 'pool1', {}, 'first-hour-lenet-00-wire-drop-avgpool');
    await addAfter(page, 'pool1', 'conv2d', 'Convolution', 'conv2', { nbOutputMaps: '16', kernelSize: '5, 5' });
    await addAfter(page, 'conv2', 'relu', 'ReLU', 'relu2');
    await addAfter(page, 'relu2', 'avgpool', 'AvgPool', 'pool2');
    // The menu offers Linear for the [1, 16, 5, 5] tensor and fills inFeatures = 400 itself.
    await addAfter(page, 'pool2', 'fc', 'Linear (FullyConnected)', 'fc1', { outFeatures: '120' }, 'first-hour-lenet-01-wire-drop-fc');
    expect(await page.locator('[data-testid=param-inFeatures]').inputValue()).toBe('400');
    await addAfter(page, 'fc1', 'relu', 'ReLU', 'relu3');
    await addAfter(page, 'relu3', 'linear', 'Linear (FullyConnected)', 'fc2', { outFeatures: '84' });
    await addAfter(page, 'fc2', 'relu', 'ReLU', 'relu4');
    await addAfter(page, 'relu4', 'dense', 'Linear (FullyConnected)', 'fc3', { outFeatures: '10' });
    await addAfter(page, 'fc3', 'softmax', 'SoftMax', 'softmax');
    await page.locator('button', { hasText: 'mark output' }).click();

    const doc = await documentOf(page);
    expect(doc.nodes.map((n) => n.name)).toEqual(LENET);
    expect(doc.nodes.map((n) => [n.type, n.params.type ?? n.params.inFeatures ?? n.params.nbOutputMaps ?? n.params.axes])).toEqual([
      ['addConvolutionNd', 6],
      ['addActivation', 'RELU'],
      ['addPoolingNd', 'AVERAGE'],
      ['addConvolutionNd', 16],
      ['addActivation', 'RELU'],
      ['addPoolingNd', 'AVERAGE'],
      ['Linear', 400],
      ['addActivation', 'RELU'],
      ['Linear', 120],
      ['addActivation', 'RELU'],
      ['Linear', 84],
      ['addSoftMax', [1]],
    ]);
    expect(doc.edges).toHaveLength(12);
    expect(doc.outputs.map((o) => o.from.node)).toEqual([doc.nodes[11]!.id]);
    const problems = await page.evaluate(
      () =>
        (window as unknown as { __trtStudio: { store: { getState(): { shapes: { diagnostics: { message: string }[] } } } } }).__trtStudio.store.getState()
          .shapes.diagnostics,
    );
    expect(problems.map((d) => d.message)).toEqual([]);
    await page.keyboard.press('f');
    await screenshot(page, 'first-hour-lenet-02-built');

    // The trained weights, mapped by name on import.
    await page.click('[data-testid=dock-tab-weights]');
    await page.click('[data-testid=weights-import]');
    await page.click('[data-testid=file-browser-entry][data-name="lenet5_digits.wts"]');
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent(), { timeout: 20_000 }).toMatch(/^10 of 10 tensors bound/);
    await screenshot(page, 'first-hour-lenet-03-weights');

    await saveAs(page, 'lenet5-by-hand.trtstudio');
    const path = join(root, 'lenet5-by-hand.trtstudio');
    await expect.poll(() => editorState(page)).toMatchObject({ dirty: false, filePath: path });

    await page.reload();
    await page.waitForSelector('.react-flow__renderer');
    await expect.poll(async () => (await editorState(page)).filePath, { timeout: 15_000 }).toBe(path);
    expect((await documentOf(page)).nodes.map((n) => n.name)).toEqual(LENET);
    await page.click('[data-testid=dock-tab-weights]');
    await expect
      .poll(() => page.locator('[data-testid=weights-file]').textContent(), { timeout: 20_000 })
      .toMatch(/^lenet5_digits\.wts · 10 tensors · .* · 10 bound$/);
    await screenshot(page, 'first-hour-lenet-04-reloaded');

    await page.click('[data-testid=dock-tab-build]');
    await page.click('[data-testid=build-start]');
    await page.waitForSelector('[data-testid=build-result]', { timeout: 60_000 });
    await page.click('[data-testid=dock-tab-run]');
    expect(await page.locator('[data-testid=run-preset]').inputValue()).toBe('mnist');
    await page.click('[data-testid=run-choose]');
    await expect.poll(() => page.locator('[data-testid=file-browser-path]').textContent()).toBe(root);
    const digits = readdirSync('fixtures/digits').filter((f) => f.endsWith('.png'));
    expect(digits).toHaveLength(20);
    for (const file of digits) await page.click(`[data-testid=file-browser-entry][data-name="${file}"]`);
    await page.click('[data-testid=file-browser-ok]');
    // Each preview is decoded by the host: a loaded machine takes its time.
    await expect.poll(() => page.locator('[data-testid=run-image] img').count(), { timeout: 60_000 }).toBe(20);
    await page.click('[data-testid=run-start]');
    await expect.poll(() => page.locator('[data-testid=run-result]').count(), { timeout: 60_000 }).toBe(20);
    const wrong: string[] = [];
    for (const file of digits) {
      const label = /label(\d)/.exec(file)![1]!;
      const shown = (await page.locator(`[data-testid=run-result][data-file="${file}"] [data-testid=run-top1] .wf-top-label`).textContent()) ?? '';
      if (shown.replace(/^class /, '') !== label) wrong.push(`${file}: ${shown}`);
    }
    expect(wrong).toEqual([]);
    await screenshot(page, 'first-hour-lenet-05-digits');

    // "Save outputs…" saves the outputs of the run on screen, as they are: nothing runs again.
    await page.evaluate(() => {
      const w = window as unknown as { __jobsSeen: string[]; __trtStudio: { store: { subscribe(l: (s: { jobs: { label: string }[] }) => void): void } } };
      w.__jobsSeen = [];
      w.__trtStudio.store.subscribe((s) => s.jobs.forEach((j) => w.__jobsSeen.push(j.label)));
    });
    const outputs = join(root, 'outputs');
    mkdirSync(outputs);
    await page.click('[data-testid=run-save-outputs]');
    await page.click('[data-testid=file-browser-entry][data-name="outputs"]');
    await expect.poll(() => page.locator('[data-testid=file-browser-path]').textContent()).toBe(outputs);
    await page.click('[data-testid=file-browser-folder]');
    await expect.poll(() => readdirSync(outputs).sort()).toEqual(digits.map((f) => f.replace(/\.png$/, '.output.npy')));
    const shownResult = page.locator(`[data-testid=run-result][data-file="${digits[7]}"]`);
    await shownResult.getByText('Outputs').click();
    await expect.poll(() => shownResult.locator('[data-testid=output-npy]').textContent()).toBe(digits[7]!.replace(/\.png$/, '.output.npy'));
    const shownValues = (await shownResult.locator('[data-testid=output-value]').evaluateAll((els) => els.map((e) => e.getAttribute('title')!))).map((t) =>
      Number(t.replace(/^\[\d+\] /, '')),
    );
    const saved = readNpy(readFileSync(join(outputs, digits[7]!.replace(/\.png$/, '.output.npy'))), digits[7]!);
    if (!saved.ok) throw new Error(saved.diagnostics[0]!.message);
    expect(saved.value.shape).toEqual([1, 10]);
    expect(Array.from(saved.value.data)).toEqual(shownValues.map((v) => Math.fround(v)));
    expect(await page.evaluate(() => (window as unknown as { __jobsSeen: string[] }).__jobsSeen)).toEqual([]);
    await screenshot(page, 'first-hour-lenet-06-outputs-saved');
    expect(pageErrors).toEqual([]);
  });
});
