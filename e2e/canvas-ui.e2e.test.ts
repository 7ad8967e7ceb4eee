/** Small things a user meets on the canvas: where new nodes land, Shift+click, counted words. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { documentOf, dragFromPalette, dragWire, launchBrowser, nodeLocator, openEditor, screenshot } from './editor-page.js';

let browser: Browser;
const url = inject('editorUrl');

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('the canvas', () => {
  it('greets a fresh start with what to do first, not an error', async () => {
    const { page, pageErrors } = await openEditor(browser, url);
    await expect(page.locator('[data-testid=problem] .problem-message').allInnerTexts()).resolves.toEqual([
      "Network 'Untitled' has no layers yet: drag a layer from the palette onto the canvas, or start from a model template.",
    ]);
    await expect(page.locator('[data-testid=problem]').getAttribute('class')).resolves.toBe('problem problem-info');
    await expect(page.locator('[data-testid=problems] .count.error').innerText()).resolves.toBe('0');
    await expect(page.locator('[data-testid=status-bar]').innerText()).resolves.toContain('0 errors');
    await screenshot(page, 'canvas-00-fresh-start');
    // A layer without an output is an error again, as build and run say.
    await dragFromPalette(page, 'Input', { x: 180, y: 220 });
    await dragFromPalette(page, 'addActivation', { x: 520, y: 220 });
    await dragWire(page, { node: 'data', port: 'output' }, { node: 'activation', port: 'input' });
    await expect.poll(() => page.locator('[data-testid=problem] .problem-code').allInnerTexts()).toEqual(['lower.output.none']);
    await expect(page.locator('[data-testid=status-bar]').innerText()).resolves.toContain('1 error');
    await screenshot(page, 'canvas-01-layer-without-output');
    expect(pageErrors).toEqual([]);
  });

  it('adds to the selection with Shift+click and says so in the help', async () => {
    const { page } = await openEditor(browser, url);
    await dragFromPalette(page, 'Input', { x: 180, y: 220 });
    await dragFromPalette(page, 'addActivation', { x: 520, y: 220 });
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(1);
    await nodeLocator(page, 'data').click();
    await nodeLocator(page, 'activation').click({ modifiers: ['Shift'] });
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(2);
    await expect(page.locator('.inspector').textContent()).resolves.toContain('2 nodes selected');
    await page.keyboard.press('?');
    await expect(page.locator('[data-testid=help]').textContent()).resolves.toContain('Shift+click / Ctrl+click');
  });

  it('counts in words: 1 input, Pasted 1 node', async () => {
    const { page } = await openEditor(browser, url);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await dragFromPalette(page, 'Input', { x: 180, y: 220 });
    await dragFromPalette(page, 'addActivation', { x: 520, y: 220 });
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(1);
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await expect(page.locator('.inspector').textContent()).resolves.toContain('1 layer, 1 input, 0 wires, 0 outputs');
    await expect(page.locator('[data-testid=status-bar]').textContent()).resolves.toContain('1 layer');
    await nodeLocator(page, 'activation').click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('[data-testid=notice]').allTextContents()).toContain('Pasted 1 node.');
  });

  it('brings a pasted node into view, clear of the minimap', async () => {
    const { page } = await openEditor(browser, url);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await dragFromPalette(page, 'addActivation', { x: 400, y: 200 });
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(1);
    await nodeLocator(page, 'activation').click();
    await page.keyboard.press('Control+c');
    // Pan far away: the copied layer and where its copy lands are out of view.
    const pane = (await page.locator('[data-testid=canvas]').boundingBox())!;
    for (let i = 0; i < 3; i++) {
      await page.mouse.move(pane.x + pane.width - 100, pane.y + pane.height / 2);
      await page.mouse.down();
      await page.mouse.move(pane.x + 100, pane.y + 60, { steps: 5 });
      await page.mouse.up();
    }
    await expect.poll(async () => (await nodeLocator(page, 'activation').first().boundingBox())!.x < pane.x).toBe(true);
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(2);
    const minimap = (await page.locator('[data-testid=minimap]').boundingBox())!;
    const pasted = page.locator('.react-flow__node.selected');
    await expect
      .poll(async () => {
        const b = (await pasted.boundingBox())!;
        return b.x >= pane.x && b.x + b.width <= pane.x + pane.width && b.y >= pane.y && b.y + b.height <= minimap.y;
      })
      .toBe(true);
    await screenshot(page, 'canvas-ui-pasted-in-view');
  });

  it('keeps an invalid value in the inspector, with its error, until it is fixed or Escape', async () => {
    const { page } = await openEditor(browser, url);
    await dragFromPalette(page, 'addConvolutionNd', { x: 400, y: 200 });
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(1);
    await nodeLocator(page, 'convolution').click();
    const field = page.locator('[data-testid="param-nbOutputMaps"]');
    const before = await field.inputValue();
    await field.fill('-3');
    // Leaving the field neither commits nor forgets it.
    await page.locator('.inspector .panel-title').click();
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(false);
    await expect(field.inputValue()).resolves.toBe('-3');
    await expect(page.locator('.field-error').first().textContent()).resolves.toBe('-3 is below the minimum 1');
    expect(String((await documentOf(page)).nodes[0]!.params.nbOutputMaps)).toBe(before);
    await screenshot(page, 'canvas-ui-invalid-kept');
    // Escape gives the saved value back.
    await field.focus();
    await field.press('Escape');
    await expect(field.inputValue()).resolves.toBe(before);
    expect(await page.locator('.field-error').count()).toBe(0);
    // Fixed, it commits on blur.
    await field.fill('16');
    await field.press('Tab');
    await expect.poll(async () => (await documentOf(page)).nodes[0]!.params.nbOutputMaps).toBe(16);
  });

  it('lays the network out again when a new group would cover other nodes, so its frame holds only its members', async () => {
    const { page } = await openEditor(browser, url);
    await dragFromPalette(page, 'Input', { x: 160, y: 220 });
    await dragFromPalette(page, 'addActivation', { x: 460, y: 220 });
    await dragFromPalette(page, 'addActivation', { x: 760, y: 220 });
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(2);
    await nodeLocator(page, 'data').click();
    await nodeLocator(page, 'activation_2').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+g');
    await expect.poll(async () => (await documentOf(page)).ui.groups.length).toBe(1);
    const frame = page.locator('[data-testid=group-frame]');
    const middle = nodeLocator(page, 'activation');
    await expect
      .poll(async () => {
        const [f, m] = [(await frame.boundingBox())!, (await middle.boundingBox())!];
        return m.x >= f.x + f.width || m.x + m.width <= f.x || m.y >= f.y + f.height || m.y + m.height <= f.y;
      })
      .toBe(true);
    await screenshot(page, 'canvas-ui-group-frame');
  });
});
