/**
 * The naming dialog: a new prefix for pasted or duplicated layers (`layer2.0.` → `layer2.1.`), or a
 * rename of the selected layers by find and replace. It previews every resulting name and applies
 * nothing while a name is empty or taken.
 */
import { useMemo, useState, type KeyboardEvent } from 'react';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { checkRenames, keptNames, renameByPattern, withPrefix, type NamingRequest } from '../editor/naming.js';
import { copyWithNames, renameByFindReplace } from '../editor/commands.js';
import { count } from '../../core/words.js';

/** Rows previewed; a bigger rename shows its first rows and every row with a problem. */
const PREVIEW_ROWS = 60;

export function NamingDialog() {
  const request = useEditor((s) => s.naming);
  // The form mounts with each request (the dialog closes in between), so its fields start from it.
  return request ? <NamingForm request={request} /> : null;
}

function NamingForm({ request }: { request: NamingRequest }) {
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc);
  const copying = request.kind !== 'rename';
  const [find, setFind] = useState(copying ? request.prefix : '');
  const [replace, setReplace] = useState(copying ? request.suggestion : '');
  const rows = useMemo(() => {
    const names = copying ? withPrefix(request.names, request.prefix, replace) : renameByPattern(request.names, find, replace);
    // Copies must not take any name in the network; a rename frees the names it replaces.
    const kept = copying ? new Set(doc.nodes.map((n) => n.name)) : keptNames(doc, request.ids);
    return checkRenames(request.names, names, kept);
  }, [copying, request, doc, find, replace]);
  const problems = rows.filter((r) => r.problem !== '');
  const verb = request.kind === 'paste' ? 'Paste' : request.kind === 'duplicate' ? 'Duplicate' : 'Rename';
  const close = () => store.getState().openNaming(undefined);
  const apply = () => {
    if (problems.length > 0) return;
    if (request.kind === 'rename') renameByFindReplace(store, request.ids, find, replace);
    else copyWithNames(store, request, replace);
  };
  // Escape on a paste or duplicate still makes the copies, named as before (`name_2`); on a rename it changes nothing.
  const dismiss = () => (request.kind === 'rename' ? close() : copyWithNames(store, request));
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter') apply();
    else if (e.key === 'Escape') dismiss();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const shown = rows.length > PREVIEW_ROWS ? [...rows.slice(0, PREVIEW_ROWS), ...rows.slice(PREVIEW_ROWS).filter((r) => r.problem !== '')] : rows;
  return (
    <div className="modal-backdrop" onMouseDown={dismiss}>
      {/* Focusable, so Enter and Escape still reach it after a click on its text. */}
      <div className="modal naming-dialog" tabIndex={-1} onMouseDown={(e) => e.stopPropagation()} onKeyDown={onKey} data-testid="naming-dialog" role="dialog">
        <div className="modal-title">
          {verb} {count(request.names.length, 'layer')}
        </div>
        {copying ? (
          <label className="naming-field">
            <span>
              Their names start with <code>{request.prefix}</code>; the copies’ names start with
            </span>
            <input autoFocus value={replace} onChange={(e) => setReplace(e.target.value)} spellCheck={false} data-testid="naming-prefix" />
          </label>
        ) : (
          <>
            <label className="naming-field">
              <span>Find (plain text; empty: the whole name)</span>
              <input autoFocus value={find} onChange={(e) => setFind(e.target.value)} spellCheck={false} data-testid="naming-find" />
            </label>
            <label className="naming-field">
              <span>
                Replace with (<code>{'{i}'}</code>: the layer’s place in the selection, from 0)
              </span>
              <input value={replace} onChange={(e) => setReplace(e.target.value)} spellCheck={false} data-testid="naming-replace" />
            </label>
          </>
        )}
        <div className="naming-preview" data-testid="naming-preview">
          {shown.map((r, i) => (
            <div key={i} className={r.problem ? 'naming-row clash' : 'naming-row'} title={r.problem || undefined}>
              <span className="naming-from">{r.from}</span>
              <span className="naming-arrow">→</span>
              <span className="naming-to">{r.to}</span>
            </div>
          ))}
          {shown.length < rows.length && <div className="empty">and {count(rows.length - shown.length, 'more layer')}</div>}
        </div>
        {problems.length > 0 && (
          <div className="naming-problem" data-testid="naming-problem">
            Nothing can be applied: {problems[0]!.problem}
            {problems.length > 1 && ` (and ${count(problems.length - 1, 'more name')} like it)`}
          </div>
        )}
        <div className="naming-keys">
          Enter: {copying ? `${verb.toLowerCase()} with these names` : 'rename'} · Escape:{' '}
          {copying ? `${verb.toLowerCase()} with the names kept, made unique by a suffix (name_2)` : 'change nothing'}
        </div>
        <div className="modal-actions">
          <button onClick={dismiss} data-testid="naming-dismiss">
            {copying ? 'Keep names (name_2)' : 'Cancel'}
          </button>
          <button className="primary" onClick={apply} disabled={problems.length > 0} data-testid="naming-apply">
            {copying ? `${verb} as ${replace || '…'}` : 'Rename'}
          </button>
        </div>
      </div>
    </div>
  );
}
