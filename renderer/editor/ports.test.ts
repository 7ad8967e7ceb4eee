import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../../core/network/types.js';
import { layerPorts } from './ports.js';

describe('layer ports', () => {
  it("give a variadic output one handle per output the layer's parameters give", () => {
    const doc = emptyDocument('ports');
    const split = { id: 'split', type: 'Split', name: 'split', params: { sizes: [1, 2, 3], dim: 1 } };
    const concat = { id: 'cat', type: 'addConcatenation', name: 'cat', params: { axis: 1 } };
    doc.nodes.push(split, concat);
    doc.edges.push({ id: 'e0', from: { node: 'split', port: 'output.2' }, to: { node: 'cat', port: 'inputs.0' } });
    expect(layerPorts(doc, split)).toEqual({ inputs: ['input'], outputs: ['output.0', 'output.1', 'output.2'] });
    expect(layerPorts(doc, { ...split, params: { sizes: [4], dim: 1 } }).outputs).toEqual(['output.0']);
    expect(layerPorts(doc, concat)).toEqual({ inputs: ['inputs.0', 'inputs.1'], outputs: ['output'] });
  });
});
