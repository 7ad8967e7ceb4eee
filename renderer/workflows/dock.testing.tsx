/** The workflow dock as the app mounts it (editor store and host around it), for the panels' tests. */
import { render } from '@testing-library/react';
import type { HostApi } from '../../core/api/client.js';
import type { EditorStore } from '../editor/editor-store.js';
import { EditorProvider } from '../react/editor-context.js';
import { HostProvider } from '../react/host-context.js';
import { WorkflowDock } from './WorkflowDock.js';

export function renderDock(store: EditorStore, host: HostApi): ReturnType<typeof render> {
  return render(
    <EditorProvider store={store}>
      <HostProvider host={host}>
        <WorkflowDock problems={null} />
      </HostProvider>
    </EditorProvider>,
  );
}
