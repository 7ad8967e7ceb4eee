/**
 * The sandboxed preload: exposes the one global `window.trtStudioHost` (PreloadBridge) and hands
 * files dropped onto the window to the main process. Bundled as CommonJS that requires only
 * 'electron', as sandboxed preloads must be; all the logic is in shell/preload-bridge.ts.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { PRELOAD_GLOBAL } from '../core/api/names.js';
import { createFileDropHandlers, createPreloadBridge, type FileDragEvent, type PreloadIpc } from './shell/preload-bridge.js';

const ipc: PreloadIpc = {
  invoke: (channel, ...args) => ipcRenderer.invoke(channel, ...args) as Promise<unknown>,
  send: (channel, ...args) => ipcRenderer.send(channel, ...args),
  on(channel, listener) {
    // The page never sees Electron's event object (it carries `sender`, an ipcRenderer).
    const wrapped = (_event: IpcRendererEvent, ...args: unknown[]) => listener(...args);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
  getPathForFile: (file) => webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]),
};

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, createPreloadBridge(ipc));

/** The DOM window, typed by hand: this layer is type-checked without the DOM library. */
const page = globalThis as unknown as { addEventListener(type: 'dragover' | 'drop', listener: (event: FileDragEvent) => void): void };
const drop = createFileDropHandlers(ipc);
page.addEventListener('dragover', drop.dragover);
page.addEventListener('drop', drop.drop);
