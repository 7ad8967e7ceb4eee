/**
 * `trt-studio farm …`: the build farm from the command line, over the same store and Slurm driver as
 * the app's Farm tab. Submissions live next to the project (`<project folder>/farm/<submission>/`);
 * the config folder's index lets status, cancel and results find them from anywhere.
 *
 *   farm submit PROJECT [--weights W] --targets targets.json [--input FILE ...] [--iterations N] [--json]
 *   farm status [SUBMISSION] [--json]     farm cancel JOB     farm results [SUBMISSION] [--json]
 *   farm summarize JOBDIR --job ID        (run by the job script on the node: writes summary.json)
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FarmTargetsFileSchema, type FarmJob, type FarmResult } from '../../core/api/farm-schemas.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { JOB_FILES } from '../../core/farm/job-script.js';
import { FarmJobFileSchema, makeSummary } from '../../core/farm/summary.js';
import { SlurmDriver } from '../farm/slurm.js';
import { FarmStore } from '../farm/store.js';
import { defaultConfigDir } from '../services/settings.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand, type CliIo } from './command.js';
import { formatDiagnostic } from './project-io.js';

const USAGE = [
  'farm submit PROJECT.trtstudio [--weights FILE.wts] --targets targets.json [--input FILE ...] [--iterations N] [--json]',
  '       trt-studio farm status [SUBMISSION] [--json]',
  '       trt-studio farm cancel JOB',
  '       trt-studio farm results [SUBMISSION] [--json]',
  '       trt-studio farm summarize JOBDIR --job ID',
  '',
  'submit: one Slurm job per target × precision × batch profile; each builds (TensorRT targets), profiles',
  '        (and runs --input images or .npy files) in its folder <project folder>/farm/<submission>/<job>/,',
  '        which must be on a filesystem the nodes share. Exits 1 when Slurm or the farm refused a cell.',
  'status: each job’s state (pending, running, done, failed, cancelled) with Slurm’s reason.',
  'results: latency (mean, median, p90) and engine size per finished job.',
  'Needs Slurm’s commands (sbatch, squeue, scontrol, scancel) on PATH and SLURM_CONF where the cluster needs it.',
].join('\n');

function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.err(formatDiagnostic(d));
}

/** Rows as aligned columns. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

const jobRows = (jobs: readonly FarmJob[]) =>
  table(
    ['job', 'submission', 'target', 'precision', 'profile', 'state', 'reason'],
    jobs.map((j) => [j.id, j.submission, j.target, j.precision, j.profile, j.state, j.reason ?? '']),
  );

function bytes(n: number | undefined): string {
  if (n === undefined) return '-';
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

const resultRows = (results: readonly FarmResult[]) =>
  table(
    ['job', 'target', 'precision', 'profile', 'backend', 'mean ms', 'median ms', 'p90 ms', 'engine'],
    results.map((r) => [
      r.job,
      r.target,
      r.precision,
      r.profile,
      r.backend,
      r.latencyMs.mean.toFixed(4),
      r.latencyMs.median.toFixed(4),
      r.latencyMs.p90.toFixed(4),
      bytes(r.engineBytes),
    ]),
  );

/** The farm command over a given store (tests pass one with their own config folder). */
export function createFarmCommand(makeStore: () => FarmStore = () => new FarmStore(defaultConfigDir(), new SlurmDriver())): CliCommand {
  return {
    name: 'farm',
    summary: 'The build farm on Slurm: submit the matrix of targets × precisions × batch profiles, follow it, cancel jobs, collect results.',
    usage: USAGE,
    async run(args, io) {
      const parsed = parseCommandArgs(
        this,
        args,
        {
          weights: { type: 'string' },
          targets: { type: 'string' },
          input: { type: 'string', multiple: true },
          iterations: { type: 'string' },
          job: { type: 'string' },
          json: { type: 'boolean' },
        },
        io,
      );
      if (!parsed) return EXIT_USAGE;
      const v = parsed.values;
      const [sub, ...rest] = parsed.positionals;
      const usage = (why: string) => {
        io.err(`${why}\nUsage: trt-studio ${USAGE.split('\n')[0]}`);
        return EXIT_USAGE;
      };
      const json = v.json === true;
      if (sub === 'summarize') {
        if (rest.length !== 1 || typeof v.job !== 'string') return usage('Expected farm summarize JOBDIR --job ID.');
        return summarize(rest[0]!, v.job, io);
      }
      if (sub !== 'submit' && sub !== 'status' && sub !== 'cancel' && sub !== 'results')
        return usage(`Expected submit, status, cancel or results; got '${sub ?? ''}'.`);
      const driver = new SlurmDriver();
      const why = await driver.unavailableReason();
      if (why !== null) {
        io.err(`${why}. Install Slurm's client commands, or start the local test cluster: scripts/slurm-local.sh start.`);
        return EXIT_USAGE;
      }
      const store = makeStore();

      if (sub === 'submit') {
        if (rest.length !== 1 || typeof v.targets !== 'string') return usage('Expected one project and --targets targets.json.');
        const iterations = v.iterations === undefined ? 50 : Number(v.iterations);
        if (!Number.isInteger(iterations) || iterations < 1) return usage(`--iterations must be a positive integer; got '${String(v.iterations)}'.`);
        let text: string;
        try {
          text = await readFile(v.targets, 'utf8');
        } catch (e) {
          io.err(`Cannot read the targets file ${v.targets}: ${(e as Error).message}.`);
          return EXIT_USAGE;
        }
        let targets;
        try {
          targets = FarmTargetsFileSchema.safeParse(JSON.parse(text));
        } catch (e) {
          io.err(`${v.targets} is not JSON: ${(e as Error).message}.`);
          return EXIT_INVALID;
        }
        if (!targets.success) {
          for (const issue of targets.error.issues.slice(0, 5)) io.err(`${v.targets}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
          return EXIT_INVALID;
        }
        const inputs = Array.isArray(v.input) ? v.input.filter((x): x is string => typeof x === 'string').map((p) => resolve(p)) : [];
        const submitted = await store.submit({
          projectPath: resolve(rest[0]!),
          weightsPath: typeof v.weights === 'string' ? resolve(v.weights) : null,
          targets: targets.data.targets,
          inputs,
          iterations,
        });
        if (!submitted.ok) {
          printDiagnostics(io, submitted.diagnostics);
          return EXIT_INVALID;
        }
        const { submission, jobs, refused } = submitted.value;
        if (json) io.out(JSON.stringify(submitted.value, null, 2));
        else {
          io.out(`Submitted ${jobs.length} job(s) as ${submission}${jobs[0] ? ` in ${resolve(jobs[0].dir, '..')}` : ''}.`);
          for (const line of jobs.length > 0 ? jobRows(jobs) : []) io.out(line);
          for (const r of refused) io.err(`Refused ${r.target} ${r.precision} ${r.profile}: ${r.reason}`);
        }
        return refused.length > 0 ? EXIT_INVALID : EXIT_OK;
      }
      if (sub === 'cancel') {
        if (rest.length !== 1 || !/^[0-9]{1,20}$/.test(rest[0]!)) return usage('Expected farm cancel JOB (a Slurm job number; see farm status).');
        const cancelled = await store.cancel(rest[0]!);
        if (!cancelled.ok) {
          printDiagnostics(io, cancelled.diagnostics);
          return EXIT_INVALID;
        }
        const j = cancelled.value;
        io.out(`Job ${j.id} (${j.target} ${j.precision} ${j.profile}) is ${j.state}${j.reason ? `: ${j.reason}` : ''}.`);
        return EXIT_OK;
      }
      if (rest.length > 1) return usage('Expected at most one submission.');
      const submission = rest[0];
      if (sub === 'status') {
        const jobs = await store.status(submission);
        if (!jobs.ok) {
          printDiagnostics(io, jobs.diagnostics);
          return EXIT_INVALID;
        }
        if (json) io.out(JSON.stringify({ jobs: jobs.value }, null, 2));
        else if (jobs.value.length === 0) io.out('No farm jobs yet; submit some with trt-studio farm submit.');
        else for (const line of jobRows(jobs.value)) io.out(line);
        return EXIT_OK;
      }
      const results = await store.results(submission);
      if (!results.ok) {
        printDiagnostics(io, results.diagnostics);
        return EXIT_INVALID;
      }
      if (json) io.out(JSON.stringify({ results: results.value }, null, 2));
      else if (results.value.length === 0) io.out('No finished farm jobs yet.');
      else for (const line of resultRows(results.value)) io.out(line);
      printDiagnostics(io, results.diagnostics ?? []);
      return EXIT_OK;
    },
  };
}

/** On the node, after profiling: summary.json from job.json, profile.json and the engine. */
async function summarize(dir: string, jobId: string, io: CliIo): Promise<number> {
  const jobDir = resolve(dir);
  let jobText: string;
  let profileText: string;
  try {
    jobText = await readFile(join(jobDir, JOB_FILES.job), 'utf8');
    profileText = await readFile(join(jobDir, JOB_FILES.profile), 'utf8');
  } catch (e) {
    io.err(`Cannot summarize ${jobDir}: ${(e as Error).message}.`);
    return EXIT_USAGE;
  }
  const jobFile = FarmJobFileSchema.safeParse(
    (() => {
      try {
        return JSON.parse(jobText) as unknown;
      } catch {
        return undefined;
      }
    })(),
  );
  if (!jobFile.success) {
    io.err(`${join(jobDir, JOB_FILES.job)} is not a farm job file.`);
    return EXIT_INVALID;
  }
  const enginePath = join(jobDir, JOB_FILES.engine);
  const engine = await stat(enginePath).catch(() => undefined);
  const summary = makeSummary(jobId, jobFile.data, profileText, {
    log: join(jobDir, JOB_FILES.log),
    ...(engine?.isFile() ? { engine: { path: enginePath, bytes: engine.size } } : {}),
  });
  if (!summary.ok) {
    printDiagnostics(io, summary.diagnostics);
    return EXIT_INVALID;
  }
  await writeFile(join(jobDir, JOB_FILES.summary), `${JSON.stringify(summary.value, null, 2)}\n`);
  io.out(`Wrote ${join(jobDir, JOB_FILES.summary)}: mean ${summary.value.latencyMs.mean.toFixed(4)} ms on ${summary.value.backend}.`);
  return EXIT_OK;
}

export const farmCommand: CliCommand = createFarmCommand();
