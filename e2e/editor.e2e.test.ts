/** The editor, end to end: a real Chromium driving the built renderer as a user would. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { documentOf, dragFromPalette, dragWire, dragWireToEmpty, launchBrowser, nodeLocator, openEditor, screenshot, setField, wireLabel } from './editor-page.js';

let browser: Browser;
const url = inject('editorUrl');

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** An editor with an input [1,3,224,224] and a Convolution wired to it. */
async function inputAndConvolution(): Promise<{ page: Page; errors: string[] }> {
  const { page, pageErrors } = await openEditor(browser, url);
  await dragFromPalette(page, 'Input', { x: 180, y: 220 });
  await dragFromPalette(page, 'addConvolutionNd', { x: 520, y: 220 });
  await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(1);
  await dragWire(page, { node: 'data', port: 'output' }, { node: 'convolution', port: 'input' });
  await expect.poll(async () => (await documentOf(page)).edges.length).toBe(1);
  return { page, errors: pageErrors };
}

describe('building a network by hand', () => {
  it('drags a Convolution from the palette, connects it, sets 64 outputs and 7×7 /2, and shows the dims on the wire', async () => {
    const { page, errors } = await inputAndConvolution();
    await nodeLocator(page, 'convolution').click();
    await setField(page, 'nbOutputMaps', '64');
    await setField(page, 'kernelSize', '7, 7');
    await setField(page, 'stride', '2 2');
    await setField(page, 'prePadding', '3, 3');
    await setField(page, 'postPadding', '3, 3');
    // A consumer of the convolution, so its output has a wire with a label.
    await dragWireToEmpty(page, { node: 'convolution', port: 'output' }, { x: 1000, y: 300 });
    await page.locator('[data-testid=search-input]').fill('activation');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.type)).toEqual(['addConvolutionNd', 'addActivation']);
    const doc = await documentOf(page);
    const conv = doc.nodes[0]!;
    expect(conv.params.nbOutputMaps).toBe(64);
    expect(conv.params.kernelSize).toEqual([7, 7]);
    const out = doc.edges.find((e) => e.from.node === conv.id)!;
    await expect.poll(() => wireLabel(page, out.id)).toBe('[1, 64, 112, 112]');
    await expect.poll(() => nodeLocator(page, 'convolution').locator('.node-summary').textContent()).toBe('7×7 /2 64');
    await screenshot(page, '01-convolution-wired');
    expect(errors).toEqual([]);
  });

  it('shows an invalid value inline and does not commit it', async () => {
    const { page } = await inputAndConvolution();
    await nodeLocator(page, 'convolution').click();
    const field = page.locator('[data-testid="param-nbOutputMaps"]');
    await field.fill('-3');
    await expect(page.locator('.field-error').first().textContent()).resolves.toBe('-3 is below the minimum 1');
    await field.press('Enter');
    expect((await documentOf(page)).nodes[0]!.params.nbOutputMaps).toBe(64);
    await screenshot(page, '02-inline-validation');
  });

  it('refuses an invalid connection and says why', async () => {
    const { page } = await inputAndConvolution();
    await dragFromPalette(page, 'Input', { x: 180, y: 420 });
    await expect.poll(async () => (await documentOf(page)).inputs.length).toBe(2);
    // The convolution's input already has a wire: a second one is refused.
    await dragWire(page, { node: 'input', port: 'output' }, { node: 'convolution', port: 'input' });
    await expect.poll(() => page.locator('[data-testid=notice]').first().textContent()).toBe(
      "Cannot connect these ports: the input 'input' of 'convolution' already has a wire; an input takes one wire.",
    );
    expect((await documentOf(page)).edges).toHaveLength(1);
    await screenshot(page, '03-connection-refused');
  });

  it('opens the search menu with Space and adds the chosen layer', async () => {
    const { page } = await openEditor(browser, url);
    await page.locator('.react-flow__pane').click({ position: { x: 400, y: 300 } });
    await page.keyboard.press('Space');
    await page.locator('[data-testid=search-input]').fill('pool');
    const first = page.locator('[data-testid=search-item]').first();
    await expect(first.getAttribute('data-type')).resolves.toBe('addPoolingNd');
    await screenshot(page, '04-search-menu');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.type)).toEqual(['addPoolingNd']);
  });

  it('undoes and redoes one gesture at a time', async () => {
    const { page } = await inputAndConvolution();
    await nodeLocator(page, 'convolution').click();
    await setField(page, 'nbOutputMaps', '32');
    expect((await documentOf(page)).nodes[0]!.params.nbOutputMaps).toBe(32);
    await page.locator('.react-flow__pane').click({ position: { x: 50, y: 50 } });
    await page.keyboard.press('Control+z');
    expect((await documentOf(page)).nodes[0]!.params.nbOutputMaps).toBe(64);
    await page.keyboard.press('Control+z');
    expect((await documentOf(page)).edges).toHaveLength(0);
    await page.keyboard.press('Control+y');
    await page.keyboard.press('Control+y');
    const doc = await documentOf(page);
    expect([doc.edges.length, doc.nodes[0]!.params.nbOutputMaps]).toEqual([1, 32]);
  });

  it('copies and pastes through the clipboard as JSON text', async () => {
    const { page } = await inputAndConvolution();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await nodeLocator(page, 'convolution').click();
    await page.keyboard.press('Control+c');
    const text = await page.evaluate(() => navigator.clipboard.readText());
    expect(JSON.parse(text).format).toBe('trtstudio-fragment');
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.name)).toEqual(['convolution', 'convolution_2']);
    // Into another project: a fresh page.
    const other = await openEditor(browser, url);
    await other.page.evaluate((t) => navigator.clipboard.writeText(t), text).catch(() => undefined);
    await other.page.locator('.react-flow__pane').click({ position: { x: 300, y: 300 } });
    await other.page.keyboard.press('Control+v');
    await expect.poll(async () => (await documentOf(other.page)).nodes.map((n) => n.type)).toEqual(['addConvolutionNd']);
    await screenshot(page, '05-pasted');
  });

  it('groups the selection into a named block and collapses it', async () => {
    const { page } = await inputAndConvolution();
    await page.keyboard.press('Control+a');
    await page.locator('[data-testid=btn-group]').click();
    await expect.poll(async () => (await documentOf(page)).ui.groups.length).toBe(1);
    await expect(page.locator('[data-testid=group-frame]').count()).resolves.toBe(1);
    await screenshot(page, '06-group-expanded');
    await page.locator('[data-testid=group-frame] .frame-toggle').click();
    await expect.poll(() => page.locator('[data-testid=group-node]').count()).toBe(1);
    expect((await documentOf(page)).ui.groups[0]!.collapsed).toBe(true);
    await screenshot(page, '07-group-collapsed');
  });
});
