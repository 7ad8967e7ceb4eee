/** Drives the editor in Debian's Chromium the way a user does: mouse, keyboard, clipboard. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { NetworkDocument } from '../core/network/types.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const ARTIFACTS = 'e2e/artifacts';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Editor {
  page: Page;
  /** Problems the page reported (uncaught errors, console errors). */
  pageErrors: string[];
}

/** Open the editor in a fresh page and wait until the canvas is up. */
export async function openEditor(browser: Browser, url: string): Promise<Editor> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 950 }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('favicon')) pageErrors.push(m.text());
  });
  await page.goto(url);
  await page.waitForSelector('.react-flow__renderer');
  return { page, pageErrors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png` });
}

/** The document as the store holds it (read-only view for assertions). */
export async function documentOf(page: Page): Promise<NetworkDocument> {
  return page.evaluate(() => (window as unknown as { __trtStudio: { store: { getState(): { doc: NetworkDocument } } } }).__trtStudio.store.getState().doc);
}

/** Drag a palette entry onto the canvas at a point relative to the canvas's top-left corner. */
export async function dragFromPalette(page: Page, type: string, at: { x: number; y: number }): Promise<void> {
  await page.dragAndDrop(`[data-testid="palette-${type}"]`, '[data-testid=canvas] .react-flow__pane', { targetPosition: at });
}

export function nodeLocator(page: Page, name: string) {
  return page.locator(`.react-flow__node:has([data-name="${name}"])`);
}

/** Drag a wire from an output port to an input port with the mouse. */
export async function dragWire(page: Page, from: { node: string; port: string }, to: { node: string; port: string }): Promise<void> {
  const source = nodeLocator(page, from.node).locator(`.react-flow__handle.source[data-handleid="${from.port}"]`);
  const target = nodeLocator(page, to.node).locator(`.react-flow__handle.target[data-handleid="${to.port}"]`);
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 10, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Drag a wire from an output port and drop it on empty canvas at `to` (page coordinates). */
export async function dragWireToEmpty(page: Page, from: { node: string; port: string }, to: { x: number; y: number }): Promise<void> {
  const source = nodeLocator(page, from.node).locator(`.react-flow__handle.source[data-handleid="${from.port}"]`);
  const a = (await source.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

/** Type a value into an inspector field and commit it with Enter. */
export async function setField(page: Page, param: string, value: string): Promise<void> {
  const field = page.locator(`[data-testid="param-${param}"]`);
  await field.fill(value);
  await field.press('Enter');
}

/** The label text of the wire leaving a node's port. */
export async function wireLabel(page: Page, edgeId: string): Promise<string> {
  return (await page.locator(`[data-testid=wire-label][data-edge="${edgeId}"]`).textContent()) ?? '';
}

/** Double-click the middle of a wire (where its dims label sits). */
export async function doubleClickWire(page: Page, edgeId: string): Promise<void> {
  const box = (await page.locator(`[data-testid=wire-label][data-edge="${edgeId}"]`).boundingBox())!;
  await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
}

/** A node's centre in page coordinates. */
export async function nodeCentre(page: Page, name: string): Promise<{ x: number; y: number }> {
  const box = (await nodeLocator(page, name).boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The canvas's centre in page coordinates. */
export async function canvasCentre(page: Page): Promise<{ x: number; y: number }> {
  const box = (await page.locator('[data-testid=canvas]').boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Whether every node drawn on the canvas lies inside the visible canvas. */
export async function allNodesVisible(page: Page): Promise<boolean> {
  const canvas = (await page.locator('[data-testid=canvas]').boundingBox())!;
  const boxes = await page
    .locator('.react-flow__node:not(.react-flow__node-groupFrame)')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })));
  return (
    boxes.length > 0 &&
    boxes.every((b) => b.x >= canvas.x - 1 && b.y >= canvas.y - 1 && b.x + b.w <= canvas.x + canvas.width + 1 && b.y + b.h <= canvas.y + canvas.height + 1)
  );
}

export interface WebHost {
  url: string;
  /** Stop the host: SIGTERM shuts it down cleanly, SIGKILL is a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/**
 * Start a web host of its own (`dist/cli.mjs serve`) with its own config folder, so recent files
 * and recovery files of one test neither leak into nor come from anything else.
 */
export function startWebHost(options: { configDir: string; root: string }): Promise<WebHost> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli.mjs', 'serve', '--port', '0', '--root', options.root], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TRT_STUDIO_CONFIG_DIR: options.configDir },
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`The web host printed no URL within 30 s; it said: ${out}`)), 30_000);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*token=\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The web host exited with code ${code} before it was ready: ${out}`)));
  });
}

/** The store's state as plain data, for assertions on what the editor holds. */
export async function editorState(page: Page): Promise<{ dirty: boolean; filePath: string | undefined; past: number }> {
  return page.evaluate(() => {
    const s = (
      window as unknown as { __trtStudio: { store: { getState(): { doc: unknown; savedDoc: unknown; filePath: string | undefined; past: unknown[] } } } }
    ).__trtStudio.store.getState();
    return { dirty: s.doc !== s.savedDoc, filePath: s.filePath, past: s.past.length };
  });
}

/** Whether any two drawn layer nodes overlap. */
export async function nodesOverlap(page: Page): Promise<boolean> {
  const boxes = await page
    .locator('.react-flow__node:not(.react-flow__node-groupFrame)')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })));
  return boxes.some((a, i) => boxes.some((b, j) => j > i && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h));
}

/** Earlier pages leave autosaves in the shared host; stories that do not test recovery discard its offers. */
export async function dismissRecoveryOffers(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=recovery-offer]', { timeout: 2_000 }).catch(() => undefined);
  const discard = page.locator('[data-testid=recovery-offer] button', { hasText: 'Discard' });
  for (let i = 0; i < 20 && (await discard.isVisible()); i++) {
    await discard.click();
    await page.waitForTimeout(150);
  }
}

/** Drag a node by the mouse so that its centre ends at `to` (page coordinates). */
export async function dragNode(page: Page, name: string, to: { x: number; y: number }): Promise<void> {
  const box = (await nodeLocator(page, name).boundingBox())!;
  // By its header, where a press starts a drag (not on a port).
  const from = { x: box.x + box.width / 2, y: box.y + 12 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y - box.height / 2 + 12, { steps: 8 });
  await page.mouse.up();
}

/** In the open file browser, go to one of the folders the host offers (its button in the roots row) and wait until it is listed. */
export async function browseToRoot(page: Page, folder: string): Promise<void> {
  await page.waitForSelector('[data-testid=file-browser]');
  const root = page.locator(`.wf-roots button[title="${folder}"]`);
  if ((await root.count()) > 0) await root.click();
  // Playwright's own wait: this module is also used by benchmarks, outside the test runner.
  await page
    .waitForFunction((f) => document.querySelector('[data-testid=file-browser-path]')?.textContent === f, folder, { timeout: 5_000 })
    .catch(async () => {
      throw new Error(`The file browser shows ${JSON.stringify(await page.locator('[data-testid=file-browser-path]').textContent())}, not ${folder}.`);
    });
}
