// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { BuildResult, RunResult } from '../../core/api/job-schemas.js';
import { PREPROCESSING_PRESETS } from '../../core/run/preprocessing.js';
import { buildTemplate } from '../../core/templates/index.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { createEditorStore } from '../editor/editor-store.js';
import { fakeHost } from '../host/fake-host.js';
import { classNamesFor, detectorInDocument, parseClassNames } from '../../core/run/detector.js';
import { renderDock } from './dock.testing.js';

afterEach(cleanup);

const engine = (networkName: string): BuildResult => ({
  engineId: 'engine-1',
  backend: 'onnxruntime',
  networkName,
  sizeBytes: 1000,
  buildMs: 5,
  builtAt: '2026-01-01T10:00:00Z',
  options: { backend: 'onnxruntime', precision: 'fp32', workspaceMiB: 1024, optimizationLevel: 3, timingCachePath: null, profiles: {} },
});

/**
 * A 320×240 photo letterboxed into 640×640 (scale 2, 80 rows of padding above): four candidates, in input
 * pixels. The two person boxes overlap with IoU 17,100 / 22,900 ≈ 0.747.
 */
const CANDIDATES = {
  output: 'output0',
  image: { width: 320, height: 240 },
  input: { width: 640, height: 640, resize: 'letterbox' as const },
  floor: 0.05,
  classes: [0, 0, 2, 16],
  scores: [0.9, 0.6, 0.3, 0.1],
  boxes: [100, 180, 200, 380, 110, 190, 210, 390, 400, 300, 500, 400, 0, 80, 60, 140],
  dropped: 0,
};

function resultWith(detections: typeof CANDIDATES): RunResult {
  return {
    engineId: 'engine-1',
    backend: 'onnxruntime',
    comparisons: [],
    images: [
      {
        path: '/data/street.png',
        elapsedMs: 3,
        top: [],
        outputs: [{ name: 'output0', dims: [1, 84, 8400], min: 0, max: 600, mean: 3, values: [1, 2], truncated: true }],
        detections,
      },
    ],
  };
}

/** The run panel on `doc`, with one image chosen; returns the fake host. */
async function runPanelWithImage(doc: NetworkDocument) {
  const store = createEditorStore(doc);
  store.getState().setEngines([engine(doc.name)]);
  const host = fakeHost({
    'build.history': () => ({ builds: [engine(doc.name)] }),
    'files.roots': () => ({ roots: [{ path: '/data', label: 'Work' }] }),
    'files.list': ({ path }) => ({ path, parent: null, entries: [{ name: 'street.png', path: '/data/street.png', kind: 'file', size: 300, modifiedAt: '' }] }),
    'images.preview': ({ path }) => ({ path, width: 320, height: 240, previewDataUrl: 'data:image/png;base64,AAAA' }),
    'run.start': () => ({ jobId: 'r1' }),
  });
  renderDock(store, host);
  fireEvent.click(screen.getByTestId('dock-tab-run'));
  fireEvent.click(screen.getByTestId('run-choose'));
  fireEvent.click((await screen.findAllByTestId('file-browser-entry'))[0]!);
  fireEvent.click(screen.getByTestId('file-browser-ok'));
  await screen.findByTestId('run-image');
  return host;
}

const tableRows = () =>
  screen.getAllByTestId('detection-row').map((row) =>
    within(row)
      .getAllByRole('cell')
      .map((cell) => cell.textContent),
  );

const slide = (testId: string, value: number) => fireEvent.change(screen.getByTestId(testId), { target: { value: String(value) } });

describe('the detector settings', () => {
  it('recognises a YOLO head from the layer that feeds the output, and a classifier as no detector', () => {
    expect(detectorInDocument(buildTemplate('yolov8n')!)).toEqual({ head: { output: 'output0', format: 'v8', box: 'cxcywh' }, classes: 80 });
    expect(detectorInDocument(buildTemplate('yolov5s')!)).toEqual({ head: { output: 'output0', format: 'v5', box: 'cxcywh' }, classes: 80 });
    expect(detectorInDocument(buildTemplate('lenet5')!)).toBeUndefined();
  });

  it('recognises a YOLO postprocess output as detections after NMS, with the classes of the head that feeds it', () => {
    const doc = buildTemplate('yolov8n')!;
    const head = doc.outputs[0]!.from;
    const withNms = {
      nodes: [...doc.nodes, { id: 'post', type: 'YoloPostprocess', name: 'postprocess', params: {} }],
      edges: [...doc.edges, { id: 'e-post', from: head, to: { node: 'post', port: 'input' } }],
      outputs: [{ name: 'detections', from: { node: 'post', port: 'detections' } }],
    };
    expect(detectorInDocument(withNms)).toEqual({ head: { output: 'detections', format: 'rows', box: 'xyxy' }, classes: 80 });
  });

  it("names classes from the user's list, else COCO's for 80 classes, and says when the count differs", () => {
    expect(parseClassNames('circle\r\n\n square \ntriangle\n')).toEqual(['circle', 'square', 'triangle']);
    expect(classNamesFor(80, []).names[2]).toBe('car');
    expect(classNamesFor(3, [])).toEqual({ names: [] });
    expect(classNamesFor(3, ['a', 'b'])).toEqual({
      names: ['a', 'b'],
      problem: 'The names list has 2 names but the head has 3 classes; classes without a name show as "class N".',
    });
  });
});

describe('the run panel for a detector', () => {
  it('letterboxes, asks the host for the head’s candidates, draws the boxes on the original image and lists them in its pixels', async () => {
    const host = await runPanelWithImage(buildTemplate('yolov8n')!);
    expect((screen.getByTestId('run-preset') as HTMLSelectElement).value).toBe('letterbox');
    expect((screen.getByTestId('run-detector-output') as HTMLSelectElement).value).toBe('output0');
    expect((screen.getByTestId('run-detector-classes') as HTMLInputElement).value).toBe('80');
    fireEvent.click(screen.getByTestId('run-start'));
    await waitFor(() => expect(host.calls.some((c) => c.method === 'run.start')).toBe(true));
    expect(host.calls.find((c) => c.method === 'run.start')?.params).toEqual({
      engineIds: ['engine-1'],
      images: [{ path: '/data/street.png', preprocessing: PREPROCESSING_PRESETS.letterbox }],
      topK: 5,
      detector: { output: 'output0', format: 'v8', box: 'cxcywh' },
    });
    await waitFor(() => expect((screen.getByTestId('run-progress-cancel') as HTMLButtonElement).disabled).toBe(false));
    act(() => host.emit('job.finished', { jobId: 'r1', kind: 'run', status: 'succeeded', result: resultWith(CANDIDATES), diagnostics: [], elapsedMs: 12 }));

    // Score > 0.25, IoU 0.45: the second person box is suppressed, the dog scores too low.
    await screen.findByTestId('detection-results');
    expect(tableRows()).toEqual([
      ['0', 'person', '0.900', '50.0', '50.0', '100.0', '150.0'],
      ['2', 'car', '0.300', '200.0', '110.0', '250.0', '160.0'],
    ]);
    expect(screen.getAllByTestId('detection-box').map((g) => g.textContent)).toEqual(['person 0.90', 'car 0.30']);
    expect(screen.getByTestId('detection-count').textContent).toBe('2 detections · 4 candidates above 0.05');
    // The picture under the boxes is the original image, at its own size (the thumbnail's letterboxed preview may come after it).
    await waitFor(() => expect(screen.getByTestId('detection-image').querySelector('img')?.getAttribute('src')).toBe('data:image/png;base64,AAAA'));
    expect(host.calls.filter((c) => c.method === 'images.preview').map((c) => c.params)).toContainEqual({
      path: '/data/street.png',
      preprocessing: {
        preset: 'custom',
        width: 320,
        height: 240,
        channels: 3,
        colorOrder: 'RGB',
        resize: 'stretch',
        scale: 1 / 255,
        mean: [0, 0, 0],
        std: [1, 1, 1],
      },
    });
    const runs = host.calls.filter((c) => c.method === 'run.start').length;

    // Thresholds apply live, without another run.
    slide('run-iou', 0.8);
    expect(screen.getByTestId('run-iou-value').textContent).toBe('0.80');
    expect(tableRows().map((r) => r[2])).toEqual(['0.900', '0.600', '0.300']);
    slide('run-conf', 0.5);
    expect(tableRows().map((r) => r[1])).toEqual(['person', 'person']);
    slide('run-conf', 0.05);
    expect(tableRows().map((r) => r[1])).toEqual(['person', 'person', 'car', 'dog']);
    expect(screen.getAllByTestId('detection-box')).toHaveLength(4);
    expect(host.calls.filter((c) => c.method === 'run.start')).toHaveLength(runs);
  });

  it('reads an output the user chose as a detector, with their class count and names', async () => {
    const host = await runPanelWithImage(buildTemplate('lenet5')!);
    expect((screen.getByTestId('run-detector-output') as HTMLSelectElement).value).toBe('');
    fireEvent.change(screen.getByTestId('run-detector-output'), { target: { value: 'prob' } });
    fireEvent.change(screen.getByTestId('run-detector-box'), { target: { value: 'xyxy' } });
    fireEvent.change(screen.getByTestId('run-detector-classes'), { target: { value: '17' } });
    fireEvent.change(screen.getByTestId('run-detector-names'), { target: { value: 'person\nbicycle' } });
    expect(screen.getByTestId('run-detector-names-problem').textContent).toBe(
      'The names list has 2 names but the head has 17 classes; classes without a name show as "class N".',
    );
    fireEvent.click(screen.getByTestId('run-start'));
    await waitFor(() => expect(host.calls.some((c) => c.method === 'run.start')).toBe(true));
    expect((host.calls.find((c) => c.method === 'run.start')?.params as { detector: unknown }).detector).toEqual({ output: 'prob', format: 'v8', box: 'xyxy' });
    await waitFor(() => expect((screen.getByTestId('run-progress-cancel') as HTMLButtonElement).disabled).toBe(false));
    // A .npy input among the images has no picture to draw boxes on: it keeps its usual result.
    const withTensor = resultWith(CANDIDATES);
    withTensor.images.push({
      path: '/data/input.npy',
      elapsedMs: 1,
      top: [],
      outputs: [{ name: 'prob', dims: [1, 10], min: 0, max: 1, mean: 0.1, values: [], truncated: true }],
    });
    act(() => host.emit('job.finished', { jobId: 'r1', kind: 'run', status: 'succeeded', result: withTensor, diagnostics: [], elapsedMs: 12 }));
    await screen.findByTestId('detection-results');
    expect(screen.getAllByTestId('detection-image').map((e) => e.getAttribute('data-file'))).toEqual(['street.png']);
    expect(screen.getAllByTestId('run-result').map((e) => e.getAttribute('data-file'))).toEqual(['input.npy']);
    slide('run-conf', 0.05);
    slide('run-iou', 0.8);
    expect(tableRows().map((r) => r[1])).toEqual(['person', 'person', 'class 2', 'class 16']);
  });
});
