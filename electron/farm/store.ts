/**
 * The farm's submissions on disk. A submission is a folder next to the project,
 * `<project folder>/farm/<submission>/`, with submission.json (its jobs and refused cells) and one
 * folder per job (project, weights, inputs, job.sh, and what the job writes: build.log,
 * model.engine, profile.json, summary.json). That folder must be on the filesystem the cluster's
 * nodes share. An index in the config folder lists the submissions so that `farm status` finds them
 * from anywhere; the job states are refreshed from Slurm when asked and kept in submission.json.
 */
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  FarmJobSchema,
  FarmRefusalSchema,
  FarmResultSchema,
  type FarmJob,
  type FarmRefusal,
  type FarmResult,
  type FarmTarget,
} from '../../core/api/farm-schemas.js';
import { error, fail, ok, warning, type Diagnostic, type Result } from '../../core/diagnostics.js';
import { JOB_FILES, jobScript, sbatchArgs, weightsFileName } from '../../core/farm/job-script.js';
import { applyBatchProfile, expandMatrix, type FarmCell } from '../../core/farm/matrix.js';
import { describeSlurmJob, farmState } from '../../core/farm/slurm-text.js';
import type { FarmJobFile } from '../../core/farm/summary.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { parseProject, projectWeightsFile, serializeProject } from '../../core/network/project-file.js';
import { writeFileAtomic } from '../services/atomic-write.js';
import { farmCliInvocation, type CliInvocation } from './cli-invocation.js';
import type { SlurmDriver } from './slurm.js';

/** The folder next to the project that holds its submissions. */
export const FARM_FOLDER = 'farm';
const SUBMISSION_FILE = 'submission.json';
const INDEX_FILE = 'farm-submissions.json';
const INPUT_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.bmp', '.webp', '.gif', '.tif', '.tiff', '.npy'];

const SubmissionFileSchema = z.object({
  id: z.string(),
  projectPath: z.string(),
  createdAt: z.string(),
  jobs: z.array(FarmJobSchema),
  refused: z.array(FarmRefusalSchema),
});
type SubmissionFile = z.infer<typeof SubmissionFileSchema>;
const IndexSchema = z.object({ submissions: z.array(z.object({ id: z.string(), dir: z.string() })) });

export interface SubmitRequest {
  projectPath: string;
  /** Null: the weights file the project names. */
  weightsPath: string | null;
  targets: readonly FarmTarget[];
  inputs: readonly string[];
  iterations: number;
}

export interface Submitted {
  submission: string;
  jobs: FarmJob[];
  refused: FarmRefusal[];
}

const isFinal = (job: FarmJob) => job.state === 'done' || job.state === 'failed' || job.state === 'cancelled';

/** `20261205-041502-3fa2`: sortable by time, unique enough for one user's submissions. */
function newSubmissionId(now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${randomBytes(2).toString('hex')}`;
}

/** A hard link where the filesystem allows one (weights can be large), else a copy. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The last line of a failed job's log that says something (not the final `exit status`). */
async function lastLogLine(jobDir: string): Promise<string | undefined> {
  const text = await readText(join(jobDir, JOB_FILES.log));
  const lines = (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^exit status [0-9]+$/.test(l));
  return lines.at(-1)?.slice(0, 500);
}

export class FarmStore {
  private readonly indexPath: string;

  constructor(
    configDir: string,
    private readonly driver: SlurmDriver,
    private readonly cli: () => Promise<Result<CliInvocation>> = farmCliInvocation,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.indexPath = join(configDir, INDEX_FILE);
  }

  /** Writes the matrix's job folders and submits one job per cell; checks everything it can before writing anything. */
  async submit(request: SubmitRequest): Promise<Result<Submitted>> {
    const matrix = expandMatrix(request.targets);
    if (!matrix.ok) return matrix;
    const { cells, refused } = matrix.value;
    const problems: Diagnostic[] = [];
    for (const cell of cells) {
      const args = sbatchArgs(cell, '/');
      if (!args.ok) problems.push(...args.diagnostics.filter((d) => !problems.some((p) => p.message === d.message)));
    }
    const projectPath = resolve(request.projectPath);
    const text = await readText(projectPath);
    if (text === undefined) problems.push(error('farm.project.read', `Cannot read the project ${projectPath}.`));
    const doc = text !== undefined ? parseProject(text, basename(projectPath)) : undefined;
    if (doc && !doc.ok) problems.push(...doc.diagnostics.filter((d) => d.severity === 'error'));
    const named = text !== undefined ? projectWeightsFile(text) : undefined;
    const weightsPath = request.weightsPath !== null ? resolve(request.weightsPath) : named !== undefined ? resolve(dirname(projectPath), named) : null;
    const weightsName = weightsPath !== null ? weightsFileName(weightsPath) : undefined;
    if (weightsPath === null) problems.push(error('farm.weights.missing', `The project ${basename(projectPath)} names no weights file; give one (--weights).`));
    else if (weightsName === undefined)
      problems.push(error('farm.weights.format', `The weights file ${weightsPath} is not a .wts, .safetensors or .npz file.`));
    else if ((await stat(weightsPath).catch(() => undefined))?.isFile() !== true)
      problems.push(error('farm.weights.read', `Cannot read the weights file ${weightsPath}.`));
    problems.push(...(await this.checkInputs(request.inputs)));
    const projects = new Map<FarmCell, NetworkDocument>();
    if (doc?.ok)
      for (const cell of cells) {
        const applied = applyBatchProfile(doc.value, cell.profile);
        if (applied.ok) projects.set(cell, applied.value);
        else problems.push(...applied.diagnostics);
      }
    const cli = await this.cli();
    if (!cli.ok) problems.push(...cli.diagnostics);
    if (problems.length > 0 || !cli.ok || weightsPath === null || weightsName === undefined) return fail(...problems);

    const id = newSubmissionId(this.now());
    const dir = join(dirname(projectPath), FARM_FOLDER, id);
    const createdAt = this.now().toISOString();
    // Every folder is written before the first sbatch, so a folder that cannot be written submits nothing.
    try {
      await mkdir(dir, { recursive: true });
      for (const cell of cells) await this.writeJobFolder(join(dir, cell.name), cell, id, projects.get(cell)!, weightsPath, weightsName, request, cli.value);
      await this.writeSubmission(dir, { id, projectPath, createdAt, jobs: [], refused });
      const index = await this.readIndex();
      index.submissions.push({ id, dir });
      await mkdir(dirname(this.indexPath), { recursive: true });
      await writeFileAtomic(this.indexPath, `${JSON.stringify(index, null, 2)}\n`);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      return fail(error('farm.write', `Cannot write the submission folder ${dir}: ${(e as Error).message}. Nothing was submitted.`));
    }
    const jobs: FarmJob[] = [];
    for (const cell of cells) {
      const jobDir = join(dir, cell.name);
      const answer = await this.driver.submit((sbatchArgs(cell, jobDir) as { ok: true; value: string[] }).value);
      if (!answer.ok) {
        refused.push({ target: cell.target.name, precision: cell.precision, profile: cell.profileName, reason: answer.reason });
        await rm(jobDir, { recursive: true, force: true });
        continue;
      }
      jobs.push({
        id: answer.id,
        submission: id,
        target: cell.target.name,
        precision: cell.precision,
        profile: cell.profileName,
        state: 'pending',
        dir: jobDir,
        submittedAt: this.now().toISOString(),
      });
    }
    await this.writeSubmission(dir, { id, projectPath, createdAt, jobs, refused });
    return ok({ submission: id, jobs, refused });
  }

  /** The jobs of one submission (or all, oldest submission first) with their states fresh from Slurm. */
  async status(submission?: string): Promise<Result<FarmJob[]>> {
    const loaded = await this.load(submission);
    if (!loaded.ok) return loaded;
    const open = loaded.value.flatMap((s) => s.file.jobs.filter((j) => !isFinal(j)).map((j) => j.id));
    let known: Awaited<ReturnType<SlurmDriver['describe']>>;
    try {
      known = await this.driver.describe(open);
    } catch (e) {
      return fail(error('farm.scheduler', `Slurm did not answer: ${(e as Error).message}`));
    }
    const jobs: FarmJob[] = [];
    for (const { dir, file } of loaded.value) {
      let changed = false;
      for (const [i, job] of file.jobs.entries()) {
        if (isFinal(job)) continue;
        const fresh = await this.refresh(job, known.get(job.id));
        if (fresh.state !== job.state || fresh.reason !== job.reason) {
          file.jobs[i] = fresh;
          changed = true;
        }
      }
      if (changed) await this.writeSubmission(dir, file);
      jobs.push(...file.jobs);
    }
    return ok(jobs);
  }

  /** Cancels one job and answers it as Slurm then reports it (cancelled once Slurm has stopped it). */
  async cancel(jobId: string): Promise<Result<FarmJob>> {
    const all = await this.status();
    if (!all.ok) return all;
    const job = all.value.find((j) => j.id === jobId);
    if (!job) return fail(error('farm.job.unknown', `There is no farm job ${jobId}; 'farm status' lists them.`));
    if (isFinal(job))
      return fail(error('farm.job.finished', `The farm job ${jobId} (${job.target} ${job.precision} ${job.profile}) has already ended: ${job.state}.`));
    const refused = await this.driver.cancel(jobId);
    if (refused !== null) return fail(error('farm.cancel.refused', `Slurm did not cancel job ${jobId}: ${refused}.`));
    for (let attempt = 0; attempt < 60; attempt++) {
      const now = await this.status(job.submission);
      const fresh = now.ok ? now.value.find((j) => j.id === jobId) : undefined;
      if (fresh && isFinal(fresh)) return ok(fresh);
      await new Promise((r) => setTimeout(r, 250));
    }
    const last = await this.status(job.submission);
    return ok((last.ok ? last.value.find((j) => j.id === jobId) : undefined) ?? job);
  }

  /** What the finished jobs wrote; a summary that cannot be read is a warning naming its file. */
  async results(submission?: string): Promise<Result<FarmResult[]>> {
    const jobs = await this.status(submission);
    if (!jobs.ok) return jobs;
    const results: FarmResult[] = [];
    const warnings: Diagnostic[] = [];
    for (const job of jobs.value.filter((j) => j.state === 'done')) {
      const path = join(job.dir, JOB_FILES.summary);
      const text = await readText(path);
      let parsed: ReturnType<typeof FarmResultSchema.safeParse> | undefined;
      try {
        parsed = text !== undefined ? FarmResultSchema.safeParse(JSON.parse(text)) : undefined;
      } catch {
        parsed = undefined;
      }
      if (parsed?.success) results.push(parsed.data);
      else warnings.push(warning('farm.summary.unreadable', `The summary of farm job ${job.id} cannot be read: ${path}.`));
    }
    return ok(results, warnings);
  }

  private async refresh(job: FarmJob, info: Parameters<typeof describeSlurmJob>[0] | undefined): Promise<FarmJob> {
    const { reason: _old, ...rest } = job;
    void _old;
    let state = info !== undefined ? farmState(info.slurmState) : undefined;
    let reason = info !== undefined ? describeSlurmJob(info) : undefined;
    if (state === undefined) {
      const summary = await stat(join(job.dir, JOB_FILES.summary)).catch(() => undefined);
      state = summary ? 'done' : 'failed';
      if (!summary) reason = `Slurm no longer knows job ${job.id} and it wrote no ${JOB_FILES.summary}`;
    }
    if (state === 'failed') {
      const line = await lastLogLine(job.dir);
      if (line !== undefined) reason = `${reason ?? 'failed'}: ${line}`;
    }
    return { ...rest, state, ...(reason !== undefined ? { reason: reason.slice(0, 2000) } : {}) };
  }

  private async checkInputs(inputs: readonly string[]): Promise<Diagnostic[]> {
    const problems: Diagnostic[] = [];
    const names = new Set<string>();
    for (const input of inputs) {
      const name = basename(input);
      if (!INPUT_EXTENSIONS.includes(extname(name).toLowerCase()))
        problems.push(error('farm.input.format', `The input ${input} is not an image or .npy file (expected ${INPUT_EXTENSIONS.join(', ')}).`));
      else if ((await stat(input).catch(() => undefined))?.isFile() !== true) problems.push(error('farm.input.read', `Cannot read the input ${input}.`));
      if (names.has(name)) problems.push(error('farm.input.duplicate', `Two inputs are named ${name}; a job folder holds them under their names.`));
      names.add(name);
    }
    const npy = inputs.filter((i) => extname(i).toLowerCase() === '.npy').length;
    if (npy > 0 && npy < inputs.length) problems.push(error('farm.input.mixed', 'Give images or .npy files as inputs, not both.'));
    return problems;
  }

  private async writeJobFolder(
    jobDir: string,
    cell: FarmCell,
    submission: string,
    doc: NetworkDocument,
    weightsPath: string,
    weightsName: string,
    request: SubmitRequest,
    cli: CliInvocation,
  ): Promise<void> {
    await mkdir(join(jobDir, JOB_FILES.inputs), { recursive: true });
    await writeFile(join(jobDir, JOB_FILES.project), serializeProject(doc));
    await linkOrCopy(weightsPath, join(jobDir, weightsName));
    for (const input of request.inputs) await linkOrCopy(resolve(input), join(jobDir, JOB_FILES.inputs, basename(input)));
    const jobFile: FarmJobFile = {
      name: cell.name,
      submission,
      target: cell.target.name,
      precision: cell.precision,
      profile: cell.profileName,
      backend: cell.target.backend,
    };
    await writeFile(join(jobDir, JOB_FILES.job), `${JSON.stringify(jobFile, null, 2)}\n`);
    const script = jobScript({
      cell,
      jobDir,
      cli: cli.command,
      env: cli.env,
      weights: weightsName,
      inputs: request.inputs.map((i) => basename(i)),
      iterations: request.iterations,
    });
    await writeFile(join(jobDir, JOB_FILES.script), script);
    await chmod(join(jobDir, JOB_FILES.script), 0o755);
  }

  private async writeSubmission(dir: string, file: SubmissionFile): Promise<void> {
    await writeFileAtomic(join(dir, SUBMISSION_FILE), `${JSON.stringify(file, null, 2)}\n`);
  }

  private async readIndex(): Promise<z.infer<typeof IndexSchema>> {
    const text = await readText(this.indexPath);
    if (text === undefined) return { submissions: [] };
    try {
      const parsed = IndexSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : { submissions: [] };
    } catch {
      return { submissions: [] };
    }
  }

  /** The submissions the index lists (one, when named), skipping folders that have since been deleted. */
  private async load(submission?: string): Promise<Result<{ dir: string; file: SubmissionFile }[]>> {
    const index = await this.readIndex();
    const entries = submission !== undefined ? index.submissions.filter((s) => s.id === submission) : index.submissions;
    if (submission !== undefined && entries.length === 0) return fail(error('farm.submission.unknown', `There is no farm submission '${submission}'.`));
    const loaded: { dir: string; file: SubmissionFile }[] = [];
    for (const { dir } of entries) {
      const text = await readText(join(dir, SUBMISSION_FILE));
      if (text === undefined) continue;
      try {
        const parsed = SubmissionFileSchema.safeParse(JSON.parse(text));
        if (parsed.success) loaded.push({ dir, file: parsed.data });
      } catch {
        // A damaged submission.json is skipped; its folder stays for the user to look at.
      }
    }
    return ok(loaded);
  }
}
