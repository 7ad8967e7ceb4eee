/**
 * Shown while a block definition is open on the canvas: where the user is (project › block) and
 * the way back, which puts the edited definition into the project (every instance follows).
 */
import { Panel } from '@xyflow/react';
import { useEditor, useEditorStore } from '../react/editor-context.js';

export function BlockBreadcrumb() {
  const store = useEditorStore();
  const block = useEditor((s) => s.blockEdit?.context.block);
  const project = useEditor((s) => s.blockEdit?.project.doc.name);
  const readOnly = useEditor((s) => s.blockEdit?.context.readOnly === true);
  if (block === undefined) return null;
  return (
    <Panel position="top-center" className="block-breadcrumb" data-testid="block-breadcrumb">
      <button className="link" onClick={() => store.getState().closeDefinition()} title="Back to the network; the definition's edits apply to every instance">
        {project}
      </button>
      <span className="crumb-sep">›</span>
      <span className="crumb-block">{readOnly ? block : `Block ${block}`}</span>
      <span className="muted">
        {readOnly ? ' built in, read-only: Expand the layer for an editable copy' : ' definition: inputs and marked outputs are its ports'}
      </span>
      <button className="primary small" onClick={() => store.getState().closeDefinition()} data-testid="close-definition">
        {readOnly ? 'Back' : 'Done'}
      </button>
    </Panel>
  );
}
