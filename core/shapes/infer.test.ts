import { describe, expect, it } from 'vitest';
import { emptyDocument, type NetworkDocument } from '../network/types.js';
import type { CompositeSpec } from '../layers/types.js';
import { evaluate, inferShapes } from './infer.js';

function lenetLike(): NetworkDocument {
  const doc = emptyDocument('lenet');
  doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 1, 32, 32] });
  doc.nodes.push(
    {
      id: 'c1',
      type: 'addConvolutionNd',
      name: 'conv1',
      params: {
        nbOutputMaps: 6,
        kernelSize: [5, 5],
        stride: [1, 1],
        prePadding: [0, 0],
        postPadding: [0, 0],
        paddingMode: 'EXPLICIT_ROUND_DOWN',
        dilation: [1, 1],
        nbGroups: 1,
      },
    },
    {
      id: 'p1',
      type: 'addPoolingNd',
      name: 'pool1',
      params: {
        type: 'AVERAGE',
        windowSize: [2, 2],
        stride: [2, 2],
        prePadding: [0, 0],
        postPadding: [0, 0],
        paddingMode: 'EXPLICIT_ROUND_DOWN',
        averageCountExcludesPadding: true,
        blendFactor: 0,
      },
    },
    { id: 'fc', type: 'Linear', name: 'fc1', params: { inFeatures: 6 * 14 * 14, outFeatures: 120, bias: true } },
  );
  doc.edges.push(
    { id: 'e1', from: { node: 'in', port: 'output' }, to: { node: 'c1', port: 'input' } },
    { id: 'e2', from: { node: 'c1', port: 'output' }, to: { node: 'p1', port: 'input' } },
    { id: 'e3', from: { node: 'p1', port: 'output' }, to: { node: 'fc', port: 'input' } },
  );
  return doc;
}

describe('inferShapes', () => {
  it('infers a convolution, pooling and Linear chain', () => {
    const report = inferShapes(lenetLike());
    expect(report.diagnostics).toEqual([]);
    expect(report.nodes.c1!.outputs.output!.dims).toEqual([1, 6, 28, 28]);
    expect(report.nodes.p1!.outputs.output!.dims).toEqual([1, 6, 14, 14]);
    expect(report.nodes.fc!.outputs.output!.dims).toEqual([1, 120]);
    expect(report.nodes.fc!.weights.map((w) => [w.name, w.count])).toEqual([
      ['weight', 120 * 1176],
      ['bias', 120],
    ]);
  });

  it('reports a cycle and an unconnected input at once', () => {
    const doc = lenetLike();
    doc.edges = doc.edges.filter((e) => e.id !== 'e1');
    doc.edges.push({ id: 'e4', from: { node: 'fc', port: 'output' }, to: { node: 'c1', port: 'input' } });
    doc.nodes.push({ id: 'a', type: 'addActivation', name: 'relu', params: { type: 'RELU', alpha: 0, beta: 0 } });
    const codes = inferShapes(doc).diagnostics.map((d) => `${d.code}:${d.nodeId}`);
    expect(codes).toEqual(['shape.cycle:c1', 'shape.cycle:p1', 'shape.cycle:fc', 'shape.input.unconnected:a']);
  });
});

describe('inferShapes diagnostics and incrementality', () => {
  it('names the node, type and field of an invalid combination', () => {
    const doc = lenetLike();
    doc.nodes[0] = { ...doc.nodes[0]!, params: { ...doc.nodes[0]!.params, nbGroups: 4 } };
    const report = inferShapes(doc);
    expect(report.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'shape.invalid',
        message: "Layer 'conv1' (addConvolutionNd): input channels 1 are not divisible by nbGroups 4.",
        nodeId: 'c1',
        field: 'nbGroups',
      },
    ]);
    // Downstream nodes are left without outputs rather than reported again.
    expect(report.nodes.p1!.outputs).toEqual({});
  });

  it('reports an error inside a composite under the composite, naming the inner layer', () => {
    const doc = lenetLike();
    doc.nodes[2] = { ...doc.nodes[2]!, params: { inFeatures: 100, outFeatures: 120, bias: true } };
    expect(inferShapes(doc).diagnostics.map((d) => d.message)).toEqual([
      "Layer 'fc1' (Linear): inFeatures is 100 but the input [1, 6, 14, 14] has 1176 features per sample.",
    ]);
  });

  it('reports a block whose inplanes disagree with its input, on the inplanes field', () => {
    const doc = emptyDocument('blocks');
    doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 1024, 14, 14] });
    doc.nodes.push({ id: 'b', type: 'Bottleneck', name: 'layer4.0', params: { inplanes: 512, planes: 256 } });
    doc.edges.push({ id: 'e', from: { node: 'in', port: 'output' }, to: { node: 'b', port: 'input' } });
    expect(inferShapes(doc).diagnostics).toEqual([
      {
        severity: 'error',
        code: 'shape.invalid',
        message: "Layer 'layer4.0' (Bottleneck): inplanes is 512 but the input [1, 1024, 14, 14] has 1024 channels.",
        nodeId: 'b',
        field: 'inplanes',
      },
    ]);
    doc.nodes[0] = { ...doc.nodes[0]!, params: { inplanes: 1024, planes: 256 } };
    const fixed = inferShapes(doc);
    expect(fixed.diagnostics).toEqual([]);
    expect(fixed.nodes.b!.weights.find((w) => w.name === 'conv1.weight')!.shape).toEqual([256, 1024, 1, 1]);
  });

  it('leaves a derived parameter unchecked while the input dimension is dynamic', () => {
    const doc = emptyDocument('dynamic');
    doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [-1, 400] });
    doc.nodes.push({ id: 'fc', type: 'Linear', name: 'fc', params: { inFeatures: 400, outFeatures: 10, bias: true } });
    doc.edges.push({ id: 'e', from: { node: 'in', port: 'output' }, to: { node: 'fc', port: 'input' } });
    expect(inferShapes(doc).diagnostics).toEqual([]);
    doc.inputs[0] = { ...doc.inputs[0]!, dims: [1, -1] };
    expect(inferShapes(doc).diagnostics.map((d) => d.message)).not.toContainEqual(expect.stringContaining('features per sample'));
  });

  it('fills parameters a document leaves out with their defaults', () => {
    const doc = lenetLike();
    doc.nodes[1] = { ...doc.nodes[1]!, params: { type: 'MAX', windowSize: [2, 2] } };
    expect(inferShapes(doc).nodes.p1!.outputs.output!.dims).toEqual([1, 6, 14, 14]);
  });

  it('keeps downstream results when an edit leaves a node output unchanged', () => {
    const doc = lenetLike();
    const first = inferShapes(doc);
    // Switching pooling from AVERAGE to MAX changes no shape: fc1's result must be reused as is.
    const edited = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'p1' ? { ...n, params: { ...n.params, type: 'MAX' } } : n)) };
    const second = inferShapes(edited);
    expect(second.nodes.p1!.outputs.output).toBe(first.nodes.p1!.outputs.output);
    expect(second.nodes.fc!.outputs.output).toBe(first.nodes.fc!.outputs.output);
    // A shape-changing edit propagates.
    const widened = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'c1' ? { ...n, params: { ...n.params, nbOutputMaps: 8 } } : n)) };
    const third = inferShapes(widened);
    expect(third.nodes.p1!.outputs.output!.dims).toEqual([1, 8, 14, 14]);
    expect(third.diagnostics.map((d) => d.message)).toEqual([
      "Layer 'fc1' (Linear): inFeatures is 1176 but the input [1, 8, 14, 14] has 1568 features per sample.",
    ]);
  });
});

describe('derived composite slots', () => {
  it('pass nested slots through and keep optional inner slots optional', () => {
    const doc = emptyDocument('nested');
    doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 16, 8, 8] });
    doc.nodes.push({ id: 'b', type: 'InvertedResidual', name: 'features.2', params: { inp: 16, oup: 24, stride: 2, expandRatio: 6 } });
    doc.edges.push({ id: 'e', from: { node: 'in', port: 'output' }, to: { node: 'b', port: 'input' } });
    const slots = inferShapes(doc).nodes.b!.weights;
    expect(slots.slice(0, 2).map((s) => [s.name, s.torchSuffix, s.count, s.shape])).toEqual([
      ['conv.0.0.weight', 'conv.0.0.weight', 96 * 16, [96, 16, 1, 1]],
      ['conv.0.1.weight', 'conv.0.1.weight', 96, [96]],
    ]);
    expect(slots.every((s) => s.optional === undefined)).toBe(true);
  });

  it('marks a passed-through optional slot optional', () => {
    // A composite written for this test: a convolution whose optional bias is passed through.
    const convWithBias: CompositeSpec = {
      kind: 'composite',
      type: 'ConvWithBias',
      category: 'Blocks',
      label: 'test',
      doc: 'test composite',
      params: [],
      inputs: [{ name: 'input', doc: 'input' }],
      outputs: [{ name: 'output', doc: 'output' }],
      expand: () => ({
        nodes: [{ id: 'c', type: 'addConvolutionNd', name: 'conv', params: { nbOutputMaps: 4 } }],
        edges: [{ from: { input: 'input' }, to: { node: 'c', port: 'input' } }],
        outputs: { output: { node: 'c', port: 'output' } },
        weights: [
          { node: 'c', slot: 'kernel', source: { kind: 'slot', slot: 'conv.weight' } },
          { node: 'c', slot: 'bias', source: { kind: 'slot', slot: 'conv.bias' } },
        ],
      }),
    };
    const result = evaluate(convWithBias, {}, { input: { dims: [1, 3, 8, 8], dtype: 'FLOAT' } });
    expect(result.weights.map((s) => [s.name, s.count, s.optional ?? false])).toEqual([
      ['conv.weight', 4 * 3 * 9, false],
      ['conv.bias', 4, true],
    ]);
  });
});

describe('a composite that fails', () => {
  it('still lists its derived slots, with unknown counts', () => {
    const doc = emptyDocument('broken');
    doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 32, 8, 8] });
    doc.nodes.push({ id: 'b', type: 'BasicBlock', name: 'layer1.0', params: { inplanes: 64, planes: 64, stride: 1 } });
    doc.edges.push({ id: 'e', from: { node: 'in', port: 'output' }, to: { node: 'b', port: 'input' } });
    const report = inferShapes(doc);
    expect(report.diagnostics.map((d) => d.message)).toEqual(["Layer 'layer1.0' (BasicBlock): inplanes is 64 but the input [1, 32, 8, 8] has 32 channels."]);
    const slots = report.nodes.b!.weights;
    expect(slots.map((s) => s.name)).toEqual([
      'conv1.weight',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'conv2.weight',
      'bn2.weight',
      'bn2.bias',
      'bn2.running_mean',
      'bn2.running_var',
    ]);
    expect(slots.every((s) => s.count === undefined)).toBe(true);
  });
});

describe('the cached wiring', () => {
  it('is rebuilt when an edit changes the edges', () => {
    const doc = lenetLike();
    expect(inferShapes(doc).diagnostics).toEqual([]);
    const disconnected = { ...doc, edges: doc.edges.filter((e) => e.id !== 'e3') };
    expect(inferShapes(disconnected).diagnostics.map((d) => d.message)).toEqual(["Layer 'fc1' (Linear) needs its 'input' input connected."]);
    const rewired = { ...disconnected, edges: [...disconnected.edges, { id: 'e9', from: { node: 'c1', port: 'output' }, to: { node: 'fc', port: 'input' } }] };
    const report = inferShapes(rewired);
    expect(report.diagnostics.map((d) => d.message)).toEqual([
      "Layer 'fc1' (Linear): inFeatures is 1176 but the input [1, 6, 28, 28] has 4704 features per sample.",
    ]);
    expect(report.order).toEqual(['c1', 'p1', 'fc']);
  });
});
