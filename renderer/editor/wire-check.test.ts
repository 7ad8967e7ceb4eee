import { describe, expect, it } from 'vitest';
import { addInput, addNode, connect } from '../../core/network/edit.js';
import { emptyDocument, type NetworkDocument } from '../../core/network/types.js';
import { inferShapes } from '../../core/shapes/infer.js';
import { tensorMismatch } from './wire-check.js';

function unwrap<T>(r: { ok: true; value: T } | { ok: false }): T {
  if (!r.ok) throw new Error('edit refused');
  return r.value;
}

function network(dims: number[], type: string): { doc: NetworkDocument; input: string; node: string } {
  let doc = emptyDocument();
  const input = unwrap(addInput(doc, { dims, position: { x: 0, y: 0 } }));
  doc = input.doc;
  const node = unwrap(addNode(doc, { type, position: { x: 200, y: 0 } }));
  return { doc: node.doc, input: input.nodeId, node: node.nodeId };
}

describe('tensorMismatch', () => {
  it('refuses a 2-D tensor into a convolution with the layer’s own message', () => {
    const { doc, input, node } = network([1, 10], 'addConvolutionNd');
    expect(tensorMismatch(doc, inferShapes(doc), { node: input, port: 'output' }, { node, port: 'input' })).toBe(
      'convolution: input must be 4-D (NCHW) or 5-D (NCDHW); got [1, 10]',
    );
  });

  it('accepts a 4-D tensor, a wire whose only problem is a parameter, and does not judge the first wire of a two-input layer', () => {
    const conv = network([1, 3, 224, 224], 'addConvolutionNd');
    expect(tensorMismatch(conv.doc, inferShapes(conv.doc), { node: conv.input, port: 'output' }, { node: conv.node, port: 'input' })).toBeUndefined();
    // 3-D input, 2 spatial kernel values: the kernel is at fault (a parameter), so the wire is allowed.
    const conv3d = network([1, 3, 8, 8, 8], 'addConvolutionNd');
    expect(tensorMismatch(conv3d.doc, inferShapes(conv3d.doc), { node: conv3d.input, port: 'output' }, { node: conv3d.node, port: 'input' })).toBeUndefined();
    const add = network([1, 10], 'addElementWise');
    expect(tensorMismatch(add.doc, inferShapes(add.doc), { node: add.input, port: 'output' }, { node: add.node, port: 'input1' })).toBeUndefined();
  });

  it('judges the second wire of an add against the first', () => {
    const a = network([1, 3, 8, 8], 'addElementWise');
    let doc = unwrap(connect(a.doc, { node: a.input, port: 'output' }, { node: a.node, port: 'input1' })).doc;
    const other = unwrap(addInput(doc, { dims: [1, 4, 8, 8], position: { x: 0, y: 100 } }));
    doc = other.doc;
    expect(tensorMismatch(doc, inferShapes(doc), { node: other.nodeId, port: 'output' }, { node: a.node, port: 'input2' })).toBe(
      'elementwise: inputs [1, 3, 8, 8] and [1, 4, 8, 8] cannot be broadcast: dimension 1 is 3 and 4',
    );
  });
});
