/** The Problems panel and the node badges show the network check: what run and build would stop on, not only shape errors. */
import { describe, expect, it } from 'vitest';
import { NAME_CLASH_MESSAGE, nameClash, ROUND_UP_MESSAGE, roundUpPooling } from '../../core/check/testing.js';
import { setParam } from '../../core/network/edit.js';
import { createEditorStore } from './editor-store.js';

describe('editor diagnostics', () => {
  it('show no error on a fresh, empty canvas, only what to do first', () => {
    expect(createEditorStore().getState().diagnostics).toEqual([
      {
        severity: 'info',
        code: 'network.empty',
        message: "Network 'Untitled' has no layers yet: drag a layer from the palette onto the canvas, or start from a model template.",
      },
    ]);
  });

  it('show a user layer named like a layer inside a composite, on that layer', () => {
    const doc = nameClash();
    const user = doc.nodes.find((n) => n.name === 'layer1.0.conv1')!;
    const s = createEditorStore(doc).getState();
    expect(s.diagnostics).toEqual([{ severity: 'error', code: 'lower.name.duplicate', message: NAME_CLASH_MESSAGE, nodeId: user.id }]);
    expect(s.nodeProblems[user.id]).toEqual({ severity: 'error', count: 1, first: NAME_CLASH_MESSAGE });
  });

  it('show a round-up pooling whose padding reaches the window, and clear when it rounds down', () => {
    const doc = roundUpPooling();
    const pool = doc.nodes[0]!.id;
    const store = createEditorStore(doc);
    expect(store.getState().diagnostics).toEqual([{ severity: 'error', code: 'onnx.layer', message: ROUND_UP_MESSAGE, nodeId: pool, field: 'windowSize' }]);
    store.getState().apply((d) => setParam(d, pool, 'paddingMode', 'EXPLICIT_ROUND_DOWN'));
    expect(store.getState().diagnostics).toEqual([]);
    expect(store.getState().nodeProblems[pool]).toBeUndefined();
  });
});
