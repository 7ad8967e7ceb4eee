import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../core/api/names.js';
import { IPC_DROP_CHANNEL } from './channels.js';
import { createFileDropHandlers, createPreloadBridge, type FileDragEvent, type PreloadIpc } from './preload-bridge.js';

/** A stand-in for ipcRenderer and webUtils that records what would cross to the main process. */
function fakeIpc(answer: (channel: string, ...args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: {} })) {
  const invoked: unknown[][] = [];
  const sent: unknown[][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const ipc: PreloadIpc = {
    invoke: (channel, ...args) => {
      invoked.push([channel, ...args]);
      return answer(channel, ...args);
    },
    send: (channel, ...args) => void sent.push([channel, ...args]),
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    getPathForFile: (file) => {
      if (typeof file === 'object' && file !== null && 'path' in file) return String((file as { path: string }).path);
      throw new TypeError('not a File');
    },
  };
  const emit = (channel: string, ...args: unknown[]) => listeners.get(channel)?.forEach((l) => l(...args));
  return { ipc, invoked, sent, emit };
}

describe('the preload bridge', () => {
  it('sends a contract method with its params on the call channel and returns the answer', async () => {
    const { ipc, invoked } = fakeIpc(async () => ({ ok: true, value: { host: 'electron' } }));
    const bridge = createPreloadBridge(ipc);
    expect(await bridge.call('host.capabilities', {})).toEqual({ ok: true, value: { host: 'electron' } });
    expect(invoked).toEqual([[IPC_CALL_CHANNEL, 'host.capabilities', {}]]);
  });

  it('refuses a name outside the contract or params that are not an object, without sending anything', async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = createPreloadBridge(ipc);
    expect(await bridge.call('fs.readFile', { path: '/etc/passwd' })).toEqual({
      ok: false,
      diagnostics: [
        { severity: 'error', code: 'api.method.unknown', message: 'The request "fs.readFile" is not part of the TRT Studio contract; it was not sent.' },
      ],
    });
    expect(await bridge.call('__proto__', {})).toMatchObject({ ok: false, diagnostics: [{ code: 'api.method.unknown' }] });
    expect(await bridge.call('project.open', '/x.trtstudio')).toEqual({
      ok: false,
      diagnostics: [
        { severity: 'error', code: 'api.params.invalid', message: "The request 'project.open' needs its parameters as an object; it was not sent." },
      ],
    });
    expect(await bridge.call('project.open', [1])).toMatchObject({ ok: false });
    expect(await bridge.call('project.open', new Date())).toMatchObject({ ok: false });
    expect(invoked).toEqual([]);
  });

  it('turns a broken IPC into a host.disconnected answer instead of a rejection', async () => {
    const { ipc } = fakeIpc(async () => {
      throw new Error('Error invoking remote method: no handler');
    });
    expect(await createPreloadBridge(ipc).call('jobs.list', {})).toEqual({
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'host.disconnected',
          message: "The request 'jobs.list' could not reach the host: Error invoking remote method: no handler.",
        },
      ],
    });
  });

  it('passes contract events to the page, drops unknown ones, and unsubscribes', () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createPreloadBridge(ipc);
    const seen: unknown[] = [];
    const off = bridge.onEvent((event, payload) => seen.push([event, payload]));
    emit(IPC_EVENT_CHANNEL, 'menu.command', { command: 'file.save' });
    emit(IPC_EVENT_CHANNEL, 'secret.internal', { x: 1 });
    emit('other-channel', 'menu.command', { command: 'file.open' });
    off();
    emit(IPC_EVENT_CHANNEL, 'menu.command', { command: 'edit.undo' });
    expect(seen).toEqual([['menu.command', { command: 'file.save' }]]);
  });

  it('gives a dropped file’s path, or an empty string for something that is not a file', () => {
    const bridge = createPreloadBridge(fakeIpc().ipc);
    expect(bridge.pathForFile({ path: '/data/resnet18.wts' })).toBe('/data/resnet18.wts');
    expect(bridge.pathForFile('nope')).toBe('');
  });
});

function dragEvent(types: string[], files: unknown[], defaultPrevented = false): FileDragEvent & { prevented: boolean } {
  const event = {
    defaultPrevented,
    prevented: false,
    dataTransfer: { types, files, dropEffect: 'none' },
    preventDefault() {
      event.prevented = true;
    },
  };
  return event;
}

describe('files dropped onto the window', () => {
  it('are sent to the main process as paths, and the page does not navigate to them', () => {
    const { ipc, sent } = fakeIpc();
    const handlers = createFileDropHandlers(ipc);
    const over = dragEvent(['Files'], []);
    handlers.dragover(over);
    expect(over.prevented).toBe(true);
    expect(over.dataTransfer!.dropEffect).toBe('copy');
    const drop = dragEvent(['Files'], [{ path: '/m/resnet18.trtstudio' }, { path: '/m/resnet18.wts' }, 'in-memory']);
    handlers.drop(drop);
    expect(drop.prevented).toBe(true);
    expect(sent).toEqual([[IPC_DROP_CHANNEL, ['/m/resnet18.trtstudio', '/m/resnet18.wts']]]);
  });

  it('leave layer drags and drops the page handled itself alone', () => {
    const { ipc, sent } = fakeIpc();
    const handlers = createFileDropHandlers(ipc);
    const layer = dragEvent(['application/x-trt-layer'], []);
    handlers.dragover(layer);
    handlers.drop(layer);
    expect(layer.prevented).toBe(false);
    handlers.drop(dragEvent(['Files'], [{ path: '/m/a.wts' }], true));
    expect(sent).toEqual([]);
  });
});

describe('the preload bundle', () => {
  it('is CommonJS that requires nothing but electron (a sandboxed preload can load nothing else)', async () => {
    const out = await build({
      entryPoints: ['electron/preload.ts'],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      external: ['electron'],
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    expect([...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(code).not.toMatch(/\bimport\s*\(|from\s+["']/);
    expect(code).not.toContain('zod');
  });

  it('keeps Electron out of the shell’s pure modules', async () => {
    for (const file of ['app-origin', 'app-protocol', 'channels', 'dialog-options', 'dropped-files', 'menu-template', 'preload-bridge', 'security']) {
      const text = await readFile(`electron/shell/${file}.ts`, 'utf8');
      expect(text, file).not.toMatch(/from ['"]electron['"]/);
    }
  });
});
