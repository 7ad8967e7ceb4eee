// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { rememberChosen, startFolder } from './file-picking.js';
import { folderOf } from './host-paths.js';

describe('where a file dialog starts', () => {
  it('takes the folder of a path on either kind of host', () => {
    expect(folderOf('/home/ana/models/googlenet.onnx')).toBe('/home/ana/models');
    expect(folderOf('/googlenet.onnx')).toBe('/');
    expect(folderOf('C:\\Users\\ana\\net.trtstudio')).toBe('C:\\Users\\ana');
  });

  it('prefers the request’s folder, then the project’s, then the last folder chosen in this tab (kept across a reload)', () => {
    expect(startFolder({}, undefined)).toBeUndefined();
    rememberChosen('openable', ['/home/ana/models/googlenet.onnx']);
    expect(startFolder({}, undefined)).toBe('/home/ana/models');
    expect(sessionStorage.getItem('trt-studio.recentFolder')).toBe('/home/ana/models');
    expect(startFolder({}, '/home/ana/nets/lenet.trtstudio')).toBe('/home/ana/nets');
    expect(startFolder({ folder: '/data' }, '/home/ana/nets/lenet.trtstudio')).toBe('/data');
    rememberChosen('folder', ['/home/ana/outputs']);
    rememberChosen('images', []);
    expect(startFolder({}, undefined)).toBe('/home/ana/outputs');
  });
});
