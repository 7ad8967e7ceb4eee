import { describe, expect, it } from 'vitest';
import { addNode } from '../../core/network/edit.js';
import { emptyDocument, type NetworkDocument } from '../../core/network/types.js';
import { buildTemplate } from '../../core/templates/index.js';
import { checkRenames, nextInSequence, renameByPattern, renameLayers, sharedPrefix, suggestPrefix } from './naming.js';
import { copySelectionText, copyWithNames, duplicateSelection, pasteText, renameByFindReplace } from './commands.js';
import { createEditorStore } from './editor-store.js';
import { NODE_HEIGHT } from './flow-model.js';
import { nodeRect } from './view-geometry.js';

function docWith(names: string[]): NetworkDocument {
  let doc = emptyDocument('net');
  for (const name of names) {
    const r = addNode(doc, { type: 'addActivation', name });
    if (!r.ok) throw new Error(r.diagnostics[0]!.message);
    doc = r.value.doc;
  }
  return doc;
}

describe('sharedPrefix', () => {
  it('finds the dotted prefix of whole name parts that counts on', () => {
    expect(sharedPrefix(['inception3a.branch1.conv', 'inception3a.branch2.0.conv'])).toBe('inception3a.');
    expect(sharedPrefix(['layer2.0.conv1', 'layer2.0.bn1', 'layer2.0.downsample.0'])).toBe('layer2.0.');
    expect(sharedPrefix(['layer1.0', 'layer1.1'])).toBe('layer1.');
    // One block: its own name is the prefix.
    expect(sharedPrefix(['layer1.0'])).toBe('layer1.0');
  });

  it('finds none when the names share nothing, or nothing that counts on', () => {
    expect(sharedPrefix(['conv1', 'bn1'])).toBeUndefined();
    expect(sharedPrefix(['conv1'])).toBeUndefined();
    expect(sharedPrefix(['features.0', 'features.1'])).toBeUndefined();
    expect(sharedPrefix(['layer10.conv', 'layer11.conv'])).toBeUndefined();
    expect(sharedPrefix([])).toBeUndefined();
  });

  it("takes a repeated instance's own name, dot or not: `layer1` stands for `layer1.0` … `layer1.2`", () => {
    expect(sharedPrefix(['layer1'], true)).toBe('layer1');
    expect(sharedPrefix(['stage2.layers'], true)).toBeUndefined();
    expect(sharedPrefix(['layer1'])).toBeUndefined();
  });
});

describe('nextInSequence', () => {
  it('counts up the last number or the letter after a number', () => {
    expect(['inception3a.', 'layer2.0.', 'layer9', 'stage2.9', 'x4z', 'features'].map(nextInSequence)).toEqual([
      'inception3b.',
      'layer2.1.',
      'layer10',
      'stage2.10',
      undefined,
      undefined,
    ]);
  });
});

describe('suggestPrefix', () => {
  it('takes the next prefix no layer uses, as a name or as a prefix', () => {
    const doc = docWith(['layer1.0', 'layer1.1', 'layer2.0.conv1', 'layer2.0.bn1', 'layer2.1']);
    expect(suggestPrefix(doc, ['layer2.0.conv1', 'layer2.0.bn1'], 'layer2.0.')).toBe('layer2.2.');
    expect(suggestPrefix(doc, ['layer1.0'], 'layer1.0')).toBe('layer1.2');
    expect(suggestPrefix(docWith(['inception3a.b1']), ['inception3a.b1'], 'inception3a.')).toBe('inception3b.');
    // A repeated `layer1` next to `layer2.0.conv`: `layer2` is taken as a prefix, so `layer3`.
    expect(suggestPrefix(docWith(['layer1', 'layer2.0.conv']), ['layer1'], 'layer1')).toBe('layer3');
  });
});

describe('renameByPattern and checkRenames', () => {
  it('replaces plain text everywhere in each name and numbers {i} from 0 in the given order', () => {
    expect(renameByPattern(['blk.conv', 'blk.bn', 'x.y'], 'blk.', 'stage1.{i}.')).toEqual(['stage1.0.conv', 'stage1.1.bn', 'x.y']);
    // Not a regular expression: the dot is a dot.
    expect(renameByPattern(['a.b', 'axb'], '.', '_')).toEqual(['a_b', 'axb']);
    expect(renameByPattern(['p', 'q'], '', 'features.{i}')).toEqual(['features.0', 'features.1']);
  });

  it('names every clash: a name kept by another layer, one given twice, an empty one', () => {
    const rows = checkRenames(['a', 'b', 'c', 'd'], ['fc', 'x', 'x', ' '], new Set(['fc']));
    expect(rows.map((r) => r.problem)).toEqual([
      "'fc' is already the name of another layer.",
      "'x' would be given to 2 layers.",
      "'x' would be given to 2 layers.",
      "'d' would have an empty name.",
    ]);
  });

  it('renames at once (a swap works) and refuses a clash, changing nothing', () => {
    const doc = docWith(['a', 'b', 'c']);
    const [a, b] = [doc.nodes[0]!.id, doc.nodes[1]!.id];
    const swapped = renameLayers(doc, [a, b], ['b', 'a']);
    expect(swapped.ok && swapped.value.nodes.map((n) => n.name)).toEqual(['b', 'a', 'c']);
    const clash = renameLayers(doc, [a], ['c']);
    expect(clash.ok ? [] : clash.diagnostics.map((d) => d.message)).toEqual(["Nothing was renamed: 'c' is already the name of another layer."]);
  });
});

describe('paste and duplicate with a prefix rewrite', () => {
  function resnet() {
    const store = createEditorStore(buildTemplate('resnet18')!);
    const id = (name: string) => store.getState().doc.nodes.find((n) => n.name === name)!.id;
    return { store, id };
  }

  it('asks for the prefix on paste, then pastes renamed in one undo step', () => {
    const { store, id } = resnet();
    store.getState().select([id('layer1.0'), id('layer1.1')]);
    const text = copySelectionText(store)!;
    const before = store.getState().doc;
    pasteText(store, text);
    const request = store.getState().naming;
    expect(request).toMatchObject({ kind: 'paste', prefix: 'layer1.', suggestion: 'layer5.' });
    expect(store.getState().doc).toBe(before);
    copyWithNames(store, request as Extract<typeof request, { kind: 'paste' }>, 'layer5.');
    const s = store.getState();
    expect(s.naming).toBeUndefined();
    expect(s.doc.nodes.slice(-2).map((n) => n.name)).toEqual(['layer5.0', 'layer5.1']);
    expect(s.past.at(-1)).toBe(before);
    s.undo();
    expect(store.getState().doc).toBe(before);
  });

  it('pastes names that are new to the network as they are, with no question', () => {
    const { store, id } = resnet();
    store.getState().select([id('layer1.0'), id('layer1.1')]);
    const text = copySelectionText(store)!;
    const other = createEditorStore(docWith(['conv1']));
    pasteText(other, text);
    expect(other.getState().naming).toBeUndefined();
    expect(other.getState().doc.nodes.map((n) => n.name)).toEqual(['conv1', 'layer1.0', 'layer1.1']);
  });

  it('pastes with name_2 when the rewrite is declined, and duplicates with no prefix at once', () => {
    const { store, id } = resnet();
    store.getState().select([id('layer3.0')]);
    duplicateSelection(store);
    const request = store.getState().naming!;
    expect(request).toMatchObject({ kind: 'duplicate', prefix: 'layer3.0', suggestion: 'layer3.2' });
    copyWithNames(store, request as Extract<typeof request, { kind: 'duplicate' }>);
    expect(store.getState().doc.nodes.at(-1)!.name).toBe('layer3.0_2');
    store.getState().select([id('fc')]);
    duplicateSelection(store);
    expect(store.getState().naming).toBeUndefined();
    expect(store.getState().doc.nodes.at(-1)!.name).toBe('fc_2');
  });

  it('renames a selection by pattern in one undo step, and refuses a clash', () => {
    const { store, id } = resnet();
    const before = store.getState().doc;
    const ids = [id('layer4.1'), id('layer4.0')];
    renameByFindReplace(store, ids, 'layer4.', 'stage4.{i}.');
    expect(ids.map((i) => store.getState().doc.nodes.find((n) => n.id === i)!.name)).toEqual(['stage4.0.1', 'stage4.1.0']);
    expect(store.getState().past).toEqual([before]);
    renameByFindReplace(store, [id('fc')], 'fc', 'conv1');
    expect(store.getState().notices.at(-1)?.message).toBe("Nothing was renamed: 'conv1' is already the name of another layer.");
    expect(store.getState().past).toHaveLength(1);
  });

  it('puts the copies clear of every node: a copied run of a row goes just below it', () => {
    const { store, id } = resnet();
    const row = ['layer1.0', 'layer1.1', 'layer2.0'].map(id);
    store.getState().select(row);
    // layer1.* and layer2.0 share no prefix that counts on: duplicated at once, named _2.
    duplicateSelection(store);
    const s = store.getState();
    expect(s.naming).toBeUndefined();
    const rects = s.flowNodes.filter((n) => n.type !== 'groupFrame').map((n) => ({ id: n.id, ...nodeRect(n) }));
    const copies = new Set(s.selected);
    expect(copies.size).toBe(3);
    const clashes = rects
      .filter((a) => copies.has(a.id))
      .flatMap((a) => rects.filter((b) => b.id !== a.id && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height));
    expect(clashes).toEqual([]);
    // The template is one row: the copies keep their spacing and sit one node height and a margin below it.
    const original = s.doc.ui.positions[row[0]!]!;
    const copy = s.doc.ui.positions[s.selected[0]!]!;
    expect(copy.y - original.y).toBeGreaterThanOrEqual(NODE_HEIGHT + 20);
    expect(copy.y - original.y).toBeLessThan(NODE_HEIGHT + 60);
  });
});
