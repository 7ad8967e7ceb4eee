import { describe, expect, it } from 'vitest';
import * as reactFlow from '@xyflow/react';
import { applyEdgeChanges, applyNodeChanges, type Edge, type EdgeChange, type Node, type NodeChange } from './flow-model.js';

const nodes = (): Node[] => [
  { id: 'a', position: { x: 0, y: 0 }, data: {} },
  { id: 'b', position: { x: 10, y: 0 }, data: {}, selected: true },
  { id: 'c', position: { x: 20, y: 0 }, data: {} },
];

describe('applyNodeChanges (the store applies React Flow changes without React)', () => {
  const changes: NodeChange<Node>[] = [
    { id: 'a', type: 'position', position: { x: 5, y: 6 }, dragging: true },
    { id: 'a', type: 'dimensions', dimensions: { width: 190, height: 74 }, setAttributes: 'width' },
    { id: 'b', type: 'select', selected: false },
    { id: 'c', type: 'remove' },
    { type: 'add', item: { id: 'd', position: { x: 1, y: 1 }, data: {} }, index: 1 },
  ];

  it("gives what React Flow's own applyNodeChanges gives", () => {
    expect(applyNodeChanges(changes, nodes())).toEqual(reactFlow.applyNodeChanges(changes, nodes()));
    expect(applyNodeChanges(changes, nodes()).map((n) => n.id)).toEqual(['a', 'd', 'b']);
  });

  it('keeps the objects of unchanged nodes and copies changed ones', () => {
    const before = nodes();
    const after = applyNodeChanges([{ id: 'b', type: 'select', selected: false }], before);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(before[1]!.selected).toBe(true);
    expect(after[1]!.selected).toBe(false);
  });
});

describe('applyEdgeChanges', () => {
  it("gives what React Flow's own applyEdgeChanges gives", () => {
    const edges = (): Edge[] => [
      { id: 'e1', source: 'a', target: 'b' },
      { id: 'e2', source: 'b', target: 'c' },
    ];
    const changes: EdgeChange<Edge>[] = [
      { id: 'e1', type: 'select', selected: true },
      { id: 'e2', type: 'replace', item: { id: 'e2', source: 'a', target: 'c' } },
    ];
    expect(applyEdgeChanges(changes, edges())).toEqual(reactFlow.applyEdgeChanges(changes, edges()));
    expect(applyEdgeChanges(changes, edges())[1]!.source).toBe('a');
  });
});
