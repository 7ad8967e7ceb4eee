/**
 * Weights from Hugging Face and NumPy in the UI, in Debian's Chromium against the real web host: a
 * `.safetensors` dropped on the weights panel (uploaded from "this computer") and an `.npz` opened
 * through the file browser are decoded by the host and auto-mapped onto LeNet-5 by their PyTorch
 * names, as a `.wts` is.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StateDictEntry } from '../core/weights/formula.js';
import { encodeNpy, encodeSafetensors, encodeZip, formulaSafetensors } from '../core/weights/tensor-file-writers.testing.js';
import { browseToRoot, dismissRecoveryOffers, documentOf, launchBrowser, openEditor, screenshot } from './editor-page.js';

const url = inject('editorUrl');
const workDir = inject('workDir');
const lenet = (JSON.parse(readFileSync('fixtures/models.json', 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>).lenet5!.state_dict;

let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  // The .npz as numpy.savez_compressed writes it: one deflated .npy per tensor.
  const npz = encodeZip(
    formulaSafetensors(lenet).map((t) => ({ name: `${t.name}.npy`, data: encodeNpy('<f4', t.shape, t.data), deflate: true })),
    { deflateRaw: (b) => new Uint8Array(deflateRawSync(b)), crc32: (b) => crc32(b) },
  );
  writeFileSync(join(workDir, 'lenet5-numpy.npz'), npz);
  browser = await launchBrowser();
  ({ page, pageErrors } = await openEditor(browser, url));
});
afterAll(async () => {
  await browser?.close();
});

/** Drop a file from "this computer" on an element, as the desktop's file manager does. */
async function dropFile(selector: string, name: string, bytes: Uint8Array): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ base64, fileName }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], fileName));
      return transfer;
    },
    { base64: Buffer.from(bytes).toString('base64'), fileName: name },
  );
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

describe('weights from .safetensors and .npz in the weights panel', () => {
  it('a dropped .safetensors is uploaded, decoded and auto-mapped onto LeNet-5 by name', async () => {
    await dismissRecoveryOffers(page);
    await page.click('[data-testid=btn-templates]');
    await page.click('[data-testid=template-lenet5]');
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(12);
    await page.click('[data-testid=dock-tab-weights]');
    expect(await page.locator('[data-testid=weights-import]').textContent()).toBe('Import weights…');
    expect(await page.locator('[data-testid=weights-panel] .wf-hint').textContent()).toMatch(
      /^Import a \.wts, \.safetensors or \.npz file, or drop one here\./,
    );

    await dropFile('[data-testid=weights-panel]', 'lenet5.safetensors', encodeSafetensors(formulaSafetensors(lenet)));
    await expect.poll(() => page.locator('[data-testid=weights-row]').count(), { timeout: 20_000 }).toBe(10);
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent()).toMatch(/^10 of 10 tensors bound/);
    await expect.poll(() => page.locator('[data-testid=weights-file]').textContent()).toMatch(/^lenet5\.safetensors · 10 tensors · 248 KB · 10 bound$/);
    const doc = await documentOf(page);
    expect(doc.bindings[doc.nodes.find((n) => n.name === 'fc3')!.id]).toEqual({ weight: 'fc3.weight', bias: 'fc3.bias' });
    const conv1 = page.locator('[data-testid=weights-row][data-tensor="conv1.weight"]');
    expect(await conv1.locator('[data-testid=weights-bound-to]').textContent()).toBe('conv1.kernel');
    expect(await conv1.locator('td').nth(2).textContent()).toBe('[6, 1, 5, 5]');
    await screenshot(page, 'weight-formats-01-safetensors-dropped');
  });

  it('an .npz opened through the file browser replaces it, auto-mapped the same way', async () => {
    await page.click('[data-testid=weights-import]');
    await browseToRoot(page, workDir);
    await page.click('[data-testid=file-browser-entry][data-name="lenet5-numpy.npz"]');
    await expect
      .poll(() => page.locator('[data-testid=weights-file]').textContent(), { timeout: 20_000 })
      .toMatch(/^lenet5-numpy\.npz · 10 tensors · .* · 10 bound$/);
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent()).toMatch(/^10 of 10 tensors bound/);
    expect(await page.locator('[data-testid=weights-row][data-tensor="fc1.weight"] [data-testid=weights-bound-to]').textContent()).toBe('fc1.weight');
    await screenshot(page, 'weight-formats-02-npz-opened');
    expect(pageErrors).toEqual([]);
  });
});
