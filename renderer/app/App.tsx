/** The editor window: toolbar, palette, canvas, inspector, problems, status bar and the overlays. */
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import type { HostApi } from '../../core/api/client.js';
import { Canvas } from '../canvas/Canvas.js';
import { Palette } from '../panels/Palette.js';
import { Inspector } from '../panels/Inspector.js';
import { Problems } from '../panels/Problems.js';
import { WorkflowDock } from '../workflows/WorkflowDock.js';
import { FileBrowser } from '../workflows/FileBrowser.js';
import { SearchMenu } from '../panels/SearchMenu.js';
import { FindDialog } from '../panels/FindDialog.js';
import { NamingDialog } from '../panels/NamingDialog.js';
import { EditorProvider, useEditor, useEditorStore } from '../react/editor-context.js';
import { HostProvider, useHost } from '../react/host-context.js';
import { isDirty, type EditorStore } from '../editor/editor-store.js';
import { SHORTCUTS } from '../editor/shortcuts.js';
import { useShortcuts } from '../react/use-shortcuts.js';
import { autoLayout, expandSelection, groupSelection, ungroupSelection } from '../editor/commands.js';
import {
  downloadProject,
  listTemplates,
  newFromTemplate,
  newProject,
  OPEN_TITLES,
  openProject,
  saveProject,
  type ProjectDialogs,
  type TemplateChoice,
} from './project.js';
import { ModelImport } from './ModelImport.js';
import { useHostSession } from './host-session.js';
import { HostStatus, OverwriteDialog } from './HostStatus.js';
import { RecentProjects, RecoveryOffer } from './ProjectMenus.js';
import { count } from '../../core/words.js';

type Modal =
  | { kind: 'confirm'; name: string; resolve: (ok: boolean) => void }
  | { kind: 'path'; mode: 'open' | 'save'; defaultName: string; folder: string | undefined; resolve: (path: string | undefined) => void }
  | { kind: 'templates'; templates: TemplateChoice[] }
  | { kind: 'overwrite'; path: string; why: string; resolve: (ok: boolean) => void };

const HelpOverlay = memo(function HelpOverlay() {
  const open = useEditor((s) => s.helpOpen);
  const store = useEditorStore();
  if (!open) return null;
  return (
    <div className="modal-backdrop" onMouseDown={() => store.getState().setHelpOpen(false)}>
      <div className="modal help" onMouseDown={(e) => e.stopPropagation()} data-testid="help">
        <div className="modal-title">Keyboard shortcuts</div>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <td className="keys">{s.keys}</td>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
});

const Notices = memo(function Notices() {
  const notices = useEditor((s) => s.notices);
  const store = useEditorStore();
  useEffect(() => {
    if (notices.length === 0) return;
    const first = notices[0]!;
    const timer = setTimeout(() => store.getState().dismiss(first.id), first.kind === 'error' ? 6000 : 2500);
    return () => clearTimeout(timer);
  }, [notices, store]);
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} onClick={() => store.getState().dismiss(n.id)} data-testid="notice">
          {n.message}
        </div>
      ))}
    </div>
  );
});

const StatusBar = memo(function StatusBar() {
  const layers = useEditor((s) => s.doc.nodes.length);
  const errors = useEditor((s) => s.diagnostics.filter((d) => d.severity === 'error').length);
  const warnings = useEditor((s) => s.diagnostics.filter((d) => d.severity === 'warning').length);
  const backends = useEditor((s) => s.backends);
  const path = useEditor((s) => s.filePath);
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span>{count(layers, 'layer')}</span>
      <span className={errors ? 'status-error' : ''}>● {count(errors, 'error')}</span>
      <span className={warnings ? 'status-warning' : ''}>▲ {count(warnings, 'warning')}</span>
      <span className="status-path">{path ?? 'not saved yet'}</span>
      <HostStatus />
      <span className="status-spacer" />
      {backends === undefined && <span className="muted">No host: files open and save through the browser</span>}
      {backends?.map((b) => (
        <span key={b.name} className={`backend ${b.available ? 'on' : 'off'}`} title={b.detail} data-testid={`backend-${b.name}`}>
          {b.available ? '●' : '○'} {b.name}
          {b.available ? '' : ` — ${b.detail}`}
        </span>
      ))}
    </footer>
  );
});

function Toolbar({
  onNew,
  onTemplates,
  onOpen,
  onSave,
  recent,
}: {
  onNew: () => void;
  onTemplates: () => void;
  onOpen: () => void;
  onSave: (saveAs: boolean) => void;
  recent?: React.ReactNode;
}) {
  const store = useEditorStore();
  const name = useEditor((s) => s.doc.name);
  const dirty = useEditor((s) => isDirty(s));
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const s = () => store.getState();
  // The window's (or tab's) title names the network, as the toolbar does.
  useEffect(() => {
    document.title = `${name}${dirty ? ' •' : ''} — TRT Studio`;
  }, [name, dirty]);
  return (
    <header className="toolbar">
      <span className="brand">TRT Studio</span>
      <div className="toolbar-group">
        <button onClick={onNew} title="New project (Ctrl+N)">
          New
        </button>
        <button onClick={onTemplates} title="New from a model template" data-testid="btn-templates">
          Templates
        </button>
        <button onClick={onOpen} title="Open (Ctrl+O)">
          Open
        </button>
        {recent}
        <button onClick={() => onSave(false)} title="Save (Ctrl+S)" data-testid="btn-save">
          Save
        </button>
        <button onClick={() => onSave(true)} title="Save as (Ctrl+Shift+S)">
          Save as
        </button>
        <button onClick={() => downloadProject(store)} title="Download the project file to this computer" data-testid="btn-download-project">
          Download
        </button>
      </div>
      <div className="toolbar-group">
        <button onClick={() => s().undo()} disabled={!canUndo} title="Undo (Ctrl+Z)" data-testid="btn-undo">
          ↶
        </button>
        <button onClick={() => s().redo()} disabled={!canRedo} title="Redo (Ctrl+Y)" data-testid="btn-redo">
          ↷
        </button>
      </div>
      <div className="toolbar-group">
        <button
          onClick={() => void autoLayout(store, 'LR', s().selected.length > 1 ? s().selected : [])}
          title="Auto-layout left to right (L)"
          data-testid="btn-layout-lr"
        >
          Layout →
        </button>
        <button
          onClick={() => void autoLayout(store, 'TB', s().selected.length > 1 ? s().selected : [])}
          title="Auto-layout top to bottom (Shift+L)"
          data-testid="btn-layout-tb"
        >
          Layout ↓
        </button>
        <button onClick={() => s().requestFit(true)} title="Fit view (F)" data-testid="btn-fit">
          Fit
        </button>
        <button onClick={() => groupSelection(store)} title="Group the selection (Ctrl+G)" data-testid="btn-group">
          Group
        </button>
        <button onClick={() => ungroupSelection(store)} title="Ungroup (Ctrl+Shift+G)">
          Ungroup
        </button>
        <button onClick={() => expandSelection(store)} title="Expand composite (E)">
          Expand
        </button>
        <button onClick={() => s().setFindOpen(true)} title="Find (Ctrl+F)">
          Find
        </button>
        <button onClick={() => s().setHelpOpen(true)} title="Keyboard shortcuts (?)">
          ?
        </button>
      </div>
      <span className="doc-title" data-testid="doc-title">
        {name}
        {dirty ? ' •' : ''}
      </span>
    </header>
  );
}

function EditorShell() {
  const store = useEditorStore();
  const host = useHost();
  const [modal, setModal] = useState<Modal | undefined>();
  const dialogs = useMemo<ProjectDialogs>(
    () => ({
      confirmDiscard: (name) => new Promise((resolve) => setModal({ kind: 'confirm', name, resolve })),
      pickPath: (mode, defaultName, folder) => new Promise((resolve) => setModal({ kind: 'path', mode, defaultName, folder, resolve })),
      confirmOverwrite: (path, why) => new Promise((resolve) => setModal({ kind: 'overwrite', path, why, resolve })),
    }),
    [],
  );
  const actions = useMemo(
    () => ({
      save: (saveAs: boolean) => void saveProject(store, host, dialogs, saveAs),
      open: () => void openProject(store, host, dialogs),
      newProject: () => void newProject(store, dialogs),
    }),
    [store, host, dialogs],
  );
  useShortcuts(store, actions);
  const confirmReplace = useCallback(async () => !isDirty(store.getState()) || dialogs.confirmDiscard(store.getState().doc.name), [store, dialogs]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (isDirty(store.getState())) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [store]);

  // Start-up, autosave and reconnection (host-session.ts).
  useHostSession(host, store);

  const showTemplates = () => setModal({ kind: 'templates', templates: listTemplates() });
  const chooseTemplate = async (id: string) => {
    setModal(undefined);
    // newFromTemplate lays the network out before showing it.
    await newFromTemplate(store, dialogs, id);
  };

  return (
    <div className="app">
      <Toolbar
        onNew={actions.newProject}
        onTemplates={showTemplates}
        onOpen={actions.open}
        onSave={actions.save}
        recent={<RecentProjects dialogs={dialogs} />}
      />
      <div className="workspace">
        <Palette />
        <div className="center">
          <ReactFlowProvider>
            <Canvas />
          </ReactFlowProvider>
          <WorkflowDock problems={<Problems />} />
        </div>
        <Inspector />
      </div>
      <StatusBar />
      <SearchMenu />
      <FindDialog />
      <NamingDialog />
      <HelpOverlay />
      {modal?.kind === 'overwrite' && <OverwriteDialog path={modal.path} why={modal.why} answer={modal.resolve} close={() => setModal(undefined)} />}
      <RecoveryOffer dialogs={dialogs} />
      <ModelImport confirmReplace={confirmReplace} />
      <Notices />
      {modal?.kind === 'confirm' && (
        <div className="modal-backdrop">
          <div className="modal" data-testid="confirm-dialog">
            <div className="modal-title">Unsaved changes</div>
            <p>“{modal.name}” has changes that are not saved. Discard them?</p>
            <div className="modal-actions">
              <button
                onClick={() => {
                  modal.resolve(false);
                  setModal(undefined);
                }}
              >
                Cancel
              </button>
              <button
                className="danger"
                onClick={() => {
                  modal.resolve(true);
                  setModal(undefined);
                }}
                data-testid="confirm-discard"
              >
                Discard changes
              </button>
            </div>
          </div>
        </div>
      )}
      {modal?.kind === 'path' && host && (
        <FileBrowser
          host={host}
          request={{
            purpose: modal.mode === 'open' ? 'openable' : 'project',
            mode: modal.mode,
            title: OPEN_TITLES[modal.mode],
            defaultName: modal.defaultName,
            ...(modal.folder ? { folder: modal.folder } : {}),
            resolve: (paths) => modal.resolve(paths[0]),
          }}
          close={() => setModal(undefined)}
        />
      )}
      {modal?.kind === 'templates' && (
        <div className="modal-backdrop" onMouseDown={() => setModal(undefined)}>
          <div className="modal templates" onMouseDown={(e) => e.stopPropagation()} data-testid="templates-dialog">
            <div className="modal-title">New from template</div>
            <div className="template-grid">
              {modal.templates.map((t) => (
                <div key={t.id} className="template-card" onClick={() => void chooseTemplate(t.id)} data-testid={`template-${t.id}`}>
                  <div className="template-name">{t.name}</div>
                  <div className="template-desc">{t.description}</div>
                  <div className="template-category">{t.category}</div>
                </div>
              ))}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

/** The whole editor for one store and one host connection. */
export function App({ store, host }: { store: EditorStore; host: HostApi | undefined }) {
  return (
    <HostProvider host={host}>
      <EditorProvider store={store}>
        <EditorShell />
      </EditorProvider>
    </HostProvider>
  );
}
