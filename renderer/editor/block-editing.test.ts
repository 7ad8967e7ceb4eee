import { describe, expect, test } from 'vitest';
import { getLayerSpec } from '../../core/layers/catalog.js';
import { completeParams } from '../../core/layers/params.js';
import { setParam } from '../../core/network/edit.js';
import { emptyDocument, type NetworkDocument, type Params } from '../../core/network/types.js';
import { makeBlockFromSelection, setInstanceRepeat } from './block-commands.js';
import { createEditorStore, projectDocument } from './editor-store.js';

function layer(id: string, type: string, name: string, params: Params = {}) {
  return { id, type, name, params: completeParams(getLayerSpec(type)!.params, params) };
}

/** input [1, 4, 8, 8] → a.conv → a.relu → b (a second instance comes from duplicating the block's instance). */
function network(): NetworkDocument {
  const doc = emptyDocument('net');
  doc.inputs.push({ id: 'in', name: 'input', dtype: 'FLOAT', dims: [1, 4, 8, 8] });
  doc.nodes.push(
    layer('c', 'addConvolutionNd', 'layer1.conv', { nbOutputMaps: 4, kernelSize: [3, 3], prePadding: [1, 1], postPadding: [1, 1] }),
    layer('r', 'addActivation', 'layer1.relu', { type: 'RELU' }),
  );
  doc.edges.push({ id: 'e1', from: { node: 'in', port: 'output' }, to: { node: 'c', port: 'input' } });
  doc.edges.push({ id: 'e2', from: { node: 'c', port: 'output' }, to: { node: 'r', port: 'input' } });
  doc.outputs.push({ name: 'out', from: { node: 'r', port: 'output' } });
  return doc;
}

describe('editing a block definition on the canvas', () => {
  test('the definition opens as its own graph and going back updates every copy in one undo step', () => {
    const store = createEditorStore(network());
    store.getState().select(['c', 'r']);
    makeBlockFromSelection(store, 'Unit');
    const instance = store.getState().doc.nodes[0]!;
    expect([instance.name, instance.type]).toEqual(['layer1', 'block:Unit']);
    setInstanceRepeat(store, instance.id, { count: 3 });
    const conv = (k: number) => store.getState().shapes.nodes[instance.id]!.weights.find((s) => s.name === `${k}.conv.weight`)!.count;
    expect(conv(2)).toBe(4 * 4 * 9);

    store.getState().openDefinition('Unit');
    const open = store.getState();
    expect(open.blockEdit?.context.block).toBe('Unit');
    expect(open.doc.name).toBe('net › Unit');
    expect(open.doc.nodes.map((n) => n.name)).toEqual(['conv', 'relu']);
    expect(open.doc.inputs.map((i) => [i.name, i.dims])).toEqual([['input', [1, 4, 8, 8]]]);
    // While the definition is open the project document is the one autosave and save see.
    expect(projectDocument(open).nodes[0]!.id).toBe(instance.id);
    open.apply((doc) => setParam(doc, 'c', 'kernelSize', [1, 1]));
    open.apply((doc) => setParam(doc, 'c', 'prePadding', [0, 0]));
    open.apply((doc) => setParam(doc, 'c', 'postPadding', [0, 0]));
    expect(store.getState().closeDefinition()).toBe(true);

    const after = store.getState();
    expect(after.blockEdit).toBeUndefined();
    expect(after.doc.blocks![0]!.nodes[0]!.params.kernelSize).toEqual([1, 1]);
    expect([0, 1, 2].map(conv)).toEqual([16, 16, 16]);
    expect(after.shapes.nodes[instance.id]!.outputs.output!.dims).toEqual([1, 4, 8, 8]);
    after.undo();
    expect([0, 1, 2].map(conv)).toEqual([144, 144, 144]);
  });

  test('a definition the project would refuse stays open with the reason shown', () => {
    const store = createEditorStore(network());
    store.getState().select(['c', 'r']);
    makeBlockFromSelection(store, 'Unit');
    store.getState().openDefinition('Unit');
    // Without a marked output the block has no output port.
    store.setState({ doc: { ...store.getState().doc, outputs: [] } });
    expect(store.getState().closeDefinition()).toBe(false);
    expect(store.getState().blockEdit?.context.block).toBe('Unit');
    expect(store.getState().notices.at(-1)?.message).toBe("The definition of Unit was not applied: Block 'Unit' has no output; a block needs at least one.");
  });

  test('an exposed parameter and an expression make the copies differ by their own values', () => {
    const store = createEditorStore(network());
    store.getState().select(['c', 'r']);
    makeBlockFromSelection(store, 'Unit');
    const instance = store.getState().doc.nodes[0]!;
    store.getState().openDefinition('Unit');
    expect(store.getState().setBlockParams([{ name: 'width', kind: 'int', default: 2, min: 1 }])).toBe(true);
    store.getState().setBlockExpression('c', 'nbOutputMaps', 'widht * 4');
    expect(store.getState().notices.at(-1)?.message).toBe("conv.nbOutputMaps = widht * 4: there is no parameter 'widht'; the block has width.");
    store.getState().setBlockExpression('c', 'nbOutputMaps', 'width * 4');
    // Shown for a new parameter's default: 2 · 4 maps.
    expect(store.getState().doc.nodes[0]!.params.nbOutputMaps).toBe(8);
    expect(store.getState().closeDefinition()).toBe(true);
    const def = store.getState().doc.blocks![0]!;
    expect(def.params).toEqual([{ name: 'width', kind: 'int', default: 2, min: 1 }]);
    expect(def.nodes[0]!.exprs).toEqual({ nbOutputMaps: 'width * 4' });
    // The instance takes the new parameter at its default; setting it changes its layers.
    const node = store.getState().doc.nodes.find((n) => n.id === instance.id)!;
    expect(node.params).toEqual({ width: 2 });
    expect(store.getState().shapes.nodes[instance.id]!.outputs.output!.dims).toEqual([1, 8, 8, 8]);
    store.getState().apply((doc) => setParam(doc, instance.id, 'width', 3));
    expect(store.getState().shapes.nodes[instance.id]!.outputs.output!.dims).toEqual([1, 12, 8, 8]);
  });

  test('a built-in composite opens read-only to show its layers', () => {
    const doc = network();
    doc.nodes = [layer('bb', 'BasicBlock', 'layer2.0', { inplanes: 4, planes: 8, stride: 2 })];
    doc.edges = [{ id: 'e1', from: { node: 'in', port: 'output' }, to: { node: 'bb', port: 'input' } }];
    doc.outputs = [{ name: 'out', from: { node: 'bb', port: 'output' } }];
    const store = createEditorStore(doc);
    store.getState().openComposite('bb');
    const open = store.getState();
    expect(open.doc.nodes.map((n) => n.name)).toEqual(['conv1', 'bn1', 'relu', 'conv2', 'bn2', 'downsample.0', 'downsample.1', 'add', 'relu_out']);
    expect(open.shapes.diagnostics).toEqual([]);
    expect(open.shapes.nodes[open.doc.nodes.at(-1)!.id]!.outputs.output!.dims).toEqual([1, 8, 4, 4]);
    open.apply((d) => setParam(d, 'conv1', 'nbOutputMaps', 16));
    expect(store.getState().notices.at(-1)?.message).toBe(
      'ResNet BasicBlock is built in: its layers can be looked at, not changed. Expand the layer for an editable copy.',
    );
    expect(store.getState().closeDefinition()).toBe(true);
    expect(store.getState().doc).toBe(doc);
    expect(store.getState().past).toHaveLength(0);
  });
});
