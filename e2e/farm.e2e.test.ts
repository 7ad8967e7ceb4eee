/**
 * The Farm tab end to end, in Debian's Chromium against a web host of its own and a real Slurm: the
 * one-node cluster of scripts/slurm-local.sh (started by .ci/run, or here). LeNet-5 is opened with
 * its weights; a malformed targets.json is refused naming the file and the field; a good one gives a
 * matrix of 5 cells (two CPU targets × fp32/fp16 and a GPU target); the submission runs 4 jobs and
 * Slurm refuses the GPU target with its reason; the tab follows the states as they change, one job
 * is cancelled, and the three finished jobs are compared side by side.
 * Without a cluster the file is skipped with the reason, except in CI (CI=true), where it fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { serializeProject } from '../core/network/project-file.js';
import { buildTemplate } from '../core/templates/index.js';
import { dismissRecoveryOffers, editorState, launchBrowser, openEditor, screenshot, startWebHost, type WebHost } from './editor-page.js';
import { localSlurm, stopLocalSlurm } from '../electron/farm/slurm-local.testing.js';

const slurm = await localSlurm();
const ci = process.env['CI'] === 'true';

const TARGETS = {
  targets: [
    { name: 'cpu-a', backend: 'onnxruntime', precisions: ['fp32', 'fp16'] },
    { name: 'cpu-b', backend: 'onnxruntime', precisions: ['fp32', 'fp16'] },
    // The node has no GPU: Slurm refuses this one at submission.
    { name: 'h100', gres: 'gpu:h100:1', backend: 'onnxruntime' },
  ],
};

let dir: string;
let host: WebHost | undefined;
let browser: Browser;
let page: Page;
let pageErrors: string[];

async function loadTargets(name: string, text: string): Promise<void> {
  await page.setInputFiles('[data-testid=farm-targets-file]', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

/** Each job row's state as the tab shows it, in row order. */
function states(): Promise<string[]> {
  return page.locator('[data-testid=farm-job-state]').allTextContents();
}

describe.skipIf(!slurm.ok && !ci)(`the Farm tab on a local Slurm${slurm.ok ? '' : ` (skipped: ${slurm.reason})`}`, () => {
  beforeAll(async () => {
    if (!slurm.ok) return;
    dir = mkdtempSync(join(tmpdir(), 'trt-studio-e2e-farm-'));
    copyFileSync('fixtures/lenet5.wts', join(dir, 'lenet5.wts'));
    writeFileSync(join(dir, 'lenet5.trtstudio'), serializeProject(buildTemplate('lenet5')!, 'lenet5.wts'));
    host = await startWebHost({ configDir: join(dir, 'config'), root: dir });
    browser = await launchBrowser();
    ({ page, pageErrors } = await openEditor(browser, host.url));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    if (slurm.ok && slurm.startedHere) await stopLocalSlurm();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has a running local Slurm cluster', () => {
    if (!slurm.ok) throw new Error(`The local Slurm cluster could not start (CI needs it): ${slurm.reason}`);
  });

  it.skipIf(!slurm.ok)(
    'submits the matrix, follows the jobs, cancels one and compares the results',
    async () => {
      await dismissRecoveryOffers(page);
      await page.locator('button', { hasText: /^Open$/ }).click();
      await page.click('[data-testid=file-browser-entry][data-name="lenet5.trtstudio"]');
      await expect.poll(async () => (await editorState(page)).filePath).toBe(join(dir, 'lenet5.trtstudio'));
      // Opening the project imports its weights; the farm sends that file with each job.
      await expect
        .poll(
          () =>
            page.evaluate(
              () =>
                (window as unknown as { __trtStudio: { store: { getState(): { weights?: { set: { path: string } } } } } }).__trtStudio.store.getState().weights
                  ?.set.path,
            ),
          {
            timeout: 30_000,
          },
        )
        .toBe(join(dir, 'lenet5.wts'));
      // The file names its weights but no bindings: binding them by name is part of opening it, not an edit.
      await expect.poll(() => editorState(page)).toEqual({ dirty: false, filePath: join(dir, 'lenet5.trtstudio'), past: 0 });

      await page.click('[data-testid=dock-tab-farm]');
      await page.waitForSelector('[data-testid=farm-panel]');
      expect(await page.locator('[data-testid=farm-scheduler]').count()).toBe(0);

      // A malformed file: the message names it and the field, and no target is taken from it.
      await loadTargets('targets.json', JSON.stringify({ targets: [{ name: 'a100', precisions: ['fp64'] }] }));
      await expect
        .poll(() => page.locator('[data-testid=farm-diagnostics]').textContent())
        .toContain('targets.json: targets[0].precisions[0]: Invalid option: expected one of "fp32"|"fp16"|"bf16"|"int8"|"fp8" (found "fp64").');
      expect(await page.locator('[data-testid=farm-target-row]').count()).toBe(0);

      await loadTargets('targets.json', JSON.stringify(TARGETS));
      await expect.poll(() => page.locator('[data-testid=farm-target-row]').count()).toBe(3);
      expect(await page.locator('[data-testid=farm-matrix]').textContent()).toBe('3 target(s) × precisions × batch profiles = 5 cell(s)');
      expect(await page.locator('[data-testid=farm-submit]').textContent()).toBe('Submit matrix (5 jobs)');
      await page.fill('[data-testid=farm-iterations]', '20');
      await screenshot(page, '60-farm-targets');

      await page.click('[data-testid=farm-submit]');
      await expect.poll(() => page.locator('[data-testid=farm-job-row]').count(), { timeout: 60_000 }).toBe(4);
      expect(await page.locator('[data-testid=farm-refused]').textContent()).toBe(
        'Refused by the schedulerh100 · fp32 · default: Requested node configuration is not available',
      );
      // What the tab showed first (the submission's answer): every state seen from here on is recorded.
      const seen = (await states()).map((s) => [s]);
      const cells = await page.locator('[data-testid=farm-job-row] td:nth-child(2)').allTextContents();
      expect(cells).toEqual(['cpu-a · fp32 · default', 'cpu-a · fp16 · default', 'cpu-b · fp32 · default', 'cpu-b · fp16 · default']);

      // Cancel the last job while it waits or runs.
      const last = page.locator('[data-testid=farm-job-row]').nth(3);
      await last.locator('[data-testid=farm-job-cancel]').click();
      await expect.poll(() => last.locator('[data-testid=farm-job-state]').textContent()).toBe('cancelled');

      // Follow the states the tab shows until every job has ended: each seen sequence must end in done.
      const deadline = Date.now() + 240_000;
      for (;;) {
        const now = await states();
        now.forEach((s, i) => seen[i]!.at(-1) !== s && seen[i]!.push(s));
        if (now.every((s) => s === 'done' || s === 'failed' || s === 'cancelled')) break;
        if (Date.now() > deadline) throw new Error(`The farm jobs did not finish; the tab shows ${JSON.stringify(now)}.`);
        await page.waitForTimeout(300);
      }
      expect(await states()).toEqual(['done', 'done', 'done', 'cancelled']);
      // The tab showed the jobs waiting or running before they were done: the states changed on screen.
      for (const sequence of seen.slice(0, 3)) {
        expect(sequence.at(-1)).toBe('done');
        expect(['pending', 'running']).toContain(sequence[0]);
      }
      expect(await page.locator('[data-testid=farm-job-summary]').textContent()).toBe('3 done · 1 cancelled');

      // The results side by side: latency per cell, per-layer times with one column per cell.
      await expect.poll(() => page.locator('[data-testid=farm-latency-row]').count(), { timeout: 30_000 }).toBe(3);
      const rows = await page
        .locator('[data-testid=farm-latency-row]')
        .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
      expect(rows.map((r) => r.slice(0, 2))).toEqual([
        ['cpu-a · fp32 · default', 'Reference runtime (ONNX Runtime)'],
        ['cpu-a · fp16 · default', 'Reference runtime (ONNX Runtime)'],
        ['cpu-b · fp32 · default', 'Reference runtime (ONNX Runtime)'],
      ]);
      for (const r of rows) {
        for (const latency of r.slice(2, 5)) expect(latency).toMatch(/^\d+(\.\d+)? (ms|s)$/);
        expect(r[5]).toBe('none: the reference runtime builds no engine');
      }
      const header = await page.locator('[data-testid=farm-layer-table] th').allTextContents();
      expect(header).toEqual(['layer', 'cpu-a · fp32 · default', 'cpu-a · fp16 · default', 'cpu-b · fp32 · default']);
      // A fused kernel's row names every layer it ran (`conv1 + relu1`), as the profile does.
      const conv1 = page.locator('[data-testid=farm-layer-row]', { has: page.locator('td', { hasText: /^conv1( \+ |$)/ }) });
      expect(await conv1.locator('td.num').allTextContents()).toHaveLength(3);
      expect(await page.locator('[data-testid=farm-layer-row] td.wf-best').count()).toBeGreaterThan(0);
      await page.locator('[data-testid=farm-layers]').scrollIntoViewIfNeeded();
      await screenshot(page, '61-farm-results');
      expect(pageErrors).toEqual([]);
    },
    360_000,
  );

  it.skipIf(!slurm.ok)('after a reload the tab still has the targets as edited, and the submission’s jobs', async () => {
    await page.click('[data-testid=farm-targets-add]');
    await page.fill('[data-testid=farm-target-name-3]', 'lab-a100');
    // Saved a moment after the last edit; then the page is reloaded as a user presses F5.
    await page.waitForTimeout(1_000);
    await page.reload();
    await page.waitForSelector('[data-testid=canvas]');
    await dismissRecoveryOffers(page);
    await page.click('[data-testid=dock-tab-farm]');
    await expect.poll(() => page.locator('[data-testid=farm-target-row]').count()).toBe(4);
    const names = await page
      .locator('[data-testid=farm-target-row] input[data-testid^=farm-target-name-]')
      .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(names).toEqual(['cpu-a', 'cpu-b', 'h100', 'lab-a100']);
    await expect.poll(() => states()).toEqual(['done', 'done', 'done', 'cancelled']);
    await screenshot(page, '62-farm-after-reload');
  });
});
