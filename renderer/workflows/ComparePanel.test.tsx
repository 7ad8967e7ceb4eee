// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { CompareReport, CompareTensors } from '../../core/api/compare-schemas.js';
import { buildTemplate } from '../../core/templates/index.js';
import { createEditorStore } from '../editor/editor-store.js';
import { fakeHost } from '../host/fake-host.js';
import { renderDock } from './dock.testing.js';
import { compareOverlay, nodeOfLayer } from './compare-overlay.js';
import { errorHeat } from '../editor/heat.js';

afterEach(cleanup);

const layer = (name: string, relError: number, pass: boolean, extra: { reference?: string; note?: string } = {}) => ({
  layer: name,
  reference: extra.reference ?? name,
  dims: [1, 6, 28, 28],
  maxAbsError: relError * 2,
  relError,
  cosine: pass ? 1 : 0.97,
  pass,
  ...(extra.note ? { note: extra.note } : {}),
});

const REPORT: CompareReport = {
  firstFailing: 'conv2',
  backend: 'onnxruntime',
  against: { kind: 'reference', path: '/data/ref.npz' },
  tolerance: 1e-4,
  layers: [layer('conv1', 2e-7, true), layer('relu1', 0, true), layer('conv2', 0.05, false), layer('fc1', 3e-3, false, { reference: 'classifier.0' })],
  unmatched: ['features.9', 'aux.fc'],
};

const TENSORS: Record<string, CompareTensors> = {
  conv2: {
    layer: 'conv2',
    actual: { dims: [1, 16, 10, 10], min: -2.5, max: 3.1, mean: 0.12, std: 0.9, histogram: { edges: [-2.5, 0, 3.1], counts: [700, 900] } },
    reference: { dims: [1, 16, 10, 10], min: -2.5, max: 2.0, mean: 0.11, std: 0.85, histogram: { edges: [-2.5, 0, 2], counts: [700, 899] } },
    worst: [
      { index: [0, 3, 4, 5], actual: 3.1, reference: 0.1, absError: 3 },
      { index: [0, 0, 0, 1], actual: 0.5, reference: 0.49, absError: 0.01 },
    ],
  },
  conv1: {
    layer: 'conv1',
    actual: { dims: [1, 6, 28, 28], min: -1, max: 1, mean: 0, std: 0.5, histogram: { edges: [-1, 1], counts: [4704] } },
    reference: { dims: [1, 6, 28, 28], min: -1, max: 1, mean: 0, std: 0.5, histogram: { edges: [-1, 1], counts: [4704] } },
    worst: [],
  },
};

function setup(tensorrt: { available: boolean; detail: string }) {
  const store = createEditorStore(buildTemplate('lenet5')!);
  store.getState().setBackends([
    { name: 'tensorrt', ...tensorrt },
    { name: 'onnxruntime', available: true, detail: '1.23.0, CPU' },
  ]);
  const host = fakeHost({
    'build.history': () => ({ builds: [] }),
    'files.roots': () => ({ roots: [{ path: '/data', label: 'Work' }] }),
    'files.list': ({ path }) => ({
      path,
      parent: null,
      entries: [
        { name: 'ref.npz', path: '/data/ref.npz', kind: 'file', size: 90_000, modifiedAt: '' },
        { name: 'input.npy', path: '/data/input.npy', kind: 'file', size: 4224, modifiedAt: '' },
      ],
    }),
    'compare.start': () => ({ jobId: 'c1' }),
    'compare.tensors': ({ layer }) =>
      TENSORS[layer] ?? { ok: false, diagnostics: [{ severity: 'error', code: 'compare.noLayer', message: `No layer '${layer}'.` }] },
  });
  renderDock(store, host);
  fireEvent.click(screen.getByTestId('dock-tab-compare'));
  const idOf = (name: string) => store.getState().doc.nodes.find((n) => n.name === name)!.id;
  return { store, host, idOf };
}

async function chooseFile(button: string, name: string) {
  fireEvent.click(screen.getByTestId(button));
  const entry = (await screen.findAllByTestId('file-browser-entry')).find((e) => e.getAttribute('data-name') === name)!;
  fireEvent.click(entry);
  await waitFor(() => expect(screen.queryByTestId('file-browser')).toBeNull());
}

/** Choose the files, start, and finish the job with `report`. */
async function compareWith(host: ReturnType<typeof setup>['host'], report: CompareReport) {
  await chooseFile('compare-choose-reference', 'ref.npz');
  await chooseFile('compare-choose-input', 'input.npy');
  fireEvent.click(screen.getByTestId('compare-start'));
  await waitFor(() => expect((screen.getByTestId('compare-progress-cancel') as HTMLButtonElement).disabled).toBe(false));
  act(() => host.emit('job.progress', { jobId: 'c1', kind: 'compare', progress: { phase: 'Comparing layers', step: { index: 2, total: 4 }, fraction: 0.5 } }));
  expect(screen.getByTestId('compare-progress-text').textContent).toMatch(/^Comparing layers · step 2 of 4 · [\d.]+ m?s elapsed$/);
  act(() => host.emit('job.finished', { jobId: 'c1', kind: 'compare', status: 'succeeded', result: report, diagnostics: [], elapsedMs: 40 }));
  await screen.findByTestId('compare-table');
}

describe('Compare panel', () => {
  it('offers no comparison between backends without TensorRT, and says why', () => {
    setup({ available: false, detail: 'TensorRT is not available: the native addon was built without TensorRT. Possible solutions: …' });
    const backendChoice = screen.getByTestId('compare-against-backend') as HTMLInputElement;
    expect(backendChoice.disabled).toBe(true);
    expect(backendChoice.closest('label')!.textContent).toBe('another backend: TensorRT');
    expect(screen.getByTestId('compare-against-backend-reason').textContent).toBe(
      'TensorRT is not available here (the native addon was built without TensorRT); comparing two backends needs it. Compare against a reference file instead.',
    );
    expect((screen.getByTestId('compare-against-reference') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('option', { name: 'TensorRT (not available)' }) as HTMLOptionElement).disabled).toBe(true);
    expect((screen.getByTestId('compare-backend') as HTMLSelectElement).value).toBe('onnxruntime');
    expect(screen.getByTestId('compare-reason').textContent).toBe('Choose the reference activations first.');
  });

  it('compares TensorRT against the reference runtime when the host has both', async () => {
    const { host } = setup({ available: true, detail: '10.13.0, NVIDIA H100' });
    await waitFor(() => expect((screen.getByTestId('compare-backend') as HTMLSelectElement).value).toBe('tensorrt'));
    const backendChoice = screen.getByTestId('compare-against-backend') as HTMLInputElement;
    expect(backendChoice.disabled).toBe(false);
    expect(screen.queryByTestId('compare-against-backend-reason')).toBeNull();
    fireEvent.click(backendChoice);
    await chooseFile('compare-choose-input', 'input.npy');
    fireEvent.click(screen.getByTestId('compare-start'));
    await waitFor(() => expect(host.calls.some((c) => c.method === 'compare.start')).toBe(true));
    const params = host.calls.find((c) => c.method === 'compare.start')!.params as Record<string, unknown>;
    expect({ ...params, document: undefined }).toEqual({
      document: undefined,
      weightSetId: null,
      backend: 'tensorrt',
      against: { kind: 'backend', backend: 'onnxruntime' },
      inputPath: '/data/input.npy',
      tolerance: 1e-4,
    });
  });

  it('refuses a tolerance that is not a fraction, with the value it got', async () => {
    setup({ available: false, detail: 'no libnvinfer' });
    await chooseFile('compare-choose-reference', 'ref.npz');
    await chooseFile('compare-choose-input', 'input.npy');
    expect((screen.getByTestId('compare-start') as HTMLButtonElement).disabled).toBe(false);
    fireEvent.change(screen.getByTestId('compare-tolerance'), { target: { value: '5' } });
    expect((screen.getByTestId('compare-start') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('compare-reason').textContent).toBe(
      'The tolerance must be a number above 0 and at most 1 (a fraction of the reference\'s largest value), got "5".',
    );
  });

  it('lists the layers in order, selects and colours the first failing one, and shows its two tensors', async () => {
    const { store, host, idOf } = setup({ available: false, detail: 'no libnvinfer' });
    fireEvent.change(screen.getByTestId('compare-tolerance'), { target: { value: '1e-4' } });
    await compareWith(host, REPORT);
    expect(host.calls.find((c) => c.method === 'compare.start')!.params).toMatchObject({
      backend: 'onnxruntime',
      against: { kind: 'reference', path: '/data/ref.npz' },
      inputPath: '/data/input.npy',
      tolerance: 1e-4,
    });

    expect(screen.getByTestId('compare-summary').textContent).toBe(
      'The first layer that fails is conv2 (rel error 0.05 > 1e-4: fails); 2 of 4 compared layers fail.',
    );
    const rows = screen.getAllByTestId('compare-row').map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent));
    expect(rows).toEqual([
      ['1', 'conv1', 'conv1', '4.00e-7', '2.00e-7', '1.000000', 'pass'],
      ['2', 'relu1', 'relu1', '0', '0', '1.000000', 'pass'],
      ['3', 'conv2', 'conv2', '0.1', '0.05', '0.970000', 'FAIL'],
      ['4', 'fc1', 'classifier.0', '0.006', '0.003', '0.970000', 'FAIL'],
    ]);
    expect(screen.getAllByTestId('compare-row')[2]!.getAttribute('title')).toBe('[1, 6, 28, 28]: rel error 0.05 > 1e-4: fails');
    expect(screen.getByTestId('compare-unmatched').textContent).toBe('2 reference keys named no layer of this network and were not compared: features.9aux.fc');

    // On the canvas: the first failing layer selected and centred, every compared layer coloured.
    expect(store.getState().selected).toEqual([idOf('conv2')]);
    expect(store.getState().focusRequest?.nodeId).toBe(idOf('conv2'));
    expect(store.getState().heat).toEqual({ [idOf('conv1')]: 0.08, [idOf('relu1')]: 0, [idOf('conv2')]: 1, [idOf('fc1')]: 1 });
    expect(store.getState().heatLegend).toMatchObject({
      source: 'compare',
      stops: [
        { at: 0, label: '≤ 1e-7' },
        { at: 0.75, label: 'tol 1e-4' },
        { at: 1, label: '≥ 1e-3' },
      ],
    });
    expect(store.getState().heatLegend!.notes[idOf('conv2')]).toBe('conv2 against conv2: rel error 0.05 > 1e-4: fails');

    // The first failing layer's two tensors, side by side.
    const pair = await screen.findByTestId('compare-tensors');
    expect(pair.getAttribute('data-layer')).toBe('conv2');
    expect(host.calls.filter((c) => c.method === 'compare.tensors').map((c) => c.params)).toEqual([{ jobId: 'c1', layer: 'conv2' }]);
    const actual = within(pair).getByTestId('compare-actual');
    const reference = within(pair).getByTestId('compare-reference');
    expect(actual.querySelector('.cmp-side-title')!.textContent).toBe('Reference runtime (ONNX Runtime)');
    expect(reference.querySelector('.cmp-side-title')!.textContent).toBe('Reference (conv2)');
    expect(within(actual).getByTestId('compare-actual-stats').textContent).toBe('min-2.5max3.1mean0.12std0.9');
    expect(within(reference).getByTestId('compare-reference-stats').textContent).toBe('min-2.5max2mean0.11std0.85');
    expect(
      within(actual)
        .getAllByTestId('histogram-bar')
        .map((b) => b.getAttribute('data-count')),
    ).toEqual(['700', '900']);
    expect(within(actual).getAllByTestId('histogram-bar')[1]!.textContent).toBe('0 to 3.1: 900');
    expect(
      within(pair)
        .getAllByTestId('compare-worst-row')
        .map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent)),
    ).toEqual([
      ['[0, 3, 4, 5]', '3.1', '0.1', '3'],
      ['[0, 0, 0, 1]', '0.5', '0.49', '0.01'],
    ]);

    // A row selects its node and shows its tensors.
    fireEvent.click(screen.getAllByTestId('compare-row')[0]!);
    await waitFor(() => expect(screen.getByTestId('compare-tensors').getAttribute('data-layer')).toBe('conv1'));
    expect(store.getState().selected).toEqual([idOf('conv1')]);
    expect(screen.getByTestId('compare-tensors').textContent).toContain('The tensors are equal.');
    expect(screen.getAllByTestId('compare-row')[0]!.className).toContain('selected');

    // A layer the host has no tensors for says so instead of showing stale ones.
    fireEvent.click(screen.getAllByTestId('compare-row')[3]!);
    expect((await screen.findByTestId('compare-tensor-diagnostics')).textContent).toContain("No layer 'fc1'.");
    expect(screen.queryByTestId('compare-tensors')).toBeNull();

    // Clearing removes the results and the overlay.
    fireEvent.click(screen.getByTestId('compare-clear'));
    expect(screen.queryByTestId('compare-table')).toBeNull();
    expect(store.getState().heat).toEqual({});
    expect(store.getState().heatLegend).toBeUndefined();
  });

  it('says when every layer passes, and leaves the selection alone', async () => {
    const { store, host } = setup({ available: false, detail: 'no libnvinfer' });
    const passing: CompareReport = { ...REPORT, firstFailing: null, layers: REPORT.layers.slice(0, 2), unmatched: [] };
    await compareWith(host, passing);
    expect(screen.getByTestId('compare-summary').textContent).toBe("All 2 compared layers pass: every error is within 1e-4 of the reference's largest value.");
    expect(screen.queryByTestId('compare-unmatched')).toBeNull();
    expect(store.getState().selected).toEqual([]);
    expect(host.calls.some((c) => c.method === 'compare.tensors')).toBe(false);
  });
});

describe('the comparison on the canvas', () => {
  it('draws a layer inside a block instance as that instance, coloured by its worst layer', () => {
    const nodes = [
      { id: 'a', name: 'layer3' },
      { id: 'b', name: 'layer3.0' },
      { id: 'c', name: 'fc' },
    ];
    expect(nodeOfLayer({ layer: 'layer3.0.conv1' }, nodes)).toBe('b');
    expect(nodeOfLayer({ layer: 'fc' }, nodes)).toBe('c');
    expect(nodeOfLayer({ layer: 'head.conv' }, nodes)).toBeUndefined();
    const report: CompareReport = {
      ...REPORT,
      layers: [layer('layer3.0.conv1', 1e-6, true), layer('layer3.0.bn1', 2e-3, false), layer('fc', 1e-8, true)],
    };
    expect(compareOverlay(report, nodes).heat).toEqual({ b: 1, c: 0 });
    expect(compareOverlay(report, nodes).legend.notes.b).toBe('layer3.0.bn1 against layer3.0.bn1: rel error 0.002 > 1e-4: fails');
  });

  it('puts errors on a log scale: the tolerance at three quarters, ten times it red, a thousandth of it blue', () => {
    expect([0, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1, Number.NaN].map((e) => errorHeat(e, 1e-4))).toEqual([0, 0, 0.25, 0.5, 0.75, 1, 1, 1]);
  });
});
