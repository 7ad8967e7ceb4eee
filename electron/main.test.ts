/**
 * The Electron shell's main process, run under a stand-in for the 'electron' module (the binary is
 * not installed here): what the window is given, what its page may load, who may call the host,
 * the dialogs, drops, the menu and the shutdown — everything main.ts decides, with the real services.
 */
import { fork } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serializeProject } from '../core/network/project-file.js';
import { emptyDocument } from '../core/network/types.js';
import { expandCase, HOSTILE_DIR, hostileCases, internalErrorIn } from './hostile-corpus.testing.js';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const appListeners = new Map<string, Listener[]>();
  const state = {
    privileged: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    ipcHandlers: new Map<string, Listener>(),
    ipcListeners: new Map<string, Listener>(),
    beforeRequest: undefined as undefined | ((details: { url: string }, callback: (r: { cancel: boolean }) => void) => void),
    permissionRequest: undefined as undefined | Listener,
    menu: undefined as undefined | { template: MenuItem[] },
    windows: [] as FakeWindow[],
    messageBoxes: [] as unknown[],
    openDialogs: [] as unknown[],
    saveDialogs: [] as unknown[],
    quits: 0,
    exits: [] as number[],
    nextOpenPaths: [] as string[],
    nextSavePath: '',
    /** Where the stand-in utilityProcess.fork goes (set below, once node:child_process is imported); the paths it started. */
    utilityFork: undefined as undefined | ((modulePath: string, args?: string[], options?: { env?: NodeJS.ProcessEnv; execArgv?: string[] }) => unknown),
    utilityForks: [] as string[],
  };
  interface MenuItem {
    label?: string;
    role?: string;
    accelerator?: string;
    registerAccelerator?: boolean;
    click?: () => void;
    submenu?: MenuItem[];
  }
  let contentsId = 0;
  class FakeContents {
    readonly id = ++contentsId;
    url = '';
    sent: unknown[][] = [];
    listeners = new Map<string, Listener[]>();
    openHandler: undefined | ((details: { url: string }) => { action: string });
    send(...args: unknown[]) {
      this.sent.push(args);
    }
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    emit(event: string, ...args: unknown[]) {
      for (const l of this.listeners.get(event) ?? []) l(...args);
    }
    getURL() {
      return this.url;
    }
    isDestroyed() {
      return false;
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.openHandler = handler;
    }
  }
  class FakeWindow {
    readonly webContents = new FakeContents();
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      state.windows.push(this);
      for (const l of appListeners.get('web-contents-created') ?? []) l({}, this.webContents);
    }
    loadURL(url: string) {
      this.webContents.url = url;
      return Promise.resolve();
    }
    once() {}
    on() {}
    show() {}
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
  }
  const electron = {
    app: {
      isPackaged: false,
      on(event: string, listener: Listener) {
        appListeners.set(event, [...(appListeners.get(event) ?? []), listener]);
      },
      whenReady: () => Promise.resolve(),
      requestSingleInstanceLock: () => true,
      setName() {},
      quit() {
        state.quits++;
      },
      exit(code: number) {
        state.exits.push(code);
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => state.privileged.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => state.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        webRequest: { onBeforeRequest: (l: typeof state.beforeRequest) => (state.beforeRequest = l) },
        setPermissionRequestHandler: (l: Listener) => (state.permissionRequest = l),
        setPermissionCheckHandler: () => {},
      },
    },
    ipcMain: {
      handle: (channel: string, l: Listener) => state.ipcHandlers.set(channel, l),
      on: (channel: string, l: Listener) => state.ipcListeners.set(channel, l),
    },
    BrowserWindow: FakeWindow,
    utilityProcess: {
      fork: (modulePath: string, args?: string[], options?: { env?: NodeJS.ProcessEnv; execArgv?: string[] }) => {
        state.utilityForks.push(modulePath);
        return state.utilityFork!(modulePath, args, options);
      },
    },
    Menu: {
      buildFromTemplate: (template: MenuItem[]) => ({ template }),
      setApplicationMenu: (menu: { template: MenuItem[] }) => (state.menu = menu),
    },
    dialog: {
      showOpenDialog: async (...args: unknown[]) => {
        state.openDialogs.push(args.at(-1));
        return { canceled: state.nextOpenPaths.length === 0, filePaths: state.nextOpenPaths };
      },
      showSaveDialog: async (...args: unknown[]) => {
        state.saveDialogs.push(args.at(-1));
        return { canceled: state.nextSavePath === '', filePath: state.nextSavePath };
      },
      showMessageBox: async (...args: unknown[]) => {
        state.messageBoxes.push(args.at(-1));
        return { response: 0 };
      },
      showMessageBoxSync: () => 0,
      showErrorBox: (title: string, message: string) => state.messageBoxes.push({ title, message }),
    },
  };
  const emitApp = (event: string, ...args: unknown[]) => (appListeners.get(event) ?? []).map((l) => l(...args));
  return { state, electron, emitApp, FakeContents };
});

vi.mock('electron', () => fake.electron);

const { state } = fake;
let dir: string;
let page: InstanceType<typeof fake.FakeContents>;
const signalsBefore = new Map<string, Listener[]>();

/** An IPC event as Electron builds it: the sending webContents and frame. */
function ipcEvent(sender: { id: number }, url: string | undefined, isMainFrame = true) {
  return { sender, senderFrame: url === undefined ? null : { url, parent: isMainFrame ? null : {} } };
}

async function call(method: string, params: unknown, event = ipcEvent(page, 'app://trt-studio/index.html')) {
  return (await state.ipcHandlers.get('trt-studio:call')!(event, method, params)) as {
    ok: boolean;
    value?: Record<string, unknown>;
    diagnostics?: { code: string; message: string }[];
  };
}

async function until(condition: () => boolean): Promise<void> {
  // Up to 30 s: the services start a worker and probe the engine host, slow on a loaded machine.
  for (let i = 0; i < 1200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!condition()) throw new Error('timed out');
}

// A utility process stands in as a forked Node process with the same message and exit surface.
state.utilityFork = (modulePath, args, options) => {
  const child = fork(modulePath, args ?? [], {
    execArgv: options?.execArgv ?? [],
    env: options?.env,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    get pid() {
      return child.pid;
    },
    postMessage: (message: unknown) => child.connected && child.send(message as object),
    on: (event: 'message', listener: Listener) => child.on(event, listener),
    once: (event: 'exit', listener: (code: number) => void) => child.once(event, (code) => listener(code ?? 1)),
    kill: () => child.kill(),
  };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-electron-main-'));
  await mkdir(join(dir, 'models'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) signalsBefore.set(signal, process.listeners(signal as NodeJS.Signals) as Listener[]);
  const argv = process.argv;
  process.argv = ['/opt/TRT Studio/trt-studio', '--config-dir', join(dir, 'config'), '--root', HOSTILE_DIR, '--no-sandbox'];
  try {
    await import('./main.js');
  } finally {
    process.argv = argv;
  }
  // main.ts quits on these signals; the test runner must keep its own handling.
  for (const [signal, before] of signalsBefore)
    for (const l of process.listeners(signal as NodeJS.Signals)) if (!before.includes(l as Listener)) process.off(signal, l);
  await until(() => state.windows.length === 1 && state.menu !== undefined);
  page = state.windows[0]!.webContents;
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the Electron main process', () => {
  it('opens one sandboxed, isolated window without Node on the app scheme', () => {
    expect(state.exits).toEqual([]);
    expect(state.windows).toHaveLength(1);
    const prefs = state.windows[0]!.options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String(prefs.preload)).toMatch(/electron-preload\.cjs$/);
    expect(page.url).toBe('app://trt-studio/index.html');
    expect(state.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true } },
    ]);
  });

  it('blocks navigation, new windows and requests outside the app', () => {
    let prevented = 0;
    page.emit('will-navigate', { preventDefault: () => prevented++ }, 'https://evil.example/');
    page.emit('will-redirect', { preventDefault: () => prevented++ }, 'file:///etc/passwd');
    expect(prevented).toBe(2);
    expect(page.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const answers: boolean[] = [];
    for (const url of ['https://cdn.example/x.js', 'file:///etc/passwd', 'app://trt-studio/assets/a.js'])
      state.beforeRequest!({ url }, (r) => answers.push(r.cancel));
    expect(answers).toEqual([true, true, false]);
    const granted: boolean[] = [];
    state.permissionRequest!(page, 'media', (g: boolean) => granted.push(g));
    expect(granted).toEqual([false]);
  });

  it('serves the page with the CSP and refuses paths out of the renderer folder', async () => {
    const handler = state.protocolHandlers.get('app')!;
    const index = await handler(new Request('app://trt-studio/index.html'));
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect([200, 503]).toContain(index.status);
    // The URL parser already folds dot segments (…/%2e%2e/ too); an encoded slash survives it and is refused.
    const folded = await handler(new Request('app://trt-studio/%2e%2e/%2e%2e/package.json'));
    expect(folded.status).toBe(404);
    const climb = await handler(new Request('app://trt-studio/assets/..%2f..%2f..%2fpackage.json'));
    expect(climb.status).toBe(403);
    expect(await climb.text()).toBe('The path "/assets/..%2f..%2f..%2fpackage.json" climbs out of the app folder.\n');
  });

  it('answers the app page’s calls through the services, as the Electron host', async () => {
    const caps = await call('host.capabilities', {});
    expect(caps.ok).toBe(true);
    expect(caps.value).toMatchObject({ host: 'electron', nativeDialogs: true, uploadMaxBytes: null });
    // The TensorRT backend's probe started the engine host, as a utility process (never a fork).
    expect(state.utilityForks.length).toBeGreaterThan(0);
    expect(state.utilityForks.every((path) => /engine-host\.mjs$|host-main\.ts$/.test(path))).toBe(true);
    const unknown = await call('fs.rm', {});
    expect(unknown.diagnostics?.[0]?.code).toBe('api.method.unknown');
  });

  it('refuses an IPC request over its method’s size limit, naming the method and the limit', async () => {
    // 32 MiB of one-element lists, as an object: IPC carries objects, so the walk estimates the size.
    const nodes = Array.from({ length: 200_000 }, () => ['x'.repeat(160)]);
    const answer = await call('project.save', { path: join(dir, 'big.trtstudio'), document: { name: 'big', nodes } });
    expect(answer).toEqual({
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'api.message.tooLarge',
          message:
            "The request 'project.save' was refused: it may be at most 8 MiB and this one is larger than that. Large data goes by file: import or upload it, then pass its path.",
        },
      ],
    });
  });

  it('refuses calls from an iframe, a foreign page, a gone frame or another webContents', async () => {
    const cases = [
      [ipcEvent(page, 'app://trt-studio/index.html', false), 'the message came from an embedded frame ("app://trt-studio/index.html")'],
      [ipcEvent(page, 'https://evil.example/'), `the sending page "https://evil.example/" is not the app's own page (app://trt-studio/)`],
      [ipcEvent(page, undefined), 'the sending frame no longer exists'],
      [ipcEvent(new fake.FakeContents(), 'app://trt-studio/index.html'), 'the message did not come from the TRT Studio window'],
    ] as const;
    for (const [event, why] of cases) {
      expect(await call('host.capabilities', {}, event)).toEqual({
        ok: false,
        diagnostics: [{ severity: 'error', code: 'host.senderRefused', message: `The request was refused: ${why}.` }],
      });
    }
  });

  it('shows native dialogs: the chosen file’s folder becomes browsable, a project name gets its extension', async () => {
    const weights = join(dir, 'models', 'lenet5.wts');
    await writeFile(weights, '0\n');
    state.nextOpenPaths = [weights];
    expect(await call('dialog.open', { purpose: 'weights' })).toEqual({ ok: true, value: { paths: [weights] } });
    expect(state.openDialogs.at(-1)).toMatchObject({ title: 'Import weights', properties: ['openFile'] });
    const roots = await call('files.roots', {});
    expect((roots.value as { roots: { path: string }[] }).roots.map((r) => r.path)).toContain(join(dir, 'models'));
    state.nextOpenPaths = [];
    expect(await call('dialog.open', { purpose: 'project' })).toEqual({ ok: true, value: { paths: [] } });
    state.nextSavePath = join(dir, 'models', 'lenet5');
    expect(await call('dialog.save', { purpose: 'project', defaultName: 'lenet5.trtstudio' })).toEqual({
      ok: true,
      value: { path: join(dir, 'models', 'lenet5.trtstudio') },
    });
  });

  it('opens dropped files it knows (projects first) and says which it does not', async () => {
    page.sent.length = 0;
    state.ipcListeners.get('trt-studio:drop')!(ipcEvent(page, 'app://trt-studio/index.html'), ['/m/lenet5.wts', '/m/notes.txt', '/m/lenet5.trtstudio']);
    await until(() => page.sent.length > 0);
    expect(page.sent).toEqual([['trt-studio:event', 'host.openFiles', { paths: ['/m/lenet5.trtstudio', '/m/lenet5.wts'], source: 'drop' }]]);
    await until(() => state.messageBoxes.length > 0);
    expect(state.messageBoxes.at(-1)).toMatchObject({
      type: 'info',
      message: expect.stringMatching(/^TRT Studio cannot open "notes.txt"; it opens \.trtstudio, \.wts/),
    });
    page.sent.length = 0;
    state.ipcListeners.get('trt-studio:drop')!(ipcEvent(page, 'https://evil.example/'), ['/m/a.wts']);
    state.ipcListeners.get('trt-studio:drop')!(ipcEvent(page, 'app://trt-studio/index.html'), 'not a list');
    state.ipcListeners.get('trt-studio:drop')!(ipcEvent(page, 'app://trt-studio/index.html'), ['relative/a.wts']);
    await new Promise((r) => setTimeout(r, 50));
    expect(page.sent).toEqual([]);
  });

  it('hands the services only paths the user chose: outside the folders of dialogs, drops and recent projects a request is refused', async () => {
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    const project = join(elsewhere, 'net.trtstudio');
    await writeFile(project, serializeProject(emptyDocument()));
    const refusals = [
      await call('project.open', { path: project }),
      await call('project.open', { path: join(elsewhere, 'missing.trtstudio') }),
      await call('files.write', { path: join(elsewhere, 'graph.svg'), data: '<svg/>', encoding: 'utf8' }),
      await call('weights.import', { path: '/etc/passwd' }),
    ];
    expect(refusals.map((r) => [r.ok, r.diagnostics?.[0]?.code])).toEqual([
      [false, 'files.outsideRoots'],
      [false, 'files.outsideRoots'],
      [false, 'files.outsideRoots'],
      [false, 'files.outsideRoots'],
    ]);
    expect(refusals[0]!.diagnostics![0]!.message).toMatch(/^The path ".*net\.trtstudio" is outside the folders TRT Studio may access;/);
    // Dropped onto the window, its folder becomes allowed.
    page.sent.length = 0;
    state.ipcListeners.get('trt-studio:drop')!(ipcEvent(page, 'app://trt-studio/index.html'), [project]);
    await until(() => page.sent.length > 0);
    expect(await call('project.open', { path: project })).toMatchObject({ ok: true });
  });

  it('has the File, Edit, View, Network and Help menu; its items send menu commands', () => {
    const template = state.menu!.template;
    const labels = template.map((m) => m.label ?? m.role);
    expect(labels).toEqual(
      process.platform === 'darwin' ? ['TRT Studio', 'File', 'Edit', 'View', 'Network', 'windowMenu', 'Help'] : ['File', 'Edit', 'View', 'Network', 'Help'],
    );
    const file = template.find((m) => m.label === 'File')!.submenu!;
    const save = file.find((m) => m.label === 'Save')!;
    expect(save).toMatchObject({ accelerator: 'CmdOrCtrl+S', registerAccelerator: false });
    const build = template.find((m) => m.label === 'Network')!.submenu!.find((m) => m.label === 'Build Engine…')!;
    page.sent.length = 0;
    save.click!();
    build.click!();
    expect(page.sent).toEqual([
      ['trt-studio:event', 'menu.command', { command: 'file.save' }],
      ['trt-studio:event', 'menu.command', { command: 'network.build' }],
    ]);
    expect(
      template
        .find((m) => m.label === 'Edit')!
        .submenu!.filter((m) => m.role)
        .map((m) => m.role),
    ).toEqual(['cut', 'copy', 'paste']);
  });

  it('lists a saved project under Open Recent', async () => {
    const path = join(dir, 'models', 'tiny.trtstudio');
    const document = {
      name: 'Tiny',
      inputs: [],
      nodes: [],
      edges: [],
      outputs: [],
      bindings: {},
      ui: { positions: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } },
    };
    expect((await call('project.save', { path, document })).ok).toBe(true);
    const recentItems = () => state.menu!.template.find((m) => m.label === 'File')!.submenu!.find((m) => m.label === 'Open Recent')!.submenu!;
    await until(() => recentItems().some((m) => m.label?.endsWith(path) ?? false));
    page.sent.length = 0;
    recentItems()[0]!.click!();
    await until(() => page.sent.length > 0);
    expect(page.sent).toEqual([['trt-studio:event', 'host.openFiles', { paths: [path], source: 'menu' }]]);
  });

  for (const raw of hostileCases('electron'))
    it(`refuses hostile input through IPC ${raw.method}: ${raw.id}`, async () => {
      const roots = ((await call('files.roots', {})).value as { roots: { path: string }[] }).roots.map((r) => r.path).join(', ');
      const c = expandCase(raw, { roots });
      const answer = await call(c.method, c.params);
      let diagnostics = answer.diagnostics;
      const jobId = answer.ok ? (answer.value as { jobId?: string }).jobId : undefined;
      if (jobId !== undefined) {
        const finished = () =>
          page.sent.find(([, event, payload]) => event === 'job.finished' && (payload as { jobId: string }).jobId === jobId)?.[2] as
            { diagnostics: { code: string; message: string }[] } | undefined;
        await until(() => finished() !== undefined);
        diagnostics = finished()!.diagnostics;
      }
      expect(internalErrorIn(JSON.stringify(diagnostics ?? []))).toBeUndefined();
      expect({ code: diagnostics?.[0]?.code, message: diagnostics?.[0]?.message }).toEqual(c.expect);
    });

  it('shuts the services down before it quits', async () => {
    let prevented = 0;
    const quitsBefore = state.quits;
    fake.emitApp('will-quit', { preventDefault: () => prevented++ });
    expect(prevented).toBe(1);
    await until(() => state.quits > quitsBefore);
    // The second will-quit, after shutdown, lets the app end.
    fake.emitApp('will-quit', { preventDefault: () => prevented++ });
    expect(prevented).toBe(1);
  });
});
