/**
 * The main story of TRT Studio end to end, in Debian's Chromium against the real web host: LeNet-5
 * from the template, the trained digits weights imported through the file browser and auto-mapped,
 * a build with the reference runtime (TensorRT is absent here), handwritten digits run through it
 * with PyTorch's classes on screen, and a profile with its chart, table and heat overlay.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { formulaTensor, type StateDictEntry } from '../core/weights/formula.js';
import { encodeWts } from '../core/weights/wts-encoder.js';
import { browseToRoot, dismissRecoveryOffers, documentOf, launchBrowser, nodeLocator, openEditor, screenshot } from './editor-page.js';

const url = inject('editorUrl');
const workDir = inject('workDir');

/** The digits this story runs, with PyTorch's softmax for each (fixtures/digits.json). */
const DIGITS = ['digit_05_label7.png', 'digit_09_label5.png', 'digit_17_label0.png'];
/** Sent from "this computer" through the file browser's upload (POST /api/upload), not from the work folder. */
const UPLOADED = 'digit_06_label1.png';
const expected = (JSON.parse(readFileSync('fixtures/digits.json', 'utf8')) as { cases: { file: string; softmax: number[] }[] }).cases.filter(
  (c) => DIGITS.includes(c.file) || c.file === UPLOADED,
);

let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  copyFileSync('fixtures/lenet5_digits.wts', join(workDir, 'lenet5_digits.wts'));
  // A .wts whose second tensor is one value short.
  writeFileSync(join(workDir, 'broken.wts'), '2\nconv1.bias 2 3f800000 40000000\nconv2.bias 3 3f800000 40000000\n');
  for (const file of DIGITS) copyFileSync(join('fixtures/digits', file), join(workDir, file));
  browser = await launchBrowser();
  ({ page, pageErrors } = await openEditor(browser, url));
});
afterAll(async () => {
  await browser?.close();
});

/** New project from a template; a page that came up with unsaved work (restored by the host) asks first. */
async function newFromTemplate(id: string): Promise<void> {
  await page.click('[data-testid=btn-templates]');
  await page.click(`[data-testid=template-${id}]`);
  const discard = page.locator('[data-testid=confirm-discard]');
  await discard.waitFor({ timeout: 1_500 }).then(
    () => discard.click(),
    () => undefined,
  );
}

/** In the file browser, go to the e2e work folder (the host may list its uploads folder first). */
async function browseWorkDir(): Promise<void> {
  await browseToRoot(page, workDir);
}

// Steps run in order on one page: each continues the story of the one before.
describe('the whole story in the UI', () => {
  it('creates LeNet-5 from the template', async () => {
    await dismissRecoveryOffers(page);
    await newFromTemplate('lenet5');
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(12);
  });

  it('imports the trained weights through the file browser and auto-maps every tensor', async () => {
    await page.click('[data-testid=dock-tab-weights]');
    await page.click('[data-testid=weights-import]');
    await browseWorkDir();
    await page.click('[data-testid=file-browser-entry][data-name="lenet5_digits.wts"]');
    await expect.poll(() => page.locator('[data-testid=weights-row]').count(), { timeout: 20_000 }).toBe(10);
    // Mapped by PyTorch names on import, without a click.
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent()).toMatch(/^10 of 10 tensors bound/);
    await expect.poll(() => page.locator('[data-testid=weights-file]').textContent()).toMatch(/^lenet5_digits\.wts · 10 tensors · .* · 10 bound$/);
    await expect.poll(() => page.locator('[data-testid=weight-chip].weight-chip-ok').count()).toBe(5);
    const doc = await documentOf(page);
    expect(doc.bindings[doc.nodes.find((n) => n.name === 'fc3')!.id]).toEqual({ weight: 'fc3.weight', bias: 'fc3.bias' });
    expect(await page.locator('[data-testid=weights-row][data-tensor="conv1.weight"] [data-testid=weights-bound-to]').textContent()).toBe('conv1.kernel');
    expect(await page.locator('[data-testid=weights-row][data-tensor="conv1.weight"] td').nth(2).textContent()).toBe('[6, 1, 5, 5]');
    await screenshot(page, 'workflow-01-weights');
  });

  it('unbinds a slot from the filtered list and binds it again by dragging the tensor onto the layer', async () => {
    const fc3 = (await documentOf(page)).nodes.find((n) => n.name === 'fc3')!;
    // The template opens showing its start; Find brings fc3, near the end of the chain, into view and selects it.
    await page.keyboard.press('Control+f');
    await page.locator('[data-testid=find-input]').fill('fc3');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await nodeLocator(page, 'fc3').getAttribute('class')) ?? '').toContain('selected');
    const select = page.locator('[data-testid=slot-binder] [data-testid=bind-weight]');
    expect(await select.locator('option').allTextContents()).toEqual(['— not bound —', 'fc3.weight (840)']);
    await select.selectOption('');
    await expect.poll(async () => (await documentOf(page)).bindings[fc3.id]).toEqual({ bias: 'fc3.bias' });
    expect(await page.locator('[data-testid=weights-row][data-tensor="fc3.weight"] [data-testid=weights-bound-to]').textContent()).toBe('unused');
    await page.locator('[data-testid=weights-row][data-tensor="fc3.weight"]').dragTo(nodeLocator(page, 'fc3'));
    await expect.poll(async () => (await documentOf(page)).bindings[fc3.id]).toEqual({ bias: 'fc3.bias', weight: 'fc3.weight' });
    await expect.poll(() => page.locator('[data-testid=notice]').last().textContent()).toBe("Bound 'fc3.weight' to fc3.weight.");
  });

  it('builds with the reference runtime, said plainly', async () => {
    await page.click('[data-testid=dock-tab-build]');
    expect(await page.locator('[data-testid=build-backend-note]').textContent()).toContain('Builds use the reference runtime');
    expect(await page.locator('[data-testid=build-backend]').inputValue()).toBe('onnxruntime');
    // The history is the host's for this session; other test files share the host and may have built before.
    const rows = page.locator('[data-testid=build-history] tbody tr');
    const before = await rows.count();
    await page.click('[data-testid=build-start]');
    await page.waitForSelector('[data-testid=build-result]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=build-result]').textContent()).toMatch(
      /^Built lenet5 with Reference runtime \(ONNX Runtime\) in [\d.]+ m?s: engine \S+, [\d.]+ (B|KB|MB)\.$/,
    );
    await expect.poll(() => rows.count()).toBe(before + 1);
    // Newest first: this build, of this network, on the reference runtime.
    expect(await rows.first().locator('td').nth(1).textContent()).toBe('lenet5');
    expect(await rows.first().locator('td').nth(2).textContent()).toBe('Reference runtime (ONNX Runtime)');
    await screenshot(page, 'workflow-02-build');
  });

  it('runs handwritten digits with the MNIST preset and shows PyTorch’s top-1 class with its probability', async () => {
    await page.click('[data-testid=dock-tab-run]');
    expect(await page.locator('[data-testid=run-preset]').inputValue()).toBe('mnist');
    await page.click('[data-testid=run-choose]');
    await browseWorkDir();
    for (const file of DIGITS) await page.click(`[data-testid=file-browser-entry][data-name="${file}"]`);
    await page.click('[data-testid=file-browser-ok]');
    await page.click('[data-testid=run-choose]');
    await page.setInputFiles('[data-testid=file-browser-upload]', join('fixtures/digits', UPLOADED));
    await expect.poll(() => page.locator('[data-testid=run-image] img').count(), { timeout: 20_000 }).toBe(DIGITS.length + 1);
    await page.click('[data-testid=run-start]');
    await expect.poll(() => page.locator('[data-testid=run-result]').count(), { timeout: 60_000 }).toBe(DIGITS.length + 1);
    expect(expected).toHaveLength(DIGITS.length + 1);
    for (const c of expected) {
      const top = c.softmax.indexOf(Math.max(...c.softmax));
      const result = page.locator(`[data-testid=run-result][data-file="${c.file}"]`);
      const top1 = result.locator('[data-testid=run-top1]');
      expect(await top1.locator('.wf-top-label').textContent()).toMatch(new RegExp(`^(class )?${top}$`));
      const text = (await top1.locator('.num').textContent()) ?? '';
      // '> 99.99%' for a probability within 0.00005 of 1 (never rounded up to 100%).
      const shown = text === '> 99.99%' ? 99.995 : Number(/^([\d.]+)%$/.exec(text)?.[1]);
      expect(Math.abs(shown - c.softmax[top]! * 100)).toBeLessThan(0.1);
      expect(await result.locator('[data-testid=run-top] li').count()).toBe(5);
    }
    await screenshot(page, 'workflow-03-run');
  });

  it('profiles the engine: latency statistics, a per-layer chart and table, a heat overlay, and a row centres its node', async () => {
    await page.click('[data-testid=dock-tab-profile]');
    await page.fill('[data-testid=profile-iterations]', '50');
    await page.click('[data-testid=profile-start]');
    await page.waitForSelector('[data-testid=profile-table]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=profile-latency]').textContent()).toMatch(/median[\d.]+ m?s/);
    expect(await page.locator('[data-testid=profile-row]').count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('[data-testid=profile-chart] svg rect, [data-testid=profile-chart] svg path').count()).toBeGreaterThan(5);
    await expect.poll(() => page.locator('.layer-node.heat').count()).toBeGreaterThan(3);
    // Sorting by time puts the slowest kernel first; clicking it selects its nodes (all of a fused kernel's).
    const first = page.locator('[data-testid=profile-row].clickable').first();
    const nodeNames = ((await first.locator('td').nth(1).textContent()) ?? '').split(', ');
    await first.click();
    const doc = await documentOf(page);
    const selected = await page.evaluate(
      () => (window as unknown as { __trtStudio: { store: { getState(): { selected: string[] } } } }).__trtStudio.store.getState().selected,
    );
    expect(selected.map((id) => doc.nodes.find((n) => n.id === id)?.name)).toEqual(nodeNames);
    await screenshot(page, 'workflow-04-profile');
    expect(pageErrors).toEqual([]);
  });

  it('shows a bad .wts file’s Diagnostic and keeps the weights and bindings it had', async () => {
    const before = (await documentOf(page)).bindings;
    await page.click('[data-testid=dock-tab-weights]');
    await page.click('[data-testid=weights-import]');
    await browseWorkDir();
    await page.click('[data-testid=file-browser-entry][data-name="broken.wts"]');
    await page.waitForSelector('[data-testid=weights-panel] [data-testid=workflow-diagnostics] .wf-error', { timeout: 20_000 });
    expect(await page.locator('[data-testid=weights-panel] [data-testid=workflow-diagnostics]').textContent()).toContain('broken.wts');
    expect(await page.locator('[data-testid=weights-file]').textContent()).toMatch(/^lenet5_digits\.wts · 10 tensors/);
    expect((await documentOf(page)).bindings).toEqual(before);
    await screenshot(page, 'workflow-05-bad-wts');
  });

  it('cancels an import midway: the job ends as cancelled and the weights it had stay', async () => {
    // 300 MB of one tensor: long enough to decode that the cancel lands midway.
    const path = join(workDir, 'big.wts');
    const count = 1 << 25;
    const fd = openSync(path, 'w');
    writeSync(fd, `1\nbig.weight ${count}`);
    const chunk = Buffer.from(' 3f800000'.repeat(1 << 20));
    for (let i = 0; i < count >> 20; i++) writeSync(fd, chunk);
    writeSync(fd, '\n');
    closeSync(fd);
    await page.click('[data-testid=weights-import]');
    await browseWorkDir();
    await page.click('[data-testid=file-browser-entry][data-name="big.wts"]');
    // Cancel as soon as the button is there: the decoder reads about 300 MB/s on an idle machine, so a
    // screenshot first could let the import finish before the click.
    await page.locator('[data-testid=weights-progress-cancel]:enabled').click();
    await expect
      .poll(() => page.locator('[data-testid=weights-panel] [data-testid=workflow-diagnostics]').textContent(), { timeout: 20_000 })
      .toContain(`The import of ${path} was cancelled; nothing changed.`);
    await screenshot(page, 'workflow-05b-import-cancelled');
    expect(await page.locator('[data-testid=weights-file]').textContent()).toMatch(/^lenet5_digits\.wts · 10 tensors/);
  });

  it('exports the network as ONNX and its picture as SVG and PNG into the work folder', async () => {
    for (const [item, file, signature] of [
      ['onnx', 'lenet5.onnx', undefined],
      ['svg', 'lenet5.svg', '<svg'],
      ['png', 'lenet5.png', '\x89PNG'],
    ] as const) {
      await page.click('[data-testid=export-menu]');
      await page.click(`[data-testid=export-${item}]`);
      await browseWorkDir();
      expect(await page.locator('[data-testid=file-browser-name]').inputValue()).toBe(file);
      await page.click('[data-testid=file-browser-ok]');
      await expect.poll(() => existsSync(join(workDir, file)), { timeout: 20_000 }).toBe(true);
      if (signature) expect(readFileSync(join(workDir, file), 'latin1').startsWith(signature)).toBe(true);
      await expect.poll(() => page.locator('[data-testid=notice]').last().textContent()).toContain(`Wrote ${join(workDir, file)}`);
    }
    expect(await page.locator('[data-testid=export-engine]').count()).toBe(0);
    await page.click('[data-testid=export-menu]');
    expect(await page.locator('[data-testid=export-engine]').getAttribute('title')).toMatch(
      /^TensorRT is not available here \([^.\n]+\); an \.engine can only be built by TensorRT\.$/,
    );
    await screenshot(page, 'workflow-06-export-menu');
    expect(pageErrors).toEqual([]);
  });
});

/** A colour picture (a smooth gradient with a bright disc), written as PNG. */
async function colourPhoto(path: string): Promise<void> {
  const w = 320;
  const h = 240;
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const inDisc = (x - 200) ** 2 + (y - 110) ** 2 < 60 ** 2;
      rgb[i] = inDisc ? 240 : Math.round((x / w) * 255);
      rgb[i + 1] = inDisc ? 200 : Math.round((y / h) * 255);
      rgb[i + 2] = inDisc ? 40 : 128;
    }
  await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(path);
}

describe('a colour photo through ResNet-18 with ImageNet preprocessing', () => {
  it('imports the regenerated ResNet-18 weights, auto-maps them, builds and shows five ImageNet classes', async () => {
    const models = JSON.parse(readFileSync('fixtures/models.json', 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>;
    const entries = models.resnet18!.state_dict;
    const fd = openSync(join(workDir, 'resnet18.wts'), 'w');
    const tensors = (function* () {
      for (const [name, shape, dtype] of entries) yield { name, values: formulaTensor(name, shape, dtype) };
    })();
    for (const chunk of encodeWts(entries.length, tensors, 4 << 20)) writeSync(fd, chunk);
    closeSync(fd);
    await colourPhoto(join(workDir, 'photo.png'));

    const { page: p, pageErrors: errors } = await openEditor(browser, url);
    page = p;
    await dismissRecoveryOffers(page);
    await newFromTemplate('resnet18');
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.name), { timeout: 20_000 }).toContain('fc');
    await page.click('[data-testid=dock-tab-weights]');
    await page.click('[data-testid=weights-import]');
    await browseWorkDir();
    await page.click('[data-testid=file-browser-entry][data-name="resnet18.wts"]');
    await expect.poll(() => page.locator('[data-testid=weights-row]').count(), { timeout: 60_000 }).toBe(entries.length);
    await page.click('[data-testid=weights-automap]');
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent()).toMatch(/^\d+ of \d+ tensors bound/);
    expect(await page.locator('[data-testid=mapping-problems]').count()).toBe(0);

    await page.click('[data-testid=dock-tab-build]');
    await page.click('[data-testid=build-start]');
    await page.waitForSelector('[data-testid=build-result]', { timeout: 80_000 });

    await page.click('[data-testid=dock-tab-run]');
    expect(await page.locator('[data-testid=run-preset]').inputValue()).toBe('imagenet');
    await page.click('[data-testid=run-choose]');
    await browseWorkDir();
    await page.click('[data-testid=file-browser-entry][data-name="photo.png"]');
    await page.click('[data-testid=file-browser-ok]');
    await page.waitForSelector('[data-testid=run-image] img', { timeout: 20_000 });
    await page.click('[data-testid=run-start]');
    await page.waitForSelector('[data-testid=run-result]', { timeout: 60_000 });
    const labels = await page.locator('[data-testid=run-result] .wf-top-label').allTextContents();
    expect(labels).toHaveLength(5);
    const classNames = readFileSync('assets/imagenet_classes.txt', 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const label of labels) expect(classNames).toContain(label);
    const shares = (await page.locator('[data-testid=run-result] .wf-top .num').allTextContents()).map((t) => Number(t.replace('%', '')));
    expect([...shares].sort((a, b) => b - a)).toEqual(shares);
    await screenshot(page, 'workflow-07-resnet18-photo');
    expect(errors).toEqual([]);
  }, 180_000);
});
