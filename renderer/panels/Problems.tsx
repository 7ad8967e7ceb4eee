/** The Problems panel: every Diagnostic; clicking one selects and centres its node. */
import { memo } from 'react';
import { useEditor, useEditorStore } from '../react/editor-context.js';

export const Problems = memo(function Problems() {
  const store = useEditorStore();
  const diagnostics = useEditor((s) => s.diagnostics);
  const names = useEditor((s) => s.doc);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const label = (id: string | undefined) => (id ? (names.nodes.find((n) => n.id === id)?.name ?? names.inputs.find((i) => i.id === id)?.name ?? id) : '');
  return (
    <section className="problems" data-testid="problems">
      <div className="panel-title">
        Problems <span className="count error">{errors}</span> <span className="count warning">{warnings}</span>
      </div>
      <div className="problems-list">
        {diagnostics.map((d, i) => (
          <div
            key={`${d.code}-${d.nodeId ?? ''}-${i}`}
            className={`problem problem-${d.severity}`}
            onClick={() => d.nodeId && store.getState().focusNode(d.nodeId)}
            data-testid="problem"
          >
            <span className="problem-icon">{d.severity === 'error' ? '●' : d.severity === 'warning' ? '▲' : 'i'}</span>
            <span className="problem-node">{label(d.nodeId)}</span>
            <span className="problem-message">{d.message}</span>
            <span className="problem-code">{d.code}</span>
          </div>
        ))}
        {diagnostics.length === 0 && <div className="muted">No problems.</div>}
      </div>
    </section>
  );
});
