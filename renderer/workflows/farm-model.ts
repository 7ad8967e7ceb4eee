/**
 * What the Farm tab computes from its data, kept apart from React so tests read it directly: the
 * matrix before submission, whether jobs are still live, the side-by-side comparison of results,
 * and the batch profiles as the targets table writes them (`b8=1/8/16, b1=1/1/1`).
 */
import type { FarmBatchProfile, FarmJob, FarmJobState, FarmResult, FarmTarget } from '../../core/api/farm-schemas.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { expandMatrix } from '../../core/farm/matrix.js';

/** The matrix as the tab shows it before submitting: how many jobs, how many cells are refused and why. */
export interface MatrixPreview {
  jobs: number;
  /** Every cell, refused ones included: targets × precisions × profiles. */
  cells: number;
  refused: { cell: string; reason: string }[];
  diagnostics: Diagnostic[];
}

/** The matrix of `targets` as the submission will expand it (the same function the host runs). */
export function previewMatrix(targets: readonly FarmTarget[]): MatrixPreview {
  const cells = targets.reduce((n, t) => n + t.precisions.length * Math.max(1, t.profiles.length), 0);
  if (targets.length === 0) return { jobs: 0, cells: 0, refused: [], diagnostics: [] };
  const m = expandMatrix(targets);
  if (!m.ok) return { jobs: 0, cells, refused: [], diagnostics: m.diagnostics };
  return {
    jobs: m.value.cells.length,
    cells,
    refused: m.value.refused.map((r) => ({ cell: cellLabel(r), reason: r.reason })),
    diagnostics: [],
  };
}

/** `H100 · fp16 · b8`: one cell of the matrix, as every table of the tab names it. */
export function cellLabel(c: { target: string; precision: string; profile: string }): string {
  return `${c.target} · ${c.precision} · ${c.profile}`;
}

/** States in which the scheduler may still change a job: the tab polls while one is in them. */
export const LIVE_STATES: readonly FarmJobState[] = ['pending', 'running'];

export function isLive(job: FarmJob): boolean {
  return LIVE_STATES.includes(job.state);
}

/** `2 pending · 1 running · 3 done`: the jobs' states in the scheduler's order of events. */
export function stateSummary(jobs: readonly FarmJob[]): string {
  const order: FarmJobState[] = ['pending', 'running', 'done', 'failed', 'cancelled'];
  return order
    .map((s) => [s, jobs.filter((j) => j.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(' · ');
}

/** The per-layer comparison: one row per layer name (in the order the results first list them), one time per result. */
export interface LayerComparison {
  layers: { name: string; ms: (number | undefined)[] }[];
}

export function compareLayers(results: readonly FarmResult[]): LayerComparison {
  const order: string[] = [];
  const seen = new Set<string>();
  for (const r of results)
    for (const l of r.layers)
      if (!seen.has(l.name)) {
        seen.add(l.name);
        order.push(l.name);
      }
  const byResult = results.map((r) => new Map(r.layers.map((l) => [l.name, l.ms])));
  return { layers: order.map((name) => ({ name, ms: byResult.map((m) => m.get(name)) })) };
}

/** The index of the smallest value (the fastest cell of a row), or -1 when there is none. */
export function fastest(values: readonly (number | undefined)[]): number {
  let best = -1;
  values.forEach((v, i) => {
    if (v !== undefined && (best < 0 || v < values[best]!)) best = i;
  });
  return best;
}

/** The results in matrix order (as the jobs table lists them): targets, then precisions, then profiles as the targets list them; others after, by name. */
export function sortResults(results: readonly FarmResult[], targets: readonly FarmTarget[]): FarmResult[] {
  const byName = new Map(targets.map((t, i) => [t.name, { rank: i, target: t }]));
  const index = (list: readonly string[], value: string) => {
    const i = list.indexOf(value);
    return i < 0 ? Infinity : i;
  };
  const key = (r: FarmResult) => {
    const t = byName.get(r.target);
    return [t?.rank ?? Infinity, index(t?.target.precisions ?? [], r.precision), index(t?.target.profiles.map((p) => p.name) ?? [], r.profile)];
  };
  return [...results].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return (
      x[0]! - y[0]! ||
      a.target.localeCompare(b.target) ||
      x[1]! - y[1]! ||
      a.precision.localeCompare(b.precision) ||
      x[2]! - y[2]! ||
      a.profile.localeCompare(b.profile)
    );
  });
}

/** The profiles as one line of text: `b1=1/1/1, b8=1/8/16`. */
export function formatProfiles(profiles: readonly FarmBatchProfile[]): string {
  return profiles.map((p) => `${p.name}=${p.min}/${p.opt}/${p.max}`).join(', ');
}

/** Reads what `formatProfiles` writes; an error names the part that is not `name=min/opt/max`. */
export function parseProfiles(text: string): { ok: true; profiles: FarmBatchProfile[] } | { ok: false; message: string } {
  const profiles: FarmBatchProfile[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const m = /^([A-Za-z0-9_.-]+)\s*=\s*(\d+)\s*\/\s*(\d+)\s*\/\s*(\d+)$/.exec(part);
    if (!m) return { ok: false, message: `The batch profile '${part}' is not name=min/opt/max (for example b8=1/8/16).` };
    const [min, opt, max] = [Number(m[2]), Number(m[3]), Number(m[4])];
    if (min < 1 || !(min <= opt && opt <= max))
      return { ok: false, message: `The batch profile '${m[1]}' needs 1 ≤ min ≤ opt ≤ max; it has ${min}/${opt}/${max}.` };
    profiles.push({ name: m[1]!, min, opt, max });
  }
  return { ok: true, profiles };
}
