/** Auto-layout as a user sees it: a template opens as a straight line, L and Shift+L keep it straight, and no fit hides a node under an overlay. */
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

/** The nodes on screen that meet an overlay of the canvas (minimap, zoom buttons, legend), as 'overlay: node'. */
async function coveredNodes(page: Page): Promise<string[]> {
  return page.locator('[data-testid=canvas]').evaluate((canvas) => {
    const meets = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const overlays = [...canvas.querySelectorAll('.react-flow__panel')].map((p) => ({
      name: p.getAttribute('data-testid') ?? p.className,
      box: p.getBoundingClientRect(),
    }));
    const nodes = [...canvas.querySelectorAll('.react-flow__node')].map((n) => ({
      name: n.querySelector('[data-name]')?.getAttribute('data-name') ?? n.id,
      box: n.getBoundingClientRect(),
    }));
    return overlays.flatMap((o) => nodes.filter((n) => meets(o.box, n.box)).map((n) => `${o.name}: ${n.name}`));
  });
}

/** Waits until the view has stopped moving (a fit animates for 200 ms). */
async function viewSettled(page: Page): Promise<void> {
  const transform = () => page.locator('.react-flow__viewport').evaluate((v) => (v as HTMLElement).style.transform);
  let last = '';
  await expect
    .poll(
      async () => {
        const now = await transform();
        const still = now === last;
        last = now;
        return still;
      },
      { interval: 300 },
    )
    .toBe(true);
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

  it('keeps every node clear of the minimap, the zoom buttons and the legend after Layout ↓, Layout → and Fit', async () => {
    const { page, pageErrors } = await openEditor(browser, url);
    // A window 1,200 pixels wide: YOLOv8n laid out top to bottom turns right near the bottom of its first screen.
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.locator('[data-testid=btn-templates]').click();
    await page.locator('[data-testid=template-yolov8n]').click();
    await expect.poll(async () => (await documentOf(page)).nodes.length, { timeout: 15_000 }).toBe(23);
    await viewSettled(page);
    const overlays = await page
      .locator('[data-testid=canvas] .react-flow__panel')
      .evaluateAll((ps) => ps.map((p) => p.getAttribute('data-testid') ?? p.className));
    expect(overlays).toEqual(['minimap', 'rf__controls', 'canvas-legend']);
    expect(await coveredNodes(page)).toEqual([]);

    await page.locator('[data-testid=btn-layout-tb]').click();
    await expect.poll(() => handleSides(page)).toEqual(['bottom', 'top']);
    await viewSettled(page);
    await screenshot(page, 'layout-05-yolov8n-layout-TB');
    expect(await coveredNodes(page)).toEqual([]);
    // The start of the network, readable: the input at the top.
    expect((await page.locator('[data-testid=input-node]').boundingBox())!.width).toBeGreaterThan(90);

    await page.locator('[data-testid=btn-fit]').click();
    await viewSettled(page);
    await screenshot(page, 'layout-06-yolov8n-fit-TB');
    expect(await coveredNodes(page)).toEqual([]);

    await page.locator('[data-testid=btn-layout-lr]').click();
    await expect.poll(() => handleSides(page)).toEqual(['left', 'right']);
    await viewSettled(page);
    await screenshot(page, 'layout-07-yolov8n-layout-LR');
    expect(await coveredNodes(page)).toEqual([]);

    // The zoom buttons' own fit button fits as the toolbar's does.
    await page.locator('[data-testid=controls-fit]').click();
    await viewSettled(page);
    await screenshot(page, 'layout-08-yolov8n-fit-LR');
    expect(await coveredNodes(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
