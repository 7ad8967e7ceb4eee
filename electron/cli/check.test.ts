/** `trt-studio check` stops on what run and build would stop on: lowering and the ONNX translation included. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAME_CLASH_MESSAGE, nameClash, ROUND_UP_MESSAGE, roundUpPooling } from '../../core/check/testing.js';
import { serializeProject } from '../../core/network/project-file.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { EXIT_INVALID } from './command.js';
import { runCli } from './main.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-cli-check-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function check(name: string, doc: NetworkDocument, ...flags: string[]): Promise<{ code: number; out: string[] }> {
  const path = join(dir, name);
  await writeFile(path, serializeProject(doc));
  const out: string[] = [];
  const code = await runCli(['check', path, ...flags], { out: (t) => out.push(t), err: (t) => out.push(t) });
  return { code, out: out.join('\n').split('\n') };
}

describe('trt-studio check', () => {
  it('exits 1 on a user layer named like a layer inside a composite, naming the user layer', async () => {
    const { code, out } = await check('clash.trtstudio', nameClash());
    expect(code).toBe(EXIT_INVALID);
    expect(out.slice(-2)).toEqual([`error [lower.name.duplicate] ${NAME_CLASH_MESSAGE} (node 'layer1.0.conv1')`, '1 error(s).']);
  });

  it('exits 1 on a round-up pooling whose padding reaches the window, naming the pooling node', async () => {
    const { code, out } = await check('round-up.trtstudio', roundUpPooling());
    expect(code).toBe(EXIT_INVALID);
    expect(out.slice(-2)).toEqual([`error [onnx.layer] ${ROUND_UP_MESSAGE} (node 'pool', field windowSize)`, '1 error(s).']);
  });

  it('says the same in --json', async () => {
    const doc = roundUpPooling();
    const { code, out } = await check('round-up.json.trtstudio', doc, '--json');
    expect(code).toBe(EXIT_INVALID);
    const report = JSON.parse(out.join('\n')) as { ok: boolean; diagnostics: unknown[] };
    expect(report.ok).toBe(false);
    expect(report.diagnostics).toEqual([{ severity: 'error', code: 'onnx.layer', message: ROUND_UP_MESSAGE, nodeId: doc.nodes[0]!.id, field: 'windowSize' }]);
  });

  it('exits 0 once the pooling rounds down', async () => {
    const { code, out } = await check('round-down.trtstudio', roundUpPooling(5, { paddingMode: 'EXPLICIT_ROUND_DOWN' }));
    expect(code).toBe(0);
    expect(out.at(-1)).toBe('No errors.');
  });
});
