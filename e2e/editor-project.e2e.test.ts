/**
 * The editor's project comforts end to end: a template opened and laid out, save / save as, open,
 * recent projects, the unsaved-changes prompt and recovery after the host crashed. Each test runs
 * its own web host with its own config folder, so recent and recovery files are the test's alone.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  allNodesVisible,
  documentOf,
  dragFromPalette,
  editorState,
  launchBrowser,
  nodeLocator,
  nodesOverlap,
  openEditor,
  screenshot,
  startWebHost,
  type WebHost,
} from './editor-page.js';

let browser: Browser;
const hosts: WebHost[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop()));
});

/** A fresh host over a fresh folder; returns its URL and the folders. */
async function freshHost(configDir = mkdtempSync(join(tmpdir(), 'trt-studio-config-'))): Promise<{ host: WebHost; configDir: string; root: string }> {
  const root = mkdtempSync(join(tmpdir(), 'trt-studio-projects-'));
  const host = await startWebHost({ configDir, root });
  hosts.push(host);
  return { host, configDir, root };
}

// These tests start hosts of their own from the build's CLI.
describe('projects', () => {
  it('opens ResNet-18 from the templates laid out and fitted, saves it as a file, and opens it again after a reload', async () => {
    const { host, root } = await freshHost();
    const { page, pageErrors } = await openEditor(browser, host.url);
    await page.locator('[data-testid=btn-templates]').click();
    await page.locator('[data-testid=template-resnet18]').click();
    await expect.poll(async () => (await documentOf(page)).nodes.length, { timeout: 15_000 }).toBe(14); // the first layout starts the elkjs worker
    await expect.poll(() => page.locator('[data-testid=doc-title]').textContent()).toBe('resnet18');
    // Laid out in one straight line, too long to fit readably: its start is in view at a readable
    // zoom; nothing overlaps, every wire has its dims; F fits it all.
    await expect.poll(async () => (await nodeLocator(page, 'data').boundingBox())?.x ?? -1).toBeGreaterThan(0);
    expect(await allNodesVisible(page)).toBe(false);
    expect(await nodesOverlap(page)).toBe(false);
    const labels = await page.locator('[data-testid=wire-label]').allTextContents();
    expect(labels).toHaveLength(14);
    expect(labels).not.toContain('?');
    expect(labels).toContain('[1, 512, 7, 7]');
    await expect(nodeLocator(page, 'conv1').locator('.node-summary').textContent()).resolves.toBe('7×7 /2 64');
    await expect(nodeLocator(page, 'fc').locator('.node-dims').textContent()).resolves.toBe('[1, 1000]');
    expect(await editorState(page)).toEqual({ dirty: false, filePath: undefined, past: 0 });
    await screenshot(page, '20-template-resnet18');
    await page.keyboard.press('f');
    await expect.poll(() => allNodesVisible(page)).toBe(true);

    // Ctrl+S on a project never saved asks where: the host's file browser.
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=file-browser-name]').fill('my-resnet.trtstudio');
    await page.locator('[data-testid=file-browser-ok]').click();
    const path = join(root, 'my-resnet.trtstudio');
    await expect.poll(() => editorState(page)).toEqual({ dirty: false, filePath: path, past: 0 });
    const file = JSON.parse(readFileSync(path, 'utf8')) as { format: string; network: { name: string; nodes: unknown[] } };
    // The network takes the file's name: the title and every export's default name follow it.
    expect([file.format, file.network.name, file.network.nodes.length]).toEqual(['trtstudio', 'my-resnet', 14]);
    await expect.poll(() => page.locator('[data-testid=doc-title]').textContent()).toBe('my-resnet');
    expect(await page.title()).toBe('my-resnet — TRT Studio');
    const saved = await documentOf(page);

    // Save as: a second file; the editor now works on it.
    await page.keyboard.press('Control+Shift+s');
    await page.locator('[data-testid=file-browser-name]').fill('copy.trtstudio');
    await screenshot(page, '20b-save-as-dialog');
    // Enter in the name field saves, as the Save button does.
    await page.locator('[data-testid=file-browser-name]').press('Enter');
    await expect.poll(async () => (await editorState(page)).filePath).toBe(join(root, 'copy.trtstudio'));
    expect([(await documentOf(page)).name, await page.title()]).toEqual(['copy', 'copy — TRT Studio']);
    expect((JSON.parse(readFileSync(join(root, 'copy.trtstudio'), 'utf8')) as { network: { name: string } }).network.name).toBe('copy');

    // A reload brings back the project the tab had open; Open through the file browser brings the first file back as it was.
    await page.reload();
    await page.waitForSelector('.react-flow__renderer');
    await expect.poll(() => editorState(page)).toEqual({ dirty: false, filePath: join(root, 'copy.trtstudio'), past: 0 });
    expect((await documentOf(page)).nodes).toHaveLength(14);
    await page.locator('button', { hasText: /^Open$/ }).click();
    await page.locator('[data-testid=file-browser-entry][data-name="my-resnet.trtstudio"]').waitFor();
    await screenshot(page, '20c-open-dialog');
    await page.locator('[data-testid=file-browser-entry][data-name="my-resnet.trtstudio"]').click();
    // Both files hold 14 layers: wait for the file that was opened, not for a count the old one has too.
    await expect.poll(async () => (await editorState(page)).filePath).toBe(path);
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(14);
    const opened = await documentOf(page);
    expect({ nodes: opened.nodes, edges: opened.edges, inputs: opened.inputs, outputs: opened.outputs, positions: opened.ui.positions }).toEqual({
      nodes: saved.nodes,
      edges: saved.edges,
      inputs: saved.inputs,
      outputs: saved.outputs,
      positions: saved.ui.positions,
    });
    expect(await editorState(page)).toEqual({ dirty: false, filePath: path, past: 0 });

    // Recent lists both files, newest first; choosing one opens it.
    await page.locator('[data-testid=btn-recent]').click();
    const entries = page.locator('[data-testid=recent-entry]');
    await expect.poll(() => entries.locator('.dropdown-detail').allTextContents()).toEqual([path, join(root, 'copy.trtstudio')]);
    await screenshot(page, '21-recent-projects');
    await entries.nth(1).locator('.dropdown-main').click();
    await expect.poll(async () => (await editorState(page)).filePath).toBe(join(root, 'copy.trtstudio'));
    expect((await documentOf(page)).nodes).toHaveLength(14);
    expect(pageErrors).toEqual([]);
  });

  it('asks before unsaved changes are thrown away, and keeps them on Cancel', async () => {
    const { host, configDir } = await freshHost();
    const recovery = join(configDir, 'recovery');
    const recoveryFiles = () => (existsSync(recovery) ? readdirSync(recovery) : []);
    const { page } = await openEditor(browser, host.url);
    await dragFromPalette(page, 'Input', { x: 200, y: 200 });
    await expect.poll(async () => (await editorState(page)).dirty).toBe(true);
    await expect(page.locator('[data-testid=doc-title]').textContent()).resolves.toBe('Untitled •');
    await expect.poll(recoveryFiles).toHaveLength(1);
    await page.locator('[data-testid=btn-templates]').click();
    await page.locator('[data-testid=template-lenet5]').click();
    const dialog = page.locator('[data-testid=confirm-dialog]');
    await expect(dialog.locator('p').textContent()).resolves.toBe('“Untitled” has changes that are not saved. Discard them?');
    await screenshot(page, '22-unsaved-changes');
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    expect((await documentOf(page)).inputs).toHaveLength(1);
    expect((await documentOf(page)).name).toBe('Untitled');
    await page.locator('[data-testid=btn-templates]').click();
    await page.locator('[data-testid=template-lenet5]').click();
    await page.locator('[data-testid=confirm-discard]').click();
    await expect.poll(async () => (await documentOf(page)).name, { timeout: 15_000 }).toBe('lenet5');
    expect(await editorState(page)).toEqual({ dirty: false, filePath: undefined, past: 0 });
    // The discarded work is not offered back after a crash.
    await expect.poll(recoveryFiles).toEqual([]);
  });

  it('offers back the unsaved work of a host that crashed, and restores it as unsaved', async () => {
    const first = await freshHost();
    const { page } = await openEditor(browser, first.host.url);
    await dragFromPalette(page, 'Input', { x: 200, y: 220 });
    await dragFromPalette(page, 'addConvolutionNd', { x: 520, y: 220 });
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(1);
    const before = await documentOf(page);
    // The host writes the recovery file at once for the first change, then at most every 5 s. Only
    // the renamed file counts: a kill before the atomic write's rename leaves the older one.
    const recovery = join(first.configDir, 'recovery');
    const written = () =>
      existsSync(recovery) &&
      readdirSync(recovery).some((f) => /^[^.].*\.json$/.test(f) && JSON.parse(readFileSync(join(recovery, f), 'utf8')).document?.nodes?.length === 1);
    await expect.poll(written, { timeout: 15_000 }).toBe(true);
    await page.close();
    await first.host.stop('SIGKILL');

    const second = await freshHost(first.configDir);
    const next = await openEditor(browser, second.host.url);
    const offer = next.page.locator('[data-testid=recovery-offer]');
    await expect
      .poll(() => offer.textContent())
      .toMatch(
        /^Recover unsaved work\?“Untitled”, 1 layer, autosaved (just now|\d+ min ago) \(never saved\), was left by a session that ended without saving\./,
      );
    await screenshot(next.page, '23-recovery-offer');
    await offer.locator('[data-testid=recovery-restore]').click();
    await expect.poll(async () => (await documentOf(next.page)).nodes.length).toBe(1);
    const restored = await documentOf(next.page);
    expect({ nodes: restored.nodes, inputs: restored.inputs, edges: restored.edges }).toEqual({
      nodes: before.nodes,
      inputs: before.inputs,
      edges: before.edges,
    });
    expect((await editorState(next.page)).dirty).toBe(true);
    await expect(next.page.locator('[data-testid=doc-title]').textContent()).resolves.toBe('Untitled •');
    await expect(offer.count()).resolves.toBe(0);
    // Restored once: a third session has nothing more to offer.
    const third = await openEditor(browser, second.host.url);
    await third.page.waitForTimeout(500);
    await expect(third.page.locator('[data-testid=recovery-offer]').count()).resolves.toBe(0);
  });
});
