/** Auto-layout as a user sees it: a template opens as a straight line, L and Shift+L keep it straight. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { documentOf, launchBrowser, openEditor, screenshot } from './editor-page.js';
import type { NetworkDocument } from '../core/network/types.js';

let browser: Browser;
const url = inject('editorUrl');

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Every wire's target is further along the flow than its source; the spine (nodes with one input and one consumer) shares one line. */
function shape(doc: NetworkDocument, direction: 'LR' | 'TB'): { forward: boolean; lines: number } {
  const along = (id: string) => (direction === 'LR' ? doc.ui.positions[id]!.x : doc.ui.positions[id]!.y);
  const across = (id: string) => (direction === 'LR' ? doc.ui.positions[id]!.y : doc.ui.positions[id]!.x);
  const forward = doc.edges.every((e) => along(e.to.node) > along(e.from.node));
  return { forward, lines: new Set([...doc.inputs.map((i) => i.id), ...doc.nodes.map((n) => n.id)].map(across)).size };
}

async function handleSides(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid=layer-node] .react-flow__handle')
    .evaluateAll((hs) => [...new Set(hs.map((h) => ['left', 'right', 'top', 'bottom'].find((s) => h.classList.contains(`react-flow__handle-${s}`))!))].sort());
}

describe('auto-layout', () => {
  it('opens ResNet-18 as one straight line, lays it out left to right with L and top to bottom with Shift+L', async () => {
    const { page, pageErrors } = await openEditor(browser, url);
    await page.locator('[data-testid=btn-templates]').click();
    await page.locator('[data-testid=template-resnet18]').click();
    await expect.poll(async () => (await documentOf(page)).nodes.length, { timeout: 15_000 }).toBe(14);
    // A chain of blocks: every node on one row, every wire running right.
    expect(shape(await documentOf(page), 'LR')).toEqual({ forward: true, lines: 1 });
    expect(await handleSides(page)).toEqual(['left', 'right']);
    // The blocks' dashed borders are explained on the canvas.
    await expect(page.locator('[data-testid=canvas-legend]').innerText()).resolves.toBe('dashed layer: a block of several layers (E expands it)');
    await page.waitForTimeout(400);
    await screenshot(page, 'layout-01-resnet18-opened');

    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('l');
    await page.waitForTimeout(600);
    expect(shape(await documentOf(page), 'LR')).toEqual({ forward: true, lines: 1 });
    await screenshot(page, 'layout-02-resnet18-L');

    await page.keyboard.press('Shift+L');
    await expect.poll(async () => shape(await documentOf(page), 'TB'), { timeout: 10_000 }).toEqual({ forward: true, lines: 1 });
    // Top to bottom, wires leave from the bottom and enter at the top.
    await expect.poll(() => handleSides(page)).toEqual(['bottom', 'top']);
    await page.waitForTimeout(600);
    await screenshot(page, 'layout-03-resnet18-shift-L');

    // An expanded block branches: its skip connection (a downsampling convolution) runs beside the main path, every wire still forward.
    await page.locator('.react-flow__node:has([data-name="layer2.0"])').click();
    await page.keyboard.press('e');
    await expect.poll(async () => (await documentOf(page)).nodes.length, { timeout: 15_000 }).toBe(22);
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('Shift+L');
    await expect.poll(async () => shape(await documentOf(page), 'TB').forward, { timeout: 10_000 }).toBe(true);
    await page.waitForTimeout(600);
    await screenshot(page, 'layout-04-resnet18-expanded-TB');
    expect(pageErrors).toEqual([]);
  });
});
