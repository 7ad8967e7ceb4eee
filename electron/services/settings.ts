/** Settings: JSON in the config folder, validated on load, written atomically on change. */
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SettingsSchema, type Settings, type SettingsPatch } from '../../core/api/project-schemas.js';
import { fail, ok, type Diagnostic } from '../../core/diagnostics.js';
import { writeFileAtomic } from './atomic-write.js';
import type { EventBus } from './events.js';

export const SETTINGS_FILE = 'settings.json';

/** The per-user config folder: TRT_STUDIO_CONFIG_DIR, else the platform's usual place. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (env.TRT_STUDIO_CONFIG_DIR) return env.TRT_STUDIO_CONFIG_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'trt-studio');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'trt-studio');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'trt-studio');
}

export class SettingsService {
  private current: Settings = SettingsSchema.parse({});
  /** Problems found while loading, reported once through host.startup. */
  readonly loadDiagnostics: Diagnostic[] = [];

  constructor(
    readonly configDir: string,
    private readonly events: EventBus,
  ) {}

  get file(): string {
    return join(this.configDir, SETTINGS_FILE);
  }

  /** Reads the file; a missing file means defaults, a bad one means defaults plus a warning (the file is left as it is). */
  async load(): Promise<Settings> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(`Cannot read ${this.file}: ${(e as Error).message}; using the default settings.`);
      return this.current;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      this.warn(`${this.file} is not valid JSON (${(e as Error).message}); using the default settings.`);
      return this.current;
    }
    const parsed = SettingsSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.warn(`${this.file} has an invalid setting${issue ? ` '${issue.path.join('.')}': ${issue.message}` : ''}; using the default settings.`);
      return this.current;
    }
    this.current = parsed.data;
    return this.current;
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    const next = SettingsSchema.parse({ ...this.current, ...patch });
    await mkdir(this.configDir, { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
    this.current = next;
    this.events.emit('settings.changed', this.get());
    return this.get();
  }

  private warn(message: string): void {
    this.loadDiagnostics.push({ severity: 'warning', code: 'settings.invalid', message });
  }
}

/** The settings methods of the contract. */
export const settingsModule: import('./service-types.js').ServiceModule = {
  name: 'settings',
  handlers: (ctx) => ({
    'settings.get': () => ok(ctx.settings.get()),
    'settings.update': async ({ patch }) => {
      try {
        return ok(await ctx.settings.update(patch));
      } catch (e) {
        return fail({ severity: 'error', code: 'settings.write', message: `Cannot save the settings to ${ctx.settings.file}: ${(e as Error).message}.` });
      }
    },
  }),
};
