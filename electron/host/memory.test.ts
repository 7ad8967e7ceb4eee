/**
 * The web host's memory under a hostile message, measured in a separate host process: the peak
 * resident set (`process.resourceUsage().maxRSS`) after the message, not a timing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const root = resolve(import.meta.dirname, '..', '..');

/** The host process: services plus the web host on a free port; prints its port and token, then its peak RSS on each line it reads. */
const HOST_SCRIPT = `
const { createHostServices } = await import(${JSON.stringify(join(root, 'electron/services/host-services.ts'))});
const { startWebHost } = await import(${JSON.stringify(join(root, 'electron/host/server.ts'))});
const { memoryLog } = await import(${JSON.stringify(join(root, 'electron/services/log.ts'))});
const services = await createHostServices({ hostKind: 'web', configDir: process.env.CONFIG_DIR, log: memoryLog(), modules: [] });
const host = await startWebHost({ services, port: 0, host: '127.0.0.1', rendererDir: process.env.CONFIG_DIR });
console.log(JSON.stringify({ port: host.port, token: host.token }));
process.stdin.on('data', () => console.log(JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 })));
`;

let dir: string;
let child: ChildProcess;
const lines: string[] = [];
let host: { port: number; token: string };

async function nextLine(): Promise<Record<string, number | string>> {
  for (let i = 0; i < 2400 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  const line = lines.shift();
  if (line === undefined) throw new Error('the host process printed nothing');
  return JSON.parse(line) as Record<string, number | string>;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-memory-'));
  child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', HOST_SCRIPT], {
    cwd: root,
    env: { ...process.env, CONFIG_DIR: dir },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let buffered = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts.filter((l) => l.startsWith('{')));
  });
  host = (await nextLine()) as { port: number; token: string };
}, 60_000);

afterAll(async () => {
  child.kill();
  await rm(dir, { recursive: true, force: true });
});

/** Sends one text frame on a fresh connection and resolves with the host's first answer. */
async function sendOnce(message: string): Promise<unknown> {
  const socket = new WebSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${host.token}`);
  await new Promise((r, j) => (socket.once('open', r), socket.once('error', j)));
  const answered = new Promise<unknown>((r) => socket.once('message', (d: Buffer) => r(JSON.parse(d.toString('utf8')))));
  socket.send(message);
  const answer = await answered;
  socket.close();
  return answer;
}

async function peakRssBytes(): Promise<number> {
  child.stdin!.write('peak\n');
  return (await nextLine()).maxRssBytes as number;
}

/** A request whose document's nodes are `bytes` of one-element lists: the shape that once cost 3.6 GiB at 32 MiB. */
function listsOfZeros(method: string, bytes: number): string {
  const head = `{"type":"request","id":1,"method":"${method}","params":{"path":"/tmp/x.trtstudio","document":{"name":"x","nodes":[`;
  return `${head}${'[0],'.repeat(Math.floor((bytes - head.length - 8) / 4))}[0]]}}}`;
}

describe('a hostile WebSocket message', () => {
  it('of 32 MiB is refused naming the method and its limit; the host’s peak RSS stays under 500 MB', async () => {
    const message = listsOfZeros('project.save', 32 * 1024 * 1024);
    expect(message.length).toBeLessThanOrEqual(32 * 1024 * 1024);
    expect(await sendOnce(message)).toEqual({
      type: 'response',
      id: 1,
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'api.message.tooLarge',
          message:
            "The request 'project.save' was refused: it may be at most 8 MiB and this one is 32 MiB. Large data goes by file: import or upload it, then pass its path.",
        },
      ],
    });
    const peak = await peakRssBytes();
    console.log(`host peak RSS: ${(peak / 1e6).toFixed(0)} MB`);
    expect(peak).toBeLessThan(500 * 1000 * 1000);
  }, 60_000);

  it('just under its method’s limit (8 MiB) is walked once and refused by the item limit, within the same bound', async () => {
    const answer = (await sendOnce(listsOfZeros('project.save', 8 * 1024 * 1024 - 1024))) as { diagnostics: { message: string }[] };
    expect(answer.diagnostics[0]!.message).toBe(
      "The request 'project.save' was refused: params.document.nodes is a list of 2096865 entries; the limit is 200000.",
    );
    const peak = await peakRssBytes();
    console.log(`host peak RSS: ${(peak / 1e6).toFixed(0)} MB`);
    expect(peak).toBeLessThan(500 * 1000 * 1000);
  }, 60_000);
});
