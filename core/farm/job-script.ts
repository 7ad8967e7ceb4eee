/**
 * What one farm job runs, as text: the sbatch arguments and the batch script. The job folder (on the
 * filesystem the cluster's nodes share) holds the project, its weights and the inputs under fixed
 * names; the script runs `trt-studio build` (TensorRT targets) and `trt-studio profile` (and `run`
 * when inputs were given) there, then `trt-studio farm summarize` writes summary.json. User text
 * reaches the shell only quoted, except the target's `setup` lines, which are shell lines by design.
 */
import type { FarmTarget } from '../api/farm-schemas.js';
import { error, fail, ok, type Diagnostic, type Result } from '../diagnostics.js';
import type { FarmCell } from './matrix.js';

/** The fixed names inside a job folder. */
export const JOB_FILES = {
  project: 'project.trtstudio',
  inputs: 'inputs',
  script: 'job.sh',
  schedulerLog: 'slurm.out',
  engine: 'model.engine',
  log: 'build.log',
  profile: 'profile.json',
  run: 'run.json',
  summary: 'summary.json',
  job: 'job.json',
} as const;

/** The weights file's name in a job folder: `weights` with the original's extension. */
export function weightsFileName(original: string): string | undefined {
  const ext = /\.(wts|safetensors|npz)$/i.exec(original)?.[1];
  return ext === undefined ? undefined : `weights.${ext.toLowerCase()}`;
}

/** `s` as one shell word. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const PARTITION = /^[A-Za-z0-9_.-]{1,64}$/;
const GRES = /^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+){0,2}(,[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+){0,2})*$/;

/** The target's scheduler fields checked before they become arguments: a partition name, a GRES such as `gpu:h100:1`. */
export function checkSlurmFields(target: FarmTarget): Diagnostic[] {
  const problems: Diagnostic[] = [];
  if (target.partition !== undefined && !PARTITION.test(target.partition))
    problems.push(
      error(
        'farm.target.partition',
        `The target '${target.name}' has the partition ${JSON.stringify(target.partition)}; expected a Slurm partition name (letters, digits, _ . -).`,
      ),
    );
  if (target.gres !== undefined && !GRES.test(target.gres))
    problems.push(
      error('farm.target.gres', `The target '${target.name}' has the GRES ${JSON.stringify(target.gres)}; expected name[:type][:count] such as gpu:h100:1.`),
    );
  for (const [i, line] of target.setup.entries())
    if (/[\r\n\0]/.test(line)) problems.push(error('farm.target.setup', `The target '${target.name}' setup line ${i + 1} must be one line.`));
  return problems;
}

/** The arguments of `sbatch` for one cell (the script path last). */
export function sbatchArgs(cell: FarmCell, jobDir: string): Result<string[]> {
  const problems = checkSlurmFields(cell.target);
  if (problems.length > 0) return fail(...problems);
  return ok([
    '--parsable',
    `--job-name=trt-${cell.name}`,
    `--chdir=${jobDir}`,
    `--output=${jobDir}/${JOB_FILES.schedulerLog}`,
    '--ntasks=1',
    ...(cell.target.partition !== undefined ? [`--partition=${cell.target.partition}`] : []),
    ...(cell.target.gres !== undefined ? [`--gres=${cell.target.gres}`] : []),
    `${jobDir}/${JOB_FILES.script}`,
  ]);
}

export interface JobScriptOptions {
  cell: FarmCell;
  /** The job folder, absolute, as the nodes see it. */
  jobDir: string;
  /** How the node starts the CLI: the program and its arguments before the command (node and bin/trt-studio.mjs). */
  cli: readonly string[];
  /** The weights file's name in the job folder, or null for a project without weights. */
  weights: string | null;
  /** The inputs' names under `inputs/`: images, or `.npy` files. */
  inputs: readonly string[];
  iterations: number;
  /** Extra environment for the CLI (ELECTRON_RUN_AS_NODE when the CLI runs on Electron's node). */
  env?: Readonly<Record<string, string>>;
}

/** The batch script of one job. Its exit status is the first failing step's. */
export function jobScript(o: JobScriptOptions): string {
  const { cell } = o;
  const q = shellQuote;
  const backend = cell.target.backend;
  const weights = o.weights !== null ? ` --weights ${q(o.weights)}` : '';
  const source = backend === 'tensorrt' ? ` --engine ${q(JOB_FILES.engine)}` : weights;
  const npy = o.inputs.length > 0 && o.inputs.every((i) => i.toLowerCase().endsWith('.npy'));
  const inputArgs = o.inputs.map((i) => (npy ? ` --input ${q(`${JOB_FILES.inputs}/${i}`)}` : ` ${q(`${JOB_FILES.inputs}/${i}`)}`)).join('');
  const lines = [
    '#!/bin/bash',
    `# TRT Studio build farm job ${cell.name}: target ${JSON.stringify(cell.target.name)}, ${cell.precision}, batch profile ${cell.profileName}, backend ${backend}.`,
    '# Written by trt-studio farm submit; runs in its job folder on the shared filesystem.',
    'set -u',
    `cd ${q(o.jobDir)} || exit 1`,
    ...Object.entries(o.env ?? {}).map(([k, v]) => `export ${k}=${q(v)}`),
    ...(cell.target.setup.length > 0 ? ["# The target's setup lines:", ...cell.target.setup] : []),
    `trt() { ${o.cli.map(q).join(' ')} "$@"; }`,
    `log=${q(JOB_FILES.log)}`,
    'status=0',
    `echo "trt-studio farm job ${cell.name} on $(hostname) (Slurm job \${SLURM_JOB_ID:-?})" > "$log"`,
  ];
  if (backend === 'tensorrt')
    lines.push(
      `trt build ${q(JOB_FILES.project)}${weights} -o ${q(JOB_FILES.engine)}${cell.precision === 'fp16' ? ' --fp16' : ''} >> "$log" 2>&1 || status=$?`,
    );
  else
    lines.push(
      `echo ${q(`${backend} builds no engine: the reference runtime runs the project as it is, in fp32${cell.precision !== 'fp32' ? ` (this ${cell.precision} cell measures that runtime)` : ''}.`)} >> "$log"`,
    );
  if (o.inputs.length > 0)
    lines.push(
      `[ "$status" = 0 ] && { trt run ${q(JOB_FILES.project)}${source} --backend ${backend}${inputArgs} --json > ${q(JOB_FILES.run)} 2>> "$log" || status=$?; }`,
    );
  lines.push(
    `[ "$status" = 0 ] && { trt profile ${q(JOB_FILES.project)}${source} --backend ${backend} --iterations ${o.iterations} --json > ${q(JOB_FILES.profile)} 2>> "$log" || status=$?; }`,
    '[ "$status" = 0 ] && { trt farm summarize . --job "${SLURM_JOB_ID:-local}" >> "$log" 2>&1 || status=$?; }',
    'echo "exit status $status" >> "$log"',
    'exit "$status"',
    '',
  );
  return lines.join('\n');
}
