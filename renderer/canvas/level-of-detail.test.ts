/** The pure parts of the level of detail: which nodes and wires are drawn, the far wires' paths and the minimap's blocks. */
import { describe, expect, it } from 'vitest';
import type { Edge, InternalNode, Node } from '@xyflow/react';
import { edgesToDraw, nodesIn, type DetailedNodes } from '../editor/view-geometry.js';
import { farWirePaths } from './far-wires.js';
import { minimapBlocks } from './Minimap.js';

/** A measured 190×74 node at (x, y). */
function node(id: string, x: number, y: number, extra: Partial<Node> = {}): Node {
  return { id, position: { x, y }, data: {}, measured: { width: 190, height: 74 }, ...extra };
}

/** React Flow's internal node with one measured handle each side (a 10×10 port at y 44). */
function internal(n: Node): InternalNode {
  const handle = (id: string, type: 'source' | 'target', x: number) => ({
    id,
    type,
    nodeId: n.id,
    position: (type === 'source' ? 'right' : 'left') as never,
    x,
    y: 39,
    width: 10,
    height: 10,
  });
  return {
    ...n,
    internals: {
      positionAbsolute: n.position,
      z: 0,
      userNode: n,
      handleBounds: { source: [handle('output', 'source', 185)], target: [handle('input', 'target', -5)] },
    },
  } as InternalNode;
}

const wire = (id: string, source: string, target: string, extra: Partial<Edge> = {}): Edge => ({
  id,
  source,
  target,
  sourceHandle: 'output',
  targetHandle: 'input',
  ...extra,
});

describe('which nodes and wires draw their detail', () => {
  const nodes = [node('a', 0, 0), node('b', 400, 0), node('c', 5000, 0), node('d', 5000, 3000, { hidden: true })];

  it('takes the nodes whose box meets the area, leaving hidden ones out', () => {
    expect([...nodesIn(nodes, { x: 100, y: 10, width: 200, height: 10 })]).toEqual(['a']);
    expect([...nodesIn(nodes, { x: -10, y: -10, width: 6000, height: 4000 })]).toEqual(['a', 'b', 'c']);
  });

  it('draws a wire with an end in the area, or passing through it, and none when no area is set yet', () => {
    const edges = [wire('ab', 'a', 'b'), wire('bc', 'b', 'c'), wire('cd', 'c', 'd')];
    const area = { x: 2000, y: -50, width: 100, height: 100 };
    const detailed: DetailedNodes = { all: false, ids: nodesIn(nodes, area), area };
    // Neither end of b→c is in the area, but the wire crosses it.
    expect(edgesToDraw(edges, nodes, detailed).map((e) => e.id)).toEqual(['bc']);
    expect(edgesToDraw(edges, nodes, { all: false, ids: new Set(['a']), area: { x: 0, y: 0, width: 10, height: 10 } }).map((e) => e.id)).toEqual(['ab']);
    expect(edgesToDraw(edges, nodes, { all: false, ids: new Set(), area: undefined })).toEqual([]);
    expect(edgesToDraw(edges, nodes, { all: true, ids: new Set(), area: undefined })).toBe(edges);
  });
});

describe('the far view wires', () => {
  it('runs each wire from the middle of its source handle to its target handle, one path per tile, selected ones apart', () => {
    const nodes = [node('a', 0, 0), node('b', 400, 100), node('c', 4000, 0), node('h', 800, 0, { hidden: true })];
    const lookup = new Map(nodes.map((n) => [n.id, internal(n)]));
    const edges = [
      wire('ab', 'a', 'b'),
      wire('bc', 'b', 'c', { selected: true }),
      wire('ca', 'c', 'a'),
      wire('ah', 'a', 'h'),
      wire('in-group', 'a', 'b', { hidden: true }),
    ];
    const { tiles, selected } = farWirePaths(nodes, edges, lookup);
    // a's output handle ends at x 185+10, its middle at y 44; b's input starts at 400-5, y 100+44.
    expect(tiles).toEqual([
      ['0,0', expect.stringMatching(/^M195,44 C.* 395,144$/)],
      ['2,0', expect.stringMatching(/^M4195,44 C.* -5,44$/)],
    ]);
    expect(selected).toMatch(/^M595,144 C.* 3995,44$/);
  });

  it('leaves out a wire whose node is not measured yet', () => {
    const nodes = [node('a', 0, 0), node('b', 400, 0)];
    const lookup = new Map([['a', internal(nodes[0]!)]]);
    expect(farWirePaths(nodes, [wire('ab', 'a', 'b')], lookup)).toEqual({ tiles: [], selected: '' });
  });
});

describe('the minimap', () => {
  it('draws one path of blocks per colour and bounds them, without group frames or hidden nodes', () => {
    const nodes = [
      node('a', 0, 0, { type: 'layer' }),
      node('b', 400, 100, { type: 'layer' }),
      node('i', -200, 0, { type: 'tensorInput' }),
      node('f', -500, -500, { type: 'groupFrame' }),
      node('h', 9000, 9000, { type: 'layer', hidden: true }),
    ];
    const { paths, bounds } = minimapBlocks(nodes, (n) => (n.type === 'layer' ? 'blue' : 'green'));
    expect(paths).toEqual([
      ['blue', 'M0,0h190v74h-190zM400,100h190v74h-190z'],
      ['green', 'M-200,0h190v74h-190z'],
    ]);
    expect(bounds).toEqual({ x: -200, y: 0, width: 790, height: 174 });
  });
});
