/** Wire labels as a user sees them after piling nodes up by hand: none overlaps another, none is cut short. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { documentOf, dragNode, launchBrowser, nodeCentre, openEditor, screenshot } from './editor-page.js';

let browser: Browser;
const url = inject('editorUrl');

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface DrawnLabel {
  edge: string;
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Whether the whole text fits inside the box (nothing cut off or spilling out). */
  whole: boolean;
}

/** Every wire label drawn, with its box on the screen as the browser lays it out. */
async function drawnLabels(page: Page): Promise<DrawnLabel[]> {
  return page.locator('[data-testid=wire-label]').evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return {
        edge: e.getAttribute('data-edge') ?? '',
        text: e.textContent ?? '',
        x: r.x,
        y: r.y,
        width: r.width,
        height: r.height,
        whole: e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight,
      };
    }),
  );
}

function overlapping(labels: readonly DrawnLabel[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++) {
      const [a, b] = [labels[i]!, labels[j]!];
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
        pairs.push(`${a.edge} '${a.text}' and ${b.edge} '${b.text}'`);
    }
  return pairs;
}

describe('wire labels', () => {
  it('never overlap or lose text when nodes are dragged on top of each other and of the wires', async () => {
    const { page, pageErrors } = await openEditor(browser, url);
    await page.locator('[data-testid=btn-templates]').click();
    await page.locator('[data-testid=template-resnet18]').click();
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(14);
    await page.waitForTimeout(500);
    const wires = (await documentOf(page)).edges.length;

    // The whole network in view, so every node can be picked up.
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('f');
    await page.waitForTimeout(600);
    // A heap by hand: blocks dragged onto the stem, onto each other and across the wires between them.
    const heap = await nodeCentre(page, 'layer1.0');
    const piled: [string, number, number][] = [
      ['conv1', -30, 10],
      ['bn1', 25, -12],
      ['maxpool', -15, -20],
      ['layer1.1', 20, 14],
      ['layer2.0', 5, 28],
      ['layer2.1', -25, 30],
      ['layer3.0', 40, -4],
      ['layer3.1', -40, -8],
    ];
    for (const [name, dx, dy] of piled) await dragNode(page, name, { x: heap.x + dx, y: heap.y + dy });
    // Closer, where the wires carry their labels.
    await page.mouse.move(heap.x, heap.y);
    for (let i = 0; i < 4; i++) {
      await page.mouse.wheel(0, -250);
      await page.waitForTimeout(150);
    }
    await page.waitForTimeout(500);

    const labels = await drawnLabels(page);
    // Every wire of the heap and around it is labelled with its dims.
    expect(labels.length).toBe(wires);
    expect(labels.filter((l) => !/^\[\d+(, \d+)*\]$/.test(l.text)).map((l) => l.text)).toEqual([]);
    expect(overlapping(labels)).toEqual([]);
    expect(labels.filter((l) => !l.whole).map((l) => l.text)).toEqual([]);
    // The pile is crowded enough that some labels had to leave their wire (raised, with a leader line).
    expect(await page.locator('.wire-label.raised').count()).toBeGreaterThan(0);
    expect(await page.locator('.wire-leader').count()).toBeGreaterThan(0);
    await screenshot(page, 'wire-labels-01-heap');

    // Zoomed in further, the boxes scale together: still apart.
    const centre = await nodeCentre(page, 'layer1.0');
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.wheel(0, -300);
    await page.waitForTimeout(500);
    const zoomed = await drawnLabels(page);
    expect(overlapping(zoomed)).toEqual([]);
    expect(zoomed.filter((l) => !l.whole).map((l) => l.text)).toEqual([]);
    await screenshot(page, 'wire-labels-02-heap-zoomed');
    expect(pageErrors).toEqual([]);
  });
});
