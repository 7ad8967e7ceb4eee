/** The tensorrt backend's TensorRT-present paths, over the TensorRT test double (not TensorRT). */
import { describe, expect, it } from 'vitest';
import { templateProgram } from '../../../core/codegen/testing.js';
import { EngineHostClient } from '../../engine-host/client.js';
import { TensorRTBackend, TensorRTSession } from './backend.js';
import { readTestDoubleEngine, testDoubleEngineHost } from './tensorrt-test-double.js';

describe('TensorRTBackend over the TensorRT test double', () => {
  it('is available, builds through the engine host protocol, and reads the inspector view back to canvas nodes', async () => {
    const events: string[] = [];
    const backend = new TensorRTBackend({ host: new EngineHostClient(testDoubleEngineHost()), onBuildEvent: (e) => events.push(e.kind) });
    try {
      expect((await backend.available()).ok).toBe(true);
      const program = templateProgram('lenet5');
      const weights = new Map(program.weights.map((w) => [w.id, new Float32Array(w.count)]));
      const built = await backend.build({ program, weights });
      if (!built.ok) throw new Error(built.diagnostics[0]!.message);
      expect(built.value).toBeInstanceOf(TensorRTSession);
      const session = built.value as TensorRTSession;
      expect(readTestDoubleEngine(session.engine)?.layers).toHaveLength(program.ops.length);
      expect(events[0]).toBe('phaseStart');
      expect(events[events.length - 1]).toBe('phaseFinish');
      const inspection = await session.inspectLayers();
      if (!inspection.ok) throw new Error(inspection.diagnostics[0]!.message);
      expect(inspection.value.layout).toBe('11.x');
      expect(inspection.value.layers.slice(0, 2).map((l) => [l.name, l.nodeIds])).toEqual([
        ['conv1', ['n1']],
        ['relu1', ['n2']],
      ]);
      const foreign = backend.openEngine(new Uint8Array([1, 2, 3]), program);
      const refused = await foreign.inspectLayers();
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.diagnostics[0]!.message).toBe('The TensorRT test double reads only engines it built.');
    } finally {
      backend.dispose();
    }
  });
});
