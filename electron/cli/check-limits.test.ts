/** `trt-studio check` on project files that break the shared limits: exit code 1 and the loader's message, never an internal error. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_INVALID } from './command.js';
import { runCli } from './main.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-cli-limits-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function check(name: string, text: string): Promise<{ code: number; path: string; err: string }> {
  const path = join(dir, name);
  await writeFile(path, text);
  const err: string[] = [];
  const code = await runCli(['check', path], { out: () => undefined, err: (t) => err.push(t) });
  return { code, path, err: err.join('\n') };
}

describe('trt-studio check', () => {
  it('refuses deeply nested JSON with the limit it breaks (exit 1)', async () => {
    const nested = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const { code, path, err } = await check(
      'deep.trtstudio',
      `{"format":"trtstudio","version":1,"network":{"name":"Deep","nodes":[{"id":"n1","type":"addActivation","name":"a","params":{"type":${nested}}}]}}`,
    );
    expect(code).toBe(EXIT_INVALID);
    expect(err).toBe(
      `error [project.limit] ${path} was refused: network.nodes[0].params.type${'[0]'.repeat(27)} is nested deeper than 32 levels; expected a flatter payload.`,
    );
  });

  it('quotes at most 200 characters of a 20 MB value', async () => {
    const { code, path, err } = await check('long.trtstudio', `{"format":"trtstudio","version":"${'9'.repeat(20_000_000)}"}`);
    expect(code).toBe(EXIT_INVALID);
    expect(err).toBe(`error [project.version] ${path} has an invalid format version "${'9'.repeat(200)}"… (20000000 characters); expected a positive integer.`);
  });

  it('refuses a file over the project size limit before parsing it', async () => {
    const { code, path, err } = await check('huge.trtstudio', `{"format":"trtstudio","version":"${'9'.repeat(50_000_000)}"}`);
    expect(code).toBe(EXIT_INVALID);
    expect(err).toBe(`error [project.tooLarge] ${path} is 47.7 MiB; a project file may be at most 32 MiB.`);
  });
});
