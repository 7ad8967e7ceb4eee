/** Build and export start with the network check, so they stop on exactly what `check` and the Problems panel report. */
import { describe, expect, it } from 'vitest';
import { NAME_CLASH_MESSAGE, nameClash, ROUND_UP_MESSAGE, roundUpPooling } from '../../core/check/testing.js';
import { emptyDocument } from '../../core/network/types.js';
import { nodeFiles } from './node-files.js';
import { lowerNetwork, type WorkflowContext } from './index.js';

const logged: string[] = [];
const ctx: WorkflowContext = {
  backend: () => Promise.reject(new Error('The preflight must not reach a backend.')),
  files: nodeFiles(),
  progress: () => undefined,
  log: (_severity, line) => logged.push(line),
};

describe('the build preflight', () => {
  it('stops a round-up pooling that ONNX cannot express before anything is built', () => {
    const doc = roundUpPooling();
    const lowered = lowerNetwork(ctx, { doc, weights: () => undefined });
    expect(lowered).toEqual({
      ok: false,
      diagnostics: [{ severity: 'error', code: 'onnx.layer', message: ROUND_UP_MESSAGE, nodeId: doc.nodes[0]!.id, field: 'windowSize' }],
    });
  });

  it('reports a name clash with a composite before the missing weights', () => {
    const lowered = lowerNetwork(ctx, { doc: nameClash(), weights: () => undefined });
    expect(lowered.ok ? [] : lowered.diagnostics.map((d) => d.message)).toEqual([NAME_CLASH_MESSAGE]);
    expect(logged).toEqual([]);
  });

  it('stops a network without layers with the check’s own sentence', () => {
    const lowered = lowerNetwork(ctx, { doc: emptyDocument('blank'), weights: () => undefined });
    expect(lowered).toEqual({
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'network.empty',
          message: "Network 'blank' has no layers yet: drag a layer from the palette onto the canvas, or start from a model template.",
        },
      ],
    });
  });

  it('lowers a network that passes the check', () => {
    const lowered = lowerNetwork(ctx, { doc: roundUpPooling(5, { paddingMode: 'EXPLICIT_ROUND_DOWN' }), weights: () => undefined });
    expect(lowered.ok && lowered.value.program.ops.map((op) => op.layerName)).toEqual(['pool']);
    expect(logged).toEqual(["Lowered 'round-up' to 1 TensorRT layers."]);
  });
});
