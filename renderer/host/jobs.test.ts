// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEditorStore } from '../editor/editor-store.js';
import { fakeHost } from './fake-host.js';
import { connectToHost, hostConnection } from './host-connection.js';
import { followWhileConnected, runJob } from './jobs.js';

/** The browser's WebSocket, as far as the page uses it: the test opens and closes it as a host would. */
class TestSocket extends EventTarget {
  static made: TestSocket[] = [];
  readyState = 0;
  constructor(readonly url: string) {
    super();
    TestSocket.made.push(this);
  }
  send(): void {}
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  close(): void {
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }
}

beforeAll(() => {
  vi.stubGlobal('WebSocket', TestSocket);
  // No host answers the page's probe of why the connection closed.
  vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
  window.history.replaceState(null, '', '/?token=test-token');
});
afterAll(() => vi.unstubAllGlobals());

describe('a job whose host goes away', () => {
  it('fails with the reason and releases every listener it held', async () => {
    // The page's connection, in browser mode: its socket is the one the test closes.
    connectToHost();
    await vi.waitFor(() => expect(TestSocket.made).toHaveLength(1));
    const socket = TestSocket.made[0]!;
    socket.open();
    expect(hostConnection().get()).toEqual({ state: 'connected', reconnected: false });

    const host = fakeHost({ 'run.start': () => ({ jobId: 'job-1' }) });
    const store = createEditorStore();
    const progress: (number | undefined)[] = [];
    const outcome = runJob(
      host,
      store,
      'run',
      'Run 20 images',
      () => host.call('run.start', { engineIds: ['engine-1'], images: [], topK: 5, outputNpyDir: null }),
      {
        onProgress: (p) => progress.push(p.fraction),
      },
    );
    await vi.waitFor(() => expect(host.listenerCount('job.finished')).toBe(1));
    expect(host.listenerCount('job.progress')).toBe(1);
    expect(host.listenerCount('job.log')).toBe(1);
    host.emit('job.progress', { jobId: 'job-1', kind: 'run', progress: { phase: 'Running', fraction: 0.25 } });
    expect(store.getState().jobs.map((j) => j.label)).toEqual(['Run 20 images']);

    socket.close();
    const ended = await outcome;
    expect(ended).toMatchObject({
      started: true,
      finished: {
        kind: 'run',
        jobId: 'job-1',
        status: 'failed',
        diagnostics: [
          {
            severity: 'error',
            code: 'host.disconnected',
            message: 'Run 20 images failed: the connection to the host was lost (the connection to the host closed).',
          },
        ],
      },
    });
    expect(store.getState().jobs).toEqual([]);
    // Nothing of the job listens any more: a late event of the same id changes nothing.
    expect(host.listenerCount('job.finished')).toBe(0);
    expect(host.listenerCount('job.progress')).toBe(0);
    expect(host.listenerCount('job.log')).toBe(0);
    host.emit('job.progress', { jobId: 'job-1', kind: 'run', progress: { phase: 'Running', fraction: 0.5 } });
    expect(progress).toEqual([0.25]);
  });

  it('stops following when told, releasing its listeners (a job that had ended before anyone listened)', async () => {
    const host = fakeHost();
    const stop = new AbortController();
    const end = followWhileConnected(host, 'job-2', undefined, undefined, stop.signal);
    expect(host.listenerCount('job.finished')).toBe(1);
    stop.abort();
    expect(await end).toEqual({ stopped: true });
    expect([host.listenerCount('job.finished'), host.listenerCount('job.progress'), host.listenerCount('job.log')]).toEqual([0, 0, 0]);
  });
});
