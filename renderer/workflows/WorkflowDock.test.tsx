// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { buildTemplate } from '../../core/templates/index.js';
import { createEditorStore } from '../editor/editor-store.js';
import { fakeHost } from '../host/fake-host.js';
import { EditorProvider } from '../react/editor-context.js';
import { HostProvider } from '../react/host-context.js';
import { WorkflowDock } from './WorkflowDock.js';

afterEach(cleanup);

function setup() {
  const store = createEditorStore(buildTemplate('lenet5')!);
  render(
    <EditorProvider store={store}>
      <HostProvider host={fakeHost()}>
        <WorkflowDock problems={null} />
      </HostProvider>
    </EditorProvider>,
  );
  const tabText = (tab: string) => screen.getByTestId(`dock-tab-${tab}`).textContent;
  return { store, tabText };
}

describe('Workflow dock tabs', () => {
  it('shows a running job on the tab of its kind, whatever its label says', () => {
    const { store, tabText } = setup();
    act(() => store.getState().trackJob({ id: 'j1', kind: 'build', label: 'Engine for lenet5', progress: 0.42 }));
    act(() => store.getState().trackJob({ id: 'j2', kind: 'weights.import', label: 'lenet5.wts', progress: undefined }));
    expect(tabText('build')).toBe('Build42%');
    expect(tabText('weights')).toBe('Weights…');
    expect(tabText('run')).toBe('Run');
    act(() => store.getState().endJob('j1'));
    expect(tabText('build')).toBe('Build');
  });

  it('shows an export on no tab, even one whose label starts with a tab name', () => {
    const { store, tabText } = setup();
    act(() => store.getState().trackJob({ id: 'x1', kind: 'export', label: 'Run script (Python)', progress: 0.5 }));
    expect(['weights', 'build', 'run', 'profile'].map(tabText)).toEqual(['Weights', 'Build', 'Run', 'Profile']);
  });
});
