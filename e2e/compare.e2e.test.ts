/**
 * "My network's output differs from PyTorch: where?" answered on the canvas, in Debian's Chromium
 * against the real web host: LeNet-5 from the template with its weights, a reference .npz of every
 * layer's output in which conv2's tensor was perturbed (as a wrong layer would make it), and the
 * input .npy, both in the folder the file browser opens. The comparison names conv2 as the first
 * layer that fails, selects, centres and colours it, lists every layer in order, and a row shows its
 * two tensors side by side.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formulaInput } from '../core/weights/formula.js';
import {
  browseToRoot,
  canvasCentre,
  dismissRecoveryOffers,
  documentOf,
  launchBrowser,
  nodeCentre,
  nodeLocator,
  openEditor,
  screenshot,
} from './editor-page.js';
import { npyOf, npzOf, templateActivations } from './reference-activations.js';

const url = inject('editorUrl');
const workDir = inject('workDir');

const LAYERS = ['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'fc1', 'relu3', 'fc2', 'relu4', 'fc3', 'softmax'];
/** conv2's element [0, 3, 4, 5] in the reference is off by this much (its largest value is about 2.5). */
const PERTURBATION = 0.5;
const PERTURBED_INDEX = [0, 3, 4, 5];

let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  copyFileSync('fixtures/lenet5.wts', join(workDir, 'lenet5.wts'));
  const input = { dims: [1, 1, 32, 32], data: formulaInput([1, 1, 32, 32]) };
  const reference = await templateActivations('lenet5', readFileSync('fixtures/lenet5.wts'), input);
  const conv2 = reference.get('conv2')!;
  conv2.data[3 * 100 + 4 * 10 + 5]! += PERTURBATION;
  // A key of a module the network does not have (a reference script saves every module's output).
  reference.set('dropout', { dims: [1, 84], data: new Float32Array(84) });
  writeFileSync(join(workDir, 'lenet5-reference.npz'), npzOf(reference));
  writeFileSync(join(workDir, 'lenet5-input.npy'), npyOf(input));
  browser = await launchBrowser();
  ({ page, pageErrors } = await openEditor(browser, url));
});
afterAll(async () => {
  await browser?.close();
});

/** In the file browser (it opens in the work folder, or lists the host's uploads first), pick `name`. */
async function pickInFileBrowser(name: string): Promise<void> {
  await browseToRoot(page, workDir);
  await page.click(`[data-testid=file-browser-entry][data-name="${name}"]`);
}

async function selectedName(): Promise<string | undefined> {
  const id = await page.evaluate(
    () => (window as unknown as { __trtStudio: { store: { getState(): { selected: string[] } } } }).__trtStudio.store.getState().selected[0],
  );
  return (await documentOf(page)).nodes.find((n) => n.id === id)?.name;
}

describe('comparing every layer with reference activations', () => {
  it('finds the perturbed layer: selected, centred, coloured and named first in the table', async () => {
    await dismissRecoveryOffers(page);
    await page.click('[data-testid=btn-templates]');
    await page.click('[data-testid=template-lenet5]');
    const discard = page.locator('[data-testid=confirm-discard]');
    await discard.waitFor({ timeout: 1_500 }).then(
      () => discard.click(),
      () => undefined,
    );
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.name)).toEqual(LAYERS);

    await page.click('[data-testid=dock-tab-weights]');
    await page.click('[data-testid=weights-import]');
    await pickInFileBrowser('lenet5.wts');
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent(), { timeout: 20_000 }).toMatch(/^10 of 10 tensors bound/);

    await page.click('[data-testid=dock-tab-compare]');
    // TensorRT is absent on this machine: the comparison between backends says so and cannot be chosen.
    expect(await page.locator('[data-testid=compare-against-backend]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=compare-against-backend-reason]').textContent()).toMatch(
      /^TensorRT is not available here \(.+\); comparing two backends needs it\. Compare against a reference file instead\.$/,
    );
    await page.click('[data-testid=compare-choose-reference]');
    await pickInFileBrowser('lenet5-reference.npz');
    await expect.poll(() => page.locator('[data-testid=compare-reference-path]').textContent()).toBe('lenet5-reference.npz');
    await page.click('[data-testid=compare-choose-input]');
    await pickInFileBrowser('lenet5-input.npy');
    await expect.poll(() => page.locator('[data-testid=compare-input-path]').textContent()).toBe('lenet5-input.npy');
    expect(await page.locator('[data-testid=compare-tolerance]').inputValue()).toBe('1e-4');
    await screenshot(page, 'compare-00-chosen');
    await page.click('[data-testid=compare-start]');

    const summary = page.locator('[data-testid=compare-summary]');
    await expect
      .poll(() => summary.textContent(), { timeout: 30_000 })
      .toMatch(/^The first layer that fails is conv2 \(rel error [\d.e-]+ > 1e-4: fails\); 1 of 12 compared layers fail\.$/);
    const rows = await page
      .locator('[data-testid=compare-row]')
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-layer'), tr.querySelector('[data-testid=compare-result]')!.textContent]));
    expect(rows).toEqual(LAYERS.map((l) => [l, l === 'conv2' ? 'FAIL' : 'pass']));
    expect(await page.locator('[data-testid=compare-unmatched-key]').allTextContents()).toEqual(['dropout']);

    // On the canvas: conv2 selected and centred, every compared layer coloured, conv2 the hottest.
    await expect.poll(selectedName).toBe('conv2');
    await expect
      .poll(async () => {
        const [node, canvas] = [await nodeCentre(page, 'conv2'), await canvasCentre(page)];
        return Math.hypot(node.x - canvas.x, node.y - canvas.y) < 40;
      })
      .toBe(true);
    await expect.poll(() => page.locator('.layer-node.heat').count()).toBe(12);
    expect(await nodeLocator(page, 'conv2').locator('.layer-node').getAttribute('data-heat')).toBe('1');
    expect(Number(await nodeLocator(page, 'relu2').locator('.layer-node').getAttribute('data-heat'))).toBeLessThan(0.75);
    expect(await page.locator('[data-testid=heat-legend]').getAttribute('data-source')).toBe('compare');
    expect(await page.locator('[data-testid=heat-legend] .heat-legend-stops').textContent()).toBe('≤ 1e-7tol 1e-4≥ 1e-3');

    // The first failing layer's tensors are shown at once; the worst element is the perturbed one.
    const pair = page.locator('[data-testid=compare-tensors]');
    await expect.poll(() => pair.getAttribute('data-layer')).toBe('conv2');
    const worst = await pair.locator('[data-testid=compare-worst-row]').first().locator('td').allTextContents();
    expect(worst[0]).toBe(`[${PERTURBED_INDEX.join(', ')}]`);
    expect(Number(worst[3])).toBeCloseTo(PERTURBATION, 3);
    await screenshot(page, 'compare-01-first-failing');
  });

  it('a row selects its layer and shows its two tensors side by side; Clear removes the colours', async () => {
    await page.click('[data-testid=compare-row][data-layer="relu2"]');
    await expect.poll(() => page.locator('[data-testid=compare-tensors]').getAttribute('data-layer')).toBe('relu2');
    await expect.poll(selectedName).toBe('relu2');
    const stats = async (side: string) => page.locator(`[data-testid=compare-${side}-stats] dd`).allTextContents();
    // relu2 matches its reference: the same statistics on both sides, and no negative values after a ReLU.
    expect(await stats('actual')).toEqual(await stats('reference'));
    expect(Number((await stats('actual'))[0])).toBe(0);
    expect(await page.locator('[data-testid=compare-actual] [data-testid=histogram-bar]').count()).toBeGreaterThan(1);
    expect(await page.locator('[data-testid=compare-reference] [data-testid=histogram-bar]').count()).toBeGreaterThan(1);
    await screenshot(page, 'compare-02-tensors');

    await page.click('[data-testid=compare-clear]');
    await expect.poll(() => page.locator('.layer-node.heat').count()).toBe(0);
    expect(await page.locator('[data-testid=heat-legend]').count()).toBe(0);
    expect(await page.locator('[data-testid=compare-table]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
