import { describe, expect, it } from 'vitest';
import { checkNetwork } from '../check/check-network.js';
import { parseProject } from '../network/project-file.js';
import { NetworkBuilder } from './network-builder.js';

/** A ResNet stem and one BasicBlock, with a skip added by hand through explicit ports. */
function stem(): NetworkBuilder {
  const net = new NetworkBuilder('stem');
  const data = net.input('data', [1, 3, 64, 64]);
  let x = net.layer('ConvBnAct', 'stem', { outChannels: 64, kernelSize: 7, stride: 2 }, data);
  x = net.layer('addPoolingNd', 'maxpool', { type: 'MAX', windowSize: [3, 3], stride: [2, 2], prePadding: [1, 1], postPadding: [1, 1] }, x);
  const block = net.layer('BasicBlock', 'layer1.0', { inplanes: 64, planes: 64 }, x);
  const sum = net.layer('addElementWise', 'skip', { operation: 'SUM' }, { input1: block, input2: x.tensor });
  net.output('features', sum);
  return net;
}

describe('NetworkBuilder', () => {
  it('builds a document that validates, passes the check and keeps the names given', () => {
    const doc = stem().document();
    expect(doc.nodes.map((n) => `${n.name}:${n.type}`)).toEqual(['stem:ConvBnAct', 'maxpool:addPoolingNd', 'layer1.0:BasicBlock', 'skip:addElementWise']);
    expect(doc.edges.map((e) => `${e.from.node}.${e.from.port}→${e.to.node}.${e.to.port}`)).toHaveLength(5);
    expect(doc.outputs).toEqual([{ name: 'features', from: { node: doc.nodes[3]!.id, port: 'output' } }]);
    const check = checkNetwork(doc);
    expect(check.diagnostics).toEqual([]);
    expect(check.shapes.nodes[doc.nodes[3]!.id]!.outputs.output!.dims).toEqual([1, 64, 16, 16]);
    // Laid out left to right: each node right of the one feeding it.
    const x = (i: number) => doc.ui.positions[doc.nodes[i]!.id]!.x;
    expect(x(0) < x(1) && x(1) < x(2) && x(2) < x(3)).toBe(true);
  });

  it('writes a project file that loads back as the same document, naming its weights file', () => {
    const net = stem();
    const text = net.toProjectFile('stem.wts');
    const loaded = parseProject(text, 'stem.trtstudio');
    expect(loaded.ok && loaded.value).toEqual(net.document());
    expect(JSON.parse(text)).toMatchObject({ format: 'trtstudio', version: 1, weights: 'stem.wts' });
  });

  it('connects and renames after the fact', () => {
    const net = new NetworkBuilder('late');
    const data = net.input('data', [1, 8]);
    const relu = net.layer('addActivation', 'act', { type: 'RELU' });
    net.connect(data, relu);
    net.rename(relu, 'relu1');
    expect(relu.name).toBe('relu1');
    net.output('y', relu);
    expect(net.document().edges).toEqual([{ id: expect.any(String), from: { node: data.id, port: 'output' }, to: { node: relu.id, port: 'input' } }]);
  });

  it('refuses a wrong step at once, with a message that names the layer', () => {
    const net = new NetworkBuilder('bad');
    const data = net.input('data', [1, 3, 8, 8]);
    expect(() => net.layer('Conv2d', 'conv', {}, data)).toThrow("There is no layer type 'Conv2d' in the catalog; 'trt-studio layers' lists them.");
    expect(() => net.layer('addElementWise', 'sum', { op: 'SUM' })).toThrow(
      "Layer 'sum' (addElementWise) has no parameter 'op'; addElementWise takes operation.",
    );
    expect(() => net.layer('addActivation', 'relu', { type: 'NOT_AN_ACTIVATION' })).toThrow(/Parameter 'type' of a new addActivation: /);
    net.layer('addActivation', 'relu', { type: 'RELU' }, data);
    expect(() => net.layer('addActivation', 'relu', {}, data)).toThrow("A layer named 'relu' already exists; layer names must be unique.");
    expect(() => net.input('data', [1, 3, 8, 8])).toThrow("An input named 'data' already exists; input names must be unique.");
  });

  it('saves work in progress as the editor does, and the network check says what is missing', () => {
    const net = new NetworkBuilder('unwired');
    net.input('data', [1, 3, 8, 8]);
    const relu = net.layer('addActivation', 'relu', { type: 'RELU' });
    expect(parseProject(net.toProjectFile(), 'unwired.trtstudio').ok).toBe(true);
    expect(checkNetwork(net.document()).diagnostics).toEqual([
      {
        severity: 'error',
        code: 'shape.input.unconnected',
        message: "Layer 'relu' (addActivation) needs its 'input' input connected.",
        nodeId: relu.id,
        field: 'input',
      },
    ]);
  });
});
