/**
 * The editor in Chromium: open a big network, edit one parameter, drag a
 * node, pan and zoom, timed in Debian's Chromium through Playwright against the built renderer.
 *
 * Run: `npm run build:renderer && npx tsx bench/editor.bench.ts [--nodes 2000] [--edits 20]`.
 *
 * Networks: ResNet-152 from the model zoo with every composite that can be expanded in place
 * expanded (BatchNorm2d stays, its weights are folded at lowering), laid out by elkjs as the
 * editor does; and a synthetic ResNet-like network of `--nodes` layers on a grid.
 * The document is handed to the page first (not timed); "open" is `load()` to the first frame
 * where every drawn node is measured and visible, "fitted" adds the fit-view animation (200 ms).
 */
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { preview } from 'vite';
import * as elkBundle from 'elkjs/lib/elk.bundled.js';
import type { ELK } from 'elkjs/lib/elk-api.js';
import { buildTemplate } from '../core/templates/index.js';
import { expandComposite } from '../core/network/edit.js';
import { getLayerSpec } from '../core/layers/catalog.js';
import type { NetworkDocument } from '../core/network/types.js';
import { syntheticGraph } from './synthetic-network.js';

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const NODES = argument('nodes', 2000);
const EDITS = argument('edits', 20);
/** `--profile`: print where the page spends its time during a few edits (Chrome's CPU profiler). */
const PROFILE = process.argv.includes('--profile');

type ElkConstructor = new () => ELK;
const candidate = (elkBundle as unknown as { default: unknown }).default;
const Elk = (typeof candidate === 'function' ? candidate : (candidate as { default: unknown }).default) as ElkConstructor;

/** ResNet-152 with BasicBlock/Bottleneck/Linear expanded until only primitives and BatchNorm2d remain. */
function expandedResnet152(): NetworkDocument {
  let doc = buildTemplate('resnet152')!;
  for (;;) {
    const next = doc.nodes.find((n) => getLayerSpec(n.type)?.kind === 'composite' && n.type !== 'BatchNorm2d');
    if (!next) return doc;
    const r = expandComposite(doc, next.id);
    if (!r.ok) throw new Error(r.diagnostics[0]!.message);
    doc = r.value.doc;
  }
}

/** Positions from elkjs with the editor's own options (layered, left to right, wrapped to 1.4:1). */
async function layOut(doc: NetworkDocument): Promise<NetworkDocument> {
  const ids = [...doc.inputs.map((i) => i.id), ...doc.nodes.map((n) => n.id)];
  const graph = await new Elk().layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '130',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.wrapping.strategy': 'MULTI_EDGE',
      'elk.aspectRatio': '1.4',
    },
    children: ids.map((id) => ({ id, width: 190, height: 86 })),
    edges: doc.edges.map((e, i) => ({ id: `l${i}`, sources: [e.from.node], targets: [e.to.node] })),
  });
  const positions: Record<string, { x: number; y: number }> = {};
  for (const c of graph.children ?? []) positions[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
  return { ...doc, ui: { ...doc.ui, positions } };
}

/** The ResNet-like chain of bench/shapes.bench.ts, on a grid of 40 columns. */
function syntheticNetwork(count: number): NetworkDocument {
  const doc = syntheticGraph(count);
  const positions: Record<string, { x: number; y: number }> = { in: { x: 0, y: 0 } };
  doc.nodes.forEach((n, i) => (positions[n.id] = { x: ((i + 1) % 40) * 320, y: Math.floor((i + 1) / 40) * 160 }));
  doc.ui.positions = positions;
  return doc;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;

/** Load `doc` into the editor; times to the first frame with every drawn node measured, and to the end of the fit. */
async function open(page: Page, doc: NetworkDocument): Promise<{ open: number; fitted: number; drawn: number }> {
  await page.evaluate((d) => ((window as unknown as { __benchDoc: unknown }).__benchDoc = d), doc as unknown as Record<string, unknown>);
  return page.evaluate(async () => {
    type Store = { getState(): { load(doc: unknown): void } };
    const w = window as unknown as { __trtStudio: { store: Store }; __benchDoc: unknown };
    const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
    const nodes = () => [...document.querySelectorAll<HTMLElement>('.react-flow__node')];
    const viewport = () => (document.querySelector('.react-flow__viewport') as HTMLElement).style.transform;
    const t0 = performance.now();
    w.__trtStudio.store.getState().load(w.__benchDoc);
    let openAt: number;
    for (;;) {
      await frame();
      const drawn = nodes();
      if (drawn.length > 0 && drawn.every((n) => n.style.visibility !== 'hidden')) {
        openAt = performance.now() - t0;
        break;
      }
    }
    // Fitted: the viewport transform has stopped changing for 5 frames after the fit began.
    let last = viewport();
    let still = 0;
    const start = last;
    while (still < 5 || last === start) {
      await frame();
      const now = viewport();
      still = now === last ? still + 1 : 0;
      last = now;
      if (performance.now() - t0 > 20_000) break;
    }
    return { open: openAt, fitted: performance.now() - t0 - 5 * 16.7, drawn: nodes().length };
  });
}

/**
 * One parameter edit through the store (what the inspector does on Enter): `apply` covers shape
 * inference and the React Flow arrays; `frame` is until the next painted frame shows the new label.
 */
async function edit(page: Page, kind: 'activation' | 'input'): Promise<{ apply: number; render: number; frame: number }> {
  return page.evaluate(async (which) => {
    type Doc = { nodes: { id: string; type: string; params: Record<string, unknown> }[]; inputs: { id: string; dims: number[] }[] };
    type State = { doc: Doc; apply(edit: (doc: Doc) => { ok: true; value: Doc }): unknown };
    const store = (window as unknown as { __trtStudio: { store: { getState(): State } } }).__trtStudio.store;
    const doc = store.getState().doc;
    let next: Doc;
    if (which === 'activation') {
      const acts = doc.nodes.filter((n) => n.type === 'addActivation');
      const target = acts[Math.floor(acts.length / 2)]!;
      next = {
        ...doc,
        nodes: doc.nodes.map((n) => (n === target ? { ...n, params: { ...n.params, type: n.params.type === 'RELU' ? 'SIGMOID' : 'RELU' } } : n)),
      };
    } else {
      const input = doc.inputs[0]!;
      const size = input.dims[2] === 224 ? 192 : 224;
      next = { ...doc, inputs: [{ ...input, dims: [input.dims[0]!, input.dims[1]!, size, size] }, ...doc.inputs.slice(1)] };
    }
    const t0 = performance.now();
    store.getState().apply(() => ({ ok: true, value: next }));
    const applied = performance.now() - t0;
    // React renders the store's update in a task of its own; then the next frame paints it.
    await new Promise((r) => setTimeout(r, 0));
    const rendered = performance.now() - t0;
    await new Promise((r) => requestAnimationFrame(r));
    await new Promise((r) => setTimeout(r, 0));
    return { apply: applied, render: rendered, frame: performance.now() - t0 };
  }, kind);
}

/** Frames per second while `gesture` runs, counted with requestAnimationFrame in the page. */
async function fps(page: Page, gesture: () => Promise<void>): Promise<{ fps: number; worst: number }> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __counting: boolean };
    w.__frames = [];
    w.__counting = true;
    const tick = (t: number) => {
      w.__frames.push(t);
      if (w.__counting) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await gesture();
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __counting: boolean };
    w.__counting = false;
    return w.__frames;
  });
  const span = frames.at(-1)! - frames[0]!;
  const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
  return { fps: ((frames.length - 1) / span) * 1000, worst: Math.max(...gaps) };
}

/** The functions with the most self time during 4 edits of each kind. */
async function profile(page: Page, label: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  for (let i = 0; i < 4; i++) await edit(page, 'activation');
  for (let i = 0; i < 4; i++) await edit(page, 'input');
  const { profile: p } = (await cdp.send('Profiler.stop')) as {
    profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] };
  };
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const byName = new Map<string, number>();
  for (const n of p.nodes) {
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
    byName.set(key, (byName.get(key) ?? 0) + (self.get(n.id) ?? 0) / 1000);
  }
  console.log(`  profile of 8 edits on ${label}:`);
  for (const [name, t] of [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`    ${ms(t).padStart(9)}  ${name}`);
}

async function gestures(
  page: Page,
): Promise<{ drag: { fps: number; worst: number }; pan: { fps: number; worst: number }; zoom: { fps: number; worst: number } }> {
  const canvas = (await page.locator('[data-testid=canvas]').boundingBox())!;
  // Zoom in on the middle so nodes are big enough to grab, then drag the node nearest the centre.
  const cx = canvas.x + canvas.width / 2;
  const cy = canvas.y + canvas.height / 2;
  await page.mouse.move(cx, cy);
  const zoom = await fps(page, async () => {
    for (let i = 0; i < 30; i++) {
      await page.mouse.wheel(0, -60);
      await page.waitForTimeout(16);
    }
  });
  const boxes = await page
    .locator('.react-flow__node')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x + r.width / 2, y: r.y + 12 })));
  const grab = boxes.sort((a, b) => Math.hypot(a.x - cx, a.y - cy) - Math.hypot(b.x - cx, b.y - cy))[0]!;
  const drag = await fps(page, async () => {
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    for (let i = 1; i <= 60; i++) {
      await page.mouse.move(grab.x + i * 4, grab.y + Math.sin(i / 6) * 30);
      await page.waitForTimeout(16);
    }
    await page.mouse.up();
  });
  const pan = await fps(page, async () => {
    await page.mouse.move(canvas.x + 30, canvas.y + canvas.height - 30);
    await page.mouse.down();
    for (let i = 1; i <= 60; i++) {
      await page.mouse.move(canvas.x + 30 + i * 6, canvas.y + canvas.height - 30 - i * 3);
      await page.waitForTimeout(16);
    }
    await page.mouse.up();
  });
  return { drag, pan, zoom };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const resnet = await layOut(expandedResnet152());
  const synthetic = syntheticNetwork(NODES);
  console.log(`networks ready in ${ms(performance.now() - t0)}: resnet152 expanded ${resnet.nodes.length} layers, synthetic ${synthetic.nodes.length} layers`);

  const server = await preview({ configFile: 'renderer/vite.config.ts', preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'error' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview started without a local URL; run `npm run build:renderer` first.');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    for (const [label, doc] of [
      ['ResNet-152 expanded', resnet],
      [`synthetic ${synthetic.nodes.length}`, synthetic],
    ] as const) {
      const page = await (await browser.newContext({ viewport: { width: 1600, height: 950 } })).newPage();
      // tsx compiles the functions handed to page.evaluate with esbuild's keepNames, which calls __name.
      await page.addInitScript('window.__name = (f) => f');
      await page.goto(url);
      await page.waitForSelector('.react-flow__renderer');
      const opened = await open(page, doc);
      const activation: { apply: number; render: number; frame: number }[] = [];
      const input: { apply: number; render: number; frame: number }[] = [];
      for (let i = 0; i < EDITS; i++) activation.push(await edit(page, 'activation'));
      for (let i = 0; i < EDITS; i++) input.push(await edit(page, 'input'));
      if (PROFILE) await profile(page, label);
      const g = await gestures(page);
      // The gestures end zoomed in, where dims are drawn and watched: the same edit there.
      const near: { apply: number; render: number; frame: number }[] = [];
      for (let i = 0; i < EDITS; i++) near.push(await edit(page, 'input'));
      const labels = await page.locator('[data-testid=wire-label]').count();
      console.log(`\n${label} (${doc.nodes.length} layers, ${doc.edges.length} wires; ${opened.drawn} nodes drawn after the fit)`);
      console.log(`  open: first frame with every node measured ${ms(opened.open)}, fitted ${ms(opened.fitted)}`);
      console.log(
        `  edit an activation's type (no shape change): apply ${ms(median(activation.map((e) => e.apply)))}, rendered ${ms(median(activation.map((e) => e.render)))}, painted ${ms(median(activation.map((e) => e.frame)))} (median of ${EDITS})`,
      );
      console.log(
        `  edit the input size (every dims label changes): apply ${ms(median(input.map((e) => e.apply)))}, rendered ${ms(median(input.map((e) => e.render)))}, painted ${ms(median(input.map((e) => e.frame)))} (median of ${EDITS})`,
      );
      console.log(
        `  the input size again, zoomed in (${labels} wire labels drawn): apply ${ms(median(near.map((e) => e.apply)))}, rendered ${ms(median(near.map((e) => e.render)))}, painted ${ms(median(near.map((e) => e.frame)))}`,
      );
      for (const [name, r] of Object.entries(g)) console.log(`  ${name}: ${r.fps.toFixed(0)} frames/s, longest frame ${ms(r.worst)}`);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
