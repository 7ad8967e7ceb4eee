/**
 * The run panel for detectors end to end, in Debian's Chromium against the real web host, the way a
 * user works: a YOLO network from a template or a project, its weights imported, an engine built with
 * the reference runtime, test images run, and each image shown with its boxes, a table of detections in
 * the image's own pixels and thresholds that apply live.
 *
 * 1. yolov8n with the fixtures' formula weights (works everywhere): the panel appears, letterboxed,
 *    the thresholds change what is drawn, and Save annotated PNG writes the image with its boxes.
 * 2. The trained shapes detector (fixtures/detector, written by bench/train_shapes_detector.py on a GPU
 *    machine): every true box of every test image is matched by a drawn detection of its class with
 *    IoU ≥ 0.5, read from the table. Skipped, naming the missing file, until those fixtures are there.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { boxIou } from '../core/run/nms.js';
import { formulaTensor, type StateDictEntry } from '../core/weights/formula.js';
import { encodeWtsBytes } from '../core/weights/wts-encoder.js';
import { ARTIFACTS, browseToRoot, dismissRecoveryOffers, documentOf, launchBrowser, openEditor, screenshot } from './editor-page.js';

const url = inject('editorUrl');
const workDir = inject('workDir');

const DETECTOR = 'fixtures/detector';
/** The trained detector's files; the second part runs only when all are there. */
const SHAPES_FILES = ['shapes.trtstudio', 'shapes.safetensors', 'shapes.names', 'shapes.json'].map((f) => join(DETECTOR, f));
const missingShapes = SHAPES_FILES.find((f) => !existsSync(f));

interface ShapesFacts {
  classes: string[];
  images: {
    file: string;
    size: [number, number];
    truth: { class: number; name: string; box: [number, number, number, number] }[];
    /** PyTorch's detections at conf 0.25 and IoU 0.45, the panel's defaults. */
    detections: { name: string; score: number; box: [number, number, number, number] }[];
  }[];
}

let browser: Browser;
let page: Page;
let pageErrors: string[];

/** A 320×240 street of coloured blocks: something to draw boxes on. */
async function writeTestImage(path: string): Promise<void> {
  const blocks = [
    { left: 30, top: 40, width: 80, height: 120, colour: '#d03030' },
    { left: 170, top: 90, width: 110, height: 70, colour: '#2050d0' },
  ];
  const base = sharp({ create: { width: 320, height: 240, channels: 3, background: '#8a9a7a' } });
  const overlays = await Promise.all(
    blocks.map(async (b) => ({
      input: await sharp({ create: { width: b.width, height: b.height, channels: 3, background: b.colour } })
        .png()
        .toBuffer(),
      left: b.left,
      top: b.top,
    })),
  );
  await base.composite(overlays).png().toFile(path);
}

beforeAll(async () => {
  // yolov8n's formula weights, as the template parity tests bind them (the DFL kernel fixed at 0…15).
  const stateDict = (JSON.parse(readFileSync('fixtures/models.json', 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>).yolov8n!.state_dict;
  const tensors = stateDict.map(([name, shape, dtype]) => ({
    name,
    values: name.endsWith('.dfl.conv.weight') ? Float32Array.from({ length: 16 }, (_, i) => i) : formulaTensor(name, shape, dtype),
  }));
  writeFileSync(join(workDir, 'yolov8n-formula.wts'), encodeWtsBytes(tensors));
  await writeTestImage(join(workDir, 'street.png'));
  if (!missingShapes) {
    for (const f of SHAPES_FILES) copyFileSync(f, join(workDir, f.split('/').pop()!));
    for (const f of readdirSync(join(DETECTOR, 'images'))) copyFileSync(join(DETECTOR, 'images', f), join(workDir, f));
  }
  browser = await launchBrowser();
  ({ page, pageErrors } = await openEditor(browser, url));
  await dismissRecoveryOffers(page);
});
afterAll(async () => {
  await browser?.close();
});

/** In the file browser, go to the e2e work folder (the host may list its uploads folder first). */
async function browseWorkDir(): Promise<void> {
  await browseToRoot(page, workDir);
}

/** A new page of work: answer "discard" when the editor asks about the one before. */
async function discardIfAsked(): Promise<void> {
  const discard = page.locator('[data-testid=confirm-discard]');
  await discard.waitFor({ timeout: 1_500 }).then(
    () => discard.click(),
    () => undefined,
  );
}

async function buildWithReferenceRuntime(): Promise<void> {
  await page.click('[data-testid=dock-tab-build]');
  await page.click('[data-testid=build-start]');
  await expect.poll(() => page.locator('[data-testid=build-result]').textContent(), { timeout: 120_000 }).toMatch(/^Built /);
}

async function runImages(files: string[]): Promise<void> {
  await page.click('[data-testid=dock-tab-run]');
  await page.click('[data-testid=run-choose]');
  await browseWorkDir();
  for (const file of files) await page.click(`[data-testid=file-browser-entry][data-name="${file}"]`);
  await page.click('[data-testid=file-browser-ok]');
  await page.click('[data-testid=run-start]');
  await expect.poll(() => page.locator('[data-testid=detection-image]').count(), { timeout: 120_000 }).toBe(files.length);
}

/** The detections table of one image: class name and corners in the image's pixels. */
async function tableOf(file: string): Promise<{ name: string; score: number; box: [number, number, number, number] }[]> {
  const rows = await page
    .locator(`[data-testid=detection-image][data-file="${file}"] [data-testid=detection-row]`)
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
  return rows.map((cells) => ({ name: cells[1]!, score: Number(cells[2]), box: cells.slice(3, 7).map(Number) as [number, number, number, number] }));
}

const countOf = async (file: string) =>
  Number(
    /^(\d+) detections?/.exec(
      (await page.locator(`[data-testid=detection-image][data-file="${file}"] [data-testid=detection-count]`).textContent()) ?? '',
    )?.[1],
  );

describe('yolov8n from the template with formula weights', () => {
  it('letterboxes and recognises the head, then draws the boxes on the image with a table', async () => {
    await page.click('[data-testid=btn-templates]');
    await page.click('[data-testid=template-yolov8n]');
    await discardIfAsked();
    await expect.poll(async () => (await documentOf(page)).name).toBe('yolov8n');
    await page.click('[data-testid=dock-tab-weights]');
    await page.click('[data-testid=weights-import]');
    await browseWorkDir();
    await page.click('[data-testid=file-browser-entry][data-name="yolov8n-formula.wts"]');
    await expect.poll(() => page.locator('[data-testid=weights-summary]').textContent(), { timeout: 60_000 }).toMatch(/^\d+ of \d+ tensors bound/);
    await buildWithReferenceRuntime();
    await page.click('[data-testid=dock-tab-run]');
    expect(await page.locator('[data-testid=run-preset]').inputValue()).toBe('letterbox');
    expect(await page.locator('[data-testid=run-detector-output]').inputValue()).toBe('output0');
    expect(await page.locator('[data-testid=run-detector-classes]').inputValue()).toBe('80');
    await runImages(['street.png']);
    // The boxes lie on the original 320×240 image.
    expect(await page.locator('[data-testid=detection-overlay]').getAttribute('viewBox')).toBe('0 0 320 240');
    const rows = await tableOf('street.png');
    expect(await page.locator('[data-testid=detection-box]').count()).toBe(rows.length);
    for (const { box } of rows) expect(box[0] >= 0 && box[1] >= 0 && box[2] <= 320 && box[3] <= 240 && box[0] <= box[2] && box[1] <= box[3]).toBe(true);
    await screenshot(page, 'detection-01-yolov8n-formula');
  });

  it('changes what is drawn when the thresholds move, without running again', async () => {
    const conf = page.locator('[data-testid=run-conf]');
    const atDefault = await countOf('street.png');
    await conf.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('[data-testid=run-conf-value]').textContent()).toBe('0.05');
    const atFloor = await countOf('street.png');
    await page.keyboard.press('End');
    await expect.poll(() => countOf('street.png')).toBe(0);
    expect(await page.locator('[data-testid=detection-box]').count()).toBe(0);
    expect(atFloor).toBeGreaterThan(0);
    expect(atFloor).toBeGreaterThanOrEqual(atDefault);
    await page.keyboard.press('Home');
    // A looser NMS keeps at least as many boxes.
    await page.locator('[data-testid=run-iou]').focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('[data-testid=run-iou-value]').textContent()).toBe('1.00');
    expect(await countOf('street.png')).toBeGreaterThanOrEqual(atFloor);
    await page.keyboard.press('Home');
    await expect.poll(() => countOf('street.png')).toBeLessThanOrEqual(atFloor);
  });

  it('saves the annotated image as PNG at the image’s size, through the file browser', async () => {
    await page.locator('[data-testid=run-conf]').focus();
    await page.keyboard.press('Home');
    await page.click('[data-testid=detection-save]');
    await browseWorkDir();
    await page.locator('[data-testid=file-browser-name]').fill('street-detections.png');
    await page.locator('[data-testid=file-browser-ok]').click();
    const saved = join(workDir, 'street-detections.png');
    await expect.poll(() => existsSync(saved)).toBe(true);
    const meta = await sharp(saved).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 320, 240]);
    // Boxes were drawn over the picture: it differs from the original.
    const [a, b] = await Promise.all([sharp(saved).removeAlpha().raw().toBuffer(), sharp(join(workDir, 'street.png')).removeAlpha().raw().toBuffer()]);
    expect(a.length).toBe(b.length);
    expect(a.equals(b)).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(missingShapes !== undefined)(`the trained shapes detector${missingShapes ? ` (skipped: ${missingShapes} is missing)` : ''}`, () => {
  const facts = missingShapes ? undefined : (JSON.parse(readFileSync(join(DETECTOR, 'shapes.json'), 'utf8')) as ShapesFacts);
  const files = facts?.images.map((i) => i.file.split('/').pop()!) ?? [];

  it('opens the project with its weights, and draws a box of the right class on every shape of every test image', async () => {
    await page.click('button[title="Open (Ctrl+O)"]');
    await discardIfAsked();
    await browseWorkDir();
    await page.click('[data-testid=file-browser-entry][data-name="shapes.trtstudio"]');
    await expect.poll(async () => (await documentOf(page)).name).toBe('shapes');
    await page.click('[data-testid=dock-tab-weights]');
    await expect
      .poll(() => page.locator('[data-testid=weights-file]').textContent(), { timeout: 60_000 })
      .toMatch(/^shapes\.safetensors · \d+ tensors · .* bound$/);
    await buildWithReferenceRuntime();
    await page.click('[data-testid=dock-tab-run]');
    // Images of the run before (when the first part ran) go.
    if (await page.locator('[data-testid=run-clear]').isEnabled()) await page.click('[data-testid=run-clear]');
    expect(await page.locator('[data-testid=run-detector-classes]').inputValue()).toBe('3');
    await page.setInputFiles('[data-testid=run-detector-names-file]', join(DETECTOR, 'shapes.names'));
    await expect.poll(() => page.locator('[data-testid=run-detector-names]').inputValue()).toBe(facts!.classes.join('\n'));
    await runImages(files);
    for (const image of facts!.images) {
      const file = image.file.split('/').pop()!;
      const drawn = await tableOf(file);
      for (const truth of image.truth) {
        const best = Math.max(0, ...drawn.filter((d) => d.name === truth.name).map((d) => boxIou(d.box, truth.box)));
        expect(best, `${file}: ${truth.name} at [${truth.box.join(', ')}]; drawn ${JSON.stringify(drawn)}`).toBeGreaterThanOrEqual(0.5);
      }
      // At the default thresholds the panel shows what PyTorch detected: the same boxes (to the table's 0.1 px), classes and scores.
      expect(drawn.length, file).toBe(image.detections.length);
      for (const d of image.detections) {
        const same = drawn.find((t) => t.name === d.name && t.box.every((v, k) => Math.abs(v - d.box[k]!) <= 0.1));
        expect(same, `${file}: PyTorch's ${d.name} ${d.score} at [${d.box.join(', ')}]; drawn ${JSON.stringify(drawn)}`).toBeDefined();
        expect(Math.abs(same!.score - d.score)).toBeLessThanOrEqual(0.0006);
      }
    }
    await screenshot(page, 'detection-02-shapes');
    // shape-2.png, with a circle, a triangle and two squares, scrolled to the top of the panel, whole, for the README.
    const first = page.locator('[data-testid=detection-image][data-file="shape-2.png"]');
    await first.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await first.screenshot({ path: `${ARTIFACTS}/detection-shapes-boxes.png` });
    // And the app's own annotated PNG of it.
    await first.locator('[data-testid=detection-save]').click();
    await browseWorkDir();
    await page.locator('[data-testid=file-browser-name]').fill('shape-2-detections.png');
    await page.locator('[data-testid=file-browser-ok]').click();
    const saved = join(workDir, 'shape-2-detections.png');
    await expect.poll(() => existsSync(saved)).toBe(true);
    copyFileSync(saved, `${ARTIFACTS}/detection-shapes-annotated.png`);
    expect(pageErrors).toEqual([]);
  });
});
