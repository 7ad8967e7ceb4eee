/**
 * The preload's one global (`window.trtStudioHost`, type PreloadBridge), built from the few Electron
 * calls it needs so that it can be tested without Electron. Calls are checked against the contract's
 * method names before anything crosses to the main process; events against its event names. No
 * Electron object (ipcRenderer, the event) ever reaches the page. Imports only zod-free names, so
 * the sandboxed preload bundle stays small.
 */
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, isEventName, isMethodName, type PreloadBridge } from '../../core/api/names.js';
import { IPC_DROP_CHANNEL } from './channels.js';

/** What the preload gets from Electron (ipcRenderer and webUtils), reduced to plain functions. */
export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  /** Subscribes to a main → renderer channel; the listener gets the arguments after Electron's event. */
  on(channel: string, listener: (...args: unknown[]) => void): () => void;
  getPathForFile(file: unknown): string;
}

function refused(code: string, message: string): { ok: false; diagnostics: { severity: 'error'; code: string; message: string }[] } {
  return { ok: false, diagnostics: [{ severity: 'error', code, message }] };
}

/** True for what a request's params can be: a plain object (the contract has no other kind). */
function isPlainParams(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function createPreloadBridge(ipc: PreloadIpc): PreloadBridge {
  return {
    async call(method: string, params: unknown): Promise<unknown> {
      if (!isMethodName(method))
        return refused(
          'api.method.unknown',
          `The request ${JSON.stringify(String(method).slice(0, 100))} is not part of the TRT Studio contract; it was not sent.`,
        );
      if (!isPlainParams(params)) return refused('api.params.invalid', `The request '${method}' needs its parameters as an object; it was not sent.`);
      try {
        return await ipc.invoke(IPC_CALL_CHANNEL, method, params);
      } catch (e) {
        return refused('host.disconnected', `The request '${method}' could not reach the host: ${e instanceof Error ? e.message : String(e)}.`);
      }
    },
    onEvent(listener: (event: string, payload: unknown) => void): () => void {
      return ipc.on(IPC_EVENT_CHANNEL, (event, payload) => {
        if (isEventName(event)) listener(event, payload);
      });
    },
    pathForFile(file: unknown): string {
      try {
        return ipc.getPathForFile(file);
      } catch {
        return '';
      }
    },
  };
}

/** The parts of a DOM drag event the drop handler reads (the preload is type-checked without the DOM). */
export interface FileDragEvent {
  readonly defaultPrevented: boolean;
  readonly dataTransfer: { readonly types: ArrayLike<string>; readonly files: ArrayLike<unknown>; dropEffect: string } | null;
  preventDefault(): void;
}

function carriesFiles(event: FileDragEvent): boolean {
  return event.dataTransfer !== null && Array.from(event.dataTransfer.types).includes('Files');
}

/**
 * Files dropped anywhere on the window go to the main process, which opens what it recognises
 * (`host.openFiles`). Without this Chromium would navigate to the file. A drop the page already
 * handled (default prevented) is left to the page.
 */
export function createFileDropHandlers(ipc: Pick<PreloadIpc, 'send' | 'getPathForFile'>): {
  dragover(event: FileDragEvent): void;
  drop(event: FileDragEvent): void;
} {
  return {
    dragover(event) {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer!.dropEffect = 'copy';
    },
    drop(event) {
      if (!carriesFiles(event)) return;
      const handledByPage = event.defaultPrevented;
      event.preventDefault();
      if (handledByPage) return;
      const paths: string[] = [];
      for (const file of Array.from(event.dataTransfer!.files)) {
        let path = '';
        try {
          path = ipc.getPathForFile(file);
        } catch {
          // A file without a path on disk (dragged out of another app's memory) cannot be opened by path.
        }
        if (path !== '') paths.push(path);
      }
      if (paths.length > 0) ipc.send(IPC_DROP_CHANNEL, paths);
    },
  };
}
