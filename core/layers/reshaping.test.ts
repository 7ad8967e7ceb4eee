import { describe, expect, it } from 'vitest';
import { connect, expandComposite, setParam } from '../network/edit.js';
import { emptyDocument, type NetworkDocument } from '../network/types.js';
import { inferShapes } from '../shapes/infer.js';
import { findOutputPort, getLayerSpec, outputPortNames } from './catalog.js';
import { outDims, runLayer, tensor } from './testing.js';

const x = tensor([2, 6, 3, 2]);

describe('Split and Chunk', () => {
  it('give one output per size, output.0 first', () => {
    const run = runLayer('Split', { sizes: [1, 3, 2], dim: 1 }, { input: x });
    expect(Object.fromEntries(Object.entries(run.outputs).map(([port, t]) => [port, t.dims]))).toEqual({
      'output.0': [2, 1, 3, 2],
      'output.1': [2, 3, 3, 2],
      'output.2': [2, 2, 3, 2],
    });
    expect(outputPortNames(getLayerSpec('Split')!, { sizes: [1, 3, 2] })).toEqual(['output.0', 'output.1', 'output.2']);
  });

  it("take torch.chunk's sizes, and say when torch.chunk would give fewer pieces than asked", () => {
    expect(outDims('Chunk', { chunks: 4, dim: 1 }, { input: tensor([1, 10, 2, 2]) }, 'output.3')).toEqual([1, 1, 2, 2]);
    expect(outDims('Chunk', { chunks: 4, dim: 1 }, { input: x })).toBe(
      'error: torch.chunk gives 3 chunks of [2, 2, 2] here, not 4: dimension 1 has 6 elements; set chunks to 3 or use Split',
    );
  });

  it('report sizes that do not add up, and dims that are not static, naming the values', () => {
    expect(runLayer('Split', { sizes: [2, 2], dim: -1 }, { input: x }).error).toEqual({
      message: 'sizes [2, 2] add up to 4, but dimension 3 of the input [2, 6, 3, 2] is 2',
      field: 'sizes',
    });
    expect(runLayer('Split', { sizes: [3, 3] }, { input: tensor([-1, 6, 3, 2]) }).error?.message).toBe(
      'the input [?, 6, 3, 2] has a dynamic dimension; the slices of a split need every dimension known at build time',
    );
  });
});

describe('Flatten and ChannelShuffle', () => {
  it("flatten with PyTorch's start_dim and end_dim, negative ones counting from the end", () => {
    expect(outDims('Flatten', {}, { input: x })).toEqual([2, 36]);
    expect(outDims('Flatten', { startDim: 0, endDim: 1 }, { input: x })).toEqual([12, 3, 2]);
    expect(outDims('Flatten', { startDim: 2, endDim: -1 }, { input: tensor([-1, 6, 3, 2]) })).toEqual([-1, 6, 6]);
    expect(outDims('Flatten', { startDim: 1, endDim: 2 }, { input: tensor([2, -1, 3, 2]) })).toEqual([2, -1, 2]);
    expect(outDims('Flatten', { startDim: 2, endDim: 1 }, { input: x })).toBe('error: startDim 2 comes after endDim 1; flatten needs start_dim ≤ end_dim');
  });

  it('shuffle channels only when they divide into the groups', () => {
    expect(outDims('ChannelShuffle', { groups: 3 }, { input: x })).toEqual([2, 6, 3, 2]);
    expect(outDims('ChannelShuffle', { groups: 4 }, { input: x })).toBe('error: 6 channels do not divide into 4 groups');
  });
});

/** input → Split [2, 2] → a ReLU on output.1. */
function splitDocument(): NetworkDocument {
  const doc = emptyDocument('split');
  doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 4, 2, 2] });
  doc.nodes.push({ id: 'split', type: 'Split', name: 'split', params: { sizes: [2, 2], dim: 1 } });
  doc.nodes.push({ id: 'relu', type: 'addActivation', name: 'relu', params: { type: 'RELU', alpha: 0, beta: 0 } });
  doc.edges.push({ id: 'e0', from: { node: 'in', port: 'output' }, to: { node: 'split', port: 'input' } });
  doc.edges.push({ id: 'e1', from: { node: 'split', port: 'output.1' }, to: { node: 'relu', port: 'input' } });
  return doc;
}

describe('a variadic output in the document', () => {
  it('takes wires on the outputs its parameters give and refuses others', () => {
    const doc = splitDocument();
    expect(inferShapes(doc).diagnostics).toEqual([]);
    expect(findOutputPort(getLayerSpec('Split')!, 'output.2', { sizes: [2, 2] })).toBeUndefined();
    const wired = connect(doc, { node: 'split', port: 'output.2' }, { node: 'relu', port: 'input' });
    expect(!wired.ok && wired.diagnostics[0]!.message).toContain("'split' has no output 'output.2'");
  });

  it('reports a wire left on an output that a parameter edit removed', () => {
    const edited = setParam(splitDocument(), 'split', 'sizes', [4]);
    expect(edited.ok).toBe(true);
    const report = inferShapes(edited.ok ? edited.value : splitDocument());
    expect(report.diagnostics.map((d) => d.message)).toEqual([
      "Layer 'relu' reads the output 'output.1' of 'split', which has only the outputs output.0; rewire it or change 'split'.",
    ]);
  });

  it('expands in place into its slices, with the wire moved to the second slice', () => {
    const expanded = expandComposite(splitDocument(), 'split');
    if (!expanded.ok) throw new Error(expanded.diagnostics[0]!.message);
    const { doc } = expanded.value;
    expect(doc.nodes.map((n) => `${n.name}:${n.type}`)).toEqual(['split.0:addSlice', 'split.1:addSlice', 'relu:addActivation']);
    const second = doc.nodes.find((n) => n.name === 'split.1')!;
    expect(second.params).toMatchObject({ start: [0, 2, 0, 0], size: [1, 2, 2, 2] });
    expect(doc.edges.find((e) => e.to.node === 'relu')!.from).toEqual({ node: second.id, port: 'output' });
    expect(inferShapes(doc).diagnostics).toEqual([]);
  });

  it('refuses to expand a Split whose input is not connected, saying why', () => {
    const doc = splitDocument();
    const expanded = expandComposite({ ...doc, edges: doc.edges.filter((e) => e.id !== 'e0') }, 'split');
    expect(!expanded.ok && expanded.diagnostics[0]!.message).toBe(
      "Layer 'split' (Split) cannot be expanded: Split needs its input connected: its layers take their sizes from the input tensor.",
    );
  });
});
