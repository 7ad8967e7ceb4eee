import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../core/api/contract.js';
import { serializeProject } from '../../core/network/project-file.js';
import { emptyDocument } from '../../core/network/types.js';
import { createHostServices } from '../services/host-services.js';
import { memoryLog } from '../services/log.js';
import { parseLaunchArgs, type LaunchArgs } from './args.js';
import { startBrowserMode, type BrowserMode } from './browser-mode.js';

let dir: string;
let projectPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-browser-mode-'));
  projectPath = join(dir, 'tiny.trtstudio');
  const writer = await createHostServices({ hostKind: 'web', configDir: join(dir, 'writer-config'), log: memoryLog(), roots: [dir] });
  const doc = emptyDocument('Tiny');
  doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 3, 8, 8] });
  const saved = await writer.dispatch('project.save', { path: projectPath, document: doc }, { transport: 'web', clientId: 'test' });
  expect(saved.ok).toBe(true);
  await writer.shutdown();
});

afterAll(() => rm(dir, { recursive: true, force: true }));

function args(argv: string[], config: string): LaunchArgs {
  const parsed = parseLaunchArgs([...argv, '--config-dir', join(dir, config)]);
  if (!parsed.ok) throw new Error(parsed.diagnostics[0]!.message);
  return parsed.value;
}

async function start(argv: string[], config: string): Promise<{ mode: BrowserMode; printed: string[] }> {
  const printed: string[] = [];
  const mode = await startBrowserMode(args(argv, config), { log: memoryLog(), print: (line) => printed.push(line), rendererDir: join(dir, 'renderer') });
  return { mode, printed };
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('browser mode', () => {
  it('opens the project named on the command line at start and prints the URL with the token', async () => {
    const { mode, printed } = await start([projectPath, '--port', '0'], 'a');
    try {
      expect(printed[0]).toBe(`TRT Studio is running at http://127.0.0.1:${mode.host.port}/?token=${mode.host.token}`);
      expect(printed[1]).toBe('note: the user interface is not built yet; run npm run build:renderer.');
      const startup = await mode.services.dispatch('host.startup', {}, { transport: 'web', clientId: 'test' });
      const project = startup.ok ? (startup.value as MethodResult<'host.startup'>).project : null;
      expect(project?.document.name).toBe('Tiny');
      expect(project?.path).toBe(projectPath);
      // The project's folder became browsable.
      const roots = await mode.services.dispatch('files.roots', {}, { transport: 'web', clientId: 'test' });
      expect(roots.ok && (roots.value as { roots: { path: string }[] }).roots.map((r) => r.path)).toContain(dir);
    } finally {
      await mode.stop();
    }
  });

  it('still starts when the project cannot be opened, and says why', async () => {
    const missing = join(dir, 'missing.trtstudio');
    const { mode, printed } = await start([missing, '--port', '0'], 'b');
    try {
      expect(printed[0]).toMatch(new RegExp(`^error: Cannot open ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
      expect(printed[1]).toMatch(/^TRT Studio is running at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    } finally {
      await mode.stop();
    }
  });

  it('starts with a project of deeply nested JSON, showing the loader’s refusal instead of an internal error', async () => {
    const deep = join(dir, 'deep.trtstudio');
    const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    await writeFile(
      deep,
      `{"format":"trtstudio","version":1,"network":{"name":"Deep","nodes":[{"id":"n1","type":"addActivation","name":"a","params":{"alpha":${nested}}}]}}`,
    );
    const { mode, printed } = await start([deep, '--port', '0'], 'deep');
    try {
      expect(printed[0]).toBe(
        `error: ${deep} was refused: network.nodes[0].params.alpha${'[0]'.repeat(27)} is nested deeper than 32 levels; expected a flatter payload.`,
      );
      expect(printed[1]).toMatch(/^TRT Studio is running at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const startup = await mode.services.dispatch('host.startup', {}, { transport: 'web', clientId: 'test' });
      expect(startup.ok && (startup.value as MethodResult<'host.startup'>).diagnostics.map((d) => d.code)).toEqual(['project.limit']);
    } finally {
      await mode.stop();
    }
  });

  it('opens a project the API can carry: a layer name over the shared limit is the loader’s refusal, not an invalid result', async () => {
    const long = join(dir, 'long-name.trtstudio');
    const doc = emptyDocument('Long');
    doc.nodes.push({ id: 'n1', type: 'addActivation', name: 'r'.repeat(5000), params: { type: 'RELU', alpha: 0, beta: 0 } });
    await writeFile(long, serializeProject(doc));
    const { mode } = await start(['--port', '0', '--root', dir], 'long');
    try {
      const opened = await mode.services.dispatch('project.open', { path: long }, { transport: 'web', clientId: 'test' });
      expect(opened).toEqual({
        ok: false,
        diagnostics: [
          {
            severity: 'error',
            code: 'project.node',
            message: `Node 'n1' "name" is 5000 characters long; the limit is 1024. It starts "${'r'.repeat(40)}".`,
            nodeId: 'n1',
            field: 'name',
            detail: long,
          },
        ],
      });
    } finally {
      await mode.stop();
    }
  });

  it('takes the next port when the default one is busy, but not when --port was given', async () => {
    const probe = await occupy(0);
    const busy = (probe.address() as { port: number }).port;
    // Keep the probe: its port is the busy one; the one after it is usually free.
    const next = await occupy(busy + 1).then(
      (s) => new Promise<boolean>((r) => s.close(() => r(true))),
      () => false,
    );
    try {
      if (next) {
        const printed: string[] = [];
        const mode = await startBrowserMode(
          { ...args([], 'c'), port: busy },
          { log: memoryLog(), print: (l) => printed.push(l), rendererDir: join(dir, 'renderer') },
        );
        expect(mode.host.port).toBe(busy + 1);
        await mode.stop();
      }
      await expect(start(['--port', String(busy)], 'd')).rejects.toThrow(
        `Cannot listen on 127.0.0.1:${busy}: listen EADDRINUSE: address already in use 127.0.0.1:${busy}. Pass another --port, or --port 0 for any free one.`,
      );
    } finally {
      await new Promise((r) => probe.close(r));
    }
  });

  it('warns when it listens beyond this machine', async () => {
    const { mode, printed } = await start(['--port', '0', '--host', '0.0.0.0'], 'e');
    try {
      expect(printed[0]).toBe(
        'warning: listening on 0.0.0.0, reachable from other machines; anyone with the URL (and its token) can use this host. Prefer 127.0.0.1 with SSH port forwarding.',
      );
      expect(printed[1]).toMatch(/^TRT Studio is running at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    } finally {
      await mode.stop();
    }
  });
});
