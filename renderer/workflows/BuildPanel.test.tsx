// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { BuildResult } from '../../core/api/job-schemas.js';
import { buildTemplate } from '../../core/templates/index.js';
import { createEditorStore } from '../editor/editor-store.js';
import { fakeHost, type FakeHost } from '../host/fake-host.js';
import { renderDock } from './dock.testing.js';

afterEach(cleanup);

const BUILT: BuildResult = {
  engineId: 'engine-1',
  backend: 'onnxruntime',
  networkName: 'lenet5',
  sizeBytes: 247_000,
  buildMs: 84.2,
  builtAt: '2026-01-01T10:00:00Z',
  options: { backend: 'onnxruntime', precision: 'fp32', workspaceMiB: 1024, optimizationLevel: 3, timingCachePath: null, profiles: {} },
};

function setup(tensorrt: { available: boolean; detail: string }) {
  const store = createEditorStore(buildTemplate('lenet5')!);
  store.getState().setBackends([
    { name: 'tensorrt', ...tensorrt },
    { name: 'onnxruntime', available: true, detail: '1.23.0, CPU' },
  ]);
  const history: BuildResult[] = [];
  const host: FakeHost = fakeHost({
    'build.start': () => ({ jobId: 'b1' }),
    'build.history': () => ({ builds: [...history] }),
    'jobs.cancel': () => ({ status: 'running' }),
  });
  renderDock(store, host);
  fireEvent.click(screen.getByTestId('dock-tab-build'));
  return { store, host, history };
}

describe('Build panel', () => {
  it('says plainly that builds use the reference runtime when TensorRT is missing, and why', () => {
    setup({ available: false, detail: 'the native addon was built without TensorRT' });
    expect((screen.getByTestId('build-backend') as HTMLSelectElement).value).toBe('onnxruntime');
    expect((screen.getByRole('option', { name: 'TensorRT (not available)' }) as HTMLOptionElement).disabled).toBe(true);
    expect(screen.getByTestId('build-backend-note').textContent).toBe(
      'TensorRT is not available here (the native addon was built without TensorRT). Builds use the reference runtime: the network as ONNX, run by ONNX Runtime on the CPU, so results are checked without a GPU. Precision, workspace and optimisation level apply to TensorRT only.',
    );
    expect((screen.getByTestId('build-precision') as HTMLSelectElement).disabled).toBe(true);
  });

  it('offers TensorRT with its settings when the host has it, and sends them', async () => {
    const { host } = setup({ available: true, detail: '10.13.0, NVIDIA H100' });
    await waitFor(() => expect((screen.getByTestId('build-backend') as HTMLSelectElement).value).toBe('tensorrt'));
    fireEvent.change(screen.getByTestId('build-precision'), { target: { value: 'fp16' } });
    fireEvent.change(screen.getByTestId('build-workspace'), { target: { value: '2048' } });
    fireEvent.change(screen.getByTestId('build-level'), { target: { value: '5' } });
    fireEvent.click(screen.getByTestId('build-tf32'));
    fireEvent.click(screen.getByTestId('build-start'));
    await waitFor(() => expect(host.calls.some((c) => c.method === 'build.start')).toBe(true));
    const params = host.calls.find((c) => c.method === 'build.start')!.params as { weightSetId: unknown; options: unknown };
    expect(params.options).toEqual({
      backend: 'tensorrt',
      precision: 'fp16',
      workspaceMiB: 2048,
      optimizationLevel: 5,
      tf32: true,
      timingCachePath: null,
      profiles: {},
    });
    expect(params.weightSetId).toBeNull();
  });

  /** The panel with LeNet-5's input made dynamic in its batch, as PyTorch exports it. */
  function setupDynamic() {
    const setUp = setup({ available: true, detail: '10.13.0, NVIDIA H100' });
    const doc = setUp.store.getState().doc;
    act(() => setUp.store.getState().load({ ...doc, inputs: doc.inputs.map((i) => ({ ...i, dims: [-1, ...i.dims.slice(1)] })) }, undefined));
    return setUp;
  }
  const startedProfiles = async (host: FakeHost) => {
    await waitFor(() => expect(host.calls.some((c) => c.method === 'build.start')).toBe(true));
    return (host.calls.find((c) => c.method === 'build.start')!.params as { options: { profiles: unknown } }).options.profiles;
  };

  it('builds a dynamic batch at the default profile its untouched fields show (every dynamic dim 1)', async () => {
    const { store, host } = setupDynamic();
    expect(['min', 'opt', 'max'].map((k) => (screen.getByTestId(`build-profile-${k}`) as HTMLInputElement).value)).toEqual([
      '1, 1, 32, 32',
      '1, 1, 32, 32',
      '1, 1, 32, 32',
    ]);
    const before = store.getState().doc;
    fireEvent.click(screen.getByTestId('build-start'));
    // The lowering gives an input without a profile the same default, so the build needs none of its own.
    expect(await startedProfiles(host)).toEqual({});
    expect(store.getState().doc).toBe(before);
  });

  it('an edited field is the input’s profile in the project: one undo step, and the build takes it', async () => {
    const { store, host } = setupDynamic();
    const max = screen.getByTestId('build-profile-max');
    fireEvent.change(max, { target: { value: '8, 1, 32, 32' } });
    fireEvent.blur(max);
    expect(store.getState().doc.inputs[0]!.profile).toEqual({ min: [1, 1, 32, 32], opt: [1, 1, 32, 32], max: [8, 1, 32, 32] });
    expect(store.getState().past).toHaveLength(1);
    fireEvent.click(screen.getByTestId('build-start'));
    await startedProfiles(host);
    const sent = host.calls.find((c) => c.method === 'build.start')!.params as { document: { inputs: { profile?: unknown }[] } };
    expect(sent.document.inputs[0]!.profile).toEqual({ min: [1, 1, 32, 32], opt: [1, 1, 32, 32], max: [8, 1, 32, 32] });
    act(() => store.getState().undo());
    expect(store.getState().doc.inputs[0]!.profile).toBeUndefined();
    expect((screen.getByTestId('build-profile-max') as HTMLInputElement).value).toBe('1, 1, 32, 32');
  });

  it('says what is wrong with a shape, changes nothing, and does not build until it is fixed', async () => {
    const { store, host } = setupDynamic();
    const before = store.getState().doc;
    const opt = screen.getByTestId('build-profile-opt');
    fireEvent.change(opt, { target: { value: '4, one, 32, 32' } });
    fireEvent.keyDown(opt, { key: 'Enter' });
    expect(screen.getByTestId('build-profile-problem').textContent).toBe(
      "The opt shape of input 'data' is '4, one, 32, 32'; give positive integers, one per dimension, e.g. 1, 1, 32, 32.",
    );
    expect(store.getState().doc).toBe(before);
    fireEvent.click(screen.getByTestId('build-start'));
    expect(host.calls.some((c) => c.method === 'build.start')).toBe(false);
    // min ≤ opt ≤ max is the network's rule: refused with its message, nothing changed.
    fireEvent.change(opt, { target: { value: '4, 1, 32, 32' } });
    fireEvent.blur(opt);
    expect(screen.getByTestId('build-profile-problem').textContent).toBe(
      "Input 'data' profile must have one value per dimension with min ≤ opt ≤ max, and keep static dimensions fixed.",
    );
    expect(store.getState().doc).toBe(before);
    fireEvent.change(screen.getByTestId('build-profile-max'), { target: { value: '4, 1, 32, 32' } });
    fireEvent.blur(screen.getByTestId('build-profile-max'));
    expect(screen.queryByTestId('build-profile-problem')).toBeNull();
    expect(store.getState().doc.inputs[0]!.profile).toEqual({ min: [1, 1, 32, 32], opt: [4, 1, 32, 32], max: [4, 1, 32, 32] });
    fireEvent.click(screen.getByTestId('build-start'));
    expect(await startedProfiles(host)).toEqual({});
  });

  it('shows live progress and log lines, then the result and the history; the engine becomes the one to run', async () => {
    const { store, host, history } = setup({ available: false, detail: 'no libnvinfer' });
    fireEvent.click(screen.getByTestId('build-start'));
    await waitFor(() => expect((screen.getByTestId('build-progress-cancel') as HTMLButtonElement).disabled).toBe(false));
    act(() => {
      host.emit('job.progress', { jobId: 'b1', kind: 'build', progress: { phase: 'Creating the session', step: { index: 2, total: 3 }, fraction: 0.66 } });
      host.emit('job.log', { jobId: 'b1', severity: 'info', line: 'Lowered 12 layers to 16 ops' });
    });
    expect(screen.getByTestId('build-progress-text').textContent).toMatch(/^Creating the session · step 2 of 3 · [\d.]+ m?s elapsed$/);
    expect(screen.getByTestId('build-log').textContent).toBe('Lowered 12 layers to 16 ops');
    history.push(BUILT);
    act(() => host.emit('job.finished', { jobId: 'b1', kind: 'build', status: 'succeeded', result: BUILT, diagnostics: [], elapsedMs: 90 }));
    expect((await screen.findByTestId('build-result')).textContent).toBe(
      'Built lenet5 with Reference runtime (ONNX Runtime) in 84.2 ms: engine engine-1, 247 KB.',
    );
    expect(screen.getByTestId('build-history').querySelectorAll('tbody tr')).toHaveLength(1);
    expect(store.getState().engineId).toBe('engine-1');
    expect(store.getState().jobs).toEqual([]);
  });

  it('cancels a running build and says nothing changed', async () => {
    const { host } = setup({ available: false, detail: 'no libnvinfer' });
    fireEvent.click(screen.getByTestId('build-start'));
    await waitFor(() => expect((screen.getByTestId('build-progress-cancel') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('build-progress-cancel'));
    await waitFor(() => expect(host.calls.find((c) => c.method === 'jobs.cancel')?.params).toEqual({ jobId: 'b1' }));
    act(() => host.emit('job.finished', { jobId: 'b1', kind: 'build', status: 'cancelled', diagnostics: [], elapsedMs: 10 }));
    expect((await screen.findByTestId('workflow-diagnostics')).textContent).toContain('The build was cancelled; nothing changed.');
    expect(screen.queryByTestId('build-progress')).toBeNull();
  });
});
