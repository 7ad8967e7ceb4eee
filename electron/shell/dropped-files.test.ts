import { describe, expect, it } from 'vitest';
import { classifyFiles, ignoredFilesMessage, openableKind } from './dropped-files.js';

describe('dropped files', () => {
  it('are recognised by extension, in any case', () => {
    const cases: [string, string | undefined][] = [
      ['/m/resnet18.trtstudio', 'project'],
      ['/m/resnet18.wts', 'weights'],
      ['C:\\models\\LeNet5.WTS', 'weights'],
      ['/m/model.onnx', 'onnx'],
      ['/m/model.engine', 'engine'],
      ['/m/model.plan', 'engine'],
      ['/img/cat.JPG', 'image'],
      ['/img/digit.png', 'image'],
      ['/img/scan.tiff', 'image'],
      ['/in/input.npy', 'image'],
      ['/m/notes.txt', undefined],
      ['/m/.wts', undefined],
      ['/m/wts', undefined],
      ['/m.wts/readme', undefined],
    ];
    for (const [path, kind] of cases) expect(openableKind(path), path).toBe(kind);
  });

  it('open projects first, then weights, models, engines and images, once each; the rest is named', () => {
    const result = classifyFiles(['/i/cat.png', '/m/r.wts', '/m/readme.md', '/m/r.trtstudio', '/m/r.engine', '/m/r.onnx', '/i/cat.png', '/m/r.wts']);
    expect(result.open).toEqual([
      { path: '/m/r.trtstudio', kind: 'project' },
      { path: '/m/r.wts', kind: 'weights' },
      { path: '/m/r.onnx', kind: 'onnx' },
      { path: '/m/r.engine', kind: 'engine' },
      { path: '/i/cat.png', kind: 'image' },
    ]);
    expect(result.ignored).toEqual(['/m/readme.md']);
  });

  it('tell the user which files were not opened and what is accepted', () => {
    expect(ignoredFilesMessage([])).toBeUndefined();
    expect(ignoredFilesMessage(['/m/readme.md', 'C:\\x\\a.zip'])).toBe(
      'TRT Studio cannot open "readme.md", "a.zip"; it opens .trtstudio, .wts, .safetensors, .npz, .onnx, .engine, .plan, .png, .jpg, .jpeg, .bmp, .webp, .gif, .tif, .tiff, .npy files.',
    );
    expect(ignoredFilesMessage(['1', '2', '3', '4', '5', '6', '7'].map((n) => `/d/${n}.txt`))).toMatch(
      /^TRT Studio cannot open "1.txt", "2.txt", "3.txt", "4.txt", "5.txt" and 2 more;/,
    );
  });
});
