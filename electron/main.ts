/**
 * The Electron shell (ARCHITECTURE.md rule 5): one sandboxed window showing the built renderer on the
 * app's private scheme, the contract carried over IPC to the same services the web host uses, native
 * dialogs, the application menu, and files dropped onto the window. Kept thin: what can be decided
 * without Electron lives in shell/ and is tested there. Accepts the same arguments as `trt-studio
 * serve` (`[PROJECT.trtstudio] [--weights FILE.wts] [--root FOLDER]... [--config-dir FOLDER]`).
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  session,
  utilityProcess,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
  type WebContents,
} from 'electron';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MenuCommand } from '../core/api/contract.js';
import { IPC_CALL_CHANNEL } from '../core/api/names.js';
import { fail, ok, type Result } from '../core/diagnostics.js';
import { setDefaultEngineHostSpawner, utilityProcessEngineHost } from './engine-host/spawn.js';
import { parseLaunchArgs, type LaunchArgs } from './host/args.js';
import { findRendererDir } from './host/browser-mode.js';
import { createHostServices, type HostServices } from './services/host-services.js';
import { consoleLog } from './services/log.js';
import type { CallContext, ServiceModule, StartupState } from './services/service-types.js';
import { answerAppRequest } from './shell/app-protocol.js';
import { APP_ENTRY_URL, APP_SCHEME, isAppUrl, senderRefusal, userArguments } from './shell/app-origin.js';
import { IPC_DROP_CHANNEL } from './shell/channels.js';
import { openDialogSettings, saveDialogSettings, withDefaultExtension } from './shell/dialog-options.js';
import { classifyFiles, ignoredFilesMessage } from './shell/dropped-files.js';
import { buildMenuTemplate, type MenuEntry } from './shell/menu-template.js';
import { forwardEventsToWindow, windowClientId } from './shell/window-events.js';
import { APP_SCHEME_PRIVILEGES, navigationAllowed, permissionAllowed, requestAllowed, secureWebPreferences } from './shell/security.js';

const APP_NAME = 'TRT Studio';
/** dist/, where this bundle, the preload and the renderer are. */
const here = dirname(fileURLToPath(import.meta.url));
const log = consoleLog();

/** Methods after which the recent-projects list (and so the menu) may have changed. */
const RECENT_CHANGERS: ReadonlySet<string> = new Set(['project.open', 'project.save', 'project.forgetRecent']);
/** The most paths one drop may carry. */
const MAX_DROPPED = 1000;

let services: HostServices | undefined;
let window: BrowserWindow | undefined;
/** Files the OS asked to open before the window existed (macOS `open-file`). */
const openedBeforeReady: string[] = [];

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.setName(APP_NAME);

const launch = parseLaunchArgs(userArguments(process.argv, process.defaultApp === true), 'electron');
if (!launch.ok) {
  process.stderr.write(`${launch.diagnostics[0]!.message}\n`);
  app.exit(2);
} else if (!app.requestSingleInstanceLock()) {
  // Another window is open: it receives our arguments through 'second-instance'.
  app.quit();
} else {
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (services) void openFiles([path], 'secondInstance');
    else openedBeforeReady.push(path);
  });
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const args = parseLaunchArgs(userArguments(argv, process.defaultApp === true), 'electron');
    if (args.ok)
      void openFiles(
        [args.value.projectPath, args.value.weightsPath].filter((p): p is string => p !== undefined).map((p) => resolve(workingDirectory, p)),
        'secondInstance',
      );
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  app.on('window-all-closed', () => app.quit());
  let shutdown: 'running' | 'stopping' | 'done' = 'running';
  app.on('will-quit', (event) => {
    // After every window has closed (and agreed to close): stop jobs, keep unsaved work for recovery.
    if (!services || shutdown === 'done') return;
    event.preventDefault();
    if (shutdown === 'stopping') return;
    shutdown = 'stopping';
    services
      .shutdown()
      .catch((e: unknown) => log.error(`Shutdown failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        shutdown = 'done';
        app.quit();
      });
  });
  // Ctrl+C in the terminal or a SIGTERM from `npm start`: quit properly, so shutdown runs.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => app.quit());
  app.whenReady().then(
    () => start(launch.value),
    (e: unknown) => fatal(e),
  );
}

function fatal(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  log.error(`TRT Studio could not start: ${message}`);
  dialog.showErrorBox('TRT Studio could not start', message);
  app.exit(1);
}

async function start(args: LaunchArgs): Promise<void> {
  try {
    secureSession();
    const rendererDir = findRendererDir(here);
    protocol.handle(APP_SCHEME, async (request) => {
      const answer = await answerAppRequest(rendererDir, request.url, request.method);
      const body = answer.file !== undefined ? (request.method === 'HEAD' ? null : await readFile(answer.file)) : (answer.body ?? null);
      return new Response(body, { status: answer.status, headers: answer.headers });
    });
    // TensorRT is loaded only in the engine host, here an Electron utility process (the CLI and browser mode fork one).
    setDefaultEngineHostSpawner(utilityProcessEngineHost(utilityProcess));
    services = await createHostServices({
      hostKind: 'electron',
      log,
      roots: args.roots,
      ...(args.configDir ? { configDir: resolve(args.configDir) } : {}),
      extraModules: [dialogModule],
    });
    // The services refuse paths outside the allowed folders; the recent projects were the user's own choices.
    for (const entry of await services.context.projects.recent()) await services.context.files.addFolderOf(entry.path);
    const report = await services.openAtStart(startupState(args));
    for (const d of report.diagnostics) log.warn(d.message);
    ipcMain.handle(IPC_CALL_CHANNEL, onCall);
    ipcMain.on(IPC_DROP_CHANNEL, onDrop);
    await refreshMenu();
    createWindow();
  } catch (e) {
    fatal(e);
  }
}

/** The command line's project and weights, plus a project or weights file the OS handed over before start. */
function startupState(args: LaunchArgs): StartupState {
  const state: StartupState = {
    ...(args.projectPath ? { projectPath: resolve(args.projectPath) } : {}),
    ...(args.weightsPath ? { weightsPath: resolve(args.weightsPath) } : {}),
  };
  for (const { path, kind } of classifyFiles(openedBeforeReady).open) {
    if (kind === 'project' && !state.projectPath) state.projectPath = path;
    else if (kind === 'weights' && !state.weightsPath) state.weightsPath = path;
    else log.warn(`Not opened at start: ${path}`);
  }
  return state;
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: APP_NAME,
    show: false,
    webPreferences: secureWebPreferences(join(here, 'electron-preload.cjs')),
  });
  window.once('ready-to-show', () => window?.show());
  const stopEvents = services ? forwardEventsToWindow(services.context.events, window.webContents, isAppUrl) : () => {};
  window.on('closed', () => {
    stopEvents();
    window = undefined;
  });
  // The page's beforeunload (unsaved changes) only stops the close; ask the user what they want.
  window.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window!, {
      type: 'question',
      buttons: ['Leave', 'Stay'],
      defaultId: 1,
      cancelId: 1,
      title: APP_NAME,
      message: 'Leave TRT Studio?',
      detail: 'The project has unsaved changes. A recovery copy is kept and offered at the next start.',
    });
    if (choice === 0) event.preventDefault();
  });
  void window.loadURL(APP_ENTRY_URL);
}

/** Every webContents: no navigation, no new windows, no webviews. */
function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    log.warn(`Refused to open a window for ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
  const refuseNavigation = (event: { preventDefault(): void }, url: string) => {
    if (navigationAllowed(url)) return;
    event.preventDefault();
    log.warn(`Refused to navigate to ${url.slice(0, 200)}`);
  };
  contents.on('will-navigate', refuseNavigation);
  contents.on('will-redirect', refuseNavigation);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Nothing leaves the app's scheme; no permission beyond writing text to the clipboard. */
function secureSession(): void {
  const s = session.defaultSession;
  s.webRequest.onBeforeRequest((details, callback) => {
    const allowed = requestAllowed(details.url);
    if (!allowed) log.warn(`Refused a request to ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });
  s.setPermissionRequestHandler((contents, permission, callback) => callback(permissionAllowed(permission, contents.getURL())));
  s.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, `${requestingOrigin}/`));
}

/** Why an IPC message is refused (not from the app's own page in its window), or undefined. */
function refusal(event: IpcMainEvent | IpcMainInvokeEvent): string | undefined {
  let frame: Electron.WebFrameMain | null;
  try {
    frame = event.senderFrame;
  } catch {
    // Reading senderFrame after the frame navigated or was destroyed can throw.
    frame = null;
  }
  return senderRefusal({
    url: frame?.url,
    isMainFrame: frame !== null && frame.parent === null,
    fromAppWindow: window !== undefined && !window.isDestroyed() && event.sender === window.webContents,
  });
}

async function onCall(event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<Result<unknown>> {
  const why = refusal(event);
  if (why) {
    log.warn(`Refused an IPC request: ${why}.`);
    return fail({ severity: 'error', code: 'host.senderRefused', message: `The request was refused: ${why}.` });
  }
  const call: CallContext = { transport: 'electron', clientId: windowClientId(event.sender) };
  const answer = await services!.dispatch(method, params, call);
  if (answer.ok && typeof method === 'string' && RECENT_CHANGERS.has(method)) void refreshMenu();
  return answer;
}

function onDrop(event: IpcMainEvent, paths: unknown): void {
  const why = refusal(event);
  if (why) return log.warn(`Refused dropped files: ${why}.`);
  if (!Array.isArray(paths) || paths.length > MAX_DROPPED || !paths.every((p) => typeof p === 'string' && p.length <= 4096 && isAbsolute(p)))
    return log.warn('Refused a drop message that is not a list of absolute paths.');
  void openFiles(paths as string[], 'drop');
}

/**
 * Sends what TRT Studio opens to the page (`host.openFiles`) and says which files it does not open.
 * Their folders become allowed first: the services refuse every other path the page names.
 */
async function openFiles(paths: readonly string[], source: 'menu' | 'drop' | 'secondInstance'): Promise<void> {
  if (!services) return;
  const { open, ignored } = classifyFiles(paths);
  for (const { path } of open) await services.context.files.addFolderOf(path);
  if (open.length > 0) services.context.events.emit('host.openFiles', { paths: open.map((f) => f.path), source });
  const message = ignoredFilesMessage(ignored);
  if (message) {
    log.warn(message);
    if (window) void dialog.showMessageBox(window, { type: 'info', title: APP_NAME, message });
  }
}

/** Native dialogs, plugged in as one more service: the chosen file's folder becomes browsable. */
const dialogModule: ServiceModule = {
  name: 'native dialogs',
  handlers: (ctx) => ({
    'dialog.open': async ({ purpose, multiple, title, folder }) => {
      const settings = openDialogSettings(purpose, multiple, title, folder);
      const chosen = window ? await dialog.showOpenDialog(window, settings) : await dialog.showOpenDialog(settings);
      if (chosen.canceled) return ok({ paths: [] });
      for (const path of chosen.filePaths) await (purpose === 'folder' ? ctx.files.addRoot(path) : ctx.files.addFolderOf(path));
      return ok({ paths: chosen.filePaths });
    },
    'dialog.save': async ({ purpose, defaultName, title, folder }) => {
      const settings = saveDialogSettings(purpose, defaultName, title, folder);
      const chosen = window ? await dialog.showSaveDialog(window, settings) : await dialog.showSaveDialog(settings);
      if (chosen.canceled || !chosen.filePath) return ok({ path: null });
      const path = withDefaultExtension(chosen.filePath, purpose);
      await ctx.files.addFolderOf(path);
      return ok({ path });
    },
  }),
};

function sendMenuCommand(command: MenuCommand): void {
  services?.context.events.emit('menu.command', { command });
}

function toElectronMenu(entries: readonly MenuEntry[]): MenuItemConstructorOptions[] {
  return entries.map((entry): MenuItemConstructorOptions => {
    switch (entry.type) {
      case 'command':
        return {
          label: entry.label,
          registerAccelerator: entry.registerAccelerator,
          ...(entry.accelerator ? { accelerator: entry.accelerator } : {}),
          click: () => sendMenuCommand(entry.command),
        };
      case 'role':
        return { role: entry.role, ...(entry.label ? { label: entry.label } : {}) };
      case 'openRecent':
        return { label: entry.label, click: () => void openFiles([entry.path], 'menu') };
      case 'note':
        return { label: entry.label, enabled: false };
      case 'separator':
        return { type: 'separator' };
      case 'submenu':
        return { label: entry.label, submenu: toElectronMenu(entry.items) };
    }
  });
}

/** Builds the menu again (the recent projects are in it). */
async function refreshMenu(): Promise<void> {
  const recent = services ? await services.dispatch('project.recent', {}, { transport: 'electron', clientId: 'menu' }) : undefined;
  const entries = recent?.ok ? (recent.value as { entries: { path: string; name: string; exists: boolean }[] }).entries : [];
  const template = buildMenuTemplate({ platform: process.platform, appName: APP_NAME, recent: entries, developerTools: !app.isPackaged });
  Menu.setApplicationMenu(Menu.buildFromTemplate(toElectronMenu(template)));
}
