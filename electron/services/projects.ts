/**
 * Projects: open and save `.trtstudio` files (saving is atomic, and refuses to overwrite a file that
 * changed since the editor read it unless told to), the recent list, and autosave of unsaved work to
 * recovery files that a later session offers back after a crash.
 *
 * Each client (Electron window, browser tab) of each running host has its own recovery file,
 * `recovery/<session>.<client>.json`, holding the host's process id, so two tabs never overwrite or
 * delete each other's work. At start, files of sessions whose process is gone are offered back; a
 * file of a host that is still running is left alone.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { OpenedProject, RecentEntry, RecoveryOffer, SavedProject } from '../../core/api/project-schemas.js';
import { NetworkDocumentSchema } from '../../core/api/schemas.js';
import { fail, ok, type Diagnostic, type Result } from '../../core/diagnostics.js';
import { MAX_PROJECT_BYTES, formatBytes } from '../../core/network/limits.js';
import { PROJECT_EXTENSION, parseProject, projectWeightsFile, serializeProject, validateDocument } from '../../core/network/project-file.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { writeFileAtomic, type AtomicWriteHooks } from './atomic-write.js';
import type { EventBus } from './events.js';
import type { HostLog } from './log.js';
import type { SettingsService } from './settings.js';
import { fileErrorReason } from './file-errors.js';

const RECENT_FILE = 'recent.json';
export const RECOVERY_FOLDER = 'recovery';
const RECOVERY_FORMAT = 'trtstudio-recovery';

const RecentFileSchema = z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.string() }));

const RecoveryFileSchema = z.object({
  format: z.literal(RECOVERY_FORMAT),
  version: z.literal(1),
  pid: z.number().int(),
  savedAt: z.string(),
  projectPath: z.string().nullable(),
  weightsPath: z.string().nullable().optional(),
  client: z.string().optional(),
  document: NetworkDocumentSchema,
});
type RecoveryFile = z.infer<typeof RecoveryFileSchema>;

/** True while a process with this id exists (EPERM: it exists but belongs to someone else). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The version of a project file: the hash of its content (a timestamp can repeat within a second, or go backwards). */
export function contentVersion(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function fileError(code: string, path: string, e: unknown, verb: string): Diagnostic {
  return { severity: 'error', code, message: `Cannot ${verb} ${path}: ${fileErrorReason(e)}.` };
}

/** A client id as a file-name part: letters, digits, `_` and `-` only (ids may hold `.` and `:`). */
function clientFilePart(client: string): string {
  return client.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || 'client';
}

export interface ProjectServiceOptions {
  configDir: string;
  settings: SettingsService;
  log: HostLog;
  /** Where `project.autosaved` goes; optional for tests of the service alone. */
  events?: EventBus;
  /** Test hook: steps of the atomic write. */
  writeHooks?: AtomicWriteHooks;
  /** Session id; random by default. */
  sessionId?: string;
}

/** What `save` needs besides the path and the document. */
export interface SaveOptions {
  /** Whose recovery file the save makes unneeded. */
  client: string;
  /** The version the editor read or last wrote; null skips the check (a new file, a save as). */
  baseVersion?: string | null;
  overwrite?: boolean;
  weightsPath?: string | null;
}

/** Unsaved work of one client, as the host knows it. */
export interface UnsavedWork {
  client: string;
  name: string;
  projectPath: string | null;
  weightsPath: string | null;
  recoveryFile: string;
}

interface PendingWork {
  document: NetworkDocument;
  projectPath: string | null;
  weightsPath: string | null;
}

/** One client's autosave state: the latest unsaved document, its throttle timer, its writes in order. */
interface AutosaveSlot {
  pending: PendingWork | undefined;
  /** The last document handed in (kept after it was written, for the shutdown notice). */
  latest: PendingWork | undefined;
  timer: NodeJS.Timeout | undefined;
  lastWrite: number;
  writing: Promise<void>;
}

export class ProjectService {
  readonly sessionId: string;
  private readonly slots = new Map<string, AutosaveSlot>();
  /** Open connections per client: a connected client takes its own work back, so it is not offered to others. */
  private readonly connected = new Map<string, number>();

  constructor(private readonly options: ProjectServiceOptions) {
    this.sessionId = options.sessionId ?? `s-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  }

  private get recoveryDir(): string {
    return join(this.options.configDir, RECOVERY_FOLDER);
  }

  /** The recovery file of one client of this session. */
  recoveryFile(client: string): string {
    return join(this.recoveryDir, `${this.sessionId}.${clientFilePart(client)}.json`);
  }

  private slot(client: string): AutosaveSlot {
    let slot = this.slots.get(client);
    if (!slot) this.slots.set(client, (slot = { pending: undefined, latest: undefined, timer: undefined, lastWrite: 0, writing: Promise.resolve() }));
    return slot;
  }

  // --- open and save -----------------------------------------------------------------------------

  async open(path: string): Promise<Result<OpenedProject>> {
    let text: string;
    try {
      const info = await stat(path);
      if (info.isDirectory())
        return fail({ severity: 'error', code: 'project.read', message: `Cannot open ${path}: it is a folder; expected a ${PROJECT_EXTENSION} file.` });
      if (info.size > MAX_PROJECT_BYTES) {
        return fail({
          severity: 'error',
          code: 'project.tooLarge',
          message: `Cannot open ${path}: it is ${info.size} bytes; a project file is at most ${MAX_PROJECT_BYTES} bytes.`,
        });
      }
      text = await readFile(path, 'utf8');
    } catch (e) {
      return fail(fileError('project.read', path, e, 'open'));
    }
    const parsed = parseProject(text, path);
    if (!parsed.ok) return parsed;
    await this.remember(path, parsed.value.name);
    const diagnostics = [...(parsed.diagnostics ?? [])];
    const weightsPath = await this.projectWeights(path, text, diagnostics);
    const opened: OpenedProject = { path, document: parsed.value, dirty: false, version: contentVersion(text), weightsPath };
    return ok(opened, diagnostics.length > 0 ? diagnostics : undefined);
  }

  /** The absolute path of the weights file a project names, or null (with a warning when it names one that is gone). */
  private async projectWeights(projectPath: string, text: string, diagnostics: Diagnostic[]): Promise<string | null> {
    const named = projectWeightsFile(text);
    if (!named) return null;
    const full = isAbsolute(named) ? named : resolve(dirname(projectPath), named);
    const exists = await stat(full).then(
      (s) => s.isFile(),
      () => false,
    );
    if (exists) return full;
    diagnostics.push({
      severity: 'warning',
      code: 'project.weightsMissing',
      message: `${basename(projectPath)} names the weights file ${named}, which is not there (${full}); import the weights again and save.`,
    });
    return null;
  }

  /**
   * Validates the document as the loader would (so a saved file always opens), checks that the file
   * did not change since the editor read it, then writes it atomically.
   */
  async save(path: string, document: NetworkDocument, options: SaveOptions): Promise<Result<SavedProject>> {
    if (extname(path).toLowerCase() !== PROJECT_EXTENSION) {
      return fail({ severity: 'error', code: 'project.extension', message: `Cannot save to ${path}: a project file name must end in ${PROJECT_EXTENSION}.` });
    }
    const check = validateDocument(document, path);
    if (!check.ok) return check;
    const weightsFile = options.weightsPath ? relative(dirname(path), options.weightsPath).split(sep).join('/') : undefined;
    const text = serializeProject(document, weightsFile);
    if (text.length > MAX_PROJECT_BYTES)
      return fail({
        severity: 'error',
        code: 'project.tooLarge',
        message: `Cannot save ${path}: the project would be ${formatBytes(text.length)}; a project file may be at most ${formatBytes(MAX_PROJECT_BYTES)}.`,
      });
    if (options.baseVersion && !options.overwrite) {
      const current = await readFile(path, 'utf8').catch(() => undefined);
      if (current !== undefined && contentVersion(current) !== options.baseVersion) {
        return fail({
          severity: 'error',
          code: 'project.conflict',
          message: `${path} changed on disk since this window opened or saved it (another tab, window or program wrote it); saving now would overwrite those changes.`,
        });
      }
    }
    try {
      await writeFileAtomic(path, text, this.options.writeHooks);
    } catch (e) {
      return fail(fileError('project.write', path, e, 'save'));
    }
    await this.remember(path, document.name);
    await this.discardAutosave(options.client);
    return ok({ path, savedAt: new Date().toISOString(), bytes: Buffer.byteLength(text), version: contentVersion(text) });
  }

  // --- recent files ------------------------------------------------------------------------------

  private get recentFile(): string {
    return join(this.options.configDir, RECENT_FILE);
  }

  private async readRecent(): Promise<z.infer<typeof RecentFileSchema>> {
    try {
      const parsed = RecentFileSchema.safeParse(JSON.parse(await readFile(this.recentFile, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  private async writeRecent(entries: z.infer<typeof RecentFileSchema>): Promise<void> {
    try {
      await mkdir(this.options.configDir, { recursive: true });
      await writeFileAtomic(this.recentFile, `${JSON.stringify(entries, null, 2)}\n`);
    } catch (e) {
      this.options.log.warn(`Cannot update the recent-projects list ${this.recentFile}: ${(e as Error).message}`);
    }
  }

  private async remember(path: string, name: string): Promise<void> {
    const limit = this.options.settings.get().recentLimit;
    const entries = (await this.readRecent()).filter((e) => e.path !== path);
    entries.unshift({ path, name, openedAt: new Date().toISOString() });
    await this.writeRecent(entries.slice(0, limit));
  }

  async recent(): Promise<RecentEntry[]> {
    const entries = await this.readRecent();
    return Promise.all(
      entries.map(async (e) => ({
        ...e,
        exists: await stat(e.path).then(
          (s) => s.isFile(),
          () => false,
        ),
      })),
    );
  }

  async forgetRecent(path: string): Promise<RecentEntry[]> {
    await this.writeRecent((await this.readRecent()).filter((e) => e.path !== path));
    return this.recent();
  }

  // --- autosave and recovery -----------------------------------------------------------------------

  /**
   * Takes a client's latest unsaved document; writes it at most once per autosave interval (the last
   * one always gets written). Returns at once; `project.autosaved` tells the client how it went.
   */
  autosave(client: string, document: NetworkDocument, projectPath: string | null, weightsPath: string | null = null): void {
    const slot = this.slot(client);
    slot.pending = slot.latest = { document, projectPath, weightsPath };
    if (slot.timer) return;
    const interval = this.options.settings.get().autosaveIntervalSeconds * 1000;
    const wait = Math.max(0, slot.lastWrite + interval - Date.now());
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      void this.flushAutosave(client);
    }, wait);
  }

  /** Writes pending documents now: one client's, or every client's (at shutdown, so a closed tab loses nothing). */
  async flushAutosave(client?: string): Promise<void> {
    if (client === undefined) {
      await Promise.all([...this.slots.keys()].map((c) => this.flushAutosave(c)));
      return;
    }
    const slot = this.slots.get(client);
    if (!slot) return;
    if (slot.timer) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    const pending = slot.pending;
    slot.pending = undefined;
    if (!pending) return slot.writing;
    slot.lastWrite = Date.now();
    const file: RecoveryFile = { format: RECOVERY_FORMAT, version: 1, pid: process.pid, savedAt: new Date().toISOString(), client, ...pending };
    const target = this.recoveryFile(client);
    slot.writing = slot.writing.then(async () => {
      try {
        await mkdir(this.recoveryDir, { recursive: true });
        await writeFileAtomic(target, JSON.stringify(file));
        this.options.events?.emit('project.autosaved', { client, ok: true, at: file.savedAt, diagnostics: [] });
      } catch (e) {
        const problem = fileError('project.autosave', target, e, 'write the recovery file');
        const diagnostic = { ...problem, message: `${problem.message.slice(0, -1)}; crash recovery is off until a save or an autosave succeeds.` };
        this.options.log.error(diagnostic.message);
        this.options.events?.emit('project.autosaved', { client, ok: false, at: new Date().toISOString(), diagnostics: [diagnostic] });
      }
    });
    return slot.writing;
  }

  /** A client's work was saved or thrown away: its recovery file is not needed. */
  async discardAutosave(client: string): Promise<void> {
    const slot = this.slots.get(client);
    if (slot) {
      if (slot.timer) clearTimeout(slot.timer);
      this.slots.delete(client);
      await slot.writing;
    }
    await unlink(this.recoveryFile(client)).catch(() => undefined);
  }

  /** The transport tells when a client connects and disconnects (a tab may hold two sockets while it reloads). */
  clientConnected(client: string, connected: boolean): void {
    const count = (this.connected.get(client) ?? 0) + (connected ? 1 : -1);
    if (count > 0) this.connected.set(client, count);
    else this.connected.delete(client);
  }

  /** Clients with unsaved work (said before the host stops). */
  unsavedWork(): UnsavedWork[] {
    return [...this.slots]
      .filter(([, slot]) => slot.latest)
      .map(([client, slot]) => {
        const { document, projectPath, weightsPath } = slot.latest!;
        return { client, name: document.name, projectPath, weightsPath, recoveryFile: this.recoveryFile(client) };
      });
  }

  private async readRecovery(id: string): Promise<Result<RecoveryFile>> {
    const path = join(this.recoveryDir, `${basename(id)}.json`);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      return fail({ severity: 'error', code: 'project.recovery.read', message: `Cannot read the recovery file ${path}: ${(e as Error).message}.` });
    }
    const parsed = RecoveryFileSchema.safeParse(raw);
    if (!parsed.success)
      return fail({
        severity: 'error',
        code: 'project.recovery.invalid',
        message: `The recovery file ${path} is damaged: ${parsed.error.issues[0]?.message ?? 'unknown problem'}.`,
      });
    return ok(parsed.data);
  }

  /** Recovery files of sessions that ended without saving, newest first. */
  async recoveryOffers(asking?: string): Promise<RecoveryOffer[]> {
    let names: string[];
    try {
      names = await readdir(this.recoveryDir);
    } catch {
      return [];
    }
    const offers: RecoveryOffer[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      if (id === this.sessionId || id.startsWith(`${this.sessionId}.`) || !/^[A-Za-z0-9_.:-]{1,128}$/.test(id)) continue;
      const file = await this.readRecovery(id);
      if (!file.ok) {
        this.options.log.warn(file.diagnostics[0]!.message);
        continue;
      }
      if (processAlive(file.value.pid)) continue;
      const { document, projectPath, savedAt, client } = file.value;
      // Its tab is back (after a host restart) and takes this work itself.
      if (client && client !== asking && this.connected.has(client)) continue;
      offers.push({ id, name: document.name, projectPath, savedAt, nodeCount: document.nodes.length, ...(client ? { client } : {}) });
    }
    return offers.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  /** Opens a recovery file's document; it becomes the calling client's unsaved work and the old file goes. */
  async restore(id: string, client: string): Promise<Result<OpenedProject>> {
    const file = await this.readRecovery(id);
    if (!file.ok) return file;
    const checked = validateDocument(file.value.document, `recovery file ${id}`);
    if (!checked.ok) return checked;
    const weightsPath = file.value.weightsPath ?? null;
    this.slot(client).pending = this.slot(client).latest = { document: checked.value, projectPath: file.value.projectPath, weightsPath };
    await this.flushAutosave(client);
    if (join(this.recoveryDir, `${basename(id)}.json`) !== this.recoveryFile(client)) await this.discardRecovery(id);
    return ok({ path: file.value.projectPath, document: checked.value, dirty: true, weightsPath }, checked.diagnostics);
  }

  /**
   * A client's own unsaved work: what it autosaved in this session (a page reload), else, for a
   * browser tab (whose name outlives a host), the newest file it left with a host that is gone.
   */
  async resume(client: string, transport: 'electron' | 'web'): Promise<Result<{ project: OpenedProject | null }>> {
    const latest = this.slots.get(client)?.latest;
    if (latest) return ok({ project: { path: latest.projectPath, document: latest.document, dirty: true, weightsPath: latest.weightsPath } });
    // Electron's window ids repeat from one launch to the next; only a tab's name identifies its work.
    if (transport !== 'web') return ok({ project: null });
    const mine = (await this.recoveryOffers(client)).find((offer) => offer.client === client);
    if (!mine) return ok({ project: null });
    const restored = await this.restore(mine.id, client);
    return restored.ok ? ok({ project: restored.value }, restored.diagnostics) : restored;
  }

  async discardRecovery(id: string): Promise<void> {
    await unlink(join(this.recoveryDir, `${basename(id)}.json`)).catch(() => undefined);
  }

  /** Clean shutdown: pending work is written so that the next session offers it back. */
  async shutdown(): Promise<void> {
    await this.flushAutosave();
  }
}
