// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { BuildResult, RunResult } from '../../core/api/job-schemas.js';
import { buildTemplate } from '../../core/templates/index.js';
import { createEditorStore } from '../editor/editor-store.js';
import { EditorProvider } from '../react/editor-context.js';
import { HostProvider } from '../react/host-context.js';
import { fakeHost } from '../host/fake-host.js';
import { PREPROCESSING_PRESETS, parseChannelList, presetForInput } from './preprocessing.js';
import { WorkflowDock } from './WorkflowDock.js';
import { renderDock } from './dock.testing.js';

afterEach(cleanup);

const ENGINE: BuildResult = {
  engineId: 'engine-1',
  backend: 'onnxruntime',
  networkName: 'lenet5',
  sizeBytes: 1000,
  buildMs: 5,
  builtAt: '2026-01-01T10:00:00Z',
  options: { backend: 'onnxruntime', precision: 'fp32', workspaceMiB: 1024, optimizationLevel: 3, timingCachePath: null, profiles: {} },
};

const softmax = [0.001, 0, 0, 0.002, 0, 0.0005, 0, 0.9925, 0.004, 0];
const RESULT: RunResult = {
  engineId: 'engine-1',
  backend: 'onnxruntime',
  comparisons: [],
  images: [
    {
      path: '/data/digit_05_label7.png',
      elapsedMs: 0.8,
      top: [
        { index: 7, probability: 0.9925 },
        { index: 8, probability: 0.004 },
        { index: 3, probability: 0.002 },
        { index: 0, probability: 0.001 },
        { index: 5, probability: 0.0005 },
      ],
      outputs: [{ name: 'prob', dims: [1, 10], min: 0, max: 0.9925, mean: 0.1, values: softmax, truncated: false }],
    },
  ],
};

describe('preprocessing presets', () => {
  it('picks MNIST for a one-channel input and ImageNet otherwise, sized to the input', () => {
    expect(presetForInput([1, 1, 32, 32])).toEqual(PREPROCESSING_PRESETS.mnist);
    expect(presetForInput([1, 1, 28, 28])).toMatchObject({ preset: 'mnist', width: 28, height: 28 });
    expect(presetForInput([1, 3, 224, 224])).toEqual(PREPROCESSING_PRESETS.imagenet);
    expect(parseChannelList('0.485, 0.456', 3, 'mean')).toEqual({ ok: false, message: 'mean needs 3 numbers (one per channel), got "0.485, 0.456".' });
    expect(parseChannelList('0.5 0', 2, 'std')).toEqual({ ok: false, message: 'std must not contain 0 (it divides), got "0.5 0".' });
  });
});

describe('Run panel', () => {
  it('picks images, previews them with the MNIST preset, runs them and shows the top-5 with probabilities and the output tensor', async () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    store.getState().setEngines([ENGINE]);
    const host = fakeHost({
      'build.history': () => ({ builds: [ENGINE] }),
      'files.roots': () => ({ roots: [{ path: '/data', label: 'Work' }] }),
      'files.list': ({ path }) => ({
        path,
        parent: null,
        entries: [{ name: 'digit_05_label7.png', path: '/data/digit_05_label7.png', kind: 'file', size: 300, modifiedAt: '' }],
      }),
      'images.preview': ({ path }) => ({ path, width: 32, height: 32, previewDataUrl: 'data:image/png;base64,AAAA' }),
      'run.start': () => ({ jobId: 'r1' }),
    });
    renderDock(store, host);
    fireEvent.click(screen.getByTestId('dock-tab-run'));
    expect((screen.getByTestId('run-preset') as HTMLSelectElement).value).toBe('mnist');
    fireEvent.click(screen.getByTestId('run-choose'));
    const entry = (await screen.findAllByTestId('file-browser-entry')).find((e) => e.getAttribute('data-name') === 'digit_05_label7.png')!;
    expect(entry.textContent).toBe('☐ digit_05_label7.png300 B');
    fireEvent.click(entry);
    fireEvent.click(screen.getByTestId('file-browser-ok'));
    await waitFor(() => expect(screen.getByTestId('run-image').querySelector('img')?.getAttribute('src')).toBe('data:image/png;base64,AAAA'));
    expect(host.calls.find((c) => c.method === 'images.preview')?.params).toEqual({
      path: '/data/digit_05_label7.png',
      preprocessing: PREPROCESSING_PRESETS.mnist,
    });

    fireEvent.click(screen.getByTestId('run-start'));
    await waitFor(() => expect(host.calls.some((c) => c.method === 'run.start')).toBe(true));
    expect(host.calls.find((c) => c.method === 'run.start')?.params).toEqual({
      engineIds: ['engine-1'],
      images: [{ path: '/data/digit_05_label7.png', preprocessing: PREPROCESSING_PRESETS.mnist }],
      topK: 5,
    });
    await waitFor(() => expect((screen.getByTestId('run-progress-cancel') as HTMLButtonElement).disabled).toBe(false));
    act(() => host.emit('job.finished', { jobId: 'r1', kind: 'run', status: 'succeeded', result: RESULT, diagnostics: [], elapsedMs: 12 }));

    const result = await screen.findByTestId('run-result');
    const rows = within(result)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(rows).toEqual(['class 799.3%', 'class 80.4%', 'class 30.2%', 'class 00.1%', 'class 50.1%']);
    expect(within(result).getByTestId('run-top1').textContent).toBe('class 799.3%');
    fireEvent.click(within(result).getByText('Outputs'));
    const inspector = screen.getByTestId('output-inspector');
    expect(inspector.textContent).toContain('[1, 10]');
    expect(inspector.textContent).toContain('min 0 · max 0.9925 · mean 0.1');
    // Each value shows 4 significant digits; its tooltip has the whole value.
    expect(
      within(inspector)
        .getAllByTestId('output-value')
        .map((v) => v.getAttribute('title'))[7],
    ).toBe('[7] 0.9925');
  });

  it('takes a .npy input without asking for an image preview (it is fed as it is)', async () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    store.getState().setEngines([ENGINE]);
    const host = fakeHost({
      'build.history': () => ({ builds: [ENGINE] }),
      'files.roots': () => ({ roots: [{ path: '/data', label: 'Work' }] }),
      'files.list': ({ path }) => ({ path, parent: null, entries: [{ name: 'input.npy', path: '/data/input.npy', kind: 'file', size: 4224, modifiedAt: '' }] }),
      'run.start': () => ({ jobId: 'r1' }),
    });
    renderDock(store, host);
    fireEvent.click(screen.getByTestId('dock-tab-run'));
    fireEvent.click(screen.getByTestId('run-choose'));
    fireEvent.click((await screen.findAllByTestId('file-browser-entry'))[0]!);
    fireEvent.click(screen.getByTestId('file-browser-ok'));
    const pending = await screen.findByTestId('run-image');
    expect(pending.querySelector('.wf-thumb')?.getAttribute('title')).toBe('A NumPy tensor, fed to the input as it is (preprocessing does not apply)');
    await new Promise((r) => setTimeout(r, 300));
    expect(host.calls.some((c) => c.method === 'images.preview')).toBe(false);
    fireEvent.click(screen.getByTestId('run-start'));
    await waitFor(() => expect(host.calls.find((c) => c.method === 'run.start')?.params).toMatchObject({ images: [{ path: '/data/input.npy' }] }));
  });

  it('saves every output as .npy in a chosen folder and, in browser mode, offers each for download', async () => {
    sessionStorage.setItem('trtstudio.token', 'tok');
    const store = createEditorStore(buildTemplate('lenet5')!);
    store.getState().setEngines([ENGINE]);
    const host = fakeHost({
      'build.history': () => ({ builds: [ENGINE] }),
      'files.roots': () => ({ roots: [{ path: '/data', label: 'Work' }] }),
      'files.list': ({ path, purpose }) => ({
        path,
        parent: null,
        entries: purpose === 'folder' ? [] : [{ name: 'input.npy', path: '/data/input.npy', kind: 'file', size: 4224, modifiedAt: '' }],
      }),
      'run.start': () => ({ jobId: 'r1' }),
    });
    renderDock(store, host);
    fireEvent.click(screen.getByTestId('dock-tab-run'));
    fireEvent.click(screen.getByTestId('run-save-outputs'));
    await waitFor(() => expect((screen.getByTestId('file-browser-folder') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('file-browser-folder'));
    expect((await screen.findByTestId('run-npy-dir')).textContent).toContain('/data');
    fireEvent.click(screen.getByTestId('run-choose'));
    fireEvent.click((await screen.findAllByTestId('file-browser-entry'))[0]!);
    fireEvent.click(screen.getByTestId('file-browser-ok'));
    await screen.findByTestId('run-image');
    fireEvent.click(screen.getByTestId('run-start'));
    await waitFor(() => expect(host.calls.find((c) => c.method === 'run.start')?.params).toMatchObject({ outputNpyDir: '/data' }));
    const saved = {
      ...RESULT,
      images: [{ ...RESULT.images[0]!, path: '/data/input.npy', outputs: [{ ...RESULT.images[0]!.outputs[0]!, npyPath: '/data/input.prob.npy' }] }],
    };
    await waitFor(() => expect((screen.getByTestId('run-progress-cancel') as HTMLButtonElement).disabled).toBe(false));
    act(() => host.emit('job.finished', { jobId: 'r1', kind: 'run', status: 'succeeded', result: saved, diagnostics: [], elapsedMs: 12 }));
    fireEvent.click(within(await screen.findByTestId('run-result')).getByText('Outputs'));
    expect(screen.getByTestId('output-npy').textContent).toBe('input.prob.npy');
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ ticket: 't2', url: '/api/download?ticket=t2' })));
    const clicked: [string, string][] = [];
    const clickSpy = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push([this.getAttribute('href') ?? '', this.download]);
    });
    try {
      fireEvent.click(screen.getByTestId('output-download'));
      await waitFor(() => expect(clicked).toEqual([['/api/download?ticket=t2', 'input.prob.npy']]));
      expect(fetchSpy.mock.calls.map(([url]) => String(url))).toEqual(['/api/download/ticket?path=%2Fdata%2Finput.prob.npy']);
    } finally {
      fetchSpy.mockRestore();
      clickSpy.mockRestore();
      sessionStorage.removeItem('trtstudio.token');
    }
  });

  it('saves the outputs of the run shown, without running it again', async () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    store.getState().setEngines([ENGINE]);
    const host = fakeHost({
      'build.history': () => ({ builds: [ENGINE] }),
      'files.roots': () => ({ roots: [{ path: '/data', label: 'Work' }] }),
      'files.list': ({ path, purpose }) => ({
        path,
        parent: null,
        entries: purpose === 'folder' ? [] : [{ name: 'digit_05_label7.png', path: '/data/digit_05_label7.png', kind: 'file', size: 300, modifiedAt: '' }],
      }),
      'images.preview': ({ path }) => ({ path, width: 32, height: 32, previewDataUrl: 'data:image/png;base64,AAAA' }),
      'run.start': () => ({ jobId: 'r1' }),
      'run.saveOutputs': ({ dir }) => ({
        files: [{ engineId: 'engine-1', image: '/data/digit_05_label7.png', output: 'prob', npyPath: `${dir}/digit_05_label7.prob.npy` }],
      }),
    });
    renderDock(store, host);
    fireEvent.click(screen.getByTestId('dock-tab-run'));
    fireEvent.click(screen.getByTestId('run-choose'));
    fireEvent.click((await screen.findAllByTestId('file-browser-entry'))[0]!);
    fireEvent.click(screen.getByTestId('file-browser-ok'));
    await screen.findByTestId('run-image');
    fireEvent.click(screen.getByTestId('run-start'));
    await waitFor(() => expect((screen.getByTestId('run-progress-cancel') as HTMLButtonElement).disabled).toBe(false));
    act(() => host.emit('job.finished', { jobId: 'r1', kind: 'run', status: 'succeeded', result: RESULT, diagnostics: [], elapsedMs: 12 }));
    await screen.findByTestId('run-result');

    fireEvent.click(screen.getByTestId('run-save-outputs'));
    await waitFor(() => expect((screen.getByTestId('file-browser-folder') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('file-browser-folder'));
    await waitFor(() => expect(host.calls.find((c) => c.method === 'run.saveOutputs')?.params).toEqual({ jobId: 'r1', dir: '/data' }));
    // The run shown was saved as it is: nothing ran again.
    expect(host.calls.filter((c) => c.method === 'run.start')).toHaveLength(1);
    fireEvent.click(within(screen.getByTestId('run-result')).getByText('Outputs'));
    expect((await screen.findByTestId('output-npy')).textContent).toBe('digit_05_label7.prob.npy');
    expect(store.getState().notices.map((n) => n.message)).toContain('Saved 1 output of the run shown as .npy in /data.');
    // Later runs save theirs there too.
    expect(screen.getByTestId('run-npy-dir').textContent).toContain('/data');
  });

  it('refuses a mean with the wrong number of channels inline and does not run', async () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    store.getState().setEngines([ENGINE]);
    render(
      <EditorProvider store={store}>
        <HostProvider host={fakeHost({ 'build.history': () => ({ builds: [ENGINE] }) })}>
          <WorkflowDock problems={null} />
        </HostProvider>
      </EditorProvider>,
    );
    fireEvent.click(screen.getByTestId('dock-tab-run'));
    fireEvent.change(screen.getByTestId('run-preset'), { target: { value: 'imagenet' } });
    const mean = screen.getByDisplayValue('0.485, 0.456, 0.406');
    fireEvent.change(mean, { target: { value: '0.5, 0.5' } });
    expect(screen.getByText('mean needs 3 numbers (one per channel), got "0.5, 0.5".')).toBeTruthy();
    expect((screen.getByTestId('run-start') as HTMLButtonElement).disabled).toBe(true);
  });
  it('offers the letterbox preset: 640×640, resize letterbox, no mean or std', () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    store.getState().setEngines([ENGINE]);
    render(
      <EditorProvider store={store}>
        <HostProvider host={fakeHost({ 'build.history': () => ({ builds: [ENGINE] }) })}>
          <WorkflowDock problems={null} />
        </HostProvider>
      </EditorProvider>,
    );
    fireEvent.click(screen.getByTestId('dock-tab-run'));
    fireEvent.change(screen.getByTestId('run-preset'), { target: { value: 'letterbox' } });
    expect((screen.getByTestId('run-preset') as HTMLSelectElement).value).toBe('letterbox');
    expect(screen.getAllByDisplayValue('640')).toHaveLength(2);
    expect(screen.getByDisplayValue('letterbox (pad 114)')).toBeTruthy();
    expect(screen.getByDisplayValue('0, 0, 0')).toBeTruthy();
    expect(screen.getByDisplayValue('1, 1, 1')).toBeTruthy();
  });

  it('marks an image the host cannot read any more, keeps its picture, and runs only once it is removed or added again', async () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    store.getState().setEngines([ENGINE]);
    const OLD = '/tmp/trt-studio-1234-aB3dE6/uploads/digit_06_label1.png';
    const NEW = '/tmp/trt-studio-5678-fG7hI8/uploads/digit_06_label1.png';
    const gone = {
      severity: 'error' as const,
      code: 'files.uploadGone',
      message: `digit_06_label1.png was uploaded to a host that has stopped since, and its uploads went with it (${OLD}). Upload it again from this computer.`,
      detail: OLD,
    };
    let hostStopped = false;
    const host = fakeHost({
      'build.history': () => ({ builds: [ENGINE] }),
      'images.preview': ({ path }) =>
        hostStopped && path === OLD
          ? { ok: false, diagnostics: [gone] }
          : { path, width: 32, height: 32, previewDataUrl: `data:image/png;base64,${btoa(path)}` },
      'run.start': () => ({ jobId: 'r1' }),
    });
    renderDock(store, host);
    fireEvent.click(screen.getByTestId('dock-tab-run'));
    act(() => host.emit('host.openFiles', { paths: [OLD, '/data/digit_05_label7.png'], source: 'menu' }));
    await waitFor(() =>
      expect(screen.getAllByTestId('run-image').map((e) => e.querySelector('img')?.getAttribute('src'))).toEqual([
        `data:image/png;base64,${btoa(OLD)}`,
        `data:image/png;base64,${btoa('/data/digit_05_label7.png')}`,
      ]),
    );

    // Asked again (here: a new size) after its host went away: the picture stays, with the reason beside it.
    hostStopped = true;
    fireEvent.change(screen.getAllByDisplayValue('32')[0]!, { target: { value: '28' } });
    expect((await screen.findByTestId('run-image-problem')).textContent).toBe(gone.message);
    const [marked] = screen.getAllByTestId('run-image');
    expect(marked!.className).toBe('wf-image-pending unusable');
    expect(marked!.querySelector('img')?.getAttribute('src')).toBe(`data:image/png;base64,${btoa(OLD)}`);
    const run = screen.getByTestId('run-start') as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    expect(run.title).toBe('digit_06_label1.png cannot be used (marked ✕): remove or add again first.');

    // Added again: the new copy takes its place and the run can start.
    act(() => host.emit('host.openFiles', { paths: [NEW], source: 'menu' }));
    await waitFor(() => expect(screen.queryByTestId('run-image-problem')).toBeNull());
    expect(screen.getAllByTestId('run-image').map((e) => e.getAttribute('data-file'))).toEqual(['digit_06_label1.png', 'digit_05_label7.png']);
    expect(run.disabled).toBe(false);
    fireEvent.click(run);
    await waitFor(() =>
      expect((host.calls.find((c) => c.method === 'run.start')?.params as { images: { path: string }[] }).images.map((i) => i.path)).toEqual([
        NEW,
        '/data/digit_05_label7.png',
      ]),
    );
  });

  it('removes an image the host cannot read, and shows an image past the previewed ones as such, not as a black square', async () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    store.getState().setEngines([ENGINE]);
    const paths = Array.from({ length: 25 }, (_, i) => `/data/digit_${String(i).padStart(2, '0')}.png`);
    const host = fakeHost({
      'build.history': () => ({ builds: [ENGINE] }),
      'images.preview': ({ path }) =>
        path === paths[0]
          ? { ok: false, diagnostics: [{ severity: 'error', code: 'image.read', message: `Cannot read the image ${path}: it does not exist.`, detail: path }] }
          : { path, width: 32, height: 32, previewDataUrl: 'data:image/png;base64,AAAA' },
    });
    renderDock(store, host);
    fireEvent.click(screen.getByTestId('dock-tab-run'));
    act(() => host.emit('host.openFiles', { paths, source: 'menu' }));
    expect((await screen.findByTestId('run-image-problem')).textContent).toBe('Cannot read the image /data/digit_00.png: it does not exist.');
    const last = screen.getAllByTestId('run-image').at(-1)!;
    expect(last.querySelector('.wf-thumb')?.textContent).toBe('no preview');
    expect(last.querySelector('.wf-thumb')?.getAttribute('title')).toBe('Previews are made for the first 24 images; this one runs all the same.');
    expect(screen.getAllByTestId('run-image')[0]!.querySelector('.wf-thumb')?.textContent).toBe('✕');
    fireEvent.click(screen.getByTestId('run-image-remove'));
    expect(screen.getAllByTestId('run-image')).toHaveLength(24);
    expect((screen.getByTestId('run-start') as HTMLButtonElement).disabled).toBe(false);
  });

  it('marks an input the run found gone with its host (one without a preview), and waits for it to be added again', async () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    store.getState().setEngines([ENGINE]);
    const GONE = '/tmp/trt-studio-1234-aB3dE6/uploads/input.npy';
    const message = `input.npy was uploaded to a host that has stopped since, and its uploads went with it (${GONE}). Upload it again from this computer.`;
    const host = fakeHost({
      'build.history': () => ({ builds: [ENGINE] }),
      'run.start': () => ({ ok: false, diagnostics: [{ severity: 'error', code: 'files.uploadGone', message, detail: GONE }] }),
    });
    renderDock(store, host);
    fireEvent.click(screen.getByTestId('dock-tab-run'));
    act(() => host.emit('host.openFiles', { paths: [GONE], source: 'menu' }));
    fireEvent.click(await screen.findByTestId('run-start'));
    expect((await screen.findByTestId('run-image-problem')).textContent).toBe(message);
    expect((screen.getByTestId('run-start') as HTMLButtonElement).title).toBe('input.npy cannot be used (marked ✕): remove or add again first.');
  });
});
