/**
 * Reusable blocks in the editor, the way a user copying a PyTorch `nn.Sequential` works: two layers
 * become a block, the instance repeats three times as `layer1.0` … `layer1.2`, the definition is
 * edited on the canvas and every copy follows, the instance is copied and pasted as `layer2` with
 * its repeat, a `.wts` named like PyTorch's state_dict binds to all of it by name, and the copy
 * pastes into a new project with its block.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLayerSpec } from '../core/layers/catalog.js';
import { completeParams } from '../core/layers/params.js';
import { serializeProject } from '../core/network/project-file.js';
import { emptyDocument, type Params } from '../core/network/types.js';
import { documentOf, dragWire, launchBrowser, nodeLocator, openEditor, screenshot, setField, startWebHost, type WebHost } from './editor-page.js';

let browser: Browser;
let host: WebHost;
let root: string;

function layer(id: string, type: string, name: string, params: Params) {
  return { id, type, name, params: completeParams(getLayerSpec(type)!.params, params) };
}

/** data [1, 4, 8, 8] → layer1.conv (3×3, 4 maps) → layer1.relu → output `out`. */
function startingProject(): string {
  const doc = emptyDocument('blocks');
  doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 4, 8, 8] });
  doc.nodes.push(
    layer('c', 'addConvolutionNd', 'layer1.conv', { nbOutputMaps: 4, kernelSize: [3, 3], prePadding: [1, 1], postPadding: [1, 1] }),
    layer('r', 'addActivation', 'layer1.relu', { type: 'RELU' }),
  );
  doc.edges.push({ id: 'e1', from: { node: 'in', port: 'output' }, to: { node: 'c', port: 'input' } });
  doc.edges.push({ id: 'e2', from: { node: 'c', port: 'output' }, to: { node: 'r', port: 'input' } });
  doc.outputs.push({ name: 'out', from: { node: 'r', port: 'output' } });
  doc.ui.positions = { in: { x: 0, y: 0 }, c: { x: 260, y: 0 }, r: { x: 520, y: 0 } };
  return serializeProject(doc);
}

/** A tensorrtx `.wts`: a count line, then `name count hex…` with big-endian float32 values. */
function wts(tensors: Record<string, number>): string {
  const bytes = new DataView(new ArrayBuffer(4));
  const lines = Object.entries(tensors).map(([name, count]) => {
    const values = Array.from({ length: count }, (_, i) => {
      bytes.setFloat32(0, ((i % 17) - 8) / 64);
      return bytes.getUint32(0).toString(16).padStart(8, '0');
    });
    return `${name} ${count} ${values.join(' ')}`;
  });
  return `${lines.length}\n${lines.join('\n')}\n`;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'trt-studio-blocks-'));
  writeFileSync(join(root, 'blocks.trtstudio'), startingProject());
  // The network as it is after the edits below: three copies, the definition's convolution at 8
  // maps, and the pasted `layer2` after it, three copies reading 8 channels.
  writeFileSync(
    join(root, 'layers.wts'),
    wts({
      'layer1.0.conv.weight': 8 * 4 * 9,
      'layer1.0.conv.bias': 8,
      'layer1.1.conv.weight': 8 * 8 * 9,
      'layer1.1.conv.bias': 8,
      'layer1.2.conv.weight': 8 * 8 * 9,
      'layer1.2.conv.bias': 8,
      'layer2.0.conv.weight': 8 * 8 * 9,
      'layer2.0.conv.bias': 8,
      'layer2.1.conv.weight': 8 * 8 * 9,
      'layer2.1.conv.bias': 8,
      'layer2.2.conv.weight': 8 * 8 * 9,
      'layer2.2.conv.bias': 8,
    }),
  );
  host = await startWebHost({ configDir: mkdtempSync(join(tmpdir(), 'trt-studio-config-')), root });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.stop('SIGKILL');
});

/** The instance's weight slots as the inspector lists them. */
async function inspectorWeights(page: Page): Promise<string[]> {
  return page.locator('[data-testid=inspector] .kv[title]').evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
}

describe('user-defined blocks in the editor', () => {
  it('makes a block, repeats it with index naming, edits the definition for every copy, pastes it with a prefix rewrite, binds a .wts by name and shares the block through a library', async () => {
    const { page, pageErrors } = await openEditor(browser, host.url);
    await page.locator('button', { hasText: /^Open$/ }).click();
    await page.locator('[data-testid=file-browser-entry][data-name="blocks.trtstudio"]').click();
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.name)).toEqual(['layer1.conv', 'layer1.relu']);

    // Select both layers; the inspector offers to make them a block.
    await nodeLocator(page, 'layer1.conv').click();
    await nodeLocator(page, 'layer1.relu').click({ modifiers: ['Shift'] });
    await page.locator('[data-testid=make-block-name]').fill('Unit');
    await screenshot(page, 'blocks-01-selection');
    await page.locator('[data-testid=make-block]').click();
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => [n.name, n.type])).toEqual([['layer1', 'block:Unit']]);
    const made = await documentOf(page);
    expect(made.blocks!.map((b) => [b.name, b.nodes.map((n) => n.name)])).toEqual([['Unit', ['conv', 'relu']]]);

    // Repeat three times: the copies are layer1.0, layer1.1, layer1.2.
    const count = page.locator('[data-testid=repeat-count]');
    await count.fill('3');
    await count.press('Enter');
    await expect.poll(() => nodeLocator(page, 'layer1').locator('[data-testid=node-repeat]').textContent()).toBe('.0…2');
    expect((await inspectorWeights(page)).filter((w) => w.includes('conv.weight'))).toEqual([
      '0.conv.weight[4, 4, 3, 3] = 144',
      '1.conv.weight[4, 4, 3, 3] = 144',
      '2.conv.weight[4, 4, 3, 3] = 144',
    ]);
    await screenshot(page, 'blocks-02-repeated');

    // Edit the definition on the canvas: its own graph, with a way back.
    await page.locator('[data-testid=edit-definition]').click();
    await expect.poll(() => page.locator('[data-testid=block-breadcrumb]').textContent()).toContain('Block Unit');
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.name)).toEqual(['conv', 'relu']);
    await nodeLocator(page, 'conv').click();
    await setField(page, 'nbOutputMaps', '8');
    await screenshot(page, 'blocks-03-definition');
    await page.locator('[data-testid=close-definition]').click();
    await expect.poll(() => page.locator('[data-testid=block-breadcrumb]').count()).toBe(0);

    // Every copy follows: 8 maps out of each, the first reading 4 channels and the others 8.
    await expect.poll(async () => (await documentOf(page)).blocks![0]!.nodes[0]!.params.nbOutputMaps).toBe(8);
    await expect.poll(() => nodeLocator(page, 'layer1').locator('.node-dims').textContent()).toBe('[1, 8, 8, 8]');
    await nodeLocator(page, 'layer1').click();
    expect((await inspectorWeights(page)).filter((w) => w.includes('conv.weight'))).toEqual([
      '0.conv.weight[8, 4, 3, 3] = 288',
      '1.conv.weight[8, 8, 3, 3] = 576',
      '2.conv.weight[8, 8, 3, 3] = 576',
    ]);

    // Copy the instance and paste it: the next stage's name is offered, `layer2`, and the copy keeps its repeat.
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    const dialog = page.locator('[data-testid=naming-dialog]');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await expect(page.locator('[data-testid=naming-prefix]').inputValue()).resolves.toBe('layer2');
    await expect(page.locator('[data-testid=naming-preview] .naming-to').allTextContents()).resolves.toEqual(['layer2']);
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect
      .poll(async () => (await documentOf(page)).nodes.map((n) => [n.name, n.type, n.repeat]))
      .toEqual([
        ['layer1', 'block:Unit', { count: 3 }],
        ['layer2', 'block:Unit', { count: 3 }],
      ]);
    await expect.poll(() => nodeLocator(page, 'layer2').locator('[data-testid=node-repeat]').textContent()).toBe('.0…2');
    // The pasted stage follows the first, as in a ResNet: layer1's output feeds layer2.
    await dragWire(page, { node: 'layer1', port: 'output' }, { node: 'layer2', port: 'input' });
    await expect.poll(() => nodeLocator(page, 'layer2').locator('.node-dims').textContent()).toBe('[1, 8, 8, 8]');
    await nodeLocator(page, 'layer2').click();
    expect((await inspectorWeights(page)).filter((w) => w.includes('conv.weight'))).toEqual([
      '0.conv.weight[8, 8, 3, 3] = 576',
      '1.conv.weight[8, 8, 3, 3] = 576',
      '2.conv.weight[8, 8, 3, 3] = 576',
    ]);
    // Laid out left to right, the two stages read as a chain.
    await page.locator('button', { hasText: /^Layout →$/ }).click();
    await expect
      .poll(async () => {
        const at = (await documentOf(page)).ui.positions;
        const [one, two] = (await documentOf(page)).nodes.map((n) => at[n.id]!);
        return two!.x > one!.x + 200;
      })
      .toBe(true);
    await page.waitForTimeout(300);
    await screenshot(page, 'blocks-04-pasted');

    // A .wts named like PyTorch's state_dict binds to every copy of both stages by name.
    await page.click('[data-testid=dock-tab-weights]');
    await page.click('[data-testid=weights-import]');
    await page.click('[data-testid=file-browser-entry][data-name="layers.wts"]');
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent(), { timeout: 20_000 }).toBe('12 of 12 tensors bound');
    const bound = await documentOf(page);
    const slots = (stage: string) => Object.fromEntries([0, 1, 2].flatMap((i) => ['weight', 'bias'].map((w) => [`${i}.conv.${w}`, `${stage}.${i}.conv.${w}`])));
    expect(bound.bindings[bound.nodes[0]!.id]).toEqual(slots('layer1'));
    expect(bound.bindings[bound.nodes[1]!.id]).toEqual(slots('layer2'));
    await screenshot(page, 'blocks-05-bound');

    // The block goes to a library file and from there into a new project's palette.
    await page.locator('[data-testid=canvas] .react-flow__pane').click({ position: { x: 40, y: 40 } });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=save-block-library]').click()]);
    expect(download.suggestedFilename()).toBe('blocks.trtblocks');
    const library = join(root, 'saved.trtblocks');
    await download.saveAs(library);
    await page.locator('button', { hasText: /^New$/ }).click();
    const discard = page.locator('[data-testid=confirm-discard]');
    await discard.click();
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(0);
    // The copied stage, still on the clipboard, pastes into the new project with its block.
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('[data-testid=notice]').allTextContents()).toContain("Pasted 1 node and the block 'Unit' it uses.");
    const pastedHere = await documentOf(page);
    expect(pastedHere.nodes.map((n) => [n.name, n.type, n.repeat])).toEqual([['layer1', 'block:Unit', { count: 3 }]]);
    expect(pastedHere.blocks).toEqual(bound.blocks);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await documentOf(page)).blocks ?? []).toEqual([]);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('[data-testid=load-block-library]').click()]);
    await chooser.setFiles(library);
    await expect.poll(async () => (await documentOf(page)).blocks?.map((b) => b.name)).toEqual(['Unit']);
    await expect.poll(() => page.locator('[data-testid="palette-block:Unit"] .palette-label').textContent()).toBe('Unit');
    expect(pageErrors).toEqual([]);
  });
});
