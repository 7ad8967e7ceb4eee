import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerAppRequest } from './app-protocol.js';

let dir: string;
let renderer: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trt-app-protocol-'));
  renderer = join(dir, 'renderer');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>TRT Studio</title>');
  await writeFile(join(renderer, 'assets', 'index.js'), 'export {};');
  await writeFile(join(dir, 'secret.txt'), 'SECRET');
  await symlink(join(dir, 'secret.txt'), join(renderer, 'assets', 'link.txt'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the app:// scheme', () => {
  it('serves the page and its scripts from the renderer folder with a strict CSP', async () => {
    const page = await answerAppRequest(renderer, 'app://trt-studio/index.html', 'GET');
    expect(page.status).toBe(200);
    expect(page.file).toBe(join(renderer, 'index.html'));
    expect(page.headers['Content-Type']).toBe('text/html; charset=utf-8');
    const csp = page.headers['Content-Security-Policy']!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|http|\*)/);
    expect(csp).toContain("object-src 'none'");
    const script = await answerAppRequest(renderer, 'app://trt-studio/assets/index.js?v=1', 'GET');
    expect(script).toMatchObject({ status: 200, file: join(renderer, 'assets', 'index.js'), headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
    expect((await answerAppRequest(renderer, 'app://trt-studio/', 'GET')).file).toBe(join(renderer, 'index.html'));
  });

  it('refuses anything outside the folder, other hosts and writes', async () => {
    expect((await answerAppRequest(renderer, 'app://trt-studio/%2e%2e/secret.txt', 'GET')).status).toBe(403);
    expect((await answerAppRequest(renderer, 'app://trt-studio/assets/..%2f..%2fsecret.txt', 'GET')).status).toBe(403);
    expect((await answerAppRequest(renderer, 'app://trt-studio/..%5csecret.txt', 'GET')).status).toBe(403);
    const link = await answerAppRequest(renderer, 'app://trt-studio/assets/link.txt', 'GET');
    expect(link).toMatchObject({ status: 403, body: 'A link inside the app folder points outside it.\n' });
    expect(link.file).toBeUndefined();
    expect(await answerAppRequest(renderer, 'app://elsewhere/index.html', 'GET')).toMatchObject({ status: 404 });
    expect(await answerAppRequest(renderer, 'app://trt-studio/index.html', 'POST')).toMatchObject({ status: 405 });
    expect(await answerAppRequest(renderer, 'app://trt-studio/assets/missing.js', 'GET')).toMatchObject({
      status: 404,
      body: 'Not found: /assets/missing.js\n',
    });
  });

  it('explains a missing build instead of showing a blank window', async () => {
    const r = await answerAppRequest(join(dir, 'not-built'), 'app://trt-studio/index.html', 'GET');
    expect(r.status).toBe(503);
    expect(r.body).toContain('Run <code>npm run build:renderer</code>');
  });
});
