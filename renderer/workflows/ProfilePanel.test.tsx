// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { BuildResult, ProfileResult } from '../../core/api/job-schemas.js';
import { buildTemplate } from '../../core/templates/index.js';
import { createEditorStore } from '../editor/editor-store.js';
import { EditorProvider } from '../react/editor-context.js';
import { HostProvider } from '../react/host-context.js';
import { fakeHost } from '../host/fake-host.js';
import { heatOf } from './ProfilePanel.js';
import { WorkflowDock } from './WorkflowDock.js';
import { renderDock } from './dock.testing.js';

afterEach(cleanup);
// jsdom has no 2D canvas; ECharts measures label text with one (the chart itself is SVG).
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;

const ENGINE: BuildResult = {
  engineId: 'engine-1',
  backend: 'onnxruntime',
  networkName: 'lenet5',
  sizeBytes: 1000,
  buildMs: 5,
  builtAt: '2026-01-01T10:00:00Z',
  options: { backend: 'onnxruntime', precision: 'fp32', workspaceMiB: 1024, optimizationLevel: 3, timingCachePath: null, profiles: {} },
};

const REORDER = 'ONNX Runtime converting a tensor back from its blocked NCHWc layout to plain NCHW; the network has no such layer';

const PROFILE: ProfileResult = {
  engineId: 'engine-1',
  backend: 'onnxruntime',
  iterations: 100,
  latencyMs: { min: 0.05, mean: 0.08, median: 0.07, p90: 0.1, p95: 0.12, p99: 0.2, max: 1.5 },
  throughputPerSecond: 12500,
  layers: [
    { name: 'conv1 + relu1', nodeId: 'n1', nodeIds: ['n1', 'n2'], ms: 0.02, percent: 25, fusedFrom: ['conv1', 'relu1'] },
    { name: 'fc1.matmul', nodeId: 'n7', ms: 0.01, percent: 12.5 },
    { name: 'fc1.bias', nodeId: 'n7', ms: 0.03, percent: 37.5 },
    { name: 'ReorderOutput', ms: 0.02, percent: 25, internal: REORDER },
  ],
};

describe('Profile panel', () => {
  it('sums a node’s kernels for the heat overlay, relative to the slowest node; a fused kernel’s time goes to each node it ran', () => {
    expect(heatOf(PROFILE.layers)).toEqual({ n7: 1, n1: 0.5, n2: 0.5 });
  });

  it('shows latency statistics, a chart and a sortable table; a row centres its node; the canvas gets the heat', async () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    store.getState().setEngines([ENGINE]);
    const host = fakeHost({ 'build.history': () => ({ builds: [ENGINE] }), 'profile.start': () => ({ jobId: 'p1' }) });
    renderDock(store, host);
    fireEvent.click(screen.getByTestId('dock-tab-profile'));
    fireEvent.click(screen.getByTestId('profile-start'));
    await waitFor(() => expect((screen.getByTestId('profile-progress-cancel') as HTMLButtonElement).disabled).toBe(false));
    expect(host.calls.find((c) => c.method === 'profile.start')?.params).toEqual({ engineId: 'engine-1', iterations: 100, warmupIterations: 10 });
    act(() => host.emit('job.finished', { jobId: 'p1', kind: 'profile', status: 'succeeded', result: PROFILE, diagnostics: [], elapsedMs: 300 }));

    const latency = await screen.findByTestId('profile-latency');
    expect(latency.textContent).toBe('min0.050 msmean0.080 msmedian0.070 msp900.100 msp950.120 msp990.200 msmax1.50 msthroughput12500/siterations100');
    expect(screen.getByTestId('profile-chart')).toBeTruthy();
    const names = () => screen.getAllByTestId('profile-row').map((r) => within(r).getAllByRole('cell')[0]!.textContent);
    expect(names()).toEqual(['fc1.bias', 'conv1 + relu1fused', `ReorderOutput${REORDER}.`, 'fc1.matmul']);
    // The fused row names both layers and both canvas nodes; the runtime's own row says what it is.
    const fused = within(screen.getAllByTestId('profile-row')[1]!).getAllByRole('cell');
    expect(fused.map((c) => c.textContent)).toEqual(['conv1 + relu1fused', 'conv1, relu1', '0.020 ms', '25.0%']);
    expect(screen.getAllByTestId('profile-row')[1]!.title).toBe(
      'One kernel ran conv1 and relu1 together; the time is theirs together, and each of their nodes shows all of it on the canvas',
    );
    const internal = within(screen.getAllByTestId('profile-row')[2]!).getAllByRole('cell');
    expect(internal.map((c) => c.textContent)).toEqual([`ReorderOutput${REORDER}.`, 'runtime', '0.020 ms', '25.0%']);
    fireEvent.click(screen.getByTestId('profile-sort-name'));
    expect(names()).toEqual(['conv1 + relu1fused', 'fc1.bias', 'fc1.matmul', `ReorderOutput${REORDER}.`]);
    fireEvent.click(screen.getByTestId('profile-sort-name'));
    expect(names()).toEqual([`ReorderOutput${REORDER}.`, 'fc1.matmul', 'fc1.bias', 'conv1 + relu1fused']);

    // The fused row selects both nodes its kernel ran and centres the first.
    fireEvent.click(screen.getAllByTestId('profile-row')[3]!);
    expect(store.getState().selected).toEqual(['n1', 'n2']);
    expect(store.getState().focusRequest?.nodeId).toBe('n1');
    expect(store.getState().heat).toEqual({ n7: 1, n1: 0.5, n2: 0.5 });
    fireEvent.click(screen.getByTestId('profile-heat'));
    expect(store.getState().heat).toEqual({});
  });

  it('says to build first when there is no engine', () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    render(
      <EditorProvider store={store}>
        <HostProvider host={fakeHost()}>
          <WorkflowDock problems={null} />
        </HostProvider>
      </EditorProvider>,
    );
    fireEvent.click(screen.getByTestId('dock-tab-profile'));
    expect((screen.getByTestId('profile-start') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('profile-panel').textContent).toContain('Build an engine first (Build tab).');
  });
});
