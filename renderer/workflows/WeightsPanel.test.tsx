// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { WeightSet } from '../../core/api/weight-schemas.js';
import { buildTemplate } from '../../core/templates/index.js';
import { createEditorStore } from '../editor/editor-store.js';
import { EditorProvider } from '../react/editor-context.js';
import { HostProvider } from '../react/host-context.js';
import { fakeHost, type FakeHost } from '../host/fake-host.js';
import { slotForTensor, TENSOR_DRAG_TYPE } from './tensor-drop.js';
import { WorkflowDock } from './WorkflowDock.js';
import { inferShapes } from '../../core/shapes/infer.js';
import { renderDock } from './dock.testing.js';

afterEach(cleanup);

const LENET_TENSORS = [
  { name: 'conv1.weight', count: 150 },
  { name: 'conv1.bias', count: 6 },
  { name: 'conv2.weight', count: 2400 },
  { name: 'conv2.bias', count: 16 },
  { name: 'fc1.weight', count: 48000 },
  { name: 'fc1.bias', count: 120 },
  { name: 'fc2.weight', count: 10080 },
  { name: 'fc2.bias', count: 84 },
  { name: 'fc3.weight', count: 840 },
  { name: 'fc3.bias', count: 10 },
];

const SET: WeightSet = {
  id: 'w1',
  fileName: 'lenet5.wts',
  path: '/data/lenet5.wts',
  tensorCount: 10,
  elementCount: 61706,
  fileBytes: 555_000,
  loadedAt: '2026-01-01T00:00:00Z',
};

function setup(tensors = LENET_TENSORS): { host: FakeHost; store: ReturnType<typeof createEditorStore> } {
  const store = createEditorStore(buildTemplate('lenet5')!);
  const host = fakeHost({
    'files.roots': () => ({ roots: [{ path: '/data', label: 'Work' }] }),
    'files.list': ({ path }) => ({
      path,
      parent: null,
      entries: [{ name: 'lenet5.wts', path: '/data/lenet5.wts', kind: 'file', size: 555_000, modifiedAt: '2026-01-01T00:00:00Z' }],
    }),
    'weights.list': () => ({ sets: [] }),
    'weights.import': () => ({ jobId: 'job-1' }),
    'weights.tensors': () => ({ tensors }),
    'weights.stats': ({ names }) => ({
      stats: names.map((name) => ({ name, count: 6, min: -0.5, max: 0.25, mean: 0.01, std: 0.2, zeros: 0, nonFinite: 0, histogram: [1, 0, 3, 2] })),
    }),
    'jobs.cancel': () => ({ status: 'running' }),
  });
  render(
    <EditorProvider store={store}>
      <HostProvider host={host}>
        <WorkflowDock problems={<div>problems</div>} />
      </HostProvider>
    </EditorProvider>,
  );
  return { host, store };
}

/** Open the weights tab, pick lenet5.wts in the file browser and wait until the job is followed. */
async function startImport(host: FakeHost): Promise<void> {
  fireEvent.click(screen.getByTestId('dock-tab-weights'));
  fireEvent.click(screen.getByTestId('weights-import'));
  fireEvent.click(await screen.findByText('lenet5.wts'));
  await waitFor(() => expect((screen.getByTestId('weights-progress-cancel') as HTMLButtonElement).disabled).toBe(false));
  expect(host.calls.find((c) => c.method === 'weights.import')?.params).toEqual({ path: '/data/lenet5.wts' });
}

describe('Weights panel', () => {
  it('imports through the file browser with size, speed and cancel, maps it at once, and lists every tensor with its shape, stats and binding', async () => {
    const { host, store } = setup();
    // A binding left from another file: it must not survive the import of this one.
    act(() => void store.getState().apply((d) => ({ ok: true, value: { ...d, bindings: { n1: { kernel: 'features.0.weight' } } } })));
    await startImport(host);
    act(() => host.emit('job.progress', { jobId: 'job-1', kind: 'weights.import', progress: { phase: 'Decoding', bytes: { done: 277_500, total: 555_000 } } }));
    const text = screen.getByTestId('weights-progress-text').textContent!;
    expect(text).toMatch(/^Decoding · 278 KB of 555 KB · [\d.]+ (KB|MB|GB)\/s · [\d.]+ m?s elapsed$/);
    fireEvent.click(screen.getByTestId('weights-progress-cancel'));
    await waitFor(() => expect(host.calls.some((c) => c.method === 'jobs.cancel')).toBe(true));
    act(() => host.emit('job.finished', { jobId: 'job-1', kind: 'weights.import', status: 'succeeded', result: SET, diagnostics: [], elapsedMs: 40 }));

    // Mapped by PyTorch names as soon as it is imported, with no click.
    expect((await screen.findByTestId('weights-summary')).textContent).toBe('10 of 10 tensors bound');
    const rows = await screen.findAllByTestId('weights-row');
    expect(rows.map((r) => r.getAttribute('data-tensor'))).toEqual(LENET_TENSORS.map((t) => t.name));
    // Auto-map runs in the editor on the names and counts it holds; the host is not asked.
    expect(host.calls.map((c) => c.method)).not.toContain('weights.bind');
    expect(store.getState().doc.bindings.n1).toEqual({ kernel: 'conv1.weight', bias: 'conv1.bias' });
    expect(store.getState().weightStatus.n2).toBeUndefined();
    await waitFor(() => expect(within(rows[0]!).getAllByRole('cell')[3]!.textContent).toBe('-0.5'));
    expect(rows[0]!.querySelectorAll('.wf-histogram rect')).toHaveLength(4);
    // One undo step for the stale binding, one for the mapping.
    expect(store.getState().past).toHaveLength(2);
    expect(Object.values(store.getState().weightStatus)).toEqual(['ok:2/2', 'ok:2/2', 'ok:2/2', 'ok:2/2', 'ok:2/2']);
    const conv1 = screen.getAllByTestId('weights-row')[0]!;
    expect(within(conv1).getByTestId('weights-bound-to').textContent).toBe('conv1.kernel');
    expect(within(conv1).getAllByRole('cell')[2]!.textContent).toBe('[6, 1, 5, 5]');
    expect(store.getState().diagnostics.filter((d) => d.code.startsWith('weights.'))).toEqual([]);
    expect(screen.getByTestId('weights-file').textContent).toContain('10 bound');
  });

  it('explains a mismatched count with the expected count and a hint, and binds a slot by hand from a list filtered by count', async () => {
    const tensors = LENET_TENSORS.map((t) => (t.name === 'fc3.weight' ? { name: t.name, count: 8400 } : t)).concat({ name: 'spare.weight', count: 840 });
    const { host, store } = setup(tensors);
    await startImport(host);
    act(() =>
      host.emit('job.finished', {
        jobId: 'job-1',
        kind: 'weights.import',
        status: 'succeeded',
        result: { ...SET, tensorCount: 11 },
        diagnostics: [],
        elapsedMs: 40,
      }),
    );
    fireEvent.click(await screen.findByTestId('weights-automap'));
    expect((await screen.findByTestId('weights-summary')).textContent).toBe('9 of 11 tensors bound; 1 unused');
    const problems = await screen.findByTestId('mapping-problems');
    expect(problems.textContent).toContain(
      "Layer 'fc3' (Linear) slot 'weight' expects 840 values [10, 84], but the tensor 'fc3.weight' has 8400. It would fit [100, 84]: 100 output features (classes) instead of 10.",
    );
    act(() => store.getState().select(['n11']));
    const select = (await screen.findByTestId('bind-weight')) as HTMLSelectElement;
    // Only tensors of 840 values are offered (plus the one bound now).
    expect(Array.from(select.options).map((o) => o.value)).toEqual(['', 'fc3.weight', 'spare.weight']);
    fireEvent.change(select, { target: { value: 'spare.weight' } });
    expect(store.getState().doc.bindings.n11?.weight).toBe('spare.weight');
    await waitFor(() => expect(screen.queryByTestId('mapping-problems')).toBeNull());
  });

  it('shows a failed import with its Diagnostic and changes nothing', async () => {
    const { host, store } = setup();
    await startImport(host);
    const message = "lenet5.wts line 3: the tensor 'conv1.bias' declares 6 values but the line has 5; expected 6 hex words.";
    act(() =>
      host.emit('job.finished', {
        jobId: 'job-1',
        kind: 'weights.import',
        status: 'failed',
        diagnostics: [{ severity: 'error', code: 'wts.count', message }],
        elapsedMs: 5,
      }),
    );
    expect((await screen.findByTestId('workflow-diagnostics')).textContent).toContain(message);
    expect(store.getState().weights).toBeUndefined();
    expect(screen.queryByTestId('weights-table')).toBeNull();
  });

  it('shows a host without the weights service plainly', async () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    const host = fakeHost({
      'files.roots': () => ({ roots: [{ path: '/data', label: 'Work' }] }),
      'files.list': ({ path }) => ({ path, parent: null, entries: [{ name: 'a.wts', path: '/data/a.wts', kind: 'file', size: 10, modifiedAt: '' }] }),
    });
    renderDock(store, host);
    fireEvent.click(screen.getByTestId('dock-tab-weights'));
    fireEvent.click(screen.getByTestId('weights-import'));
    fireEvent.click(await screen.findByText('a.wts'));
    expect((await screen.findByTestId('workflow-diagnostics')).textContent).toContain(
      "'weights.import' cannot be used: its service is not available in this build yet.",
    );
  });

  it('binds a tensor dragged onto a layer to its slot of the same count, and explains a refusal', async () => {
    const { host, store } = setup();
    await startImport(host);
    act(() => host.emit('job.finished', { jobId: 'job-1', kind: 'weights.import', status: 'succeeded', result: SET, diagnostics: [], elapsedMs: 40 }));
    await screen.findByTestId('weights-summary');
    // Start from nothing bound (the import mapped everything).
    act(() => void store.getState().apply((d) => ({ ok: true, value: { ...d, bindings: {} } })));
    const node = document.createElement('div');
    node.className = 'react-flow__node';
    node.setAttribute('data-id', 'n11');
    document.body.appendChild(node);
    const drop = (name: string) =>
      fireEvent.drop(node, { dataTransfer: { types: [TENSOR_DRAG_TYPE], getData: (type: string) => (type === TENSOR_DRAG_TYPE ? name : '') } });
    act(() => void drop('fc3.bias'));
    expect(store.getState().doc.bindings.n11).toEqual({ bias: 'fc3.bias' });
    expect(store.getState().notices.at(-1)?.message).toBe("Bound 'fc3.bias' to fc3.bias.");
    act(() => void drop('conv1.bias'));
    expect(store.getState().notices.at(-1)?.message).toBe(
      "The tensor 'conv1.bias' has 6 values; no slot of layer 'fc3' takes that many ('weight' 840 values, 'bias' 10 values).",
    );
    expect(store.getState().doc.bindings.n11).toEqual({ bias: 'fc3.bias' });
    node.remove();
  });
});

describe('files opened by the Electron window', () => {
  for (const file of ['lenet5.wts', 'model.SafeTensors', 'weights.npz'])
    it(`imports a dropped ${file} (host.openFiles) and shows the weights tab`, async () => {
      const store = createEditorStore(buildTemplate('lenet5')!);
      const host = fakeHost({ 'weights.list': () => ({ sets: [] }), 'weights.import': () => ({ jobId: 'job-9' }) }, 'electron');
      renderDock(store, host);
      act(() => host.emit('host.openFiles', { paths: ['/home/me/cat.png', `/home/me/${file}`], source: 'drop' }));
      await waitFor(() => expect(host.calls.find((c) => c.method === 'weights.import')?.params).toEqual({ path: `/home/me/${file}` }));
      expect(screen.getByTestId('dock-tab-weights').getAttribute('aria-selected')).toBe('true');
    });
});

describe('slotForTensor', () => {
  it('prefers an unbound slot of the same count and refuses layers without slots', () => {
    const doc = buildTemplate('lenet5')!;
    const shapes = inferShapes(doc);
    expect(slotForTensor(doc, shapes, 'n1', { name: 'x', count: 150 })).toEqual({ ok: true, value: 'kernel' });
    const refused = slotForTensor(doc, shapes, 'n2', { name: 'x', count: 150 });
    expect(refused.ok ? '' : refused.diagnostics[0]!.message).toBe("Layer 'relu1' (addActivation) has no weight slots to bind 'x' to.");
  });
});
