// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { addInput, addNode, connect } from '../../core/network/edit.js';
import { emptyDocument } from '../../core/network/types.js';
import { createEditorStore } from '../editor/editor-store.js';
import { EditorProvider } from '../react/editor-context.js';
import { Inspector } from './Inspector.js';

afterEach(cleanup);

function setup() {
  const a = addInput(emptyDocument(), { dims: [1, 3, 224, 224] });
  if (!a.ok) throw new Error('input');
  const b = addNode(a.value.doc, { type: 'addConvolutionNd' });
  if (!b.ok) throw new Error('node');
  const c = connect(b.value.doc, { node: a.value.nodeId, port: 'output' }, { node: b.value.nodeId, port: 'input' });
  if (!c.ok) throw new Error('connect');
  const store = createEditorStore(c.value.doc);
  store.getState().select([b.value.nodeId]);
  render(
    <EditorProvider store={store}>
      <Inspector />
    </EditorProvider>,
  );
  return { store, conv: b.value.nodeId };
}

describe('Inspector', () => {
  it('builds the form from the catalog schema: enums as selects, lists as text', () => {
    setup();
    expect((screen.getByTestId('param-paddingMode') as HTMLSelectElement).tagName).toBe('SELECT');
    expect((screen.getByTestId('param-kernelSize') as HTMLInputElement).value).toBe('3, 3');
    expect(screen.getByText('[1, 64, 222, 222] FLOAT')).toBeTruthy();
  });

  it('shows an invalid value inline and commits a valid one as one undo step', () => {
    const { store, conv } = setup();
    const field = screen.getByTestId('param-kernelSize') as HTMLInputElement;
    fireEvent.focus(field);
    fireEvent.change(field, { target: { value: '7, a' } });
    expect(screen.getByText('expected a list of integers, got "7, a"')).toBeTruthy();
    fireEvent.blur(field);
    expect(store.getState().past).toHaveLength(0);
    fireEvent.focus(field);
    fireEvent.change(field, { target: { value: '7×7' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    fireEvent.blur(field);
    expect(store.getState().doc.nodes.find((n) => n.id === conv)!.params.kernelSize).toEqual([7, 7]);
    expect(store.getState().past).toHaveLength(1);
    expect(screen.getByText('[1, 64, 218, 218] FLOAT')).toBeTruthy();
  });

  it('changes an enum with one selection', () => {
    const { store, conv } = setup();
    fireEvent.change(screen.getByTestId('param-paddingMode'), { target: { value: 'SAME_UPPER' } });
    expect(store.getState().doc.nodes.find((n) => n.id === conv)!.params.paddingMode).toBe('SAME_UPPER');
    expect(screen.getByText('[1, 64, 224, 224] FLOAT')).toBeTruthy();
  });
});
