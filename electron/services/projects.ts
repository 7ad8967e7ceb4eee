/**
 * Projects: open and save `.trtstudio` files (saving is atomic), the recent list, and autosave of
 * unsaved work to a recovery file that a later session offers back after a crash.
 *
 * Each running host is one session with its own recovery file, `recovery/<session>.json`, holding
 * its process id. At start, files of sessions whose process is gone are offered back; a file of a
 * host that is still running is left alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import type { OpenedProject, RecentEntry, RecoveryOffer, SavedProject } from '../../core/api/project-schemas.js';
import { NetworkDocumentSchema } from '../../core/api/schemas.js';
import { fail, ok, type Diagnostic, type Result } from '../../core/diagnostics.js';
import { MAX_PROJECT_BYTES, formatBytes } from '../../core/network/limits.js';
import { PROJECT_EXTENSION, parseProject, serializeProject, validateDocument } from '../../core/network/project-file.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { writeFileAtomic, type AtomicWriteHooks } from './atomic-write.js';
import type { HostLog } from './log.js';
import type { SettingsService } from './settings.js';

export const RECENT_FILE = 'recent.json';
export const RECOVERY_FOLDER = 'recovery';
const RECOVERY_FORMAT = 'trtstudio-recovery';

const RecentFileSchema = z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.string() }));

const RecoveryFileSchema = z.object({
  format: z.literal(RECOVERY_FORMAT),
  version: z.literal(1),
  pid: z.number().int(),
  savedAt: z.string(),
  projectPath: z.string().nullable(),
  document: NetworkDocumentSchema,
});
type RecoveryFile = z.infer<typeof RecoveryFileSchema>;

/** True while a process with this id exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fileError(code: string, path: string, e: unknown, verb: string): Diagnostic {
  const errno = (e as NodeJS.ErrnoException).code;
  const reason =
    errno === 'ENOENT' ? 'the file does not exist' : errno === 'EACCES' ? 'permission denied' : errno === 'EISDIR' ? 'it is a folder' : (e as Error).message;
  return { severity: 'error', code, message: `Cannot ${verb} ${path}: ${reason}.` };
}

export interface ProjectServiceOptions {
  configDir: string;
  settings: SettingsService;
  log: HostLog;
  /** Test hook: steps of the atomic write. */
  writeHooks?: AtomicWriteHooks;
  /** Session id; random by default. */
  sessionId?: string;
}

export class ProjectService {
  readonly sessionId: string;
  private pending: { document: NetworkDocument; projectPath: string | null } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastWrite = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: ProjectServiceOptions) {
    this.sessionId = options.sessionId ?? `s-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  }

  private get recoveryDir(): string {
    return join(this.options.configDir, RECOVERY_FOLDER);
  }

  /** This session's recovery file. */
  get recoveryFile(): string {
    return join(this.recoveryDir, `${this.sessionId}.json`);
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
    return ok({ path, document: parsed.value, dirty: false }, parsed.diagnostics);
  }

  /** Validates the document as the loader would (so a saved file always opens), then writes it atomically. */
  async save(path: string, document: NetworkDocument): Promise<Result<SavedProject>> {
    if (extname(path).toLowerCase() !== PROJECT_EXTENSION) {
      return fail({ severity: 'error', code: 'project.extension', message: `Cannot save to ${path}: a project file name must end in ${PROJECT_EXTENSION}.` });
    }
    const check = validateDocument(document, path);
    if (!check.ok) return check;
    const text = serializeProject(document);
    if (text.length > MAX_PROJECT_BYTES)
      return fail({
        severity: 'error',
        code: 'project.tooLarge',
        message: `Cannot save ${path}: the project would be ${formatBytes(text.length)}; a project file may be at most ${formatBytes(MAX_PROJECT_BYTES)}.`,
      });
    try {
      await writeFileAtomic(path, text, this.options.writeHooks);
    } catch (e) {
      return fail(fileError('project.write', path, e, 'save'));
    }
    await this.remember(path, document.name);
    await this.discardAutosave();
    return ok({ path, savedAt: new Date().toISOString(), bytes: Buffer.byteLength(text) });
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
   * Takes the latest unsaved document; writes it at most once per autosave interval (the last one
   * always gets written). Returns at once.
   */
  autosave(document: NetworkDocument, projectPath: string | null): void {
    this.pending = { document, projectPath };
    if (this.timer) return;
    const interval = this.options.settings.get().autosaveIntervalSeconds * 1000;
    const wait = Math.max(0, this.lastWrite + interval - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushAutosave();
    }, wait);
  }

  /** Writes the pending document now (also at shutdown, so a closed browser tab loses nothing). */
  async flushAutosave(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return this.writing;
    this.lastWrite = Date.now();
    const file: RecoveryFile = { format: RECOVERY_FORMAT, version: 1, pid: process.pid, savedAt: new Date().toISOString(), ...pending };
    this.writing = this.writing.then(async () => {
      try {
        await mkdir(this.recoveryDir, { recursive: true });
        await writeFileAtomic(this.recoveryFile, JSON.stringify(file));
      } catch (e) {
        this.options.log.error(`Cannot write the recovery file ${this.recoveryFile}: ${(e as Error).message}`);
      }
    });
    return this.writing;
  }

  /** The work was saved or thrown away: no recovery file is needed. */
  async discardAutosave(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    await this.writing;
    await unlink(this.recoveryFile).catch(() => undefined);
  }

  private async readRecovery(id: string): Promise<Result<RecoveryFile>> {
    const path = join(this.recoveryDir, `${id}.json`);
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
  async recoveryOffers(): Promise<RecoveryOffer[]> {
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
      if (id === this.sessionId || !/^[A-Za-z0-9_.:-]{1,128}$/.test(id)) continue;
      const file = await this.readRecovery(id);
      if (!file.ok) {
        this.options.log.warn(file.diagnostics[0]!.message);
        continue;
      }
      if (processAlive(file.value.pid)) continue;
      const { document, projectPath, savedAt } = file.value;
      offers.push({ id, name: document.name, projectPath, savedAt, nodeCount: document.nodes.length });
    }
    return offers.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  /** Opens a recovery file's document; it becomes this session's unsaved work and the old file goes. */
  async restore(id: string): Promise<Result<OpenedProject>> {
    const file = await this.readRecovery(id);
    if (!file.ok) return file;
    const checked = validateDocument(file.value.document, `recovery file ${id}`);
    if (!checked.ok) return checked;
    this.pending = { document: checked.value, projectPath: file.value.projectPath };
    await this.flushAutosave();
    await this.discardRecovery(id);
    return ok({ path: file.value.projectPath, document: checked.value, dirty: true }, checked.diagnostics);
  }

  async discardRecovery(id: string): Promise<void> {
    if (id === this.sessionId) return this.discardAutosave();
    await unlink(join(this.recoveryDir, `${basename(id)}.json`)).catch(() => undefined);
  }

  /** Clean shutdown: pending work is written so that the next session offers it back. */
  async shutdown(): Promise<void> {
    await this.flushAutosave();
  }
}

/** The project methods of the contract. In browser mode, every path must lie inside an allowed root. */
export const projectsModule: import('./service-types.js').ServiceModule = {
  name: 'projects',
  handlers: (ctx) => ({
    'project.open': async ({ path }) => {
      const checked = await ctx.files.check(path, 'read');
      if (!checked.ok) return checked;
      const opened = await ctx.projects.open(checked.value);
      if (opened.ok) await ctx.files.addFolderOf(checked.value);
      return opened;
    },
    'project.save': async ({ path, document }) => {
      const checked = await ctx.files.check(path, 'write');
      if (!checked.ok) return checked;
      return ctx.projects.save(checked.value, document);
    },
    'project.recent': async () => ok({ entries: await ctx.projects.recent() }),
    'project.forgetRecent': async ({ path }) => ok({ entries: await ctx.projects.forgetRecent(path) }),
    'project.autosave': ({ document, projectPath }) => {
      ctx.projects.autosave(document, projectPath);
      return ok({ scheduled: true });
    },
    'project.discardAutosave': async () => {
      await ctx.projects.discardAutosave();
      return ok({});
    },
    'project.recovery': async () => ok({ offers: await ctx.projects.recoveryOffers() }),
    'project.restore': ({ id }) => ctx.projects.restore(id),
    'project.discardRecovery': async ({ id }) => {
      await ctx.projects.discardRecovery(id);
      return ok({});
    },
  }),
};
