/**
 * The hostile-input corpus (fixtures/hostile/cases.json): each case names an input, the entry point
 * it goes in through and the exact refusal that must come out. This module loads the cases and
 * checks an answer; the entry points run in electron/hostile-input.test.ts (CLI, web host) and in
 * electron/main.test.ts (the Electron main process, which needs the stand-in electron module).
 * Adding a case is adding data: a file in fixtures/hostile/ and an entry in cases.json.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** fixtures/hostile/, absolute. */
export const HOSTILE_DIR = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url)).replace(/\/$/, '');
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url)).replace(/\/$/, '');

/** What a refusal must be: the first Diagnostic's code and its whole message. */
export interface ExpectedDiagnostic {
  code: string;
  message: string;
}

interface CaseBase {
  /** A short unique name. */
  id: string;
  /** Where the case came from: the problem it reproduces. */
  source: string;
}

/** `trt-studio ARGS...`: the exit code and everything written to stderr. */
export interface CliCase extends CaseBase {
  entry: 'cli';
  args: string[];
  expect: { exitCode: number; stderr: string };
}

/** One HTTP request to the web host. `auth`: the token as a Bearer header (default), none, or a header given in `headers`. */
export interface HttpCase extends CaseBase {
  entry: 'http';
  method: string;
  path: string;
  auth?: 'bearer' | 'none';
  headers?: Record<string, string>;
  body?: string;
  expect: { status: number } & ExpectedDiagnostic;
}

/**
 * One contract request, over the web host's WebSocket or Electron's IPC. When the request starts a
 * job, the refusal is the job's end (`job.finished`'s first diagnostic).
 */
export interface CallCase extends CaseBase {
  entry: 'ws' | 'electron';
  method: string;
  params: unknown;
  expect: ExpectedDiagnostic;
}

export type HostileCase = CliCase | HttpCase | CallCase;

/** Values substituted for `{name}` in a case's strings: {dir} is fixtures/hostile, {fixtures} fixtures/; runners add more. */
export type Placeholders = Record<string, string>;

/** The case with `{name}` placeholders filled in (a placeholder without a value stays as written). */
export function expandCase<T extends HostileCase>(c: T, places: Placeholders): T {
  const all: Placeholders = { dir: HOSTILE_DIR, fixtures: FIXTURES_DIR, ...places };
  const text = JSON.stringify(c).replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = all[name];
    return v === undefined ? whole : JSON.stringify(v).slice(1, -1);
  });
  return JSON.parse(text) as T;
}

/** The cases of one entry point, as written (expand each with expandCase when it runs). */
export function hostileCases<E extends HostileCase['entry']>(entry: E): (HostileCase & { entry: E })[] {
  return allHostileCases().filter((c): c is HostileCase & { entry: E } => c.entry === entry);
}

/** Every case of the corpus, unexpanded (for checks over the whole file). */
export function allHostileCases(): HostileCase[] {
  return (JSON.parse(readFileSync(`${HOSTILE_DIR}/cases.json`, 'utf8')) as { cases: HostileCase[] }).cases;
}

/** What no answer to hostile input may contain: an internal error, or a stack trace. */
export function internalErrorIn(answer: string): string | undefined {
  if (/internal error|host\.internal|failed unexpectedly/i.test(answer)) return 'an internal error';
  if (/\n\s*at .+[:(]\d+:\d+\)?/.test(answer) || /\bat (async )?\S+ \(\/.+:\d+:\d+\)/.test(answer)) return 'a stack trace';
  return undefined;
}
