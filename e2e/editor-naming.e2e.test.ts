/**
 * Names as a user keeps them meaningful: a pasted block takes the next module prefix, a selection is
 * renamed by pattern in one undo step; and a layer added from the wire-drop menu lands clear of the
 * nodes already there.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { documentOf, dragFromPalette, dragWireToEmpty, launchBrowser, nodeLocator, nodesOverlap, openEditor, screenshot } from './editor-page.js';

let browser: Browser;
const url = inject('editorUrl');

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function layerNames(page: Page): Promise<string[]> {
  return (await documentOf(page)).nodes.map((n) => n.name);
}

/** The layer names drawn on the canvas. */
async function drawnNames(page: Page): Promise<string[]> {
  return page.locator('.react-flow__node [data-name]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
}

describe('naming copies and renaming', () => {
  it('pastes a ResNet block under the next prefix, renames it by pattern, and undoes the rename in one step', async () => {
    const { page, pageErrors } = await openEditor(browser, url);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.locator('[data-testid=btn-templates]').click();
    await page.locator('[data-testid=template-resnet18]').click();
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(14);

    // Find layer2.0, open it into its layers (E selects them): conv1, bn1, ..., downsample, named layer2.0.*.
    await page.keyboard.press('Control+f');
    await page.locator('[data-testid=find-input]').fill('layer2.0');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(400);
    await page.keyboard.press('e');
    await expect.poll(async () => (await layerNames(page)).filter((n) => n.startsWith('layer2.0.')).length).toBeGreaterThan(4);
    const block = (await layerNames(page)).filter((n) => n.startsWith('layer2.0.'));
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(block.length);

    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    const dialog = page.locator('[data-testid=naming-dialog]');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // layer2.1 is the next block of the network already, so the copy is offered layer2.2, the next one free.
    await expect(page.locator('[data-testid=naming-prefix]').inputValue()).resolves.toBe('layer2.2.');
    const preview = await page.locator('[data-testid=naming-preview] .naming-to').allTextContents();
    expect(preview).toEqual(block.map((n) => n.replace('layer2.0.', 'layer2.2.')));
    // The dialog says what Escape does.
    await expect(dialog.textContent()).resolves.toContain('Escape: paste with the names kept, made unique by a suffix (name_2)');
    await screenshot(page, 'editor-naming-01-paste-prefix');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    const pasted = block.map((n) => n.replace('layer2.0.', 'layer2.2.'));
    await expect.poll(async () => (await layerNames(page)).filter((n) => n.startsWith('layer2.2.'))).toEqual(pasted);
    await expect.poll(async () => (await drawnNames(page)).filter((n) => n.startsWith('layer2.2.')).sort()).toEqual([...pasted].sort());
    expect((await layerNames(page)).some((n) => n.endsWith('_2'))).toBe(false);
    await page.waitForTimeout(300);
    await screenshot(page, 'editor-naming-02-pasted');

    // Rename… the pasted layers (still selected) from the context menu.
    const before = await documentOf(page);
    await nodeLocator(page, pasted[0]!).click({ button: 'right' });
    await page.locator('[data-testid=context-menu] [role=menuitem]', { hasText: 'Rename' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // A name another layer has: shown, and nothing can be applied.
    await page.locator('[data-testid=naming-find]').fill('layer2.2.conv1');
    await page.locator('[data-testid=naming-replace]').fill('conv1');
    await expect(page.locator('[data-testid=naming-problem]').textContent()).resolves.toBe(
      "Nothing can be applied: 'conv1' is already the name of another layer.",
    );
    await expect(page.locator('[data-testid=naming-apply]').isDisabled()).resolves.toBe(true);
    await page.keyboard.press('Enter');
    expect(await layerNames(page)).toEqual(before.nodes.map((n) => n.name));
    await screenshot(page, 'editor-naming-03-rename-clash');

    await page.locator('[data-testid=naming-find]').fill('layer2.2.');
    await page.locator('[data-testid=naming-replace]').fill('extra.{i}.');
    const expected = pasted.map((n, i) => n.replace('layer2.2.', `extra.${i}.`));
    await expect(page.locator('[data-testid=naming-preview] .naming-to').allTextContents()).resolves.toEqual(expected);
    await screenshot(page, 'editor-naming-04-rename-preview');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(async () => (await drawnNames(page)).filter((n) => n.startsWith('extra.')).sort()).toEqual([...expected].sort());
    expect((await layerNames(page)).filter((n) => n.startsWith('layer2.2.'))).toEqual([]);
    await page.waitForTimeout(300);
    await screenshot(page, 'editor-naming-05-renamed');

    // One Ctrl+Z undoes the whole rename.
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => layerNames(page)).toEqual(before.nodes.map((n) => n.name));
    await expect.poll(async () => (await drawnNames(page)).filter((n) => n.startsWith('layer2.2.')).length).toBe(pasted.length);

    // Escape still pastes, with names made unique by a suffix as before.
    await page.keyboard.press('Control+v');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await layerNames(page)).filter((n) => n.startsWith('layer2.0.') && n.endsWith('_2'))).toEqual(block.map((n) => `${n}_2`));
    // The help lists the dialog's keys.
    await page.keyboard.press('?');
    await expect(page.locator('[data-testid=help]').textContent()).resolves.toContain('Ctrl+V / Ctrl+D, then Enter / Escape');
    expect(pageErrors).toEqual([]);
  });
});

describe('a layer added from the wire-drop menu', () => {
  it('lands clear of the node next to where the wire was dropped', async () => {
    const { page, pageErrors } = await openEditor(browser, url);
    await dragFromPalette(page, 'Input', { x: 200, y: 250 });
    await dragFromPalette(page, 'addConvolutionNd', { x: 560, y: 250 });
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(1);
    const conv = (await nodeLocator(page, 'convolution').boundingBox())!;
    // Empty canvas just above and left of the convolution: a layer put there as it is would cover it.
    await dragWireToEmpty(page, { node: 'data', port: 'output' }, { x: conv.x - 60, y: conv.y - 20 });
    await page.locator('[data-testid=search-input]').fill('relu');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(2);
    await page.waitForTimeout(300);
    const added = (await documentOf(page)).nodes[1]!;
    const box = (await nodeLocator(page, added.name).boundingBox())!;
    const apart = box.x + box.width <= conv.x || conv.x + conv.width <= box.x || box.y + box.height <= conv.y || conv.y + conv.height <= box.y;
    expect(apart).toBe(true);
    expect(await nodesOverlap(page)).toBe(false);
    // It is wired from the input all the same, and in view.
    expect((await documentOf(page)).edges.map((e) => e.to.node)).toEqual([added.id]);
    await screenshot(page, 'editor-naming-06-wire-drop-clear');
    expect(pageErrors).toEqual([]);
  });
});
