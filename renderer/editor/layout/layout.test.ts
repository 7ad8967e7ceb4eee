import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../../../core/templates/index.js';
import { templateBuilder } from '../../../core/templates/builder.js';
import { group, moveNodes, setGroupCollapsed } from '../../../core/network/edit.js';
import type { NetworkDocument } from '../../../core/network/types.js';
import { buildFlowNodes, emptyFlowCache, NODE_HEIGHT, NODE_WIDTH, nodesUnderFrame, type FrameFlowNode } from '../flow-model.js';
import { flowDirection } from '../ports.js';
import { layoutRequest, memberPositions } from './elk-graph.js';
import { runLayout } from './elk-run.js';

/** A network of one input and `n` ReLUs in a chain. */
function chain(n: number): NetworkDocument {
  const b = templateBuilder('chain');
  let port = b.input('x', [1, 3, 8, 8]);
  for (let i = 0; i < n; i++) port = b.chain('addActivation', `relu${i}`, { type: 'RELU' }, port);
  b.output('y', port);
  return b.finish();
}

async function laidOut(doc: NetworkDocument, direction: 'LR' | 'TB'): Promise<NetworkDocument> {
  const positions = memberPositions(doc, await runLayout(layoutRequest(doc, direction)));
  const moved = moveNodes(doc, positions);
  if (!moved.ok) throw new Error('moveNodes refused');
  return moved.value;
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false }): T {
  if (!r.ok) throw new Error('edit refused');
  return r.value;
}

/** The longest path from an input to an output, following wires. */
function mainPath(doc: NetworkDocument): string[] {
  const longest = new Map<string, string[]>();
  const next = (id: string) => doc.edges.filter((e) => e.from.node === id).map((e) => e.to.node);
  const walk = (id: string): string[] => {
    const known = longest.get(id);
    if (known) return known;
    const best = next(id)
      .map(walk)
      .reduce<string[]>((a, b) => (b.length > a.length ? b : a), []);
    const path = [id, ...best];
    longest.set(id, path);
    return path;
  };
  return walk(doc.inputs[0]!.id);
}

describe('auto-layout', () => {
  it('lays a 10-layer chain on one line, left to right', async () => {
    const doc = await laidOut(chain(10), 'LR');
    const path = mainPath(doc);
    expect(path).toHaveLength(11);
    const ps = path.map((id) => doc.ui.positions[id]!);
    expect(new Set(ps.map((p) => p.y)).size).toBe(1);
    for (let i = 1; i < ps.length; i++) expect(ps[i]!.x).toBeGreaterThan(ps[i - 1]!.x + NODE_WIDTH);
    expect(flowDirection(doc)).toBe('LR');
  });

  it('lays a 10-layer chain on one line, top to bottom', async () => {
    const doc = await laidOut(chain(10), 'TB');
    const ps = mainPath(doc).map((id) => doc.ui.positions[id]!);
    expect(new Set(ps.map((p) => p.x)).size).toBe(1);
    for (let i = 1; i < ps.length; i++) expect(ps[i]!.y).toBeGreaterThan(ps[i - 1]!.y + NODE_HEIGHT);
    // The canvas then draws the handles on the top and bottom edges.
    expect(flowDirection(doc)).toBe('TB');
  });

  it("keeps ResNet-18's main path monotone and every wire running forward", async () => {
    for (const direction of ['LR', 'TB'] as const) {
      const doc = await laidOut(buildTemplate('resnet18')!, direction);
      const along = (id: string) => (direction === 'LR' ? doc.ui.positions[id]!.x : doc.ui.positions[id]!.y);
      const path = mainPath(doc);
      expect(path.length).toBeGreaterThan(12);
      for (let i = 1; i < path.length; i++) expect(along(path[i]!)).toBeGreaterThan(along(path[i - 1]!));
      for (const e of doc.edges) expect(along(e.to.node), `${e.from.node} → ${e.to.node}`).toBeGreaterThan(along(e.from.node));
      // The main path stays on one line: the skip connections go round it, not the other way.
      const across = new Set(path.map((id) => (direction === 'LR' ? doc.ui.positions[id]!.y : doc.ui.positions[id]!.x)));
      expect(across.size).toBe(1);
    }
  });

  it("draws a group's frame around its members and no other node", async () => {
    const base = chain(6);
    const ids = base.nodes.map((n) => n.id);
    // A group of the 2nd and 5th layers: laid out, its frame must not cover the 3rd and 4th.
    const grouped = unwrap(group(base, [ids[1]!, ids[4]!], 'pair')).doc;
    const doc = await laidOut(grouped, 'LR');
    const frame = buildFlowNodes(doc, new Set(), emptyFlowCache()).find((n) => n.type === 'groupFrame') as FrameFlowNode;
    const inside = (id: string) => {
      const p = doc.ui.positions[id]!;
      return (
        p.x + NODE_WIDTH > frame.position.x &&
        p.x < frame.position.x + frame.data.width &&
        p.y + NODE_HEIGHT > frame.position.y &&
        p.y < frame.position.y + frame.data.height
      );
    };
    expect([...doc.inputs.map((i) => i.id), ...ids].filter(inside)).toEqual([ids[1], ids[4]]);
    // Before the layout the frame covered the two layers between its members (grouping then lays out again).
    expect(nodesUnderFrame(grouped, grouped.ui.groups[0]!)).toEqual([ids[2], ids[3]]);
    expect(nodesUnderFrame(doc, doc.ui.groups[0]!)).toEqual([]);
  });

  it('lays a collapsed group out as one node that nothing covers, its members moving with it', async () => {
    const base = chain(6);
    const ids = base.nodes.map((n) => n.id);
    const g = unwrap(group(base, [ids[2]!, ids[3]!], 'block'));
    const collapsed = unwrap(setGroupCollapsed(g.doc, g.groupId, true));
    const doc = await laidOut(collapsed, 'LR');
    const block = buildFlowNodes(doc, new Set(), emptyFlowCache()).find((n) => n.type === 'block')!;
    const visible = [doc.inputs[0]!.id, ids[0]!, ids[1]!, ids[4]!, ids[5]!].map((id) => doc.ui.positions[id]!);
    for (const p of visible) expect(Math.abs(p.x - block.position.x) >= NODE_WIDTH || Math.abs(p.y - block.position.y) >= NODE_HEIGHT).toBe(true);
    // In line with the chain, between the layers it sits between.
    expect(block.position.y).toBe(doc.ui.positions[ids[1]!]!.y);
    expect(block.position.x).toBeGreaterThan(doc.ui.positions[ids[1]!]!.x);
    expect(block.position.x).toBeLessThan(doc.ui.positions[ids[4]!]!.x);
    // Drawn above other nodes, so a manual layout cannot hide it either.
    expect(block.zIndex).toBeGreaterThan(0);
    // Its members keep their arrangement relative to each other.
    expect(doc.ui.positions[ids[3]!]!.x - doc.ui.positions[ids[2]!]!.x).toBe(collapsed.ui.positions[ids[3]!]!.x - collapsed.ui.positions[ids[2]!]!.x);
  });
});
