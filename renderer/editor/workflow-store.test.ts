import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../../core/templates/index.js';
import { createEditorStore } from './editor-store.js';

describe('the workflow slice of the editor store', () => {
  it('checks bindings against loaded weights on every edit and forgets them when unloaded', () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    expect(store.getState().diagnostics.some((d) => d.code === 'weights.missing')).toBe(false);
    store.getState().setWeights({
      set: { id: 'w1', fileName: 'a.wts', path: '/a.wts', tensorCount: 1, elementCount: 6, fileBytes: 100, loadedAt: '' },
      tensors: [{ name: 'conv1.bias', count: 6 }],
    });
    const missing = store.getState().diagnostics.filter((d) => d.code === 'weights.missing');
    // conv1 and conv2 kernels, and weight and bias of fc1, fc2, fc3 (a convolution's bias is optional).
    expect(missing).toHaveLength(8);
    expect(store.getState().weightStatus.n1).toBe('bad:0/2');
    store.getState().setWeights(undefined);
    expect(store.getState().diagnostics.some((d) => d.code.startsWith('weights.'))).toBe(false);
    expect(store.getState().weightStatus).toEqual({});
  });

  it('keeps the chosen engine while it is still built, and clears the heat when another network is opened', () => {
    const store = createEditorStore(buildTemplate('lenet5')!);
    const engine = (id: string) => ({
      engineId: id,
      backend: 'onnxruntime' as const,
      networkName: 'lenet5',
      sizeBytes: 1,
      buildMs: 1,
      builtAt: '',
      options: { backend: 'onnxruntime' as const, precision: 'fp32' as const, workspaceMiB: 1, optimizationLevel: 3, timingCachePath: null, profiles: {} },
    });
    store.getState().setEngines([engine('e2'), engine('e1')], 'e1');
    store.getState().setEngines([engine('e3'), engine('e2'), engine('e1')]);
    expect(store.getState().engineId).toBe('e1');
    store.getState().setEngines([engine('e3')]);
    expect(store.getState().engineId).toBe('e3');
    store.getState().setHeat({ n1: 1 });
    expect(store.getState().heatLegend?.source).toBe('profile');
    store.getState().load(buildTemplate('resnet18')!);
    expect(store.getState().heat).toEqual({});
    expect(store.getState().heatLegend).toBeUndefined();
  });
});
