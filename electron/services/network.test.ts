import { describe, expect, it } from 'vitest';
import { weightsOf } from './network.js';

describe('weightsOf', () => {
  const tensor = new Float32Array([1, 2]);
  const provided = { weightLookup: (id: string) => (id === 'set-1' ? (name: string) => (name === 'conv.weight' ? tensor : undefined) : undefined) };

  it('reads a loaded set by tensor name, and no set as a network without weights', () => {
    const loaded = weightsOf(provided, 'set-1');
    expect(loaded.ok && loaded.value('conv.weight')).toBe(tensor);
    const none = weightsOf(provided, null);
    expect(none.ok && none.value('conv.weight')).toBeUndefined();
  });

  it('names an unknown set id and says to import the file', () => {
    expect(weightsOf(provided, 'set-9')).toEqual({
      ok: false,
      diagnostics: [{ severity: 'error', code: 'weights.unknownSet', message: 'There is no loaded weight file with id "set-9"; import the .wts file first.' }],
    });
    expect(weightsOf({}, 'set-1').ok).toBe(false);
  });
});
