/** The editor, end to end: a real Chromium driving the built renderer as a user would. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  allNodesVisible,
  canvasCentre,
  documentOf,
  doubleClickWire,
  dragFromPalette,
  dragWire,
  dragWireToEmpty,
  launchBrowser,
  nodeCentre,
  nodeLocator,
  nodesOverlap,
  openEditor,
  screenshot,
  setField,
  wireLabel,
} from './editor-page.js';
import { syntheticGraph } from '../bench/synthetic-network.js';

let browser: Browser;
const url = inject('editorUrl');

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** An editor with an input [1,3,224,224] and a Convolution wired to it. */
async function inputAndConvolution(): Promise<{ page: Page; errors: string[] }> {
  const { page, pageErrors } = await openEditor(browser, url);
  await dragFromPalette(page, 'Input', { x: 180, y: 220 });
  await dragFromPalette(page, 'addConvolutionNd', { x: 520, y: 220 });
  await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(1);
  await dragWire(page, { node: 'data', port: 'output' }, { node: 'convolution', port: 'input' });
  await expect.poll(async () => (await documentOf(page)).edges.length).toBe(1);
  return { page, errors: pageErrors };
}

describe('building a network by hand', () => {
  it('drags a Convolution from the palette, connects it, sets 64 outputs and 7×7 /2, and shows the dims on the wire', async () => {
    const { page, errors } = await inputAndConvolution();
    await nodeLocator(page, 'convolution').click();
    await setField(page, 'nbOutputMaps', '64');
    await setField(page, 'kernelSize', '7, 7');
    await setField(page, 'stride', '2 2');
    await setField(page, 'prePadding', '3, 3');
    await setField(page, 'postPadding', '3, 3');
    // A consumer of the convolution, so its output has a wire with a label.
    await dragWireToEmpty(page, { node: 'convolution', port: 'output' }, { x: 1000, y: 300 });
    await page.locator('[data-testid=search-input]').fill('activation');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.type)).toEqual(['addConvolutionNd', 'addActivation']);
    const doc = await documentOf(page);
    const conv = doc.nodes[0]!;
    expect(conv.params.nbOutputMaps).toBe(64);
    expect(conv.params.kernelSize).toEqual([7, 7]);
    const out = doc.edges.find((e) => e.from.node === conv.id)!;
    await expect.poll(() => wireLabel(page, out.id)).toBe('[1, 64, 112, 112]');
    await expect.poll(() => nodeLocator(page, 'convolution').locator('.node-summary').textContent()).toBe('7×7 /2 64');
    await screenshot(page, '01-convolution-wired');
    expect(errors).toEqual([]);
  });

  it('shows an invalid value inline and does not commit it', async () => {
    const { page } = await inputAndConvolution();
    await nodeLocator(page, 'convolution').click();
    const field = page.locator('[data-testid="param-nbOutputMaps"]');
    await field.fill('-3');
    await expect(page.locator('.field-error').first().textContent()).resolves.toBe('-3 is below the minimum 1');
    await field.press('Enter');
    expect((await documentOf(page)).nodes[0]!.params.nbOutputMaps).toBe(64);
    await screenshot(page, '02-inline-validation');
  });

  it('refuses an invalid connection and says why', async () => {
    const { page } = await inputAndConvolution();
    await dragFromPalette(page, 'Input', { x: 180, y: 420 });
    await expect.poll(async () => (await documentOf(page)).inputs.length).toBe(2);
    // The convolution's input already has a wire: a second one is refused.
    await dragWire(page, { node: 'input', port: 'output' }, { node: 'convolution', port: 'input' });
    await expect
      .poll(() => page.locator('[data-testid=notice]').first().textContent())
      .toBe("Cannot connect these ports: the input 'input' of 'convolution' already has a wire; an input takes one wire.");
    expect((await documentOf(page)).edges).toHaveLength(1);
    await screenshot(page, '03-connection-refused');
  });

  it('refuses a wire whose tensor the input cannot take, with the reason of the layer', async () => {
    const { page } = await openEditor(browser, url);
    await dragFromPalette(page, 'Input', { x: 180, y: 220 });
    await dragFromPalette(page, 'addConvolutionNd', { x: 520, y: 220 });
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(1);
    await nodeLocator(page, 'data').click();
    await setField(page, 'dims', '1, 10');
    await dragWire(page, { node: 'data', port: 'output' }, { node: 'convolution', port: 'input' });
    await expect
      .poll(() => page.locator('[data-testid=notice]').last().textContent())
      .toBe('Cannot connect these ports: convolution: input must be 4-D (NCHW) or 5-D (NCDHW); got [1, 10].');
    expect((await documentOf(page)).edges).toHaveLength(0);
  });

  it('opens the search menu with Space and adds the chosen layer', async () => {
    const { page } = await openEditor(browser, url);
    await page.locator('.react-flow__pane').click({ position: { x: 400, y: 300 } });
    await page.keyboard.press('Space');
    await page.locator('[data-testid=search-input]').fill('pool');
    const first = page.locator('[data-testid=search-item]').first();
    await expect(first.getAttribute('data-type')).resolves.toBe('addPoolingNd');
    await screenshot(page, '04-search-menu');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.type)).toEqual(['addPoolingNd']);
  });

  it('undoes and redoes one gesture at a time', async () => {
    const { page } = await inputAndConvolution();
    await nodeLocator(page, 'convolution').click();
    await setField(page, 'nbOutputMaps', '32');
    expect((await documentOf(page)).nodes[0]!.params.nbOutputMaps).toBe(32);
    await page.locator('.react-flow__pane').click({ position: { x: 50, y: 50 } });
    await page.keyboard.press('Control+z');
    expect((await documentOf(page)).nodes[0]!.params.nbOutputMaps).toBe(64);
    await page.keyboard.press('Control+z');
    expect((await documentOf(page)).edges).toHaveLength(0);
    await page.keyboard.press('Control+y');
    await page.keyboard.press('Control+y');
    const doc = await documentOf(page);
    expect([doc.edges.length, doc.nodes[0]!.params.nbOutputMaps]).toEqual([1, 32]);
  });

  it('copies and pastes through the clipboard as JSON text', async () => {
    const { page } = await inputAndConvolution();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await nodeLocator(page, 'convolution').click();
    await page.keyboard.press('Control+c');
    const text = await page.evaluate(() => navigator.clipboard.readText());
    expect(JSON.parse(text).format).toBe('trtstudio-fragment');
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.name)).toEqual(['convolution', 'convolution_2']);
    // Into another project: a fresh page.
    const other = await openEditor(browser, url);
    await other.page.evaluate((t) => navigator.clipboard.writeText(t), text).catch(() => undefined);
    await other.page.locator('.react-flow__pane').click({ position: { x: 300, y: 300 } });
    await other.page.keyboard.press('Control+v');
    await expect.poll(async () => (await documentOf(other.page)).nodes.map((n) => n.type)).toEqual(['addConvolutionNd']);
    await screenshot(page, '05-pasted');
  });

  it('groups the selection into a named block and collapses it', async () => {
    const { page } = await inputAndConvolution();
    await page.keyboard.press('Control+a');
    await page.locator('[data-testid=btn-group]').click();
    await expect.poll(async () => (await documentOf(page)).ui.groups.length).toBe(1);
    await expect(page.locator('[data-testid=group-frame]').count()).resolves.toBe(1);
    // The block's name is edited in place: double-click, type, Enter.
    await page.locator('[data-testid=group-frame] [data-testid=group-name]').dblclick();
    await page.locator('[data-testid=group-name-input]').fill('stem');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await documentOf(page)).ui.groups[0]!.name).toBe('stem');
    await expect(page.locator('[data-testid=group-frame] [data-testid=group-name]').textContent()).resolves.toBe('stem');
    await screenshot(page, '06-group-expanded');
    await page.locator('[data-testid=group-frame] .frame-toggle').click();
    await expect.poll(() => page.locator('[data-testid=group-node]').count()).toBe(1);
    expect((await documentOf(page)).ui.groups[0]!.collapsed).toBe(true);
    await screenshot(page, '07-group-collapsed');
  });
});

describe('editing comforts', () => {
  it('drops a wire on empty canvas, lists only the layers that accept its tensor, and connects the chosen one', async () => {
    const { page, pageErrors } = await openEditor(browser, url);
    await dragFromPalette(page, 'Input', { x: 180, y: 220 });
    await expect.poll(async () => (await documentOf(page)).inputs.length).toBe(1);
    await dragWireToEmpty(page, { node: 'data', port: 'output' }, { x: 800, y: 400 });
    const input = page.locator('[data-testid=search-input]');
    await expect(input.getAttribute('placeholder')).resolves.toBe('Layers that accept [1, 3, 224, 224]…');
    await expect(page.locator('[data-testid=pending-wire] line').count()).resolves.toBe(1);
    const types = await page.locator('[data-testid=search-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    // Layers whose input size is a parameter (Linear's inFeatures, a block's inplanes) take it from the tensor; a constant takes no input.
    expect(types).toContain('addConvolutionNd');
    expect(types).toContain('Linear');
    expect(types).toContain('BasicBlock');
    expect(types).not.toContain('addConstant');
    await screenshot(page, '08-wire-dropped-menu');
    await input.fill('convolution');
    await page.keyboard.press('Enter');
    const doc = await documentOf(page);
    expect(doc.nodes.map((n) => n.type)).toEqual(['addConvolutionNd']);
    expect(doc.edges.map((e) => [e.from.node, e.to.node, e.to.port])).toEqual([[doc.inputs[0]!.id, doc.nodes[0]!.id, 'input']]);
    // The default 3×3 kernel without padding.
    await expect.poll(() => nodeLocator(page, 'convolution').locator('.node-dims').textContent()).toBe('[1, 64, 222, 222]');
    expect(pageErrors).toEqual([]);
  });

  it('inserts a layer onto a wire by double-clicking it, and bypasses it again', async () => {
    const { page } = await inputAndConvolution();
    const wire = (await documentOf(page)).edges[0]!;
    await doubleClickWire(page, wire.id);
    const input = page.locator('[data-testid=search-input]');
    await expect(input.getAttribute('placeholder')).resolves.toBe('Insert a layer onto the wire…');
    await input.fill('activation');
    await page.keyboard.press('Enter');
    let doc = await documentOf(page);
    const names = (id: string) => doc.nodes.find((n) => n.id === id)?.name ?? doc.inputs.find((i) => i.id === id)?.name;
    expect(doc.edges.map((e) => `${names(e.from.node)} → ${names(e.to.node)}`).sort()).toEqual(['activation → convolution', 'data → activation']);
    // Placed after its source, with the consumer pushed right to make room: nothing overlaps.
    await expect.poll(() => nodesOverlap(page)).toBe(false);
    await screenshot(page, '09-inserted-on-wire');
    // The inserted layer is selected; the inspector's Bypass takes it out and rewires around it.
    await page.locator('[data-testid=inspector] button', { hasText: 'Bypass' }).click();
    doc = await documentOf(page);
    expect(doc.nodes.map((n) => n.name)).toEqual(['convolution']);
    expect(doc.edges.map((e) => `${names(e.from.node)} → ${names(e.to.node)}`)).toEqual(['data → convolution']);
    // One undo brings the activation back with both wires; B bypasses it from the keyboard.
    await page.keyboard.press('Control+z');
    expect((await documentOf(page)).nodes).toHaveLength(2);
    await nodeLocator(page, 'activation').click();
    await page.keyboard.press('b');
    expect((await documentOf(page)).nodes.map((n) => n.name)).toEqual(['convolution']);
  });

  it('expands a composite into its primitives in place, keeping the dims on the wires', async () => {
    const { page } = await openEditor(browser, url);
    await dragFromPalette(page, 'Input', { x: 150, y: 220 });
    await dragFromPalette(page, 'ConvBnAct', { x: 480, y: 220 });
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(1);
    const block = (await documentOf(page)).nodes[0]!;
    await dragWire(page, { node: 'data', port: 'output' }, { node: block.name, port: 'input' });
    await expect.poll(async () => (await documentOf(page)).edges.length).toBe(1);
    await nodeLocator(page, block.name).click();
    await page.locator('[data-testid=expand-composite]').click();
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.type)).toEqual(['addConvolutionNd', 'BatchNorm2d', 'addActivation']);
    const doc = await documentOf(page);
    expect(doc.nodes.map((n) => n.name)).toEqual([`${block.name}.0`, `${block.name}.1`, `${block.name}.2`]);
    const last = doc.nodes[2]!;
    await expect.poll(() => nodeLocator(page, last.name).locator('.node-dims').textContent()).toBe('[1, 64, 224, 224]');
    await expect.poll(() => page.locator('[data-testid=wire-label]').allTextContents()).toEqual(['[1, 3, 224, 224]', '[1, 64, 224, 224]', '[1, 64, 224, 224]']);
    // Laid out in place, left to right, with room between them for the dims labels.
    await expect
      .poll(
        async () => {
          const d = await documentOf(page);
          const xs = d.nodes.map((n) => d.ui.positions[n.id]!.x);
          return xs.every((x, i) => i === 0 || x - xs[i - 1]! >= 190 + 100);
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    await screenshot(page, '10-composite-expanded');
    // The expansion is one step.
    await page.keyboard.press('Control+z');
    expect((await documentOf(page)).nodes.map((n) => n.type)).toEqual(['ConvBnAct']);
  });

  it('expands a block of a template with E and moves what follows out of its way', async () => {
    const { page } = await openEditor(browser, url);
    await page.locator('[data-testid=btn-templates]').click();
    await page.locator('[data-testid=template-resnet18]').click();
    await expect.poll(async () => (await documentOf(page)).nodes.length, { timeout: 15_000 }).toBe(14);
    // The template is laid out in a worker after it opens: click the block once it is selected for sure.
    await expect
      .poll(async () => {
        await nodeLocator(page, 'layer1.0').click();
        return nodeLocator(page, 'layer1.0').getAttribute('class');
      })
      .toContain('selected');
    await page.keyboard.press('e');
    await expect.poll(async () => (await documentOf(page)).nodes.length, { timeout: 15_000 }).toBe(20);
    expect((await documentOf(page)).nodes.filter((n) => n.name.startsWith('layer1.0.')).map((n) => n.type)).toEqual([
      'addConvolutionNd',
      'BatchNorm2d',
      'addActivation',
      'addConvolutionNd',
      'BatchNorm2d',
      'addElementWise',
      'addActivation',
    ]);
    await expect.poll(() => nodesOverlap(page)).toBe(false);
    await page.keyboard.press('f');
    await expect.poll(() => allNodesVisible(page)).toBe(true);
    await page.waitForTimeout(300); // the end of the fit animation, for the screenshot
    await screenshot(page, '14-block-expanded');
    await page.keyboard.press('Control+z');
    expect((await documentOf(page)).nodes).toHaveLength(14);
  });

  it('marks a layer with a problem badge and centres it when its problem is clicked', async () => {
    const { page } = await openEditor(browser, url);
    await dragFromPalette(page, 'addPoolingNd', { x: 150, y: 120 });
    await expect.poll(() => nodeLocator(page, 'pooling').locator('[data-testid=problem-badge]').textContent()).toBe('!');
    // Pan the pooling layer out of the middle of the view.
    const pane = page.locator('.react-flow__pane');
    const box = (await pane.boundingBox())!;
    await page.mouse.move(box.x + 600, box.y + 400);
    await page.mouse.down();
    await page.mouse.move(box.x + 900, box.y + 500, { steps: 6 });
    await page.mouse.up();
    const problem = page.locator('[data-testid=problem]').first();
    await expect(problem.locator('.problem-node').textContent()).resolves.toBe('pooling');
    await problem.click();
    await expect
      .poll(
        async () =>
          (await documentOf(page)).nodes.length &&
          (await page.evaluate(
            () => (window as unknown as { __trtStudio: { store: { getState(): { selected: string[] } } } }).__trtStudio.store.getState().selected.length,
          )),
      )
      .toBe(1);
    await expect
      .poll(async () => {
        const [a, b] = [await nodeCentre(page, 'pooling'), await canvasCentre(page)];
        return Math.hypot(a.x - b.x, a.y - b.y) < 4;
      })
      .toBe(true);
    await expect(nodeLocator(page, 'pooling').getAttribute('class')).resolves.toContain('selected');
    await screenshot(page, '11-problem-centred');
  });

  it('lists the shortcuts on ?, nudges with the arrows, duplicates with Ctrl+D and fits with F', async () => {
    const { page } = await inputAndConvolution();
    await page.keyboard.press('?');
    const help = page.locator('[data-testid=help]');
    await expect(help.textContent()).resolves.toContain('Nudge the selection');
    const rows = await help.locator('td.keys').allTextContents();
    expect(rows).toEqual(expect.arrayContaining(['Ctrl+Z', 'Ctrl+D', 'Ctrl+A', 'Ctrl+F', 'F', 'Arrows (Shift: ×10)', 'Ctrl+S / Ctrl+Shift+S', '?']));
    await screenshot(page, '12-help');
    await page.keyboard.press('Escape');
    await expect(help.count()).resolves.toBe(0);

    await nodeLocator(page, 'convolution').click();
    const before = (await documentOf(page)).ui.positions[(await documentOf(page)).nodes[0]!.id]!;
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    let doc = await documentOf(page);
    expect(doc.ui.positions[doc.nodes[0]!.id]).toEqual({ x: before.x + 10, y: before.y + 100 });
    await page.keyboard.press('Control+d');
    doc = await documentOf(page);
    expect(doc.nodes.map((n) => n.name)).toEqual(['convolution', 'convolution_2']);
    // Ctrl+A then Ctrl+D duplicates everything, the input included.
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+d');
    doc = await documentOf(page);
    expect([doc.inputs.length, doc.nodes.length]).toEqual([2, 4]);
    // Zoomed far in, F brings every node back into view.
    for (let i = 0; i < 6; i++) await page.locator('.react-flow__controls-zoomin').click();
    expect(await allNodesVisible(page)).toBe(false);
    await page.keyboard.press('f');
    await expect.poll(() => allNodesVisible(page)).toBe(true);
  });

  it('lays out the selection top to bottom (Shift+L) and keeps the rest in place', async () => {
    const { page } = await inputAndConvolution();
    await dragFromPalette(page, 'addActivation', { x: 760, y: 500 });
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(2);
    const before = await documentOf(page);
    const act = before.nodes[1]!;
    const input = before.inputs[0]!;
    const conv = before.nodes[0]!;
    // Select the input and the convolution (Ctrl+click adds to the selection).
    await nodeLocator(page, 'data').click();
    await nodeLocator(page, 'convolution').click({ modifiers: ['Control'] });
    await page.keyboard.press('Shift+L');
    await expect.poll(async () => (await documentOf(page)).ui.positions[conv.id]).not.toEqual(before.ui.positions[conv.id]);
    const after = await documentOf(page);
    // Stacked: one column (centres within a few pixels; the two nodes differ in width), the input on top.
    expect(Math.abs(after.ui.positions[conv.id]!.x - after.ui.positions[input.id]!.x)).toBeLessThan(30);
    expect(after.ui.positions[conv.id]!.y).toBeGreaterThan(after.ui.positions[input.id]!.y + 60);
    expect(after.ui.positions[act.id]).toEqual(before.ui.positions[act.id]);
    await page.keyboard.press('Control+z');
    expect((await documentOf(page)).ui.positions).toEqual(before.ui.positions);
  });

  it('offers what can be done to a wire, a layer and the canvas on right-click', async () => {
    const { page } = await inputAndConvolution();
    const wire = (await documentOf(page)).edges[0]!;
    const label = (await page.locator(`[data-testid=wire-label][data-edge="${wire.id}"]`).boundingBox())!;
    await page.mouse.click(label.x + label.width / 2, label.y + label.height / 2, { button: 'right' });
    const menu = page.locator('[data-testid=context-menu]');
    await expect(menu.locator('.context-item > span:first-child').allTextContents()).resolves.toEqual(['Insert a layer…', 'Delete the wire']);
    await menu.locator('.context-item', { hasText: 'Insert a layer…' }).click();
    await page.locator('[data-testid=search-input]').fill('pooling');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await documentOf(page)).nodes.map((n) => n.name)).toEqual(['convolution', 'pooling']);
    await nodeLocator(page, 'pooling').click({ button: 'right' });
    await expect(menu.locator('.context-item > span:first-child').allTextContents()).resolves.toEqual([
      'Duplicate',
      'Rename…',
      'Bypass (rewire around it)',
      'Delete',
    ]);
    await screenshot(page, '13-context-menu');
    await menu.locator('.context-item', { hasText: 'Bypass' }).click();
    const doc = await documentOf(page);
    expect(doc.nodes.map((n) => n.name)).toEqual(['convolution']);
    expect(doc.edges.map((e) => [e.from.node, e.to.node])).toEqual([[doc.inputs[0]!.id, doc.nodes[0]!.id]]);
    await page.locator('.react-flow__pane').click({ position: { x: 600, y: 500 }, button: 'right' });
    await expect(menu.locator('.context-item > span:first-child').first().textContent()).resolves.toBe('Add a layer…');
    await page.keyboard.press('Escape');
    await expect(menu.count()).resolves.toBe(0);
  });

  it('finds a layer by name with Ctrl+F and centres it', async () => {
    const { page } = await openEditor(browser, url);
    await page.locator('[data-testid=btn-templates]').click();
    await page.locator('[data-testid=template-resnet18]').click();
    await expect.poll(async () => (await documentOf(page)).nodes.length, { timeout: 15_000 }).toBe(14);
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+f');
    await page.locator('[data-testid=find-input]').fill('layer3.1');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => {
        const [a, b] = [await nodeCentre(page, 'layer3.1'), await canvasCentre(page)];
        return Math.hypot(a.x - b.x, a.y - b.y) < 4;
      })
      .toBe(true);
    await expect(nodeLocator(page, 'layer3.1').getAttribute('class')).resolves.toContain('selected');
  });

  it('undoes a paste of many nodes as one step', async () => {
    const { page } = await inputAndConvolution();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Control+a');
      await page.keyboard.press('Control+d');
    }
    expect((await documentOf(page)).nodes.length + (await documentOf(page)).inputs.length).toBe(16);
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await documentOf(page)).nodes.length).toBe(16);
    expect((await documentOf(page)).inputs).toHaveLength(16);
    await page.keyboard.press('Control+z');
    const doc = await documentOf(page);
    expect([doc.inputs.length, doc.nodes.length]).toEqual([8, 8]);
  });
});

describe('a big network', () => {
  it('draws the far view as blocks and a few wire paths, then the detail of what is in view once a zoom settles; the minimap moves the view', async () => {
    const { page, pageErrors } = await openEditor(browser, url);
    // 400 layers (over the 300 where only what is in view draws its detail), on a grid of 20 columns.
    const doc = syntheticGraph(400);
    doc.ui.positions = { in: { x: 0, y: 0 } };
    doc.nodes.forEach((n, i) => (doc.ui.positions[n.id] = { x: ((i + 1) % 20) * 320, y: Math.floor((i + 1) / 20) * 160 }));
    await page.evaluate(
      (d) => (window as unknown as { __trtStudio: { store: { getState(): { load(doc: unknown): void } } } }).__trtStudio.store.getState().load(d),
      doc as unknown as Record<string, unknown>,
    );
    // Fitted, far: every node is a plain block, the wires are the far-wires paths, React Flow has no edges.
    await expect.poll(() => page.locator('.layer-node.plain').count()).toBe(400);
    await expect.poll(() => allNodesVisible(page)).toBe(true);
    expect(await page.locator('[data-testid=far-wires] path').count()).toBeGreaterThan(0);
    expect(await page.locator('.react-flow__edge').count()).toBe(0);
    expect(await page.locator('.node-name').count()).toBe(1); // the input node keeps its (hidden) text
    // The minimap shows the blocks, and the view's frame around all of them.
    expect(await page.locator('[data-testid=minimap] path').count()).toBeGreaterThan(1);
    await screenshot(page, '30-big-network-far');

    // Zoom in on the middle, past the threshold: the detail comes once the wheel has stopped.
    const centre = await canvasCentre(page);
    await page.mouse.move(centre.x, centre.y);
    for (let i = 0; i < 24; i++) await page.mouse.wheel(0, -60);
    await expect.poll(() => page.locator('[data-testid=wire-label]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=far-wires]').count()).toBe(0);
    const canvas = (await page.locator('[data-testid=canvas]').boundingBox())!;
    const detailed = await page
      .locator('.layer-node:not(.plain):not(.input-node)')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })));
    // Only the layers in (or just beyond) the view draw their names and dims, and every wire drawn has its label.
    expect(detailed.length).toBeGreaterThan(0);
    expect(detailed.length).toBeLessThan(80);
    const slack = { x: canvas.width * 0.15, y: canvas.height * 0.15 };
    for (const b of detailed) {
      expect(b.x + b.w).toBeGreaterThan(canvas.x - slack.x);
      expect(b.x).toBeLessThan(canvas.x + canvas.width + slack.x);
      expect(b.y + b.h).toBeGreaterThan(canvas.y - slack.y);
      expect(b.y).toBeLessThan(canvas.y + canvas.height + slack.y);
    }
    expect(await page.locator('.layer-node.plain').count()).toBe(400 - detailed.length);
    expect(await page.locator('[data-testid=wire-label]').count()).toBe(await page.locator('.react-flow__edge').count());
    expect(await page.locator('.react-flow__node .node-dims').first().textContent()).toMatch(/^\[1, 64, 56, 56\]$/);
    await screenshot(page, '31-big-network-near');

    // A click in the minimap's top-left corner moves the view there: the first layers come into view with their detail.
    const minimap = (await page.locator('[data-testid=minimap] svg').boundingBox())!;
    await page.mouse.click(minimap.x + 8, minimap.y + 8);
    await expect.poll(() => nodeLocator(page, 'n0').locator('.node-name').textContent()).toBe('n0');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
