import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProject } from '../../core/network/project-file.js';
import { inferShapes } from '../../core/shapes/infer.js';
import { runCli } from './main.js';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('trt-studio template', () => {
  it('--list names every template', async () => {
    const { code, out } = await cli('template', '--list');
    expect(code).toBe(0);
    expect(out.split('\n').map((l) => l.split(/\s+/)[0])).toEqual([
      'lenet5',
      'resnet18',
      'resnet34',
      'resnet50',
      'resnet101',
      'resnet152',
      'vgg11',
      'vgg11_bn',
      'vgg16',
      'vgg16_bn',
      'mobilenet_v2',
      'squeezenet1_1',
      'resnext50_32x4d',
      'shufflenet_v2_x1_0',
      'densenet121',
      'efficientnet_b0',
      'googlenet',
      'mobilenet_v3_small',
      'regnet_x_400mf',
      'yolov8n',
      'yolov8s',
      'yolov5s',
    ]);
  });

  it('writes a project that loads and infers without Diagnostics', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'trt-template-')), 'r50.trtstudio');
    const { code, out } = await cli('template', 'resnet50', '-o', path);
    expect(code).toBe(0);
    expect(out).toBe(`Wrote ${path}: resnet50, 22 layers, input 'data' [1, 3, 224, 224], output 'logits'.`);
    const loaded = parseProject(await readFile(path, 'utf8'), path);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(inferShapes(loaded.value).diagnostics).toEqual([]);
  });

  it('exits 2 for an unknown template or a missing -o', async () => {
    const unknown = await cli('template', 'resnet-50', '-o', '/tmp/x.trtstudio');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe(
      "There is no template 'resnet-50'; expected one of lenet5, resnet18, resnet34, resnet50, resnet101, resnet152, vgg11, vgg11_bn, vgg16, vgg16_bn, mobilenet_v2, squeezenet1_1, resnext50_32x4d, shufflenet_v2_x1_0, densenet121, efficientnet_b0, googlenet, mobilenet_v3_small, regnet_x_400mf, yolov8n, yolov8s, yolov5s.",
    );
    expect((await cli('template', 'lenet5')).code).toBe(2);
  });
});
