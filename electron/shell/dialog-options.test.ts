import { describe, expect, it } from 'vitest';
import { openDialogSettings, saveDialogSettings, withDefaultExtension } from './dialog-options.js';

describe('native dialog settings', () => {
  it('filter an open dialog by the purpose’s extensions, with all files as a fallback', () => {
    expect(openDialogSettings('weights', false)).toEqual({
      title: 'Import weights',
      filters: [
        { name: 'Weights (.wts, .safetensors, .npz)', extensions: ['wts', 'safetensors', 'npz'] },
        { name: 'All files', extensions: ['*'] },
      ],
      properties: ['openFile'],
    });
    expect(openDialogSettings('images', true, 'Pick digits')).toMatchObject({ title: 'Pick digits', properties: ['openFile', 'multiSelections'] });
    expect(openDialogSettings('images', true).filters[0]!.extensions).toEqual(['png', 'jpg', 'jpeg', 'bmp', 'webp', 'gif', 'tif', 'tiff', 'npy']);
    expect(openDialogSettings('folder', true)).toEqual({ title: 'Choose a folder', filters: [], properties: ['openDirectory'] });
  });

  it('filter an export by the suggested name’s extension', () => {
    expect(saveDialogSettings('export', 'resnet18.onnx')).toEqual({
      title: 'Export',
      filters: [
        { name: '.onnx files', extensions: ['onnx'] },
        { name: 'All files', extensions: ['*'] },
      ],
      defaultPath: 'resnet18.onnx',
    });
    expect(saveDialogSettings('project', 'lenet5.trtstudio').filters[0]).toEqual({ name: 'TRT Studio projects', extensions: ['trtstudio'] });
    expect(saveDialogSettings('export')).toEqual({ title: 'Export', filters: [{ name: 'All files', extensions: ['*'] }] });
  });

  it('start in the folder they are given', () => {
    expect(saveDialogSettings('project', 'googlenet.trtstudio', undefined, '/home/ana/models').defaultPath).toBe('/home/ana/models/googlenet.trtstudio');
    expect(saveDialogSettings('export', undefined, undefined, '/home/ana/models').defaultPath).toBe('/home/ana/models');
    expect(openDialogSettings('openable', false, undefined, '/home/ana/models').defaultPath).toBe('/home/ana/models');
    expect(openDialogSettings('folder', false, undefined, '/home/ana').defaultPath).toBe('/home/ana');
    expect(openDialogSettings('weights', false)).not.toHaveProperty('defaultPath');
  });

  it('add the project extension when the user typed none', () => {
    expect(withDefaultExtension('/home/u/lenet', 'project')).toBe('/home/u/lenet.trtstudio');
    expect(withDefaultExtension('/home/u/lenet.trtstudio', 'project')).toBe('/home/u/lenet.trtstudio');
    expect(withDefaultExtension('/home/u.d/lenet', 'project')).toBe('/home/u.d/lenet.trtstudio');
    expect(withDefaultExtension('/home/u/out', 'export')).toBe('/home/u/out');
  });
});
