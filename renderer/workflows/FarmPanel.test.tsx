// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { FarmJob, FarmResult } from '../../core/api/farm-schemas.js';
import { SettingsSchema } from '../../core/api/project-schemas.js';
import { buildTemplate } from '../../core/templates/index.js';
import { createEditorStore } from '../editor/editor-store.js';
import { fakeHost, type FakeHandlers } from '../host/fake-host.js';
import { EditorProvider } from '../react/editor-context.js';
import { HostProvider } from '../react/host-context.js';
import { FarmPanel } from './FarmPanel.js';
import { WorkflowDock } from './WorkflowDock.js';

afterEach(cleanup);

const TARGETS = {
  targets: [
    { name: 'cpu-a', backend: 'onnxruntime', precisions: ['fp32', 'fp16'] },
    {
      name: 'cpu-b',
      backend: 'onnxruntime',
      profiles: [
        { name: 'b1', min: 1, opt: 1, max: 1 },
        { name: 'b4', min: 1, opt: 4, max: 4 },
      ],
    },
    { name: 'k8s-h100', scheduler: 'kubernetes', gres: 'gpu:h100:1', kubernetes: { gpuProduct: 'NVIDIA-H100-80GB-HBM3', image: 'trt-studio:10' } },
  ],
};

const job = (id: string, target: string, precision: 'fp32' | 'fp16', profile: string, state: FarmJob['state'], reason?: string): FarmJob => ({
  id,
  submission: 's1',
  target,
  precision,
  profile,
  state,
  ...(reason !== undefined ? { reason } : {}),
  dir: `/farm/s1/${target}-${precision}-${profile}`,
  submittedAt: '2026-12-05T04:00:00Z',
});

const result = (j: FarmJob, mean: number, layers: [string, number][], engineBytes?: number): FarmResult => ({
  job: j.id,
  target: j.target,
  precision: j.precision,
  profile: j.profile,
  backend: 'onnxruntime',
  latencyMs: { mean, median: mean * 0.9, p90: mean * 1.5 },
  layers: layers.map(([name, ms]) => ({ name, ms })),
  ...(engineBytes !== undefined ? { enginePath: `${j.dir}/model.engine`, engineBytes } : {}),
  logPath: `${j.dir}/build.log`,
});

function setup(handlers: FakeHandlers, saved = true) {
  const store = createEditorStore(buildTemplate('lenet5')!);
  if (saved) store.getState().markSaved('/work/lenet5.trtstudio');
  const host = fakeHost(handlers);
  render(
    <EditorProvider store={store}>
      <HostProvider host={host}>
        <FarmPanel pollMs={20} />
      </HostProvider>
    </EditorProvider>,
  );
  return { host, store };
}

function loadFile(name: string, text: string) {
  fireEvent.change(screen.getByTestId('farm-targets-file'), { target: { files: [new File([text], name, { type: 'application/json' })] } });
}

const AVAILABLE = { jobs: [], scheduler: { available: true } };

describe('Farm tab', () => {
  it('is a tab of the workflow dock', () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    render(
      <EditorProvider store={store}>
        <HostProvider host={fakeHost({ 'farm.status': () => AVAILABLE })}>
          <WorkflowDock problems={null} />
        </HostProvider>
      </EditorProvider>,
    );
    fireEvent.click(screen.getByTestId('dock-tab-farm'));
    expect(screen.getByTestId('dock-tab-farm').textContent).toBe('Farm');
    expect(screen.getByTestId('farm-panel')).toBeTruthy();
  });

  it('says why when no scheduler is reachable, and does not offer to submit', async () => {
    setup({
      'farm.status': () => ({ jobs: [], scheduler: { available: false, reason: 'Slurm is not available on this host: sbatch was not found on PATH' } }),
    });
    await waitFor(() =>
      expect(screen.getByTestId('farm-scheduler').textContent).toBe(
        'The build farm cannot submit from this host: Slurm is not available on this host: sbatch was not found on PATH.',
      ),
    );
    loadFile('targets.json', JSON.stringify(TARGETS));
    await waitFor(() => expect(screen.getAllByTestId('farm-target-row')).toHaveLength(3));
    expect((screen.getByTestId('farm-submit') as HTMLButtonElement).disabled).toBe(true);
  });

  it('names the file and the field of a malformed targets file, and keeps the targets it had', async () => {
    setup({ 'farm.status': () => AVAILABLE });
    loadFile('targets.json', JSON.stringify(TARGETS));
    await waitFor(() => expect(screen.getAllByTestId('farm-target-row')).toHaveLength(3));
    loadFile('lab-targets.json', '{"targets":[{"name":"a100","gres":1}]}');
    await waitFor(() =>
      expect(screen.getByTestId('farm-diagnostics').textContent).toContain(
        'lab-targets.json: targets[0].gres: Invalid input: expected string, received number (found 1).',
      ),
    );
    expect(screen.getAllByTestId('farm-target-row')).toHaveLength(3);
  });

  it('keeps the targets in the host’s settings: shown again on the next launch, each edit saved', async () => {
    const saved = [{ name: 'cpu-a', scheduler: 'slurm' as const, setup: [], backend: 'onnxruntime' as const, precisions: ['fp32' as const], profiles: [] }];
    const { host } = setup({
      'farm.status': () => AVAILABLE,
      'settings.get': () => SettingsSchema.parse({ farmTargets: saved }),
      'settings.update': ({ patch }) => SettingsSchema.parse(patch),
    });
    await waitFor(() => expect(screen.getAllByTestId('farm-target-row')).toHaveLength(1));
    expect((screen.getByTestId('farm-target-name-0') as HTMLInputElement).value).toBe('cpu-a');
    // Showing them is not an edit: nothing is written back.
    expect(host.calls.some((c) => c.method === 'settings.update')).toBe(false);
    fireEvent.click(screen.getByTestId('farm-targets-add'));
    await waitFor(() => expect(host.calls.some((c) => c.method === 'settings.update')).toBe(true));
    const written = host.calls.filter((c) => c.method === 'settings.update').map((c) => (c.params as { patch: { farmTargets: { name: string }[] } }).patch);
    expect(written.map((p) => p.farmTargets.map((t) => t.name))).toEqual([['cpu-a', 'target-2']]);
  });

  it('counts the matrix before submitting: targets × precisions × profiles, Kubernetes cells refused with the reason', async () => {
    setup({ 'farm.status': () => AVAILABLE });
    loadFile('targets.json', JSON.stringify(TARGETS));
    await waitFor(() =>
      expect(screen.getByTestId('farm-matrix').textContent).toBe('3 target(s) × precisions × batch profiles = 5 cell(s), 4 job(s) to submit'),
    );
    expect(screen.getByTestId('farm-submit').textContent).toBe('Submit matrix (4 jobs)');
    expect(screen.getByTestId('farm-matrix-refused').textContent).toBe(
      "k8s-h100 · fp32 · default: The target 'k8s-h100' is for kubernetes; only Slurm targets are submitted.",
    );
    // An edit in the table changes the count: fp16 for cpu-b doubles its cells.
    fireEvent.click(screen.getByTestId('farm-target-precision-1-fp16'));
    expect(screen.getByTestId('farm-submit').textContent).toBe('Submit matrix (6 jobs)');
    fireEvent.change(screen.getByTestId('farm-target-profiles-0'), { target: { value: 'b8=1/9/8' } });
    fireEvent.blur(screen.getByTestId('farm-target-profiles-0'));
    expect(screen.getByTestId('farm-target-profiles-problem-0').textContent).toBe("The batch profile 'b8' needs 1 ≤ min ≤ opt ≤ max; it has 1/9/8.");
    expect(screen.getByTestId('farm-submit').textContent).toBe('Submit matrix (6 jobs)');
  });

  it('asks for a saved project before submitting', async () => {
    setup({ 'farm.status': () => AVAILABLE }, false);
    loadFile('targets.json', JSON.stringify(TARGETS));
    await waitFor(() => expect(screen.getAllByTestId('farm-target-row')).toHaveLength(3));
    expect(screen.getByTestId('farm-submit').getAttribute('title')).toBe('Save the project first: the farm builds the saved project file.');
  });

  it('submits, shows states with the scheduler’s reasons as they change, cancels one job and compares the results', async () => {
    const a32 = job('101', 'cpu-a', 'fp32', 'default', 'pending', 'Resources');
    const a16 = job('102', 'cpu-a', 'fp16', 'default', 'pending', 'Priority');
    let jobs = [a32, a16];
    const { host } = setup({
      'farm.status': () => ({ jobs, scheduler: { available: true } }),
      'farm.submit': () => ({
        submission: 's1',
        jobs,
        refused: [{ target: 'cpu-b', precision: 'fp32', profile: 'b4', reason: 'Requested node configuration is not available' }],
      }),
      'farm.cancel': ({ job: id }) => {
        jobs = jobs.map((j) => (j.id === id ? { ...j, state: 'cancelled', reason: undefined } : j));
        return jobs.find((j) => j.id === id)!;
      },
      'farm.results': () => ({
        results: jobs
          .filter((j) => j.state === 'done')
          .map((j) =>
            result(
              j,
              4,
              [
                ['conv1', 1],
                ['fc1', 2],
              ],
              2_500_000,
            ),
          ),
      }),
    });
    loadFile('targets.json', JSON.stringify({ targets: [TARGETS.targets[0]] }));
    await waitFor(() => expect(screen.getByTestId('farm-submit').textContent).toBe('Submit matrix (2 jobs)'));
    fireEvent.click(screen.getByTestId('farm-submit'));
    await waitFor(() => expect(screen.getAllByTestId('farm-job-row')).toHaveLength(2));
    expect(host.calls.find((c) => c.method === 'farm.submit')?.params).toEqual({
      projectPath: '/work/lenet5.trtstudio',
      weightsPath: null,
      targets: [{ name: 'cpu-a', scheduler: 'slurm', setup: [], backend: 'onnxruntime', precisions: ['fp32', 'fp16'], profiles: [] }],
      iterations: 50,
    });
    const rows = () =>
      screen
        .getAllByTestId('farm-job-row')
        .map((r) => [
          within(r).getByTestId('farm-job-state').textContent,
          within(r).getByTestId('farm-job-reason').textContent,
          within(r).queryByTestId('farm-job-cancel') !== null,
        ]);
    expect(rows()).toEqual([
      ['pending', 'Resources', true],
      ['pending', 'Priority', true],
    ]);
    expect(screen.getByTestId('farm-refused').textContent).toContain('cpu-b · fp32 · b4: Requested node configuration is not available');

    // The scheduler starts one job; polling shows it.
    jobs = [{ ...a32, state: 'running', reason: undefined }, a16];
    await waitFor(() => expect(rows()[0]).toEqual(['running', '', true]));
    fireEvent.click(within(screen.getAllByTestId('farm-job-row')[1]!).getByTestId('farm-job-cancel'));
    await waitFor(() => expect(rows()[1]).toEqual(['cancelled', '', false]));
    expect(host.calls.filter((c) => c.method === 'farm.cancel').map((c) => c.params)).toEqual([{ job: '102' }]);

    // It finishes: the results are asked for and compared.
    jobs = [{ ...a32, state: 'done', reason: undefined }, jobs[1]!];
    await waitFor(() => expect(screen.getAllByTestId('farm-latency-row')).toHaveLength(1));
    expect(screen.getByTestId('farm-job-summary').textContent).toBe('1 done · 1 cancelled');
    expect(screen.getAllByTestId('farm-latency-row')[0]!.textContent).toBe(
      'cpu-a · fp32 · defaultReference runtime (ONNX Runtime)4.00 ms3.60 ms6.00 ms2.5 MB Copy path',
    );
    // Nothing is live any more: polling stops.
    const polls = host.calls.filter((c) => c.method === 'farm.status').length;
    await new Promise((r) => setTimeout(r, 100));
    expect(host.calls.filter((c) => c.method === 'farm.status').length).toBe(polls);
    expect(host.calls.find((c) => c.method === 'farm.results')?.params).toEqual({ submission: 's1' });
  });

  it('compares latency and per-layer times across targets, marking the fastest', async () => {
    const jobs = [job('1', 'T4', 'fp16', 'b8', 'done'), job('2', 'H100', 'fp16', 'b8', 'done'), job('3', 'L4', 'fp32', 'default', 'done')];
    setup({
      'farm.status': () => ({ jobs, scheduler: { available: true } }),
      'farm.results': () => ({
        results: [
          result(
            jobs[0]!,
            2.4,
            [
              ['conv1', 0.9],
              ['fc1', 1.5],
            ],
            12_000_000,
          ),
          result(
            jobs[1]!,
            0.6,
            [
              ['conv1', 0.2],
              ['fc1', 0.4],
            ],
            14_000_000,
          ),
          result(jobs[2]!, 1.8, [
            ['conv1', 0.7],
            ['relu1', 0.1],
          ]),
        ],
      }),
    });
    await waitFor(() => expect(screen.getAllByTestId('farm-latency-row')).toHaveLength(3));
    const cells = (row: HTMLElement) => Array.from(row.querySelectorAll('td')).map((td) => [td.textContent, td.classList.contains('wf-best')]);
    // Without targets loaded (jobs of an earlier session) the cells are in name order.
    expect(screen.getAllByTestId('farm-latency-row').map((r) => cells(r).slice(0, 5))).toEqual([
      [
        ['H100 · fp16 · b8', false],
        ['Reference runtime (ONNX Runtime)', false],
        ['0.600 ms', true],
        ['0.540 ms', true],
        ['0.900 ms', true],
      ],
      [
        ['L4 · fp32 · default', false],
        ['Reference runtime (ONNX Runtime)', false],
        ['1.80 ms', false],
        ['1.62 ms', false],
        ['2.70 ms', false],
      ],
      [
        ['T4 · fp16 · b8', false],
        ['Reference runtime (ONNX Runtime)', false],
        ['2.40 ms', false],
        ['2.16 ms', false],
        ['3.60 ms', false],
      ],
    ]);
    expect(screen.getAllByTestId('farm-latency-row').map((r) => r.querySelectorAll('td')[5]!.textContent)).toEqual([
      '14 MB Copy path',
      'none: the reference runtime builds no engine',
      '12 MB Copy path',
    ]);
    const header = Array.from(screen.getByTestId('farm-layer-table').querySelectorAll('th')).map((th) => th.textContent);
    expect(header).toEqual(['layer', 'H100 · fp16 · b8', 'L4 · fp32 · default', 'T4 · fp16 · b8']);
    expect(screen.getAllByTestId('farm-layer-row').map(cells)).toEqual([
      [
        ['conv1', false],
        ['0.200 ms', true],
        ['0.700 ms', false],
        ['0.900 ms', false],
      ],
      [
        ['fc1', false],
        ['0.400 ms', true],
        ['—', false],
        ['1.50 ms', false],
      ],
      [
        ['relu1', false],
        ['—', false],
        ['0.100 ms', true],
        ['—', false],
      ],
    ]);
  });
});
