import { describe, expect, it } from 'vitest';
import { formatDims, formatInputDims } from './dims.js';

describe('an input’s dims as the editor shows them', () => {
  it('puts the ONNX names of dynamic dimensions in their place, ? for an unnamed one', () => {
    expect(formatInputDims([-1, 3, 224, 224], ['batch', '', '', ''])).toBe('[batch, 3, 224, 224]');
    expect(formatInputDims([-1, 3, -1, -1], ['N', '', 'height', ''])).toBe('[N, 3, height, ?]');
    expect(formatInputDims([-1, 3, 224, 224])).toBe(formatDims([-1, 3, 224, 224]));
    expect(formatInputDims([-1, 3, 224, 224])).toBe('[?, 3, 224, 224]');
  });
});
