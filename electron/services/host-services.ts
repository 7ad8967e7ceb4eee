/**
 * The host's service layer, built once per process and shared by whichever transport carries the
 * contract (Electron IPC or the web host's WebSocket). `dispatch` is the single entrance: it
 * validates, calls the handler from the one table, and checks what comes back.
 */
import { dirname, join, resolve } from 'node:path';
import { notAvailable } from '../../core/api/contract.js';
import { validateRequest, validateResult } from '../../core/api/host/validate.js';
import { METHOD_NAMES, type MethodName } from '../../core/api/names.js';
import { fail, ok, type Result } from '../../core/diagnostics.js';
import { removeOrphanTempFiles, type AtomicWriteHooks } from './atomic-write.js';
import { EventBus } from './events.js';
import { FileAccess } from './files.js';
import { findAppVersion, startupReports, type StartupReport } from './host-info.js';
import { JobService } from './jobs.js';
import { consoleLog, type HostLog } from './log.js';
import { ProjectService, RECOVERY_FOLDER } from './projects.js';
import { SERVICE_MODULES } from './registry.js';
import type { CallContext, Handler, HandlerTable, ServiceContext, ServiceModule, StartupState } from './service-types.js';
import { SettingsService, defaultConfigDir } from './settings.js';
import { createLaunchTempFolder, removeLaunchTempFolder, removeOrphanTempFolders } from './temp-folders.js';

export interface HostServicesOptions {
  hostKind: 'electron' | 'web';
  /** Defaults to `defaultConfigDir()` (TRT_STUDIO_CONFIG_DIR or the platform's config folder). */
  configDir?: string;
  appVersion?: string;
  log?: HostLog;
  /** Defaults to SERVICE_MODULES. */
  modules?: readonly ServiceModule[];
  /** Added after `modules`; their handlers win (the Electron shell adds its dialogs here, tests their own jobs). */
  extraModules?: readonly ServiceModule[];
  /** Extra allowed folders for file browsing (`--root`). */
  roots?: readonly string[];
  /** Test hook for the atomic project save. */
  writeHooks?: AtomicWriteHooks;
  sessionId?: string;
}

export interface HostServices {
  context: ServiceContext;
  handlers: HandlerTable;
  /** Validates a raw request, runs its handler and checks the result; never throws. */
  dispatch(method: unknown, params: unknown, call: CallContext): Promise<Result<unknown>>;
  /** Opens what the command line named: the project, then a weights import job. */
  openAtStart(state: StartupState): Promise<StartupReport>;
  shutdown(): Promise<void>;
}

function unavailableTable(): HandlerTable {
  const table: Partial<Record<MethodName, Handler<MethodName>>> = {};
  for (const method of METHOD_NAMES) table[method] = () => fail(notAvailable(method));
  return table as HandlerTable;
}

/**
 * What killed earlier launches left behind: their temp folders (uploads) and the temp files of
 * interrupted saves in the config folder and the recent projects' folders.
 */
async function removeLeftovers(projects: ProjectService, configDir: string, log: HostLog): Promise<void> {
  const folders = await removeOrphanTempFolders();
  if (folders.length > 0) log.info(`Removed ${folders.length} temp folder(s) of TRT Studio launches that ended without cleaning up: ${folders.join(', ')}`);
  const saveFolders = new Set([configDir, join(configDir, RECOVERY_FOLDER), ...(await projects.recent()).map((e) => dirname(e.path))]);
  for (const folder of saveFolders) {
    const files = await removeOrphanTempFiles(folder);
    if (files.length > 0) log.info(`Removed the temp files of interrupted saves: ${files.join(', ')}`);
  }
}

export async function createHostServices(options: HostServicesOptions): Promise<HostServices> {
  const log = options.log ?? consoleLog();
  const configDir = resolve(options.configDir ?? defaultConfigDir());
  const tempDir = await createLaunchTempFolder();
  const events = new EventBus(log);
  const settings = new SettingsService(configDir, events);
  await settings.load();
  const files = new FileAccess();
  for (const root of [...settings.get().allowedRoots, ...(options.roots ?? [])]) await files.addRoot(root);
  const shutdownTasks: (() => Promise<void> | void)[] = [];
  const jobs = new JobService(events, log);
  const projects = new ProjectService({
    configDir,
    settings,
    log,
    events,
    ...(options.writeHooks ? { writeHooks: options.writeHooks } : {}),
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
  });
  const context: ServiceContext = {
    hostKind: options.hostKind,
    appVersion: options.appVersion ?? findAppVersion(),
    configDir,
    tempDir,
    log,
    events,
    jobs,
    settings,
    files,
    projects,
    provided: { backends: [] },
    startup: {},
    onShutdown: (task) => shutdownTasks.push(task),
  };

  await removeLeftovers(projects, configDir, log);

  const handlers = unavailableTable();
  for (const module of [...(options.modules ?? SERVICE_MODULES), ...(options.extraModules ?? [])]) {
    Object.assign(handlers, await module.handlers(context));
  }

  async function dispatch(method: unknown, params: unknown, call: CallContext): Promise<Result<unknown>> {
    const request = validateRequest(method, params);
    if (!request.ok) {
      log.warn(`Refused a request from ${call.transport} client ${call.clientId}: ${request.diagnostics.map((d) => d.message).join(' ')}`);
      return request;
    }
    const { method: name, params: valid } = request.value;
    let answer: Result<unknown>;
    try {
      answer = await (handlers[name] as Handler<MethodName>)(valid, call);
    } catch (e) {
      log.error(`'${name}' failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fail({ severity: 'error', code: 'host.internal', message: `'${name}' failed unexpectedly: ${e instanceof Error ? e.message : String(e)}.` });
    }
    if (!answer.ok) return answer;
    const checked = validateResult(name, answer.value);
    if (!checked.ok) {
      log.error(checked.diagnostics.map((d) => d.message).join(' '));
      return checked;
    }
    return ok(checked.value, answer.diagnostics);
  }

  async function openAtStart(state: StartupState): Promise<StartupReport> {
    context.startup = state;
    const report: StartupReport = { project: null, weightsJob: null, diagnostics: [] };
    const call: CallContext = { transport: options.hostKind, clientId: 'command-line' };
    if (state.projectPath) {
      const path = resolve(state.projectPath);
      await files.addFolderOf(path);
      const opened = await projects.open(path);
      if (opened.ok) report.project = opened.value;
      report.diagnostics.push(...(opened.diagnostics ?? []));
    }
    if (state.weightsPath) {
      const path = resolve(state.weightsPath);
      await files.addFolderOf(path);
      const started = await dispatch('weights.import', { path }, call);
      if (started.ok) {
        const jobId = (started.value as { jobId: string }).jobId;
        report.weightsJob = jobs.list().find((j) => j.id === jobId) ?? null;
      } else report.diagnostics.push(...started.diagnostics);
    }
    startupReports.set(context, report);
    return report;
  }

  async function shutdown(): Promise<void> {
    await jobs.shutdown();
    for (const task of shutdownTasks.reverse()) {
      try {
        await task();
      } catch (e) {
        log.error(`A shutdown step failed: ${(e as Error).message}`);
      }
    }
    await projects.shutdown();
    await removeLaunchTempFolder(tempDir);
  }

  return { context, handlers, dispatch, openAtStart, shutdown };
}
