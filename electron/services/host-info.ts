/** `host.capabilities` and `host.startup`: which host this is, which backends it found, what opened at start. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobInfo } from '../../core/api/job-schemas.js';
import type { OpenedProject } from '../../core/api/project-schemas.js';
import { BackendIdSchema, type BackendId, type BackendInfo, type Capabilities } from '../../core/api/schemas.js';
import { ok, type Diagnostic } from '../../core/diagnostics.js';
import type { ServiceContext, ServiceModule } from './service-types.js';

const BACKEND_NAMES: Record<BackendId, string> = { tensorrt: 'TensorRT', onnxruntime: 'ONNX Runtime' };

/** What the command line opened, as `host.startup` reports it. */
export interface StartupReport {
  project: OpenedProject | null;
  weightsJob: JobInfo | null;
  diagnostics: Diagnostic[];
}

/** Filled by `openAtStart`; one per host. */
export const startupReports = new WeakMap<ServiceContext, StartupReport>();

/** Every backend the contract knows, probed where a backend module plugged in a probe. */
export async function describeBackends(ctx: ServiceContext): Promise<BackendInfo[]> {
  const found = new Map<BackendId, BackendInfo>();
  for (const probe of ctx.provided.backends) {
    try {
      const info = await probe();
      found.set(info.id, info);
    } catch (e) {
      ctx.log.error(`A backend probe failed: ${(e as Error).message}`);
    }
  }
  return BackendIdSchema.options.map(
    (id) =>
      found.get(id) ?? {
        id,
        available: false,
        reason: `The ${BACKEND_NAMES[id]} backend is not part of this build yet.`,
        features: { build: false, run: false, profile: false, export: false },
      },
  );
}

export async function describeCapabilities(ctx: ServiceContext): Promise<Capabilities> {
  return {
    host: ctx.hostKind,
    appVersion: ctx.appVersion,
    platform: `${process.platform}-${process.arch}`,
    nativeDialogs: ctx.hostKind === 'electron',
    uploadMaxBytes: ctx.hostKind === 'web' ? ctx.settings.get().uploadLimitMiB * 1024 * 1024 : null,
    backends: await describeBackends(ctx),
  };
}

/** The app's version from the nearest package.json named trt-studio (works from source and from dist/). */
export function findAppVersion(from = dirname(fileURLToPath(import.meta.url))): string {
  let folder = from;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'trt-studio' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not here; look one folder up.
    }
    folder = dirname(folder);
  }
  return '0.0.0';
}

export const hostModule: ServiceModule = {
  name: 'host',
  handlers: (ctx) => ({
    'host.capabilities': async () => ok(await describeCapabilities(ctx)),
    'host.startup': async () => {
      const report = startupReports.get(ctx) ?? { project: null, weightsJob: null, diagnostics: [] };
      const weightsJob = report.weightsJob ? (ctx.jobs.list().find((j) => j.id === report.weightsJob!.id) ?? null) : null;
      const recoveryOffers = (await ctx.projects.recoveryOffers()).length;
      return ok({ project: report.project, weightsJob, recoveryOffers, diagnostics: [...ctx.settings.loadDiagnostics, ...report.diagnostics] });
    },
  }),
};
