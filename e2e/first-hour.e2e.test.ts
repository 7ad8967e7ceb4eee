/**
 * A newcomer's first hour, acted out: a wire made from the wire-drop menu that then saves and maps
 * weights; two tabs on one host whose host is killed; a host killed while a run is under way; a
 * duplicated tab that must not share the original's recovery file. Each test runs
 * hosts of its own (`dist/cli.mjs serve`) with their own config folder, and kills them as a crash
 * would (SIGKILL); test images chosen and uploaded before such a crash.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../core/network/project-file.js';
import { templateBuilder } from '../core/templates/builder.js';
import { encodeWtsBytes } from '../core/weights/wts-encoder.js';
import { documentOf, dragFromPalette, dragWireToEmpty, editorState, launchBrowser, openEditor, screenshot } from './editor-page.js';

interface Served {
  url: string;
  port: number;
  pid: number;
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<string>;
}

/** A fixed token, so a host started again on the same port is the same address to the open pages. */
const TOKEN = 'first-hour-e2e-token-0123456789abcdef';

/** Start `serve` with a known token; `port` 0 picks a free one. Resolves with the URL it printed; `stop` resolves with all it printed. */
function serve(options: { configDir: string; root: string; port?: number }): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli.mjs', 'serve', '--port', String(options.port ?? 0), '--root', options.root], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TRT_STUDIO_CONFIG_DIR: options.configDir, TRT_STUDIO_TOKEN: TOKEN },
    });
    let out = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const timer = setTimeout(() => reject(new Error(`The web host printed no URL within 30 s; it said: ${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:(\d+)\/\S*token=\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        port: Number(m[2]),
        pid: child.pid!,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
          return out;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The web host exited with code ${code} before it was ready: ${out}`)));
  });
}

let browser: Browser;
const running: Served[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.stop('SIGKILL')));
});

async function freshHost(): Promise<{ host: Served; configDir: string; root: string }> {
  const configDir = mkdtempSync(join(tmpdir(), 'trt-studio-config-'));
  const root = mkdtempSync(join(tmpdir(), 'trt-studio-work-'));
  const host = await serve({ configDir, root });
  running.push(host);
  return { host, configDir, root };
}

/** Save with Ctrl+S; a project never saved asks for a name in the file browser, which opens in the first real folder. */
async function saveAs(page: Page, name: string, folder: string): Promise<void> {
  await page.keyboard.press('Control+s');
  await expect.poll(() => page.locator('[data-testid=file-browser-path]').textContent()).toBe(folder);
  await page.locator('[data-testid=file-browser-name]').fill(name);
  await page.locator('[data-testid=file-browser-ok]').click();
}

/** The status bar's background colour, as the user sees it. */
function statusBarColour(page: Page): Promise<string> {
  return page.locator('[data-testid=status-bar]').evaluate((el) => getComputedStyle(el).backgroundColor);
}

describe('a wire made from the wire-drop menu', () => {
  it('saves with Ctrl+S into the default folder and takes weights mapped on import', async () => {
    const { host, root } = await freshHost();
    copyFileSync('fixtures/lenet5_digits.wts', join(root, 'lenet5_digits.wts'));
    const { page, pageErrors } = await openEditor(browser, host.url);
    await dragFromPalette(page, 'Input', { x: 200, y: 250 });
    await dragWireToEmpty(page, { node: 'data', port: 'output' }, { x: 800, y: 400 });
    await page.locator('[data-testid=search-input]').fill('convolution');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await documentOf(page)).edges).toHaveLength(1);
    const doc = await documentOf(page);
    expect(Object.keys(doc.edges[0]!.from).sort()).toEqual(['node', 'port']);
    await screenshot(page, 'first-hour-01-wire-drop-conv');

    await page.click('[data-testid=dock-tab-weights]');
    await page.click('[data-testid=weights-import]');
    await page.click('[data-testid=file-browser-entry][data-name="lenet5_digits.wts"]');
    // Mapped on import: the network's layer is named 'convolution', so no tensor fits, and binding is not refused.
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent(), { timeout: 20_000 }).toMatch(/^0 of 10 tensors bound/);
    expect(await page.locator('[data-testid=workflow-diagnostics]').allTextContents()).not.toContainEqual(expect.stringContaining('Unrecognized key'));

    await saveAs(page, 'wired.trtstudio', root);
    const path = join(root, 'wired.trtstudio');
    await expect.poll(() => editorState(page)).toMatchObject({ dirty: false, filePath: path });
    const file = JSON.parse(readFileSync(path, 'utf8')) as { network: { edges: unknown[] }; weights?: string };
    expect(file.network.edges).toEqual([
      { id: doc.edges[0]!.id, from: { node: doc.inputs[0]!.id, port: 'output' }, to: { node: doc.nodes[0]!.id, port: 'input' } },
    ]);
    // The project remembers its weights file, relative to itself.
    expect(file.weights).toBe('lenet5_digits.wts');
    expect(await page.locator('[data-testid=save-problem]').count()).toBe(0);
    await screenshot(page, 'first-hour-02-saved');

    // A reload brings back the project and its weights together.
    await page.reload();
    await page.waitForSelector('.react-flow__renderer');
    await expect.poll(async () => (await editorState(page)).filePath).toBe(path);
    await page.click('[data-testid=dock-tab-weights]');
    await expect.poll(() => page.locator('[data-testid=weights-file]').textContent(), { timeout: 20_000 }).toMatch(/^lenet5_digits\.wts · 10 tensors/);
    // New clears them: weights belong to the project.
    expect((await editorState(page)).dirty).toBe(false);
    await page.locator('button', { hasText: /^New$/ }).click();
    await expect.poll(() => page.locator('[data-testid=weights-file]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

describe('two tabs on one host', () => {
  it('each gets its own unsaved work back after the host was killed, and a stale tab is asked before it overwrites', async () => {
    const { host, configDir, root } = await freshHost();
    const a = await openEditor(browser, host.url);
    const b = await openEditor(browser, host.url);
    await dragFromPalette(a.page, 'Input', { x: 200, y: 250 });
    await dragFromPalette(b.page, 'Input', { x: 200, y: 250 });
    await dragFromPalette(b.page, 'addActivation', { x: 520, y: 250 });
    await expect.poll(async () => (await documentOf(b.page)).nodes.length).toBe(1);
    const recovery = join(configDir, 'recovery');
    const recoveredNodeCounts = () =>
      existsSync(recovery)
        ? readdirSync(recovery)
            .filter((f) => /^[^.].*\.json$/.test(f))
            .map((f) => (JSON.parse(readFileSync(join(recovery, f), 'utf8')) as { document: { nodes: unknown[] } }).document.nodes.length)
            .sort()
        : [];
    await expect.poll(recoveredNodeCounts, { timeout: 15_000 }).toEqual([0, 1]);

    await host.stop('SIGKILL');
    // Both pages say so at once, in a red status bar.
    await expect.poll(() => a.page.locator('[data-testid=host-status]').count(), { timeout: 2_000 }).toBe(1);
    await expect.poll(() => b.page.locator('[data-testid=host-status]').count(), { timeout: 2_000 }).toBe(1);
    expect(await statusBarColour(a.page)).toBe('rgb(90, 17, 17)');
    await screenshot(a.page, 'first-hour-03-host-gone');

    // The host comes back at the same address: the pages reconnect by themselves.
    const again = await serve({ configDir, root, port: host.port });
    running.push(again);
    await expect.poll(() => a.page.locator('[data-testid=host-status]').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => b.page.locator('[data-testid=host-status]').count(), { timeout: 10_000 }).toBe(0);
    // A reload of each tab brings back its own work, not the other's, and offers nothing else.
    for (const tab of [a, b]) {
      await tab.page.reload();
      await tab.page.waitForSelector('.react-flow__renderer');
    }
    await expect.poll(async () => (await documentOf(a.page)).inputs.length).toBe(1);
    await expect.poll(async () => (await documentOf(b.page)).nodes.map((n) => n.type)).toEqual(['addActivation']);
    expect((await documentOf(a.page)).nodes).toEqual([]);
    expect((await editorState(a.page)).dirty).toBe(true);
    expect(await a.page.locator('[data-testid=recovery-offer]').count()).toBe(0);

    // Both save the same file: B last. A, not knowing, saves over it: it is asked first.
    await saveAs(a.page, 'shared.trtstudio', root);
    const shared = join(root, 'shared.trtstudio');
    await expect.poll(async () => (await editorState(a.page)).filePath).toBe(shared);
    await b.page.locator('button', { hasText: /^Open$/ }).click();
    await b.page.locator('[data-testid=confirm-discard]').click();
    await b.page.locator('[data-testid=file-browser-entry][data-name="shared.trtstudio"]').click();
    await expect.poll(async () => (await editorState(b.page)).filePath).toBe(shared);
    await dragFromPalette(b.page, 'addActivation', { x: 520, y: 400 });
    await b.page.keyboard.press('Control+s');
    await expect.poll(async () => (await editorState(b.page)).dirty).toBe(false);
    const newer = readFileSync(shared, 'utf8');

    await dragFromPalette(a.page, 'addActivation', { x: 520, y: 250 });
    await a.page.keyboard.press('Control+s');
    const dialog = a.page.locator('[data-testid=overwrite-dialog]');
    await expect
      .poll(() => dialog.locator('p').first().textContent())
      .toBe(
        `${shared} changed on disk since this window opened or saved it (another tab, window or program wrote it); saving now would overwrite those changes.`,
      );
    await screenshot(a.page, 'first-hour-04-overwrite-asked');
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    expect(readFileSync(shared, 'utf8')).toBe(newer);
    // Not saved: said in the status bar until a save succeeds.
    await expect.poll(() => a.page.locator('[data-testid=save-problem]').textContent()).toMatch(/^⚠ Not saved: .* changed on disk since this window opened/);
    await screenshot(a.page, 'first-hour-05-not-saved');
    await a.page.keyboard.press('Control+s');
    await a.page.locator('[data-testid=overwrite-confirm]').click();
    await expect.poll(async () => (await editorState(a.page)).dirty).toBe(false);
    expect(await a.page.locator('[data-testid=save-problem]').count()).toBe(0);
    expect((JSON.parse(readFileSync(shared, 'utf8')) as { network: { nodes: unknown[] } }).network.nodes).toHaveLength(1);
    // While the host was down, the page's reconnection attempts failed as they should.
    expect([...a.pageErrors, ...b.pageErrors].filter((e) => !e.includes('WebSocket') && !e.includes('net::ERR_CONNECTION_'))).toEqual([]);
  });
});

/** Convolutions of 32 maps on a 512×512 picture: a second or so per image for ONNX Runtime on a CPU, so a run of 40 lasts. */
const SLOW_LAYERS = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'conv6', 'conv7'];

/** Write `slow.trtstudio` (the network above, ending in an 8×8-strided 1-map head) and its weights `slow.wts` into `root`. */
function writeSlowProject(root: string): void {
  const b = templateBuilder('slow-convolutions');
  let x = b.input('data', [1, 3, 512, 512]);
  const same = { kernelSize: [3, 3], stride: [1, 1], prePadding: [1, 1], postPadding: [1, 1] };
  for (const name of SLOW_LAYERS) x = b.chain('addConvolutionNd', name, { nbOutputMaps: 32, ...same }, x);
  x = b.chain('addConvolutionNd', 'head', { nbOutputMaps: 1, kernelSize: [8, 8], stride: [8, 8], prePadding: [0, 0], postPadding: [0, 0] }, x);
  b.output('map', x);
  writeFileSync(join(root, 'slow.trtstudio'), serializeProject(b.finish(), 'slow.wts'));
  const small = (n: number) => Float32Array.from({ length: n }, (_, i) => 0.01 * Math.sin(i));
  const tensors = SLOW_LAYERS.map((name, i) => ({ name: `${name}.weight`, values: small(32 * (i === 0 ? 3 : 32) * 9) }));
  tensors.push({ name: 'head.weight', values: small(32 * 64) });
  writeFileSync(join(root, 'slow.wts'), encodeWtsBytes(tensors));
}

describe('the host killed while a job runs', () => {
  it('fails the run with the reason, turns the status bar red within 2 s, and reconnects when a host is back', async () => {
    const { host, configDir, root } = await freshHost();
    writeSlowProject(root);
    mkdirSync(join(root, 'digits'));
    // Each digit twice: 40 images keep even a fast machine busy for seconds.
    for (const f of readdirSync('fixtures/digits').filter((f) => f.endsWith('.png')))
      for (const copy of [f, `again_${f}`]) copyFileSync(join('fixtures/digits', f), join(root, 'digits', copy));
    const { page, pageErrors } = await openEditor(browser, host.url);
    // Open the project; its weights come with it.
    await page.locator('button', { hasText: /^Open$/ }).click();
    await page.click('[data-testid=file-browser-entry][data-name="slow.trtstudio"]');
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.name)).toEqual([...SLOW_LAYERS, 'head']);
    await page.click('[data-testid=dock-tab-weights]');
    await expect.poll(() => page.locator('[data-testid=weights-file]').textContent(), { timeout: 30_000 }).toMatch(/^slow\.wts · 8 tensors · .* · 8 bound$/);
    await page.click('[data-testid=dock-tab-build]');
    await page.click('[data-testid=build-start]');
    await page.waitForSelector('[data-testid=build-result]', { timeout: 60_000 });
    // The Run workflow: choose the 40 pictures, run them.
    await page.click('[data-testid=dock-tab-run]');
    await page.click('[data-testid=run-choose]');
    await page.click('[data-testid=file-browser-entry][data-name="digits"]');
    await expect.poll(() => page.locator('[data-testid=file-browser-path]').textContent()).toBe(join(root, 'digits'));
    await page.click('[data-testid=file-browser-all]');
    await expect.poll(() => page.locator('[data-testid=run-image]').count()).toBe(40);
    await page.click('[data-testid=run-start]');
    // Running: the bar names the image in work, and no result is shown yet.
    await expect.poll(() => page.locator('[data-testid=run-progress]').textContent(), { timeout: 30_000 }).toMatch(/Running/);
    expect(await page.locator('[data-testid=run-result]').count()).toBe(0);
    const before = await statusBarColour(page);

    await host.stop('SIGKILL');
    const killedAt = Date.now();
    await page.waitForSelector('[data-testid=host-status]', { timeout: 2_000 });
    expect(Date.now() - killedAt).toBeLessThan(2_000);
    expect(await statusBarColour(page)).not.toBe(before);
    expect(await statusBarColour(page)).toBe('rgb(90, 17, 17)');
    await expect
      .poll(() => page.locator('[data-testid=workflow-diagnostics]').textContent(), { timeout: 2_000 })
      .toMatch(/Run 40 images failed: the connection to the host was lost \(/);
    expect(Date.now() - killedAt).toBeLessThan(2_000);
    expect(await page.locator('[data-testid=run-progress]').count()).toBe(0);
    expect(await page.locator('[data-testid=run-result]').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid=host-status]').textContent()).toMatch(/^✕ Host disconnected \d+ s ago: .*Reconnecting…$/);
    await screenshot(page, 'first-hour-06-killed-during-run');

    // A host is started again at the same address: the page finds it by itself and the bar clears.
    const again = await serve({ configDir, root, port: host.port });
    running.push(again);
    await expect.poll(() => page.locator('[data-testid=host-status]').count(), { timeout: 10_000 }).toBe(0);
    expect(await statusBarColour(page)).toBe(before);
    // The engine went with the old host: nothing to run until a build on the new one.
    await expect.poll(() => page.locator('[data-testid=run-engine]').textContent()).toBe('none built yet');
    expect(await page.locator('[data-testid=run-start]').isDisabled()).toBe(true);
    // The weights went with it too: the page loads the project's file into the new host, bindings
    // unchanged. A user who clicks Build at once (before that reload has finished) gets a build that
    // waits for it, not an error about a weight set the new host never had.
    await page.click('[data-testid=dock-tab-build]');
    await page.click('[data-testid=build-start]');
    await page.waitForSelector('[data-testid=build-result]', { timeout: 60_000 });
    await expect
      .poll(() => page.locator('[data-testid=notice]').allTextContents(), { timeout: 30_000 })
      .toContain('The new host has the weights again: slow.wts was loaded into it.');
    await page.click('[data-testid=dock-tab-weights]');
    expect(await page.locator('[data-testid=weights-file]').textContent()).toMatch(/^slow\.wts · 8 tensors · .* · 8 bound$/);
    await page.click('[data-testid=dock-tab-run]');
    await expect.poll(() => page.locator('[data-testid=run-engine]').textContent()).not.toBe('none built yet');
    await screenshot(page, 'first-hour-07-reconnected');
    expect(pageErrors.filter((e) => !e.includes('WebSocket') && !e.includes('net::ERR_CONNECTION_'))).toEqual([]);
  });
});

describe('a duplicated tab', () => {
  it('keeps showing the work it copied, then keeps its own: each tab recovers its own work after the host was killed', async () => {
    const { host, configDir, root } = await freshHost();
    const original = await openEditor(browser, host.url);
    await dragFromPalette(original.page, 'Input', { x: 200, y: 250 });
    await expect.poll(async () => (await documentOf(original.page)).inputs.length).toBe(1);
    const recovery = join(configDir, 'recovery');
    const recovered = () =>
      existsSync(recovery)
        ? readdirSync(recovery)
            .filter((f) => /^[^.].*\.json$/.test(f))
            .map((f) => JSON.parse(readFileSync(join(recovery, f), 'utf8')) as { client: string; document: { inputs: unknown[]; nodes: { type: string }[] } })
            .map((r) => ({ client: r.client, inputs: r.document.inputs.length, nodes: r.document.nodes.map((n) => n.type) }))
            .sort((a, b) => a.nodes.length - b.nodes.length)
        : [];
    const clientOf = (page: Page) => page.evaluate(() => sessionStorage.getItem('trtstudio.client'));
    const originalClient = await clientOf(original.page);
    await expect.poll(recovered, { timeout: 15_000 }).toEqual([{ client: originalClient, inputs: 1, nodes: [] }]);

    // "Duplicate tab": a new page of the same browser whose sessionStorage starts as a copy of the original's.
    const storage = await original.page.evaluate(() => Object.entries(sessionStorage));
    const copy = await original.page.context().newPage();
    const copyErrors: string[] = [];
    copy.on('pageerror', (e) => copyErrors.push(e.message));
    copy.on('console', (m) => m.type() === 'error' && !m.text().includes('favicon') && copyErrors.push(m.text()));
    await copy.addInitScript((entries) => {
      if (sessionStorage.length === 0) for (const [key, value] of entries) sessionStorage.setItem(key, value);
    }, storage);
    await copy.goto(original.page.url());
    await copy.waitForSelector('.react-flow__renderer');
    // It shows what the original showed, unsaved, under a name of its own.
    await expect.poll(async () => (await documentOf(copy)).inputs.map((i) => i.name)).toEqual((await documentOf(original.page)).inputs.map((i) => i.name));
    expect((await editorState(copy)).dirty).toBe(true);
    const copyClient = await clientOf(copy);
    expect(copyClient).toMatch(/^tab-/);
    expect(copyClient).not.toBe(originalClient);
    await screenshot(copy, 'first-hour-08-duplicated-tab');

    // Different work in the copy: the original's recovery file stays the original's.
    await dragFromPalette(copy, 'addActivation', { x: 520, y: 250 });
    await expect.poll(async () => (await documentOf(copy)).nodes.length).toBe(1);
    await expect.poll(recovered, { timeout: 15_000 }).toEqual([
      { client: originalClient, inputs: 1, nodes: [] },
      { client: copyClient, inputs: 1, nodes: ['addActivation'] },
    ]);

    await host.stop('SIGKILL');
    const again = await serve({ configDir, root, port: host.port });
    running.push(again);
    for (const page of [original.page, copy]) await expect.poll(() => page.locator('[data-testid=host-status]').count(), { timeout: 10_000 }).toBe(0);
    for (const page of [original.page, copy]) {
      await page.reload();
      await page.waitForSelector('.react-flow__renderer');
    }
    // Each keeps its name across the reload and gets its own work back.
    expect([await clientOf(original.page), await clientOf(copy)]).toEqual([originalClient, copyClient]);
    await expect.poll(async () => (await documentOf(copy)).nodes.map((n) => n.type)).toEqual(['addActivation']);
    await expect.poll(async () => (await documentOf(original.page)).inputs.length).toBe(1);
    expect((await documentOf(original.page)).nodes).toEqual([]);
    expect((await editorState(original.page)).dirty).toBe(true);
    expect((await editorState(copy)).dirty).toBe(true);
    expect([...original.pageErrors, ...copyErrors].filter((e) => !e.includes('WebSocket') && !e.includes('net::ERR_CONNECTION_'))).toEqual([]);
  });
});

/** The brightest channel value of each test image's thumbnail as the page draws it, by file name; an image shown without a picture is left out. */
function thumbnailPeaks(page: Page): Promise<Record<string, number>> {
  return page.locator('[data-testid=run-image]').evaluateAll(async (items) => {
    const peaks: Record<string, number> = {};
    for (const item of items) {
      const img = item.querySelector('img');
      if (!img) continue;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d')!;
      context.drawImage(img, 0, 0);
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let peak = 0;
      for (let i = 0; i < pixels.length; i += 4) peak = Math.max(peak, pixels[i]!, pixels[i + 1]!, pixels[i + 2]!);
      peaks[item.querySelector('.mono')?.textContent ?? '?'] = peak;
    }
    return peaks;
  });
}

describe('test images when the host dies and comes back', () => {
  it('shows every thumbnail again, says which upload went with the old host, and runs once it is uploaded again', async () => {
    const { host, configDir, root } = await freshHost();
    copyFileSync('fixtures/lenet5_digits.wts', join(root, 'lenet5_digits.wts'));
    const FROM_FOLDER = ['digit_05_label7.png', 'digit_09_label5.png', 'digit_17_label0.png'];
    const UPLOADED = 'digit_06_label1.png';
    for (const file of FROM_FOLDER) copyFileSync(join('fixtures/digits', file), join(root, file));
    const { page, pageErrors } = await openEditor(browser, host.url);
    await page.click('[data-testid=btn-templates]');
    await page.click('[data-testid=template-lenet5]');
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(12);
    await page.click('[data-testid=dock-tab-weights]');
    await page.click('[data-testid=weights-import]');
    await page.click('[data-testid=file-browser-entry][data-name="lenet5_digits.wts"]');
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent(), { timeout: 20_000 }).toMatch(/^10 of 10 tensors bound/);
    await page.click('[data-testid=dock-tab-build]');
    await page.click('[data-testid=build-start]');
    await page.waitForSelector('[data-testid=build-result]', { timeout: 60_000 });

    // One digit uploaded from this computer: its thumbnail arrives.
    await page.click('[data-testid=dock-tab-run]');
    await page.click('[data-testid=run-choose]');
    await page.setInputFiles('[data-testid=file-browser-upload]', join('fixtures/digits', UPLOADED));
    await expect.poll(() => thumbnailPeaks(page), { timeout: 20_000 }).toEqual({ [UPLOADED]: 255 });
    // Three more from the host's folder; the host hangs before their previews come, and is killed.
    await page.click('[data-testid=run-choose]');
    for (const file of FROM_FOLDER) await page.click(`[data-testid=file-browser-entry][data-name="${file}"]`);
    process.kill(host.pid, 'SIGSTOP');
    await page.click('[data-testid=file-browser-ok]');
    await expect.poll(() => page.locator('[data-testid=run-image]').count()).toBe(4);
    await host.stop('SIGKILL');
    await page.waitForSelector('[data-testid=host-status]', { timeout: 2_000 });
    // Meanwhile each says it waits for its preview: no black square that looks like a black picture.
    expect(await page.locator('[data-testid=run-image] .wf-thumb-empty').allTextContents()).toEqual(['…', '…', '…']);
    await screenshot(page, 'first-hour-09-images-host-gone');

    // A host answers at the same address again: the previews the old one never sent come from the new one.
    const again = await serve({ configDir, root, port: host.port });
    running.push(again);
    await expect.poll(() => page.locator('[data-testid=host-status]').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => thumbnailPeaks(page), { timeout: 20_000 }).toEqual(Object.fromEntries([UPLOADED, ...FROM_FOLDER].map((f) => [f, 255])));
    // The upload went with the old host: its picture stays, and it says so and what to do.
    const gone = page.locator(`[data-testid=run-image]:has-text("${UPLOADED}") [data-testid=run-image-problem]`);
    await expect
      .poll(() => gone.textContent())
      .toMatch(
        new RegExp(
          `^${UPLOADED.replace('.', '\\.')} was uploaded to a host that has stopped since, and its uploads went with it \\(${tmpdir()}/trt-studio-${host.pid}-\\w{6}/uploads/${UPLOADED.replace('.', '\\.')}\\)\\. Upload it again from this computer\\.$`,
        ),
      );
    await screenshot(page, 'first-hour-10-images-reconnected');
    // Run waits for it, and says why (once an engine is built on the new host).
    await page.click('[data-testid=dock-tab-build]');
    await page.click('[data-testid=build-start]');
    await page.waitForSelector('[data-testid=build-result]', { timeout: 60_000 });
    await page.click('[data-testid=dock-tab-run]');
    await expect
      .poll(() => page.locator('[data-testid=run-start]').getAttribute('title'))
      .toBe(`${UPLOADED} cannot be used (marked ✕): remove or add again first.`);
    expect(await page.locator('[data-testid=run-start]').isDisabled()).toBe(true);

    // Uploaded again: it takes its old place, and the four run.
    await page.click('[data-testid=run-choose]');
    await page.setInputFiles('[data-testid=file-browser-upload]', join('fixtures/digits', UPLOADED));
    await expect.poll(() => page.locator('[data-testid=run-image-problem]').count(), { timeout: 20_000 }).toBe(0);
    expect(await page.locator('[data-testid=run-image] .mono').allTextContents()).toEqual([UPLOADED, ...FROM_FOLDER]);
    await expect.poll(() => thumbnailPeaks(page), { timeout: 20_000 }).toEqual(Object.fromEntries([UPLOADED, ...FROM_FOLDER].map((f) => [f, 255])));
    await page.click('[data-testid=run-start]');
    await expect.poll(() => page.locator('[data-testid=run-result]').count(), { timeout: 60_000 }).toBe(4);
    expect(await page.locator(`[data-testid=run-result][data-file="${UPLOADED}"] [data-testid=run-top1] .wf-top-label`).textContent()).toMatch(/^(class )?1$/);
    await screenshot(page, 'first-hour-11-images-run-again');
    expect(await page.locator('[data-testid=workflow-diagnostics]').count()).toBe(0);
    expect(pageErrors.filter((e) => !e.includes('WebSocket') && !e.includes('net::ERR_CONNECTION_'))).toEqual([]);
  });
});
