import { describe, expect, test } from 'vitest';
import { getLayerSpec } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { emptyDocument, type NetworkDocument, type Params } from '../network/types.js';
import { inferShapes } from '../shapes/infer.js';
import { makeBlock, setRepeat } from './block-edits.js';
import { copyWithBlocks, pasteWithBlocks } from './clipboard.js';

function layer(id: string, type: string, name: string, params: Params = {}) {
  return { id, type, name, params: completeParams(getLayerSpec(type)!.params, params) };
}

/** input [1, 4, 8, 8] → layer1.conv → layer1.relu → output, made into the block `Unit` and repeated 3 times as `layer1`. */
function repeatedUnit(): { doc: NetworkDocument; instance: string } {
  const doc = emptyDocument('net');
  doc.inputs.push({ id: 'in', name: 'input', dtype: 'FLOAT', dims: [1, 4, 8, 8] });
  doc.nodes.push(
    layer('c', 'addConvolutionNd', 'layer1.conv', { nbOutputMaps: 4, kernelSize: [3, 3], prePadding: [1, 1], postPadding: [1, 1] }),
    layer('r', 'addActivation', 'layer1.relu', { type: 'RELU' }),
  );
  doc.edges.push({ id: 'e1', from: { node: 'in', port: 'output' }, to: { node: 'c', port: 'input' } });
  doc.edges.push({ id: 'e2', from: { node: 'c', port: 'output' }, to: { node: 'r', port: 'input' } });
  doc.outputs.push({ name: 'out', from: { node: 'r', port: 'output' } });
  const made = makeBlock(doc, ['c', 'r'], 'Unit');
  if (!made.ok) throw new Error(made.diagnostics[0]!.message);
  const repeated = setRepeat(made.value.doc, made.value.nodeId, { count: 3 });
  if (!repeated.ok) throw new Error(repeated.diagnostics[0]!.message);
  return { doc: repeated.value, instance: made.value.nodeId };
}

/** An empty project with an input of the same shape. */
function otherProject(): NetworkDocument {
  const doc = emptyDocument('other');
  doc.inputs.push({ id: 'x', name: 'x', dtype: 'FLOAT', dims: [1, 4, 8, 8] });
  return doc;
}

describe('copy and paste of block instances', () => {
  test('copy carries the definitions the layers use; none when they use none', () => {
    const { doc, instance } = repeatedUnit();
    const fragment = copyWithBlocks(doc, [instance]);
    expect(fragment.blocks?.map((b) => [b.name, b.nodes.map((n) => n.name)])).toEqual([['Unit', ['conv', 'relu']]]);
    expect(fragment.nodes.map((n) => [n.name, n.type, n.repeat])).toEqual([['layer1', 'block:Unit', { count: 3 }]]);
    expect(copyWithBlocks(doc, ['in']).blocks).toBeUndefined();
  });

  test('pasting into another project adds the definition and keeps the repeat, so the copy infers shapes there', () => {
    const { doc, instance } = repeatedUnit();
    const pasted = pasteWithBlocks(otherProject(), JSON.stringify(copyWithBlocks(doc, [instance])));
    if (!pasted.ok) throw new Error(pasted.diagnostics[0]!.message);
    expect(pasted.value.addedBlocks).toEqual(['Unit']);
    const next = pasted.value.doc;
    expect(next.blocks).toEqual(doc.blocks);
    const copy = next.nodes.find((n) => n.id === pasted.value.idMap[instance])!;
    expect([copy.name, copy.type, copy.repeat]).toEqual(['layer1', 'block:Unit', { count: 3 }]);
    const wired = { ...next, edges: [{ id: 'w', from: { node: 'x', port: 'output' }, to: { node: copy.id, port: 'input' } }] };
    expect(inferShapes(wired).nodes[copy.id]?.outputs.output?.dims).toEqual([1, 4, 8, 8]);
  });

  test('pasting where the same definition exists shares it and adds nothing', () => {
    const { doc, instance } = repeatedUnit();
    const pasted = pasteWithBlocks(doc, JSON.stringify(copyWithBlocks(doc, [instance])));
    if (!pasted.ok) throw new Error(pasted.diagnostics[0]!.message);
    expect(pasted.value.addedBlocks).toEqual([]);
    expect(pasted.value.doc.blocks).toEqual(doc.blocks);
    expect(pasted.value.doc.nodes.map((n) => n.name)).toEqual(['layer1', 'layer1_2']);
  });

  test('an equal definition written with its fields in another order is the same block', () => {
    const { doc, instance } = repeatedUnit();
    const text = JSON.stringify(copyWithBlocks(doc, [instance]));
    const target = otherProject();
    const def = doc.blocks![0]!;
    target.blocks = [Object.fromEntries(Object.entries(def).reverse()) as typeof def];
    const pasted = pasteWithBlocks(target, text);
    if (!pasted.ok) throw new Error(pasted.diagnostics[0]!.message);
    expect(pasted.value.addedBlocks).toEqual([]);
    expect(pasted.value.doc.blocks).toEqual(target.blocks);
  });

  test('a different definition of the same name refuses the paste and changes nothing', () => {
    const { doc, instance } = repeatedUnit();
    const text = JSON.stringify(copyWithBlocks(doc, [instance]));
    const target = otherProject();
    target.blocks = [
      {
        ...doc.blocks![0]!,
        nodes: doc.blocks![0]!.nodes.slice(0, 1),
        outputs: [{ name: 'output', from: { node: doc.blocks![0]!.nodes[0]!.id, port: 'output' } }],
      },
    ];
    const before = JSON.stringify(target);
    const pasted = pasteWithBlocks(target, text);
    expect(!pasted.ok && pasted.diagnostics.map((d) => d.message)).toEqual([
      "Nothing was pasted: the copied layers use the block 'Unit', which this project defines differently; rename one of the two blocks first.",
    ]);
    expect(JSON.stringify(target)).toBe(before);
  });

  test('a malformed carried definition refuses the paste with the reason', () => {
    const { doc, instance } = repeatedUnit();
    const fragment = copyWithBlocks(doc, [instance]);
    const text = JSON.stringify({ ...fragment, blocks: [{ ...fragment.blocks![0]!, name: '' }] });
    const pasted = pasteWithBlocks(otherProject(), text);
    expect(!pasted.ok && pasted.diagnostics[0]!.message).toMatch(/^Nothing was pasted: a block the copied layers use is malformed: /);
  });
});
