/**
 * The names of every request and event in the UI ↔ host contract, without their schemas. Kept free of
 * zod so that the sandboxed Electron preload can check calls against it without bundling a schema
 * library; `contract.ts` proves at compile time that its tables have exactly these keys.
 */

/** Every request the UI may send to the host. */
export const METHOD_NAMES = [
  'host.capabilities',
  'host.startup',
  'project.open',
  'project.save',
  'project.recent',
  'project.forgetRecent',
  'project.autosave',
  'project.discardAutosave',
  'project.recovery',
  'project.restore',
  'project.discardRecovery',
  'project.resume',
  'files.roots',
  'files.list',
  'files.write',
  'dialog.open',
  'dialog.save',
  'weights.import',
  'weights.list',
  'weights.tensors',
  'weights.stats',
  'weights.unload',
  'weights.bind',
  'weights.save',
  'model.import',
  'network.check',
  'network.lower',
  'build.start',
  'build.history',
  'run.start',
  'run.saveOutputs',
  'profile.start',
  'export.start',
  'compare.start',
  'compare.tensors',
  'images.preview',
  'jobs.list',
  'jobs.cancel',
  'settings.get',
  'settings.update',
  'farm.submit',
  'farm.status',
  'farm.cancel',
  'farm.results',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];

/** Every event the host may push to the UI. */
export const EVENT_NAMES = [
  'job.progress',
  'job.log',
  'job.finished',
  'host.openFiles',
  'menu.command',
  'weights.changed',
  'settings.changed',
  'host.protocolError',
  'project.autosaved',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

const methodSet: ReadonlySet<string> = new Set(METHOD_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

/** True when `name` is a method of the contract (used by the preload and both transports before anything else). */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && methodSet.has(name);
}

/** True when `name` is an event of the contract. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventSet.has(name);
}

/** The global the Electron preload exposes in the renderer (`window.trtStudioHost`). */
export const PRELOAD_GLOBAL = 'trtStudioHost';

/** Electron IPC channels: one for calls, one for events. */
export const IPC_CALL_CHANNEL = 'trt-studio:call';
export const IPC_EVENT_CHANNEL = 'trt-studio:event';

/**
 * What the preload exposes as `window.trtStudioHost`. Raw and untyped on purpose: the renderer wraps
 * it with `createHostApi(bridgeTransport(bridge))` (`client.ts`, `transports.ts`), which types and checks it.
 */
export interface PreloadBridge {
  /** Sends one request; resolves with the host's response envelope `{ ok, value?, diagnostics? }`. */
  call(method: string, params: unknown): Promise<unknown>;
  /** Subscribes to host events; returns the function that unsubscribes. */
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  /** The absolute path of a file dropped onto the window (`webUtils.getPathForFile`); '' when it has none. */
  pathForFile(file: unknown): string;
}
