// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { buildTemplate } from '../../core/templates/index.js';
import { createEditorStore } from '../editor/editor-store.js';
import { fakeHost } from '../host/fake-host.js';
import { renderDock } from './dock.testing.js';

afterEach(cleanup);

function setup() {
  const store = createEditorStore(buildTemplate('lenet5')!);
  store.getState().setBackends([{ name: 'tensorrt', available: false, detail: 'no libnvinfer.so.10 was found' }]);
  const host = fakeHost({
    'files.roots': () => ({ roots: [{ path: '/data', label: 'Work' }] }),
    'files.list': ({ path }) => ({ path, parent: null, entries: [] }),
    'files.write': ({ path, data }) => ({ path, bytes: data.length }),
    'export.start': () => ({ jobId: 'x1' }),
  });
  renderDock(store, host);
  fireEvent.click(screen.getByTestId('export-menu'));
  return { store, host };
}

describe('Export menu', () => {
  it('disables the .engine and .wts exports with their reasons', () => {
    setup();
    const engine = screen.getByTestId('export-engine') as HTMLButtonElement;
    expect(engine.disabled).toBe(true);
    expect(engine.title).toBe('TensorRT is not available here (no libnvinfer.so.10 was found); an .engine can only be built by TensorRT.');
    expect((screen.getByTestId('export-wts') as HTMLButtonElement).title).toBe('Import a .wts first: the export writes the tensors bound to this network.');
    expect((screen.getByTestId('export-onnx') as HTMLButtonElement).disabled).toBe(false);
  });

  it('exports ONNX to the path chosen in the file browser and reports the file written', async () => {
    const { store, host } = setup();
    fireEvent.click(screen.getByTestId('export-onnx'));
    const name = (await screen.findByTestId('file-browser-name')) as HTMLInputElement;
    expect(name.value).toBe('lenet5.onnx');
    await waitFor(() => expect((screen.getByTestId('file-browser-ok') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('file-browser-ok'));
    await waitFor(() => expect(host.calls.some((c) => c.method === 'export.start')).toBe(true));
    const params = host.calls.find((c) => c.method === 'export.start')!.params as Record<string, unknown>;
    expect([params.format, params.path, params.weightSetId, params.engineId]).toEqual(['onnx', '/data/lenet5.onnx', null, null]);
    // The job is in the store's list once the menu follows it.
    await waitFor(() => expect(store.getState().jobs.map((j) => j.id)).toEqual(['x1']));
    act(() =>
      host.emit('job.finished', {
        jobId: 'x1',
        kind: 'export',
        status: 'succeeded',
        result: { format: 'onnx', path: '/data/lenet5.onnx', bytes: 247_000 },
        diagnostics: [],
        elapsedMs: 3,
      }),
    );
    await waitFor(() => expect(store.getState().notices.at(-1)?.message).toBe('Wrote /data/lenet5.onnx (247 KB).'));
  });

  it('offers the written file for download in browser mode, through a one-time ticket asked for with the launch token', async () => {
    sessionStorage.setItem('trtstudio.token', 'tok/en');
    const { host } = setup();
    fireEvent.click(screen.getByTestId('export-onnx'));
    await waitFor(() => expect((screen.getByTestId('file-browser-ok') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('file-browser-ok'));
    await waitFor(() => expect(host.calls.some((c) => c.method === 'export.start')).toBe(true));
    expect(screen.queryByTestId('export-download')).toBeNull();
    act(() =>
      host.emit('job.finished', {
        jobId: 'x1',
        kind: 'export',
        status: 'succeeded',
        result: { format: 'onnx', path: '/data/my model.onnx', bytes: 247_000 },
        diagnostics: [],
        elapsedMs: 3,
      }),
    );
    const link = (await screen.findByTestId('export-download')) as HTMLAnchorElement;
    expect(link.textContent).toBe('⤓ Download my model.onnx');
    const fetched: [string, RequestInit | undefined][] = [];
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
      fetched.push([String(url), init]);
      return new Response(JSON.stringify({ ticket: 't1', url: '/api/download?ticket=t1' }), { status: 200 });
    });
    const clicked: [string, string][] = [];
    const clickSpy = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push([this.getAttribute('href') ?? '', this.download]);
    });
    try {
      fireEvent.click(link);
      await waitFor(() => expect(clicked).toEqual([['/api/download?ticket=t1', 'my model.onnx']]));
      expect(fetched).toEqual([['/api/download/ticket?path=%2Fdata%2Fmy%20model.onnx', { method: 'POST', headers: { Authorization: 'Bearer tok/en' } }]]);
      // The token is in no URL.
      expect(link.getAttribute('href')).toBe('#');
    } finally {
      fetchSpy.mockRestore();
      clickSpy.mockRestore();
      sessionStorage.removeItem('trtstudio.token');
    }
  });

  it('writes the graph as SVG through the host', async () => {
    const { host } = setup();
    fireEvent.click(screen.getByTestId('export-svg'));
    await waitFor(() => expect((screen.getByTestId('file-browser-ok') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('file-browser-ok'));
    await waitFor(() => expect(host.calls.some((c) => c.method === 'files.write')).toBe(true));
    const params = host.calls.find((c) => c.method === 'files.write')!.params as { path: string; data: string; encoding: string };
    expect(params.path).toBe('/data/lenet5.svg');
    expect(params.encoding).toBe('utf8');
    expect(params.data).toContain('>conv1</text>');
  });
});
